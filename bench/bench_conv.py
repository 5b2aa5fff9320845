"""64 random 3x3 {-1,0,1} filters on a 512x512 grey image: engine vs torch conv2d CPU vs naive loops.

The naive loop is timed on a 64x64 crop and scaled by the pixel count (the full
image would take minutes); the engine is also timed on that crop for a direct ratio.
"""

from __future__ import annotations

import argparse
import time

import _threads  # first: sets BLAS threads before NumPy loads
import numpy as np

from engine.conv import conv2d, conv2d_naive
from engine.kernels import random_bank


def best(fn, repeats):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(0)
    x = rng.random((1, 512, 512), dtype=np.float32)
    w = random_bank(64, 3, 1, seed=0).astype(np.float32)
    res = {"engine": best(lambda: conv2d(x, w), args.repeats)}
    torch = _threads.torch_or_none()
    if torch is not None:
        xt, wt = torch.from_numpy(x)[None], torch.from_numpy(w)
        with torch.no_grad():
            res["torch"] = best(lambda: torch.nn.functional.conv2d(xt, wt), args.repeats)
            assert np.allclose(torch.nn.functional.conv2d(xt, wt)[0].numpy(), conv2d(x, w), atol=1e-4)
    crop = x[:, :64, :64]
    scale = (510 * 510) / (62 * 62)
    naive_crop = best(lambda: conv2d_naive(crop, w), 1)
    engine_crop = best(lambda: conv2d(crop, w), args.repeats)
    res["naive (scaled)"] = naive_crop * scale
    print(
        f"conv2d: 64 filters 3x3 on 1x512x512 float32, valid, {_threads.THREADS} thread(s), best of {args.repeats}"
    )
    for name, t in res.items():
        print(f"  {name:<15} {t * 1000:10.2f} ms")
    print(f"  engine goal <= 20 ms: {res['engine'] * 1000:.2f} ms")
    if "torch" in res:
        print(f"  torch / engine = {res['torch'] / res['engine']:.1f}x  (goal >= 3x)")
    print(f"  naive / engine on a 64x64 crop = {naive_crop / engine_crop:.0f}x")
    return res


if __name__ == "__main__":
    main()
