"""Layers and a recording feedback for the crossing-corridor tests: small scenes in UTM 38N,
far from the real border so that the bundled border never takes part unless a test asks."""

from qgis.core import QgsFeature, QgsGeometry, QgsProcessingFeedback, QgsVectorLayer
from qgis.PyQt.QtCore import QVariant

from border_gaps.analysis.compat import new_field

CRS = "EPSG:32638"
# central meridian of zone 38 (45°E), about 33.4°N: inside Iraq, 250 km from the Syrian border
X0, Y0 = 500_000.0, 3_700_000.0


def at(dx, dy):
    """Absolute coordinates of a point given in metres from the scene's corner."""
    return X0 + dx, Y0 + dy


def layer(kind, wkts, name="layer", fields=(), values=None, crs=CRS):
    """A memory layer of ``kind`` (Point, LineString, Polygon) from WKT in scene-relative metres."""
    lyr = QgsVectorLayer(f"{kind}?crs={crs}", name, "memory")
    provider = lyr.dataProvider()
    provider.addAttributes([new_field(f, QVariant.String if t == "str" else QVariant.Double) for f, t in fields])
    lyr.updateFields()
    feats = []
    for n, wkt in enumerate(wkts):
        feat = QgsFeature(lyr.fields())
        geom = QgsGeometry.fromWkt(wkt)
        geom.translate(X0, Y0)
        feat.setGeometry(geom)
        if values is not None:
            feat.setAttributes(list(values[n]))
        feats.append(feat)
    provider.addFeatures(feats)
    lyr.updateExtents()
    assert lyr.isValid() and lyr.featureCount() == len(wkts)
    return lyr


def points(xys, name="points", labels=None):
    fields = [("name", "str")] if labels else ()
    values = [(label,) for label in labels] if labels else None
    return layer("Point", [f"POINT({x} {y})" for x, y in xys], name, fields, values)


def rectangle(x0, y0, x1, y1):
    return f"POLYGON(({x0} {y0}, {x1} {y0}, {x1} {y1}, {x0} {y1}, {x0} {y0}))"


class RecordingFeedback(QgsProcessingFeedback):
    """Keeps every warning and info line so tests can assert the messages."""

    def __init__(self):
        super().__init__()
        self.warnings, self.infos = [], []

    def pushWarning(self, text):  # noqa: N802 (QGIS API name)
        self.warnings.append(text)
        super().pushWarning(text)

    def pushInfo(self, text):  # noqa: N802 (QGIS API name)
        self.infos.append(text)
        super().pushInfo(text)

    def reportError(self, text, fatalError=False):  # noqa: N802,N803 (QGIS API names)
        self.warnings.append(text)
        super().reportError(text, fatalError)
