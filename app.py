"""Backprop Lab: the router.  Run with ``streamlit run app.py``."""

import streamlit as st

st.set_page_config(page_title="Backprop Lab", page_icon="🧠", layout="wide")

PAGES = {
    "Start": [st.Page("pages/home.py", title="Home", icon="🏠", default=True)],
    "1 · Regression": [
        st.Page("pages/linear_regression.py", title="Linear regression", icon="📈"),
        st.Page("pages/logistic_regression.py", title="Logistic regression", icon="🔀"),
        st.Page("pages/softmax_regression.py", title="Softmax regression", icon="🎨"),
    ],
    "2 · Neural networks": [
        st.Page("pages/playground.py", title="Network playground", icon="🕸️"),
        st.Page("pages/mnist.py", title="MNIST digits", icon="✍️"),
    ],
    "3 · Convolutions": [st.Page("pages/convolutions.py", title="Convolutions", icon="🖼️")],
}

st.navigation(PAGES).run()
