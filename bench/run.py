"""Every benchmark in one run: ``python bench/run.py [--threads N]``.

1. MLP 784-100-10 epoch: engine vs plain NumPy loop vs torch CPU
2. 64 random 3x3 filters on 512x512: engine vs torch conv2d vs naive loops
3. Playground tick: train chunk + 100x100 decision boundary
4. Default CNN epoch on the 4000 bundled digits: engine vs torch CPU
5. The playground's small network 2-8-8-1 (batch 10, 500 points): engine vs a plain NumPy loop,
   SGD then Adam, epochs taking turns, medians of CPU time
"""

import sys

import _threads  # first: sets BLAS threads before NumPy loads
import bench_cnn
import bench_conv
import bench_mlp
import bench_playground
import bench_small

if __name__ == "__main__":
    extra = ["--threads", str(_threads.THREADS)]
    bench_mlp.main(extra)
    print()
    bench_conv.main(extra)
    print()
    bench_playground.main(extra)
    print()
    bench_cnn.main(extra)
    print()
    bench_small.main(extra)
    print()
    bench_small.main([*extra, "--optimizer", "adam"])
    sys.exit(0)
