"""bordergaps:exportfield and analysis/fieldexport.py: the KMZ and the GPX for field devices."""

import os
import zipfile
from xml.etree import ElementTree as ET

import pytest
from osgeo import ogr
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsDistanceArea,
    QgsFeature,
    QgsGeometry,
    QgsPointXY,
    QgsProcessingException,
    QgsProject,
    QgsVectorLayer,
)

from bg_testing.maps import gap_layer, square

ALG = "bordergaps:exportfield"
KML = "{http://www.opengis.net/kml/2.2}"
GPX = "{http://www.topografix.com/GPX/1/1}"
XSD = os.path.join(os.path.dirname(__file__), "data", "gpx11.xsd")
WGS84 = QgsCoordinateReferenceSystem("EPSG:4326")


def _utm_gaps():
    """Three gaps in UTM 38N (so every coordinate must be projected): an L-shaped one, whose
    innermost point is not its centroid, and two squares; priorities in three classes."""
    l_shape = QgsGeometry.fromWkt(
        "POLYGON((300000 4050000, 306000 4050000, 306000 4052000, 302000 4052000, 302000 4058000,"
        " 300000 4058000, 300000 4050000))"
    )
    return gap_layer(
        [
            (1, 20.0, 2.0, 3.0, 88.0, l_shape),
            (2, 4.0, 2.0, 9.0, 45.0, square(310000, 4050000, 2000)),
            (3, 1.0, 1.0, 15.0, 10.0, square(315000, 4056000, 1000)),
        ],
        crs="EPSG:32638",
    )


def _posts():
    layer = QgsVectorLayer(
        "Point?crs=EPSG:4326&field=name:string&field=force:string&field=kind:string&field=range_m:double",
        "posts",
        "memory",
    )
    rows = [("Tal Qasab OP", "ISF", "observation post", 3000.0), ("نقطة سنجار", "Peshmerga", "checkpoint", 1500.0)]
    features = []
    for i, row in enumerate(rows):
        f = QgsFeature(layer.fields())
        f.setAttributes(list(row))
        f.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(42.0 + 0.05 * i, 36.6)))
        features.append(f)
    layer.dataProvider().addFeatures(features)
    return layer


def _places(kind):
    """Two named places near the gaps (English and Arabic names) and one far away."""
    layer = QgsVectorLayer(
        "Point?crs=EPSG:4326&field=name:string&field=name_ar:string&field=status:string", kind, "memory"
    )
    features = []
    for name, name_ar, lon, lat in (
        ("Sinjar", "سنجار", 42.78, 36.58),
        ("Al-Ba'aj", "البعاج", 42.85, 36.62),
        ("Far Town", "بعيد", 44.9, 35.0),
    ):
        f = QgsFeature(layer.fields())
        f.setAttributes([name, name_ar, "open"])
        f.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(lon, lat)))
        features.append(f)
    layer.dataProvider().addFeatures(features)
    return layer


def _sorties():
    layer = QgsVectorLayer(
        "LineString?crs=EPSG:32638&field=sortie:string&field=length_km:double&field=minutes:double", "sorties", "memory"
    )
    f = QgsFeature(layer.fields())
    f.setAttributes(["S1", 30.0, 40.0])
    # a straight leg with a wiggle of 5 m: simplified away at 20 m, kept at 0
    f.setGeometry(QgsGeometry.fromWkt("LINESTRING(299000 4049000, 305000 4049005, 311000 4049000, 311000 4053000)"))
    layer.dataProvider().addFeatures([f])
    return layer


@pytest.fixture
def export(bordergaps_provider, tmp_path):
    import processing

    def run(**params):
        params.setdefault("GAPS", _utm_gaps())
        params.setdefault("INCLUDE_BORDER_REGION", False)
        params.setdefault("OUTPUT_KMZ", str(tmp_path / "field.kmz"))
        params.setdefault("OUTPUT_GPX", str(tmp_path / "field.gpx"))
        return processing.run(ALG, params)

    return run


def _distance_m(a, b):
    d = QgsDistanceArea()
    d.setEllipsoid("WGS84")
    return d.measureLine(a, b)


def _kml_root(path):
    with zipfile.ZipFile(path) as kmz:
        names = kmz.namelist()
        assert names[0] == "doc.kml"  # readers take the first .kml
        return ET.fromstring(kmz.read("doc.kml")), names


def test_kmz_has_one_placemark_per_gap_with_exact_coordinates(export, tmp_path):
    gaps = _utm_gaps()
    result = export(GAPS=gaps, SIMPLIFY=0)
    assert result["GAP_COUNT"] == 3
    root, names = _kml_root(tmp_path / "field.kmz")
    assert {"files/post.png", "files/crossing.png", "files/settlement.png"} <= set(names)
    folders = {f.findtext(f"{KML}name"): f for f in root.iter(f"{KML}Folder")}
    placemarks = folders["Gap zones (by priority)"].findall(f"{KML}Placemark")
    assert sorted(p.findtext(f"{KML}name") for p in placemarks) == ["Gap 1", "Gap 2", "Gap 3"]
    to_wgs = QgsCoordinateTransform(gaps.crs(), WGS84, QgsProject.instance())
    by_id = {f["gap_id"]: f for f in gaps.getFeatures()}
    for placemark in placemarks:
        gap = by_id[int(placemark.findtext(f"{KML}name").split()[1])]
        ring = placemark.find(f".//{KML}outerBoundaryIs//{KML}coordinates").text.split()
        written = [QgsPointXY(*map(float, c.split(","))) for c in ring]
        source = QgsGeometry(gap.geometry())
        source.transform(to_wgs)
        expected = source.asMultiPolygon()[0][0] if source.isMultipart() else source.asPolygon()[0]
        assert len(written) == len(expected)  # SIMPLIFY 0 keeps every vertex
        assert max(_distance_m(a, b) for a, b in zip(written, expected)) < 1.0  # round trip within 1 m
        # the innermost point is in the gap, and for the L shape not at its centroid (outside it)
        point = placemark.find(f".//{KML}Point/{KML}coordinates").text.split(",")
        pole = QgsGeometry.fromPointXY(QgsPointXY(float(point[0]), float(point[1])))
        assert source.contains(pole)
        description = placemark.findtext(f"{KML}description")
        assert f"{gap['area_km2']:,.1f} km²" in description and f"{gap['priority']:.0f}" in description
    # coloured by priority: three priorities, three styles, each defined in the document
    styles = {p.findtext(f"{KML}styleUrl") for p in placemarks}
    assert len(styles) == 3
    defined = {"#" + s.get("id") for s in root.iter(f"{KML}Style")}
    assert styles <= defined


def test_gdal_kml_drivers_read_the_kmz(export, tmp_path):
    export(POSTS=_posts(), SORTIES=_sorties(), SETTLEMENTS=_places("settlements"))
    path = f"/vsizip/{tmp_path / 'field.kmz'}/doc.kml"
    for driver in ("KML", "LIBKML"):
        if ogr.GetDriverByName(driver) is None:
            continue
        source = ogr.GetDriverByName(driver).Open(path)
        assert source is not None, driver
        layers = {source.GetLayer(i).GetName(): source.GetLayer(i) for i in range(source.GetLayerCount())}
        assert layers["Gap zones (by priority)"].GetFeatureCount() == 3, driver
        assert layers["Posts"].GetFeatureCount() == 2
        assert layers["Drone sorties"].GetFeatureCount() == 1
        names = {f.GetField("Name") for f in layers["Settlements"]}
        assert names == {"Sinjar / سنجار", "Al-Ba'aj / البعاج"}, (driver, names)  # Far Town is beyond 25 km


def test_gpx_validates_and_gdal_reads_waypoints_and_routes(export, tmp_path):
    from lxml import etree

    result = export(POSTS=_posts(), SORTIES=_sorties(), CROSSINGS=_places("crossings"), SIMPLIFY=20)
    gpx_path = tmp_path / "field.gpx"
    schema = etree.XMLSchema(etree.parse(XSD))
    document = etree.parse(str(gpx_path))
    assert schema.validate(document), schema.error_log
    assert document.docinfo.encoding.upper() == "UTF-8"

    source = ogr.Open(str(gpx_path))
    waypoints = [f.GetField("name") for f in source.GetLayerByName("waypoints")]
    assert waypoints[:2] == ["Tal Qasab OP", "نقطة سنجار"]
    assert waypoints[2:5] == ["Gap 1", "Gap 2", "Gap 3"]
    assert set(waypoints[5:]) == {"Sinjar / سنجار", "Al-Ba'aj / البعاج"}
    assert result["WAYPOINT_COUNT"] == len(waypoints) == 7
    routes = source.GetLayerByName("routes")
    assert routes.GetFeatureCount() == result["ROUTE_COUNT"] == 1
    route = routes.GetNextFeature()
    assert route.GetField("name") == "Sortie S1"
    # the 5 m wiggle is within the 20 m tolerance: 3 points remain of 4
    assert route.GetGeometryRef().GetPointCount() == 3


def test_simplify_keeps_polygons_valid_and_within_tolerance(export, tmp_path):
    # a gap with a saw-tooth edge (teeth 8 m deep) simplified at 20 m
    teeth = " ".join(f"{300000 + 100 * i} {4050000 + (8 if i % 2 else 0)}," for i in range(1, 40))
    wkt = f"POLYGON((300000 4050000, {teeth} 304000 4050000, 304000 4053000, 300000 4053000, 300000 4050000))"
    gaps = gap_layer([(7, 12.0, 2.0, 5.0, 70.0, QgsGeometry.fromWkt(wkt))], crs="EPSG:32638")
    export(GAPS=gaps, SIMPLIFY=20, OUTPUT_GPX="")
    root, _names = _kml_root(tmp_path / "field.kmz")
    ring = root.find(f".//{KML}Placemark//{KML}outerBoundaryIs//{KML}coordinates").text.split()
    assert len(ring) < 10  # 44 vertices before
    polygon = QgsGeometry.fromPolygonXY([[QgsPointXY(*map(float, c.split(","))) for c in ring]])
    assert polygon.isGeosValid()
    source = next(gaps.getFeatures()).geometry()
    source.transform(QgsCoordinateTransform(gaps.crs(), WGS84, QgsProject.instance()))
    for vertex in polygon.vertices():
        nearest = source.nearestPoint(QgsGeometry.fromPointXY(QgsPointXY(vertex.x(), vertex.y())))
        assert _distance_m(QgsPointXY(vertex.x(), vertex.y()), nearest.asPoint()) < 21.0


def test_outputs_are_checked(export, tmp_path):
    with pytest.raises(QgsProcessingException, match="OUTPUT_KMZ, OUTPUT_GPX"):
        export(OUTPUT_KMZ="", OUTPUT_GPX="")
    with pytest.raises(QgsProcessingException, match=r"should end in \.gpx"):
        export(OUTPUT_GPX=str(tmp_path / "field.txt"))
    assert not (tmp_path / "field.kmz").exists()
