"""Runs every benchmark (benchmarks/bench_*.py), each in its own process.

Each benchmark prints its own table: our time against a baseline run in the same
process, as ratios. ``make bench`` runs all; ``make bench BENCH=gapzones`` one.
A benchmark that fails makes the run fail.
"""

import glob
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def main(argv):
    wanted = set(argv) or None
    scripts = sorted(glob.glob(os.path.join(HERE, "bench_*.py")))
    failed = []
    for script in scripts:
        name = os.path.basename(script)[len("bench_") : -3]
        if wanted and name not in wanted:
            continue
        print(f"\n=== benchmark: {name} ===", flush=True)
        # -P: never the current folder on sys.path (our processing/ would shadow QGIS's)
        result = subprocess.run([sys.executable, "-P", script], check=False)
        if result.returncode != 0:
            failed.append(name)
    if failed:
        print(f"\nbenchmarks failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main([a for a in os.environ.get("BENCH", "").split(",") if a] + sys.argv[1:]))
