"""Streaming a 20-million-line synthetic GeoNames dump (the size of allCountries.txt and more).

``make bench BENCH=gazetteer``. The file (benchmarks/out, ~2 GB; removed afterwards unless BENCH_KEEP=1) has
the 19 tab-separated columns of a dump: lines at random positions worldwide, 45 % of them populated places
(feature class P), and 1 line in 2,000 a place within 60 km of the Iraq–Syria border. Lines repeat every
BLOCK lines (the ids too): what is measured is reading, not the content.

Methods, taking turns, best of BENCH_GAZETTEER_REPEATS (3) rounds, in the same process:
- *ours*: analysis/gazetteer.read_geonames (blocks of 4 MiB split into lines, class-P and box filter, a
  Place for each line in the box), the reader of bordergaps:importsettlements;
- *csv.reader*: Python's csv module over the same file (tab-separated, no quoting), every row parsed, nothing
  kept: the plain read an analyst's script would do;
- *lines*: ``for line in open(path, 'rb')``, counting only: the I/O floor.
Then the whole algorithm once through Processing (reading, geodesic distances, side, district, de-duplication
and writing). Memory: peak resident size above the start of a run, sampled every 5 ms, in a run of its own;
the run fails when ours exceeds MEMORY_BOUND_MIB.
"""

import csv
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from bench_gapzones import PeakRss  # noqa: E402
from common import Measure, print_table, start_qgis  # noqa: E402

LINES = int(os.environ.get("BENCH_GAZETTEER_LINES", "20000000"))
REPEATS = int(os.environ.get("BENCH_GAZETTEER_REPEATS", "3"))
BLOCK = 100000
REGION_EVERY = 2000
MEMORY_BOUND_MIB = 256.0
OUT = os.path.join(HERE, "out")
PATH = os.path.join(OUT, f"synthetic_geonames_{LINES}.txt")


def generate(path: str, lines: int, seed: int = 13) -> None:
    """The synthetic dump: a block of BLOCK random lines, written lines // BLOCK times."""
    rng = random.Random(seed)
    classes = ["P"] * 45 + ["H"] * 20 + ["T"] * 15 + ["S"] * 10 + ["L"] * 5 + ["A"] * 3 + ["V"] * 2
    codes = {"P": "PPL", "H": "STM", "T": "HLL", "S": "BLDG", "L": "AREA", "A": "ADM3", "V": "FRST"}
    countries = ["US", "CN", "IN", "RU", "BR", "TR", "IR", "IQ", "SY", "DE", "FR", "NG", "ID", "MX", "JO"]
    syllables = ["al", "tal", "ba", "sin", "jar", "ka", "mal", "ra", "bi", "qa", "im", "zu", "mar", "ha", "di"]
    out = []
    for i in range(BLOCK):
        if i % REGION_EVERY == 0:  # a village near the border: lon 40.5–42.5, lat 34.5–37
            lon, lat, fc, cc = rng.uniform(40.5, 42.5), rng.uniform(34.5, 37.0), "P", rng.choice(["IQ", "SY"])
        else:
            lon, lat, fc, cc = rng.uniform(-180, 180), rng.uniform(-60, 70), rng.choice(classes), rng.choice(countries)
        name = "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))).title()
        alternates = ",".join([name.lower(), name + "a", "تل " + name[:3]]) if rng.random() < 0.4 else ""
        population = rng.choice([0, 0, 0, rng.randint(100, 50000)])
        out.append(
            "\t".join(
                [
                    str(1000000 + i),
                    name,
                    name,
                    alternates,
                    f"{lat:.5f}",
                    f"{lon:.5f}",
                    fc,
                    codes[fc],
                    cc,
                    "",
                    "15",
                    "",
                    "",
                    "",
                    str(population),
                    "",
                    str(rng.randint(0, 2000)),
                    "Asia/Baghdad",
                    "2020-01-01",
                ]
            )
        )
    block = ("\n".join(out) + "\n").encode("utf-8")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".part"
    with open(tmp, "wb") as fh:
        for _ in range(lines // BLOCK):
            fh.write(block)
    os.replace(tmp, path)


def ours(path, box):
    from border_gaps.analysis import gazetteer

    stats = gazetteer.ReadStats(path)
    places = gazetteer.read_geonames(path, box, stats)
    return stats.lines, len(places)


def csv_reader(path, _box):
    rows = 0
    with open(path, encoding="utf-8", newline="") as fh:
        for _row in csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            rows += 1
    return rows, 0


def plain_lines(path, _box):
    count = 0
    with open(path, "rb") as fh:
        for _line in fh:
            count += 1
    return count, 0


def whole_algorithm(path):
    from qgis import processing
    from qgis.core import QgsProcessingContext, QgsProcessingFeedback, QgsProject

    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    out = os.path.join(OUT, "gazetteer_bench.gpkg")
    if os.path.exists(out):
        os.remove(out)
    results = processing.run(
        "bordergaps:importsettlements",
        {"INPUT": [path], "FORMAT": 1, "OUTPUT": out},
        context=context,
        feedback=QgsProcessingFeedback(),
    )
    return results["SETTLEMENT_COUNT"]


def main():
    start_qgis()
    from border_gaps.analysis import settlements
    from border_gaps.layers import catalogue

    load = os.getloadavg()
    border = next(catalogue.bundled_layer("border").getFeatures()).geometry()
    box = settlements.BorderMeter(border).search_box(50.0)
    if not (os.path.exists(PATH) and os.path.getsize(PATH) > 0):
        with Measure(trace_python=False) as m:
            generate(PATH, LINES)
        print(f"generated {PATH} ({os.path.getsize(PATH) / 2**30:.2f} GiB) in {m.seconds:.0f} s")
    size_gib = os.path.getsize(PATH) / 2**30
    methods = {"ours": ours, "csv.reader": csv_reader, "lines": plain_lines}
    best, values = {}, {}
    for _ in range(REPEATS):
        for name, fn in methods.items():
            with Measure(trace_python=False) as m:
                values[name] = fn(PATH, box)
            best[name] = min(best.get(name, m.seconds), m.seconds)
    memory = {}
    for name, fn in methods.items():
        with PeakRss() as rss:
            fn(PATH, box)
        memory[name] = rss.mib
    assert values["ours"][0] == values["csv.reader"][0] == values["lines"][0] == LINES, values
    with PeakRss() as rss, Measure(trace_python=False) as m:
        kept = whole_algorithm(PATH)
    whole_s, whole_mib = m.seconds, rss.mib
    rows = []
    for name in methods:
        rows.append(
            [
                name,
                f"{best[name]:.1f} s",
                f"{LINES / best[name] / 1e6:.2f} M",
                f"{best[name] / best['csv.reader']:.2f}",
                f"{memory[name]:.0f}",
                f"{values[name][1]:,}" if name == "ours" else "",
            ]
        )
    rows.append(
        [
            "whole algorithm (1 run)",
            f"{whole_s:.1f} s",
            f"{LINES / whole_s / 1e6:.2f} M",
            "",
            f"{whole_mib:.0f}",
            f"{kept:,} written",
        ]
    )
    print(
        f"\n{LINES:,}-line synthetic GeoNames dump, {size_gib:.2f} GiB; load average at start "
        f"{load[0]:.1f} {load[1]:.1f} {load[2]:.1f} on {os.cpu_count()} cores; best of {REPEATS}"
    )
    print_table(["method", "time", "lines/s", "time / csv.reader", "peak MiB", "places in box"], rows)
    print(
        f"ours: {LINES / best['ours'] / 1e6:.2f} M lines/s = {best['csv.reader'] / best['ours']:.2f}x the speed of "
        f"csv.reader, {best['lines'] / best['ours']:.2f}x that of bare line iteration; peak {memory['ours']:.0f} MiB "
        f"for a {size_gib:.1f} GiB file (bound {MEMORY_BOUND_MIB:.0f} MiB)"
    )
    if os.environ.get("BENCH_KEEP") != "1":
        os.remove(PATH)
    if memory["ours"] > MEMORY_BOUND_MIB or whole_mib > MEMORY_BOUND_MIB:
        print(f"FAILED: peak memory above {MEMORY_BOUND_MIB:.0f} MiB", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
