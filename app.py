"""Backprop Lab: the router.  Run with ``streamlit run app.py``.

The page scripts live in app_pages/, not pages/: Streamlit treats a pages/ folder as an
automatic multipage app, and a visitor whose first request is a deep link (say
/playground on a fresh server) would then bypass this router.
"""

import streamlit as st

# Every session's script runs in a thread of its own, and a class arriving together imported the engine
# and the pages' setups by different doors at once: Python found the threads waiting on each other's
# modules and gave one a half-imported module ("cannot import name ... from engine").  Imported first,
# whole and in one order, a second thread simply waits for the first.
import engine  # noqa: F401
import ui.setups.backprop  # noqa: F401
import ui.setups.cnn  # noqa: F401
import ui.setups.convolutions  # noqa: F401
import ui.setups.experiments  # noqa: F401
import ui.setups.mnist  # noqa: F401
import ui.setups.playground  # noqa: F401
import ui.setups.regression  # noqa: F401
from ui.inputs import sandbox
from ui.settings import theme
from ui.shell.errors import page_boundary
from ui.shell.server import configure
from ui.shell.sessions import admit_or_stop

configure()
sandbox.start()  # the process that decodes uploads: ready before the first one
st.set_page_config(page_title="Backprop Lab", page_icon="🧠", layout="wide")
admit_or_stop()  # a server at its cap of learners says so instead of slowing everyone

PAGES = {
    "Start": [st.Page("app_pages/home.py", title="Home", icon="🏠", default=True)],
    "1 · Regression": [
        st.Page("app_pages/linear_regression.py", title="Linear regression", icon="📈"),
        st.Page("app_pages/logistic_regression.py", title="Logistic regression", icon="🔀"),
        st.Page("app_pages/softmax_regression.py", title="Softmax regression", icon="🎨"),
    ],
    "2 · Neural networks": [
        st.Page("app_pages/backprop.py", title="Backprop, step by step", icon="🔗"),
        st.Page("app_pages/playground.py", title="Network playground", icon="🕸️"),
        st.Page("app_pages/mnist.py", title="MNIST digits", icon="✍️"),
    ],
    "3 · Convolutions": [
        st.Page("app_pages/convolutions.py", title="Convolutions", icon="🖼️"),
        st.Page("app_pages/cnn.py", title="A CNN learns", icon="🧩", url_path="cnn"),
    ],
}

with page_boundary():  # no traceback or server path ever reaches a browser
    st.navigation(PAGES).run()
theme.switch()  # auto, light or dark, kept in the URL: on every page, at the foot of its sidebar
