"""The briefing map: a print layout of a gap layer built from the templates in
resources/layouts/, styled, sourced, and exported to PDF/PNG."""

import datetime
import math
import os
import re
import tempfile
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

from qgis.core import (
    Qgis,
    QgsCategorizedSymbolRenderer,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsCsException,
    QgsFeature,
    QgsFeatureRequest,
    QgsFillSymbol,
    QgsGeometry,
    QgsGraduatedSymbolRenderer,
    QgsLayerTreeLayer,
    QgsLayoutExporter,
    QgsLayoutItemAttributeTable,
    QgsLayoutItemLabel,
    QgsLayoutItemLegend,
    QgsLayoutItemMap,
    QgsLayoutItemPage,
    QgsLayoutItemPicture,
    QgsLayoutItemScaleBar,
    QgsLayoutMeasurement,
    QgsLayoutPoint,
    QgsLayoutSize,
    QgsLayoutTableColumn,
    QgsMapLayer,
    QgsMarkerSymbol,
    QgsPalLayerSettings,
    QgsPrintLayout,
    QgsProject,
    QgsProviderRegistry,
    QgsReadWriteContext,
    QgsRectangle,
    QgsRendererCategory,
    QgsRendererRange,
    QgsTextBufferSettings,
    QgsTextFormat,
    QgsUnitTypes,
    QgsVectorLayer,
    QgsVectorLayerSimpleLabeling,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtGui import QColor, QFont
from qgis.PyQt.QtXml import QDomDocument

from . import layoutfit
from .compat import layer_attribution
from .crs import layer_extent, metric_crs_for
from .errors import BorderGapsError

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LAYOUTS_DIR = os.path.join(ROOT, "resources", "layouts")
STYLES_DIR = os.path.join(ROOT, "resources", "styles")
NORTH_ARROW = os.path.join(LAYOUTS_DIR, "north_arrow.svg")

# PAGE enum of bordergaps:exportmap: (label, template orientation, page size in mm)
PAGES = [
    ("A4 landscape", "landscape", (297.0, 210.0)),
    ("A4 portrait", "portrait", (210.0, 297.0)),
    ("A3 landscape", "landscape", (420.0, 297.0)),
    ("A3 portrait", "portrait", (297.0, 420.0)),
]
# SORT_KEY enum: (label, field sorted on, descending; then the other key breaks ties)
SORT_KEYS = [("Priority (highest first)", "priority"), ("Area (largest first)", "area_km2")]
GAP_FIELDS = ("gap_id", "area_km2", "width_km", "border_km", "priority")
# the gap table: heading, expression, alignment
TABLE_COLUMNS = [
    ("Gap", '"gap_id"', Qt.AlignmentFlag.AlignLeft),
    ("Area km²", "coalesce(format_number(\"area_km2\", 1), '–')", Qt.AlignmentFlag.AlignRight),
    ("Width km", "coalesce(format_number(\"width_km\", 2), '–')", Qt.AlignmentFlag.AlignRight),
    ("Border km", "coalesce(format_number(\"border_km\", 1), '–')", Qt.AlignmentFlag.AlignRight),
    ("Priority", "coalesce(format_number(\"priority\", 0), '–')", Qt.AlignmentFlag.AlignRight),
]
# Fallback when resources/styles/gap_zones.qml is absent: priority classes in reds, which
# stand out from the force colours (gold, blue, green, pink) and the beige land.
PRIORITY_CLASSES = [
    (0, 20, "#fcbba1", "Priority 0–20"),
    (20, 40, "#fc9272", "Priority 20–40"),
    (40, 60, "#ef3b2c", "Priority 40–60"),
    (60, 80, "#cb181d", "Priority 60–80"),
    (80, 100, "#67000d", "Priority 80–100 (highest)"),
]
FORCE_COLOURS = {"peshmerga": "#e0b431", "isf": "#3a6fb0", "pmf": "#5d8c3a", "ybs": "#9b59b6"}
OTHER_COLOURS = ["#8c8c8c", "#c0785a", "#5aa6a6", "#a6a65a"]
UNCLAIMED_REACH_M = 5000.0  # land held by none within this of two forces is hatched
MARGIN_FRACTION = 0.12  # of the gaps' extent, on every side
MIN_MARGIN_M = 3000.0


@dataclass
class MapLayer:
    """A layer of the briefing map: the layer (in the map's own project), its legend
    title, and whether it is listed in the legend and the attribution."""

    layer: QgsMapLayer
    title: str
    in_legend: bool = True
    sources: List[str] = field(default_factory=list)
    in_attribution: bool = True


@dataclass
class MapSpec:
    """Everything the layout shows. ``main_layers`` run from top to bottom."""

    gaps: QgsVectorLayer
    main_layers: List[MapLayer]
    overview_layers: List[QgsMapLayer]
    title: str
    subtitle: str = ""
    page: int = 0
    sort_key: int = 0
    border: Optional[QgsVectorLayer] = None
    note: str = ""
    date: Optional[datetime.date] = None
    focus: Optional[QgsVectorLayer] = None  # the layer the map is zoomed to; the gaps when None
    page_text: str = ""  # e.g. "Page 1 of 6" in an atlas
    extra_text: str = ""  # exportmap's NOTE: a boxed text in the map's lower right corner


def missing_gap_fields(layer: QgsVectorLayer) -> List[str]:
    """The gap-layer fields the table needs that ``layer`` lacks."""
    names = set(layer.fields().names())
    return [name for name in GAP_FIELDS if name not in names]


def output_path_problem(path: str, what: str) -> Optional[str]:
    """A sentence saying why ``path`` cannot be written (``what``: "PDF map"), or None.

    Nothing named is created or changed: an existing file is opened for appending and
    closed unchanged, a folder is probed with an anonymous temporary file.
    """
    path = os.path.abspath(path)
    if os.path.isdir(path):
        return f"The {what} output '{path}' is a folder: give a file name inside it."
    folder = os.path.dirname(path)
    existing = folder
    while not os.path.exists(existing):
        parent = os.path.dirname(existing)
        if parent == existing:
            break
        existing = parent
    if not os.path.isdir(existing):
        return (
            f"Cannot write the {what} to '{path}': '{existing}' is a file, not a folder. "
            "Choose a path in a folder you can write to."
        )
    try:
        if os.path.exists(path):
            with open(path, "ab"):
                pass
        else:
            with tempfile.TemporaryFile(dir=existing):
                pass
    except OSError as err:
        return f"Cannot write the {what} to '{path}' ({err.strerror}). Choose a path in a folder you can write to."
    return None


# --------------------------------------------------------------------------- styles


def load_qml(layer: QgsMapLayer, name: str) -> bool:
    """Applies resources/styles/NAME.qml to ``layer``; False when there is no such style."""
    path = os.path.join(STYLES_DIR, f"{name}.qml")
    if not os.path.exists(path):
        return False
    _msg, ok = layer.loadNamedStyle(path)
    return bool(ok)


def style_gap_layer(layer: QgsVectorLayer) -> None:
    """Gap zones graded by priority (gap_zones.qml, or the same classes made in code),
    each labelled "Gap N" so the map and the table can be read together."""
    if not load_qml(layer, "gap_zones"):
        _graduate_by_priority(layer)
    if not layer.labelsEnabled():
        label_gaps(layer)


def label_gaps(layer: QgsVectorLayer) -> None:
    """Labels "Gap N" in bold dark red on a white halo, inside each gap."""
    text = QgsTextFormat()
    font = QFont("Arial")
    font.setBold(True)
    text.setFont(font)
    text.setSize(8)
    text.setColor(QColor("#3d0008"))
    halo = QgsTextBufferSettings()
    halo.setEnabled(True)
    halo.setSize(0.8)
    halo.setColor(QColor(255, 255, 255, 230))
    text.setBuffer(halo)
    settings = QgsPalLayerSettings()
    settings.fieldName = "'Gap ' || \"gap_id\""
    settings.isExpression = True
    settings.setFormat(text)
    settings.placement = (
        Qgis.LabelPlacement.OverPoint if hasattr(Qgis, "LabelPlacement") else QgsPalLayerSettings.Placement.OverPoint
    )
    settings.centroidInside = True
    settings.displayAll = True  # a gap without its number cannot be found in the table
    layer.setLabeling(QgsVectorLayerSimpleLabeling(settings))
    layer.setLabelsEnabled(True)


def _graduate_by_priority(layer: QgsVectorLayer) -> None:
    ranges = []
    for low, high, colour, label in PRIORITY_CLASSES:
        symbol = QgsFillSymbol.createSimple(
            {"color": colour, "outline_color": "#3d0008", "outline_width": "0.35", "outline_width_unit": "MM"}
        )
        ranges.append(QgsRendererRange(low, high, symbol, label))
    renderer = QgsGraduatedSymbolRenderer("priority", ranges)
    layer.setRenderer(renderer)
    layer.setOpacity(0.9)


def style_by_role(layer: QgsVectorLayer) -> None:
    """A readable style for a layer Processing loaded from a file (and so unstyled):
    resources/styles/LAYERNAME.qml when there is one, otherwise by what the layer holds."""
    if load_qml(layer, source_layer_name(layer)):
        return
    geometry = layer.geometryType()
    if is_control_layer(layer):
        categories = []
        forces = sorted({str(v) for v in layer.uniqueValues(layer.fields().indexOf("force")) if v is not None})
        for i, force in enumerate(forces):
            colour = QColor(FORCE_COLOURS.get(force.lower(), OTHER_COLOURS[i % len(OTHER_COLOURS)]))
            fill = QColor(colour)
            fill.setAlpha(90)
            symbol = QgsFillSymbol.createSimple(
                {
                    "color": fill.name(QColor.NameFormat.HexArgb),
                    "outline_color": colour.darker(130).name(),
                    "outline_width": "0.5",
                    "outline_width_unit": "MM",
                }
            )
            categories.append(QgsRendererCategory(force, symbol, force))
        layer.setRenderer(QgsCategorizedSymbolRenderer("force", categories))
    elif geometry == QgsWkbTypes.GeometryType.PolygonGeometry:
        layer.renderer().setSymbol(
            QgsFillSymbol.createSimple(
                {
                    "color": "70,160,90,70",
                    "outline_color": "#2f7d3e",
                    "outline_width": "0.3",
                    "outline_style": "dash",
                    "outline_width_unit": "MM",
                }
            )
        )
    elif geometry == QgsWkbTypes.GeometryType.PointGeometry:
        symbol = QgsMarkerSymbol.createSimple(
            {"name": "triangle", "color": "#1b1b1b", "outline_color": "#ffffff", "outline_width": "0.3", "size": "2.6"}
        )
        layer.renderer().setSymbol(symbol)
    layer.triggerRepaint()


def style_unclaimed_layer(layer: QgsVectorLayer) -> None:
    """Unclaimed land hatched: unclaimed_land.qml, else a diagonal hatch made in code."""
    if load_qml(layer, "unclaimed_land"):
        return
    symbol = QgsFillSymbol.createSimple({"color": "0,0,0,0", "outline_style": "no"})
    from qgis.core import QgsLinePatternFillSymbolLayer

    hatch = QgsLinePatternFillSymbolLayer()
    hatch.setLineAngle(45)
    hatch.setDistance(1.6)
    hatch.setLineWidth(0.25)
    hatch.setColor(QColor("#7a4f9a"))
    symbol.appendSymbolLayer(hatch)
    layer.renderer().setSymbol(symbol)


def is_control_layer(layer: QgsMapLayer) -> bool:
    """Whether ``layer`` holds control areas: polygons with a ``force`` field that are not
    coverage (which also has ``force``, and ``kind``) unless its name says control."""
    if not isinstance(layer, QgsVectorLayer) or layer.geometryType() != QgsWkbTypes.GeometryType.PolygonGeometry:
        return False
    names = layer.fields().names()
    if "force" not in names or "post" in names:  # areas of posts (bordergaps:coordination) are not districts
        return False
    label = f"{source_layer_name(layer)} {layer.name()}".lower()
    return "control" in label or "district" in label or "kind" not in names


def source_layer_name(layer: QgsMapLayer) -> str:
    """The table/layer name inside the layer's source (``control_areas`` for
    ``demo.gpkg|layername=control_areas``), else the file's base name."""
    parts = QgsProviderRegistry.instance().decodeUri(layer.providerType(), layer.source())
    name = parts.get("layerName") or ""
    if not name and parts.get("path"):
        name = os.path.splitext(os.path.basename(parts["path"]))[0]
    return name or layer.name()


def pretty_name(name: str) -> str:
    """``control_areas`` → ``Control areas``."""
    text = re.sub(r"[_]+", " ", name).strip()
    return text[:1].upper() + text[1:] if text else name


# ------------------------------------------------------------------ attribution


def layer_sources(layer: QgsMapLayer) -> List[str]:
    """Who the data of ``layer`` comes from, with its licence: its metadata rights (the
    bundled layers carry the attribution SOURCES.md requires), else its attribution or
    the first sentence of its abstract, else "user data"."""
    metadata = layer.metadata()
    rights = [r.strip() for r in metadata.rights() if r and r.strip()]
    if rights:
        licences = [lic.split(":", 1)[-1].strip() for lic in metadata.licenses()]
        if len(licences) == len(rights):
            return [f"{r} – {lic}" if lic else r for r, lic in zip(rights, licences)]
        return rights
    attribution = layer_attribution(layer).strip()
    if attribution:
        return [attribution]
    abstract = metadata.abstract().strip()
    if abstract:
        return [re.split(r"(?<=[.!?])\s", abstract, maxsplit=1)[0]]
    return ["user data"]


def attribution_text(layers: Sequence[MapLayer]) -> str:
    """The attribution block: a line for each source, naming the layers drawn from it."""
    by_source: Dict[str, List[str]] = {}
    for item in layers:
        if not item.in_attribution:
            continue
        for source in item.sources or layer_sources(item.layer):
            titles = by_source.setdefault(source, [])
            if item.title not in titles:
                titles.append(item.title)
    # one line a source, the source first, so each name is read (and found) whole
    return "Sources\n" + "\n".join(f"{source}: {', '.join(titles)}." for source, titles in by_source.items())


# ------------------------------------------------------------------ the layout


def load_template(project: QgsProject, page: int) -> QgsPrintLayout:
    """A layout for PAGES[page] from its A4 template; A3 pages are the A4 ones scaled."""
    if not 0 <= page < len(PAGES):
        raise BorderGapsError(
            f"Page {page} is not one of: " + ", ".join(f"{i} = {p[0]}" for i, p in enumerate(PAGES)) + "."
        )
    label, orientation, (width, height) = PAGES[page]
    path = os.path.join(LAYOUTS_DIR, f"border_gaps_a4_{orientation}.qpt")
    doc = QDomDocument()
    with open(path, encoding="utf-8") as f:
        if not doc.setContent(f.read()):
            raise BorderGapsError(f"The layout template '{path}' is not valid XML: reinstall the plugin.")
    layout = QgsPrintLayout(project)
    _items, ok = layout.loadFromTemplate(doc, QgsReadWriteContext())
    if not ok:
        raise BorderGapsError(f"QGIS could not read the layout template '{path}': reinstall the plugin.")
    layout.setName(f"Border Gaps {label}")
    page_item = layout.pageCollection().page(0)
    a4 = page_item.pageSize()
    sx, sy = width / a4.width(), height / a4.height()
    if abs(sx - 1) > 1e-6 or abs(sy - 1) > 1e-6:
        page_item.setPageSize(QgsLayoutSize(width, height, QgsUnitTypes.LayoutUnit.LayoutMillimeters))
        for item in layout.items():
            if not hasattr(item, "positionWithUnits") or isinstance(item, QgsLayoutItemPage):
                continue
            pos, size = item.positionWithUnits(), item.sizeWithUnits()
            item.attemptMove(QgsLayoutPoint(pos.x() * sx, pos.y() * sy, pos.units()))
            item.attemptResize(QgsLayoutSize(size.width() * sx, size.height() * sy, size.units()))
            if isinstance(item, QgsLayoutItemScaleBar):
                item.setMinimumBarWidth(item.minimumBarWidth() * sx)
                item.setMaximumBarWidth(item.maximumBarWidth() * sx)
        table = _table(layout)
        table.setMaximumNumberOfFeatures(int(table.maximumNumberOfFeatures() * sy * 1.1))
    return layout


def fit_label(label: QgsLayoutItemLabel, text: str, smallest: float = 11.0) -> None:
    """Sets ``text`` and shrinks the font (not below ``smallest`` pt) until one line fits."""
    label.setText(text)
    uses_format = hasattr(label, "textFormat")  # QGIS >= 3.24; font() is deprecated there
    font = label.textFormat().font() if uses_format else label.font()
    size = font.pointSizeF() if not uses_format else label.textFormat().size()
    while size > smallest and label.sizeForText().width() > label.rect().width():
        size = max(smallest, size - 0.5)
        if uses_format:
            text_format = label.textFormat()
            text_format.setSize(size)
            label.setTextFormat(text_format)
        else:
            font.setPointSizeF(size)
            label.setFont(font)


def _item(layout: QgsPrintLayout, item_id: str, kind):
    item = layout.itemById(item_id)
    if not isinstance(item, kind):
        raise BorderGapsError(
            f"The layout template has no {kind.__name__} with id '{item_id}': "
            "restore resources/layouts/ from the plugin."
        )
    return item


def _table(layout: QgsPrintLayout) -> QgsLayoutItemAttributeTable:
    for multiframe in layout.multiFrames():
        if isinstance(multiframe, QgsLayoutItemAttributeTable):
            return multiframe
    raise BorderGapsError("The layout template has no attribute table: restore resources/layouts/ from the plugin.")


def main_extent(gaps: QgsVectorLayer, crs: QgsCoordinateReferenceSystem, context) -> QgsRectangle:
    """The extent of ``gaps`` (or any layer) in ``crs`` with a margin on every side."""
    extent = QgsCoordinateTransform(gaps.crs(), crs, context).transformBoundingBox(layer_extent(gaps, gaps.name()))
    margin = max(MIN_MARGIN_M, MARGIN_FRACTION * max(extent.width(), extent.height()))
    return extent.buffered(margin)


def shows_features(layer: QgsMapLayer, extent: QgsRectangle, crs: QgsCoordinateReferenceSystem, context) -> bool:
    """Whether a feature of ``layer`` lies in ``extent`` (in ``crs``); True for non-vector layers."""
    if not isinstance(layer, QgsVectorLayer):
        return True
    try:
        rect = QgsCoordinateTransform(crs, layer.crs(), context).transformBoundingBox(extent)
    except QgsCsException:
        return True
    request = QgsFeatureRequest().setFilterRect(rect).setNoAttributes().setLimit(1)
    return any(True for _ in layer.getFeatures(request))


def has_geometry(layer: QgsVectorLayer) -> bool:
    """Whether any feature of ``layer`` has a non-empty geometry (stops at the first)."""
    request = QgsFeatureRequest().setNoAttributes()
    return any(f.hasGeometry() and not f.geometry().isEmpty() for f in layer.getFeatures(request))


def map_frame(layer: QgsVectorLayer, context) -> Tuple[QgsCoordinateReferenceSystem, QgsRectangle]:
    """The map's CRS (the UTM zone of ``layer``) and the extent shown: ``layer``'s with a
    margin. A layer whose coordinates do not fit its CRS gives a BorderGapsError."""
    problem = ""
    try:
        crs = metric_crs_for(layer_extent(layer, layer.name()), layer.crs(), layer.name())
        extent = main_extent(layer, crs, context)
        if (
            all(math.isfinite(v) for v in (extent.xMinimum(), extent.yMinimum(), extent.xMaximum(), extent.yMaximum()))
            and not extent.isEmpty()
        ):
            return crs, extent
    except QgsCsException as err:
        problem = f" ({err})"
    raise BorderGapsError(
        f"The coordinates of layer '{layer.name()}' do not fit its CRS {layer.crs().authid() or '(none)'}"
        f"{problem}, so it cannot be placed on the map. Check the layer's CRS (Layer Properties → Source) "
        "and its geometries."
    )


def fit_to_frame(extent: QgsRectangle, width: float, height: float) -> QgsRectangle:
    """``extent`` grown about its centre to the width/height ratio of a map frame."""
    frame_ratio = width / height
    if extent.width() / extent.height() < frame_ratio:
        grow_w, grow_h = extent.height() * frame_ratio, extent.height()
    else:
        grow_w, grow_h = extent.width(), extent.width() / frame_ratio
    centre = extent.center()
    return QgsRectangle(
        centre.x() - grow_w / 2, centre.y() - grow_h / 2, centre.x() + grow_w / 2, centre.y() + grow_h / 2
    )


def _show(map_item: QgsLayoutItemMap, extent: QgsRectangle) -> None:
    # zoomToExtent() starts from the current extent, which a template's empty map lacks.
    size = map_item.rect()
    map_item.setExtent(fit_to_frame(extent, size.width(), size.height()))


def link_map_furniture(
    main: QgsLayoutItemMap,
    overview: QgsLayoutItemMap,
    arrow: QgsLayoutItemPicture,
    bar: QgsLayoutItemScaleBar,
    frame_alpha: int,
) -> None:
    """Ties a page's furniture to its main map: the overview's red frame of the main map's view
    (fill opacity ``frame_alpha`` of 255), the north arrow turning with it, a scale bar in km."""
    marker = overview.overview()
    marker.setLinkedMap(main)
    marker.setFrameSymbol(
        QgsFillSymbol.createSimple(
            {
                "color": f"215,25,28,{frame_alpha}",
                "outline_color": "#d7191c",
                "outline_width": "0.6",
                "outline_width_unit": "MM",
            }
        )
    )
    arrow.setPicturePath(NORTH_ARROW)
    arrow.setLinkedMap(main)
    bar.setLinkedMap(main)
    bar.setUnits(QgsUnitTypes.DistanceUnit.DistanceKilometers)
    bar.setUnitLabel("km")
    bar.update()


def set_legend_layers(legend: QgsLayoutItemLegend, layers: Sequence[MapLayer]) -> None:
    """The legend lists exactly ``layers`` marked in_legend, in map order, by title."""
    legend.setAutoUpdateModel(False)
    root = legend.model().rootGroup()
    root.removeAllChildren()
    for item in layers:
        if not item.in_legend:
            continue
        node = QgsLayerTreeLayer(item.layer)
        node.setUseLayerName(False)
        title = item.title
        if len(title) > 28 and " (" in title and legend.wrapString():  # a long title wraps before its "(…)"
            head, _, tail = title.rpartition(" (")
            title = f"{head}{legend.wrapString()}({tail}"
        node.setName(title)
        root.addChildNode(node)
    legend.updateLegend()


def legend_layer_ids(legend: QgsLayoutItemLegend) -> List[str]:
    """Ids of the layers the legend lists, top to bottom."""
    return [node.layerId() for node in legend.model().rootGroup().findLayers()]


def fill_table(layout: QgsPrintLayout, gaps: QgsVectorLayer, sort_key: int) -> QgsLayoutItemAttributeTable:
    """The table of the largest gaps, sorted by SORT_KEYS[sort_key], ties by the other key."""
    table = _table(layout)
    table.setVectorLayer(gaps)  # resets the columns: set them after
    columns = []
    for heading, expression, alignment in TABLE_COLUMNS:
        column = QgsLayoutTableColumn(heading)
        column.setAttribute(expression)
        column.setHAlignment(alignment)
        columns.append(column)
    table.setColumns(columns)
    key = SORT_KEYS[sort_key][1]
    sort_columns = []
    for name in (key, *[k for _, k in SORT_KEYS if k != key]):
        column = QgsLayoutTableColumn()
        column.setAttribute(f'"{name}"')
        column.setSortOrder(Qt.SortOrder.DescendingOrder)
        sort_columns.append(column)
    tie = QgsLayoutTableColumn()
    tie.setAttribute('"gap_id"')
    tie.setSortOrder(Qt.SortOrder.AscendingOrder)
    sort_columns.append(tie)
    table.setSortColumns(sort_columns)
    table.refreshAttributes()
    return table


def build_layout(project: QgsProject, spec: MapSpec, fit: bool = True) -> QgsPrintLayout:
    """The filled print layout of ``spec``; its layers must belong to ``project``. ``fit`` makes its
    text fit its frames (layoutfit.fit_layout); without it the template's sizes stay as they are."""
    layout = load_template(project, spec.page)
    context = project.transformContext()
    crs, extent = map_frame(spec.focus or spec.gaps, context)
    date = spec.date or datetime.datetime.now(datetime.timezone.utc).date()

    fit_label(_item(layout, "title", QgsLayoutItemLabel), spec.title)
    _item(layout, "subtitle", QgsLayoutItemLabel).setText(spec.subtitle)
    _item(layout, "date", QgsLayoutItemLabel).setText(f"Map date: {date.isoformat()}")
    _item(layout, "note", QgsLayoutItemLabel).setText(spec.note)

    main = _item(layout, "main_map", QgsLayoutItemMap)
    main.setCrs(crs)
    main.setLayers([item.layer for item in spec.main_layers])
    main.setKeepLayerSet(True)
    _show(main, extent)

    overview = _item(layout, "overview_map", QgsLayoutItemMap)
    overview.setCrs(crs)
    overview.setLayers(list(spec.overview_layers))
    overview.setKeepLayerSet(True)
    whole = QgsRectangle(main.extent())
    if spec.border is not None and spec.border.featureCount() > 0:
        border_extent = QgsCoordinateTransform(spec.border.crs(), crs, context).transformBoundingBox(
            spec.border.extent()
        )
        whole.combineExtentWith(border_extent)
    whole = whole.buffered(0.08 * max(whole.width(), whole.height()))
    if spec.border is None:
        whole = whole.buffered(1.5 * max(whole.width(), whole.height()))
    _show(overview, whole)
    link_map_furniture(
        main,
        overview,
        _item(layout, "north_arrow", QgsLayoutItemPicture),
        _item(layout, "scale_bar", QgsLayoutItemScaleBar),
        frame_alpha=50,
    )

    legend = _item(layout, "legend", QgsLayoutItemLegend)
    legend.setLinkedMap(main)
    # only the layers with something in view: QGIS's filter by map (kept for the entries within a
    # layer) drops such a layer on 3.22 but not on 3.40 once the legend's labels were re-wrapped
    in_view = [item for item in spec.main_layers if shows_features(item.layer, main.extent(), crs, context)]
    set_legend_layers(legend, in_view)
    layoutfit.set_filter_by_view(legend)

    table = fill_table(layout, spec.gaps, spec.sort_key)
    shown = min(table.maximumNumberOfFeatures(), spec.gaps.featureCount())
    by = "priority" if SORT_KEYS[spec.sort_key][1] == "priority" else "area"
    _item(layout, "table_heading", QgsLayoutItemLabel).setText(
        f"Largest gap zones by {by}: {shown} of {spec.gaps.featureCount()}" if shown else "No gap zones"
    )

    if spec.extra_text:
        add_map_note(layout, main, spec.extra_text)

    shown = in_view
    attribution = _item(layout, "attribution", QgsLayoutItemLabel)
    attribution.setText(f"{attribution_text(shown)}\nProjection: {crs.description()}.")
    grow_up_to(attribution, fit_frame_to_rows(table) + 2.0)  # then fit_layout shrinks it if need be
    page_label = layout.itemById("page_number")
    if isinstance(page_label, QgsLayoutItemLabel):
        page_label.setText(spec.page_text)
    layout.refresh()
    if fit:
        layoutfit.fit_layout(layout)
    return layout


def fit_frame_to_rows(table: QgsLayoutItemAttributeTable) -> float:
    """Shortens the table's first frame to the rows it draws, all of them when they fit in its
    present height (so what lies below may use the room); returns where (layout y, mm) the frame
    now ends."""
    frame = table.frame(0)
    top = frame.mapRectToScene(frame.rect()).top()
    room = frame.rect().height()
    natural = layoutfit.table_natural_height(table)
    size = frame.sizeWithUnits()
    frame.attemptResize(QgsLayoutSize(size.width(), min(room, natural + 0.5) if natural > 0 else room, size.units()))
    return top + frame.rect().height()


def grow_up_to(label: QgsLayoutItemLabel, top: float) -> None:
    """Moves the label's top edge up to ``top`` (layout y, mm; its bottom stays) when its text
    needs more room than it has; it never grows over what lies above ``top``."""
    rect = label.mapRectToScene(label.rect())
    _width, need = layoutfit.label_text_size(label)
    need += 2 * max(0.0, label.marginY()) + 0.5
    if need <= rect.height() or top >= rect.top():
        return
    new_top = max(top, rect.bottom() - need)
    pos, size = label.pagePositionWithUnits(), label.sizeWithUnits()
    label.attemptMove(QgsLayoutPoint(pos.x(), pos.y() - (rect.top() - new_top), pos.units()), True, False, label.page())
    label.attemptResize(QgsLayoutSize(size.width(), rect.bottom() - new_top, size.units()))


def add_map_note(layout: QgsPrintLayout, main: QgsLayoutItemMap, text: str) -> QgsLayoutItemLabel:
    """A white box with ``text`` (e.g. the comparison sentence of bordergaps:incidents) in the lower
    right corner of the main map, 45 % of its width, as tall as the text needs."""
    label = QgsLayoutItemLabel(layout)
    label.setId("map_note")
    label.setText(text)
    font = QFont("Arial")
    font.setBold(True)
    if hasattr(label, "setTextFormat"):  # QGIS >= 3.24
        text_format = QgsTextFormat()
        text_format.setFont(font)
        text_format.setSize(8)
        text_format.setColor(QColor("#1a1a1a"))
        label.setTextFormat(text_format)
    else:
        font.setPointSizeF(8)
        label.setFont(font)
        label.setFontColor(QColor("#1a1a1a"))
    label.setHAlign(Qt.AlignmentFlag.AlignLeft)
    label.setMarginX(1.5)
    label.setMarginY(1.2)
    label.setBackgroundEnabled(True)
    label.setBackgroundColor(QColor(255, 255, 255, 235))
    label.setFrameEnabled(True)
    label.setFrameStrokeColor(QColor("#7a0177"))
    label.setFrameStrokeWidth(QgsLayoutMeasurement(0.4, QgsUnitTypes.LayoutUnit.LayoutMillimeters))
    layout.addLayoutItem(label)
    pos, size = main.positionWithUnits(), main.sizeWithUnits()
    width = 0.45 * size.width()
    label.attemptResize(QgsLayoutSize(width, 10, size.units()))
    lines, line_height = 0, 0.0
    for paragraph in text.split("\n"):  # sizeForText is the unwrapped size; the label wraps at its width
        label.setText(paragraph or " ")
        one_line = label.sizeForText()
        line_height = max(line_height, one_line.height() - 2 * 1.2)
        lines += max(1, math.ceil(1.05 * (one_line.width() - 3.0) / (width - 3.0)))
    label.setText(text)
    height = lines * line_height * 1.1 + 2 * 1.2 + 0.5
    label.attemptResize(QgsLayoutSize(width, height, size.units()))
    label.attemptMove(
        QgsLayoutPoint(pos.x() + size.width() - width - 3.0, pos.y() + size.height() - height - 3.0, pos.units())
    )
    return label


def table_rows(table: QgsLayoutItemAttributeTable) -> List[List[str]]:
    """The rows the table shows, as text (for tests and the log)."""
    return [[str(cell) for cell in row] for row in table.contents()]


def export_layout(
    layout: QgsPrintLayout, pdf_path: str = "", png_path: str = "", dpi: int = 150, is_canceled=lambda: False
) -> List[str]:
    """Writes the layout to ``pdf_path`` (one page) and/or ``png_path`` (at ``dpi``);
    returns the paths written. Writes nothing else: no world file, no page suffixes."""
    written = []
    exporter = QgsLayoutExporter(layout)
    if pdf_path:
        os.makedirs(os.path.dirname(os.path.abspath(pdf_path)), exist_ok=True)
        settings = QgsLayoutExporter.PdfExportSettings()
        settings.dpi = dpi
        settings.rasterizeWholeImage = False
        settings.forceVectorOutput = False
        settings.exportMetadata = True
        settings.textRenderFormat = Qgis.TextRenderFormat.AlwaysText  # searchable text, not outlines
        result = exporter.exportToPdf(pdf_path, settings)
        if result != QgsLayoutExporter.ExportResult.Success:
            raise BorderGapsError(
                f"Could not write the PDF map '{pdf_path}' ({exporter.errorMessage() or result}). "
                "Check the folder is writable and the file is not open in another program."
            )
        written.append(pdf_path)
    if png_path and not is_canceled():
        os.makedirs(os.path.dirname(os.path.abspath(png_path)), exist_ok=True)
        settings = QgsLayoutExporter.ImageExportSettings()
        settings.dpi = dpi
        settings.generateWorldFile = False
        settings.exportMetadata = False
        result = exporter.exportToImage(png_path, settings)
        if result != QgsLayoutExporter.ExportResult.Success:
            raise BorderGapsError(
                f"Could not write the PNG map '{png_path}' ({exporter.errorMessage() or result}). "
                "Check the folder is writable and the file is not open in another program."
            )
        written.append(png_path)
    return written


def expected_png_size(page: int, dpi: int) -> tuple:
    """(width, height) in pixels of the PNG of PAGES[page] at ``dpi``."""
    width, height = PAGES[page][2]
    return (int(math.floor(width / 25.4 * dpi + 0.5)), int(math.floor(height / 25.4 * dpi + 0.5)))


# ------------------------------------------------------------- unclaimed land


def unclaimed_land(
    control: QgsVectorLayer,
    crs: QgsCoordinateReferenceSystem,
    context,
    land: Optional[QgsGeometry] = None,
    reach: float = UNCLAIMED_REACH_M,
    force_field: str = "force",
) -> QgsGeometry:
    """Land between forces that none holds: for every pair of forces in ``control`` the
    unclaimed seam within ``reach`` metres of both (DESIGN.md), less every district, in
    ``crs``, clipped to ``land`` when given. Empty when there is none."""
    from itertools import combinations

    from .geometry import polygon_parts, seam_zones, union_all
    from .inputs import read_features

    read = read_features(
        control, crs, control.name(), QgsWkbTypes.GeometryType.PolygonGeometry, transform_context=context
    )
    by_force: Dict[str, List[QgsGeometry]] = {}
    for feature in read.features:
        force = feature[force_field]
        if force is not None and str(force).strip():
            by_force.setdefault(str(force).strip(), []).append(feature.geometry())
    pieces = []
    for force_a, force_b in combinations(sorted(by_force), 2):
        seam = seam_zones(by_force[force_a], by_force[force_b], reach)
        if not seam.unclaimed.isEmpty():
            pieces.append(seam.unclaimed)
    if not pieces:
        return QgsGeometry()
    free = union_all(pieces).difference(union_all([f.geometry() for f in read.features]))
    if land is not None and not land.isEmpty():
        free = free.intersection(land)
    parts = polygon_parts(free)
    return QgsGeometry.collectGeometry(parts) if parts else QgsGeometry()


def countries_holding(
    countries: Optional[QgsVectorLayer], controls: Sequence[QgsVectorLayer], crs: QgsCoordinateReferenceSystem, context
) -> Optional[QgsGeometry]:
    """The countries (in ``crs``) in which a control area lies: unclaimed land is hatched
    only there, not across the border where other actors hold the land. None without them."""
    if countries is None or not controls:
        return None
    points = []
    for layer in controls:
        to_map = QgsCoordinateTransform(layer.crs(), crs, context)
        for feature in layer.getFeatures(QgsFeatureRequest().setNoAttributes()):
            if feature.hasGeometry():
                point = feature.geometry().pointOnSurface()
                point.transform(to_map)
                points.append(point)
    to_map = QgsCoordinateTransform(countries.crs(), crs, context)
    held = []
    for feature in countries.getFeatures():
        geometry = feature.geometry()
        geometry.transform(to_map)
        if any(geometry.contains(point) for point in points):
            held.append(geometry)
    return QgsGeometry.unaryUnion(held) if held else None


def geometry_layer(geometry: QgsGeometry, crs: QgsCoordinateReferenceSystem, name: str) -> QgsVectorLayer:
    """A memory polygon layer holding ``geometry`` as one feature."""
    layer = QgsVectorLayer(f"MultiPolygon?crs={crs.authid()}", name, "memory")
    feature = QgsFeature()
    feature.setGeometry(geometry)
    layer.dataProvider().addFeatures([feature])
    layer.updateExtents()
    return layer
