"""Serving a class: Streamlit replicas behind HAProxy (``python -m deploy``), Docker and Kubernetes files."""
