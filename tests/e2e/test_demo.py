"""`make demo`: gap zones and the briefing map of the bundled demo through qgis_process."""

import csv
import os
import re
import subprocess

import pytest
from qgis.core import QgsVectorLayer
from qgis.PyQt.QtGui import QImage

from bg_testing.maps import count_colour, pdf_pages, pdf_text

pytestmark = pytest.mark.e2e

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture(scope="module")
def demo(tmp_path_factory, qgis_app):
    """One `make demo` run for the tests of this module: (output folder, the completed process)."""
    out = tmp_path_factory.mktemp("demo")
    env = dict(os.environ, BORDER_GAPS_DEMO_OUT=str(out), BORDER_GAPS_DEMO_DPI="100")
    proc = subprocess.run(
        ["make", "-s", "demo"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=900, check=False
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return out, proc


def test_make_demo_writes_gaps_pdf_and_png(demo):
    tmp_path, proc = demo
    assert sorted(os.listdir(tmp_path)) == [
        "always_gap.gpkg",
        "border_gaps_map.pdf",
        "border_gaps_map.png",
        "coordination_map.pdf",
        "coordination_map.png",
        "drone_sorties_map.png",
        "gap_profile.csv",
        "gap_profile.png",
        "gap_response.gpkg",
        "gaps.gpkg",
        "gaps_by_time.gpkg",
        "handover.gpkg",
        "incidents",
        "lanes.gpkg",
        "links.gpkg",
        "responsibility.gpkg",
        "sorties.gpkg",
        "surveyed.gpkg",
        "unwatched_hours.gpkg",
    ]
    # the day's gap profile: 24 hourly rows, and more gap at night (day-only posts, cameras) than at noon
    with open(tmp_path / "gap_profile.csv", encoding="utf-8") as fh:
        profile = list(csv.DictReader(fh))
    assert len(profile) == 24
    assert float(profile[2]["gap_km2"]) > float(profile[12]["gap_km2"])
    assert re.search(r"worst hour\s+\d\d:\d\d–\d\d:\d\d", proc.stdout), proc.stdout
    assert QImage(str(tmp_path / "gap_profile.png")).width() == 1200

    gaps = QgsVectorLayer(str(tmp_path / "gaps.gpkg"), "gaps", "ogr")
    assert gaps.isValid() and gaps.featureCount() > 0
    # the summary the demo prints agrees with the layer it wrote
    count = re.search(r"gap zones\s+([\d,]+)", proc.stdout)
    assert count, proc.stdout
    assert int(count.group(1).replace(",", "")) == gaps.featureCount()
    for label in ("seam area", "covered", "gap area", "largest gap"):
        assert re.search(rf"{label}\s+[\d,.]+", proc.stdout), (label, proc.stdout)

    pdf = tmp_path / "border_gaps_map.pdf"
    assert pdf_pages(pdf) == 1
    text = pdf_text(pdf)
    for expected in ("Unmonitored gap zones", "GeoNames", "Natural Earth", "synthetic", "Who's On First", "Mesoshapes"):
        assert expected in text, expected
    image = QImage(str(tmp_path / "border_gaps_map.png"))
    assert (abs(image.width() - 297 / 25.4 * 100) <= 1, abs(image.height() - 210 / 25.4 * 100) <= 1) == (True, True)

    # who answers for each gap: every gap named with the post and minutes of each force, as printed
    response = QgsVectorLayer(str(tmp_path / "gap_response.gpkg"), "gap_response", "ogr")
    assert response.featureCount() == gaps.featureCount()
    for feature in response.getFeatures():
        assert feature["a_post"] and feature["b_post"] and feature["a_minutes"] > 0 and feature["b_minutes"] > 0
        line = rf"gap\s+{feature['gap_id']}\s+{re.escape(feature['a_post'])}\s+{feature['a_minutes']:.1f} min \| "
        assert re.search(line + re.escape(feature["b_post"]), proc.stdout), (line, proc.stdout)
    for name in ("handover", "links", "responsibility"):
        assert QgsVectorLayer(str(tmp_path / f"{name}.gpkg"), name, "ogr").featureCount() > 0, name
    text = pdf_text(tmp_path / "coordination_map.pdf")
    for expected in ("Who answers for each gap", "Handover", "Links", "Responsibility", "synthetic"):
        assert expected in text, expected
    # the drone sorties from the posts: the count printed is the layer's, each within the 120 km
    sorties = QgsVectorLayer(str(tmp_path / "sorties.gpkg"), "sorties", "ogr")
    printed = re.search(r"^\s+sorties\s+(\d+)\s*$", proc.stdout, re.MULTILINE)
    assert printed, proc.stdout
    assert sorties.isValid() and 1 <= sorties.featureCount() == int(printed.group(1)) <= 6
    assert all(f["length_km"] <= 120 + 1e-6 for f in sorties.getFeatures())
    lanes = QgsVectorLayer(str(tmp_path / "lanes.gpkg"), "lanes", "ogr")
    assert lanes.isValid() and lanes.featureCount() > 0
    assert {f["sortie"] for f in lanes.getFeatures()} == {f["sortie"] for f in sorties.getFeatures()}
    assert re.search(r"gap area surveyed\s+[\d,.]+ km²", proc.stdout), proc.stdout
    drones_map = QImage(str(tmp_path / "drone_sorties_map.png"))
    assert abs(drones_map.width() - 297 / 25.4 * 100) <= 1
    # the map export draws the sorties in their style's purple (resources/styles/sorties.qml, 106,27,154):
    # thousands of pixels on the sortie map, next to none (the colour is no other layer's) on the gap map
    assert count_colour(tmp_path / "drone_sorties_map.png", "#6a1b9a", tolerance=40) > 1000
    assert count_colour(tmp_path / "border_gaps_map.png", "#6a1b9a", tolerance=40) < 200


def test_make_demo_writes_the_incident_outputs_and_map(demo):
    """The demo's synthetic incidents against its gaps: every output of bordergaps:incidents, and the map
    of the hot spots with the comparison sentence."""
    tmp_path, proc = demo
    folder = tmp_path / "incidents"
    assert sorted(os.listdir(folder)) == sorted(
        [
            "seam.gpkg",
            "gap_incidents.gpkg",
            "comparison.gpkg",
            "hotspots.tif",
            "hotspot_areas.gpkg",
            "trend.gpkg",
            "trend.png",
            "incidents_map.pdf",
            "incidents_map.png",
        ]
    )
    comparison = {f["zone"]: f for f in QgsVectorLayer(str(folder / "comparison.gpkg"), "c", "ogr").getFeatures()}
    assert set(comparison) == {
        "in gaps",
        "covered seam",
        "rest of the study area",
        "within 2 km of an abandoned village",
        "whole study area",
    }
    # the summary printed is the table's
    analysed = re.search(r"incidents analysed\s+([\d,]+)\s+\(([\d,]+) in the gaps\)", proc.stdout)
    assert analysed, proc.stdout
    assert int(analysed.group(1).replace(",", "")) == comparison["whole study area"]["incidents"]
    assert int(analysed.group(2).replace(",", "")) == comparison["in gaps"]["incidents"]
    sentence = comparison["in gaps"]["sentence"]
    assert sentence.startswith("Incidents per km² are") and sentence in proc.stdout
    for name in ("gap_incidents", "hotspot_areas", "trend"):
        assert QgsVectorLayer(str(folder / f"{name}.gpkg"), name, "ogr").featureCount() > 0, name
    text = " ".join(pdf_text(folder / "incidents_map.pdf").split())
    assert sentence in text
    assert "synthetic incidents" in text and "Hot spot 1" in text
