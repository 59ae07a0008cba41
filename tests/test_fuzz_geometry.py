"""Property-based fuzzing of analysis/geometry.py (seam_zones, gap_zones) with random polygons:
no exception but BorderGapsError, and DESIGN.md's invariants hold."""

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from qgis.core import QgsGeometry, QgsPointXY

from border_gaps.analysis.errors import BorderGapsError
from border_gaps.analysis.geometry import gap_zones, seam_zones

FUZZ = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
SIZE = 20000.0  # metres: the random districts live in a 20 km square
REL = 1e-6  # DESIGN.md: "beyond 1e-6 of its area"
ABS_M2 = 1.0  # plus 1 m² of slack for GEOS noise on km² polygons

coord = st.floats(min_value=0.0, max_value=SIZE, allow_nan=False, allow_infinity=False)


@st.composite
def polygons(draw):
    """A rectangle, a disc or the convex hull of 3–7 points (always valid, non-empty)."""
    kind = draw(st.sampled_from(["rect", "disc", "hull"]))
    if kind == "rect":
        x, y = draw(coord), draw(coord)
        w = draw(st.floats(min_value=50.0, max_value=8000.0))
        h = draw(st.floats(min_value=50.0, max_value=8000.0))
        return QgsGeometry.fromWkt(f"POLYGON(({x} {y},{x + w} {y},{x + w} {y + h},{x} {y + h},{x} {y}))")
    if kind == "disc":
        return QgsGeometry.fromPointXY(QgsPointXY(draw(coord), draw(coord))).buffer(
            draw(st.floats(min_value=50.0, max_value=4000.0)), 8
        )
    points = draw(st.lists(st.tuples(coord, coord), min_size=3, max_size=7))
    hull = QgsGeometry.fromMultiPointXY([QgsPointXY(x, y) for x, y in points]).convexHull()
    if hull.area() < 1.0:  # collinear points: make it a thin polygon instead
        hull = hull.buffer(25.0, 4)
    return hull


@st.composite
def bowties(draw):
    """A self-intersecting ring: what hand digitising gives; read_features repairs it."""
    x, y = draw(coord), draw(coord)
    s = draw(st.floats(min_value=100.0, max_value=5000.0))
    return QgsGeometry.fromWkt(f"POLYGON(({x} {y},{x + s} {y + s},{x + s} {y},{x} {y + s},{x} {y}))")


scenarios = st.fixed_dictionaries(
    {
        "a": st.lists(polygons(), min_size=1, max_size=3),
        "b": st.lists(polygons(), min_size=1, max_size=3),
        "coverage": st.lists(polygons(), min_size=0, max_size=5),
        "distance": st.floats(min_value=0.0, max_value=3000.0),
        "min_area": st.sampled_from([0.0, 1000.0, 250000.0]),
        "whole": st.booleans(),
    }
)


def _union(geoms):
    return QgsGeometry.unaryUnion(geoms) if geoms else QgsGeometry.fromWkt("POLYGON EMPTY")


def _area(geom):
    return 0.0 if geom is None or geom.isNull() or geom.isEmpty() else geom.area()


def _run(case):
    seam = seam_zones(case["a"], case["b"], case["distance"])
    base = seam.base(case["whole"])
    gaps = gap_zones(base, case["coverage"], case["min_area"])
    return seam, base, gaps


@FUZZ
@given(scenarios)
def test_gaps_lie_in_the_seam_outside_coverage_and_areas_add_up(case):
    seam, base, result = _run(case)
    cover = _union(case["coverage"])
    for gap in result.gaps + result.dropped:
        assert gap.isGeosValid()
        tolerance = REL * gap.area() + ABS_M2
        assert _area(gap.difference(seam.seam)) <= tolerance, "a gap lies outside the seam"
        assert _area(gap.intersection(cover)) <= tolerance, "a gap overlaps the coverage"
    for gap in result.gaps:
        assert gap.area() >= case["min_area"]
    for gap in result.dropped:
        assert gap.area() < case["min_area"]
    # seam (or unclaimed seam) = covered + kept gaps + dropped, the covered part measured on its own
    covered = _area(base.intersection(cover)) if not base.isEmpty() else 0.0
    total = covered + result.gap_area_m2 + result.dropped_area_m2
    assert abs(_area(base) - total) <= REL * max(_area(base), 1.0) * 10 + ABS_M2 * (1 + len(result.gaps))


@FUZZ
@given(scenarios)
def test_the_seam_is_the_land_within_d_of_both_forces(case):
    seam, _base, _gaps = _run(case)
    union_a, union_b = _union(case["a"]), _union(case["b"])
    d = case["distance"]
    # unclaimed land is held by neither force
    assert _area(seam.unclaimed.intersection(_union([union_a, union_b]))) <= REL * _area(seam.unclaimed) + ABS_M2
    rng = random.Random(7)
    box = union_a.boundingBox()
    box.combineExtentWith(union_b.boundingBox())
    box.grow(d + 10.0)
    tolerance = 0.02 * d + 1.0  # buffers are polygons of 16 segments a quarter: 0.2 % under the circle
    for _ in range(60):
        p = QgsGeometry.fromPointXY(
            QgsPointXY(rng.uniform(box.xMinimum(), box.xMaximum()), rng.uniform(box.yMinimum(), box.yMaximum()))
        )
        inside = not seam.seam.isEmpty() and seam.seam.contains(p)
        da, db = union_a.distance(p), union_b.distance(p)
        if inside:
            assert da <= d + tolerance and db <= d + tolerance
        elif da <= d - tolerance and db <= d - tolerance:
            raise AssertionError(f"point {p.asWkt()} within {d} m of both forces is not in the seam")


@FUZZ
@given(scenarios, st.randoms(use_true_random=False))
def test_results_do_not_depend_on_feature_order_or_how_districts_are_cut(case, rnd):
    _seam, _base, first = _run(case)
    shuffled = dict(case)
    for key in ("a", "b", "coverage"):
        shuffled[key] = list(case[key])
        rnd.shuffle(shuffled[key])
    # cut every district of A in two along a vertical line through its centre
    cut = []
    for geom in shuffled["a"]:
        box = geom.boundingBox()
        mid = box.center().x()
        west = QgsGeometry.fromRect(box.buffered(1.0))
        west_box = west.boundingBox()
        west_box.setXMaximum(mid)
        east_box = west.boundingBox()
        east_box.setXMinimum(mid)
        cut += [geom.intersection(QgsGeometry.fromRect(west_box)), geom.intersection(QgsGeometry.fromRect(east_box))]
    shuffled["a"] = [g for g in cut if not g.isEmpty()]
    _seam2, _base2, second = _run(shuffled)
    assert abs(first.gap_area_m2 - second.gap_area_m2) <= REL * 10 * max(first.gap_area_m2, 1.0) + ABS_M2 * 10
    assert len(first.gaps) == len(second.gaps)


@FUZZ
@given(st.lists(bowties(), min_size=1, max_size=3), st.lists(polygons(), min_size=1, max_size=2), coord)
def test_invalid_or_odd_input_gives_a_result_or_a_border_gaps_error(a, b, distance):
    try:
        seam = seam_zones(a, b, distance / 4)
        result = gap_zones(seam.base(False), b, 0.0)
    except BorderGapsError as err:
        assert str(err)
        return
    for gap in result.gaps:
        assert not gap.isEmpty()


def test_a_negative_distance_is_a_border_gaps_error():
    square = QgsGeometry.fromWkt("POLYGON((0 0,1 0,1 1,0 1,0 0))")
    try:
        seam_zones([square], [square], -1.0)
    except BorderGapsError as err:
        assert "-1" in str(err)
    else:
        raise AssertionError("a negative seam distance was accepted")
