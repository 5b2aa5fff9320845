"""Widgets for settings declared in a ``ui.settings.form.Form``, bound to the URL.

On a page's first visit in a session the values come from the URL (validated and clamped); every run
writes the values that differ from the defaults back, so the address bar always shares the page.  A
lesson link (``ui.settings.lesson``) locks some settings: their widgets are greyed out or hidden, and
whatever a widget, a button or the address asks, they keep the lesson's values.

Widget keys are ``{prefix}_{setting key}``; a :class:`~ui.settings.form.Layers` setting uses
``{prefix}_{key}_n`` for the count and ``{prefix}_{key}_units_{i}`` / ``{prefix}_{key}_act_{i}``
per layer.
"""

from __future__ import annotations

import streamlit as st

from ui.settings import tools
from ui.settings.form import Choice, Flag, Form, Layers, Number, Subset, Text
from ui.settings.lesson import Lesson
from ui.settings.view import VIEW


class Bound:
    """A form bound to this session under ``prefix``: draw its widgets, then read :attr:`values`.

    ``url``: "page" for a page's settings (the address holds them, with the view's: theme, projector),
    "view" for :data:`ui.settings.view.VIEW` (its keys only), None for a form the address never holds.
    ``experiments``: the page's guided experiments (``ui.setups.experiments``), offered in the sidebar.
    """

    def __init__(self, form: Form, prefix: str, experiments=(), url: str | None = "page"):
        self.form, self.prefix, self.url, self.experiments = form, prefix, url, experiments
        self._tools_drawn = False
        state = st.session_state
        self._store = f"{prefix}:settings"
        if self._store not in state:  # first visit in this session: the URL's settings (and lesson)
            query = st.query_params.to_dict() if url else {}
            lesson = Lesson.from_query(query, form) if url == "page" else None
            values = form.from_query(query)
            if lesson is not None:
                values = lesson.impose(values) or lesson.impose(lesson.fixed) or form.clean(lesson.fixed)
            state[self._store] = state[f"{prefix}:start"] = values
            state[f"{prefix}:lesson"] = lesson
        self.lesson: Lesson | None = state[f"{prefix}:lesson"]
        pending = state.pop(f"{prefix}:pending_settings", None)
        asked = state.pop(f"{prefix}:asked", None)  # settings another part of the page asked for (the canvas)
        if asked is not None:
            pending = form.clean({**state[self._store], **asked})
        if pending is not None:  # values given by load() on the last run, before any widget exists
            state[self._store] = pending
            for key in [k for k in state if str(k).startswith(f"{prefix}_")]:
                del state[key]  # every widget takes its value from the store again
        if url == "page":  # filled once the values are known (see values)
            self._tools, self._maker = st.sidebar.container(), st.container()
            tools.lesson_header(self)

    def load(self, values: dict) -> None:
        """Show ``values`` in the widgets from the next run on (call st.rerun() after this, or call it in a
        callback); settings it does not name keep theirs, locked ones the lesson's."""
        values = self.form.clean({**self.stored, **values})
        if self.lesson is not None:
            values = self.lesson.impose(values) or self.stored
        st.session_state[f"{self.prefix}:pending_settings"] = values

    def reset(self) -> None:
        """Every setting back to its default (in a lesson: to where the lesson started), from the next run on."""
        self.load(st.session_state[f"{self.prefix}:start"] if self.lesson else self.form.defaults)

    def locked(self, key: str) -> bool:
        """Whether a lesson keeps setting ``key`` at its value."""
        return self.lesson is not None and self.lesson.locked(key)

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
        """Put ``value`` in the widget of setting ``key``: before the widget is drawn, or in a callback
        (a locked setting keeps the lesson's)."""
        if not self.locked(key):
            st.session_state[f"{self.prefix}_{key}"] = value

    def widget(self, key: str, where=None, label: str | None = None, options=None):
        """Draw the widget of setting ``key`` (in the sidebar unless ``where`` is given); a Choice may
        offer only some ``options`` (those that fit the other settings)."""
        where = where or st.sidebar
        s = self.form[key]
        locked = self.locked(key)
        if locked and self.lesson.hides:
            return self.stored[key]
        wkey = self._seed(f"{self.prefix}_{key}", self.stored[key])
        label = label or s.label
        common = dict(key=wkey, help=s.help + (" Locked for this lesson." if locked else ""), disabled=locked)
        if isinstance(s, Number):
            if s.widget == "slider":
                return where.slider(label, s.lo, s.hi, step=s.step, format=s.fmt, **common)
            return where.number_input(label, s.lo, s.hi, step=s.step, format=s.fmt, **common)
        if isinstance(s, Choice):
            options = s.options if options is None else tuple(options)
            if s.widget == "slider":
                return where.select_slider(label, options, format_func=s.label_of, **common)
            if s.widget == "radio":
                return where.radio(label, options, format_func=s.label_of, horizontal=True, **common)
            return where.selectbox(label, options, format_func=s.label_of, **common)
        if isinstance(s, Flag):
            return where.checkbox(label, **common)
        if isinstance(s, Text):
            box = where.text_area if s.widget == "area" else where.text_input
            return box(label, max_chars=s.max_len, placeholder=s.placeholder, **common)
        if isinstance(s, Subset):
            common["key"] = self._seed(wkey, list(self.stored[s.key]))
            return where.pills(label, s.options, selection_mode="multi", format_func=lambda o: str(s.labels.get(o, o)),
                               **common)
        if isinstance(s, Layers):
            return self._layers(s, where, locked)
        raise TypeError(f"no widget for {type(s).__name__}")

    def _layers(self, s: Layers, where, locked: bool):
        layers = self.stored[s.key]
        n = where.slider(
            s.label, 0, s.max_layers, key=self._seed(f"{self.prefix}_{s.key}_n", len(layers)), help=s.help,
            disabled=locked,
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
                disabled=locked,
            )
            c2.selectbox(
                f"layer {i + 1} activation",
                s.activations,
                key=self._seed(f"{self.prefix}_{s.key}_act_{i}", act),
                help="What each neuron applies to its weighted sum.",
                disabled=locked,
            )

    def _widget_value(self, s):
        state, p = st.session_state, self.prefix
        if self.locked(s.key):
            return self.stored[s.key]
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
        if self.lesson is not None and self.lesson.impose(values) is None:
            self.load(self.stored)  # an open setting chosen against a locked one: the widgets go back
            st.rerun()
        st.session_state[self._store] = values
        if self.url:
            self._write_url(values)
        if self.url == "page" and not self._tools_drawn:
            self._tools_drawn = True
            with self._tools:
                tools.page_tools(self)
            if self.lesson is None:
                with self._maker:
                    tools.lesson_maker(self, values)
        return values

    def offer_projector(self) -> None:
        """The page shows a live view (``ui.live.canvas``): its sidebar offers the projector view."""
        with self._tools:
            tools.projector_toggle(self)

    def _write_url(self, values: dict) -> None:
        now = st.query_params.to_dict()
        query = self.lesson.to_query(values) if self.lesson else self.form.to_query(values)
        if self.url == "page":  # the view's keys stay, the rest is this form's
            query = {**{k: v for k, v in now.items() if k in VIEW.settings}, **query}
        else:
            query = {**{k: v for k, v in now.items() if k not in self.form.settings}, **query}
        if query != now:
            st.query_params.from_dict(query)
