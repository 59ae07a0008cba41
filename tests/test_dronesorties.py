"""bordergaps:dronesorties and analysis/drone_*.py: survey lanes, transit around no-fly zones,
the choice of sorties against the exact optimum, and the algorithm on hand-solved cases."""

import itertools
import math

import numpy as np
import pytest
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsFeature,
    QgsGeometry,
    QgsPointXY,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProject,
    QgsVectorLayer,
)

from bg_testing import robustness as rb
from border_gaps.analysis import drone_lanes, drone_plan, drone_sorties
from border_gaps.analysis.drone_transit import NO_FLY_MARGIN_M, NoFlyTransit

ALG = "bordergaps:dronesorties"
UTM = "EPSG:32638"
X0, Y0 = 400_000.0, 4_000_000.0  # UTM 38N near Mosul: far (> 100 km) from Syria and Turkey


def box(x0, y0, x1, y1, dx=X0, dy=Y0):
    """A rectangle given in km from (dx, dy), in metres."""
    a, b, c, d = dx + 1000 * x0, dy + 1000 * y0, dx + 1000 * x1, dy + 1000 * y1
    return QgsGeometry.fromWkt(f"POLYGON(({a} {b},{c} {b},{c} {d},{a} {d},{a} {b}))")


def polygon_layer(geoms, priorities=None, crs=UTM, name="gaps"):
    layer = QgsVectorLayer(f"Polygon?crs={crs}&field=gap_id:integer&field=priority:double", name, "memory")
    features = []
    for i, geom in enumerate(geoms):
        f = QgsFeature(layer.fields())
        f.setGeometry(geom)
        f.setAttributes([i + 1, float(priorities[i]) if priorities else 50.0])
        features.append(f)
    assert layer.dataProvider().addFeatures(features)[0]
    return layer


def point_layer(points_km, names=None, crs=UTM, dx=X0, dy=Y0):
    layer = QgsVectorLayer(f"Point?crs={crs}&field=name:string", "bases", "memory")
    features = []
    for i, (x, y) in enumerate(points_km):
        f = QgsFeature(layer.fields())
        f.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(dx + 1000 * x, dy + 1000 * y)))
        f.setAttributes([names[i] if names else f"base {i + 1}"])
        features.append(f)
    assert layer.dataProvider().addFeatures(features)[0]
    return layer


class Recorder(QgsProcessingFeedback):
    def __init__(self):
        super().__init__()
        self.lines = []

    def pushInfo(self, info):  # noqa: N802 (QGIS API name)
        self.lines.append(info)
        super().pushInfo(info)

    def pushWarning(self, warning):  # noqa: N802 (QGIS API name)
        self.lines.append(warning)
        super().pushWarning(warning)

    @property
    def text(self):
        return "\n".join(self.lines)


@pytest.fixture
def run(bordergaps_provider, tmp_path):
    from qgis import processing

    def run_alg(feedback=None, **params):
        params.setdefault("BORDER_NO_FLY", False)
        for key in ("SORTIES", "LANES", "SURVEYED"):
            params.setdefault(key, str(tmp_path / f"{key.lower()}.gpkg"))
        result = processing.run(ALG, params, feedback=feedback or QgsProcessingFeedback())
        layers = {k: QgsVectorLayer(result[k], k, "ogr") for k in ("SORTIES", "LANES", "SURVEYED")}
        for name, layer in layers.items():
            assert layer.isValid(), name
            for f in layer.getFeatures():
                assert f.geometry().isGeosValid(), f"{name} feature {f.id()} is not GEOS-valid"
        return result, layers

    return run_alg


def features(layer):
    return list(layer.getFeatures())


# -- lanes -----------------------------------------------------------------------------------------
def test_lanes_of_a_rectangle_run_along_its_long_axis_and_cover_it():
    # 10 x 2 km rotated by 30°, swath 1 km: ceil(2 / 1) = 2 lanes of 10 km, 0.5 and 1.5 km across
    gap = box(0, 0, 10, 2, 0, 0)
    gap.rotate(30, QgsPointXY(0, 0))
    frame, pieces = drone_lanes.gap_pieces(gap, 1000.0, 0)
    assert abs(abs(frame.u[0]) - math.cos(math.radians(30))) < 1e-6  # along the 10 km side
    assert [p.lane for p in pieces] == [0, 1]
    assert all(abs(p.length - 10_000) < 1e-3 for p in pieces)
    assert all(abs(p.area_m2 - 10e6) < 1.0 for p in pieces)  # each swath is half the gap
    assert abs(abs(pieces[1].offset - pieces[0].offset) - 1000) < 1e-6
    # a swath that does not divide the width: 3 lanes of 800 m for 2 km, centred, overhang shared
    _frame, pieces = drone_lanes.gap_pieces(box(0, 0, 10, 2, 0, 0), 800.0, 0)
    assert len(pieces) == 3 and abs(sum(p.area_m2 for p in pieces) - 20e6) < 1.0


def test_lanes_of_a_u_shaped_gap_cover_both_arms_once():
    # a U: two 1 km-wide arms 8 km long joined by a 1 km base; swath 1 km
    u = box(0, 0, 3, 8, 0, 0).difference(box(1, 1, 2, 8.5, 0, 0))
    _frame, pieces = drone_lanes.gap_pieces(u, 1000.0, 0)
    assert abs(sum(p.area_m2 for p in pieces) - u.area()) < 1.0  # swaths never overlap, cover all
    lanes = {}
    for p in pieces:
        lanes.setdefault(p.lane, []).append(p)
    assert max(len(v) for v in lanes.values()) == 1  # lanes run along the arms (the long axis)


def test_four_ways_of_flying_a_group_are_closed_under_reversal():
    _frame, pieces = drone_lanes.gap_pieces(box(0, 0, 10, 3, 0, 0), 1000.0, 0)
    ways = drone_lanes.ways_of_flying(pieces, list(range(len(pieces))))
    ends = []
    for way in ways:
        first, last = way[0], way[-1]
        start = drone_lanes.flown_segment(pieces[first[0]], first[1])[0]
        end = drone_lanes.flown_segment(pieces[last[0]], last[1])[1]
        ends.append((tuple(np.round(start)), tuple(np.round(end))))
    for start, end in ends:
        assert (end, start) in ends


# -- transit ---------------------------------------------------------------------------------------
def test_transit_goes_round_a_no_fly_box_by_the_shortest_side():
    # from (-5, 0) to (5, 0) km around the box [-1, 1] x [-3, 3]: over a corner pair at y = ±3,
    # 2·√(4² + 3²) + 2 = 12 km without the margin; the 100 m margin adds at most 2·0.1·√2 + 0.2 km
    zone = box(-1, -3, 1, 3, 0, 0)
    transit = NoFlyTransit(zone)
    distance = transit.distances(np.array([[-5000.0, 0.0]]), np.array([[5000.0, 0.0]]))[0]
    assert 12_000 < distance < 12_000 + 200 * math.sqrt(2) + 200
    path = transit.path((-5000.0, 0.0), (5000.0, 0.0))
    line = QgsGeometry.fromPolylineXY([QgsPointXY(*p) for p in path])
    assert abs(line.length() - distance) < 1e-6
    assert line.distance(zone) >= 0.7 * NO_FLY_MARGIN_M
    # a clear segment is straight
    assert transit.distances(np.array([[-5000.0, 5000.0]]), np.array([[5000.0, 5000.0]]))[0] == pytest.approx(10_000)
    assert transit.path((-5000.0, 5000.0), (5000.0, 5000.0)) == [(-5000.0, 5000.0), (5000.0, 5000.0)]


def test_transit_segment_test_agrees_with_geos():
    rng = np.random.default_rng(7)
    zone = QgsGeometry.unaryUnion([box(-3, -1, 3, 1, 0, 0), box(-1, -4, 1, 4, 0, 0), box(5, 5, 7, 9, 0, 0)])
    transit = NoFlyTransit(zone)
    outside = []
    while len(outside) < 400:
        x, y = rng.uniform(-12000, 12000, 2)
        if not transit.inside_blocked([(x, y)])[0]:
            outside.append((x, y))
    a, b = np.array(outside[:200]), np.array(outside[200:])
    ours = transit.segments_blocked(a, b)
    core = transit.blocked.buffer(-1.0, 2)
    geos = [QgsGeometry.fromPolylineXY([QgsPointXY(*p), QgsPointXY(*q)]).intersects(core) for p, q in zip(a, b)]
    assert list(ours) == geos
    assert 20 < sum(geos) < 180  # the sample has both kinds


# -- the choice of sorties against the exact optimum ---------------------------------------------
def _rect(x, y, w, h, angle):
    g = box(-w / 2000, -h / 2000, w / 2000, h / 2000, x, y)
    g.rotate(math.degrees(angle), QgsPointXY(x, y))
    return g


def _instance(seed, bases, sorties, endurance, zones=None, n=8):
    rng = np.random.default_rng(seed)
    gaps = [
        drone_plan.Gap(
            _rect(*rng.uniform(-15000, 15000, 2), rng.uniform(1000, 4000), rng.uniform(500, 2000), rng.uniform(0, 3.1)),
            i + 1,
            float(rng.uniform(10, 100)),
        )
        for i in range(n)
    ]
    transit = NoFlyTransit(zones)
    points = []
    while len(points) < bases:  # bases outside the no-fly zone (and its margin)
        x, y = rng.uniform(-10000, 10000, 2)
        if not transit.inside_blocked([(x, y)])[0]:
            points.append(drone_plan.Base(x, y, f"b{len(points)}"))
    planner = drone_plan.SurveyPlanner(gaps, points, transit, 800.0, endurance, sorties, chunk_limit=endurance)
    return planner.build()


def _brute_force(problem):
    """Every ordered subset of chunks from every base, each chunk in its best way (one sortie)."""
    best = 0.0
    n = problem.chunks
    for base in range(len(problem.bases)):
        for k in range(1, n + 1):
            for order in itertools.permutations(range(n), k):
                _ways, length = drone_sorties.best_ways(problem, base, list(order))
                if length <= problem.endurance + 1e-6:
                    best = max(best, float(problem.weight[list(order)].sum()))
    return best


@pytest.mark.parametrize("seed", range(4))
def test_exact_optimum_matches_brute_force_on_tiny_instances(seed, qgis_app):
    problem = _instance(seed, 2, 1, 45_000.0, n=5)
    assert problem.chunks == 5
    assert drone_sorties.exact(problem)[0] == pytest.approx(_brute_force(problem))


SEEDS = range(15)


@pytest.mark.parametrize(
    ("bases", "sorties", "endurance", "no_fly"),
    [(1, 1, 50_000.0, False), (2, 2, 40_000.0, False), (1, 2, 45_000.0, True)],
)
def test_heuristic_reaches_90_percent_of_the_exact_optimum_on_8_gap_instances(
    bases, sorties, endurance, no_fly, qgis_app
):
    zones = box(-2, -6, 2, 6, 0, 0) if no_fly else None
    ratios = []
    for seed in SEEDS:
        problem = _instance(seed, bases, sorties, endurance, zones)
        assert problem.chunks <= drone_sorties.EXACT_MAX_CHUNKS
        optimum, chosen = drone_sorties.exact(problem)
        plan = drone_sorties.plan(problem, partial=False)
        for sortie in plan.sorties:  # every sortie within the endurance, no chunk twice
            assert drone_sorties.tour_length(problem, sortie.base, sortie.visits) <= endurance + 1e-6
        flown = [c for s in plan.sorties for c, _ in s.visits]
        assert len(flown) == len(set(flown)) and len(plan.sorties) <= sorties
        assert plan.weight <= optimum + 1e-6  # the optimum is an upper bound of any plan
        ratios.append(plan.weight / optimum if optimum else 1.0)
    assert min(ratios) >= 0.90, ratios
    assert np.mean(ratios) >= 0.98, ratios


def test_nearest_neighbour_baseline_is_feasible_and_no_better_than_the_heuristic_on_average(qgis_app):
    ours, theirs = [], []
    for seed in range(10):
        problem = _instance(seed, 2, 2, 40_000.0)
        nn = drone_sorties.nearest_neighbour(problem)
        for sortie in nn.sorties:
            assert drone_sorties.tour_length(problem, sortie.base, sortie.visits) <= problem.endurance + 1e-6
        ours.append(drone_sorties.plan(problem, partial=False).weight)
        theirs.append(nn.weight)
    assert sum(ours) > 1.05 * sum(theirs)


# -- the algorithm on hand-solved cases ---------------------------------------------------------
def _hand_case(run, endurance, no_fly=True, **extra):
    gap = box(0, 0, 10, 2)  # 10 x 2 km, long axis east-west
    params = dict(
        GAPS=polygon_layer([gap]),
        BASES=point_layer([(-20, 1)]),  # 20 km west of the gap's west side
        ENDURANCE_KM=endurance,
        SWATH_M=1000.0,
        MAX_SORTIES=1,
    )
    zone = box(-12, -3, -8, 5)  # 4 x 8 km no-fly block across the straight route
    if no_fly:
        params["NO_FLY"] = [polygon_layer([zone], name="no_fly")]
    params.update(extra)
    return run(**params), gap, zone


def test_one_sortie_surveys_the_gap_around_the_no_fly_block(run):
    # Lanes: ceil(2 / 1) = 2, at 0.5 and 1.5 km across, 10 km each, 1 km apart: 21 km over the gap.
    # Out and back go round a corner pair of the block at y = -3 or 5 (kept 100 m clear):
    # base (-20, 1) → (-12, -3) → (-8, -3) → lane end (0, 0.5): √(8² + 4²) + 4 + √(8² + 3.5²) = 21.676 km,
    # the same by the north side to (0, 1.5); so 2 × 21.676 + 21 = 64.35 km, plus < 1 km for the margin.
    (result, layers), gap, zone = _hand_case(run, 100.0)
    assert result["SORTIE_COUNT"] == 1
    assert result["SURVEYED_PCT"] >= 95.0
    assert result["SURVEYED_KM2"] == pytest.approx(20.0, rel=1e-6)  # the swaths cover all of it
    (sortie,) = features(layers["SORTIES"])
    path = sortie.geometry()
    assert 64.35 - 1e-3 <= path.length() / 1000 <= 65.3
    assert sortie["length_km"] == pytest.approx(path.length() / 1000, abs=1e-3) and sortie["length_km"] <= 100
    assert not path.intersects(zone) and path.distance(zone) >= 0.7 * NO_FLY_MARGIN_M
    straight = QgsGeometry.fromPolylineXY([QgsPointXY(X0 - 20_000, Y0 + 1000), QgsPointXY(X0, Y0 + 1000)])
    assert straight.intersects(zone)  # the block does stand in the way
    assert sortie["minutes"] == pytest.approx(sortie["length_km"] / 100 * 60, abs=0.05)
    assert sortie["gaps"] == "1" and sortie["base"] == "base 1"
    lanes = features(layers["LANES"])
    assert [round(f["length_km"], 3) for f in lanes] == [10.0, 10.0] and not any(f["partial"] for f in lanes)
    (swath,) = features(layers["SURVEYED"])
    assert swath["gap_pct"] == pytest.approx(100.0, abs=1e-3)
    assert swath.geometry().difference(gap).area() < 1.0


def test_endurance_too_short_leaves_the_gap_out_of_reach_and_says_how_far(run):
    feedback = Recorder()
    (result, layers), _gap, _zone = _hand_case(run, 30.0, feedback=feedback)
    assert result["SORTIE_COUNT"] == 0 and result["SURVEYED_KM2"] == 0
    assert layers["SORTIES"].featureCount() == 0
    # straight from (-20, 1) to the gap's west side: 20.0 km, a round trip of at least 40.0 km > 30
    assert "gap 1: 20.0 km in a straight line from the nearest base 'base 1'" in feedback.text
    assert "round trip of at least 40.0 km" in feedback.text and "ENDURANCE_KM = 30" in feedback.text


def test_partial_coverage_when_the_endurance_runs_out(run):
    # No no-fly zone, endurance 50 km: a whole lane and back needs 20 + 10 + 30 = 60 km, so the sortie
    # flies part ℓ of the nearer lane: 20.006 + ℓ + √((20 + ℓ)² + 0.5²) = 50 → ℓ = 4.99 km, 4.99 km²
    # of the 20 km² gap (24.95 %).
    (result, layers), _gap, _zone = _hand_case(run, 50.0, no_fly=False)
    assert result["SORTIE_COUNT"] == 1
    assert 24.5 <= result["SURVEYED_PCT"] <= 25.0
    (sortie,) = features(layers["SORTIES"])
    assert 49.9 <= sortie["length_km"] <= 50.0 + 1e-6
    (lane,) = features(layers["LANES"])
    assert lane["partial"] == 1 and lane["length_km"] == pytest.approx(4.99, abs=0.01)


def test_spare_endurance_goes_to_the_sortie_that_flies_most_of_a_shared_lane(run):
    # Base (0, 0), endurance 40 km, swath 1 km, 2 sorties. H (priority 100) = 2 x 1 km at x 14..16, M
    # (priority 60) = 2 x 1 km at x -6..-4, each one 2 km lane along y = 0; L (priority 50) = a 1 x 30 km
    # strip at x = -1, y 2..32: one 30 km lane, too long to fly whole (≥ 2 + 30 + 32 km). H and M
    # together need 14 + 2 + 20 + 2 + 6 = 44 > 40 km: sortie 1 flies H (32 km, 8 spare), sortie 2 M
    # (12 km, 28 spare). Either can fly the south end of L on its way out (the rest only from its north
    # end, 32 km away), then its gap. From H's sortie at best (H entered at its far end, x = 16):
    # 2.236 + ℓ + √(17² + (2 + ℓ)²) + 2 + 14 = 40 → ℓ = 3.801 km; from M's (entered at x = -6):
    # 2.236 + ℓ + √(5² + (2 + ℓ)²) + 2 + 4 = 40 → ℓ = 14.512 km. Giving L to the first sortie (the
    # heavier) would survey at most 2 + 2 + 3.801 = 7.801 km²; the spare endurance goes where it flies
    # most: 2 + 2 + 14.512 = 18.512 km².
    gaps = polygon_layer(
        [box(14, -0.5, 16, 0.5), box(-6, -0.5, -4, 0.5), box(-1.5, 2, -0.5, 32)], priorities=[100, 60, 50]
    )
    result, layers = run(GAPS=gaps, BASES=point_layer([(0, 0)]), ENDURANCE_KM=40.0, SWATH_M=1000.0, MAX_SORTIES=2)
    assert result["SORTIE_COUNT"] == 2
    assert result["SURVEYED_KM2"] == pytest.approx(2 + 2 + 14.512, abs=0.01)
    by_gaps = {f["gaps"]: f for f in features(layers["SORTIES"])}
    assert sorted(by_gaps) == ["1", "3, 2"]  # M's sortie flies the part of L on its way out
    assert all(f["length_km"] <= 40 + 1e-6 for f in by_gaps.values())
    assert by_gaps["3, 2"]["length_km"] == pytest.approx(40.0, abs=0.01)
    (partial,) = [f for f in features(layers["LANES"]) if f["partial"]]
    assert partial["gap_id"] == 3 and partial["length_km"] == pytest.approx(14.512, abs=0.01)


def test_the_heavier_of_two_gaps_is_chosen(run):
    # Base at (0, 0); gap A (priority 30) 14 km east, gap B (priority 90) 16 km west, both 2 x 2 km
    # (2 lanes of 2 km). One sortie of 45 km reaches either (≈ 14 + 5 + 14 or 16 + 5 + 16) but not both
    # (≥ 2 × 14 + 2 × 16 = 60): B, the heavier, though A is nearer.
    gaps = polygon_layer([box(14, -1, 16, 1), box(-18, -1, -16, 1)], priorities=[30, 90])
    result, layers = run(GAPS=gaps, BASES=point_layer([(0, 0)]), ENDURANCE_KM=45.0, SWATH_M=1000.0, MAX_SORTIES=1)
    (sortie,) = features(layers["SORTIES"])
    assert sortie["gaps"] == "2"
    assert result["WEIGHTED_PCT"] == pytest.approx(100 * 4 * 90 / (4 * 30 + 4 * 90), abs=0.01)
    # with every km² the same (WEIGHT 0) the nearer one is as good and the shorter flight wins
    result, layers = run(
        GAPS=gaps, BASES=point_layer([(0, 0)]), ENDURANCE_KM=45.0, SWATH_M=1000.0, MAX_SORTIES=1, WEIGHT=0
    )
    (sortie,) = features(layers["SORTIES"])
    assert sortie["gaps"] == "1"


def test_max_per_base_and_the_sortie_count_are_respected(run):
    gaps = polygon_layer([box(3 * i, 5, 3 * i + 2, 7) for i in range(8)])
    bases = point_layer([(10, 0), (60, 0)], names=["near", "far"])
    result, layers = run(GAPS=gaps, BASES=bases, ENDURANCE_KM=40.0, SWATH_M=800.0, MAX_SORTIES=3, MAX_PER_BASE=1)
    sorties = features(layers["SORTIES"])
    assert result["SORTIE_COUNT"] == len(sorties) <= 2
    assert len({f["base"] for f in sorties}) == len(sorties)
    assert all(f["length_km"] <= 40.0 + 1e-6 for f in sorties)
    result, layers = run(GAPS=gaps, BASES=bases, ENDURANCE_KM=40.0, SWATH_M=800.0, MAX_SORTIES=3)
    sorties = features(layers["SORTIES"])
    assert len(sorties) == 3 and {f["base"] for f in sorties} == {"near"}
    lanes = features(layers["LANES"])
    assert all(f["sortie"] in (1, 2, 3) for f in lanes)
    seqs = {}
    for f in lanes:
        seqs.setdefault(f["sortie"], []).append(f["seq"])
    assert all(sorted(v) == list(range(1, len(v) + 1)) for v in seqs.values())


# -- the default no-fly zone: the far side of the bundled border --------------------------------
def _border_pair():
    """Two points in Iraq 3 km from the bundled border, 20–45 km apart, whose straight segment
    crosses Syria (found along the line, so the test does not depend on hand-picked coordinates)."""
    from border_gaps.layers import catalogue

    utm = QgsCoordinateReferenceSystem("EPSG:32637")
    to_utm = QgsCoordinateTransform(QgsCoordinateReferenceSystem("EPSG:4326"), utm, QgsProject.instance())
    border = next(catalogue.bundled_layer("border").getFeatures()).geometry()
    border.transform(to_utm)
    countries = {f["iso_a2"]: f.geometry() for f in catalogue.bundled_layer("countries").getFeatures()}
    iraq, syria = countries["IQ"], countries["SY"]
    iraq.transform(to_utm)
    syria.transform(to_utm)
    length = border.length()
    points = []
    for along in np.arange(5000, length - 5000, 5000):
        here = border.interpolate(along).asPoint()
        ahead = border.interpolate(along + 10).asPoint()
        nx, ny = -(ahead.y() - here.y()) / 10, (ahead.x() - here.x()) / 10
        for sign in (1, -1):
            p = QgsGeometry.fromPointXY(QgsPointXY(here.x() + sign * 3000 * nx, here.y() + sign * 3000 * ny))
            if iraq.contains(p) and p.distance(border) > 2500:
                points.append(p)
                break
    for a, b in itertools.combinations(points, 2):
        if 20_000 < a.distance(b) < 45_000:
            chord = QgsGeometry.fromPolylineXY([a.asPoint(), b.asPoint()])
            if chord.intersects(syria):
                return a, b, border, syria, utm
    raise AssertionError("no pair of points whose chord crosses Syria along the bundled border")


def test_with_the_default_no_fly_zone_no_path_crosses_the_border(run):
    a, b, border, syria, utm = _border_pair()
    gap = QgsGeometry.fromRect(b.boundingBox().buffered(700))
    gaps = polygon_layer([gap], crs=utm.authid())
    p = a.asPoint()
    bases = point_layer([(0, 0)], crs=utm.authid(), dx=p.x(), dy=p.y())
    result, layers = run(GAPS=gaps, BASES=bases, ENDURANCE_KM=120.0, SWATH_M=500.0, BORDER_NO_FLY=True)
    assert result["SORTIE_COUNT"] == 1 and result["SURVEYED_PCT"] > 50
    (sortie,) = features(layers["SORTIES"])
    path = sortie.geometry()  # in the gaps' CRS, UTM 37N
    assert not path.intersects(border)
    assert not path.intersects(syria)
    # and the straight chord would have crossed: the default zone did the work
    assert QgsGeometry.fromPolylineXY([a.asPoint(), b.asPoint()]).intersects(border)
    # turned off, the sortie cuts across (shorter)
    result_off, layers_off = run(GAPS=gaps, BASES=bases, ENDURANCE_KM=120.0, SWATH_M=500.0, BORDER_NO_FLY=False)
    (straight,) = features(layers_off["SORTIES"])
    assert straight["length_km"] < sortie["length_km"]
    assert straight.geometry().intersects(syria)


def test_demo_scenario_sorties_from_the_posts_stay_in_iraq(run, tmp_path):
    """The done-when scenario: gap zones of the demo, the posts as bases, default no-fly zone."""
    from qgis import processing

    from border_gaps.layers import catalogue

    scenario = catalogue.DEMO_SCENARIO_GPKG
    gaps = processing.run(
        "bordergaps:gapzones",
        {
            "CONTROL_AREAS": f"{scenario}|layername=control_areas",
            "FORCE_FIELD": "force",
            "FORCE_A": "Peshmerga",
            "FORCE_B": "ISF",
            "COVERAGE": [f"{scenario}|layername=coverage"],
            "POSTS": f"{scenario}|layername=posts",
            "RANGE_FIELD": "range_m",
            "SEAM_DISTANCE": 5000,
            "MIN_AREA": 100000,
            "OUTPUT": str(tmp_path / "gaps.gpkg"),
        },
    )["OUTPUT"]
    feedback = Recorder()
    result, layers = run(
        feedback=feedback, GAPS=gaps, BASES=f"{scenario}|layername=posts", BORDER_NO_FLY=True, MAX_SORTIES=4
    )
    assert 1 <= result["SORTIE_COUNT"] <= 4 and result["SURVEYED_PCT"] > 0
    border = next(catalogue.bundled_layer("border").getFeatures()).geometry()
    iraq = next(f.geometry() for f in catalogue.bundled_layer("countries").getFeatures() if f["iso_a2"] == "IQ")
    gaps_layer = QgsVectorLayer(gaps, "gaps", "ogr")
    to_wgs84 = QgsCoordinateTransform(
        gaps_layer.crs(), QgsCoordinateReferenceSystem("EPSG:4326"), QgsProject.instance()
    )
    for sortie in features(layers["SORTIES"]):
        path = sortie.geometry()
        path.transform(to_wgs84)
        assert not path.intersects(border), f"sortie {sortie['sortie']} crosses the border"
        assert iraq.contains(path)
        assert sortie["length_km"] <= 120.0 + 1e-6
    # a post the bundled countries put across the line is left out by name, not silently
    for post in catalogue.demo_layer("posts").getFeatures():
        if not iraq.contains(post.geometry()):
            assert f"Base '{post['name']}' lies inside a no-fly zone" in feedback.text


# -- bad inputs --------------------------------------------------------------------------------------
def test_a_base_inside_a_no_fly_zone_is_left_out_or_refused(run):
    gaps = polygon_layer([box(0, 0, 2, 2)])
    zone = polygon_layer([box(-10, -10, -5, 10)], name="closed")
    with pytest.raises(
        QgsProcessingException, match=r"Base 'inside' lies inside a no-fly zone \(NO_FLY layer 'closed'\)"
    ):
        run(GAPS=gaps, BASES=point_layer([(-7, 0)], names=["inside"]), NO_FLY=[zone])
    with pytest.raises(QgsProcessingException, match=r"Base 'edge' is \d+ m from a no-fly zone"):
        run(GAPS=gaps, BASES=point_layer([(-4.95, 0)], names=["edge"]), NO_FLY=[zone])
    feedback = Recorder()
    result, layers = run(
        feedback=feedback, GAPS=gaps, BASES=point_layer([(-7, 0), (-2, 0)], names=["inside", "ok"]), NO_FLY=[zone]
    )
    assert "Base 'inside' lies inside a no-fly zone" in feedback.text and "left out" in feedback.text
    assert {f["base"] for f in features(layers["SORTIES"])} == {"ok"}


def test_bases_on_both_sides_of_the_border_with_the_default_zone(run):
    # two bases in Iraq near Sinjar, one in Syria west of the line: the Syrian one is in the far side
    lon, lat = rb.LON0, rb.LAT0  # 41.80 E, 36.30 N, in Iraq
    gaps = QgsVectorLayer("Polygon?crs=EPSG:4326&field=gap_id:integer", "gaps", "memory")
    f = QgsFeature(gaps.fields())
    f.setGeometry(QgsGeometry.fromWkt(rb.box(0, 0, 2, 2)))
    f.setAttributes([1])
    gaps.dataProvider().addFeatures([f])
    bases = QgsVectorLayer("Point?crs=EPSG:4326&field=name:string", "bases", "memory")
    rows = [("Sinjar A", lon + 0.05, lat), ("Sinjar B", lon + 0.1, lat + 0.02), ("Hasakah side", 41.0, lat)]
    for name, x, y in rows:
        g = QgsFeature(bases.fields())
        g.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(x, y)))
        g.setAttributes([name])
        bases.dataProvider().addFeatures([g])
    feedback = Recorder()
    result, layers = run(feedback=feedback, GAPS=gaps, BASES=bases, BORDER_NO_FLY=True, MAX_SORTIES=2)
    assert "Base 'Hasakah side' lies inside a no-fly zone (the far side of the border" in feedback.text
    assert "every bundled country but Iraq" in feedback.text
    assert result["SORTIE_COUNT"] >= 1
    assert "Hasakah side" not in {f["base"] for f in features(layers["SORTIES"])}


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("ENDURANCE_KM", 0.0, r"ENDURANCE_KM must be more than 0 km"),
        ("ENDURANCE_KM", -5.0, r"ENDURANCE_KM must be more than 0 km"),
        ("SWATH_M", 0.0, r"SWATH_M must be more than 0 m"),
        ("SWATH_M", -100.0, r"SWATH_M must be more than 0 m"),
        ("SPEED_KMH", 0.0, r"SPEED_KMH must be more than 0"),
    ],
)
def test_non_positive_endurance_swath_or_speed_is_refused(run, key, value, message):
    params = dict(GAPS=polygon_layer([box(0, 0, 2, 2)]), BASES=point_layer([(-5, 0)]))
    params[key] = value
    with pytest.raises(QgsProcessingException, match=message):
        run(**params)


def test_a_swath_too_narrow_for_the_gaps_is_refused_before_any_lane_is_made(run):
    # 2 km across at 0.05 m: 40,000 lanes, over the 20,000 the tool plans at once
    with pytest.raises(QgsProcessingException, match=r"SWATH_M = 0.05 m would need about 40,000 survey lanes"):
        run(GAPS=polygon_layer([box(0, 0, 10, 2)]), BASES=point_layer([(-5, 0)]), SWATH_M=0.05)


def test_empty_gaps_are_refused_with_the_layer_named(run):
    empty = polygon_layer([], name="no gaps here")
    with pytest.raises(QgsProcessingException, match=r"GAPS layer 'no gaps here' has no polygon to survey"):
        run(GAPS=empty, BASES=point_layer([(0, 0)]))
    with pytest.raises(QgsProcessingException, match=r"BASES layer 'bases' has no point"):
        run(GAPS=polygon_layer([box(0, 0, 2, 2)]), BASES=point_layer([]))


def test_a_gap_inside_the_no_fly_zone_is_not_surveyed(run):
    feedback = Recorder()
    gaps = polygon_layer([box(0, 0, 2, 2), box(-9, 0, -7, 2)])
    zone = polygon_layer([box(-10, -1, -6, 3)], name="closed")
    result, layers = run(feedback=feedback, GAPS=gaps, BASES=point_layer([(-3, 1)]), NO_FLY=[zone], MAX_SORTIES=2)
    assert "1 gap(s) lie wholly in the no-fly zones and are not surveyed: gap_id 2" in feedback.text
    assert {f["gap_id"] for f in features(layers["SURVEYED"])} == {1}
    assert result["SURVEYED_PCT"] == pytest.approx(50.0, abs=0.01)


def test_the_part_of_a_gap_in_the_no_fly_zone_is_reported_and_not_surveyed(run):
    # The 10 x 2 km gap [0, 10] x [0, 2] with the zone [5, 12] x [-1, 3] over its east half: the zone and
    # its 100 m margin take x >= 4.9 (the zone's corners, where the margin is rounded, lie 1 km off the
    # gap), so (10 - 4.9) x 2 = 10.2 km² cannot be flown and at most 4.9 x 2 = 9.8 km² is surveyed.
    feedback = Recorder()
    zone = polygon_layer([box(5, -1, 12, 3)], name="closed")
    result, layers = run(
        feedback=feedback,
        GAPS=polygon_layer([box(0, 0, 10, 2)]),
        BASES=point_layer([(-5, 1)]),
        NO_FLY=[zone],
        SWATH_M=1000.0,
        MAX_SORTIES=1,
    )
    assert "1 gap(s) lie partly in the no-fly zones (or within 100 m of them): 10.200 km²" in feedback.text
    assert "gap 1: 10.200 km²" in feedback.text
    assert 9.5 <= result["SURVEYED_KM2"] <= 9.8 + 1e-3
    for swath in features(layers["SURVEYED"]):
        assert not swath.geometry().intersects(box(5, -1, 12, 3))


def test_outputs_are_styled_by_their_names():
    from border_gaps.analysis import maplayout

    for name in ("sorties", "lanes", "surveyed"):
        kind = "LineString" if name != "surveyed" else "MultiPolygon"
        layer = QgsVectorLayer(f"{kind}?crs=EPSG:4326&field=sortie:integer&field=base:string", name, "memory")
        assert maplayout.load_qml(layer, name), name
