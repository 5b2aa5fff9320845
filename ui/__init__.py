"""Streamlit-side helpers: pure plotly figure builders (figures) and small widgets (widgets)."""
