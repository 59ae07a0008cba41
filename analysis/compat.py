"""The places where QGIS releases differ (3.22 to 3.44, and QGIS 4 ahead): one function for each,
so the rest of Border Gaps calls one API and no release prints a deprecation warning."""

from qgis.core import Qgis, QgsField, QgsMapLayer, QgsRectangle
from qgis.PyQt.QtCore import QMetaType, QVariant

# QGIS 3.38 types fields with QMetaType.Type and deprecates the QVariant.Type constructors;
# 3.22 has only those.
_METATYPE_FIELDS = Qgis.QGIS_VERSION_INT >= 33800


def field_type(kind):
    """``kind`` (a QVariant.Type such as ``QVariant.String``, or the QMetaType.Type of the same
    number such as ``QMetaType.Type.QString``) as the type this QGIS's QgsField takes."""
    return QMetaType.Type(int(kind)) if _METATYPE_FIELDS else QVariant.Type(int(kind))


def new_field(name: str, kind, type_name: str = "", length: int = 0, precision: int = 0) -> QgsField:
    """``QgsField(name, kind, …)`` without the deprecation warning of QGIS >= 3.38."""
    return QgsField(name, field_type(kind), type_name, length, precision)


def null_rectangle() -> QgsRectangle:
    """A rectangle that the first ``combineExtentWith`` sets to what it is given.

    ``setNull()`` from QGIS 3.34 on (``setMinimal()``, its old name, is deprecated there).
    """
    rect = QgsRectangle()
    if hasattr(rect, "setNull"):
        rect.setNull()
    else:
        rect.setMinimal()
    return rect


def layer_attribution(layer: QgsMapLayer) -> str:
    """The attribution set in the layer's properties (QGIS Server tab), or ''.

    QGIS 3.38 moved it from ``QgsMapLayer.attribution()`` (deprecated there) to the layer's
    server properties.
    """
    server = layer.serverProperties() if hasattr(layer, "serverProperties") else None
    if server is not None and hasattr(server, "attribution"):
        return server.attribution() or ""
    return (layer.attribution() or "") if hasattr(layer, "attribution") else ""
