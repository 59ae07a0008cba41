"""The bundled GeoPackages (resources/data) are read, never written.

Issue 21: after a soak run resources/data/border_region.gpkg showed as modified in git with the
same tables and rows (`sqlite3 .dump` identical): only its header had changed (the SQLite file
change counter and version-valid-for number, bytes 24-27 and 92-95). The soak had filtered the
bundled settlements and crossings with QgsVectorLayer.setSubsetString; to apply a subset string
QGIS 3.22's OGR provider opens the GeoPackage again for update (O_RDWR) and, as it does for every
local GeoPackage it opens for update, switches the journal to WAL ("PRAGMA journal_mode=WAL") and
back to DELETE when that connection closes: two write transactions on a file nobody edited.
Editing a bundled layer would write into the plugin's folder the same way. So the catalogue opens
every bundled layer read-only (and, on QGIS 3.28+, its provider too), and our code filters the
bundled layers with feature requests, never subset strings; tests/conftest.py fails the session
when any test changed a bundled file.
"""

import hashlib
import os

import pytest
from qgis.core import QgsFeatureRequest, QgsProject, QgsVectorLayer

from border_gaps.layers import catalogue, loader

DATA = catalogue.DATA_DIR


def _state():
    """SHA-256 of every file in resources/data, and the names of any SQLite side files there."""
    digests = {}
    for name in sorted(os.listdir(DATA)):
        with open(os.path.join(DATA, name), "rb") as fh:
            digests[name] = hashlib.sha256(fh.read()).hexdigest()
    return digests


def _side_files():
    return [n for n in os.listdir(DATA) if n.endswith(("-wal", "-shm", "-journal"))]


@pytest.mark.parametrize("name", sorted(catalogue.CATALOGUE))
def test_every_bundled_layer_opens_read_only(qgis_app, name):
    item = catalogue.entry(name)
    layer = catalogue.bundled_layer(name) if item.gpkg == catalogue.BORDER_REGION_GPKG else catalogue.demo_layer(name)
    assert layer.isValid() and layer.featureCount() > 0, name
    assert layer.readOnly(), f"bundled layer '{name}' is editable"
    assert not layer.startEditing(), f"bundled layer '{name}' could be edited (and saved into the plugin's folder)"


def test_showing_reading_and_filtering_the_bundled_layers_writes_nothing(qgis_app, qgis_canvas):
    """What the plugin does with the bundled data: the Border region group added to the project
    and drawn, every feature read, each layer filtered by request as our code filters it."""
    before = _state()
    project = QgsProject.instance()
    group = loader.add_border_region_layers(project, canvas=qgis_canvas)
    layers = [node.layer() for node in group.findLayers()]
    layers += [catalogue.demo_layer(item.name) for item in catalogue.DEMO]
    assert layers
    qgis_canvas.setLayers(layers)
    qgis_canvas.zoomToFullExtent()
    qgis_canvas.refreshAllLayers()
    qgis_canvas.waitWhileRendering()
    for layer in layers:
        assert layer.readOnly(), layer.name()
        count = sum(1 for _ in layer.getFeatures())
        assert count == layer.featureCount() > 0, layer.name()
        field = layer.fields().names()[1]
        request = QgsFeatureRequest().setFilterExpression(f'"{field}" IS NOT NULL')
        assert sum(1 for _ in layer.getFeatures(request)) <= count
    project.removeAllMapLayers()
    qgis_canvas.setLayers([])
    assert _side_files() == [], "QGIS left SQLite side files beside the bundled data"
    assert _state() == before, "reading the bundled layers changed a bundled file"


def test_an_analyst_filter_on_a_bundled_layer_writes_nothing(qgis_app):
    """The analyst's own 'Filter…' on a bundled layer (Layers panel): the layer's subset string."""
    options = QgsVectorLayer.LayerOptions()
    if not hasattr(options, "forceReadOnly"):
        pytest.skip(
            "QGIS 3.22 has no read-only provider option: applying a subset string to a bundled layer "
            "makes its OGR provider reopen the GeoPackage for update and rewrite the header (WAL on and "
            "off); our code never does it (filters by request), an analyst's filter still can"
        )
    before = _state()
    layer = catalogue.bundled_layer("settlements")
    assert layer.setSubsetString("\"side\" = 'SY'")
    assert 0 < layer.featureCount()
    assert layer.setSubsetString("")
    del layer
    assert _side_files() == []
    assert _state() == before, "a subset string on a bundled layer changed its file"
