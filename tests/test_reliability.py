"""Issue 21: no path form lets an output replace an input; extreme values give a clear result or a
sentence (no seam, distances past their bound, grids past the free memory); a layer without CRS is
named; degenerate routes are left out; metric distances read metres in the dialog; every geometry
written is valid for GEOS."""

import math
import os

import pytest
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsCoordinateTransformContext,
    QgsGeometry,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingParameterDistance,
    QgsProject,
    QgsUnitTypes,
    QgsVectorFileWriter,
    QgsVectorLayer,
)

from bg_testing import robustness as rb
from bg_testing.algorithm_inputs import Scenario, registered_algorithms
from bg_testing.corridors import RecordingFeedback, points
from bg_testing.odd_inputs import geometry_problems
from border_gaps.analysis import memory
from border_gaps.analysis.errors import BorderGapsError
from border_gaps.analysis.geometry import LINE_TYPE, MAX_DISTANCE_M, POLYGON_TYPE, valid_output
from border_gaps.processing.base import file_target

CONTROL = {"FORCE_FIELD": "force", "FORCE_A": "Peshmerga", "FORCE_B": "ISF"}


def run(alg, params, feedback=None):
    from qgis import processing

    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    return processing.run(f"bordergaps:{alg}", params, context=context, feedback=feedback or RecordingFeedback())


def refused(alg, params, *fragments):
    with pytest.raises(QgsProcessingException) as info:
        run(alg, params)
    text = str(info.value)
    for fragment in fragments:
        assert fragment in text, text
    assert "Traceback" not in text and "MemoryError" not in text, text
    return text


def output_layer(value):
    return value if isinstance(value, QgsVectorLayer) else QgsVectorLayer(value, "out", "ogr")


# -- an output never replaces an input, whatever the form of either path -------------------------
@pytest.fixture
def data_folder(tmp_path, monkeypatch):
    """A GeoPackage of control areas and posts in data/, a symbolic link to it in links/, and the
    process's working folder (QGIS's, for relative paths) set to data/."""
    data = tmp_path / "data"
    links = tmp_path / "links"
    data.mkdir()
    links.mkdir()
    rb.save_gpkg({"control_areas": rb.control_layer(), "posts": rb.posts_layer()}, data / "ca.gpkg")
    os.symlink(data / "ca.gpkg", links / "ca_link.gpkg")
    monkeypatch.chdir(data)
    return tmp_path


def test_file_target_resolves_each_form_to_the_real_file(data_folder):
    real = os.path.normcase(os.path.realpath(data_folder / "data" / "ca.gpkg"))
    link = str(data_folder / "links" / "ca_link.gpkg")
    forms = {
        "ca.gpkg": (real, None),
        "./ca.gpkg|layername=posts": (real, "posts"),
        link: (real, None),
        f"{link}|layername=control_areas": (real, "control_areas"),
        "../links/../data/ca.gpkg|layerid=0": (real, None),
        "ogr:dbname='ca.gpkg' table=\"gaps\" (geom)": (real, "gaps"),
        f"ogr:dbname='{link}' table=\"control_areas\" (geom)": (real, "control_areas"),
        f"ogr://{real}|layername=posts": (real, "posts"),
        f"spatialite:dbname='{link}' table=\"t\" (geom)": (real, "t"),
        f"file://{real}": (real, None),
    }
    for form, expected in forms.items():
        assert file_target(form) == expected, form
    for not_a_file in ("memory:", "TEMPORARY_OUTPUT", 'postgres://dbname=\'gis\' table="a"."b"', "", None):
        assert file_target(not_a_file) is None, not_a_file


@pytest.mark.parametrize(
    ("control", "output"),
    [
        ("{data}/ca.gpkg|layername=control_areas", "ca.gpkg"),  # absolute input, relative output
        ("ca.gpkg|layername=control_areas", "{data}/ca.gpkg"),  # relative input, absolute output
        ("{links}/ca_link.gpkg|layername=control_areas", "./ca.gpkg"),  # through a symbolic link
        ("ca.gpkg|layername=control_areas", "../links/../data/ca.gpkg"),
        ("ca.gpkg|layername=control_areas", "ogr:dbname='{links}/ca_link.gpkg' table=\"control_areas\" (geom)"),
        ("ca.gpkg", "ogr:dbname='ca.gpkg' table=\"control_areas\" (geom)"),  # the layer a bare path opens
        ("ca.gpkg|layername=control_areas", "file://{data}/ca.gpkg"),
    ],
)
def test_output_onto_an_input_is_refused_in_every_path_form(data_folder, bordergaps_provider, control, output):
    folders = {"data": data_folder / "data", "links": data_folder / "links"}
    before = rb.sha256(data_folder / "data" / "ca.gpkg")
    params = dict(CONTROL, CONTROL_AREAS=control.format(**folders), OUTPUT=output.format(**folders))
    text = refused("gapzones", params, "CONTROL_AREAS", "overwrite" if "table=" in output else "same file as input")
    assert str(os.path.realpath(data_folder / "data" / "ca.gpkg")) in text
    assert rb.sha256(data_folder / "data" / "ca.gpkg") == before


def test_a_new_layer_in_the_input_geopackage_keeps_the_inputs(data_folder, bordergaps_provider):
    # QGIS adds the table to the file (CreateOrOverwriteLayer): the other layers stay as they are
    params = dict(CONTROL, CONTROL_AREAS="ca.gpkg|layername=control_areas")
    params["OUTPUT"] = "ogr:dbname='ca.gpkg' table=\"gaps\" (geom)"
    result = run("gapzones", params)
    assert result["GAP_COUNT"] >= 1
    gpkg = str(data_folder / "data" / "ca.gpkg")
    assert QgsVectorLayer(f"{gpkg}|layername=control_areas", "c", "ogr").featureCount() == 3
    assert QgsVectorLayer(f"{gpkg}|layername=posts", "p", "ogr").featureCount() == 2
    assert QgsVectorLayer(f"{gpkg}|layername=gaps", "g", "ogr").featureCount() == result["GAP_COUNT"]


def test_a_project_layer_input_and_a_relative_output(data_folder, bordergaps_provider):
    layer = QgsVectorLayer(str(data_folder / "data" / "ca.gpkg") + "|layername=control_areas", "districts", "ogr")
    QgsProject.instance().addMapLayer(layer)
    try:
        refused("gapzones", dict(CONTROL, CONTROL_AREAS=layer.id(), OUTPUT="ca.gpkg"), "same file as input")
        refused("seamzones", dict(CONTROL, CONTROL_AREAS=layer, OUTPUT="./ca.gpkg"), "same file as input")
    finally:
        QgsProject.instance().removeMapLayer(layer.id())


# -- districts too far apart: a clear result ---------------------------------------------------------
def far_apart():
    # A west of x = -100 km, B east of x = 100 km: 200 km apart at their closest (lon/lat, 36.3°N)
    return rb.control_layer(
        [(rb.box(-120, -10, -100, 10), ["W", "Peshmerga"]), (rb.box(100, -10, 120, 10), ["E", "ISF"])]
    )


def test_no_seam_writes_no_feature_and_says_why(bordergaps_provider):
    feedback = RecordingFeedback()
    result = run("seamzones", dict(CONTROL, CONTROL_AREAS=far_apart(), OUTPUT="memory:"), feedback)
    assert result["SEAM_AREA_KM2"] == 0.0 and result["UNCLAIMED_AREA_KM2"] == 0.0  # was -1e-06
    assert output_layer(result["OUTPUT"]).featureCount() == 0  # was two features without geometry
    # 200 km apart in degrees of longitude at 36.3°N, measured in UTM 37N: about 200 km
    assert any("no seam" in w and "km apart" in w and "SEAM_DISTANCE above" in w for w in feedback.warnings)
    result = run("gapzones", dict(CONTROL, CONTROL_AREAS=far_apart(), OUTPUT="memory:"), feedback)
    assert result["SEAM_AREA_KM2"] == 0.0 and result["GAP_COUNT"] == 0 and result["COVERED_PCT"] == 0.0
    assert any("no seam" in line for line in feedback.infos)


# -- distances: bounded, and right up to the bound ------------------------------------------------
def test_distances_past_the_bound_are_refused_with_a_sentence(bordergaps_provider, tmp_path):
    refused(
        "seamzones",
        dict(CONTROL, CONTROL_AREAS=rb.control_layer(), SEAM_DISTANCE=1e7, OUTPUT="memory:"),
        "SEAM_DISTANCE",
        "at most 500000 m",
        "UTM zone",
    )
    refused("postcoverage", dict(POSTS=rb.posts_layer(), DEFAULT_RANGE=1e9), "DEFAULT_RANGE", "at most 500000 m")
    refused(
        "borderbands",
        dict(BORDER=rb.border_layer(), COUNTRIES=rb.countries_layer(), IRAQ_BANDS="10-900", OUTPUT="memory:"),
        "900 km",
        "500 km",
    )


def _area_in(geom, source, target):
    copy = QgsGeometry(geom)
    copy.transform(
        QgsCoordinateTransform(
            QgsCoordinateReferenceSystem(source), QgsCoordinateReferenceSystem(target), QgsProject.instance()
        )
    )
    return copy.area()


def test_a_seam_at_the_bound_is_valid_and_its_area_is_the_geometry_s(bordergaps_provider):
    result = run(
        "seamzones", dict(CONTROL, CONTROL_AREAS=rb.control_layer(), SEAM_DISTANCE=MAX_DISTANCE_M, OUTPUT="memory:")
    )
    out = output_layer(result["OUTPUT"])
    assert out.featureCount() == 2 and not geometry_problems(out)
    for feature in out.getFeatures():
        # the area written is the area of the geometry written, measured back in the metric CRS of the
        # run (UTM 37N for 41.8°E): with 10,000 km the two differed by 1.5 times
        measured = _area_in(feature.geometry(), "EPSG:4326", "EPSG:32637") / 1e6
        assert measured == pytest.approx(feature["area_km2"], rel=2e-3), feature["zone"]


def test_a_post_range_past_the_bound_is_skipped_and_named(bordergaps_provider):
    posts = rb.memory_layer(
        "Point",
        [("range_m", "double")],
        [(rb.point(1, 5), [1500.0]), (rb.point(1, -6), [1e9])],
        "posts",
    )
    feedback = RecordingFeedback()
    params = dict(CONTROL, CONTROL_AREAS=rb.control_layer(), POSTS=posts, RANGE_FIELD="range_m", OUTPUT="memory:")
    with_far = run("gapzones", params, feedback)
    assert any("skipped 1 post(s)" in line and "above 500 km" in line for line in feedback.infos)
    alone = rb.memory_layer("Point", [("range_m", "double")], [(rb.point(1, 5), [1500.0])], "posts")
    without = run("gapzones", dict(params, POSTS=alone))
    assert with_far["COVERED_AREA_KM2"] == pytest.approx(without["COVERED_AREA_KM2"])
    assert not geometry_problems(output_layer(with_far["OUTPUT"]))


def test_a_range_near_the_bound_gives_closed_valid_rings(bordergaps_provider):
    # 10⁹ m gave rings of infinite coordinates, not closed; 400 km gives a valid disc in EPSG:4326
    result = run(
        "postcoverage",
        dict(POSTS=rb.posts_layer(), DEFAULT_RANGE=400_000.0, OUTPUT_PER_POST="memory:", OUTPUT_MERGED="memory:"),
    )
    for key in ("OUTPUT_PER_POST", "OUTPUT_MERGED"):
        out = output_layer(result[key])
        assert out.featureCount() >= 1 and not geometry_problems(out), key
    # π·400² km² less the 64-gon's chords (0.16 %), with both posts' discs nearly coinciding
    assert result["MERGED_AREA_KM2"] == pytest.approx(math.pi * 400**2, rel=0.02)


# -- memory: a sentence instead of MemoryError, before the allocation ------------------------------
def test_memory_require_refuses_past_the_free_memory():
    memory.require(10 * 2**20, "A small grid", "Nothing to do.", available=2**30)  # fits: no error
    with pytest.raises(BorderGapsError, match=r"needs about 19\.7 GiB of memory, more than .* free now \(4\.0 GiB\)"):
        memory.require(19.7 * 2**30, "A grid", "Use larger cells.", available=4 * 2**30)
    assert memory.available_bytes() is None or memory.available_bytes() > 0


@pytest.fixture
def four_gib_free(monkeypatch):
    """The computer has 4 GiB free, whatever this machine has: grids past it are refused, not allocated."""
    monkeypatch.setattr(memory, "available_bytes", lambda: 4 * 2**30)


def corridor_params(**extra):
    params = dict(
        ORIGINS=rb.origins_layer(),
        DESTINATIONS=rb.destinations_layer(),
        ROUTES="memory:",
        PINCH_POINTS="memory:",
        DENSITY="TEMPORARY_OUTPUT",
    )
    params.update(extra)
    return params


def test_max_cells_raised_far_gives_a_sentence_not_memory_error(bordergaps_provider, four_gib_free):
    # 1 m cells over about 40 × 30 km: 1.2·10⁹ cells, 88 GiB at 80 bytes a cell ("Unable to allocate
    # 19.7 GiB" before, or the system killing QGIS)
    text = refused(
        "corridors",
        corridor_params(CELL_SIZE=1.0, MAX_CELLS=1e12),
        "cost grid",
        "more than this computer has free now (4.0 GiB)",
        "CELL_SIZE",
    )
    assert "GiB of memory" in text


def test_a_raw_memory_error_reaches_the_user_as_a_sentence(bordergaps_provider, monkeypatch):
    from border_gaps.analysis import corridors

    def allocate(*args, **kwargs):
        raise MemoryError("Unable to allocate 19.7 GiB for an array with shape (71000, 37000)")

    monkeypatch.setattr(corridors, "cost_surface", allocate)
    refused("corridors", corridor_params(), "ran out of memory", "19.7 GiB", "coarser cell size")


def test_a_viewshed_past_the_free_memory_is_refused(bordergaps_provider, monkeypatch, tmp_path):
    monkeypatch.setattr(memory, "available_bytes", lambda: 2**30)
    scenario = Scenario(tmp_path / "in")
    # the test DEM (warped to UTM) has cells of about 135 m: 400 km of range is a window of about 5,900
    # cells across, and the sweep's octant arrays for two posts need about 2 GiB
    refused(
        "postcoverage",
        dict(
            POSTS=scenario.source("posts"),
            DEM=scenario.dem,
            DEFAULT_RANGE=400_000.0,
            OUTPUT_PER_POST="memory:",
            OUTPUT_MERGED="memory:",
        ),
        "A viewshed of 400000 m",
        "smaller range",
    )


# -- a layer without CRS is named as such --------------------------------------------------------------
def _shapefile_without_prj(layer, path):
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "ESRI Shapefile"
    options.fileEncoding = "UTF-8"
    QgsVectorFileWriter.writeAsVectorFormatV3(layer, str(path), QgsCoordinateTransformContext(), options)
    os.remove(str(path)[:-4] + ".prj")
    assert not QgsVectorLayer(str(path), "x", "ogr").crs().isValid()
    return str(path)


@pytest.mark.parametrize(
    ("alg", "key", "make"),
    [
        ("gapzones", "CONTROL_AREAS", rb.control_layer),
        ("gapzones", "COVERAGE", rb.coverage_layer),
        ("seamzones", "STUDY_AREA", rb.study_area_layer),
        ("postcoverage", "POSTS", rb.posts_layer),
        ("corridors", "DESTINATIONS", rb.destinations_layer),
    ],
)
def test_a_layer_without_crs_says_the_crs_is_missing(bordergaps_provider, tmp_path, alg, key, make):
    path = _shapefile_without_prj(make(), tmp_path / f"{key.lower()}_no_prj.shp")
    params = {
        "gapzones": dict(CONTROL, CONTROL_AREAS=rb.control_layer(), OUTPUT="memory:"),
        "seamzones": dict(CONTROL, CONTROL_AREAS=rb.control_layer(), OUTPUT="memory:"),
        "postcoverage": dict(OUTPUT_PER_POST="memory:", OUTPUT_MERGED="memory:"),
        "corridors": corridor_params(),
    }[alg]
    params[key] = [path] if key == "COVERAGE" else path
    refused(alg, params, key, "CRS is missing", "Assigned Coordinate Reference System")


# -- degenerate routes ---------------------------------------------------------------------------------
def test_a_route_from_the_same_place_or_cell_is_left_out_and_reported(bordergaps_provider):
    # origins at x = 0 and x = 20 km; destinations at the first origin itself, 30 m from it (the same
    # 100 m cell), and 10 km east: only the last has a route from each origin
    origins = points([(0, 0), (20_000, 0)], "origins", ["west", "east"])
    destinations = points([(0, 0), (30, 10), (10_000, 0)], "destinations", ["same place", "next door", "village"])
    feedback = RecordingFeedback()
    result = run(
        "corridors",
        dict(
            ORIGINS=origins,
            ORIGIN_FIELD="name",
            DESTINATIONS=destinations,
            DESTINATION_FIELD="name",
            K=2,
            CELL_SIZE=100,
            MARGIN=1000,
            ROUTES="memory:",
            PINCH_POINTS="memory:",
            DENSITY="TEMPORARY_OUTPUT",
        ),
        feedback,
    )
    routes = output_layer(result["ROUTES"])
    rows = sorted((f["destination"], f["origin"], f["rank"]) for f in routes.getFeatures())
    # 'same place' and 'next door' keep their route from 'east' (20 km away), ranked 1; 'village' has both
    assert rows == [
        ("next door", "east", 1),
        ("same place", "east", 1),
        ("village", "east", 1),
        ("village", "west", 2),
    ] or rows == [("next door", "east", 1), ("same place", "east", 1), ("village", "east", 2), ("village", "west", 1)]
    assert result["ROUTE_COUNT"] == 4
    left_out = [w for w in feedback.warnings if "same 100 m cell" in w and "left out of ROUTES" in w]
    assert (
        len(left_out) == 2 and any("'same place'" in w for w in left_out) and any("'next door'" in w for w in left_out)
    )
    assert not geometry_problems(routes) and all(f.geometry().length() > 0 for f in routes.getFeatures())
    assert not geometry_problems(output_layer(result["PINCH_POINTS"]))


# -- what is written is valid ----------------------------------------------------------------------------
def test_valid_output_repairs_or_drops_what_is_not_valid():
    bowtie = QgsGeometry.fromWkt("POLYGON((0 0, 10 10, 10 0, 0 10, 0 0))")
    repaired = valid_output(bowtie, None, POLYGON_TYPE)
    assert repaired.isGeosValid() and repaired.isMultipart() and repaired.area() == pytest.approx(50.0)
    assert valid_output(QgsGeometry.fromWkt("LINESTRING(5 5, 5 5)"), None, LINE_TYPE) is None
    assert valid_output(QgsGeometry.fromWkt("POLYGON((0 0, 5 5, 10 10, 0 0))"), None, POLYGON_TYPE) is None
    assert valid_output(QgsGeometry.fromWkt("POLYGON EMPTY"), None, POLYGON_TYPE) is None
    assert valid_output(QgsGeometry(), None, POLYGON_TYPE) is None
    infinite = QgsGeometry.fromWkt("POLYGON((0 0, 1 0, 1 1, 0 0))")
    infinite.translate(float("inf"), 0)
    assert valid_output(infinite, None, POLYGON_TYPE) is None


# -- metric distances read metres in the dialog ----------------------------------------------------------
# Distances an algorithm measures geodesically (analysis/settlements.py: to the densified border on
# the ellipsoid), not through a UTM projection or a buffer: 1,000 km reaches Basra from the border.
GEODESIC_DISTANCES = {("bordergaps:importsettlements", "MAX_DISTANCE"): 1_000_000.0}


def _distance_like(param):
    words = ("DISTANCE", "RANGE", "SPACING", "CELL_SIZE", "MARGIN", "HEIGHT")
    return param.type() in ("number", "distance") and any(w in param.name() for w in words)


@pytest.mark.parametrize("alg_id", [a for a, _ in registered_algorithms()])
def test_every_metric_distance_is_a_distance_in_metres_not_linked_to_a_layer(bordergaps_provider, alg_id):
    from qgis.core import QgsApplication

    alg = QgsApplication.processingRegistry().algorithmById(alg_id)
    for param in alg.parameterDefinitions():
        if not _distance_like(param) or param.name() == "MAX_CELLS":
            continue
        assert isinstance(param, QgsProcessingParameterDistance), f"{alg_id} {param.name()} is a {param.type()}"
        assert param.defaultUnit() == QgsUnitTypes.DistanceUnit.DistanceMeters, param.name()
        # linked to a layer, QGIS's dialog would label and convert it in that layer's units (degrees)
        assert not param.parentParameterName(), f"{alg_id} {param.name()} is linked to {param.parentParameterName()}"
        if (alg_id, param.name()) in GEODESIC_DISTANCES:
            # measured on the ellipsoid (no projection to fold or buffer to grow): bounded, larger
            assert param.maximum() <= GEODESIC_DISTANCES[(alg_id, param.name())], param.name()
        else:
            assert param.maximum() <= MAX_DISTANCE_M, param.name()


def test_the_dialog_shows_metres_beside_a_lon_lat_layer_and_converts_kilometres(bordergaps_provider, qgis_app):
    from qgis.core import QgsApplication
    from qgis.gui import QgsGui, QgsProcessingGui
    from qgis.PyQt.QtWidgets import QComboBox, QLabel, QWidget

    layer = rb.control_layer()  # EPSG:4326: its map units are degrees
    QgsProject.instance().addMapLayer(layer)
    try:
        alg = QgsApplication.processingRegistry().algorithmById("bordergaps:gapzones")
        context = QgsProcessingContext()
        context.setProject(QgsProject.instance())
        panel = QWidget()
        wrappers = {}
        for param in alg.parameterDefinitions():
            wrapper = QgsGui.processingGuiRegistry().createParameterWidgetWrapper(
                param, QgsProcessingGui.WidgetType.Standard
            )
            if wrapper is not None:
                wrapper.createWrappedWidget(context).setParent(panel)
                wrappers[param.name()] = wrapper
        wrappers["CONTROL_AREAS"].setParameterValue(layer.id(), context)
        for wrapper in wrappers.values():
            wrapper.postInitialize(list(wrappers.values()))
        panel.show()
        for name in ("SEAM_DISTANCE", "DEFAULT_RANGE"):
            widget = wrappers[name].wrappedWidget()
            units = [c for c in widget.findChildren(QComboBox) if c.isVisible()]
            assert [c.currentText() for c in units] == [QgsUnitTypes.toString(QgsUnitTypes.DistanceUnit.DistanceMeters)]
            assert not [lbl.text() for lbl in widget.findChildren(QLabel) if lbl.isVisible() and "degree" in lbl.text()]
            units[0].setCurrentIndex(units[0].findData(QgsUnitTypes.DistanceUnit.DistanceKilometers))
            wrappers[name].setParameterValue(3, context)
            assert wrappers[name].parameterValue() == pytest.approx(3000.0), name  # 3 km typed: 3000 m read
        panel.close()
    finally:
        QgsProject.instance().removeMapLayer(layer.id())
