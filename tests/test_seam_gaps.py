"""analysis.geometry and analysis.gaps: the invariants of DESIGN.md on random districts and
coverage, the tiled merge against one GEOS union, and cancel within a second at every stage."""

import threading
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from qgis.core import QgsFeedback, QgsGeometry, QgsPointXY

from bg_testing.gaps import X0, Y0, strip_scenario
from border_gaps.analysis.gaps import analyse_gaps
from border_gaps.analysis.geometry import CanceledError, gap_zones, polygon_parts, seam_zones


def rect(x0, y0, w, h):
    return QgsGeometry.fromRect(_r(x0, y0, w, h))


def _r(x0, y0, w, h):
    from qgis.core import QgsRectangle

    return QgsRectangle(X0 + x0 * 1000, Y0 + y0 * 1000, X0 + (x0 + w) * 1000, Y0 + (y0 + h) * 1000)


# Box corners on a 250 m lattice: GEOS simplifies a buffer's input ring by 1 % of the distance
# (up to 40 m here), so a step finer than that (hypothesis found 15.6 m) is smoothed away
# differently by any two buffer constructions of the same land, by tens of m².
_km = st.integers(0, 24).map(lambda q: q / 4)
boxes = st.tuples(
    _km,
    st.integers(-24, 24).map(lambda q: q / 4),
    st.integers(2, 24).map(lambda q: q / 4),
    st.integers(2, 24).map(lambda q: q / 4),
)
discs = st.tuples(st.floats(-4, 8), st.floats(-6, 8), st.floats(0.1, 1.5))


def _build(a_boxes, b_boxes, cover_discs, cover_boxes):
    force_a = [rect(-x - w, y, w, h) for x, y, w, h in a_boxes]  # west of x = 0
    force_b = [rect(2 + x, y, w, h) for x, y, w, h in b_boxes]  # east of x = 2 km
    coverage = [
        QgsGeometry.fromPointXY(QgsPointXY(X0 + x * 1000, Y0 + y * 1000)).buffer(r * 1000, 8) for x, y, r in cover_discs
    ]
    coverage += [rect(x - 3, y, w, h) for x, y, w, h in cover_boxes]
    return force_a, force_b, coverage


def _area(geom):
    return 0.0 if geom is None or geom.isEmpty() else geom.area()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    a_boxes=st.lists(boxes, min_size=1, max_size=3),
    b_boxes=st.lists(boxes, min_size=1, max_size=3),
    cover_discs=st.lists(discs, max_size=12),
    cover_boxes=st.lists(boxes, max_size=4),
    distance_km=st.floats(0.5, 4),
    whole_seam=st.booleans(),
    min_area=st.sampled_from([0.0, 1e4, 5e5]),
    tile_pieces=st.integers(1, 6),
)
def test_invariants(
    qgis_app, a_boxes, b_boxes, cover_discs, cover_boxes, distance_km, whole_seam, min_area, tile_pieces
):
    force_a, force_b, coverage = _build(a_boxes, b_boxes, cover_discs, cover_boxes)
    d = distance_km * 1000
    seam = seam_zones(force_a, force_b, d)
    # the seam is exactly buffer(A) ∩ buffer(B), whatever the clipping shortcut does
    naive = QgsGeometry.unaryUnion(force_a).buffer(d, 16).intersection(QgsGeometry.unaryUnion(force_b).buffer(d, 16))
    assert abs(_area(seam.seam) - _area(naive)) <= 1e-6 * max(1.0, _area(naive))
    region = seam.base(whole_seam)
    # small tiles so that the merge across cut lines is exercised
    result = gap_zones(region, coverage, min_area, tile_pieces=tile_pieces)
    union_c = QgsGeometry.unaryUnion(coverage) if coverage else None
    for gap in result.gaps:
        assert gap.area() >= min_area
        assert _area(gap.difference(seam.seam)) <= 1e-6 * gap.area() + 1e-6  # every gap lies in the seam
        if union_c is not None:
            assert _area(gap.intersection(union_c)) <= 1e-6 * gap.area() + 1e-6  # no gap overlaps C
    covered = _area(region.intersection(union_c)) if union_c is not None and not region.isEmpty() else 0.0
    assert _area(region) == pytest.approx(covered + result.gap_area_m2 + result.dropped_area_m2, rel=1e-6, abs=1e-3)
    assert result.covered_area_m2 == pytest.approx(covered, rel=1e-6, abs=1e-3)
    # the same parts as one GEOS union and difference
    direct = (
        polygon_parts(region.difference(union_c))
        if union_c is not None and not region.isEmpty()
        else polygon_parts(region)
    )
    assert sorted(round(g.area(), 2) for g in result.gaps + result.dropped) == pytest.approx(
        sorted(round(g.area(), 2) for g in direct), abs=0.05
    )
    # feature order does not matter
    again = gap_zones(
        seam_zones(force_b[::-1], force_a[::-1], d).base(whole_seam), coverage[::-1], min_area, tile_pieces=tile_pieces
    )
    assert [round(g.area(), 3) for g in again.gaps] == pytest.approx(
        [round(g.area(), 3) for g in result.gaps], abs=0.01
    )


@settings(max_examples=15, deadline=None)
@given(a_boxes=st.lists(boxes, min_size=1, max_size=3), cut=st.floats(0.1, 0.9), distance_km=st.floats(0.5, 4))
def test_districts_cut_differently_give_the_same_seam(qgis_app, a_boxes, cut, distance_km):
    force_a, force_b, _ = _build(a_boxes, [(0, -2, 4, 8)], [], [])
    merged = QgsGeometry.unaryUnion(force_a)
    box = merged.boundingBox()
    x = box.xMinimum() + cut * box.width()
    from qgis.core import QgsRectangle

    west = merged.intersection(
        QgsGeometry.fromRect(QgsRectangle(box.xMinimum() - 1, box.yMinimum() - 1, x, box.yMaximum() + 1))
    )
    east = merged.intersection(
        QgsGeometry.fromRect(QgsRectangle(x, box.yMinimum() - 1, box.xMaximum() + 1, box.yMaximum() + 1))
    )
    one = seam_zones(force_a, force_b, distance_km * 1000)
    two = seam_zones([west, east], force_b, distance_km * 1000)
    assert two.seam_area_m2 == pytest.approx(one.seam_area_m2, rel=1e-6, abs=1e-3)
    assert two.unclaimed_area_m2 == pytest.approx(one.unclaimed_area_m2, rel=1e-6, abs=1e-3)


def test_many_tiles_match_one_union(qgis_app):
    control, coverage = strip_scenario(600)
    force_a = [f.geometry() for f in control.getFeatures() if f["force"] == "Peshmerga"]
    force_b = [f.geometry() for f in control.getFeatures() if f["force"] == "ISF"]
    seam = seam_zones(force_a, force_b, 2500)
    pieces = [f.geometry() for f in coverage.getFeatures()]
    tiled = gap_zones(seam.unclaimed, pieces, 0, tile_pieces=8)
    assert tiled.tiles > 20
    direct = polygon_parts(seam.unclaimed.difference(QgsGeometry.unaryUnion(pieces)))
    assert len(tiled.gaps) == len(direct) > 10
    assert tiled.gap_area_m2 == pytest.approx(sum(g.area() for g in direct), rel=1e-9)


def test_the_number_of_threads_does_not_change_the_gaps_or_their_measures(busy_strip, monkeypatch):
    from border_gaps.analysis import workers
    from border_gaps.analysis.metrics import measure_gaps

    control, coverage = busy_strip
    force_a = [f.geometry() for f in control.getFeatures() if f["force"] == "Peshmerga"]
    force_b = [f.geometry() for f in control.getFeatures() if f["force"] == "ISF"]
    seam = seam_zones(force_a, force_b, 2500)
    pieces = [f.geometry() for f in coverage.getFeatures()]
    runs = []
    for threads in (1, 3):
        monkeypatch.setattr(workers, "THREADS", threads)
        result = gap_zones(seam.unclaimed, pieces, 0, tile_pieces=32)
        assert result.tiles > 20 and len(result.gaps) > 64  # enough gaps for the measures to go to threads too
        runs.append(([g.asWkt(3) for g in result.gaps], measure_gaps(result.gaps, 2500, coverage=pieces)))
    assert runs[0][0] == runs[1][0]  # the same parts, vertex for vertex, in the same order
    assert runs[0][1] == runs[1][1]


# --- cancel -----------------------------------------------------------------------------------------


class CancelAfter(QgsFeedback):
    """Cancels itself at the ``calls``-th progress report and records when."""

    def __init__(self, calls):
        super().__init__()
        self.calls = calls
        self.count = 0
        self.canceled_at = None
        self.progressChanged.connect(self._tick)

    def _tick(self, _):
        self.count += 1
        if self.count == self.calls and self.canceled_at is None:
            self.canceled_at = time.perf_counter()
            self.cancel()


def _analyse(control, coverage, feedback):
    return analyse_gaps(
        control,
        "districts",
        "force",
        ["Peshmerga"],
        ["ISF"],
        2500,
        coverage_layers=[(coverage, "coverage")],
        min_area=0,
        name_field="name",
        feedback=feedback,
    )


@pytest.fixture(scope="module")
def busy_strip(qgis_app):
    return strip_scenario(3000, seed=3, length_km=60)


@pytest.mark.parametrize("threads", [1, 3])
def test_cancel_is_honoured_within_a_second_at_every_stage(busy_strip, threads, monkeypatch):
    from border_gaps.analysis import workers

    monkeypatch.setattr(workers, "THREADS", threads)
    control, coverage = busy_strip
    counter = CancelAfter(calls=10**9)
    _analyse(control, coverage, counter)
    total = counter.count
    assert total > 20  # progress is reported all along: reading, seam, merge, measures
    for calls in range(1, total, max(1, total // 8)):
        feedback = CancelAfter(calls)
        with pytest.raises(CanceledError):
            _analyse(control, coverage, feedback)
        assert time.perf_counter() - feedback.canceled_at < 1.0, f"cancel at progress call {calls}"


def test_cancel_from_another_thread_on_a_timer(busy_strip):
    control, coverage = busy_strip
    started = time.perf_counter()
    _analyse(control, coverage, QgsFeedback())
    whole = time.perf_counter() - started  # cancel early and late in a run, whatever the machine's speed
    for delay in (0.1 * whole, 0.45 * whole):
        feedback = QgsFeedback()
        canceled_at = []

        def cancel(fb=feedback, at=canceled_at):
            at.append(time.perf_counter())
            fb.cancel()

        timer = threading.Timer(delay, cancel)
        timer.start()
        try:
            _analyse(control, coverage, feedback)
            finished = None
        except CanceledError:
            finished = time.perf_counter()
        timer.join()
        if finished is not None:  # finished before the timer fired is no test: the run must be longer
            assert finished - canceled_at[0] < 1.0
        else:
            pytest.fail(f"the analysis finished before a cancel after {delay} s; make the scenario bigger")


def test_post_km_is_the_true_nearest_not_the_nearest_box(qgis_app):
    from border_gaps.analysis.metrics import measure_gaps

    gap = rect(0, 0, 0.2, 0.2)  # centre (0.1, 0.1) km
    # a thin diagonal corridor along x + y = 2 km: its box holds the gap, its body is 1.27 km away
    corridor = QgsGeometry.fromWkt(f"LINESTRING({X0 - 2000} {Y0 + 4000}, {X0 + 4000} {Y0 - 2000})").buffer(10, 4)
    near = rect(0.5, 0, 0.2, 0.2)  # 400 m east of the centre
    (m,) = measure_gaps([gap], 1000.0, coverage=[corridor, near])
    assert m.post_m == pytest.approx(400.0, abs=0.5)
