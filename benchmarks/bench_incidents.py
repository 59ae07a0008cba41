"""Benchmark of bordergaps:incidents on 100,000 incidents and 2,000 gaps, against what QGIS itself
offers for the two costly parts, run in the same process: the heatmap (qgis:heatmapkerneldensity-
estimation, the same quartic kernel, radius and pixel) and native:countpointsinpolygon.

``make bench BENCH=incidents``; BENCH_INCIDENTS_N (100000), BENCH_INCIDENTS_GAPS (2000),
BENCH_INCIDENTS_REPEATS (3). Methods take turns, best of the repeats; memory is the peak resident size
above the start of a run, sampled every 5 ms in a run of its own (bench_gapzones.PeakRss).
"""

import datetime
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from bench_gapzones import PeakRss, start_processing  # noqa: E402
from common import Measure, print_table  # noqa: E402

N = int(os.environ.get("BENCH_INCIDENTS_N", "100000"))
GAPS = int(os.environ.get("BENCH_INCIDENTS_GAPS", "2000"))
REPEATS = int(os.environ.get("BENCH_INCIDENTS_REPEATS", "3"))
CRS = "EPSG:32638"
X0, Y0 = 300_000.0, 3_950_000.0
LENGTH, WIDTH = 150_000.0, 30_000.0  # the study area: a 150 × 30 km strip
BANDWIDTH, CELL = 5000.0, 500.0
START = datetime.date(2022, 1, 1)
DAYS = 3 * 365


def make_inputs(folder):
    """A GeoPackage with 2,000 gap blobs (buffered short lines, 16 segments a quarter circle, none
    overlapping) along the strip's middle, the study strip, and N incidents: 40 % in the gaps, the
    rest anywhere in the strip, dated over three years, with fatalities."""
    from qgis.core import QgsFeature, QgsGeometry, QgsPointXY, QgsSpatialIndex, QgsVectorLayer

    rng = np.random.default_rng(17)
    gaps = QgsVectorLayer(f"Polygon?crs={CRS}&field=gap_id:integer", "gaps", "memory")
    index, kept, shapes, features = QgsSpatialIndex(), [], [], []
    while len(kept) < GAPS:
        x = X0 + rng.uniform(3000, LENGTH - 3000)  # every gap inside the study strip
        y = Y0 + float(np.clip(WIDTH / 2 + rng.normal(0, 4000), 3000, WIDTH - 3000))
        angle, length, radius = rng.uniform(0, np.pi), rng.uniform(200, 1500), rng.uniform(200, 700)
        end = (x + length * np.cos(angle), y + length * np.sin(angle))
        blob = QgsGeometry.fromPolylineXY([QgsPointXY(x, y), QgsPointXY(*end)]).buffer(radius, 16)
        if any(kept[i].intersects(blob) for i in index.intersects(blob.boundingBox())):
            continue
        index.addFeature(len(kept), blob.boundingBox())
        kept.append(blob)
        shapes.append((x, y, end[0], end[1], radius))
        feature = QgsFeature(gaps.fields())
        feature.setAttributes([len(kept)])
        feature.setGeometry(blob)
        features.append(feature)
    gaps.dataProvider().addFeatures(features)
    study = QgsVectorLayer(f"Polygon?crs={CRS}&field=name:string", "study", "memory")
    feature = QgsFeature(study.fields())
    feature.setAttributes(["strip"])
    feature.setGeometry(
        QgsGeometry.fromWkt(
            f"POLYGON(({X0} {Y0},{X0 + LENGTH} {Y0},{X0 + LENGTH} {Y0 + WIDTH},{X0} {Y0 + WIDTH},{X0} {Y0}))"
        )
    )
    study.dataProvider().addFeatures([feature])
    incidents = QgsVectorLayer(
        f"Point?crs={CRS}&field=event_date:date&field=event_type:string&field=fatalities:integer", "incidents", "memory"
    )
    from qgis.PyQt.QtCore import QDate

    n_gap = int(0.4 * N)
    areas = np.array([g.area() for g in kept])
    counts = np.bincount(rng.choice(len(kept), n_gap, p=areas / areas.sum()), minlength=len(kept))
    xs, ys = [], []
    for (ax, ay, bx, by, radius), count in zip(shapes, counts):
        # uniform in the capsule (the blob without its 16-segment arcs' slivers), by rejection in its box
        got = 0
        while got < count:
            cx = rng.uniform(min(ax, bx) - radius, max(ax, bx) + radius, 4 * count + 8)
            cy = rng.uniform(min(ay, by) - radius, max(ay, by) + radius, 4 * count + 8)
            t = np.clip(((cx - ax) * (bx - ax) + (cy - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2), 0, 1)
            inside = np.hypot(cx - ax - t * (bx - ax), cy - ay - t * (by - ay)) < 0.99 * radius
            take = np.flatnonzero(inside)[: count - got]
            xs.extend(cx[take])
            ys.extend(cy[take])
            got += len(take)
    xs.extend(X0 + rng.uniform(0, LENGTH, N - n_gap))
    ys.extend(Y0 + rng.uniform(0, WIDTH, N - n_gap))
    points = [QgsPointXY(float(a), float(b)) for a, b in zip(xs, ys)]
    days = rng.integers(0, DAYS, N)
    deaths = rng.poisson(0.5, N)
    features = []
    for i, p in enumerate(points):
        feature = QgsFeature(incidents.fields())
        day = START + datetime.timedelta(days=int(days[i]))
        feature.setAttributes(
            [QDate(day.year, day.month, day.day), "Battles" if i % 3 else "Explosions", int(deaths[i])]
        )
        feature.setGeometry(QgsGeometry.fromPointXY(p))
        features.append(feature)
    incidents.dataProvider().addFeatures(features)
    return save_gpkg({"incidents": incidents, "gaps": gaps, "study": study}, os.path.join(folder, "incidents.gpkg"))


def save_gpkg(layers, path):
    """``{name: layer}`` into one GeoPackage; ``{name: "path|layername=name"}``."""
    from qgis.core import QgsCoordinateTransformContext, QgsVectorFileWriter

    if os.path.exists(path):
        os.remove(path)
    out = {}
    for index, (name, layer) in enumerate(layers.items()):
        options = QgsVectorFileWriter.SaveVectorOptions()
        options.driverName, options.layerName = "GPKG", name
        if index:
            options.actionOnExistingFile = QgsVectorFileWriter.ActionOnExistingFile.CreateOrOverwriteLayer
        error = QgsVectorFileWriter.writeAsVectorFormatV3(layer, path, QgsCoordinateTransformContext(), options)
        assert error[0] == QgsVectorFileWriter.WriterError.NoError, error
        out[name] = f"{path}|layername={name}"
    return out


def ours(sources, out):
    from qgis import processing

    result = processing.run(
        "bordergaps:incidents",
        {
            "INCIDENTS": sources["incidents"],
            "GAPS": sources["gaps"],
            "STUDY_AREA": sources["study"],
            "WEIGHT_FIELD": "fatalities",
            "BANDWIDTH_M": BANDWIDTH,
            "CELL_SIZE": CELL,
            "GAP_INCIDENTS": os.path.join(out, "gap_incidents.gpkg"),
            "COMPARISON": os.path.join(out, "comparison.gpkg"),
            "HOTSPOTS": os.path.join(out, "hotspots.tif"),
            "HOTSPOT_AREAS": os.path.join(out, "hotspot_areas.gpkg"),
            "TREND": os.path.join(out, "trend.gpkg"),
        },
    )
    return result


def native(sources, out):
    """QGIS's heatmap (raw quartic values, same radius and pixel) and count points in polygon."""
    from qgis import processing

    processing.run(
        "qgis:heatmapkerneldensityestimation",
        {
            "INPUT": sources["incidents"],
            "RADIUS": BANDWIDTH,
            "PIXEL_SIZE": CELL,
            "KERNEL": 0,
            "OUTPUT_VALUE": 0,
            "OUTPUT": os.path.join(out, "qgis_heatmap.tif"),
        },
    )
    counted = processing.run(
        "native:countpointsinpolygon",
        {
            "POLYGONS": sources["gaps"],
            "POINTS": sources["incidents"],
            "FIELD": "NUMPOINTS",
            "OUTPUT": os.path.join(out, "qgis_counts.gpkg"),
        },
    )
    return counted


def heatmap_only(sources, out):
    from qgis import processing

    return processing.run(
        "qgis:heatmapkerneldensityestimation",
        {
            "INPUT": sources["incidents"],
            "RADIUS": BANDWIDTH,
            "PIXEL_SIZE": CELL,
            "KERNEL": 0,
            "OUTPUT_VALUE": 0,
            "OUTPUT": os.path.join(out, "qgis_heatmap_only.tif"),
        },
    )


def count_only(sources, out):
    from qgis import processing

    return processing.run(
        "native:countpointsinpolygon",
        {
            "POLYGONS": sources["gaps"],
            "POINTS": sources["incidents"],
            "FIELD": "NUMPOINTS",
            "OUTPUT": os.path.join(out, "qgis_counts_only.gpkg"),
        },
    )


class Parts:
    """Our density and our point-in-gap counting alone, on arrays read once (no Processing, no I/O)."""

    def __init__(self, sources):
        from qgis.core import QgsVectorLayer

        from border_gaps.analysis import density as kde

        layer = QgsVectorLayer(sources["incidents"], "i", "ogr")
        xy = np.array([[f.geometry().asPoint().x(), f.geometry().asPoint().y()] for f in layer.getFeatures()])
        self.x, self.y = xy[:, 0], xy[:, 1]
        self.gaps = [f.geometry() for f in QgsVectorLayer(sources["gaps"], "g", "ogr").getFeatures()]
        self.grid = kde.grid_for(QgsVectorLayer(sources["study"], "s", "ogr").extent(), CELL, BANDWIDTH)

    def density(self, sources, out):
        from border_gaps.analysis import density as kde

        return kde.quartic_density(self.x, self.y, self.grid, BANDWIDTH)

    def locate(self, sources, out):
        from border_gaps.analysis.incidents import locate

        return locate(self.x, self.y, self.gaps)


def main():
    start_processing()
    from qgis.core import QgsRasterLayer, QgsVectorLayer

    out = os.path.join(HERE, "out", "incidents")
    os.makedirs(out, exist_ok=True)
    with Measure(trace_python=False) as m:
        sources = make_inputs(out)
    print(f"inputs: {N:,} incidents, {GAPS:,} gaps ({m.seconds:.0f} s to make)", flush=True)
    load = os.getloadavg()
    parts = Parts(sources)
    methods = {
        "ours": ours,
        "native": native,
        "our density": parts.density,
        "QGIS heatmap": heatmap_only,
        "our counting": parts.locate,
        "countpointsinpolygon": count_only,
    }
    best, values = {}, {}
    for round_ in range(REPEATS):
        for name, fn in methods.items():
            with Measure(trace_python=False) as m:
                values[name] = fn(sources, out)
            best[name] = min(best.get(name, m.seconds), m.seconds)
            print(f"  round {round_ + 1}: {name} {m.seconds:.2f} s", flush=True)
    memory = {}
    for name, fn in methods.items():
        with PeakRss() as rss:
            fn(sources, out)
        memory[name] = rss.mib
    load = (load, os.getloadavg())

    # the same answers: counts per gap, and the density's mass against QGIS's raw heatmap × 3/(π r²)
    ours_counts = {f["gap_id"]: f["incidents"] for f in QgsVectorLayer(values["ours"]["GAP_INCIDENTS"]).getFeatures()}
    qgis_counts = {f["gap_id"]: f["NUMPOINTS"] for f in QgsVectorLayer(values["native"]["OUTPUT"]).getFeatures()}
    same_counts = ours_counts == qgis_counts
    ours_raster = QgsRasterLayer(values["ours"]["HOTSPOTS"])
    qgis_raster = QgsRasterLayer(os.path.join(out, "qgis_heatmap.tif"))
    ours_sum = ours_raster.dataProvider().bandStatistics(1).sum * CELL * CELL / 1e6
    qgis_sum = qgis_raster.dataProvider().bandStatistics(1).sum
    qgis_mass = qgis_sum * 3 / (np.pi * BANDWIDTH**2) * CELL * CELL
    print()
    print(
        f"per-gap counts identical to native:countpointsinpolygon: {same_counts} "
        f"({sum(ours_counts.values()):,} incidents in the gaps)"
    )
    print(f"density mass: ours {ours_sum:,.1f}, QGIS raw heatmap × 3/(π r²) {qgis_mass:,.1f}, incidents {N:,}")
    print(f"load average before/after: {load[0][0]:.1f} / {load[1][0]:.1f} (2 cores, shared)")
    print()
    rows = []
    for a, b, what in (
        ("ours", "native", "whole algorithm vs heatmap + count points in polygon"),
        ("our density", "QGIS heatmap", "density alone (arrays in memory vs the algorithm)"),
        ("our counting", "countpointsinpolygon", "incidents in gaps alone"),
    ):
        rows.append(
            [
                what,
                f"{best[a]:.2f}",
                f"{best[b]:.2f}",
                f"{best[b] / best[a]:.2f}×",
                f"{memory[a]:.0f}",
                f"{memory[b]:.0f}",
            ]
        )
    print_table(["comparison", "ours s", "QGIS s", "QGIS / ours", "ours MiB", "QGIS MiB"], rows)
    return 0 if same_counts and abs(ours_sum / N - 1) < 0.01 else 1


if __name__ == "__main__":
    sys.exit(main())
