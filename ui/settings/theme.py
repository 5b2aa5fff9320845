"""The theme switch (auto, light, dark), kept in the URL like every setting, on every page.

Streamlit chooses its theme in the browser, from the choice its (here hidden) settings menu stores in
localStorage under ``stActiveTheme-<path the app was opened at>-v2``, read once when the page loads.  A
few inline lines store the URL's choice there and reload the page once; the settings are in the URL, so
the page comes back as it was (a run in progress starts again).  The live canvas follows Streamlit's
theme variables, so it switches with the page.
"""

from __future__ import annotations

import streamlit as st

from ui.settings.view import VIEW
from ui.settings.widgets import Bound

# Reloads at most once per wanted theme in a tab (sessionStorage): a browser that keeps no localStorage,
# or a Streamlit that stopped reading it, gets the system theme, never a reload loop.
_FOLLOW = """
export default function (component) {
  const want = { auto: 'System', light: 'Light', dark: 'Dark' }[component.data];
  if (!want) return;
  try {
    const nav = performance.getEntriesByType('navigation')[0];
    const opened = nav ? new URL(nav.name).pathname : window.location.pathname;
    const key = (path) => `stActiveTheme-${path}-v2`;
    const now = JSON.parse(window.localStorage.getItem(key(opened)) || '"System"');
    if (now === want) return window.sessionStorage.removeItem('backprop-lab-theme');
    if (window.sessionStorage.getItem('backprop-lab-theme') === want) return;
    for (const path of new Set([opened, window.location.pathname])) {
      window.localStorage.setItem(key(path), JSON.stringify(want));
    }
    window.sessionStorage.setItem('backprop-lab-theme', want);
    window.location.reload();
  } catch (e) {
    console.warn('theme switch unavailable', e);
  }
}
"""
_follow = st.components.v2.component("backprop_lab.theme", js=_FOLLOW)


def switch() -> None:
    """The theme radio in the sidebar; the page follows the choice (and the URL keeps it)."""
    view = Bound(VIEW, "view", url="view")
    with st.sidebar:
        view.widget("theme")
        _follow(key="theme", data=view.values["theme"])
