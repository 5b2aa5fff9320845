"""Each page's settings, data and live task, without Streamlit: the pages, tests and benchmarks share them.

A setup never imports another setup: what two pages share lives below (settings, live, charts, engine).
"""
