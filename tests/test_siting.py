"""Site selection (analysis/siting.py, bordergaps:siteposts): greedy against the exact optimum,
lazy against plain greedy, and the cell grid the coverage is counted on."""

import itertools
import math

import numpy as np
import pytest
import scipy.sparse as sp
from qgis.core import QgsFeature, QgsGeometry, QgsPointXY, QgsProcessingFeedback, QgsRectangle, QgsVectorLayer
from scipy.optimize import Bounds, LinearConstraint, milp

from border_gaps.analysis import siting

ALG = "bordergaps:siteposts"
X0, Y0 = 450000.0, 4000000.0


def random_instance(seed, candidates=12, cells=60, density=0.15):
    rng = np.random.default_rng(seed)
    sets = sp.csr_matrix(rng.random((candidates, cells)) < density)
    weights = rng.uniform(0.5, 3.0, cells)
    return sets, weights


def optimum_milp(sets, weights, k):
    """Exact maximum coverage: max w·y, y_j <= sum_i A_ij x_i, sum x <= k, binary x, y."""
    n, m = sets.shape
    c = np.concatenate([np.zeros(n), -weights])
    a = sp.hstack([-sets.T.astype(float), sp.identity(m)]).tocsr()
    cover = LinearConstraint(a, -np.inf, 0.0)
    budget = LinearConstraint(np.concatenate([np.ones(n), np.zeros(m)])[None, :], 0, k)
    res = milp(c, constraints=[cover, budget], integrality=np.ones(n + m), bounds=Bounds(0, 1))
    assert res.success
    return -res.fun


def coverage_of(sets, weights, chosen):
    covered = np.asarray(sets[chosen].sum(axis=0)).ravel() > 0
    return float(weights[covered].sum())


@pytest.mark.parametrize("seed", range(6))
def test_greedy_is_within_1_minus_1_over_e_of_the_milp_optimum(seed):
    sets, weights = random_instance(seed)
    k = 3
    result = siting.greedy_max_coverage(sets, weights, k)
    greedy = coverage_of(sets, weights, result.chosen)
    best = optimum_milp(sets, weights, k)
    assert greedy == pytest.approx(sum(result.gains))
    assert greedy >= (1 - 1 / math.e) * best - 1e-9
    assert greedy <= best + 1e-9
    # the MILP agrees with brute force on this small instance
    brute = max(coverage_of(sets, weights, list(c)) for c in itertools.combinations(range(sets.shape[0]), k))
    assert best == pytest.approx(brute)


@pytest.mark.parametrize("seed", range(5))
def test_lazy_greedy_picks_what_plain_greedy_picks_with_fewer_evaluations(seed):
    sets, weights = random_instance(seed, candidates=300, cells=2000, density=0.02)
    lazy = siting.greedy_max_coverage(sets, weights, 15, lazy=True)
    plain = siting.greedy_max_coverage(sets, weights, 15, lazy=False)
    assert lazy.chosen == plain.chosen
    assert lazy.gains == pytest.approx(plain.gains)
    assert lazy.evaluations < plain.evaluations


def test_greedy_stops_when_nothing_is_left_to_gain():
    sets = sp.csr_matrix(np.array([[1, 1, 0], [0, 1, 0], [1, 1, 0]], dtype=bool))
    result = siting.greedy_max_coverage(sets, np.ones(3), 3)
    assert result.chosen == [0]  # ties broken by the lowest index; then nothing more to gain


def square(x, y, side):
    return QgsGeometry.fromRect(QgsRectangle(x, y, x + side, y + side))


def test_polygon_cells_match_the_polygon_area_with_holes():
    outer = QgsGeometry.fromPointXY(QgsPointXY(X0, Y0)).buffer(5000, 32)
    hole = QgsGeometry.fromPointXY(QgsPointXY(X0 + 1000, Y0)).buffer(2000, 32)
    ring = outer.difference(hole)
    other = square(X0 + 8000, Y0 - 1000, 2000)
    geom = QgsGeometry.collectGeometry([ring, other])
    grid = siting.rasterise_target([geom], 50.0)
    assert grid.size * 2500.0 == pytest.approx(geom.area(), rel=0.01)
    # cell centres: inside the polygon, never in the hole
    pts = [QgsGeometry.fromPointXY(QgsPointXY(x, y)) for x, y in zip(grid.xs[::97], grid.ys[::97])]
    assert all(geom.contains(p) for p in pts)


def test_disc_sets_are_the_cells_within_range():
    grid = siting.rasterise_target([square(X0, Y0, 10000)], 100.0)
    sets = siting.disc_sets(grid, np.array([X0 + 5000.0, X0 + 30.0]), np.array([Y0 + 5000.0, Y0 + 20.0]), 1500.0)
    for row, (cx, cy) in enumerate(((X0 + 5000.0, Y0 + 5000.0), (X0 + 30.0, Y0 + 20.0))):
        cells = sets[row].indices
        dist = np.hypot(grid.xs - cx, grid.ys - cy)
        assert set(cells) == set(np.flatnonzero(dist <= 1500.0))


# --- the Processing algorithm -----------------------------------------------------------------


def polygon_layer(geoms, fields="&field=gap_id:integer&field=settlements:integer", values=None):
    layer = QgsVectorLayer(f"Polygon?crs=EPSG:32638{fields}", "gaps", "memory")
    feats = []
    for i, g in enumerate(geoms):
        f = QgsFeature(layer.fields())
        f.setGeometry(g)
        f.setAttributes(values[i] if values else [i + 1, 0])
        feats.append(f)
    layer.dataProvider().addFeatures(feats)
    return layer


def point_layer(points, fields="&field=name:string"):
    layer = QgsVectorLayer(f"Point?crs=EPSG:32638{fields}", "points", "memory")
    feats = []
    for i, (x, y) in enumerate(points):
        f = QgsFeature(layer.fields())
        f.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(x, y)))
        f.setAttributes([f"p{i}"])
        feats.append(f)
    layer.dataProvider().addFeatures(feats)
    return layer


def run(params):
    from qgis import processing

    base = {"OUTPUT_SITES": "memory:", "OUTPUT_COVERAGE": "memory:", "OUTPUT_GAPS": "memory:"}
    base.update(params)
    return processing.run(ALG, base, feedback=QgsProcessingFeedback())


def test_siteposts_picks_the_obvious_site_first_and_reports_districts(bordergaps_provider):
    big = square(X0, Y0, 4000)  # a 4 km square gap; a post at its centre with 3 km range covers it all
    small = square(X0 + 10000, Y0, 1000)
    gaps = polygon_layer([big, small])
    candidates = point_layer(
        [(X0 + 500, Y0 + 500), (X0 + 2000, Y0 + 2000), (X0 + 10500, Y0 + 500), (X0 + 3900, Y0 + 3900)]
    )
    districts = polygon_layer(
        [square(X0 - 1000, Y0 - 1000, 7000), square(X0 + 9000, Y0 - 1000, 3000)],
        fields="&field=name:string&field=force:string",
        values=[["Sinjar", "Peshmerga"], ["Baaj", "ISF"]],
    )
    result = run(
        {
            "GAPS": gaps,
            "CANDIDATES": candidates,
            "K": 2,
            "RANGE": 3000.0,
            "CONTROL_AREAS": districts,
            "FORCE_FIELD": "force",
            "NAME_FIELD": "name",
        }
    )
    sites = sorted(result["OUTPUT_SITES"].getFeatures(), key=lambda f: f["rank"])
    assert [s["rank"] for s in sites] == [1, 2]
    first, second = sites
    assert first.geometry().asPoint() == QgsPointXY(X0 + 2000, Y0 + 2000)
    assert first["marginal_km2"] == pytest.approx(16.0, rel=0.01)
    assert (first["district"], first["force"]) == ("Sinjar", "Peshmerga")
    assert second.geometry().asPoint() == QgsPointXY(X0 + 10500, Y0 + 500)
    assert (second["district"], second["force"]) == ("Baaj", "ISF")
    assert second["cumulative_pct"] == pytest.approx(100.0, abs=0.5)
    assert first["cumulative_pct"] == pytest.approx(100 * 16 / 17, abs=0.5)
    remaining = sum(f.geometry().area() for f in result["OUTPUT_GAPS"].getFeatures())
    assert remaining < 0.01 * 17e6
    assert result["COVERED_PCT"] == pytest.approx(100.0, abs=0.5)
    assert len(list(result["OUTPUT_COVERAGE"].getFeatures())) == 2


def test_siteposts_grid_candidates_close_most_of_the_gap(bordergaps_provider):
    gaps = polygon_layer([square(X0, Y0, 6000)])
    result = run({"GAPS": gaps, "CANDIDATE_SOURCE": 1, "GRID_SPACING": 500.0, "K": 4, "RANGE": 2000.0})
    sites = sorted(result["OUTPUT_SITES"].getFeatures(), key=lambda f: f["rank"])
    assert len(sites) == 4
    pct = [s["cumulative_pct"] for s in sites]
    assert pct == sorted(pct) and pct[-1] > 80.0
    gains = [s["marginal_km2"] for s in sites]
    assert gains == sorted(gains, reverse=True)
    remaining = sum(f.geometry().area() for f in result["OUTPUT_GAPS"].getFeatures()) / 1e6
    assert remaining == pytest.approx(36.0 * (1 - pct[-1] / 100), abs=0.6)


def test_siteposts_settlement_weight_prefers_the_inhabited_gap(bordergaps_provider):
    a, b = square(X0, Y0, 3000), square(X0 + 20000, Y0, 2500)
    gaps = polygon_layer([a, b])
    candidates = point_layer([(X0 + 1500, Y0 + 1500), (X0 + 21250, Y0 + 1250)])
    settlements = point_layer([(X0 + 21000, Y0 + 1000), (X0 + 21500, Y0 + 1500)])
    by_area = run({"GAPS": gaps, "CANDIDATES": candidates, "K": 1, "RANGE": 2500.0, "WEIGHT": 0})
    by_people = run(
        {"GAPS": gaps, "CANDIDATES": candidates, "K": 1, "RANGE": 2500.0, "WEIGHT": 2, "SETTLEMENTS": settlements}
    )
    (site_area,) = by_area["OUTPUT_SITES"].getFeatures()
    (site_people,) = by_people["OUTPUT_SITES"].getFeatures()
    assert site_area.geometry().asPoint().x() == X0 + 1500
    assert site_people.geometry().asPoint().x() == X0 + 21250


def test_siteposts_seam_minus_coverage_is_the_target(bordergaps_provider):
    seam = polygon_layer([square(X0, Y0, 4000)])
    covered = polygon_layer([square(X0, Y0, 2000)])
    result = run(
        {"SEAM": seam, "COVERAGE": [covered], "CANDIDATE_SOURCE": 1, "GRID_SPACING": 400.0, "K": 1, "RANGE": 500.0}
    )
    assert result["TARGET_KM2"] == pytest.approx(12.0, rel=0.02)
    (site,) = result["OUTPUT_SITES"].getFeatures()
    assert not covered.getFeature(1).geometry().contains(site.geometry())


def test_siteposts_with_a_dem_prefers_the_site_that_sees_the_gap(tmp_path, bordergaps_provider):
    from bg_testing.dem import ORIGIN, cell_centre, write_dem

    # flat land with a high wall along column 100; the gap lies east of it. A candidate west of the
    # wall but closer to the gap covers more by range alone, yet sees nothing behind the wall.
    heights = np.zeros((200, 200))
    heights[:, 100] = 60.0
    dem = write_dem(tmp_path / "wall.tif", heights)
    gx, gy = cell_centre(60, 105)
    gap = QgsGeometry.fromRect(QgsRectangle(gx, gy - 1500, gx + 1500, gy))
    gaps = polygon_layer([gap])
    west = cell_centre(70, 98)  # 2 cells west of the wall, next to the gap
    east = cell_centre(70, 150)  # further away, but on the gap's side
    candidates = point_layer([west, east])
    params = {"GAPS": gaps, "CANDIDATES": candidates, "K": 1, "RANGE": 2500.0, "CELL_SIZE": 60.0}
    by_range = run(params)
    by_sight = run({**params, "DEM": dem, "OBSERVER_HEIGHT": 3.0, "TARGET_HEIGHT": 0.0})
    (site_range,) = by_range["OUTPUT_SITES"].getFeatures()
    (site_sight,) = by_sight["OUTPUT_SITES"].getFeatures()
    assert site_range.geometry().asPoint() == QgsPointXY(*west)
    assert site_sight.geometry().asPoint() == QgsPointXY(*east)
    assert ORIGIN[0] < east[0]


def test_siteposts_dem_high_points_are_candidates(tmp_path, bordergaps_provider):
    from bg_testing.dem import cell_centre, write_dem

    yy, xx = np.mgrid[0:150, 0:150]
    heights = 200.0 * np.exp(-((xx - 40) ** 2 + (yy - 40) ** 2) / 200.0) + 120.0 * np.exp(
        -((xx - 110) ** 2 + (yy - 100) ** 2) / 300.0
    )
    dem = write_dem(tmp_path / "two_hills.tif", heights)
    x0, y1 = cell_centre(0, 0)
    x1, y0 = cell_centre(149, 149)
    gaps = polygon_layer([QgsGeometry.fromRect(QgsRectangle(x0, y0, x1, y1))])
    result = run(
        {
            "GAPS": gaps,
            "CANDIDATE_SOURCE": 2,
            "DEM": dem,
            "GRID_SPACING": 900.0,
            "K": 2,
            "RANGE": 1500.0,
            "CURVATURE": False,
        }
    )
    sites = sorted(result["OUTPUT_SITES"].getFeatures(), key=lambda f: f["rank"])
    assert len(sites) == 2
    summits = [QgsPointXY(*cell_centre(40, 40)), QgsPointXY(*cell_centre(100, 110))]
    for site in sites:
        point = site.geometry().asPoint()
        assert min(point.distance(s) for s in summits) < 100.0, point
