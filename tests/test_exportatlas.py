"""bordergaps:exportatlas and analysis/atlas.py: a page per gap, PDF and GeoPDF."""

import subprocess

import pytest
from osgeo import gdal
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsFeature,
    QgsGeometry,
    QgsPointXY,
    QgsProcessingException,
    QgsProject,
    QgsVectorLayer,
)

from bg_testing.demo import demo_gaps, demo_map_parameters
from bg_testing.maps import pdf_pages
from border_gaps.analysis import atlas

ALG = "bordergaps:exportatlas"


_GAPS = {}


@pytest.fixture
def gaps_path(tmp_path_factory, bordergaps_provider):
    """The demo's gap zones, made once for the module."""
    if "path" not in _GAPS:
        _GAPS["path"] = demo_gaps(tmp_path_factory.mktemp("atlas_gaps"))
    return _GAPS["path"]


@pytest.fixture
def run_atlas(bordergaps_provider):
    import processing

    def run(gaps, **params):
        full = demo_map_parameters(gaps)
        full.update(params)
        return processing.run(ALG, full)

    return run


def _gaps_in_order(path, key="priority"):
    layer = QgsVectorLayer(path, "gaps", "ogr")
    return [int(f["gap_id"]) for f in sorted(layer.getFeatures(), key=lambda f: atlas.sort_key(f, key))]


def page_text(path, page, raw=False):
    """The text of one page; ``raw``: in the order it is drawn (a table's cells together, not
    interleaved with the map labels beside them as the reading order may put them)."""
    out = subprocess.run(
        ["pdftotext", *(["-raw"] if raw else []), "-f", str(page), "-l", str(page), str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return " ".join(out.replace("\ufb01", "fi").replace("\ufb02", "fl").split())  # ligatures as letters


def test_plain_atlas_has_a_page_per_gap_each_naming_its_gap_and_the_sources(run_atlas, gaps_path, tmp_path):
    pdf = tmp_path / "atlas.pdf"
    result = run_atlas(gaps_path, GEOPDF=False, OUTPUT_PDF=str(pdf))
    order = _gaps_in_order(gaps_path)
    assert len(order) >= 3  # the demo has gaps in several priority classes
    assert pdf_pages(pdf) == result["PAGE_COUNT"] == 1 + len(order)
    first = page_text(pdf, 1)
    assert "Unmonitored gap zones between Peshmerga and ISF" in first and f"Page 1 of {1 + len(order)}" in first
    for number, gap_id in enumerate(order, start=2):
        text = page_text(pdf, number)
        assert f"Gap {gap_id}: priority" in text, (number, text[:200])
        assert f"Gap {gap_id} in figures" in page_text(pdf, number, raw=True)  # the map's labels interleave
        assert f"Page {number} of {1 + len(order)}" in text
        for source in ("Sources", "Natural Earth", "GeoNames", "synthetic"):
            assert source in text, (number, source)
        assert "Map date:" in text


def test_top_n_and_sort_key_choose_the_pages(run_atlas, gaps_path, tmp_path):
    pdf = tmp_path / "top2.pdf"
    run_atlas(gaps_path, GEOPDF=False, TOP_N=2, SORT_KEY=1, OUTPUT_PDF=str(pdf))
    by_area = _gaps_in_order(gaps_path, "area_km2")
    assert by_area != _gaps_in_order(gaps_path)  # the demo tells the two orders apart
    assert pdf_pages(pdf) == 3
    assert f"Gap {by_area[0]}:" in page_text(pdf, 2)
    assert f"Gap {by_area[1]}:" in page_text(pdf, 3)


@pytest.mark.skipif(not atlas.geopdf_available(), reason="no GeoPDF support in this QGIS/GDAL or no pypdf")
def test_geopdf_pages_are_georeferenced_and_layers_are_one_switch_each(run_atlas, gaps_path, tmp_path):
    from pypdf import PdfReader

    pdf = tmp_path / "atlas_geo.pdf"
    result = run_atlas(gaps_path, GEOPDF=True, OUTPUT_PDF=str(pdf))
    pages = result["PAGE_COUNT"]
    assert pdf_pages(pdf) == pages == 1 + len(_gaps_in_order(gaps_path))
    for page in range(1, pages + 1):
        dataset = gdal.Open(f"PDF:{page}:{pdf}")
        assert dataset is not None, page
        srs = dataset.GetSpatialRef()
        assert srs is not None and "UTM zone 38N" in srs.GetName(), page
        info = subprocess.run(["gdalinfo", f"PDF:{page}:{pdf}"], capture_output=True, text=True).stdout
        assert "PROJCRS" in info or "PROJCS" in info
        # the map's corners are ground coordinates around the gaps (UTM 38N metres)
        x, _dx, _r, y, _r2, _dy = dataset.GetGeoTransform()
        assert 100_000 < x < 500_000 and 3_900_000 < y < 4_300_000, (page, x, y)
    names = [str(o.get_object()["/Name"]) for o in PdfReader(str(pdf)).trailer["/Root"]["/OCProperties"]["/OCGs"]]
    assert len(names) == len(set(names))  # one switch per layer for all pages
    for layer in ("Gap zones by priority", "Posts (synthetic demo)", "This gap", "Settlements"):
        assert layer in names, names
    assert page_text(pdf, 2).startswith(page_text(pdf, 2)[:4])  # the text stays searchable
    assert "Gap" in page_text(pdf, 2)


def _memory(geometry, fields, rows, name):
    layer = QgsVectorLayer(f"{geometry}?crs=EPSG:4326&{fields}", name, "memory")
    features = []
    for attributes, geom in rows:
        f = QgsFeature(layer.fields())
        f.setAttributes(attributes)
        f.setGeometry(geom)
        features.append(f)
    layer.dataProvider().addFeatures(features)
    layer.updateExtents()
    return layer


def test_outputs_of_coordination_drones_and_incidents_reach_the_gap_pages(run_atlas, gaps_path, tmp_path):
    gaps = QgsVectorLayer(gaps_path, "gaps", "ogr")
    first = _gaps_in_order(gaps_path)[0]
    gap = next(f for f in gaps.getFeatures() if f["gap_id"] == first)
    shape = gap.geometry()
    centre = shape.pointOnSurface().asPoint()
    response = _memory(
        "Polygon",
        "field=gap_id:integer&field=a_post:string&field=a_minutes:double&field=b_post:string&field=b_minutes:double"
        "&field=first_force:string&field=joint:integer&field=orphan:integer",
        [([first, "P-12", 14.0, "ISF-3", 22.0, "Peshmerga", 1, 0], shape)],
        "gap_response",
    )
    incidents = _memory(
        "Polygon",
        "field=gap_id:integer&field=incidents:integer&field=fatalities:integer&field=rate_per_100km2_year:double",
        [([first, 4, 7, 2.5], shape)],
        "gap_incidents",
    )
    # a swath over the western half of the gap's box: the share surveyed is measured, not copied
    box = shape.boundingBox()
    half = QgsGeometry.fromRect(box).intersection(
        QgsGeometry.fromRect(type(box)(box.xMinimum(), box.yMinimum(), box.center().x(), box.yMaximum()))
    )
    surveyed = _memory(
        "Polygon", "field=sortie:string&field=gap_id:integer", [(["S2", first], half.intersection(shape))], "surveyed"
    )
    lanes = _memory(
        "LineString",
        "field=sortie:string&field=gap_id:integer&field=length_km:double",
        [(["S2", first, 3.5], QgsGeometry.fromPolylineXY([QgsPointXY(centre.x() - 0.01, centre.y()), centre]))],
        "lanes",
    )
    pdf = tmp_path / "with_outputs.pdf"
    run_atlas(
        gaps_path,
        GEOPDF=False,
        TOP_N=1,
        GAP_RESPONSE=response,
        GAP_INCIDENTS=incidents,
        SURVEYED=surveyed,
        LANES=lanes,
        SORTIES=lanes,
        OUTPUT_PDF=str(pdf),
    )
    text = page_text(pdf, 2)
    assert "P-12, 14 min" in text and "ISF-3, 22 min" in text
    assert "Peshmerga arrives first" in text and "joint response" in text
    assert "4 (7 killed), 2.5 per 100 km² a year" in text
    utm = QgsCoordinateTransform(gaps.crs(), QgsCoordinateReferenceSystem("EPSG:32638"), QgsProject.instance())
    swath, whole = half.intersection(shape), QgsGeometry(shape)
    swath.transform(utm)
    whole.transform(utm)
    measured = swath.area() / whole.area() * 100  # the share in the map's UTM zone
    assert f"S2: {measured:.0f} % of the gap surveyed" in page_text(pdf, 2, raw=True)
    assert "1 lane, 3.5 km" in page_text(pdf, 2, raw=True)
    assert "Drone sorties" in text and "Survey lanes" in text  # in the legend


def test_a_pdf_path_is_required(run_atlas, gaps_path, tmp_path):
    with pytest.raises(QgsProcessingException, match=r"should end in \.pdf"):
        run_atlas(gaps_path, OUTPUT_PDF=str(tmp_path / "atlas.png"))
