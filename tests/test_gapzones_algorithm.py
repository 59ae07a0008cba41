"""bordergaps:gapzones and bordergaps:seamzones through Processing: hand-solved areas, fields,
numeric outputs, CRS and order independence, and the message of each bad input."""

import math

import pytest
from bg_testing.gaps import arc_deficit, box, within_chords, districts, layer, point, polygon_area_of_disc, shuffled, to_crs, two_squares
from qgis.core import QgsProcessingException, QgsProcessingFeedback


def run(alg, params, feedback=None):
    from qgis import processing

    return processing.run(f"bordergaps:{alg}", params, feedback=feedback or QgsProcessingFeedback())


def gap_params(control, **extra):
    params = {"CONTROL_AREAS": control, "FORCE_FIELD": "force", "FORCE_A": "Peshmerga", "FORCE_B": "ISF",
              "SEAM_DISTANCE": 3000, "MODE": 0, "MIN_AREA": 0, "OUTPUT": "memory:gaps"}
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
