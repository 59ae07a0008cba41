"""Distance bands on each side of the border: analysis/bands.py and bordergaps:borderbands."""

import math

import pytest
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsFeature,
    QgsGeometry,
    QgsPointXY,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QVariant

from border_gaps.analysis import bands
from border_gaps.analysis.compat import new_field
from border_gaps.analysis.errors import BorderGapsError
from border_gaps.layers import catalogue


def run(params):
    from qgis import processing

    return processing.run("bordergaps:borderbands", dict(params, OUTPUT="memory:"), feedback=QgsProcessingFeedback())[
        "OUTPUT"
    ]


def line_layer(geometry: QgsGeometry, crs="EPSG:4326"):
    layer = QgsVectorLayer(f"LineString?crs={crs}", "my border", "memory")
    feature = QgsFeature()
    feature.setGeometry(geometry)
    layer.dataProvider().addFeatures([feature])
    return layer


def country_layer(rows, field="code"):
    layer = QgsVectorLayer("Polygon?crs=EPSG:4326", "my countries", "memory")
    layer.dataProvider().addAttributes([new_field(field, QVariant.String)])
    layer.updateFields()
    feats = []
    for code, wkt in rows:
        feature = QgsFeature(layer.fields())
        feature.setAttributes([code])
        feature.setGeometry(QgsGeometry.fromWkt(wkt))
        feats.append(feature)
    layer.dataProvider().addFeatures(feats)
    return layer


# A meridian at 42°E from 35°N to 36°N; Iraq east of it, Syria west.
MERIDIAN = QgsGeometry.fromPolylineXY([QgsPointXY(42.0, 35.0), QgsPointXY(42.0, 36.0)])
EAST = "POLYGON((42 34, 44 34, 44 37, 42 37, 42 34))"
WEST = "POLYGON((40 34, 42 34, 42 37, 40 37, 40 34))"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("10-25", [(10.0, 25.0)]),
        (" 0-5, 5-10 ,10–25", [(0.0, 5.0), (5.0, 10.0), (10.0, 25.0)]),
        ("2.5 to 7.5", [(2.5, 7.5)]),
        ("", []),
    ],
)
def test_parse_band_ranges(text, expected):
    assert bands.parse_band_ranges(text, "IRAQ_BANDS") == expected


@pytest.mark.parametrize(
    "text, words",
    [
        ("25-10", ["IRAQ_BANDS", "25-10", "smaller"]),
        ("10", ["IRAQ_BANDS", "'10'", "MIN-MAX"]),
        ("a-b", ["IRAQ_BANDS", "a-b"]),
        ("5-5", ["IRAQ_BANDS", "5-5"]),
    ],
)
def test_parse_band_ranges_errors_name_parameter_and_value(text, words):
    with pytest.raises(BorderGapsError) as err:
        bands.parse_band_ranges(text, "IRAQ_BANDS")
    for word in words:
        assert word in err.value.message


def test_side_codes():
    assert [bands.side_of_code(v) for v in ("IQ", "irq", "Iraq", "SY", "SYR", " syria ", "TR", None)] == [
        "IQ",
        "IQ",
        "IQ",
        "SY",
        "SY",
        "SY",
        None,
        None,
    ]


def test_band_area_along_a_meridian(qgis_app):
    """A 10–25 km band east of a 111 km meridian segment: rectangle plus the quarter-ring ends."""
    result = bands.border_bands(
        MERIDIAN, [("IQ", QgsGeometry.fromWkt(EAST), [(10.0, 25.0)]), ("SY", QgsGeometry.fromWkt(WEST), [(0.0, 5.0)])]
    )
    assert [(b.side, b.min_km, b.max_km) for b in result] == [("IQ", 10.0, 25.0), ("SY", 0.0, 5.0)]
    length_km = bands.geodesic_distance_area().measureLength(MERIDIAN) / 1000.0
    expected_iq = 15.0 * length_km + 2 * math.pi * (25.0**2 - 10.0**2) / 4
    expected_sy = 5.0 * length_km + 2 * math.pi * 5.0**2 / 4
    assert result[0].area_km2 == pytest.approx(expected_iq, rel=0.005)
    assert result[1].area_km2 == pytest.approx(expected_sy, rel=0.005)


def test_band_edges_are_at_the_geodesic_distances(qgis_app):
    """Points across the band: inside exactly when their geodesic distance is in the range."""
    line = QgsGeometry.fromPolylineXY([QgsPointXY(38.8, 33.4), QgsPointXY(41.2, 34.8), QgsPointXY(42.3, 37.0)])
    result = bands.border_bands(
        line, [("IQ", QgsGeometry.fromWkt("POLYGON((36 30, 46 30, 46 40, 36 40, 36 30))"), [(10.0, 25.0)])]
    )
    band = result[0].geometry
    checked = 0
    for i in range(40):
        lon, lat = 38.5 + 4.5 * ((i * 0.618) % 1.0), 33.0 + 4.5 * ((i * 0.381) % 1.0)
        point = QgsPointXY(lon, lat)
        distance = bands.border_distance_km(point, bands.densify_geodesic(line))
        if min(abs(distance - 10.0), abs(distance - 25.0)) < 0.05:
            continue  # too close to an edge to tell
        inside = band.contains(QgsGeometry.fromPointXY(point))
        assert inside == (10.0 < distance < 25.0), (lon, lat, distance)
        checked += 1
    assert checked >= 30


def test_default_run_gives_the_bundled_bands(qgis_app, bordergaps_provider):
    output = run({})
    got = {f["side"]: f for f in output.getFeatures()}
    assert set(got) == {"IQ", "SY"}
    assert (got["IQ"]["min_km"], got["IQ"]["max_km"]) == (10.0, 25.0)
    assert (got["SY"]["min_km"], got["SY"]["max_km"]) == (2.0, 10.0)
    bundled = {f["side"]: f for f in catalogue.bundled_layer("border_bands").getFeatures()}
    for side in ("IQ", "SY"):
        assert got[side]["area_km2"] == pytest.approx(bundled[side]["area_km2"], rel=1e-4)
        assert got[side].geometry().isGeosValid()
    assert output.crs().authid() == "EPSG:4326"


def test_custom_ranges_on_one_side(qgis_app, bordergaps_provider):
    output = run({"IRAQ_BANDS": "0-5,5-10", "SYRIA_BANDS": ""})
    feats = sorted(output.getFeatures(), key=lambda f: f["min_km"])
    assert [(f["side"], f["band"]) for f in feats] == [("IQ", "0–5 km"), ("IQ", "5–10 km")]
    assert not feats[0].geometry().intersects(feats[1].geometry().buffer(-1e-6, 4))


def test_own_layers_and_projected_crs(qgis_app, bordergaps_provider):
    countries = country_layer([("IRQ", EAST), ("SYR", WEST)])
    wgs = run(
        {
            "BORDER": line_layer(MERIDIAN),
            "COUNTRIES": countries,
            "SIDE_FIELD": "code",
            "IRAQ_BANDS": "10-25",
            "SYRIA_BANDS": "2-10",
        }
    )
    utm_line = QgsGeometry(MERIDIAN)
    from qgis.core import QgsCoordinateTransform, QgsCoordinateTransformContext

    utm = QgsCoordinateReferenceSystem("EPSG:32638")
    utm_line.transform(QgsCoordinateTransform(bands.WGS84, utm, QgsCoordinateTransformContext()))
    projected = run(
        {
            "BORDER": line_layer(utm_line, "EPSG:32638"),
            "COUNTRIES": countries,
            "SIDE_FIELD": "code",
            "IRAQ_BANDS": "10-25",
            "SYRIA_BANDS": "2-10",
        }
    )
    assert projected.crs().authid() == "EPSG:32638"
    a = {f["side"]: f["area_km2"] for f in wgs.getFeatures()}
    b = {f["side"]: f["area_km2"] for f in projected.getFeatures()}
    for side in ("IQ", "SY"):
        assert b[side] == pytest.approx(a[side], rel=1e-3)
    # The band in UTM metres starts 10 km east of the line.
    iq = next(f for f in projected.getFeatures() if f["side"] == "IQ").geometry()
    assert iq.distance(utm_line) == pytest.approx(10000.0, rel=0.01)


def test_bad_band_text_rejected_naming_the_parameter(qgis_app, bordergaps_provider):
    with pytest.raises(QgsProcessingException) as err:
        run({"SYRIA_BANDS": "10-2"})
    assert "SYRIA_BANDS" in str(err.value)
    with pytest.raises(QgsProcessingException) as err:
        run({"IRAQ_BANDS": "", "SYRIA_BANDS": ""})
    assert "IRAQ_BANDS" in str(err.value)


def test_countries_without_a_side_rejected_naming_layer_and_field(qgis_app, bordergaps_provider):
    countries = country_layer([("TR", EAST)])
    with pytest.raises(QgsProcessingException) as err:
        run({"BORDER": line_layer(MERIDIAN), "COUNTRIES": countries, "SIDE_FIELD": "code"})
    message = str(err.value)
    assert "my countries" in message and "code" in message and "TR" in message


def test_input_layers_unchanged(qgis_app, bordergaps_provider):
    border = line_layer(MERIDIAN)
    countries = country_layer([("IQ", EAST), ("SY", WEST)])
    before = [f.geometry().asWkt() for f in border.getFeatures()]
    run({"BORDER": border, "COUNTRIES": countries, "SIDE_FIELD": "code"})
    assert [f.geometry().asWkt() for f in border.getFeatures()] == before
    assert countries.featureCount() == 2


def test_algorithm_has_help_for_every_parameter(qgis_app, bordergaps_provider):
    alg = bordergaps_provider.algorithm("borderbands")
    assert alg.groupId() == "region" and alg.shortHelpString()
    for param in alg.parameterDefinitions():
        assert param.description()
        if param.name() != "OUTPUT":
            assert param.help(), param.name()
