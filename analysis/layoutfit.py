"""Keeps the text of a print layout inside its frames: legends wrapped, re-columned and scaled
until they fit, labels shrunk until their wrapped text fits, and the two checks that nothing is
clipped (each item's measured content against its frame, and the ink at its frame's edges)."""

import json
import math
from dataclasses import dataclass
from itertools import combinations
from typing import Dict, List, Optional, Sequence

from qgis.core import (
    Qgis,
    QgsLayerTreeLayer,
    QgsLayoutExporter,
    QgsLayoutFrame,
    QgsLayoutItem,
    QgsLayoutItemAttributeTable,
    QgsLayoutItemLabel,
    QgsLayoutItemLegend,
    QgsLayoutItemPage,
    QgsLayoutSize,
    QgsLayoutUtils,
    QgsLegendRenderer,
    QgsLegendStyle,
    QgsMapHitTest,
    QgsMapLayerLegendUtils,
    QgsTextFormat,
    QgsTextRenderer,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QRectF, QSize, QSizeF, Qt
from qgis.PyQt.QtGui import QFontMetricsF, QImage, QPainter
from qgis.PyQt.QtWidgets import QStyleOptionGraphicsItem

# The legend styles whose text is scaled, and whether their text wraps at the column width.
LEGEND_TEXT_STYLES = (
    QgsLegendStyle.Style.Title,
    QgsLegendStyle.Style.Group,
    QgsLegendStyle.Style.Subgroup,
    QgsLegendStyle.Style.SymbolLabel,
)
LEGEND_MARGIN_STYLES = LEGEND_TEXT_STYLES + (QgsLegendStyle.Style.Symbol,)
MARGIN_SIDES = (
    QgsLegendStyle.Side.Top,
    QgsLegendStyle.Side.Bottom,
    QgsLegendStyle.Side.Left,
    QgsLegendStyle.Side.Right,
)
LEGEND_SCALES = (1.0, 0.94, 0.88, 0.82, 0.76, 0.7, 0.64, 0.58)
TOLERANCE_MM = 0.05
_BASE = "bordergaps/fit_base"  # custom property: the legend's text sizes before any fitting
_NAME = "bordergaps/name"  # on a layer node: its title before wrapping
_LABELS = "bordergaps/labels"  # on a layer node: its legend entries' labels before wrapping
_BY_VIEW = "bordergaps/filter_by_view"  # on a legend: list only what its map's view shows (filter_by_view)
_VIEW_ORDER = "bordergaps/view_order"  # on a layer node: the entries filter_by_view kept (JSON)
_EMPTY_IN_VIEW = "bordergaps/empty_in_view"  # on a layer node left out by the view: its title style before
_NODE_ORDER = "legend/node-order"  # QGIS's own node properties (QgsMapLayerLegendUtils, QgsLegendRenderer)
_TITLE_STYLE = "legend/title-style"
_USES_TEXT_FORMAT = hasattr(QgsLegendStyle, "textFormat")  # QGIS >= 3.30: legend text is a QgsTextFormat
_LABEL_FORMAT = hasattr(QgsLayoutItemLabel, "textFormat")  # QGIS >= 3.24
_WRAPPED_HEIGHT = hasattr(Qgis, "TextLayoutMode") and hasattr(Qgis, "TextRendererFlag")  # wrapped text height
_FONT_SCALE = 10.0  # QgsLayoutUtils draws text with fonts this much larger, scaled back (3.22)


# ----------------------------------------------------------------------- measuring text


_MEASURE = {}


def _render_context(layout):
    """A render context of ``layout`` for measuring text, with a painter behind it where text is a
    QgsTextFormat (one painter on a small image, kept open). (The QGIS 3.40 crash once put down to
    a missing painter was a dangling text format: see legend_text_format.)"""
    if not (_USES_TEXT_FORMAT or _LABEL_FORMAT):
        return QgsLayoutUtils.createRenderContextForLayout(layout, None)
    if "painter" not in _MEASURE:
        image = QImage(8, 8, QImage.Format.Format_ARGB32)
        image.fill(0)
        _MEASURE["image"] = image
        _MEASURE["painter"] = QPainter(image)
    return QgsLayoutUtils.createRenderContextForLayout(layout, _MEASURE["painter"])


def legend_text_format(legend: QgsLayoutItemLegend, style) -> QgsTextFormat:
    """A copy of a legend text style's text format (QGIS >= 3.30). QgsLegendStyle.textFormat()
    returns a reference into the style: taken from the copy that legend.style() returns, it
    dangles as soon as that copy is collected (QGIS 3.40 crashed on it), so the style is kept
    while its format is copied."""
    legend_style = legend.style(style)
    return QgsTextFormat(legend_style.textFormat())


def set_legend_style(legend: QgsLayoutItemLegend, style, text_format=None, margins=None) -> None:
    """Sets a legend style's text format and/or margins ({side: mm}) through a copy of the style
    handed back with setStyle (never through a reference into the legend's settings)."""
    legend_style = legend.style(style)
    if text_format is not None:
        legend_style.setTextFormat(text_format)
    for side, margin in (margins or {}).items():
        legend_style.setMargin(side, margin)
    legend.setStyle(style, legend_style)


def legend_font_size(legend: QgsLayoutItemLegend, style) -> float:
    """Point size of a legend text style."""
    if _USES_TEXT_FORMAT:
        return legend_text_format(legend, style).size()
    return legend.styleFont(style).pointSizeF()


def set_legend_font_size(legend: QgsLayoutItemLegend, style, size: float) -> None:
    if _USES_TEXT_FORMAT:
        text_format = legend_text_format(legend, style)
        text_format.setSize(size)
        set_legend_style(legend, style, text_format=text_format)
    else:
        font = legend.styleFont(style)
        font.setPointSizeF(size)
        legend.setStyleFont(style, font)


def legend_text_width(legend: QgsLayoutItemLegend, style, text: str, context=None) -> float:
    """Width in mm of one line of ``text`` in a legend text style."""
    if _USES_TEXT_FORMAT:
        context = context or _render_context(legend.layout())
        return QgsTextRenderer.textWidth(context, legend_text_format(legend, style), [text]) / context.scaleFactor()
    return legend.legendSettings().textWidthMillimeters(legend.styleFont(style), text)


def wrap_words(text: str, width_mm: float, measure) -> str:
    """``text`` with line breaks between words so that no line is wider than ``width_mm`` by
    ``measure(line)``; a word wider than that stays whole on its own line. Breaks already in
    ``text`` are kept."""
    lines = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if line and measure(candidate) > width_mm:
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
    return "\n".join(lines)


# ----------------------------------------------------------------------- the legend


@dataclass
class LegendFit:
    """How a legend was made to fit: the text scale and columns chosen, and whether it fits."""

    fits: bool
    scale: float
    columns: int
    size_mm: tuple


def legend_content_size(legend: QgsLayoutItemLegend) -> tuple:
    """(width, height) in mm that the legend's content needs, as its renderer lays it out."""
    layout = legend.layout()
    context = _render_context(layout)
    settings = legend.legendSettings()
    if hasattr(context, "setRendererScale"):
        linked = legend.linkedMap()
        if linked is not None:
            context.setRendererScale(linked.scale())
    size = QgsLegendRenderer(legend.model(), settings).minimumSize(context)
    return size.width(), size.height()


def _symbol_items(layer) -> Optional[list]:
    """The legend entries of ``layer`` as its renderer lists them (QgsLegendSymbolItem: label, rule
    key), when QGIS's default vector legend draws exactly one entry per item, in that order; None
    for any other legend (rasters, label, diagram or data-defined size entries, a placeholder
    image). Read from the renderer, never from the legend model's nodes: the model deletes and
    recreates those at every refresh, and a Python wrapper read after one can be a deleted object
    (QGIS 3.40 failed one map export in 40 that way)."""
    if not isinstance(layer, QgsVectorLayer) or layer.renderer() is None:
        return None
    legend = layer.legend()
    if legend is None or legend.metaObject().className() != "QgsDefaultVectorLayerLegend":
        return None
    if hasattr(layer, "legendPlaceholderImage") and layer.legendPlaceholderImage():
        return None
    if layer.diagramsEnabled():
        return None
    label_legend = getattr(legend, "showLabelLegend", None)  # QGIS >= 3.20, on the subclass's wrapper
    if label_legend is not None and label_legend():
        return None
    size_legend = getattr(layer.renderer(), "dataDefinedSizeLegend", None)
    if size_legend is not None and size_legend() is not None:
        return None
    return layer.renderer().legendSymbolItems()


def set_filter_by_view(legend: QgsLayoutItemLegend) -> None:
    """The legend lists only the entries (categories, classes, rules) of which a feature is drawn in
    its linked map's view and leaves out a layer with none, as QGIS's "Only show items inside linked
    map" does, but from one hit test each time the legend is fitted (filter_by_view) rather than
    QGIS's filter: on QGIS 3.40 a process exporting maps with QGIS's filter grew by about 350 KiB a
    map (the soak in the README)."""
    legend.setLegendFilterByMapEnabled(False)
    legend.setCustomProperty(_BY_VIEW, True)
    filter_by_view(legend)


def _set_view_order(node: QgsLayerTreeLayer, keep: Optional[List[int]]) -> bool:
    """Shows only the entries ``keep`` (indices into the layer's own entries; None: all) of the
    layer node, its heading hidden when none is kept; undoes an earlier view's narrowing first.
    True when the node changed (its legend must be refreshed)."""
    wanted = None if keep is None else json.dumps(keep)
    before = node.customProperty(_VIEW_ORDER)
    if before == wanted:
        return False
    if before is not None:
        node.removeCustomProperty(_NODE_ORDER)
        node.removeCustomProperty(_VIEW_ORDER)
        hidden_style = node.customProperty(_EMPTY_IN_VIEW)
        if hidden_style is not None:
            if hidden_style:
                node.setCustomProperty(_TITLE_STYLE, hidden_style)
            else:
                node.removeCustomProperty(_TITLE_STYLE)
            node.removeCustomProperty(_EMPTY_IN_VIEW)
    if keep is not None:
        QgsMapLayerLegendUtils.setLegendNodeOrder(node, keep)
        node.setCustomProperty(_VIEW_ORDER, wanted)
        if not keep:
            node.setCustomProperty(_EMPTY_IN_VIEW, node.customProperty(_TITLE_STYLE) or "")
            node.setCustomProperty(_TITLE_STYLE, "hidden")
    return True


def filter_by_view(legend: QgsLayoutItemLegend) -> None:
    """Lists in ``legend`` only what its linked map's current view shows (see set_filter_by_view):
    QGIS's QgsMapHitTest of the map's settings, then each layer's entries narrowed to the rule keys
    hit (QgsMapLayerLegendUtils.setLegendNodeOrder), the heading of a layer with none hidden. A
    layer's legend is refreshed only when what it shows changed. Layers whose legend is not one
    entry per renderer item (_symbol_items) are listed whole."""
    linked = legend.linkedMap()
    if linked is None:
        return
    dpi = legend.layout().renderContext().dpi()
    rect = linked.rect()  # mm
    size = QSizeF(rect.width() * dpi / 25.4, rect.height() * dpi / 25.4)
    hit = QgsMapHitTest(linked.mapSettings(linked.extent(), size, dpi, True))
    hit.run()
    model = legend.model()
    for node in model.rootGroup().findLayers():
        layer = node.layer()
        items = _symbol_items(layer)
        keep = None
        if items is not None:
            keys = [item.ruleKey() for item in items]
            keep = [i for i, key in enumerate(keys) if not key or hit.legendKeyVisible(key, layer)]
            if len(keep) == len(items):
                keep = None
        if _set_view_order(node, keep):
            model.refreshLayerLegend(node)


def legend_entry_counts(legend: QgsLayoutItemLegend) -> tuple:
    """For each layer of the legend: the rows it shows and the entries a view filter kept (read from
    the model's rows and the nodes' properties, not from legend node objects)."""
    model = legend.model()
    return tuple(
        (model.rowCount(model.node2index(node)), node.customProperty(_VIEW_ORDER))
        for node in model.rootGroup().findLayers()
    )


def apply_legend_filter(legend: QgsLayoutItemLegend) -> None:
    """Filters the legend by its map now: ours (filter_by_view) when set_filter_by_view set it, else
    QGIS's, which QGIS only asks for (updateFilterByMap) and does when the legend is next painted, so
    the legend is painted once into a small image."""
    if legend.customProperty(_BY_VIEW):
        filter_by_view(legend)
        return
    if not (legend.legendFilterByMapEnabled() or legend.legendFilterOutAtlas()):
        return
    legend.updateFilterByMap(False)
    image = QImage(8, 8, QImage.Format.Format_ARGB32)
    image.fill(0)
    painter = QPainter(image)
    try:
        legend.paint(painter, QStyleOptionGraphicsItem(), None)
    finally:
        painter.end()


def _baseline(legend: QgsLayoutItemLegend) -> Dict:
    """The legend's text sizes, symbol size and columns as the template set them (kept on the item
    the first time, so that fitting page after page always starts from the same sizes)."""
    stored = legend.customProperty(_BASE)
    if stored:
        return json.loads(stored)
    base = {
        "fonts": {str(int(s)): legend_font_size(legend, s) for s in LEGEND_TEXT_STYLES},
        "margins": {str(int(s)): [legend.style(s).margin(side) for side in MARGIN_SIDES] for s in LEGEND_MARGIN_STYLES},
        "symbol": [legend.symbolWidth(), legend.symbolHeight()],
        "columns": max(1, legend.columnCount()),
    }
    legend.setCustomProperty(_BASE, json.dumps(base))
    return base


def _layer_nodes(legend: QgsLayoutItemLegend) -> List[QgsLayerTreeLayer]:
    return legend.model().rootGroup().findLayers()


def _original_texts(legend: QgsLayoutItemLegend, node: QgsLayerTreeLayer):
    """(title, [labels of its legend entries]) before any wrapping of ours: from the renderer's
    items and any label set on the node (_symbol_items), else from the legend's entries."""
    if node.customProperty(_NAME) is None:
        node.setCustomProperty(_NAME, node.name())
    if node.customProperty(_LABELS) is None:
        items = _symbol_items(node.layer())
        if items is not None:
            labels = [
                QgsMapLayerLegendUtils.legendNodeUserLabel(node, i) or item.label() for i, item in enumerate(items)
            ]
        else:
            nodes = legend.model().layerOriginalLegendNodes(node)
            labels = [str(n.data(Qt.ItemDataRole.DisplayRole) or "") for n in nodes]
        node.setCustomProperty(_LABELS, json.dumps(labels))
    return node.customProperty(_NAME), json.loads(node.customProperty(_LABELS))


def _embedded(legend: QgsLayoutItemLegend, node: QgsLayerTreeLayer, labels: List[str]) -> bool:
    """Whether the layer is drawn as one entry beside its title (a single symbol without a label)."""
    if _symbol_items(node.layer()) is not None:
        return len(labels) == 1 and not labels[0]
    return legend.model().legendNodeEmbeddedInParent(node) is not None


def _apply_wrapping(legend: QgsLayoutItemLegend, title_width: float, label_width: float, context) -> None:
    """Wraps every layer title and legend entry label to its width (mm) in its own style."""
    model = legend.model()
    for node in _layer_nodes(legend):
        title, labels = _original_texts(legend, node)
        embedded = _embedded(legend, node, labels)
        # a layer drawn as one entry shows its title as that entry's label
        style = QgsLegendStyle.Style.SymbolLabel if embedded else QgsLegendStyle.Style.Subgroup
        width = label_width if embedded else title_width
        wrapped = wrap_words(title, width, lambda t, s=style: legend_text_width(legend, s, t, context))
        if node.name() != wrapped:
            node.setName(wrapped)
        changed = False
        for index, label in enumerate(labels):
            if not label:
                continue
            text = wrap_words(
                label, label_width, lambda t: legend_text_width(legend, QgsLegendStyle.Style.SymbolLabel, t, context)
            )
            current = QgsMapLayerLegendUtils.legendNodeUserLabel(node, index)
            if text != label and current != text:
                QgsMapLayerLegendUtils.setLegendNodeUserLabel(node, index, text)
                changed = True
            elif text == label and current and current != label and "\n" in current:
                QgsMapLayerLegendUtils.setLegendNodeUserLabel(node, index, "")  # a break of an earlier fit
                changed = True
        if changed:
            model.refreshLayerLegend(node)


_BREAK = "legend/column-break"  # QGIS's own property: start a new column at this layer
MAX_BREAK_CHOICES = 80


def balance_columns(legend: QgsLayoutItemLegend, columns: int) -> tuple:
    """Starts columns at the layers that make the legend shortest (no layer split, layers kept in
    their order) and returns its content size. QGIS's own split fills the first columns up to
    an even share and can leave the last one half empty."""
    nodes = _layer_nodes(legend)
    for node in nodes:
        node.removeCustomProperty(_BREAK)
    best_size = legend_content_size(legend)
    if columns < 2 or len(nodes) < 2:
        return best_size
    choices = list(combinations(range(1, len(nodes)), min(columns, len(nodes)) - 1))
    if len(choices) > MAX_BREAK_CHOICES:
        return best_size
    best = None
    for breaks in choices:
        for i, node in enumerate(nodes):
            if i in breaks:
                node.setCustomProperty(_BREAK, "1")
            else:
                node.removeCustomProperty(_BREAK)
        size = legend_content_size(legend)
        if best is None or (size[1], size[0]) < (best_size[1], best_size[0]):
            best, best_size = breaks, size
    for i, node in enumerate(nodes):
        if best is not None and i in best:
            node.setCustomProperty(_BREAK, "1")
        else:
            node.removeCustomProperty(_BREAK)
    return best_size


def _symbol_label_space(legend: QgsLayoutItemLegend) -> float:
    label_style = legend.style(QgsLegendStyle.Style.SymbolLabel)
    symbol_style = legend.style(QgsLegendStyle.Style.Symbol)
    return (
        legend.symbolWidth()
        + label_style.margin(QgsLegendStyle.Side.Left)
        + symbol_style.margin(QgsLegendStyle.Side.Left)
        + symbol_style.margin(QgsLegendStyle.Side.Right)
        + 0.6  # symbols wider than the nominal width (thick outlines, markers) and rounding
    )


def fit_legend(legend: QgsLayoutItemLegend, column_choices: Optional[Sequence[int]] = None) -> LegendFit:
    """Makes the legend's content fit its frame: long titles and labels wrap at the width of a
    column, layers stay whole in one column (a heading never apart from its entries), and when
    that is not enough the text and symbols shrink step by step (LEGEND_SCALES) or the number of
    columns changes. Starts from the template's sizes every time, so it can be called again after
    the map (and so the filtered legend) changed, e.g. on every atlas page."""
    layout = legend.layout()
    apply_legend_filter(legend)
    base = _baseline(legend)
    legend.setSplitLayer(False)
    legend.setResizeToContents(False)
    width, height = legend.rect().width(), legend.rect().height()
    preferred = int(base["columns"])
    if column_choices is None:
        column_choices = sorted(
            {preferred, max(1, preferred - 1), preferred + 1, preferred + 2}, key=lambda c: (abs(c - preferred), c)
        )
    context = _render_context(layout)
    # the template's columns at sizes down to 82 % first, then any of the columns at any size
    candidates = [(scale, preferred) for scale in LEGEND_SCALES if scale >= 0.8]
    candidates += [(scale, columns) for scale in LEGEND_SCALES for columns in column_choices]
    last = None
    tried = set()
    for scale, columns in candidates:
        if (scale, columns) in tried:
            continue
        tried.add((scale, columns))
        for style in LEGEND_TEXT_STYLES:
            set_legend_font_size(legend, style, base["fonts"][str(int(style))] * scale)
        legend.setSymbolWidth(base["symbol"][0] * max(scale, 0.8))
        legend.setSymbolHeight(base["symbol"][1] * max(scale, 0.8))
        for style in LEGEND_MARGIN_STYLES:
            margins = zip(MARGIN_SIDES, base["margins"][str(int(style))])
            set_legend_style(legend, style, margins={side: margin * scale for side, margin in margins})
        legend.setColumnCount(columns)
        inner = width - 2 * legend.boxSpace() - (columns - 1) * legend.columnSpace()
        column = inner / columns - 0.3
        excess = 0.0
        for _attempt in range(3):
            budget = column - excess
            _apply_wrapping(legend, budget, budget - _symbol_label_space(legend), context)
            size = balance_columns(legend, columns)
            last = LegendFit(False, scale, columns, size)
            if size[0] <= width + TOLERANCE_MM and size[1] <= height + TOLERANCE_MM:
                legend.refresh()
                last.fits = True
                return last
            if size[0] <= width + TOLERANCE_MM:
                break  # too tall: wrapping narrower only makes it taller
            excess += (size[0] - width) / columns + 0.2
    legend.refresh()
    return last


# ----------------------------------------------------------------------- labels


def _label_inner(label: QgsLayoutItemLabel) -> QRectF:
    rect = label.rect()
    mx, my = max(0.0, label.marginX()), max(0.0, label.marginY())
    return QRectF(rect.x() + mx, rect.y() + my, max(0.0, rect.width() - 2 * mx), max(0.0, rect.height() - 2 * my))


def label_font_size(label: QgsLayoutItemLabel) -> float:
    return label.textFormat().size() if _LABEL_FORMAT else label.font().pointSizeF()


def set_label_font_size(label: QgsLayoutItemLabel, size: float) -> None:
    if _LABEL_FORMAT:
        text_format = label.textFormat()
        text_format.setSize(size)
        label.setTextFormat(text_format)
    else:
        font = label.font()
        font.setPointSizeF(size)
        label.setFont(font)


def label_text_size(label: QgsLayoutItemLabel) -> tuple:
    """(width of the widest line or word, height of all lines) in mm of the label's text wrapped
    at its inner width, as the label draws it."""
    text = label.currentText()
    inner = _label_inner(label)
    if not text.strip():
        return 0.0, 0.0
    if _LABEL_FORMAT and _WRAPPED_HEIGHT:
        context = _render_context(label.layout())
        scale = context.scaleFactor()
        text_format = label.textFormat()
        lines = text.split("\n")
        words = [w for line in lines for w in line.split(" ") if w]
        widest_word = max(QgsTextRenderer.textWidth(context, text_format, [w]) for w in words) / scale
        height = (
            QgsTextRenderer.textHeight(
                context,
                text_format,
                lines,
                Qgis.TextLayoutMode.Rectangle,
                None,
                Qgis.TextRendererFlag.WrapLines,
                inner.width() * scale,
            )
            / scale
        )
        widths = [QgsTextRenderer.textWidth(context, text_format, [line]) / scale for line in lines]
        return min(max(widths), max(widest_word, inner.width())) if widths else 0.0, height
    if _LABEL_FORMAT:  # 3.24 to 3.26: the label's font at its size, measured by Qt
        font = label.textFormat().toQFont() if hasattr(label.textFormat(), "toQFont") else label.textFormat().font()
        font.setPointSizeF(label.textFormat().size())
    else:
        font = label.font()
    font = QgsLayoutUtils.scaledFontPixelSize(font)
    metrics = QFontMetricsF(font)
    box = metrics.boundingRect(
        QRectF(0, 0, inner.width() * _FONT_SCALE, 1e7), int(Qt.TextFlag.TextWordWrap | label.hAlign()), text
    )
    return box.width() / _FONT_SCALE, box.height() / _FONT_SCALE


def fit_text(label: QgsLayoutItemLabel, smallest: float = 5.0, step: float = 0.25) -> bool:
    """Shrinks the label's font (not below ``smallest`` pt) until its wrapped text fits inside
    it; True when it fits."""
    inner = _label_inner(label)
    while True:
        width, height = label_text_size(label)
        if width <= inner.width() + TOLERANCE_MM and height <= inner.height() + TOLERANCE_MM:
            # QGIS 3.40 and 3.44 draw text lower than QgsTextRenderer.textHeight says (a two-line
            # subtitle that measures 1 mm short of its frame touched its bottom) and break long
            # words their own way: the drawing is checked too
            if not ink_at_edges(label.layout(), label, dpi=150.0, sides=text_sides(label)):
                return True
        size = label_font_size(label)
        if size <= smallest + 1e-9:
            return False
        set_label_font_size(label, max(smallest, size - step))


# ----------------------------------------------------------------------- checks


def _name(item) -> str:
    if isinstance(item, QgsLayoutFrame) and item.multiFrame() is not None:
        return item.id() or item.multiFrame().displayName()
    return item.id() or item.displayName()


def layout_problems(layout) -> List[str]:
    """A sentence for every legend, label or table whose measured content does not fit its frame
    (on the pages that are exported); empty when everything fits."""
    problems = []
    for item in layout.items():
        if not isinstance(item, QgsLayoutItem) or isinstance(item, QgsLayoutItemPage) or not item.isVisible():
            continue
        if isinstance(item, QgsLayoutItemLegend):
            need = legend_content_size(item)
            have = (item.rect().width(), item.rect().height())
        elif isinstance(item, QgsLayoutItemLabel):
            need = label_text_size(item)
            inner = _label_inner(item)
            have = (inner.width(), inner.height())
        else:
            continue
        if need[0] > have[0] + TOLERANCE_MM or need[1] > have[1] + TOLERANCE_MM:
            problems.append(
                f"{type(item).__name__[len('QgsLayoutItem') :].lower()} '{_name(item)}': its content needs "
                f"{need[0]:.1f} × {need[1]:.1f} mm, its frame holds {have[0]:.1f} × {have[1]:.1f} mm"
            )
    for multiframe in layout.multiFrames():
        if not isinstance(multiframe, QgsLayoutItemAttributeTable) or multiframe.frameCount() != 1:
            continue
        frame = multiframe.frame(0)
        if not frame.isVisible() or not frame.shouldDrawItem():
            continue
        natural = table_natural_height(multiframe)
        if natural > frame.rect().height() + TOLERANCE_MM:
            problems.append(
                f"table '{_name(frame)}': its rows need {natural:.1f} mm, "
                f"its frame holds {frame.rect().height():.1f} mm"
            )
    problems += overlapping_text(layout)
    return problems


def _text_boxes(layout):
    """(name, scene rectangle, page) of every visible legend, label with text and table frame."""
    boxes = []
    for item in layout.items():
        if not isinstance(item, QgsLayoutItem) or not item.isVisible() or not item.shouldDrawItem():
            continue
        if isinstance(item, QgsLayoutItemLabel) and not item.currentText().strip():
            continue
        if isinstance(item, (QgsLayoutItemLegend, QgsLayoutItemLabel)) or (
            isinstance(item, QgsLayoutFrame) and isinstance(item.multiFrame(), QgsLayoutItemAttributeTable)
        ):
            boxes.append((_name(item), item.mapRectToScene(item.rect()), item.page()))
    return boxes


def overlapping_text(layout) -> List[str]:
    """A sentence for every legend, label or table frame that runs off its page or into another."""
    problems = []
    boxes = _text_boxes(layout)
    pages = layout.pageCollection()
    for name, rect, page in boxes:
        page_item = pages.page(page)
        if page_item is None:
            continue
        sheet = page_item.mapRectToScene(page_item.rect())
        inside = sheet.adjusted(-TOLERANCE_MM, -TOLERANCE_MM, TOLERANCE_MM, TOLERANCE_MM)
        if not inside.contains(rect):
            problems.append(f"'{name}' runs off page {page + 1}")
    for i, (name, rect, _page) in enumerate(boxes):
        for other, other_rect, _other_page in boxes[i + 1 :]:
            overlap = rect.intersected(other_rect)
            if overlap.width() > TOLERANCE_MM and overlap.height() > TOLERANCE_MM:
                problems.append(f"'{name}' and '{other}' overlap by {overlap.width():.1f} × {overlap.height():.1f} mm")
    return problems


def render_alone(layout, item: QgsLayoutItem, dpi: float = 300.0) -> QImage:
    """``item`` rendered by itself (no other item, no frame or background of its own) over its
    own rectangle, white where it draws nothing."""
    others = []
    for other in layout.items():
        if (
            isinstance(other, QgsLayoutItem)
            and not isinstance(other, QgsLayoutItemPage)
            and other.uuid() != item.uuid()
            and other.isVisible()
        ):
            other.setVisibility(False)
            others.append(other)
    frame, background = item.frameEnabled(), item.hasBackground()
    item.setFrameEnabled(False)
    item.setBackgroundEnabled(False)
    try:
        region = item.mapRectToScene(item.rect())
        px_per_mm = dpi / 25.4
        size = QSize(max(1, round(region.width() * px_per_mm)), max(1, round(region.height() * px_per_mm)))
        return QgsLayoutExporter(layout).renderRegionToImage(region, size, dpi)
    finally:
        item.setFrameEnabled(frame)
        item.setBackgroundEnabled(background)
        for other in others:
            other.setVisibility(True)


def ink_at_edges(layout, item: QgsLayoutItem, band_mm: float = 0.3, dpi: float = 300.0, sides=None) -> List[str]:
    """The sides ("left", "right", "top", "bottom") of ``item``'s frame that its own drawing
    touches: the item is rendered alone (render_alone) and a band ``band_mm`` wide inside each
    side is searched for ink. Text cut off by the frame leaves ink there; content that keeps its
    margins does not."""
    image = render_alone(layout, item, dpi)
    return edges_with_ink(image, max(1, math.ceil(band_mm * dpi / 25.4)), sides)


def ink_bottom(layout, item: QgsLayoutItem, dpi: float = 100.0) -> float:
    """How far (mm) below the item's top its drawing reaches; 0 when it draws nothing."""
    ink = _ink_mask(render_alone(layout, item, dpi))
    rows = ink.any(axis=1).nonzero()[0]
    return 0.0 if len(rows) == 0 else (rows[-1] + 1) * 25.4 / dpi


def table_natural_height(table: QgsLayoutItemAttributeTable, dpi: float = 100.0) -> float:
    """The height (mm) of all the rows of a one-frame table as drawn in a frame tall enough for
    them (a frame too short leaves whole rows out rather than cutting them)."""
    frame = table.frame(0)
    size = frame.sizeWithUnits()
    frame.attemptResize(QgsLayoutSize(size.width(), 1000.0, size.units()))
    try:
        return ink_bottom(table.layout(), frame, dpi)
    finally:
        frame.attemptResize(size)


def _ink_mask(image: QImage, threshold: int = 80):
    import numpy as np

    image = image.convertToFormat(QImage.Format.Format_ARGB32)  # B, G, R, A bytes
    bits = image.constBits()
    bits.setsize(image.height() * image.bytesPerLine())
    rows = np.frombuffer(bits, np.uint8).reshape(image.height(), image.bytesPerLine())
    bgra = rows[:, : image.width() * 4].reshape(image.height(), image.width(), 4)
    # transparent pixels (off the page) are no ink, whatever colour they hold
    return ((255 - bgra[:, :, :3].min(axis=2)) > threshold) & (bgra[:, :, 3] > 128)


def edges_with_ink(image: QImage, band: int, sides=None, threshold: int = 80) -> List[str]:
    """The sides of ``image`` with a pixel darker or more coloured than white by more than
    ``threshold`` (of 255, any channel) within ``band`` pixels of the side."""
    ink = _ink_mask(image, threshold)
    bands = {
        "left": ink[:, :band],
        "right": ink[:, -band:],
        "top": ink[:band, :],
        "bottom": ink[-band:, :],
    }
    return [side for side, part in bands.items() if (sides is None or side in sides) and part.any()]


def text_sides(label: QgsLayoutItemLabel) -> List[str]:
    """The sides of a label that its text must keep off: the side it runs towards and the bottom
    (a left-aligned label's text begins at its left side by design)."""
    align = label.hAlign()
    sides = ["bottom"]
    if align & Qt.AlignmentFlag.AlignRight:
        sides.append("left")
    elif align & Qt.AlignmentFlag.AlignHCenter:
        sides += ["left", "right"]
    else:
        sides.append("right")
    return sides


def clipped_items(layout, dpi: float = 300.0) -> List[str]:
    """A sentence for every legend, label and table frame whose drawing touches its frame's edge
    (see ink_at_edges): a legend on any side, a label on the sides its text runs towards, a table
    frame at its bottom."""
    found = []
    for item in list(layout.items()):
        if not isinstance(item, QgsLayoutItem) or not item.isVisible():
            continue
        if isinstance(item, QgsLayoutItemLegend):
            sides = None
        elif isinstance(item, QgsLayoutItemLabel):
            if not item.currentText().strip():
                continue
            sides = text_sides(item)
        elif isinstance(item, QgsLayoutFrame) and isinstance(item.multiFrame(), QgsLayoutItemAttributeTable):
            sides = ["bottom"]  # its frame is as wide as its columns: the grid's last line is the right edge
        else:
            continue
        touched = ink_at_edges(layout, item, dpi=dpi, sides=sides)
        if touched:
            found.append(f"'{_name(item)}' is cut at its {' and '.join(touched)} edge")
    return found


def fit_layout(layout, smallest_label_pt: float = 4.5) -> List[str]:
    """Fits every legend (fit_legend) and every label with text (fit_text) of ``layout``; returns a
    sentence for each that still does not fit at the smallest sizes allowed."""
    left = []
    for item in layout.items():
        if isinstance(item, QgsLayoutItemLegend) and item.isVisible():
            fit = fit_legend(item)
            if fit is not None and not fit.fits:
                left.append(
                    f"legend '{_name(item)}' needs {fit.size_mm[0]:.1f} × {fit.size_mm[1]:.1f} mm even at "
                    f"{fit.scale:.0%} of its text size"
                )
        elif isinstance(item, QgsLayoutItemLabel) and item.isVisible() and item.currentText().strip():
            if not fit_text(item, smallest=min(smallest_label_pt, label_font_size(item))):
                left.append(f"label '{_name(item)}' does not fit even at {label_font_size(item):.1f} pt")
    return left
