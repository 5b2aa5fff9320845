"""Sidebar controls shared by the logistic and softmax regression pages."""

from __future__ import annotations

import streamlit as st

from engine import load_iris

LR_CHOICES = [0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0]


@st.cache_data
def iris():
    """The bundled iris data (read-only, shared by all users: safe to cache)."""
    return load_iris()


def feature_pickers(default=(0, 2)):
    """Two selectboxes for the features drawn on the x and y axes; returns their column indices."""
    names = iris().feature_names
    fx = st.selectbox(
        "x-axis feature", range(4), default[0], format_func=lambda i: names[i].replace("_", " ")
    )
    fy = st.selectbox(
        "y-axis feature", range(4), default[1], format_func=lambda i: names[i].replace("_", " ")
    )
    if fx == fy:
        st.warning("Pick two different features; using the next one for the y-axis.")
        fy = (fx + 1) % 4
    return fx, fy


def gd_controls(default_lr=10.0):
    lr = st.select_slider(
        "learning rate η",
        LR_CHOICES,
        default_lr,
        help="Step size of gradient descent on the mean log-likelihood "
        "(features are scaled by their maximum, so large steps are fine).",
    )
    steps = st.slider("steps per tick", 1, 200, 20, help="Gradient steps taken each time the view updates.")
    return lr, steps
