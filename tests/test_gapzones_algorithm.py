"""bordergaps:gapzones and bordergaps:seamzones through Processing: hand-solved areas, fields,
numeric outputs, CRS and order independence, and the message of each bad input."""

import math
import os

import pytest
from qgis.core import QgsGeometry, QgsProcessingException, QgsProcessingFeedback

from bg_testing.gaps import (
    arc_deficit,
    box,
    box_with_hole,
    districts,
    layer,
    point,
    polygon_area_of_disc,
    shuffled,
    to_crs,
    two_squares,
    within_chords,
)


def run(alg, params, feedback=None):
    from qgis import processing

    return processing.run(f"bordergaps:{alg}", params, feedback=feedback or QgsProcessingFeedback())


def gap_params(control, **extra):
    params = {
        "CONTROL_AREAS": control,
        "FORCE_FIELD": "force",
        "FORCE_A": "Peshmerga",
        "FORCE_B": "ISF",
        "SEAM_DISTANCE": 3000,
        "MODE": 0,
        "MIN_AREA": 0,
        "OUTPUT": "memory:gaps",
    }
    params.update(extra)
    return params


def test_two_squares_with_a_post_disc(bordergaps_provider):
    # A = [-10, 0] × [0, 10] km, B = [2, 12] × [0, 10] km, d = 3 km.
    # Seam in the band 0 ≤ y ≤ 10: x ∈ [-1, 3] (within 3 km of both), 4 × 10 = 40 km².
    # Above y = 10 (and below y = 0 alike) the seam is the half lens of the discs of radius 3
    # about the corners (0, 10) and (2, 10) (for x < 0 the disc about (2, 10) is the binding one),
    # lens area = 2r²·acos(c/2r) − (c/2)·√(4r² − c²) = 18·acos(1/3) − √32 = 16.500 km², half 8.250.
    # Seam = 40 + 16.5 = 56.5 km²; unclaimed = seam − A − B = 20 + 16.5 = 36.5 km².
    # One post at (1, 5) with a 500 m range: its disc (a 64-gon) lies in the unclaimed strip.
    lens = 18 * math.acos(1 / 3) - math.sqrt(32)
    posts = layer("Point", "posts", [(point(1, 5), {"range_m": 500.0})])
    result = run("gapzones", gap_params(two_squares(), POSTS=posts, RANGE_FIELD="range_m"))
    disc_km2 = polygon_area_of_disc(500.0) / 1e6
    # The lens arcs are drawn as chords: each of the 4 arcs (2 per lens) spans 2·acos(1/3).
    chords = 4 * arc_deficit(3.0, 2 * math.acos(1 / 3))
    assert within_chords(result["SEAM_AREA_KM2"], 20 + lens, chords)
    assert result["COVERED_AREA_KM2"] == pytest.approx(disc_km2, rel=1e-9)
    assert result["COVERED_PCT"] == pytest.approx(100 * disc_km2 / result["SEAM_AREA_KM2"])
    assert result["GAP_COUNT"] == 1
    assert within_chords(result["GAP_AREA_KM2"], 20 + lens - disc_km2, chords)
    assert result["LARGEST_GAP_KM2"] == result["GAP_AREA_KM2"]
    whole = run("gapzones", gap_params(two_squares(), POSTS=posts, RANGE_FIELD="range_m", MODE=1))
    assert within_chords(whole["SEAM_AREA_KM2"], 40 + lens, chords)


class Log(QgsProcessingFeedback):
    def __init__(self):
        super().__init__()
        self.lines = []

    def pushInfo(self, info):
        self.lines.append(info)
        super().pushInfo(info)


def gap_features(result):
    return sorted(result["OUTPUT"].getFeatures(), key=lambda f: f["gap_id"])


def test_adjacent_districts_have_no_unclaimed_land_and_a_band_of_seam(bordergaps_provider):
    # A = [-10, 0] × [0, 10], B = [0, 10] × [0, 10] km share the edge x = 0; d = 1 km.
    # Whole seam: the band [-1, 1] × [0, 10] (20 km²) plus, beyond y = 10 and below y = 0, the half
    # discs of radius 1 about (0, 10) and (0, 0) (π km² together). Every point of the band lies in A or
    # B, so the unclaimed seam is only the two half discs; clipped to 0 ≤ y ≤ 10 it is empty.
    control = districts([(box(-10, 0, 0, 10), "Peshmerga", "Sinjar"), (box(0, 0, 10, 10), "ISF", "Tal Afar")])
    chords = arc_deficit(1.0, 2 * math.pi)
    unclaimed = run("gapzones", gap_params(control, SEAM_DISTANCE=1000))
    assert within_chords(unclaimed["SEAM_AREA_KM2"], math.pi, chords)
    assert unclaimed["GAP_COUNT"] == 2  # the two half discs, each its own gap
    whole = run("gapzones", gap_params(control, SEAM_DISTANCE=1000, MODE=1))
    assert within_chords(whole["SEAM_AREA_KM2"], 20 + math.pi, chords)
    assert whole["GAP_COUNT"] == 1
    # clipped to the band 0 ≤ y ≤ 10 the unclaimed seam is empty and the whole seam exactly 20 km²
    study = layer("Polygon", "study", [(box(-20, 0, 20, 10), {"id": 1})])
    clipped = run("gapzones", gap_params(control, SEAM_DISTANCE=1000, STUDY_AREA=study))
    assert clipped["SEAM_AREA_KM2"] == 0 and clipped["GAP_COUNT"] == 0 and clipped["COVERED_PCT"] == 0
    band = run("gapzones", gap_params(control, SEAM_DISTANCE=1000, STUDY_AREA=study, MODE=1))
    assert band["SEAM_AREA_KM2"] == pytest.approx(20.0, rel=1e-12)
    assert band["GAP_AREA_KM2"] == pytest.approx(20.0, rel=1e-12)


def test_coverage_exactly_covering_the_seam_leaves_no_gap(bordergaps_provider):
    # Clipped to 0 ≤ y ≤ 10 the whole seam of the two squares is exactly [-1, 3] × [0, 10] = 40 km²;
    # coverage is that very rectangle.
    study = layer("Polygon", "study", [(box(-20, 0, 20, 10), {"id": 1})])
    coverage = layer("Polygon", "coverage", [(box(-1, 0, 3, 10), {"kind": "drone"})])
    result = run("gapzones", gap_params(two_squares(), STUDY_AREA=study, COVERAGE=[coverage], MODE=1))
    assert result["SEAM_AREA_KM2"] == pytest.approx(40.0, rel=1e-12)
    assert result["COVERED_AREA_KM2"] == pytest.approx(40.0, rel=1e-12)
    assert result["COVERED_PCT"] == pytest.approx(100.0)
    assert result["GAP_COUNT"] == 0 and result["GAP_AREA_KM2"] == 0 and result["LARGEST_GAP_KM2"] == 0
    assert result["OUTPUT"].featureCount() == 0


def _hole_case(**extra):
    # Unclaimed seam clipped to 0 ≤ y ≤ 10: [0, 2] × [0, 10] = 20 km². Coverage: all of it but a
    # 100 m × 100 m hole about (1, 5) km: one gap of exactly 10,000 m².
    study = layer("Polygon", "study", [(box(-20, 0, 20, 10), {"id": 1})])
    coverage = layer(
        "Polygon", "coverage", [(box_with_hole((0, 0, 2, 10), (0.95, 4.95, 1.05, 5.05)), {"kind": "patrol"})]
    )
    return gap_params(two_squares(), STUDY_AREA=study, COVERAGE=[coverage], **extra)


def test_gap_smaller_than_min_area_is_dropped(bordergaps_provider):
    dropped = run("gapzones", _hole_case(MIN_AREA=20000))
    assert dropped["GAP_COUNT"] == 0 and dropped["GAP_AREA_KM2"] == 0
    # seam = covered + gaps + dropped: the dropped hole is not counted as covered
    assert dropped["SEAM_AREA_KM2"] == pytest.approx(20.0, rel=1e-12)
    assert dropped["COVERED_AREA_KM2"] == pytest.approx(20.0 - 0.01, rel=1e-12)
    kept = run("gapzones", _hole_case(MIN_AREA=5000))
    assert kept["GAP_COUNT"] == 1
    assert kept["GAP_AREA_KM2"] == pytest.approx(0.01, rel=1e-9)


def test_gap_fields(bordergaps_provider):
    villages = layer(
        "Point",
        "villages",
        [
            (point(1, 5), {"name": "Kocho", "status": "abandoned"}),
            (point(1.01, 5.01), {"name": "Hardan", "status": "inhabited"}),
            (point(1, 8), {"name": "outside", "status": "abandoned"}),
        ],
    )
    border = layer(
        "LineString", "border", [(f"LINESTRING({300_000 + 3000} 3990000, {300_000 + 3000} 4020000)", {"id": 1})]
    )
    result = run("gapzones", _hole_case(MIN_AREA=0, SETTLEMENTS=villages, BORDER=border))
    (gap,) = gap_features(result)
    assert gap["gap_id"] == 1
    assert gap["area_m2"] == pytest.approx(10_000, rel=1e-9)
    assert gap["area_km2"] == pytest.approx(0.01, rel=1e-9)
    assert gap["perimeter_km"] == pytest.approx(0.4, rel=1e-9)
    assert gap["width_km"] == pytest.approx(0.1, abs=0.002)  # inscribed circle of a 100 m square, to ~1 m
    assert gap["force_a_adj"] == "Sinjar" and gap["force_b_adj"] == "Tal Afar"
    assert gap["border_km"] == pytest.approx(1.95, rel=1e-9)  # hole's east edge x = 1.05 km, border x = 3 km
    assert gap["settlements"] == 2 and gap["abandoned"] == 1
    assert gap["post_km"] == pytest.approx(0.05, abs=0.001)  # from the hole's centre to its covered rim
    expected = 100 * (
        0.35 * (1 - math.exp(-0.01 / 10))
        + 0.25 * (1 - math.exp(-gap["width_km"] / 2))
        + 0.25 * math.exp(-1.95 / 10)
        + 0.15 * (1 - math.exp(-3 / 2))
    )
    assert gap["priority"] == pytest.approx(expected, abs=0.051)
    # without border and settlements those fields are NULL and the score is renormalised on area and width
    (plain,) = gap_features(run("gapzones", _hole_case(MIN_AREA=0)))
    assert plain["border_km"] is None or str(plain["border_km"]) == "NULL"
    assert str(plain["settlements"]) == "NULL"
    expected = 100 * (0.35 * (1 - math.exp(-0.01 / 10)) + 0.25 * (1 - math.exp(-plain["width_km"] / 2))) / 0.6
    assert plain["priority"] == pytest.approx(expected, abs=0.051)


def test_seamzones_outputs_seam_and_unclaimed(bordergaps_provider):
    lens = 18 * math.acos(1 / 3) - math.sqrt(32)
    chords = 4 * arc_deficit(3.0, 2 * math.acos(1 / 3))
    result = run(
        "seamzones",
        {
            "CONTROL_AREAS": two_squares(),
            "FORCE_FIELD": "force",
            "FORCE_A": "Peshmerga",
            "FORCE_B": "ISF",
            "SEAM_DISTANCE": 3000,
            "OUTPUT": "memory:seam",
        },
    )
    zones = {f["zone"]: f for f in result["OUTPUT"].getFeatures()}
    assert set(zones) == {"seam", "unclaimed"}
    assert within_chords(zones["seam"]["area_km2"], 40 + lens, chords)
    assert within_chords(zones["unclaimed"]["area_km2"], 20 + lens, chords)
    assert zones["seam"]["area_m2"] == pytest.approx(zones["seam"]["area_km2"] * 1e6)
    assert zones["seam"]["distance_m"] == 3000
    assert result["SEAM_AREA_KM2"] == pytest.approx(zones["seam"]["area_km2"])
    assert result["UNCLAIMED_AREA_KM2"] == pytest.approx(zones["unclaimed"]["area_km2"])
    assert zones["unclaimed"].geometry().area() == pytest.approx(zones["unclaimed"]["area_m2"], rel=1e-9)


def _busy_case():
    """Three districts a side and a dozen coverage polygons: order and CRS tests."""
    control = districts(
        [
            (box(-10, -5, 0, 3), "Peshmerga", "Sinjar"),
            (box(-10, 3, -0.5, 8), "Peshmerga", "Snune"),
            (box(-10, 8, 0.5, 15), "YBS", "Khanasor"),
            (box(2, -5, 12, 4), "ISF", "Tal Afar"),
            (box(1.5, 4, 12, 10), "PMF", "Rabia"),
            (box(2.5, 10, 12, 15), "ISF", "Zumar"),
        ]
    )
    rows = []
    for k in range(12):
        x, y = -1 + (k * 7 % 5) * 0.9, -4 + k * 1.6
        rows.append(
            (
                f"POLYGON(({300_000 + x * 1000} {4_000_000 + y * 1000},{300_000 + x * 1000 + 900} "
                f"{4_000_000 + y * 1000 + 200},{300_000 + x * 1000 + 400} {4_000_000 + y * 1000 + 1100},"
                f"{300_000 + x * 1000} {4_000_000 + y * 1000}))",
                {"kind": "camera"},
            )
        )
    coverage = layer("Polygon", "coverage", rows)
    posts = layer("Point", "posts", [(point(1, 2), {"range_m": 800.0}), (point(1.2, 9), {"range_m": None})])
    return control, coverage, posts


def _busy_params(control, coverage, posts):
    return gap_params(
        control,
        FORCE_A="Peshmerga, YBS",
        FORCE_B="ISF,PMF",
        COVERAGE=[coverage],
        POSTS=posts,
        RANGE_FIELD="range_m",
        DEFAULT_RANGE=600,
        SEAM_DISTANCE=2000,
        MIN_AREA=1000,
    )


def _summary(result):
    areas = sorted(round(f["area_m2"], 3) for f in result["OUTPUT"].getFeatures())
    return {k: result[k] for k in ("SEAM_AREA_KM2", "COVERED_AREA_KM2", "GAP_COUNT", "GAP_AREA_KM2")}, areas


def test_feature_order_does_not_matter(bordergaps_provider):
    control, coverage, posts = _busy_case()
    first, areas = _summary(run("gapzones", _busy_params(control, coverage, posts)))
    assert first["GAP_COUNT"] >= 2 and 0 < first["COVERED_AREA_KM2"] < first["SEAM_AREA_KM2"]
    for seed in (1, 2):
        again, again_areas = _summary(
            run("gapzones", _busy_params(shuffled(control, seed), shuffled(coverage, seed), shuffled(posts, seed)))
        )
        assert again["GAP_COUNT"] == first["GAP_COUNT"]
        for key in first:
            assert again[key] == pytest.approx(first[key], rel=1e-9)
        assert again_areas == pytest.approx(areas, rel=1e-9)


def test_wgs84_copy_gives_the_same_areas_within_0_1_percent(bordergaps_provider):
    control, coverage, posts = _busy_case()
    projected = run("gapzones", _busy_params(control, coverage, posts))
    geographic = run(
        "gapzones",
        _busy_params(to_crs(control, "EPSG:4326"), to_crs(coverage, "EPSG:4326"), to_crs(posts, "EPSG:3857")),
    )  # mixed CRSs across layers too
    assert geographic["OUTPUT"].crs().authid() == "EPSG:4326"  # the control layer's CRS
    assert projected["OUTPUT"].crs().authid() == "EPSG:32638"
    assert geographic["GAP_COUNT"] == projected["GAP_COUNT"]
    for key in ("SEAM_AREA_KM2", "COVERED_AREA_KM2", "GAP_AREA_KM2", "LARGEST_GAP_KM2"):
        assert geographic[key] == pytest.approx(projected[key], rel=1e-3)


def test_districts_cut_differently_give_the_same_gaps(bordergaps_provider):
    control, coverage, posts = _busy_case()
    whole = districts(
        [
            (box(-10, -5, 0, 3), "Peshmerga", "Sinjar"),
            (
                QgsGeometry.fromWkt(box(-10, 3, -0.5, 8)).combine(QgsGeometry.fromWkt(box(-10, 8, 0.5, 15))).asWkt(),
                "Peshmerga",
                "North",
            ),
            (box(2, -5, 12, 4), "ISF", "Tal Afar"),
            (box(1.5, 4, 12, 10), "ISF", "Rabia"),
            (box(2.5, 10, 7, 15), "ISF", "Zumar W"),
            (box(7, 10, 12, 15), "ISF", "Zumar E"),
        ]
    )
    params = _busy_params(whole, coverage, posts)
    params.update(FORCE_A="Peshmerga", FORCE_B="ISF")
    cut, cut_areas = _summary(run("gapzones", params))
    first, areas = _summary(run("gapzones", _busy_params(control, coverage, posts)))
    assert cut["GAP_COUNT"] == first["GAP_COUNT"]
    for key in first:
        assert cut[key] == pytest.approx(first[key], rel=1e-9)
    assert cut_areas == pytest.approx(areas, rel=1e-9)


def test_invalid_coverage_is_repaired_and_null_skipped_and_counted(bordergaps_provider):
    bowtie = (
        f"POLYGON(({300_000} {4_004_000},{302_000} {4_006_000},{302_000} {4_004_000},{300_000} {4_006_000},"
        f"{300_000} {4_004_000}))"
    )
    coverage = layer("Polygon", "coverage", [(bowtie, {"kind": "bad"}), (None, {"kind": "no geometry"})])
    log = Log()
    result = run("gapzones", gap_params(two_squares(), COVERAGE=[coverage]), log)
    assert any("Repaired 1 invalid coverage geometry" in line for line in log.lines)
    assert any("coverage: skipped 1 feature(s) with no geometry" in line for line in log.lines), log.lines
    assert any("EPSG:32638" in line for line in log.lines)
    # makeValid keeps both triangles of the bow tie: 2 × (½ · 1 km · 2 km) = 2 km², all in the unclaimed strip
    assert result["COVERED_AREA_KM2"] == pytest.approx(2.0, rel=1e-9)


# --- bad input: one clear message each, before any work --------------------------------------------


def _raises(alg, params, *fragments):
    with pytest.raises(QgsProcessingException) as info:
        run(alg, params)
    for fragment in fragments:
        assert fragment in str(info.value), str(info.value)


def test_no_feature_of_force_a_lists_the_values_found(bordergaps_provider):
    _raises(
        "gapzones",
        gap_params(two_squares(), FORCE_A="Kurds"),
        "No feature of force A (FORCE_A = 'Kurds') in layer 'districts', field 'force'",
        "Values found there: 'ISF', 'Peshmerga'",
    )
    _raises("seamzones", gap_params(two_squares(), FORCE_B="PMF"), "No feature of force B", "'ISF', 'Peshmerga'")


def test_missing_field_is_named(bordergaps_provider):
    _raises(
        "gapzones",
        gap_params(two_squares(), FORCE_FIELD="holder"),
        "Field 'holder' (FORCE_FIELD) is not in layer 'districts'",
        "'name', 'force'",
    )


def test_empty_control_layer_is_named(bordergaps_provider):
    empty = layer("Polygon", "empty districts", [], fields={"force": str})
    _raises("gapzones", gap_params(empty), "Layer 'empty districts' (CONTROL_AREAS) has no features")


def test_negative_distance_is_refused(bordergaps_provider):
    _raises("gapzones", gap_params(two_squares(), SEAM_DISTANCE=-100), "SEAM_DISTANCE must be more than 0 m", "-100")
    _raises("gapzones", gap_params(two_squares(), DEFAULT_RANGE=-5), "DEFAULT_RANGE must be 0 m or more")


def test_non_polygon_coverage_is_refused(bordergaps_provider):
    posts = layer("Point", "posts as coverage", [(point(1, 5), {"range_m": 500.0})])
    _raises("gapzones", gap_params(two_squares(), COVERAGE=[posts]), "posts as coverage", "point")


def test_outputs_are_styled_on_load(bordergaps_provider):
    from qgis.core import QgsProcessingContext

    from border_gaps.processing.seamzones import STYLES, StyleOnLoad, style_output

    gaps = run("gapzones", _hole_case(MIN_AREA=0))["OUTPUT"]
    StyleOnLoad(os.path.join(STYLES, "gap_zones.qml")).postProcessLayer(gaps, None, None)
    assert gaps.renderer().type() == "graduatedSymbol" and gaps.renderer().classAttribute() == "priority"
    assert gaps.renderer().ranges()[0].lowerValue() == 0 and gaps.renderer().ranges()[-1].upperValue() == 100
    seam = run("seamzones", gap_params(two_squares()))["OUTPUT"]
    StyleOnLoad(os.path.join(STYLES, "seam_zones.qml")).postProcessLayer(seam, None, None)
    assert {c.value() for c in seam.renderer().categories()} == {"seam", "unclaimed"}
    # the post-processor is attached only to an output that QGIS will load
    context = QgsProcessingContext()
    style_output(context, "not-loaded", "gap_zones.qml")
    context.addLayerToLoadOnCompletion("gaps-id", QgsProcessingContext.LayerDetails("gaps", None, "OUTPUT"))
    style_output(context, "gaps-id", "gap_zones.qml")
    assert context.layerToLoadOnCompletionDetails("gaps-id").postProcessor() is not None
