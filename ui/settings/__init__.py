"""Settings declared once (``form``): widgets, URL round trip, clamping and reset key all come from the declaration."""
