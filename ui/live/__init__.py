"""The live view: the canvas on a page, the harness that trains a chunk per tick, frames, pace and views."""
