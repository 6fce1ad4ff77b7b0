"""The per-window Li maps of bench/workload.ts in numpy, for comparison (workload c).

Usage: python3 numpy_reduction.py STACK.ome.tif LAYOUT.json
The layout (plane offsets and the window of each scan) comes from `workload.ts li-layout`, so
numpy reads exactly the bytes the TypeScript reduction reads (it is handed the plane offsets: no
TIFF parsing is timed). Prints {seconds, coldSeconds, check, maxRssBytes}.
"""
import json
import resource
import sys
import time

import numpy as np

path, layout_path = sys.argv[1], sys.argv[2]
with open(layout_path) as f:
    layout = json.load(f)
w, h, n_windows = layout["width"], layout["height"], layout["windows"]



def reduce():
    started = time.perf_counter()
    stack = np.memmap(path, dtype="<u2", mode="r")
    maps = np.zeros((n_windows, h * w), dtype=np.float64)
    for scan in layout["scans"]:
        k = scan["window"]
        if k < 0:
            continue
        start = scan["offset"] // 2
        maps[k] += stack[start : start + h * w]
    return time.perf_counter() - started, float(maps.sum())


# As the TypeScript workloads run (bench/workload.ts): the first run, then the median of four.
cold, _ = reduce()
steady = sorted(reduce() for _ in range(4))
seconds = (steady[1][0] + steady[2][0]) / 2
check = steady[0][1]
print(json.dumps({
    "seconds": seconds,
    "coldSeconds": cold,
    "check": check,
    "maxRssBytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
}))
