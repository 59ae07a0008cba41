"""Files for field devices (bordergaps:exportfield): a KMZ for Google Earth and phone apps (styled
folders: gaps coloured by priority with their figures, posts, crossings, settlements with English
and Arabic names, drone sorties as lines) and a GPX 1.1 file for handheld GPS units (waypoints:
posts, each gap's innermost point "Gap N", crossings; routes: sorties). WGS 84, UTF-8, every
geometry simplified to a tolerance in metres first."""

import datetime
import html
import io
import math
import os
import zipfile
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple
from xml.etree import ElementTree as ET  # nosec B405: XML is only written here, never parsed

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsGeometry,
    QgsPointXY,
    QgsRectangle,
    QgsVectorLayer,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QBuffer, QByteArray, QIODevice, QPointF, Qt
from qgis.PyQt.QtGui import QColor, QImage, QPainter, QPen, QPolygonF

from .crs import metric_crs_for
from .errors import BorderGapsError
from .inputs import iter_features
from .maplayout import PRIORITY_CLASSES

WGS84 = QgsCoordinateReferenceSystem("EPSG:4326")
KML_NS = "http://www.opengis.net/kml/2.2"
GPX_NS = "http://www.topografix.com/GPX/1/1"
DIGITS = 7  # decimal degrees: 1e-7° is about 1 cm
GAP_FIGURES = [
    ("priority", "Priority", 0, ""),
    ("area_km2", "Area", 1, "km²"),
    ("width_km", "Width", 2, "km"),
    ("perimeter_km", "Perimeter", 1, "km"),
    ("border_km", "To the border", 1, "km"),
    ("post_km", "To the nearest post or coverage", 1, "km"),
    ("settlements", "Settlements inside", 0, ""),
    ("abandoned", "Abandoned settlements", 0, ""),
    ("force_a_adj", "Districts on side A", None, ""),
    ("force_b_adj", "Districts on side B", None, ""),
    ("a_post", "Answering post, side A", None, ""),
    ("a_minutes", "Minutes, side A", 0, "min"),
    ("b_post", "Answering post, side B", None, ""),
    ("b_minutes", "Minutes, side B", 0, "min"),
    ("first_force", "First to arrive", None, ""),
    ("incidents", "Incidents", 0, ""),
    ("fatalities", "Fatalities", 0, ""),
    ("rate_per_100km2_year", "Incidents per 100 km² a year", 1, ""),
]
# marker icons drawn into the KMZ (files/NAME.png) so phones offline show them: shape, fill, outline
ICONS = {
    "post": ("triangle", "#1b1b1b", "#ffffff"),
    "crossing": ("diamond", "#e6c229", "#3a3a3a"),
    "settlement": ("circle", "#3a3a3a", "#ffffff"),
    "gap": ("circle", "#b2182b", "#ffffff"),
}


@dataclass
class FieldItem:
    """One thing to write: a name, its description lines (what, value), its WGS 84 geometry."""

    name: str
    geometry: QgsGeometry
    details: List[Tuple[str, str]] = field(default_factory=list)
    style: str = ""
    symbol: str = ""  # GPX <sym>
    kind: str = ""  # GPX <type>
    point: Optional[QgsPointXY] = None  # a label point for a polygon (its innermost point)
    data: Dict[str, str] = field(default_factory=dict)


@dataclass
class FieldData:
    """The folders of the KMZ (and GPX): gaps, posts, crossings, settlements, sorties."""

    title: str
    gaps: List[FieldItem] = field(default_factory=list)
    posts: List[FieldItem] = field(default_factory=list)
    crossings: List[FieldItem] = field(default_factory=list)
    settlements: List[FieldItem] = field(default_factory=list)
    sorties: List[FieldItem] = field(default_factory=list)
    classes: List[Tuple[float, float, str, str]] = field(default_factory=lambda: list(PRIORITY_CLASSES))


# ------------------------------------------------------------------ reading layers


def _value(feature, name):
    if feature.fieldNameIndex(name) < 0:
        return None
    value = feature[name]
    if value is None or (hasattr(value, "isNull") and value.isNull()):
        return None
    return value


def _text(value, digits=None, unit=""):
    if value is None:
        return None
    if digits is not None:
        try:
            number = float(value)
        except (TypeError, ValueError):
            return str(value)
        if not math.isfinite(number):
            return None
        value = f"{number:,.{digits}f}"
    return f"{value} {unit}".strip()


class Projector:
    """Simplifies geometries in the metric CRS of an extent and writes them in WGS 84."""

    def __init__(self, extent: QgsRectangle, crs: QgsCoordinateReferenceSystem, tolerance_m: float, context):
        self.metric = metric_crs_for(extent, crs)
        self.tolerance = max(0.0, tolerance_m)
        self.context = context
        self._to_wgs84 = QgsCoordinateTransform(self.metric, WGS84, context)

    def to_metric(self, layer: QgsVectorLayer) -> QgsCoordinateTransform:
        return QgsCoordinateTransform(layer.crs(), self.metric, self.context)

    def simplified(self, geometry: QgsGeometry) -> QgsGeometry:
        """``geometry`` (in the metric CRS) simplified to the tolerance, still valid, never empty."""
        if self.tolerance <= 0:
            return QgsGeometry(geometry)
        out = geometry.simplify(self.tolerance)
        if out.isNull() or out.isEmpty():
            return QgsGeometry(geometry)
        if geometry.type() == QgsWkbTypes.GeometryType.PolygonGeometry and not out.isGeosValid():
            out = out.makeValid()
            polygons = [p for p in out.asGeometryCollection() if p.type() == QgsWkbTypes.GeometryType.PolygonGeometry]
            out = QgsGeometry.collectGeometry(polygons) if polygons else QgsGeometry(geometry)
        return out

    def wgs84(self, geometry: QgsGeometry) -> QgsGeometry:
        out = QgsGeometry(geometry)
        out.transform(self._to_wgs84)
        return out


def _in_wgs84(point: QgsPointXY) -> bool:
    return math.isfinite(point.x()) and math.isfinite(point.y()) and -180 <= point.x() <= 180 and -90 <= point.y() <= 90


def _features(layer: Optional[QgsVectorLayer], to_metric, near: Optional[QgsGeometry] = None):
    """(feature, geometry in the metric CRS) of ``layer``'s features with a geometry (within ``near``)."""
    if layer is None:
        return
    for feature in iter_features(layer):
        if not feature.hasGeometry() or feature.geometry().isEmpty():
            continue
        geometry = QgsGeometry(feature.geometry())
        geometry.transform(to_metric)
        if near is not None and not near.intersects(geometry):
            continue
        yield feature, geometry


def priority_classes() -> List[Tuple[float, float, str, str]]:
    """(low, high, colour, label) of the gap map's priority classes: those of
    resources/styles/gap_zones.qml, so the KMZ and the maps agree; PRIORITY_CLASSES without it."""
    from qgis.core import QgsGraduatedSymbolRenderer

    from .maplayout import load_qml

    layer = QgsVectorLayer("Polygon?crs=EPSG:4326&field=priority:double", "classes", "memory")
    if load_qml(layer, "gap_zones"):
        renderer = layer.renderer()
        if isinstance(renderer, QgsGraduatedSymbolRenderer) and renderer.ranges():
            return [(r.lowerValue(), r.upperValue(), r.symbol().color().name(), r.label()) for r in renderer.ranges()]
    return list(PRIORITY_CLASSES)


def priority_style(priority, classes) -> str:
    """The KML style id of a gap's priority class (gap_0, gap_1 …; gap_none without a priority)."""
    try:
        value = float(priority)
    except (TypeError, ValueError):
        return "gap_none"
    for index, (_low, high, _colour, _label) in enumerate(classes):
        if value <= high or index == len(classes) - 1:
            return f"gap_{index}"
    return "gap_none"


def read_field_data(
    title: str,
    gaps: QgsVectorLayer,
    context,
    tolerance_m: float = 20.0,
    posts: Optional[QgsVectorLayer] = None,
    crossings: Optional[QgsVectorLayer] = None,
    settlements: Optional[QgsVectorLayer] = None,
    sorties: Optional[QgsVectorLayer] = None,
    near_m: float = 25000.0,
    feedback=None,
) -> FieldData:
    """What the KMZ and GPX hold: every gap (simplified, with its innermost point), every post and
    sortie, the crossings and settlements within ``near_m`` of a gap."""
    projector = Projector(gaps.extent(), gaps.crs(), tolerance_m, context)
    data = FieldData(title, classes=priority_classes())
    to_metric = projector.to_metric(gaps)
    near_parts = []
    for feature, geometry in _features(gaps, to_metric):
        if not geometry.isGeosValid():
            geometry = geometry.makeValid()
        pole, _radius = geometry.poleOfInaccessibility(max(1.0, math.sqrt(max(geometry.area(), 1.0)) / 500.0))
        if pole.isNull() or pole.isEmpty():
            pole = geometry.pointOnSurface()
        pole = projector.wgs84(pole)
        if pole.isNull() or pole.isEmpty() or not _in_wgs84(pole.asPoint()):
            raise BorderGapsError(
                f"Gap {_value(feature, 'gap_id')} of layer '{gaps.name()}' does not fall on the earth in WGS 84: "
                f"check the layer's CRS ({gaps.crs().authid() or 'none'}) and its coordinates."
            )
        gap_id = _value(feature, "gap_id")
        name = f"Gap {gap_id}" if gap_id is not None else f"Gap (feature {feature.id()})"
        details = []
        for key, what, digits, unit in GAP_FIGURES:
            text = _text(_value(feature, key), digits, unit)
            if text:
                details.append((what, text))
        priority = _value(feature, "priority")
        simple = projector.simplified(geometry)
        data.gaps.append(
            FieldItem(
                name,
                projector.wgs84(simple),
                details,
                style=priority_style(priority, data.classes),
                symbol="Danger Area",
                kind="gap",
                point=pole.asPoint(),
                data={k: str(_value(feature, k)) for k, *_ in GAP_FIGURES[:3] if _value(feature, k) is not None}
                | ({"gap_id": str(gap_id)} if gap_id is not None else {}),
            )
        )
        near_parts.append(geometry.buffer(near_m, 8) if near_m > 0 else geometry)
        if feedback is not None and feedback.isCanceled():
            return data
    near = QgsGeometry.unaryUnion(near_parts) if near_parts else None

    if posts is not None:
        for index, (feature, geometry) in enumerate(_features(posts, projector.to_metric(posts)), start=1):
            name = _value(feature, "name") or _value(feature, "post_id") or f"Post {index}"
            details = [
                (what, _text(_value(feature, key), digits, unit))
                for key, what, digits, unit in (
                    ("force", "Force", None, ""),
                    ("kind", "Kind", None, ""),
                    ("range_m", "Range", 0, "m"),
                    ("sensor", "Sensor", None, ""),
                )
                if _value(feature, key) is not None
            ]
            data.posts.append(
                FieldItem(str(name), projector.wgs84(geometry.centroid()), details, "post", "Flag, Blue", "post")
            )
    for layer, items, style, symbol in (
        (crossings, data.crossings, "crossing", "Crossing"),
        (settlements, data.settlements, "settlement", "City (Small)"),
    ):
        if layer is None:
            continue
        for feature, geometry in _features(layer, projector.to_metric(layer), near):
            english, arabic = _value(feature, "name"), _value(feature, "name_ar")
            name = " / ".join(str(n) for n in (english, arabic) if n) or f"{style.title()} {feature.id()}"
            details = [("English name", str(english))] if english else []
            if arabic:
                details.append(("Arabic name", str(arabic)))
            for key, what, digits in (
                ("kind", "Kind", None),
                ("status", "Status", None),
                ("status_date", "Status date", None),
                ("side", "Side", None),
                ("population", "Population", 0),
                ("border_km", "To the border (km)", 1),
            ):
                text = _text(_value(feature, key), digits)
                if text:
                    details.append((what, text))
            items.append(FieldItem(name, projector.wgs84(geometry.centroid()), details, style, symbol, style))
    if sorties is not None:
        for index, (feature, geometry) in enumerate(_features(sorties, projector.to_metric(sorties)), start=1):
            sortie = _value(feature, "sortie")
            name = f"Sortie {sortie}" if sortie is not None else f"Sortie {index}"
            details = [
                (what, _text(_value(feature, key), digits, unit))
                for key, what, digits, unit in (
                    ("base", "Base", None, ""),
                    ("length_km", "Length", 1, "km"),
                    ("minutes", "Flight time", 0, "min"),
                    ("gaps", "Gaps in visiting order", None, ""),
                    ("surveyed_km2", "Surveyed", 1, "km²"),
                )
                if _value(feature, key) is not None
            ]
            line = projector.simplified(geometry)
            data.sorties.append(FieldItem(name, projector.wgs84(line), details, "sortie", "", "sortie"))
    return data


# ------------------------------------------------------------------ KML / KMZ


def _kml_colour(colour: str, alpha: int = 255) -> str:
    """KML colours are aabbggrr."""
    c = QColor(colour)
    return f"{alpha:02x}{c.blue():02x}{c.green():02x}{c.red():02x}"


def _coords(points: Sequence[QgsPointXY]) -> str:
    return " ".join(f"{round(p.x(), DIGITS)},{round(p.y(), DIGITS)}" for p in points)


def _sub(parent, tag, text=None, **attrs):
    element = ET.SubElement(parent, f"{{{KML_NS}}}{tag}", attrs)
    if text is not None:
        element.text = text
    return element


def _kml_geometry(parent, geometry: QgsGeometry, point: Optional[QgsPointXY] = None) -> None:
    parts = []
    if point is not None:
        parts.append(("point", point))
    kind = geometry.type()
    if kind == QgsWkbTypes.GeometryType.PointGeometry:
        parts += [("point", p) for p in (geometry.asMultiPoint() if geometry.isMultipart() else [geometry.asPoint()])]
    elif kind == QgsWkbTypes.GeometryType.LineGeometry:
        parts += [
            ("line", line)
            for line in (geometry.asMultiPolyline() if geometry.isMultipart() else [geometry.asPolyline()])
        ]
    elif kind == QgsWkbTypes.GeometryType.PolygonGeometry:
        parts += [
            ("polygon", p) for p in (geometry.asMultiPolygon() if geometry.isMultipart() else [geometry.asPolygon()])
        ]
    target = _sub(parent, "MultiGeometry") if len(parts) > 1 else parent
    for what, part in parts:
        if what == "point":
            _sub(_sub(target, "Point"), "coordinates", _coords([part]))
        elif what == "line":
            line = _sub(target, "LineString")
            _sub(line, "tessellate", "1")
            _sub(line, "coordinates", _coords(part))
        else:
            polygon = _sub(target, "Polygon")
            _sub(polygon, "tessellate", "1")
            for index, ring in enumerate(part):
                boundary = _sub(polygon, "outerBoundaryIs" if index == 0 else "innerBoundaryIs")
                _sub(_sub(boundary, "LinearRing"), "coordinates", _coords(ring))


def _description(item: FieldItem) -> str:
    rows = "".join(
        f"<tr><td><b>{html.escape(what)}</b></td><td>{html.escape(value)}</td></tr>" for what, value in item.details
    )
    return f"<table>{rows}</table>" if rows else ""


def _styles(document, classes) -> None:
    """Shared styles (children in the order the KML schema lists them: icon, label, line, poly)."""
    for index, (_low, _high, colour, _label) in enumerate(classes):
        style = _sub(document, "Style", id=f"gap_{index}")
        icon = _sub(style, "IconStyle")
        _sub(icon, "scale", "0.8")
        _sub(_sub(icon, "Icon"), "href", "files/gap.png")
        _sub(_sub(style, "LabelStyle"), "scale", "1.0")
        line = _sub(style, "LineStyle")
        _sub(line, "color", _kml_colour("#3d0008"))
        _sub(line, "width", "2")
        _sub(_sub(style, "PolyStyle"), "color", _kml_colour(colour, 150))
    none = _sub(document, "Style", id="gap_none")
    _sub(_sub(none, "PolyStyle"), "color", _kml_colour("#999999", 150))
    for name in ("post", "crossing", "settlement"):
        style = _sub(document, "Style", id=name)
        icon = _sub(style, "IconStyle")
        _sub(icon, "scale", "0.9" if name != "settlement" else "0.7")
        _sub(_sub(icon, "Icon"), "href", f"files/{name}.png")
        _sub(_sub(style, "LabelStyle"), "scale", "0.8")
    sortie = _sub(document, "Style", id="sortie")
    line = _sub(sortie, "LineStyle")
    _sub(line, "color", _kml_colour("#1f78b4"))
    _sub(line, "width", "3")


FOLDERS = [
    ("gaps", "Gap zones (by priority)"),
    ("posts", "Posts"),
    ("crossings", "Border crossings"),
    ("settlements", "Settlements"),
    ("sorties", "Drone sorties"),
]


def kml_document(data: FieldData) -> bytes:
    """The doc.kml of the KMZ: a folder per kind of thing, shared styles, UTF-8."""
    ET.register_namespace("", KML_NS)
    kml = ET.Element(f"{{{KML_NS}}}kml")
    document = _sub(kml, "Document")
    _sub(document, "name", data.title)
    _sub(
        document,
        "description",
        f"Border Gaps field export, {datetime.datetime.now(datetime.timezone.utc).date().isoformat()}. WGS 84.",
    )
    _styles(document, data.classes)
    for key, folder_name in FOLDERS:
        items = getattr(data, key)
        if not items:
            continue
        folder = _sub(document, "Folder")
        _sub(folder, "name", folder_name)
        for item in items:
            placemark = _sub(folder, "Placemark")
            _sub(placemark, "name", item.name)
            description = _description(item)
            if description:
                _sub(placemark, "description", description)
            if item.style:
                _sub(placemark, "styleUrl", f"#{item.style}")
            if item.data:
                extended = _sub(placemark, "ExtendedData")
                for name, value in item.data.items():
                    _sub(_sub(extended, "Data", name=name), "value", value)
            _kml_geometry(placemark, item.geometry, item.point)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(kml, encoding="utf-8")


def icon_png(shape: str, fill: str, outline: str, size: int = 32) -> bytes:
    """A marker icon as PNG bytes (drawn here, so the KMZ needs nothing from the network)."""
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(QColor(outline), 2.5))
    painter.setBrush(QColor(fill))
    m = 3.0
    if shape == "triangle":
        painter.drawPolygon(QPolygonF([QPointF(size / 2, m), QPointF(size - m, size - m), QPointF(m, size - m)]))
    elif shape == "diamond":
        half = size / 2
        painter.drawPolygon(
            QPolygonF([QPointF(half, m), QPointF(size - m, half), QPointF(half, size - m), QPointF(m, half)])
        )
    else:
        painter.drawEllipse(QPointF(size / 2, size / 2), size / 2 - m, size / 2 - m)
    painter.end()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(QByteArray(buffer.data()))


def write_kmz(data: FieldData, path: str) -> None:
    """The KMZ: doc.kml first (as the format asks) and the icons under files/."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    content = io.BytesIO()
    with zipfile.ZipFile(content, "w", zipfile.ZIP_DEFLATED) as kmz:
        kmz.writestr("doc.kml", kml_document(data))
        for name, (shape, fill, outline) in ICONS.items():
            kmz.writestr(f"files/{name}.png", icon_png(shape, fill, outline))
    with open(path, "wb") as f:
        f.write(content.getvalue())


# ------------------------------------------------------------------ GPX


def _gpx(parent, tag, text=None, **attrs):
    element = ET.SubElement(parent, f"{{{GPX_NS}}}{tag}", {k: str(v) for k, v in attrs.items()})
    if text is not None:
        element.text = text
    return element


def _lat_lon(point: QgsPointXY) -> dict:
    return {"lat": f"{point.y():.{DIGITS}f}", "lon": f"{point.x():.{DIGITS}f}"}


def _gpx_desc(item: FieldItem) -> str:
    return "; ".join(f"{what}: {value}" for what, value in item.details)


def waypoints(data: FieldData) -> List[Tuple[FieldItem, QgsPointXY]]:
    """Posts, each gap's innermost point ("Gap N"), crossings."""
    points = [(item, item.geometry.asPoint()) for item in data.posts]
    points += [(item, item.point) for item in data.gaps if item.point is not None]
    points += [(item, item.geometry.asPoint()) for item in data.crossings]
    return points


def gpx_document(data: FieldData) -> bytes:
    """GPX 1.1: metadata with bounds, waypoints, then a route per sortie."""
    ET.register_namespace("", GPX_NS)
    gpx = ET.Element(f"{{{GPX_NS}}}gpx", {"version": "1.1", "creator": "Border Gaps (QGIS plugin)"})
    metadata = _gpx(gpx, "metadata")
    _gpx(metadata, "name", data.title)
    _gpx(metadata, "desc", "Posts, gap centres (innermost points) and crossings; drone sorties as routes. WGS 84.")
    _gpx(
        metadata,
        "time",
        datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
    )
    points = waypoints(data)
    every = [p for _i, p in points] + [p for item in data.sorties for p in _route_points(item.geometry)]
    if every:
        _gpx(
            metadata,
            "bounds",
            minlat=f"{min(p.y() for p in every):.{DIGITS}f}",
            minlon=f"{min(p.x() for p in every):.{DIGITS}f}",
            maxlat=f"{max(p.y() for p in every):.{DIGITS}f}",
            maxlon=f"{max(p.x() for p in every):.{DIGITS}f}",
        )
    for item, point in points:
        wpt = _gpx(gpx, "wpt", **_lat_lon(point))
        _gpx(wpt, "name", item.name)
        desc = _gpx_desc(item)
        if desc:
            _gpx(wpt, "desc", desc)
        if item.symbol:
            _gpx(wpt, "sym", item.symbol)
        if item.kind:
            _gpx(wpt, "type", item.kind)
    for item in data.sorties:
        rte = _gpx(gpx, "rte")
        _gpx(rte, "name", item.name)
        desc = _gpx_desc(item)
        if desc:
            _gpx(rte, "desc", desc)
        _gpx(rte, "type", item.kind or "sortie")
        for number, point in enumerate(_route_points(item.geometry), start=1):
            rtept = _gpx(rte, "rtept", **_lat_lon(point))
            _gpx(rtept, "name", f"{item.name.replace('Sortie ', 'S')}-{number:03d}")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(gpx, encoding="utf-8")


def _route_points(geometry: QgsGeometry) -> List[QgsPointXY]:
    lines = geometry.asMultiPolyline() if geometry.isMultipart() else [geometry.asPolyline()]
    points: List[QgsPointXY] = []
    for line in lines:
        for point in line:
            if not points or points[-1] != point:
                points.append(point)
    return points


def write_gpx(data: FieldData, path: str) -> None:
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "wb") as f:
        f.write(gpx_document(data))
