"""The "Add border-region layers" action: one styled group, drawing order, zoom, no duplicates."""

import hashlib
import os

import pytest
from qgis.core import Qgis, QgsProject, QgsVectorLayer, QgsWkbTypes

import border_gaps
from border_gaps.layers import catalogue, loader

EXPECTED_ORDER = ["crossings", "settlements", "border", "border_bands", "districts", "governorates", "countries"]


def _names(group):
    return [node.layer().customProperty(catalogue.LAYER_PROPERTY) for node in group.findLayers()]


def _digest(path):
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


@pytest.fixture
def project(qgis_app):
    project = QgsProject()
    yield project
    project.clear()


def test_group_created_once_in_drawing_order(project):
    group = loader.add_border_region_layers(project)
    assert group.name() == "Border region"
    assert _names(group) == EXPECTED_ORDER
    assert [e.name for e in sorted(catalogue.BUNDLED, key=lambda e: e.order)] == EXPECTED_ORDER
    assert project.layerTreeRoot().children()[0] is group
    count = len(project.mapLayers())
    again = loader.add_border_region_layers(project)
    assert again is group
    assert len(project.mapLayers()) == count == len(EXPECTED_ORDER)
    assert [c.name() for c in project.layerTreeRoot().children()].count("Border region") == 1
    assert _names(group) == EXPECTED_ORDER


def test_points_on_top_polygons_below(project):
    group = loader.add_border_region_layers(project)
    types = [node.layer().geometryType() for node in group.findLayers()]
    assert types[:2] == [QgsWkbTypes.GeometryType.PointGeometry] * 2
    assert types[2] == QgsWkbTypes.GeometryType.LineGeometry
    assert types[3:] == [QgsWkbTypes.GeometryType.PolygonGeometry] * 4  # bands, districts, governorates, countries


def test_removed_layer_is_put_back_in_its_place(project):
    group = loader.add_border_region_layers(project)
    border = next(
        n.layer() for n in group.findLayers() if n.layer().customProperty(catalogue.LAYER_PROPERTY) == "border"
    )
    project.removeMapLayer(border.id())
    assert "border" not in _names(group)
    loader.add_border_region_layers(project)
    assert _names(group) == EXPECTED_ORDER


def test_styles_applied_not_default_renderers(project):
    group = loader.add_border_region_layers(project)
    for node in group.findLayers():
        layer = node.layer()
        name = layer.customProperty(catalogue.LAYER_PROPERTY)
        plain = QgsVectorLayer(catalogue.entry(name).uri, "plain", "ogr")
        assert layer.renderer().dump() != plain.renderer().dump(), name
    by_name = {n.layer().customProperty(catalogue.LAYER_PROPERTY): n.layer() for n in group.findLayers()}
    assert by_name["crossings"].renderer().type() == "categorizedSymbol"
    assert by_name["crossings"].renderer().classAttribute() == "status"
    assert by_name["settlements"].renderer().type() == "RuleRenderer"
    assert by_name["settlements"].labelsEnabled()
    assert by_name["border_bands"].renderer().categories()[0].symbol().color().alpha() < 255


def test_layers_carry_source_metadata(project):
    group = loader.add_border_region_layers(project)
    for node in group.findLayers():
        meta = node.layer().metadata()
        assert meta.abstract()
        name = node.layer().customProperty(catalogue.LAYER_PROPERTY)
        for source in catalogue.entry(name).sources:
            assert catalogue.ATTRIBUTION[source] in meta.rights(), (name, source)
        if name != "districts":  # the districts are Who's On First's alone
            assert "Made with Natural Earth" in meta.rights()
    settlements = next(
        n.layer() for n in group.findLayers() if n.layer().customProperty(catalogue.LAYER_PROPERTY) == "settlements"
    )
    assert "GeoNames, www.geonames.org" in settlements.metadata().rights()
    assert any("CC BY 4.0" in lic for lic in settlements.metadata().licenses())
    # Who's On First: linking back to its licence is required
    assert any(catalogue.WOF_LICENSE_URL in right for right in settlements.metadata().rights())


def test_zooms_canvas_to_border(project, qgis_canvas):
    qgis_canvas.setDestinationCrs(project.crs() if project.crs().isValid() else catalogue.bundled_layer("border").crs())
    loader.add_border_region_layers(project, canvas=qgis_canvas)
    border = catalogue.bundled_layer("border").extent()
    shown = qgis_canvas.extent()
    assert shown.contains(border)
    # The canvas keeps its aspect ratio: one side fits the border closely.
    assert shown.width() < 1.5 * border.width() or shown.height() < 1.5 * border.height()


def test_bundled_layer_is_not_added_to_any_project(qgis_app):
    before = set(QgsProject.instance().mapLayers())
    layer = catalogue.bundled_layer("settlements")
    assert layer.isValid() and layer.id() not in QgsProject.instance().mapLayers()
    assert set(QgsProject.instance().mapLayers()) == before
    with pytest.raises(KeyError):
        catalogue.bundled_layer("control_areas")
    with pytest.raises(KeyError):
        catalogue.demo_layer("border")
    with pytest.raises(KeyError):
        catalogue.bundled_layer("no_such_layer")


def test_opening_bundled_layers_leaves_the_files_unchanged(qgis_app):
    before = {p: _digest(p) for p in (catalogue.BORDER_REGION_GPKG, catalogue.DEMO_SCENARIO_GPKG)}
    layers = [catalogue.bundled_layer(e.name) for e in catalogue.BUNDLED]
    layers += [catalogue.demo_layer(e.name) for e in catalogue.DEMO]
    for layer in layers:
        assert len(list(layer.getFeatures())) == layer.featureCount()
    del layers
    assert {p: _digest(p) for p in before} == before


def test_plugin_action_adds_the_group(recording_iface, no_bordergaps_provider):
    plugin = border_gaps.classFactory(recording_iface)
    plugin.initGui()
    try:
        action = next(a for a in plugin.actions if a.text() == "Add border-region layers")
        action.trigger()
        action.trigger()
        root = QgsProject.instance().layerTreeRoot()
        groups = [c for c in root.children() if c.name() == "Border region"]
        assert len(groups) == 1
        assert _names(groups[0]) == EXPECTED_ORDER
        assert recording_iface.messageBar().get_messages(Qgis.Critical) == []
        assert recording_iface.mapCanvas().extent().contains(catalogue.bundled_layer("border").extent())
    finally:
        plugin.unload()
        QgsProject.instance().clear()


def test_every_catalogue_style_exists():
    for item in catalogue.BUNDLED + catalogue.DEMO:
        assert os.path.isfile(item.style_path), item.style
