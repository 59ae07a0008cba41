"""Writes the print layout templates of resources/layouts/ (A4 landscape and portrait): the
briefing map (border_gaps_a4_*.qpt, exportmap and page 1 of the atlas) and the page per gap of
the atlas (border_gaps_atlas_a4_*.qpt, whose item ids start with ``gap_``).

The .qpt files are data: edit them in QGIS's layout designer or rerun this script
(python -P scripts/build_layouts.py with PYTHONPATH=build/pkg). analysis/maplayout.py and
analysis/atlas.py find the items by their ids and fill them; A3 pages are the A4 templates scaled
by √2. Text that does not fit its box is wrapped or shrunk at run time (analysis/layoutfit.py).
"""

import os
import sys

from qgis.core import (
    QgsApplication,
    QgsLayoutItemLabel,
    QgsLayoutItemLegend,
    QgsLayoutItemMap,
    QgsLayoutItemPicture,
    QgsLayoutItemScaleBar,
    QgsLayoutMeasurement,
    QgsLayoutPoint,
    QgsLayoutSize,
    QgsLayoutTableColumn,
    QgsLegendStyle,
    QgsPrintLayout,
    QgsProject,
    QgsReadWriteContext,
    QgsUnitTypes,
)
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtGui import QColor, QFont

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LAYOUTS = os.path.join(ROOT, "resources", "layouts")
FONT = "Arial"  # Arial on Windows, Liberation Sans by fontconfig alias on Linux

# item id → (x, y, width, height) in mm on an A4 page
LANDSCAPE = {
    "page": (297, 210),
    "title": (8, 5, 196, 11),
    "subtitle": (8, 16, 200, 6),
    "date": (209, 6, 80, 6),
    "note": (209, 12, 80, 9),
    "main_map": (8, 24, 196, 178),
    "north_arrow": (191, 27, 10, 14),
    "scale_bar": (11, 189, 70, 10),
    "overview_map": (208, 24, 81, 44),
    "legend": (208, 70, 81, 64),
    "table_heading": (208, 135, 81, 5),
    "gap_table": (208, 140, 81, 41),
    "attribution": (208, 182, 81, 20),
    "page_number": (208, 203, 81, 4),
}
PORTRAIT = {
    "page": (210, 297),
    "title": (8, 5, 134, 11),
    "subtitle": (8, 16, 132, 9),
    "date": (142, 6, 60, 6),
    "note": (142, 12, 60, 12),
    "main_map": (8, 26, 194, 168),
    "north_arrow": (189, 29, 10, 14),
    "scale_bar": (11, 181, 70, 10),
    "overview_map": (8, 197, 60, 48),
    "legend": (71, 197, 131, 48),
    "table_heading": (8, 248, 118, 5),
    "gap_table": (8, 253, 118, 36),
    "attribution": (129, 248, 73, 41),
    "page_number": (129, 290, 73, 4),
}
TABLE_ROWS = {"landscape": 7, "portrait": 6}
# The page per gap of the atlas: the same frame, with the facts of its gap in place of the list of gaps.
ATLAS_LANDSCAPE = dict(LANDSCAPE, overview_map=(208, 24, 81, 38), legend=(208, 64, 81, 58))
ATLAS_LANDSCAPE.update(table_heading=(208, 124, 81, 5), gap_table=(208, 129, 81, 52))
ATLAS_PORTRAIT = dict(PORTRAIT, gap_table=(8, 253, 118, 41))
FACT_ROWS = 24


def _place(item, box):
    x, y, w, h = box
    item.attemptMove(QgsLayoutPoint(x, y, QgsUnitTypes.LayoutMillimeters))
    item.attemptResize(QgsLayoutSize(w, h, QgsUnitTypes.LayoutMillimeters))


def _label(layout, item_id, box, text, size, bold=False, align=Qt.AlignmentFlag.AlignLeft, colour="#1a1a1a"):
    label = QgsLayoutItemLabel(layout)
    label.setId(item_id)
    label.setText(text)
    font = QFont(FONT)
    font.setPointSizeF(size)
    font.setBold(bold)
    label.setFont(font)
    label.setFontColor(QColor(colour))
    label.setHAlign(align)
    label.setVAlign(Qt.AlignmentFlag.AlignTop)
    label.setMarginX(0.4)  # text keeps off its frame: a cut-off line would touch it (tests)
    label.setMarginY(0.4)
    layout.addLayoutItem(label)
    _place(label, box)
    return label


def _font(size, bold=False):
    font = QFont(FONT)
    font.setPointSizeF(size)
    font.setBold(bold)
    return font


def build(name, boxes, table_rows, prefix="", file_name=None):
    """One template; ``prefix`` starts every item id (``gap_`` on the atlas page)."""
    project = QgsProject()
    layout = QgsPrintLayout(project)
    layout.initializeDefaults()
    layout.setName(f"Border Gaps {name}")
    page = layout.pageCollection().page(0)
    page.setPageSize(QgsLayoutSize(*boxes["page"], QgsUnitTypes.LayoutMillimeters))

    _label(layout, prefix + "title", boxes["title"], "[title]", 17, bold=True)
    _label(layout, prefix + "subtitle", boxes["subtitle"], "[subtitle]", 10, colour="#404040")
    _label(layout, prefix + "date", boxes["date"], "[date]", 10, align=Qt.AlignmentFlag.AlignRight)
    _label(
        layout,
        prefix + "note",
        boxes["note"],
        "[note]",
        7,
        bold=True,
        align=Qt.AlignmentFlag.AlignRight,
        colour="#a50f15",
    )

    main = QgsLayoutItemMap(layout)
    main.setId(prefix + "main_map")
    main.setFrameEnabled(True)
    main.setFrameStrokeWidth(QgsLayoutMeasurement(0.4, QgsUnitTypes.LayoutMillimeters))
    main.setBackgroundColor(QColor("#f4f1ea"))
    layout.addLayoutItem(main)
    _place(main, boxes["main_map"])

    overview = QgsLayoutItemMap(layout)
    overview.setId(prefix + "overview_map")
    overview.setFrameEnabled(True)
    overview.setFrameStrokeWidth(QgsLayoutMeasurement(0.3, QgsUnitTypes.LayoutMillimeters))
    overview.setBackgroundColor(QColor("#dce9f2"))
    layout.addLayoutItem(overview)
    _place(overview, boxes["overview_map"])

    arrow = QgsLayoutItemPicture(layout)
    arrow.setId(prefix + "north_arrow")
    arrow.setPicturePath(os.path.join(LAYOUTS, "north_arrow.svg"))
    arrow.setBackgroundEnabled(True)
    arrow.setBackgroundColor(QColor(255, 255, 255, 200))
    layout.addLayoutItem(arrow)
    _place(arrow, boxes["north_arrow"])

    bar = QgsLayoutItemScaleBar(layout)
    bar.setId(prefix + "scale_bar")
    bar.setStyle("Single Box")
    bar.setUnits(QgsUnitTypes.DistanceKilometers)
    bar.setUnitLabel("km")
    bar.setMapUnitsPerScaleBarUnit(1)
    bar.setNumberOfSegments(2)
    bar.setNumberOfSegmentsLeft(0)
    bar.setSegmentSizeMode(1)  # fit width: round segment sizes between the two widths below
    bar.setMinimumBarWidth(25)
    bar.setMaximumBarWidth(55)
    bar.setHeight(2)
    bar.setFont(_font(7))
    bar.setBackgroundEnabled(True)
    bar.setBackgroundColor(QColor(255, 255, 255, 210))
    bar.setBoxContentSpace(1.5)
    layout.addLayoutItem(bar)
    _place(bar, boxes["scale_bar"])

    legend = QgsLayoutItemLegend(layout)
    legend.setId(prefix + "legend")
    legend.setTitle("Legend")
    legend.setAutoUpdateModel(False)
    legend.setResizeToContents(False)
    legend.setColumnCount(2)
    legend.setSplitLayer(False)  # a heading stays with its entries
    legend.setEqualColumnWidth(False)
    legend.setSymbolWidth(5)
    legend.setSymbolHeight(3)
    legend.setWrapString("~")
    legend.setStyleFont(QgsLegendStyle.Title, _font(9, bold=True))
    legend.setStyleFont(QgsLegendStyle.Subgroup, _font(7, bold=True))
    legend.setStyleFont(QgsLegendStyle.SymbolLabel, _font(6.5))
    legend.rstyle(QgsLegendStyle.Subgroup).setMargin(QgsLegendStyle.Top, 1.5)
    legend.rstyle(QgsLegendStyle.Symbol).setMargin(QgsLegendStyle.Top, 0.8)
    legend.rstyle(QgsLegendStyle.SymbolLabel).setMargin(QgsLegendStyle.Top, 0.8)
    legend.setBoxSpace(1.5)
    legend.setColumnSpace(3)
    legend.setFrameEnabled(True)
    legend.setFrameStrokeWidth(QgsLayoutMeasurement(0.2, QgsUnitTypes.LayoutMillimeters))
    layout.addLayoutItem(legend)
    _place(legend, boxes["legend"])

    _label(layout, prefix + "table_heading", boxes["table_heading"], "[table heading]", 8, bold=True)

    # The attribute table is a multiframe: created and framed here, filled by code.
    from qgis.core import QgsLayoutFrame, QgsLayoutItemAttributeTable, QgsLayoutTable

    table = QgsLayoutItemAttributeTable(layout)
    table_id = prefix + "facts" if prefix else "gap_table"
    table.setHeaderFont(_font(6.5, bold=True))
    table.setContentFont(_font(6.5))
    table.setCellMargin(0.8)
    table.setGridStrokeWidth(0.15)
    table.setHeaderHAlignment(1)  # follow column alignment
    table.setMaximumNumberOfFeatures(table_rows)
    table.setEmptyTableBehavior(2)  # show a message
    table.setEmptyTableMessage("No gap zones")
    table.setColumns([QgsLayoutTableColumn("Gap")])
    layout.addMultiFrame(table)
    frame = QgsLayoutFrame(layout, table)
    frame.setId(table_id)
    table.addFrame(frame)
    _place(frame, boxes["gap_table"])

    _label(layout, prefix + "attribution", boxes["attribution"], "[attribution]", 5.5, colour="#404040")
    _label(layout, prefix + "page_number", boxes["page_number"], "", 7, align=Qt.AlignmentFlag.AlignRight)
    if prefix:  # the facts of one gap: two columns, no header, the values wrap in their column
        table.setHeaderMode(QgsLayoutTable.HeaderMode.NoHeaders)
        table.setWrapBehavior(QgsLayoutTable.WrapBehavior.WrapText)
        table.setEmptyTableMessage("")
    path = os.path.join(LAYOUTS, file_name or f"border_gaps_a4_{name}.qpt")
    if not layout.saveAsTemplate(path, QgsReadWriteContext()):
        sys.exit(f"could not write {path}")
    # No absolute path of this machine in the template: the picture is set again by code.
    with open(path, encoding="utf-8") as f:
        text = f.read()
    with open(path, "w", encoding="utf-8") as f:
        f.write(text.replace(LAYOUTS + os.sep, ""))
    print("wrote", path)


def main():
    app = QgsApplication([], False)
    app.initQgis()
    build("landscape", LANDSCAPE, TABLE_ROWS["landscape"])
    build("portrait", PORTRAIT, TABLE_ROWS["portrait"])
    build("atlas landscape", ATLAS_LANDSCAPE, FACT_ROWS, "gap_", "border_gaps_atlas_a4_landscape.qpt")
    build("atlas portrait", ATLAS_PORTRAIT, FACT_ROWS, "gap_", "border_gaps_atlas_a4_portrait.qpt")
    app.exitQgis()


if __name__ == "__main__":
    main()
