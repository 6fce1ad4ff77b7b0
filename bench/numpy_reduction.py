"""The per-window Li maps of bench/workload.ts in numpy, for comparison (workload c).

Usage: python3 numpy_reduction.py STACK.ome.tif LAYOUT.json
The layout (each Li plane's byte offset, each window's weight of each scan) comes from
`workload.ts li-layout`, so numpy reads exactly the bytes the TypeScript reduction reads (it is
handed the plane offsets: no TIFF parsing is timed) and makes the same reduction: per window,
the map of counts and its Poisson variance (scans cut by the window's edges weighted w, their
variance w²), and the map's total and σ. It is written as a numpy user would, at its fastest: the
planes are one strided view of the mapped file (no copy), a window's whole scans summed along
that axis in 32-bit integers (exact, as our kernel's), the few cut scans added alone.
Prints {seconds, coldSeconds, check, maxRssBytes}; check is the sum of the maps' totals, the
TypeScript workload's check.
"""
import json
import resource
import sys
import time

import numpy as np

path, layout_path = sys.argv[1], sys.argv[2]
with open(layout_path) as f:
    layout = json.load(f)
n = layout["width"] * layout["height"]
offsets = layout["offsets"]
weights = np.array(layout["weights"], dtype=np.float64)
steps = {b - a for a, b in zip(offsets, offsets[1:])}
# Planes at one stride (as the bench stacks are written) make one (scans × pixels) view.
stride = next(iter(steps)) if len(steps) == 1 else (2 * n if not steps else None)


def reduce():
    started = time.perf_counter()
    mapped = np.memmap(path, dtype="<u2", mode="r")
    if stride is not None:
        planes = np.ndarray((len(offsets), n), dtype="<u2", buffer=mapped, offset=offsets[0], strides=(stride, 2))
    else:
        planes = np.stack([mapped[o // 2 : o // 2 + n] for o in offsets])
    values = np.empty((len(weights), n))
    variance = np.empty((len(weights), n))
    for k, w in enumerate(weights):
        whole = np.flatnonzero(w == 1)
        # A window's whole scans are consecutive. Assigned, not added: `+=` of the integer sums
        # into zeros took twice as long.
        values[k] = planes[whole[0] : whole[-1] + 1].sum(axis=0, dtype=np.uint32) if len(whole) else 0
        variance[k] = values[k]
        for i in np.flatnonzero((w > 0) & (w < 1)):
            plane = planes[i].astype(np.float64)
            values[k] += w[i] * plane
            variance[k] += w[i] * w[i] * plane
    totals = values.sum(axis=1)
    sigmas = np.sqrt(variance.sum(axis=1))
    return time.perf_counter() - started, float(totals.sum()), sigmas


# As the TypeScript workloads run (bench/workload.ts): the first run, then the median of four.
cold, _, _ = reduce()
steady = sorted(reduce()[:2] for _ in range(4))
seconds = (steady[1][0] + steady[2][0]) / 2
check = steady[0][1]
print(json.dumps({
    "seconds": seconds,
    "coldSeconds": cold,
    "check": check,
    "maxRssBytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
}))
