"""How every page is shown, whatever it teaches: the theme and the projector view, kept in the URL.

Declared as a Form like a page's settings; the router binds it (``ui.settings.widgets.Bound``), and a
page's own form leaves these keys in the address when it writes its settings there.
"""

from __future__ import annotations

from ui.settings.form import Choice, Flag, Form

VIEW = Form(
    Choice("theme", "auto", "theme", "Light or dark colours, or auto: your system's setting. Kept in the address "
           "bar; switching reloads the page (the settings stay, a run in progress starts again).",
           options=("auto", "light", "dark"), widget="radio"),
    Flag("projector", False, "📽️ projector view", "The live view fills the window with large type, to be read "
         "from the back of a room. Keys: space or k plays and pauses, s steps, r resets, f or Esc leaves it."),
)
