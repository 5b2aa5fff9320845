"""The live view: the canvas on a page, the harness that trains a chunk per tick, the frames and the
protocol they keep, the pace, and what the canvas shows of networks and digits."""
