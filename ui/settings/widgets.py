"""Widgets for settings declared in a ``ui.settings.form.Form``, bound to the URL.

On a page's first visit in a session the values come from the URL (validated and clamped); every run
writes the values that differ from the defaults back, so the address bar always shares the page.

Widget keys are ``{prefix}_{setting key}``; a :class:`~ui.settings.form.Layers` setting uses
``{prefix}_{key}_n`` for the count and ``{prefix}_{key}_units_{i}`` / ``{prefix}_{key}_act_{i}``
per layer.
"""

from __future__ import annotations

import streamlit as st

from ui.settings import tools
from ui.settings.form import Choice, Flag, Form, Layers, Number, Subset


class Bound:
    """A form bound to this session under ``prefix``: draw its widgets, then read :attr:`values`.

    ``experiments``: the page's guided experiments (``ui.setups.experiments``), offered in the sidebar.
    """

    def __init__(self, form: Form, prefix: str, experiments=()):
        self.form, self.prefix, self.experiments = form, prefix, experiments
        state = st.session_state
        self._store = f"{prefix}:settings"
        if self._store not in state:  # first visit in this session: the URL's settings
            state[self._store] = form.from_query(st.query_params.to_dict())
        pending = state.pop(f"{prefix}:pending_settings", None)
        if pending is not None:  # values given by load() on the last run, before any widget exists
            state[self._store] = pending
            for key in [k for k in state if str(k).startswith(f"{prefix}_")]:
                del state[key]  # every widget takes its value from the store again
        self._tools = st.sidebar.container()  # filled once the values are known (see values)
        self._tools_drawn = False

    def load(self, values: dict) -> None:
        """Show ``values`` in the widgets from the next run on (call st.rerun() after this); settings
        it does not name keep theirs."""
        st.session_state[f"{self.prefix}:pending_settings"] = self.form.clean({**self.stored, **values})

    def reset(self) -> None:
        """Every setting back to its default, from the next run on (a button's callback)."""
        self.load(self.form.defaults)

    @property
    def stored(self) -> dict:
        return st.session_state[self._store]

    def _seed(self, wkey: str, value) -> str:
        # a widget hidden on the last run lost its state: give it back the last value
        st.session_state.setdefault(wkey, value)
        return wkey

    def value(self, key: str):
        """Setting ``key`` as its widget holds it now (before the widget is drawn: the stored value), made
        valid: for the widgets that depend on it."""
        s = self.form[key]
        return s.clean(self._widget_value(s))

    def set(self, key: str, value) -> None:
        """Put ``value`` in the widget of setting ``key``: before the widget is drawn, or in a callback."""
        st.session_state[f"{self.prefix}_{key}"] = value

    def widget(self, key: str, where=None, label: str | None = None, options=None):
        """Draw the widget of setting ``key`` (in the sidebar unless ``where`` is given); a Choice may
        offer only some ``options`` (those that fit the other settings)."""
        where = where or st.sidebar
        s = self.form[key]
        wkey = self._seed(f"{self.prefix}_{key}", self.stored[key])
        label = label or s.label
        if isinstance(s, Number):
            if s.widget == "slider":
                return where.slider(label, s.lo, s.hi, key=wkey, step=s.step, help=s.help, format=s.fmt)
            return where.number_input(label, s.lo, s.hi, key=wkey, step=s.step, help=s.help, format=s.fmt)
        if isinstance(s, Choice):
            options = s.options if options is None else tuple(options)
            if s.widget == "slider":
                return where.select_slider(label, options, key=wkey, help=s.help, format_func=s.label_of)
            if s.widget == "radio":
                return where.radio(label, options, key=wkey, help=s.help, format_func=s.label_of, horizontal=True)
            return where.selectbox(label, options, key=wkey, help=s.help, format_func=s.label_of)
        if isinstance(s, Flag):
            return where.checkbox(label, key=wkey, help=s.help)
        if isinstance(s, Subset):
            return self._subset(s, where, label)
        if isinstance(s, Layers):
            return self._layers(s, where)
        raise TypeError(f"no widget for {type(s).__name__}")

    def _subset(self, s: Subset, where, label):
        return where.pills(
            label,
            s.options,
            selection_mode="multi",
            key=self._seed(f"{self.prefix}_{s.key}", list(self.stored[s.key])),
            format_func=lambda o: str(s.labels.get(o, o)),
            help=s.help,
        )

    def _layers(self, s: Layers, where):
        layers = self.stored[s.key]
        n = where.slider(
            s.label, 0, s.max_layers, key=self._seed(f"{self.prefix}_{s.key}_n", len(layers)), help=s.help
        )
        fill_units, fill_act = (layers or s.default or [(8, s.activations[0])])[-1]
        for i in range(n):
            units, act = layers[i] if i < len(layers) else (fill_units, fill_act)
            c1, c2 = where.columns(2)
            c1.number_input(
                f"layer {i + 1} neurons",
                1,
                s.max_units,
                key=self._seed(f"{self.prefix}_{s.key}_units_{i}", units),
                help=f"Neurons in hidden layer {i + 1} (1 to {s.max_units}).",
            )
            c2.selectbox(
                f"layer {i + 1} activation",
                s.activations,
                key=self._seed(f"{self.prefix}_{s.key}_act_{i}", act),
                help="What each neuron applies to its weighted sum.",
            )

    def _widget_value(self, s):
        state, p = st.session_state, self.prefix
        if isinstance(s, Layers):
            if f"{p}_{s.key}_n" not in state:
                return self.stored[s.key]
            old = self.stored[s.key]
            out = []
            for i in range(int(state[f"{p}_{s.key}_n"])):
                fallback = old[i] if i < len(old) else (old or s.default or [(8, s.activations[0])])[-1]
                out.append(
                    (
                        state.get(f"{p}_{s.key}_units_{i}", fallback[0]),
                        state.get(f"{p}_{s.key}_act_{i}", fallback[1]),
                    )
                )
            return out
        return state.get(f"{p}_{s.key}", self.stored[s.key])

    @property
    def values(self) -> dict:
        """The current settings, validated, stored for the next run and written to the URL."""
        raw = {s.key: self._widget_value(s) for s in self.form}
        values = self.form.clean(raw)
        st.session_state[self._store] = values
        query = self.form.to_query(values)
        if query != st.query_params.to_dict():
            st.query_params.from_dict(query)
        if not self._tools_drawn:
            self._tools_drawn = True
            with self._tools:
                tools.page_tools(self)
        return values
