"""What every page with settings offers beside them: reset to defaults, guided experiments, lesson links.

Drawn by the page's bound form (``ui.settings.widgets.Bound``) once the settings are known: the first
in the sidebar, the lesson-link maker (or a lesson's title and task) at the top of the page.  Whatever comes from a link
(a lesson's title and task) is shown as plain text (``ui.shell.text.plain``).
"""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

from ui.settings.lesson import Lesson, lesson_form
from ui.settings.view import VIEW
from ui.shell.text import plain


def lesson_header(bound) -> None:
    """A lesson's title, task, goal and what it locks, at the top of the page."""
    lesson = bound.lesson
    if lesson is None:
        return
    info = lesson.info
    with st.container(border=True, key=f"{bound.prefix}-lesson"):
        st.markdown(f"#### 📘 {plain(info['lesson'] or 'Lesson', 80)}")
        if info["task"]:
            st.markdown(plain(info["task"], 400))
        if lesson.goal:
            st.markdown(f"**Goal:** {lesson.goal_text()}.")
        locked = [s.label for s in bound.form if lesson.locked(s.key)]
        if locked:
            st.caption(f"Locked for this lesson: {', '.join(locked)}.")


def page_tools(bound) -> None:
    """The sidebar's first lines: reset to defaults, the guided experiments."""
    lesson = bound.lesson
    st.button(
        "↺ Start the lesson again" if lesson else "↺ Reset to defaults",
        key=f"{bound.prefix}:defaults",
        on_click=bound.reset,
        help=("Every setting back to where the lesson started." if lesson else
              "Every setting on this page back to its default (the address too). The live view's ↺ Reset only "
              "draws fresh weights and keeps the settings."),
    )
    if lesson is None and bound.experiments:
        experiments(bound)


def projector_toggle(bound) -> None:
    """The projector view's toggle, on a page with a live view (the router's view form holds it)."""
    type(bound)(VIEW, "view", url="view").widget("projector", where=st)


def experiments(bound) -> None:
    """A picker of the page's guided experiments: choosing one applies its settings (as its URL would)."""
    state, key = st.session_state, f"{bound.prefix}:experiment"
    by_name = {e.name: e for e in bound.experiments}

    def apply():
        chosen = by_name.get(state[key])
        if chosen is not None:
            bound.load(bound.form.from_query(chosen.query))

    name = st.selectbox(
        "🧪 Guided experiments", [None, *by_name], key=key, on_change=apply,
        format_func=lambda n: "choose one…" if n is None else n,
        help="Each sets the page up to show one thing; what to watch and what to try next appear below. Your "
             "settings are replaced (↺ Reset to defaults brings the page's back).",
    )
    if name is not None:
        chosen = by_name[name]
        st.info(f"{chosen.watch}\n\n**Try next:** {chosen.next}")
        st.caption(f"Its link: `?{urlencode(chosen.query)}`")


def lesson_maker(bound, values: dict) -> None:
    """The teacher's panel: what learners may change, a title, a task and a goal, and the link to copy."""
    form = lesson_form(bound.form)
    # a toggle, not an expander: its widgets are drawn only for a teacher who asks for them
    if not st.toggle("🎓 Make a lesson link", key=f"{bound.prefix}:lesson_maker",
                     help="For teachers: a link to this page as it is set up now, with a task, locked settings "
                          "and a goal."):
        return
    with st.container(border=True):
        st.caption("Set the page up first. Learners who open the link see your title and task, can change only "
                   "the settings you tick, and are told when they meet the goal.")
        maker = type(bound)(form, f"{bound.prefix}:lesson", url=None)
        goal = "goal" in form.settings and maker.value("goal") != "none"
        for setting in form:  # a goal's threshold and limits once there is a goal
            if goal or setting.key == "goal" or not setting.key.startswith("goal"):
                maker.widget(setting.key, where=st)
        query = Lesson.link(bound.form, values, maker.values)
        st.code(f"{_page_address()}?{urlencode(query)}", language=None, wrap_lines=True)
        st.caption("Copy it with the button at the top right of the box.")


def _page_address() -> str:
    """This page's address without its query, as the browser shows it."""
    url = str(st.context.url or "")
    return url.split("?", 1)[0]
