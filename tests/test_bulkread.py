"""analysis/bulkread.py: the coverage read from GDAL's Arrow stream gives the same pieces, log
counts and gaps as reading it through QGIS, with and without shapely; other layers fall back."""

import random

import pytest
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransformContext,
    QgsFeature,
    QgsFeatureRequest,
    QgsFields,
    QgsGeometry,
    QgsPointXY,
    QgsRectangle,
    QgsVectorFileWriter,
    QgsVectorLayer,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QVariant

from bg_testing.gaps import X0, Y0, box, districts
from border_gaps.analysis import bulkread
from border_gaps.analysis import gaps as gaps_module
from border_gaps.analysis.compat import new_field
from border_gaps.analysis.gaps import analyse_gaps, compute_seam, gather_coverage
from border_gaps.analysis.geometry import gap_zones


def _control():
    # force A west of x = 0, force B east of x = 3 km, 40 km along y: the seam is the 3 km strip
    return districts(
        [(box(-20, 0, 0, 40), "A", "west"), (box(3, 0, 23, 40), "B", "east")],
    )


def _coverage_gpkg(path, seed, n=1500):
    """Random discs and bars near the strip, and beyond it (most left out by the seam test), with a
    few bow-ties (invalid: repaired) and features without geometry."""
    rng = random.Random(seed)
    fields = QgsFields()
    fields.append(new_field("kind", QVariant.String))
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    options.layerName = "coverage"
    writer = QgsVectorFileWriter.create(
        str(path),
        fields,
        QgsWkbTypes.Type.MultiPolygon,
        QgsCoordinateReferenceSystem("EPSG:32638"),
        QgsCoordinateTransformContext(),
        options,
    )
    for i in range(n):
        x, y = X0 + rng.uniform(-15_000, 18_000), Y0 + rng.uniform(-2_000, 42_000)
        roll = rng.random()
        if roll < 0.01:
            geom = None
        elif roll < 0.03:
            s = rng.uniform(100, 600)
            geom = QgsGeometry.fromWkt(f"POLYGON(({x} {y},{x + s} {y + s},{x + s} {y},{x} {y + s},{x} {y}))")
        elif roll < 0.6:
            geom = QgsGeometry.fromPointXY(QgsPointXY(x, y)).buffer(rng.uniform(50, 900), 8)
        else:
            w, h = rng.uniform(50, 3000), rng.uniform(30, 400)
            geom = QgsGeometry.fromWkt(box(0, 0, w / 1000, h / 1000, x, y))
        feature = QgsFeature(fields)
        feature.setAttributes([f"k{i % 3}"])
        if geom is not None:
            feature.setGeometry(geom)
        writer.addFeature(feature)
    del writer
    layer = QgsVectorLayer(f"{path}|layername=coverage", "coverage", "ogr")
    assert layer.isValid() and layer.featureCount() == n
    return layer


def _gather(control, coverage, bulk=True, monkeypatch=None):
    seam, _, crs = compute_seam(control, "districts", "force", ["A"], ["B"], 3000.0)
    log = []
    if not bulk:
        monkeypatch.setattr(gaps_module, "_offer_in_bulk", lambda *args: False)
    gathered = gather_coverage(seam.unclaimed, crs, [(coverage, "coverage")], log=log.append)
    monkeypatch.undo()
    return seam, gathered, log


def _wkbs(gathered):
    return sorted(bytes(p.asWkb()) for p in gathered.pieces)


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("with_shapely", [True, False])
def test_stream_gives_the_pieces_and_gaps_of_the_qgis_read(tmp_path, monkeypatch, seed, with_shapely):
    control = _control()
    coverage = _coverage_gpkg(tmp_path / "cov.gpkg", seed)
    taken = []
    real = bulkread.open_stream
    monkeypatch.setattr(bulkread, "open_stream", lambda *a: taken.append(1) or real(*a))
    if with_shapely:  # make deps installs shapely 2 in the venv: the fast path must be the one tested
        assert bulkread.shapely is not None, "shapely 2 is not importable (make deps installs it)"
    else:
        monkeypatch.setattr(bulkread, "shapely", None)
    seam, fast, fast_log = _gather(control, coverage, True, monkeypatch)
    assert taken, "the GeoPackage layer must be read from the Arrow stream"
    _, slow, slow_log = _gather(control, coverage, False, monkeypatch)
    assert 50 < len(fast.pieces) < 1400  # the seam test keeps some, not all
    assert _wkbs(fast) == _wkbs(slow)
    assert fast.repaired == slow.repaired > 0
    assert fast_log == slow_log
    a = gap_zones(seam.unclaimed, fast, threads=1)
    b = gap_zones(seam.unclaimed, slow, threads=1)
    assert len(a.gaps) == len(b.gaps) > 0
    assert abs(a.gap_area_m2 - b.gap_area_m2) <= 1e-9 * b.gap_area_m2
    for g, h in zip(a.gaps, b.gaps):
        assert abs(g.area() - h.area()) <= 1e-9 * h.area()


def test_whole_analysis_identical_either_way(tmp_path, monkeypatch):
    control = _control()
    coverage = _coverage_gpkg(tmp_path / "cov.gpkg", 7)

    def run():
        return analyse_gaps(control, "districts", "force", ["A"], ["B"], 3000.0, [(coverage, "coverage")])

    fast = run()
    monkeypatch.setattr(gaps_module, "_offer_in_bulk", lambda *args: False)
    slow = run()
    assert len(fast.result.gaps) == len(slow.result.gaps) > 0
    for m, n in zip(fast.metrics, slow.metrics):
        assert abs(m.area_m2 - n.area_m2) <= 1e-9 * n.area_m2
        assert (m.settlements, m.force_a_adj, m.force_b_adj) == (n.settlements, n.force_a_adj, n.force_b_adj)
        assert m.post_m == pytest.approx(n.post_m, rel=1e-9, abs=1e-6)
        assert m.priority == pytest.approx(n.priority, rel=1e-9, abs=1e-9)


def test_other_layers_are_read_through_qgis(tmp_path):
    coverage = _coverage_gpkg(tmp_path / "cov.gpkg", 4, n=50)
    memory = coverage.materialize(QgsFeatureRequest())
    assert bulkread.open_stream(memory, None, True) is None  # memory provider
    assert bulkread.open_stream(coverage, None, False) is None  # another CRS: QGIS transforms
    subset = QgsVectorLayer(coverage.source(), "subset", "ogr")
    subset.setSubsetString("kind = 'k1'")
    assert bulkread.open_stream(subset, None, True) is None  # the analyst's filter applies
    assert bulkread.open_stream(coverage, None, True) is not None


_READ_REPEATEDLY = r"""
import hashlib, sys
from qgis.core import QgsApplication, QgsGeometry, QgsRectangle, QgsVectorLayer
app = QgsApplication([], False)
app.initQgis()
from border_gaps.analysis import bulkread
path, runs = sys.argv[1], int(sys.argv[2])
layer = QgsVectorLayer(path + "|layername=coverage", "coverage", "ogr")
box = QgsRectangle(*map(float, sys.argv[3:7]))
area = QgsGeometry.fromRect(box)
for run in range(runs):
    stream = bulkread.open_stream(layer, box, True, batch_rows=1000)
    kept = []
    for batch in stream.batches():
        for wkb in batch:
            if wkb is not None:
                geom = QgsGeometry()
                geom.fromWkb(bytes(wkb))
                if geom.intersects(area):
                    kept.append(bytes(geom.asWkb()))
    del stream
    print(len(kept), hashlib.sha256(b"".join(sorted(kept))).hexdigest(), flush=True)
"""


def test_a_filtered_stream_of_many_batches_reads_the_same_rows_every_time(tmp_path, repo_root):
    """GDAL 3.10's GeoPackage Arrow stream with a spatial filter now and then hands over a batch with
    corrupt WKB offsets (SystemError) or hangs: where bulkread does not trust it, it leaves the filter
    off. In a process of its own (a hang fails the test instead of stopping the suite), eight reads of
    a box in batches of 1,000 rows give the rows of QGIS's read that meet the box, every time."""
    import hashlib
    import os
    import subprocess
    import sys

    coverage = _coverage_gpkg(tmp_path / "cov.gpkg", 5, n=40_000)
    box = QgsRectangle(X0 - 5_000, Y0 + 2_000, X0 + 8_000, Y0 + 38_000)
    expected = []
    for feature in coverage.getFeatures():
        if feature.hasGeometry() and feature.geometry().intersects(QgsGeometry.fromRect(box)):
            expected.append(bytes(feature.geometry().asWkb()))
    want = f"{len(expected)} {hashlib.sha256(b''.join(sorted(expected))).hexdigest()}"
    assert 10_000 < len(expected) < 36_000  # many batches, and the box leaves rows out
    env = dict(os.environ, PYTHONPATH=os.path.join(repo_root, "build", "pkg"), QT_QPA_PLATFORM="offscreen")
    corners = [str(v) for v in (box.xMinimum(), box.yMinimum(), box.xMaximum(), box.yMaximum())]
    try:
        run = subprocess.run(
            [sys.executable, "-P", "-c", _READ_REPEATEDLY, str(tmp_path / "cov.gpkg"), "8", *corners],
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"the Arrow stream hung (GDAL {bulkread.gdal.__version__})")
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.split("\n")[:-1] == [want] * 8, run.stderr[-2000:]


@pytest.mark.parametrize(
    "version, trusted", [(3_060_200, True), (3_080_400, False), (3_100_300, False), (3_130_300, True)]
)
def test_the_spatial_filter_is_trusted_only_where_it_read_clean(version, trusted):
    assert bulkread.spatial_filter_safe(version) is trusted
