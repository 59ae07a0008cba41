"""The gap atlas of bordergaps:exportatlas: page 1 is the briefing map (maplayout), then a page per
gap from resources/layouts/border_gaps_atlas_a4_*.qpt, driven by a QgsLayoutAtlas over the gaps
in priority (or area) order, each zoomed to its gap with a table of its figures; one PDF, or a
GeoPDF whose pages are georeferenced and whose layers can be switched on and off."""

import datetime
import math
import os
import re
import tempfile
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Sequence

from qgis.core import (
    Qgis,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsFeature,
    QgsFeatureRequest,
    QgsFillSymbol,
    QgsGeometry,
    QgsLayoutExporter,
    QgsLayoutFrame,
    QgsLayoutItemAttributeTable,
    QgsLayoutItemLabel,
    QgsLayoutItemLegend,
    QgsLayoutItemMap,
    QgsLayoutItemPage,
    QgsLayoutItemPicture,
    QgsLayoutItemScaleBar,
    QgsLayoutObject,
    QgsLayoutPoint,
    QgsLayoutSize,
    QgsLayoutTableColumn,
    QgsMapLayer,
    QgsPrintLayout,
    QgsProject,
    QgsProperty,
    QgsReadWriteContext,
    QgsRectangle,
    QgsRuleBasedRenderer,
    QgsUnitTypes,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QCoreApplication, QSize, Qt
from qgis.PyQt.QtXml import QDomDocument

from . import layoutfit, maplayout
from .errors import BorderGapsError
from .inputs import iter_features

# What the other algorithms add to a gap, by the field names of their outputs.
RESPONSE_FIELDS = ("a_post", "a_minutes", "b_post", "b_minutes", "first_force", "joint", "orphan")
INCIDENT_FIELDS = ("incidents", "fatalities", "rate_per_100km2_year")
VIEW_MARGIN = 0.3  # a gap page shows this share of the gap's larger side around it
MIN_VIEW_M = 8000.0  # and at least this much ground across, so a small gap keeps its surroundings
FACT_COLUMN_MM = 31.0  # the facts table's first column (what), the rest is the value
PAGE_EXPRESSION = "'Page ' || (@atlas_featurenumber + 1) || ' of ' || (@atlas_totalfeatures + 1)"
THIS_GAP = "This gap"


@dataclass
class AtlasSpec:
    """Everything the gap pages show. ``overview`` is page 1 (the briefing map); ``gap_layers``
    are drawn on every gap page, top to bottom; ``coverage`` has one feature per gap page."""

    overview: maplayout.MapSpec
    gap_layers: List[maplayout.MapLayer]
    inset_layers: List[QgsMapLayer]
    coverage: QgsVectorLayer
    facts: QgsVectorLayer
    crs: QgsCoordinateReferenceSystem
    inset_extent: QgsRectangle
    sources: str = ""
    date: Optional[datetime.date] = None
    extras: Dict[str, str] = field(default_factory=dict)


# ------------------------------------------------------------------ the pages' data


def _value(feature, name):
    """The attribute ``name`` of ``feature``, None when it is absent or NULL."""
    if feature is None or feature.fieldNameIndex(name) < 0:
        return None
    value = feature[name]
    if value is None or (hasattr(value, "isNull") and value.isNull()):
        return None
    return value


def _number(value) -> Optional[float]:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _by_gap(layer: Optional[QgsVectorLayer]) -> Dict[int, QgsFeature]:
    """The first feature of ``layer`` for each gap_id (an empty dict without the field)."""
    if layer is None or layer.fields().indexOf("gap_id") < 0:
        return {}
    rows = {}
    for feature in iter_features(layer):
        gap_id = _number(_value(feature, "gap_id"))
        if gap_id is not None and int(gap_id) not in rows:
            rows[int(gap_id)] = feature
    return rows


def sort_key(feature, key_field: str):
    """Largest ``key_field`` first, then the other of priority/area, then gap_id: NULLs last."""
    other = "area_km2" if key_field == "priority" else "priority"
    first, second = _number(_value(feature, key_field)), _number(_value(feature, other))
    gap_id = _number(_value(feature, "gap_id"))
    return (
        first is None,
        -(first or 0.0),
        second is None,
        -(second or 0.0),
        gap_id if gap_id is not None else math.inf,
    )


def coverage_layer(
    gaps: QgsVectorLayer,
    crs: QgsCoordinateReferenceSystem,
    context,
    key_field: str = "priority",
    top_n: int = 0,
    joined: Sequence[Optional[QgsVectorLayer]] = (),
) -> QgsVectorLayer:
    """The atlas coverage: the gaps (in ``crs``) in page order, the first ``top_n`` of them (all
    when 0), with their own fields, the fields RESPONSE_FIELDS and INCIDENT_FIELDS of the
    ``joined`` layers (matched by gap_id), ``atlas_rank`` (1 = first gap page) and the extent each
    page shows (``view_xmin`` … ``view_ymax``, set by ``set_views``)."""
    layer = QgsVectorLayer(
        f"MultiPolygon?crs={crs.authid()}&field=atlas_rank:integer&field=view_xmin:double&field=view_ymin:double"
        "&field=view_xmax:double&field=view_ymax:double",
        "Gap pages",
        "memory",
    )
    provider = layer.dataProvider()
    copied = [f for f in gaps.fields() if f.name() not in layer.fields().names() and f.name() != "fid"]
    join_rows = []
    for other in joined:
        if other is None:
            continue
        names = [n for n in RESPONSE_FIELDS + INCIDENT_FIELDS if other.fields().indexOf(n) >= 0]
        names = [n for n in names if n not in [f.name() for f in copied]]
        if names:
            copied += [other.fields().field(n) for n in names]
            join_rows.append((_by_gap(other), names))
    provider.addAttributes(copied)
    layer.updateFields()
    to_map = QgsCoordinateTransform(gaps.crs(), crs, context)
    features = [f for f in iter_features(gaps) if f.hasGeometry() and not f.geometry().isEmpty()]
    features.sort(key=lambda f: sort_key(f, key_field))
    if top_n > 0:
        features = features[:top_n]
    out = []
    for rank, feature in enumerate(features, start=1):
        geometry = QgsGeometry(feature.geometry())
        geometry.transform(to_map)
        page = QgsFeature(layer.fields())
        page.setGeometry(geometry)
        page["atlas_rank"] = rank
        for f in copied:
            if gaps.fields().indexOf(f.name()) >= 0:
                page[f.name()] = feature[f.name()]
        gap_id = _number(_value(feature, "gap_id"))
        for rows, names in join_rows:
            match = rows.get(int(gap_id)) if gap_id is not None else None
            if match is not None:
                for name in names:
                    page[name] = match[name]
        out.append(page)
    provider.addFeatures(out)
    layer.updateExtents()
    return layer


def view_extent(geometry: QgsGeometry, frame_width: float, frame_height: float) -> QgsRectangle:
    """The ground a gap page shows: the gap's box grown by VIEW_MARGIN, at least MIN_VIEW_M across,
    to the width/height ratio of the map frame."""
    box = geometry.boundingBox()
    margin = VIEW_MARGIN * max(box.width(), box.height())
    box = box.buffered(margin)
    centre = box.center()
    width, height = max(box.width(), MIN_VIEW_M), max(box.height(), MIN_VIEW_M)
    box = QgsRectangle(centre.x() - width / 2, centre.y() - height / 2, centre.x() + width / 2, centre.y() + height / 2)
    return maplayout.fit_to_frame(box, frame_width, frame_height)


def set_views(coverage: QgsVectorLayer, map_item: QgsLayoutItemMap) -> None:
    """Writes each gap page's extent (view_extent for the map frame ``map_item``) into ``coverage``."""
    rect = map_item.rect()
    index = [coverage.fields().indexOf(n) for n in ("view_xmin", "view_ymin", "view_xmax", "view_ymax")]
    changes = {}
    for feature in coverage.getFeatures():
        view = view_extent(feature.geometry(), rect.width(), rect.height())
        changes[feature.id()] = dict(zip(index, (view.xMinimum(), view.yMinimum(), view.xMaximum(), view.yMaximum())))
    coverage.dataProvider().changeAttributeValues(changes)


def _fmt(value, digits=1, unit=""):
    number = _number(value)
    if number is None:
        return None
    text = f"{number:,.{digits}f}"
    return f"{text} {unit}".strip()


def _yes_no(value):
    if value is None:
        return None
    if isinstance(value, str):
        return "yes" if value.strip().lower() in ("1", "true", "yes", "y", "t") else "no"
    return "yes" if bool(value) else "no"


def gap_facts(feature) -> List[tuple]:
    """(what, value) rows of one gap page's table from the coverage feature's fields (the title
    gives the priority and the subtitle the districts either side; the table the rest, in as few
    rows as read well)."""
    v = lambda name: _value(feature, name)  # noqa: E731 (a short local reader)
    rows = []

    def add(what, value):
        if value is not None and str(value).strip():
            rows.append((what, str(value)))

    size = [
        part
        for part in (
            _fmt(v("area_km2"), 1, "km²"),
            _fmt(v("width_km"), 2, "km wide"),
            _fmt(v("perimeter_km"), 1, "km around"),
        )
        if part
    ]
    add("Size", ", ".join(size))
    add("To the border", _fmt(v("border_km"), 1, "km"))
    add("To the nearest post or coverage", _fmt(v("post_km"), 1, "km"))
    settlements, abandoned = _number(v("settlements")), _number(v("abandoned"))
    if settlements is not None:
        add("Settlements inside", f"{settlements:.0f}" + (f" ({abandoned:.0f} abandoned)" if abandoned else ""))
    for side in ("a", "b"):
        post, minutes = v(f"{side}_post"), _number(v(f"{side}_minutes"))
        if post is not None or minutes is not None:
            text = f"{post if post is not None else 'none'}"
            if minutes is not None:
                text += f", {minutes:.0f} min"
            add(f"Answering post, side {side.upper()}", text)
    response = []
    if v("first_force") is not None:
        response.append(f"{v('first_force')} arrives first")
    if _yes_no(v("joint")) == "yes":
        response.append("joint response")
    if _yes_no(v("orphan")) == "yes":
        response.append("orphan: no post answers in time")
    elif _yes_no(v("orphan")) == "no":
        response.append("not orphaned")
    add("Response", "; ".join(response))
    incidents, fatalities = _number(v("incidents")), _number(v("fatalities"))
    rate = _fmt(v("rate_per_100km2_year"), 1, "per 100 km² a year")
    if incidents is not None or rate:
        parts = (
            [f"{incidents:.0f}" + (f" ({fatalities:.0f} killed)" if fatalities else "")]
            if incidents is not None
            else []
        )
        add("Incidents", ", ".join(parts + ([rate] if rate else [])))
    return rows


def facts_layer(
    coverage: QgsVectorLayer,
    surveyed: Optional[QgsVectorLayer] = None,
    lanes: Optional[QgsVectorLayer] = None,
    context=None,
) -> QgsVectorLayer:
    """A table (no geometry) of the gap pages' facts: ``gap_id``, ``seq``, ``what``, ``value``; drone
    sorties over each gap (``surveyed``: the sortie ids and the share of the gap their swaths
    cover, unioned) and the survey lanes (``lanes``: how many, how long) when given."""
    layer = QgsVectorLayer(
        "None?field=gap_id:integer&field=seq:integer&field=what:string&field=value:string", "Gap facts", "memory"
    )
    swaths: Dict[int, List] = {}
    if surveyed is not None and surveyed.fields().indexOf("gap_id") >= 0:
        to_map = QgsCoordinateTransform(surveyed.crs(), coverage.crs(), context or QgsProject.instance())
        for feature in iter_features(surveyed):
            gap_id = _number(_value(feature, "gap_id"))
            if gap_id is None or not feature.hasGeometry():
                continue
            geometry = QgsGeometry(feature.geometry())
            geometry.transform(to_map)
            if not geometry.isGeosValid():
                geometry = geometry.makeValid()  # an analyst's edited swath: repaired for the union
            swaths.setdefault(int(gap_id), []).append((_value(feature, "sortie"), geometry))
    lane_totals: Dict[int, List[float]] = {}
    if lanes is not None and lanes.fields().indexOf("gap_id") >= 0:
        for feature in iter_features(lanes):
            gap_id = _number(_value(feature, "gap_id"))
            if gap_id is None:
                continue
            total = lane_totals.setdefault(int(gap_id), [0, 0.0])
            total[0] += 1
            total[1] += _number(_value(feature, "length_km")) or 0.0
    rows = []
    for feature in coverage.getFeatures(QgsFeatureRequest().addOrderBy('"atlas_rank"')):
        gap_id = int(_number(_value(feature, "gap_id")) or 0)
        facts = gap_facts(feature)
        drone = []
        if gap_id in swaths:
            sorties = sorted({str(s) for s, _g in swaths[gap_id] if s is not None}, key=_natural)
            union = QgsGeometry.unaryUnion([g for _s, g in swaths[gap_id]])
            gap = feature.geometry()
            share = union.intersection(gap).area() / gap.area() * 100 if gap.area() > 0 else 0.0
            drone.append(f"{', '.join(sorties) or len(swaths[gap_id])}: {share:.0f} % of the gap surveyed")
        if gap_id in lane_totals:
            count, length = lane_totals[gap_id]
            drone.append(f"{count} lane{'s' if count != 1 else ''}, {length:.1f} km")
        if drone:
            facts.append(("Drone sorties", "; ".join(drone)))
        for seq, (what, value) in enumerate(facts, start=1):
            row = QgsFeature(layer.fields())
            row.setAttributes([gap_id, seq, what, value])
            rows.append(row)
    layer.dataProvider().addFeatures(rows)
    return layer


def _natural(text: str):
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


def this_gap_layer(coverage: QgsVectorLayer) -> QgsVectorLayer:
    """The coverage drawn only for the page's own gap: a dark outline on a white halo."""
    layer = coverage.clone()
    layer.setName(THIS_GAP)
    symbol = QgsFillSymbol.createSimple(
        {"color": "0,0,0,0", "outline_color": "#ffffff", "outline_width": "1.4", "outline_width_unit": "MM"}
    )
    outline = QgsFillSymbol.createSimple(
        {"color": "0,0,0,0", "outline_color": "#101010", "outline_width": "0.6", "outline_width_unit": "MM"}
    )
    symbol.appendSymbolLayer(outline.symbolLayer(0).clone())
    root = QgsRuleBasedRenderer.Rule(None)
    rule = QgsRuleBasedRenderer.Rule(symbol, 0, 0, "\"atlas_rank\" = attribute(@atlas_feature, 'atlas_rank')", THIS_GAP)
    root.appendChild(rule)
    layer.setRenderer(QgsRuleBasedRenderer(root))
    layer.setLabelsEnabled(False)
    return layer


# ------------------------------------------------------------------ the layout


def template_path(page: int) -> str:
    orientation = maplayout.PAGES[page][1]
    return os.path.join(maplayout.LAYOUTS_DIR, f"border_gaps_atlas_a4_{orientation}.qpt")


def add_template_page(layout: QgsPrintLayout, page: int, page_index: int) -> None:
    """Puts the items of the gap-page template for PAGES[page] on page ``page_index`` of
    ``layout`` (added when missing), scaled from A4 to the page size."""
    _label, _orientation, (width, height) = maplayout.PAGES[page]
    path = template_path(page)
    doc = QDomDocument()
    with open(path, encoding="utf-8") as f:
        if not doc.setContent(f.read()):
            raise BorderGapsError(f"The layout template '{path}' is not valid XML: reinstall the plugin.")
    root = doc.documentElement()
    collection = root.firstChildElement("PageCollection")
    a4 = (210.0, 297.0) if maplayout.PAGES[page][1] == "portrait" else (297.0, 210.0)
    if not collection.isNull():
        root.removeChild(collection)  # the pages are this layout's own
    pages = layout.pageCollection()
    while pages.pageCount() <= page_index:
        new_page = QgsLayoutItemPage(layout)
        new_page.setPageSize(QgsLayoutSize(width, height, QgsUnitTypes.LayoutUnit.LayoutMillimeters))
        pages.addPage(new_page)
    items = layout.addItemsFromXml(root, doc, QgsReadWriteContext())
    if not items:
        raise BorderGapsError(f"QGIS could not read the layout template '{path}': reinstall the plugin.")
    sx, sy = width / a4[0], height / a4[1]
    for item in items:
        if isinstance(item, QgsLayoutItemPage):
            continue
        pos, size = item.positionWithUnits(), item.sizeWithUnits()
        item.attemptMove(QgsLayoutPoint(pos.x() * sx, pos.y() * sy, pos.units()), True, False, page_index)
        if abs(sx - 1) > 1e-6 or abs(sy - 1) > 1e-6:
            item.attemptResize(QgsLayoutSize(size.width() * sx, size.height() * sy, size.units()))
            if isinstance(item, QgsLayoutItemScaleBar):
                item.setMinimumBarWidth(item.minimumBarWidth() * sx)
                item.setMaximumBarWidth(item.maximumBarWidth() * sx)


def _item(layout, item_id, kind):
    item = layout.itemById(item_id)
    if not isinstance(item, kind):
        raise BorderGapsError(
            f"The atlas layout template has no {kind.__name__} with id '{item_id}': "
            "restore resources/layouts/ from the plugin."
        )
    return item


def _facts_table(layout) -> QgsLayoutItemAttributeTable:
    for multiframe in layout.multiFrames():
        if isinstance(multiframe, QgsLayoutItemAttributeTable) and any(
            multiframe.frame(i).id() == "gap_facts" for i in range(multiframe.frameCount())
        ):
            return multiframe
    raise BorderGapsError("The atlas layout template has no table 'gap_facts': restore resources/layouts/.")


def title_expression(coverage: QgsVectorLayer) -> str:
    names = coverage.fields().names()
    parts = ["'Gap ' || \"gap_id\""]
    if "priority" in names:
        parts.append("coalesce(': priority ' || format_number(\"priority\", 0), '')")
    return "[% " + " || ".join(parts) + " %]"


def subtitle_expression(coverage: QgsVectorLayer) -> str:
    names = coverage.fields().names()
    pieces = []
    if "area_km2" in names:
        pieces.append("format_number(\"area_km2\", 1) || ' km²'")
    if "width_km" in names:
        pieces.append("format_number(\"width_km\", 2) || ' km wide'")
    if "border_km" in names:
        pieces.append("format_number(\"border_km\", 1) || ' km from the border'")
    if "force_a_adj" in names and "force_b_adj" in names:
        pieces.append("'between ' || coalesce(\"force_a_adj\", '–') || ' and ' || coalesce(\"force_b_adj\", '–')")
    if not pieces:
        return ""
    joined = " || ', ' || ".join(f"coalesce({p}, '')" for p in pieces)
    return "[% " + joined + " %]"


def fill_gap_page(layout: QgsPrintLayout, spec: AtlasSpec) -> None:
    """Fills the gap page's items (ids gap_…) of ``layout`` and sets up its atlas."""
    date = spec.date or datetime.datetime.now(datetime.timezone.utc).date()
    coverage = spec.coverage
    _item(layout, "gap_title", QgsLayoutItemLabel).setText(title_expression(coverage))
    _item(layout, "gap_subtitle", QgsLayoutItemLabel).setText(subtitle_expression(coverage))
    _item(layout, "gap_date", QgsLayoutItemLabel).setText(f"Map date: {date.isoformat()}")
    _item(layout, "gap_note", QgsLayoutItemLabel).setText(spec.overview.note)
    _item(layout, "gap_page_number", QgsLayoutItemLabel).setText(f"[% {PAGE_EXPRESSION} %]")
    _item(layout, "gap_table_heading", QgsLayoutItemLabel).setText("[% 'Gap ' || \"gap_id\" || ' in figures' %]")
    _remember_box(_item(layout, "gap_attribution", QgsLayoutItemLabel))
    layout.itemById("gap_attribution").setText(spec.sources)

    main = _item(layout, "gap_main_map", QgsLayoutItemMap)
    main.setCrs(spec.crs)
    main.setLayers([item.layer for item in spec.gap_layers])
    main.setKeepLayerSet(True)
    set_views(coverage, main)
    first = next(coverage.getFeatures(QgsFeatureRequest().addOrderBy('"atlas_rank"')), None)
    if first is not None:
        main.setExtent(QgsRectangle(first["view_xmin"], first["view_ymin"], first["view_xmax"], first["view_ymax"]))
    properties = main.dataDefinedProperties()
    for key, name in (
        (QgsLayoutObject.DataDefinedProperty.MapXMin, "view_xmin"),
        (QgsLayoutObject.DataDefinedProperty.MapYMin, "view_ymin"),
        (QgsLayoutObject.DataDefinedProperty.MapXMax, "view_xmax"),
        (QgsLayoutObject.DataDefinedProperty.MapYMax, "view_ymax"),
    ):
        properties.setProperty(key, QgsProperty.fromField(name))
    main.setDataDefinedProperties(properties)

    inset = _item(layout, "gap_overview_map", QgsLayoutItemMap)
    inset.setCrs(spec.crs)
    inset.setLayers(list(spec.inset_layers))
    inset.setKeepLayerSet(True)
    rect = inset.rect()
    inset.setExtent(maplayout.fit_to_frame(spec.inset_extent, rect.width(), rect.height()))
    maplayout.link_map_furniture(
        main,
        inset,
        _item(layout, "gap_north_arrow", QgsLayoutItemPicture),
        _item(layout, "gap_scale_bar", QgsLayoutItemScaleBar),
        frame_alpha=60,
    )

    legend = _item(layout, "gap_legend", QgsLayoutItemLegend)
    legend.setLinkedMap(main)
    maplayout.set_legend_layers(legend, spec.gap_layers)
    for node in legend.model().rootGroup().findLayers():
        if node.layerId() in {i.layer.id() for i in spec.gap_layers if i.title == THIS_GAP}:
            node.setCustomProperty("legend/title-style", "hidden")  # its one entry says it
    layoutfit.set_filter_by_view(legend)

    table = _facts_table(layout)
    frame = table.frame(0)
    _remember_box(frame)
    # the table sizes its frame to its columns: the room it has is its heading's width
    frame_width = _item(layout, "gap_table_heading", QgsLayoutItemLabel).rect().width()
    table.setVectorLayer(spec.facts)
    columns = []
    for name, width in (("what", FACT_COLUMN_MM), ("value", 0.0)):
        column = QgsLayoutTableColumn()
        column.setAttribute(f'"{name}"')
        column.setHAlignment(Qt.AlignmentFlag.AlignLeft)
        if width:
            column.setWidth(width)
        else:
            margin = 4 * table.cellMargin() + 2 * table.gridStrokeWidth()
            column.setWidth(max(10.0, frame_width - FACT_COLUMN_MM - margin - 0.5))
        columns.append(column)
    table.setColumns(columns)
    order = QgsLayoutTableColumn()
    order.setAttribute('"seq"')
    order.setSortOrder(Qt.SortOrder.AscendingOrder)
    table.setSortColumns([order])
    table.setFilterFeatures(True)
    table.setFeatureFilter("\"gap_id\" = attribute(@atlas_feature, 'gap_id')")

    atlas = layout.atlas()
    atlas.setCoverageLayer(coverage)
    atlas.setEnabled(True)
    atlas.setHideCoverage(False)
    atlas.setSortFeatures(True)
    atlas.setSortExpression('"atlas_rank"')
    atlas.setSortAscending(True)
    atlas.setPageNameExpression("'Gap ' || \"gap_id\"")


def fit_gap_page(layout: QgsPrintLayout) -> List[str]:
    """Fits the gap page's text to the current atlas feature (the legend follows the map, the title
    and figures follow the gap); returns what still does not fit."""
    layout.refresh()
    title = layout.itemById("gap_title")
    if isinstance(title, QgsLayoutItemLabel):
        layoutfit.set_label_font_size(title, _title_size(title))
        maplayout.fit_label(title, title.text())
    table = _facts_table(layout)
    frame = table.frame(0)
    legend = layout.itemById("gap_legend")
    heading = layout.itemById("gap_table_heading")
    attribution = layout.itemById("gap_attribution")
    for item in (legend, heading, frame, attribution):  # as the template placed them, whatever the last page did
        if item is not None:
            _restore_box(item)
    left = []
    if isinstance(legend, QgsLayoutItemLegend):
        # QGIS 3.40 and 3.44 filter the first atlas page's legend by a stale view of its map and
        # correct it only at a later drawing (the page's legend grew by 28 mm after it was fitted):
        # the page is drawn once before the fit and once after, and fitted again if what the
        # legend shows changed in between
        for _attempt in range(3):
            _draw_page(layout)
            fit = layoutfit.fit_legend(legend)
            shown = layoutfit.legend_entry_counts(legend)
            _draw_page(layout)
            layoutfit.apply_legend_filter(legend)
            if layoutfit.legend_entry_counts(legend) == shown:
                break
            _restore_box(legend)
        if fit is not None and not fit.fits:
            left.append("legend 'gap_legend' does not fit")
        _give_room_below(legend, [heading, frame], frame)
    table.refreshAttributes()
    if not _fit_rows(table):
        left.append("table 'gap_facts' does not fit")
    if isinstance(attribution, QgsLayoutItemLabel):
        maplayout.grow_up_to(attribution, maplayout.fit_frame_to_rows(table) + 2.0)
    for item_id in ("gap_subtitle", "gap_attribution", "gap_note", "gap_table_heading", "gap_page_number"):
        item = layout.itemById(item_id)
        if isinstance(item, QgsLayoutItemLabel) and item.currentText().strip():
            # the sources of a page with coordination and drone layers run longer: down to 3.5 pt
            smallest = 3.5 if item_id == "gap_attribution" else 4.5
            if not layoutfit.fit_text(item, smallest=min(smallest, layoutfit.label_font_size(item))):
                left.append(f"label '{item_id}' does not fit")
    return left


def _draw_page(layout: QgsPrintLayout) -> None:
    """Draws the layout's first page once, small (every item, the maps with the current atlas
    feature's extent), so that the items which follow a map's drawing are up to date."""
    QgsLayoutExporter(layout).renderPageToImage(0, QSize(148, 105))
    QCoreApplication.processEvents()


def _fit_rows(table: QgsLayoutItemAttributeTable, smallest: float = 5.0) -> bool:
    """Shrinks the table's text (from the template's size, not below ``smallest`` pt) until all its
    rows fit its frame; True when they do."""
    text_format = table.contentTextFormat()
    base = table.customProperty("bordergaps/content_size")
    if base is None:
        base = text_format.size()
        table.setCustomProperty("bordergaps/content_size", base)
    size = float(base)
    room = table.frame(0).rect().height()
    while True:
        text_format.setSize(size)
        table.setContentTextFormat(text_format)
        table.refreshAttributes()
        if layoutfit.table_natural_height(table) <= room + layoutfit.TOLERANCE_MM:
            return True
        if size <= smallest:
            return False
        size = max(smallest, size - 0.25)


def _give_room_below(legend: QgsLayoutItemLegend, below: Sequence, grows) -> None:
    """Shortens the legend to what it shows on this page and moves the items stacked under it
    (``below``) up by the room freed; ``grows`` (the facts table) keeps its bottom, so it gains it."""
    rect = legend.mapRectToScene(legend.rect())
    # what the renderer measures, or how far down it draws when that is lower (QGIS 3.40 and 3.44
    # draw a legend up to ~2 mm below their own measure), with room for the frame's edge band
    measured = layoutfit.legend_content_size(legend)[1]
    drawn = layoutfit.ink_bottom(legend.layout(), legend, dpi=200.0) + legend.boxSpace()
    need = max(measured, drawn) + 1.5
    if need >= rect.height():
        return
    stacked = [
        item
        for item in below
        if item is not None
        and item.mapRectToScene(item.rect()).top() >= rect.bottom() - 0.1
        and item.mapRectToScene(item.rect()).left() >= rect.left() - 0.1
        and item.mapRectToScene(item.rect()).right() <= rect.right() + 0.1
    ]
    if len(stacked) != len([i for i in below if i is not None]):
        return  # not all beneath the legend (a portrait page puts them beside it)
    delta = rect.height() - need
    size = legend.sizeWithUnits()
    legend.attemptResize(QgsLayoutSize(size.width(), need, size.units()))
    for item in stacked:
        pos, size = item.pagePositionWithUnits(), item.sizeWithUnits()
        item.attemptMove(QgsLayoutPoint(pos.x(), pos.y() - delta, pos.units()), True, False, item.page())
        if item is grows:
            item.attemptResize(QgsLayoutSize(size.width(), size.height() + delta, size.units()))


_BOX = "bordergaps/box"


def _remember_box(item) -> List[float]:
    """The item's (x, y, width, height) in mm on its page, kept on the item the first time."""
    stored = item.customProperty(_BOX)
    if stored is None:
        pos, size = item.pagePositionWithUnits(), item.sizeWithUnits()
        stored = f"{pos.x()},{pos.y()},{size.width()},{size.height()}"
        item.setCustomProperty(_BOX, stored)
    return [float(v) for v in str(stored).split(",")]


def _restore_box(item) -> None:
    x, y, width, height = _remember_box(item)
    units = item.sizeWithUnits().units()
    item.attemptResize(QgsLayoutSize(width, height, units))
    item.attemptMove(QgsLayoutPoint(x, y, units), True, False, item.page())


def _title_size(label: QgsLayoutItemLabel) -> float:
    stored = label.customProperty("bordergaps/title_size")
    if stored is None:
        stored = layoutfit.label_font_size(label)
        label.setCustomProperty("bordergaps/title_size", stored)
    return float(stored)


def build_gap_layout(project: QgsProject, spec: AtlasSpec, page: int) -> QgsPrintLayout:
    """A one-page layout of the gap page (each atlas feature is one page of the output)."""
    layout = QgsPrintLayout(project)
    layout.setName(f"Border Gaps atlas {maplayout.PAGES[page][0]}")
    add_template_page(layout, page, 0)
    fill_gap_page(layout, spec)
    return layout


def build_atlas_layout(project: QgsProject, spec: AtlasSpec, page: int) -> QgsPrintLayout:
    """The whole atlas in one layout: page 1 the briefing map (exported with the first gap only),
    page 2 the gap page, repeated by the atlas for every gap."""
    spec.overview.page_text = f"Page 1 of {spec.coverage.featureCount() + 1}"
    layout = maplayout.build_layout(project, spec.overview)
    add_template_page(layout, page, 1)
    fill_gap_page(layout, spec)
    first_page = layout.pageCollection().page(0)
    properties = first_page.dataDefinedProperties()
    properties.setProperty(
        QgsLayoutObject.DataDefinedProperty.ExcludeFromExports, QgsProperty.fromExpression("@atlas_featurenumber > 1")
    )
    first_page.setDataDefinedProperties(properties)
    return layout


# ------------------------------------------------------------------ export


def geopdf_available() -> bool:
    """Whether this QGIS can write GeoPDF (GDAL's PDF driver with read support, QGIS's own test)
    and the pages can be joined into one file (the Python package pypdf)."""
    return geopdf_unavailable_reason() is None


def geopdf_unavailable_reason() -> Optional[str]:
    import qgis.core as core

    exporter = getattr(core, "QgsAbstractGeospatialPdfExporter", None) or getattr(
        core, "QgsAbstractGeoPdfExporter", None
    )
    creatable = None
    if exporter is not None:
        test = getattr(exporter, "geospatialPDFCreationAvailable", None) or getattr(
            exporter, "geoPDFCreationAvailable", None
        )
        creatable = bool(test()) if test else None
    if creatable is None:  # not in the Python bindings of this QGIS: the same test QGIS makes
        try:
            from osgeo import gdal
        except ImportError:
            return "GDAL's Python bindings are missing"
        driver = gdal.GetDriverByName("PDF")
        creatable = driver is not None and any(
            "YES" in (driver.GetMetadataItem(key) or "") for key in ("HAVE_POPPLER", "HAVE_PDFIUM")
        )
    if not creatable:
        return "this QGIS's GDAL has no PDF read support (poppler or pdfium), which GeoPDF needs"
    from . import geopdf

    if not geopdf.merge_available():
        return "the Python package pypdf is missing (QGIS on Windows: python -m pip install pypdf in the OSGeo4W Shell)"
    return None


def _pdf_settings(dpi: int, geo: bool):
    settings = QgsLayoutExporter.PdfExportSettings()
    settings.dpi = dpi
    settings.rasterizeWholeImage = False
    settings.forceVectorOutput = False
    settings.exportMetadata = True
    settings.textRenderFormat = Qgis.TextRenderFormat.AlwaysText
    if geo:
        settings.writeGeoPdf = True
        settings.includeGeoPdfFeatures = False  # the map layers toggle; feature attributes stay in the KMZ
        settings.appendGeoreference = True
    return settings


def export_pdf(layout: QgsPrintLayout, path: str, dpi: int, feedback=None) -> int:
    """Writes the one-layout atlas (build_atlas_layout) to ``path``; returns the pages written."""
    atlas = layout.atlas()

    def changed(_feature):
        fit_gap_page(layout)
        if feedback is not None:
            feedback.setProgress(50 + 45 * (atlas.currentFeatureNumber() + 1) / max(1, atlas.count()))

    atlas.featureChanged.connect(changed)
    try:
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        result, error = QgsLayoutExporter.exportToPdf(atlas, path, _pdf_settings(dpi, False))
    finally:
        atlas.featureChanged.disconnect(changed)
    if result != QgsLayoutExporter.ExportResult.Success:
        raise BorderGapsError(
            f"Could not write the atlas PDF '{path}' ({error or result}). Check the folder is writable and "
            "the file is not open in another program."
        )
    return 1 + atlas.count()


def export_geopdf(
    overview: QgsPrintLayout,
    gap_layout: QgsPrintLayout,
    path: str,
    dpi: int,
    feedback=None,
    is_canceled: Callable[[], bool] = lambda: False,
) -> int:
    """Writes page 1 (``overview``) and a page per atlas feature of ``gap_layout`` as GeoPDF pages,
    each georeferenced by QGIS, and joins them into ``path`` with their layers merged by name (one
    switch per layer for the whole atlas). Returns the pages written."""
    from . import geopdf

    settings = _pdf_settings(dpi, True)
    folder = tempfile.mkdtemp(prefix="border-gaps-atlas-")
    parts = []
    try:
        first = os.path.join(folder, "page_0001.pdf")
        _export_one(overview, first, settings)
        parts.append(first)
        atlas = gap_layout.atlas()
        if not atlas.beginRender():
            raise BorderGapsError("QGIS could not start the atlas over the gaps.")
        try:
            for index in range(atlas.count()):
                if is_canceled():
                    return 0
                atlas.seekTo(index)
                fit_gap_page(gap_layout)
                part = os.path.join(folder, f"page_{index + 2:04d}.pdf")
                _export_one(gap_layout, part, settings)
                parts.append(part)
                if feedback is not None:
                    feedback.setProgress(50 + 40 * (index + 1) / max(1, atlas.count()))
        finally:
            atlas.endRender()
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        geopdf.merge(parts, path)
    finally:
        for part in os.listdir(folder):
            os.remove(os.path.join(folder, part))
        os.rmdir(folder)
    return len(parts)


def _export_one(layout: QgsPrintLayout, path: str, settings) -> None:
    exporter = QgsLayoutExporter(layout)
    result = exporter.exportToPdf(path, settings)
    if result != QgsLayoutExporter.ExportResult.Success:
        raise BorderGapsError(
            f"QGIS could not write a GeoPDF page ({exporter.errorMessage() or result}); run again with GEOPDF=false "
            "for a plain PDF."
        )


def frames_of(layout) -> List[QgsLayoutFrame]:
    return [item for item in layout.items() if isinstance(item, QgsLayoutFrame)]
