"""analysis/compat.py: one call that works, without a deprecation warning, on every QGIS release
we run on (pyproject's filterwarnings turns a deprecation from our code into a failure)."""

import math

import pytest
from qgis.core import QgsFields, QgsVectorLayer
from qgis.PyQt.QtCore import QMetaType, QVariant

from border_gaps.analysis.compat import field_type, layer_attribution, new_field, null_rectangle


@pytest.mark.parametrize(
    "kind, same",
    [
        (QVariant.String, QMetaType.Type.QString),
        (QVariant.Double, QMetaType.Type.Double),
        (QVariant.Int, QMetaType.Type.Int),
        (QVariant.LongLong, QMetaType.Type.LongLong),
        (QVariant.Bool, QMetaType.Type.Bool),
        (QVariant.Date, QMetaType.Type.QDate),
    ],
)
def test_new_field_takes_qvariant_and_qmetatype_types(kind, same):
    for given in (kind, same):
        field = new_field("value", given)
        assert field.name() == "value"
        assert int(field.type()) == int(kind) == int(field_type(given))


def test_new_field_keeps_length_and_precision(qgis_app):
    field = new_field("area_km2", QVariant.Double, "double", 12, 3)
    assert (field.length(), field.precision()) == (12, 3)
    layer = QgsVectorLayer("Point?crs=EPSG:4326", "fields", "memory")
    fields = QgsFields()
    fields.append(new_field("name", QVariant.String))
    fields.append(field)
    assert layer.dataProvider().addAttributes(fields.toList())
    layer.updateFields()
    assert [(f.name(), int(f.type())) for f in layer.fields()] == [
        ("name", int(QVariant.String)),
        ("area_km2", int(QVariant.Double)),
    ]


def test_null_rectangle_takes_the_first_box_it_is_given():
    rect = null_rectangle()
    assert rect.isNull()
    rect.combineExtentWith(41.0, 36.0)
    rect.combineExtentWith(42.5, 35.0)
    # a box from the two points, nothing left of the "null" start (not reaching 0 or ±max)
    assert (rect.xMinimum(), rect.yMinimum(), rect.xMaximum(), rect.yMaximum()) == (41.0, 35.0, 42.5, 36.0)
    assert all(math.isfinite(v) for v in (rect.xMinimum(), rect.xMaximum()))


def test_layer_attribution_reads_what_the_layer_properties_set(qgis_app):
    layer = QgsVectorLayer("Point?crs=EPSG:4326", "posts", "memory")
    assert layer_attribution(layer) == ""
    server = layer.serverProperties() if hasattr(layer, "serverProperties") else None
    if server is not None and hasattr(server, "setAttribution"):  # QGIS >= 3.38
        server.setAttribution("Border Police survey 2024")
    else:  # QGIS 3.22 - 3.36
        layer.setAttribution("Border Police survey 2024")
    assert layer_attribution(layer) == "Border Police survey 2024"
