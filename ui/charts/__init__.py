"""Plotly figures for the paused and static views (pure builders: data in, figure out), and the
palette every view shares."""
