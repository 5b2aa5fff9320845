"""What a learner takes home: the run as a Python script, the history as CSV, and the download buttons."""
