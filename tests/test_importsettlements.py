"""bordergaps:importsettlements: GeoNames (text, ZIP, alternateNamesV2), NGA GNS, OpenStreetMap XML, CSV tables
and point layers, checked field by field; border distance, side, governorate and district; de-duplication
across sources; statuses reaching gapzones; the messages for files it cannot read.

The files in tests/data/gazetteer are a few lines each in the real formats, with real places of the Sinjar
area (positions and ids from GeoNames/WOF) and a few test records (ids 99000001…, "Test" in the name).
"""

import os
import re

import pytest
from qgis.core import (
    QgsFeature,
    QgsGeometry,
    QgsPointXY,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProject,
    QgsVectorLayer,
)

from bg_testing import bundled
from bg_testing.algorithm_inputs import run
from border_gaps.analysis import gazetteer, settlements
from border_gaps.analysis.fieldmap import FieldMapping, save_mapping
from border_gaps.layers import catalogue

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "gazetteer")
ALG = "bordergaps:importsettlements"


def data(name):
    return os.path.join(DATA, name)


class Log(QgsProcessingFeedback):
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


def imported(tmp_path, feedback=None, unique=True, **params):
    out = str(tmp_path / f"settlements_{len(os.listdir(tmp_path))}.gpkg")
    results = run(ALG, dict(params, OUTPUT=out), feedback=feedback)
    layer = QgsVectorLayer(results["OUTPUT"], "imported", "ogr")
    assert layer.isValid()
    by_name = {}
    for feature in layer.getFeatures():
        assert feature.geometry().isGeosValid(), feature["name"]
        assert not unique or feature["name"] not in by_name, f"{feature['name']} twice"
        by_name.setdefault(feature["name"], []).append(feature) if not unique else by_name.update(
            {feature["name"]: feature}
        )
    return by_name, results, layer


@pytest.fixture(scope="module")
def border_points(qgis_app):
    border = next(catalogue.bundled_layer("border").getFeatures()).geometry()
    return bundled.geodesic_points(border, 100.0)


def check_border_km(features, border_points):
    """border_km against QgsDistanceArea: the least geodesic distance to points every 100 m along the line
    (within 0.1 m of the line's geodesic segments), so within 10 m is a fair bound."""
    for feature in features:
        expected = bundled.brute_force_distance_km(feature.geometry().asPoint(), border_points)
        assert abs(feature["border_km"] - expected) < 0.01, (feature["name"], feature["border_km"], expected)


# ---------------------------------------------------------------- GeoNames
def test_geonames_dump_field_by_field(tmp_path, bordergaps_provider, border_points):
    log = Log()
    places, results, layer = imported(tmp_path, log, INPUT=[data("IQ.txt")])
    # Basra (550 km away), Jabal Sinjar (feature class T) and a place in Turkey are left out.
    assert sorted(places) == ["Al Ya‘rubīyah", "Khirbat Test", "Sinjār", "Tall Ţalab"]
    talab = places["Tall Ţalab"]
    assert talab["name_ar"] == "تل طلب"  # the Arabic (not Kurdish تەل تەڵەب) alternate name of the dump
    assert talab["alt_names"].split(";") == ["Tall Ţalab", "Tall Talab", "Til Talab", "تل طلب", "تەل تەڵەب"]
    assert (talab["kind"], talab["source"], talab["source_id"]) == ("PPL", "GeoNames", "7103711")
    assert (talab["side"], talab["governorate"], talab["district"]) == ("IQ", "Ninawa", "Telafar")
    assert talab["status"] == "unknown" and str(talab["population"]) == "NULL" and talab["precision"] == "exact"
    assert talab.geometry().asPoint() == QgsPointXY(42.2029, 36.74491)
    sinjar = places["Sinjār"]
    assert (sinjar["population"], sinjar["kind"], sinjar["district"]) == (38294, "PPLA2", "Sinjar")
    assert places["Khirbat Test"]["status"] == "abandoned"  # feature code PPLQ, abandoned populated place
    assert "PPLQ" in places["Khirbat Test"]["note"]
    yarubiyah = places["Al Ya‘rubīyah"]
    assert (yarubiyah["side"], yarubiyah["district"]) == ("SY", "Al-Malikeyyeh")
    check_border_km(layer.getFeatures(), border_points)
    assert results["SETTLEMENT_COUNT"] == 4 and results["IRAQ_COUNT"] == 3 and results["SYRIA_COUNT"] == 1
    assert results["ABANDONED_COUNT"] == 1
    # the log counts per side and band, and names what was left out
    assert "Iraq: 3 places (0–10 km 0, 10–25 km 2, 25–50 km 1)" in log.text
    assert "Syria: 1 places (0–10 km 1, 10–25 km 0, 25–50 km 0)" in log.text
    assert "1 outside Iraq and Syria left out" in log.text
    assert "IQ.txt (GeoNames dump): 7 lines, 6 settlements, 5 of them in the border region's box." in log.text


def test_geonames_zip_reads_as_the_text(tmp_path, bordergaps_provider):
    plain, _r, _l = imported(tmp_path, INPUT=[data("IQ.txt")])
    zipped, _r, _l = imported(tmp_path, INPUT=[data("IQ.zip")])
    assert sorted(plain) == sorted(zipped)
    for name, feature in plain.items():
        assert feature.attributes()[1:] == zipped[name].attributes()[1:], name


def test_alternate_names_give_arabic(tmp_path, bordergaps_provider):
    log = Log()
    places, _r, _l = imported(tmp_path, log, INPUT=[data("IQ.txt")], ALTERNATE_NAMES=data("alternateNamesV2.txt"))
    # The preferred 'ar' name wins over the one guessed from the dump's script; historic names are not used.
    assert places["Tall Ţalab"]["name_ar"] == "تل الطلب"
    assert places["Sinjār"]["name_ar"] == "سنجار"
    assert "سنجار القديمة" not in places["Sinjār"]["alt_names"]
    assert "Şingal" in places["Sinjār"]["alt_names"].split(";")
    assert "Yarubiyah" in places["Al Ya‘rubīyah"]["alt_names"].split(";")
    assert "https" not in places["Sinjār"]["alt_names"]  # 'link' rows are not names
    assert "Arabic names of 2 of 4 GeoNames places" in log.text


def test_streamed_in_blocks_a_line_across_two_blocks_is_read_whole(qgis_app):
    """The reader splits blocks into lines itself: with 7-byte blocks every line spans several."""
    box = settlements.BorderMeter(next(catalogue.bundled_layer("border").getFeatures()).geometry()).search_box(50.0)
    opened = gazetteer.open_data(data("IQ.txt"))
    lines = [line for block in gazetteer.blocks(opened, block_bytes=7) for line in block]
    with open(data("IQ.txt"), "rb") as fh:
        assert lines == fh.read().split(b"\n")[:-1]
    stats = gazetteer.ReadStats(data("IQ.txt"))
    places = gazetteer.read_geonames(data("IQ.txt"), box, stats)
    assert [p.source_id for p in places] == ["7103711", "448149", "383661", "99000002", "99000003"]


# ---------------------------------------------------------------- NGA GNS
def test_gns_country_file_field_by_field(tmp_path, bordergaps_provider, border_points):
    places, _results, layer = imported(tmp_path, INPUT=[data("iz_gns.txt")])
    assert sorted(places) == ["Qaryat Test", "Sinjār", "Tall Ţalab"]  # not the mountain (FC T), nor Baghdad
    sinjar = places["Sinjār"]  # NT N is the name; NT NS (ara) the Arabic one; NT V a variant
    assert sinjar["name_ar"] == "سنجار"
    assert {"Sinjār", "Sinjar", "Shingal"} <= set(sinjar["alt_names"].split(";"))
    assert (sinjar["source"], sinjar["source_id"], sinjar["kind"]) == ("NGA GNS", "-3074932", "PPLA2")
    assert (sinjar["side"], sinjar["governorate"]) == ("IQ", "Ninawa")  # CC1 IZ is FIPS for Iraq
    talab = places["Tall Ţalab"]  # rows of one UFI gathered; the approved name, not the variant listed first
    assert talab["name_ar"] == "تل طلب" and "Til Ţalab" in talab["alt_names"]
    assert places["Qaryat Test"]["status"] == "abandoned"
    check_border_km(layer.getFeatures(), border_points)


# ---------------------------------------------------------------- OpenStreetMap
def test_osm_extract_field_by_field(tmp_path, bordergaps_provider, border_points):
    places, _results, layer = imported(tmp_path, INPUT=[data("sinjar.osm")])
    assert sorted(places) == ["Area Hamlet", "Kocho", "Sinjar", "Test Hamlet"]  # no school, no Baghdad
    kocho = places["Kocho"]
    assert (kocho["name_ar"], kocho["population"], kocho["kind"]) == ("كوجو", 1700, "village")
    assert (kocho["source"], kocho["source_id"]) == ("OpenStreetMap", "node/1001")
    assert {"Kojo", "Kucho", "Koço", "كوجو"} <= set(kocho["alt_names"].split(";"))
    assert kocho["district"] == "Sinjar"
    assert places["Test Hamlet"]["status"] == "abandoned" and places["Test Hamlet"]["kind"] == "hamlet"
    area = places["Area Hamlet"]  # a closed way tagged place: its point on surface
    assert area["source_id"] == "way/3001"
    point = area.geometry().asPoint()
    assert 41.9 < point.x() < 41.91 and 36.5 < point.y() < 36.508
    check_border_km(layer.getFeatures(), border_points)


# ---------------------------------------------------------------- tables and layers
def test_csv_with_status_words_and_codes(tmp_path, bordergaps_provider):
    log = Log()
    places, results, _layer = imported(
        tmp_path, log, INPUT=[data("villages.csv")], STATUS_FIELD="return_status", STATUS_VALUES="3=abandoned"
    )
    # semicolons between columns, decimal commas; the far village (33 N 44 E) is left out
    assert sorted(places) == ["Dugure", "Hardan", "Khanasor", "Sinjar", "Tall Talab"]
    assert places["Sinjar"]["status"] == "partly returned"  # "partial return"
    assert places["Tall Talab"]["status"] == "abandoned"  # "Deserted"
    assert places["Khanasor"]["status"] == "abandoned"  # "مهجورة"
    assert places["Hardan"]["status"] == "inhabited"
    assert places["Dugure"]["status"] == "abandoned"  # "3", by STATUS_VALUES
    assert places["Dugure"]["name_ar"] == "دوگری"  # Arabic script with the letters Iraqi usage adds
    assert places["Sinjar"].geometry().asPoint() == QgsPointXY(41.8771, 36.3235)
    assert places["Sinjar"]["source"] == "villages" and places["Sinjar"]["source_id"] == "line 2"
    assert results["ABANDONED_COUNT"] == 3
    # without the map, "3" is unknown and the log says so
    places, _r, _l = imported(tmp_path, log, INPUT=[data("villages.csv")], STATUS_FIELD="return_status")
    assert places["Dugure"]["status"] == "unknown"
    assert "status values not recognised, written as unknown: '3' (1)" in log.text


def test_point_layer_with_the_docks_field_mapping(tmp_path, bordergaps_provider):
    layer = QgsVectorLayer(
        "Point?crs=EPSG:32638&field=label_en:string&field=arabic_label:string&field=state:string", "team", "memory"
    )
    rows = [("Hardan", "حردان", "عودة جزئية", (41.97, 36.48)), ("Zorava", "زوراڤا", "مأهولة", (41.86, 36.33))]
    from qgis.core import QgsCoordinateReferenceSystem, QgsCoordinateTransform

    transform = QgsCoordinateTransform(
        QgsCoordinateReferenceSystem("EPSG:4326"), QgsCoordinateReferenceSystem("EPSG:32638"), QgsProject.instance()
    )
    for name, arabic, state, (lon, lat) in rows:
        feature = QgsFeature(layer.fields())
        feature.setAttributes([name, arabic, state])
        feature.setGeometry(QgsGeometry.fromPointXY(transform.transform(QgsPointXY(lon, lat))))
        layer.dataProvider().addFeatures([feature])
    save_mapping(layer, FieldMapping(name="label_en", name_ar="arabic_label", status="state"))  # as Fields… does
    QgsProject.instance().addMapLayer(layer)
    try:
        places, _r, _l = imported(tmp_path, SETTLEMENT_LAYERS=[layer.id()])
    finally:
        QgsProject.instance().removeMapLayer(layer.id())
    assert places["Hardan"]["name_ar"] == "حردان" and places["Hardan"]["status"] == "partly returned"
    assert places["Zorava"]["status"] == "inhabited" and places["Zorava"]["source"] == "team"
    point = places["Zorava"].geometry().asPoint()  # back in WGS 84
    assert abs(point.x() - 41.86) < 1e-6 and abs(point.y() - 36.33) < 1e-6


# ---------------------------------------------------------------- across sources
def test_duplicates_across_sources_are_merged_and_listed(tmp_path, bordergaps_provider):
    log = Log()
    places, results, _layer = imported(
        tmp_path, log, INPUT=[data("IQ.txt"), data("villages.csv")], STATUS_FIELD="return_status"
    )
    # Sinjar: GeoNames' "Sinjār" (population, Arabic, kind) and the table's "Sinjar" 300 m away, with a status.
    # The table's record is richer (a known status outweighs a population): it wins and takes the population.
    assert "Sinjār" not in places
    sinjar = places["Sinjar"]
    assert sinjar["source"] == "villages" and sinjar["other_sources"] == "GeoNames:448149"
    assert (sinjar["status"], sinjar["population"], sinjar["kind"]) == ("partly returned", 38294, "PPLA2")
    assert {"Sinjār", "Shingal"} <= set(sinjar["alt_names"].split(";"))
    # Tall Talab (table, Deserted) and Tall Ţalab (GeoNames): the same search name "talab" … "tal talab"
    assert "Tall Ţalab" not in places and places["Tall Talab"]["status"] == "abandoned"
    assert results["MERGED_COUNT"] == 2
    assert "2 duplicate record(s) merged" in log.text
    # Khirbat Test (GeoNames) and the table's places of other names stay apart
    assert {"Khirbat Test", "Khanasor", "Hardan", "Dugure"} <= set(places)


def test_deduplicate_invariants(qgis_app):
    """Hand-made: a and b (two sources, 500 m apart, one name) merge; c (same name, 3 km) stays; d and e
    (one source, 200 m) stay apart; the order of the input does not change the result."""

    def place(name, lon, lat, source, sid, **kw):
        return settlements.Place(name=name, lon=lon, lat=lat, source=source, source_id=sid, **kw)

    # 0.0045° of latitude = 500 m; 0.027° = 3 km
    rows = [
        place("Tal Banat", 41.8, 36.3, "A", "1", population=900),
        place("Tall Banat", 41.8, 36.3045, "B", "2", status="abandoned"),
        place("Tal Banat", 41.8, 36.327, "B", "3"),
        place("Hamadan", 41.9, 36.3, "A", "4"),
        place("Hamadan", 41.9, 36.3018, "A", "5"),
    ]
    first = settlements.deduplicate(rows, 1000.0)
    assert first.merged == 1
    winner = next(p for p in first.places if p.source_id == "2")  # known status: richer than a population
    assert winner.population == 900 and winner.other_sources == ["A:1"]
    assert sorted(p.source_id for p in first.places) == ["2", "3", "4", "5"]
    rows = [
        place("Tal Banat", 41.8, 36.3, "A", "1", population=900),
        place("Tall Banat", 41.8, 36.3045, "B", "2", status="abandoned"),
        place("Tal Banat", 41.8, 36.327, "B", "3"),
        place("Hamadan", 41.9, 36.3, "A", "4"),
        place("Hamadan", 41.9, 36.3018, "A", "5"),
    ]
    again = settlements.deduplicate(list(reversed(rows)), 1000.0)
    assert sorted(p.source_id for p in again.places) == ["2", "3", "4", "5"]


def test_side_and_governorate_near_the_line(qgis_app):
    """A village 0.65 km from the line that Natural Earth's generalised polygons put on the other side takes its
    source's country; one 20 km inside takes the polygon's."""
    border = next(catalogue.bundled_layer("border").getFeatures()).geometry()
    meter = settlements.BorderMeter(border)
    countries = [(f["iso_a2"], f.geometry()) for f in catalogue.bundled_layer("countries").getFeatures()]
    locator = settlements.Locator(
        countries,
        [(f["name"], f["country"], f.geometry()) for f in catalogue.bundled_layer("governorates").getFeatures()],
    )
    near = settlements.Place("Near", 42.06206, 36.81138, country="SY")
    far = settlements.Place("Far", 41.87656, 36.3209, country="SY")  # Sinjar, mislabelled Syrian
    kept = settlements.locate([near, far], meter, locator, 50.0)
    assert near.side == "SY" and near.governorate.startswith("Hasaka")
    assert far.side == "IQ" and far.governorate == "Ninawa"
    assert len(kept) == 2 and near.border_km < 1.0 and 30.0 < far.border_km < 32.0


# ---------------------------------------------------------------- statuses reach gapzones
def test_imported_status_is_counted_by_gapzones(tmp_path, bordergaps_provider):
    demo = catalogue.DEMO_SCENARIO_GPKG
    params = {
        "CONTROL_AREAS": f"{demo}|layername=control_areas|option:IMMUTABLE=YES",
        "FORCE_FIELD": "force",
        "FORCE_A": "Peshmerga",
        "FORCE_B": "ISF",
        "COVERAGE": [f"{demo}|layername=coverage|option:IMMUTABLE=YES"],
        "POSTS": f"{demo}|layername=posts|option:IMMUTABLE=YES",
        "RANGE_FIELD": "range_m",
        "SEAM_DISTANCE": 5000.0,
        "MODE": 0,
        "MIN_AREA": 100000.0,
    }
    plain = run("bordergaps:gapzones", dict(params, OUTPUT=str(tmp_path / "gaps0.gpkg")))
    gaps = QgsVectorLayer(plain["OUTPUT"], "gaps", "ogr")
    largest = next(f for f in gaps.getFeatures() if f["gap_id"] == 1)
    inside = largest.geometry().pointOnSurface().asPoint()
    # Two villages in the largest gap, 300 m apart, one recorded as emptied in Arabic
    csv_path = tmp_path / "team_villages.csv"
    csv_path.write_text(
        "name,lat,lon,status\n"
        f"Gap village one,{inside.y():.6f},{inside.x():.6f},مهجورة\n"
        f"Gap village two,{inside.y() + 0.0027:.6f},{inside.x():.6f},inhabited\n",
        encoding="utf-8",
    )
    # the seam runs to the Tigris, 100 km from the border: keep places up to 200 km away
    places, _r, layer = imported(tmp_path, INPUT=[str(csv_path)], MAX_DISTANCE=200000.0)
    assert sorted(places) == ["Gap village one", "Gap village two"]
    assert places["Gap village one"]["status"] == "abandoned"
    with_villages = run(
        "bordergaps:gapzones", dict(params, SETTLEMENTS=layer.source(), OUTPUT=str(tmp_path / "gaps1.gpkg"))
    )
    gap = next(f for f in QgsVectorLayer(with_villages["OUTPUT"], "g", "ogr").getFeatures() if f["gap_id"] == 1)
    assert (gap["settlements"], gap["abandoned"]) == (2, 1)


# ---------------------------------------------------------------- what it cannot read
def _error(tmp_path, **params):
    with pytest.raises(QgsProcessingException) as info:
        run(ALG, dict(params, OUTPUT=str(tmp_path / "never.gpkg")))
    assert "Traceback" not in str(info.value)
    return str(info.value)


def test_wrong_format_names_the_file_and_what_was_expected(tmp_path, bordergaps_provider):
    message = _error(tmp_path, INPUT=[data("villages.csv")], FORMAT=1)
    assert "villages.csv" in message and "not a GeoNames dump" in message and "19" in message
    message = _error(tmp_path, INPUT=[data("IQ.txt")], FORMAT=2)
    assert "IQ.txt" in message and "GNS" in message and "FULL_NAME_RO" in message
    message = _error(tmp_path, INPUT=[data("report.pdf.txt")])
    assert "report.pdf.txt" in message and "not a gazetteer" in message
    message = _error(tmp_path, INPUT=[data("alternateNamesV2.txt")])
    assert "alternateNamesV2.txt" in message and "ALTERNATE_NAMES" in message
    message = _error(tmp_path, INPUT=[data("IQ.txt")], ALTERNATE_NAMES=data("IQ.txt"))
    assert "IQ.txt" in message and "alternate names" in message and "10" in message
    message = _error(tmp_path, INPUT=[data("villages.csv")], FORMAT=3)
    assert "villages.csv" in message and ".osm" in message


def test_missing_columns_name_the_file_and_the_column(tmp_path, bordergaps_provider):
    message = _error(tmp_path, INPUT=[data("villages.csv")], NAME_FIELD="nmae")
    assert "villages.csv" in message and "'nmae'" in message and "NAME_FIELD" in message
    assert "village" in message  # the columns it has
    message = _error(tmp_path, INPUT=[data("no_coordinates.csv")])
    assert "no_coordinates.csv" in message and "no coordinate columns" in message
    assert re.search(r"X_FIELD and\s+Y_FIELD", message) and "(name, status, notes)" in message
    message = _error(tmp_path, INPUT=[data("utm_coordinates.csv")])
    assert "utm_coordinates.csv" in message and "'x'/'y'" in message and "WGS 84" in message
    message = _error(tmp_path, INPUT=[data("villages.csv")], X_FIELD="lon")
    assert "Y_FIELD" in message
    message = _error(tmp_path, INPUT=[str(tmp_path / "nowhere.txt")])
    assert "nowhere.txt" in message and "does not exist" in message


def test_nothing_to_import_and_bad_status_values(tmp_path, bordergaps_provider):
    assert "Nothing to import" in _error(tmp_path)
    message = _error(tmp_path, INPUT=[data("villages.csv")], STATUS_VALUES="1=gone")
    assert "STATUS_VALUES" in message and "'gone'" in message
    message = _error(tmp_path, INPUT=[data("villages.csv")], STATUS_VALUES="abandoned")
    assert "STATUS_VALUES" in message and "VALUE=STATUS" in message


def test_bundled_settlements_merged_in(tmp_path, bordergaps_provider):
    places, results, _l = imported(
        tmp_path, unique=False, INPUT=[data("sinjar.osm")], INCLUDE_BUNDLED=True, DUPLICATE_DISTANCE=2000.0
    )
    # the bundled places within MAX_DISTANCE (three named ones lie farther: Qamishli, Hasakah, Tal Afar)
    bundled_count = sum(f["border_km"] <= 50.0 for f in catalogue.bundled_layer("settlements").getFeatures())
    assert bundled_count == catalogue.bundled_layer("settlements").featureCount() - 3
    # Sinjar of OSM is the bundled Sinjar (WOF 421183065, 1.3 km away): one record, the richer bundled one
    sinjars = [f for f in places.get("Sinjar", []) if f["side"] == "IQ"]
    assert len(sinjars) == 1 and "OpenStreetMap:node/1002" in sinjars[0]["other_sources"]
    assert results["SETTLEMENT_COUNT"] == bundled_count + 3  # Kocho and the two hamlets are new
