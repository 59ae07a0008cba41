"""Runs INSIDE the real QGIS application (``qgis --code``), driven by test_qgis_dock.py.

What an analyst does with the Border region dock: installs the plugin ZIP through the plugin
manager, clicks "Add border-region layers" and "Border region" on the toolbar, sets Side = Iraq,
ticks Within and sets 50 km, sorts by Name, clicks Al-Ba'aj in the list. Checks what the dock and
the map show, saves the map canvas and the dock side by side (the README's docs/dock.png) as
qgis_dock.png, writes a JSON report and exits 0 (all checks passed) or 1. BG_ZIP, BG_OUT.
"""

import os
import re
import traceback

from qgis.core import QgsApplication, QgsCoordinateTransform, QgsProject
from qgis.PyQt.QtCore import QPoint, Qt, QTimer
from qgis.PyQt.QtGui import QImage, QPainter, QPixmap
from qgis.PyQt.QtTest import QTest
from qgis.PyQt.QtWidgets import QDockWidget, QToolBar
from qgis.utils import active_plugins, iface, plugins
from qgis_script_report import OUT, check, finish, report

VILLAGE = "Al-Ba'aj"
MAX_KM = 50.0
MAP_WIDTH = 600  # with the dock beside it, about the 1360 x 820 of the hand-made docs/dock.png
VILLAGE_ON_MAP = []  # the clicked village in map coordinates


def toolbar_action(text):
    bar = next(b for b in iface.mainWindow().findChildren(QToolBar) if b.objectName() == "BorderGapsToolbar")
    return next(a for a in bar.actions() if a.text() == text)


def counts(text):
    """(shown, total) from the count label's "N of M shown"."""
    found = re.fullmatch(r"(\d+) of (\d+) shown", text)
    return (int(found.group(1)), int(found.group(2))) if found else None


def dock():
    return plugins["border_gaps"].dock


def install_and_filter():
    import pyplugin_installer

    pyplugin_installer.instance().installFromZipFile(os.environ["BG_ZIP"])
    check("plugin active", "border_gaps" in active_plugins, active_plugins)

    toolbar_action("Add border-region layers").trigger()
    d = dock()
    check("dock hidden on a fresh profile", d.isHidden())
    toolbar_action("Border region").trigger()
    QgsApplication.processEvents()
    check("dock shown by the toolbar button", d.isVisible())
    tab = d.current_tab()
    check("Villages tab", tab is d.villages, d.ui.tabs.tabText(d.ui.tabs.currentIndex()))
    check("villages listed from the project's layer", tab.in_project and tab.layer is not None, tab.layer)
    before = d.ui.countLabel.text()
    report["count_before"] = before

    ui = d.ui
    ui.sideCombo.setCurrentIndex(ui.sideCombo.findData("IQ"))
    check("Side = Iraq", ui.sideCombo.currentText() == "Iraq", ui.sideCombo.currentText())
    ui.borderCheck.click()  # as the analyst ticks it: the spin box follows
    check("Within ticked, distance enabled", ui.borderCheck.isChecked() and ui.borderKmSpin.isEnabled())
    ui.borderKmSpin.setValue(MAX_KM)
    after = ui.countLabel.text()
    report["count_after"] = after

    view = tab.view
    header = view.horizontalHeader()
    view.sortByColumn(5, Qt.SortOrder.DescendingOrder)  # e.g. left sorted by Border km
    for _ in range(2):  # a click on a new section sorts up; on the current one it flips
        header_click(header, 0)
        if header.sortIndicatorSection() == 0 and header.sortIndicatorOrder() == Qt.SortOrder.AscendingOrder:
            break
    check(
        "sorted by Name, ascending",
        header.sortIndicatorSection() == 0 and header.sortIndicatorOrder() == Qt.SortOrder.AscendingOrder,
        (header.sortIndicatorSection(), header.sortIndicatorOrder()),
    )
    check_listed_rows(tab, before, after)


def header_click(header, section):
    x = header.sectionViewportPosition(section) + header.sectionSize(section) // 2
    QTest.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(x, 5))
    QgsApplication.processEvents()


def check_listed_rows(tab, before, after):
    from border_gaps.ui.models import side_code

    model = tab.model
    shown = counts(after)
    check(
        "count label changes and says what is listed",
        before != after and shown is not None and shown[0] == model.visible_count() == model.rowCount(),
        (before, after, model.visible_count()),
    )
    check(
        "the filter drops rows",
        counts(before) is not None and shown is not None and 0 < shown[0] < counts(before)[0],
        (before, after),
    )
    rows = [
        {
            "name": model.value(r, "name"),
            "side": model.value(r, "side"),
            "border_km": model.value(r, "border_km"),
            "status": model.value(r, "status"),
        }
        for r in range(model.rowCount())
    ]
    report["rows"] = rows
    other_side = [r for r in rows if side_code(r["side"]) != "IQ"]
    check("every row on the Iraqi side", rows and not other_side, other_side[:20])
    too_far = [r for r in rows if r["border_km"] is None or r["border_km"] > MAX_KM]
    check("every row within 50 km", rows and not too_far, too_far[:20])
    # shown text and model order agree, and follow the names (the model's sort: case-folded)
    names = [model.index(r, 0).data() for r in range(model.rowCount())]
    check(
        "rows in name order",
        names == sorted(names, key=str.casefold) and names == [r["name"] for r in rows],
        names[:20],
    )
    check(f"{VILLAGE} listed", VILLAGE in names, names[:20])
    # the layer itself: every feature on the Iraqi side within 50 km is listed, and nothing else
    layer = tab.layer
    expected = sorted(
        f.id()
        for f in layer.getFeatures()
        if side_code(f["side"]) == "IQ" and f["border_km"] is not None and float(f["border_km"]) <= MAX_KM
    )
    check(
        "the list is the layer's Iraqi villages within 50 km",
        sorted(model.visible_fids()) == expected,
        (len(expected), model.visible_count()),
    )


def fit_layout():
    """The dock as wide as its columns (Status included, as in the README's picture), the panels on the
    left narrowed so that the map keeps about MAP_WIDTH."""
    window, d = iface.mainWindow(), dock()
    view = d.current_tab().view
    columns = sum(view.columnWidth(c) for c in range(view.model().columnCount()))
    width = d.width() - view.viewport().width() + columns + 2  # frame, margins, scroll bar
    left = [
        w
        for w in window.findChildren(QDockWidget)
        if w.isVisible() and not w.isFloating() and window.dockWidgetArea(w) == Qt.DockWidgetArea.LeftDockWidgetArea
    ]
    spare = window.width() - width - MAP_WIDTH
    window.resizeDocks([d], [width], Qt.Orientation.Horizontal)
    if left:
        window.resizeDocks(left[:1], [max(spare, 120)], Qt.Orientation.Horizontal)
    QgsApplication.processEvents()
    scroll = view.horizontalScrollBar()
    check("every column in view, Status included", scroll.maximum() == 0, (d.width(), width, scroll.maximum()))


def click_village():
    d = dock()
    tab = d.current_tab()
    model, view = tab.model, tab.view
    row = next(r for r in range(model.rowCount()) if model.value(r, "name") == VILLAGE)
    index = model.index(row, 0)
    view.scrollTo(index, view.ScrollHint.PositionAtCenter)  # rows above and below it in the picture
    QgsApplication.processEvents()
    before = iface.mapCanvas().extent()
    rect = view.visualRect(index)
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, rect.center())
    QgsApplication.processEvents()
    fid = model.fid_at(row)
    report["village_fid"] = fid
    selected = [model.value(i.row(), "name") for i in view.selectionModel().selectedRows()]
    check(f"{VILLAGE} the current row", view.currentIndex().row() == row, view.currentIndex().row())
    check(f"{VILLAGE} the only selected row", selected == [VILLAGE], selected)
    check(f"{VILLAGE} selected on the map", tab.layer.selectedFeatureIds() == [fid], tab.layer.selectedFeatureIds())
    canvas = iface.mapCanvas()
    point = tab.layer.getFeature(fid).geometry()
    point.transform(
        QgsCoordinateTransform(tab.layer.crs(), canvas.mapSettings().destinationCrs(), QgsProject.instance())
    )
    extent = canvas.extent()
    centre = point.asPoint()
    VILLAGE_ON_MAP.append(centre)
    check(
        f"map centred on {VILLAGE}",
        extent.contains(centre)
        and abs(extent.center().x() - centre.x()) < extent.width() / 10
        and abs(extent.center().y() - centre.y()) < extent.height() / 10,
        (extent.toString(), centre.toString()),
    )
    check("map zoomed in from the border view", extent.width() < before.width(), (before.width(), extent.width()))
    report["extent"] = extent.toString()


def distinct_colours(image):
    import numpy as np

    image = image.convertToFormat(QImage.Format.Format_RGB32)
    bits = image.constBits()
    bits.setsize(image.sizeInBytes())
    pixels = np.frombuffer(bits, dtype=np.uint32).reshape(image.height(), image.bytesPerLine() // 4)
    return int(np.unique(pixels[:, : image.width()]).size)


def check_selection_drawn(image):
    """The selected village is drawn in the selection colour where it is on the map grab."""
    canvas = iface.mapCanvas()
    pixel = canvas.getCoordinateTransform().transform(VILLAGE_ON_MAP[0])
    origin = canvas.viewport().mapTo(canvas, QPoint(0, 0))
    x, y = round(pixel.x()) + origin.x(), round(pixel.y()) + origin.y()
    colour = canvas.mapSettings().selectionColor()
    near = 0
    for i in range(x - 7, x + 8):
        for j in range(y - 7, y + 8):
            if 0 <= i < image.width() and 0 <= j < image.height():
                c = image.pixelColor(i, j)
                near += (
                    max(abs(c.red() - colour.red()), abs(c.green() - colour.green()), abs(c.blue() - colour.blue()))
                    < 40
                )
    report["village_pixel"] = [x, y]
    check(f"{VILLAGE} drawn in the selection colour on the map", near >= 4, (x, y, colour.name(), near))


def screenshot():
    canvas = iface.mapCanvas()
    d = dock()
    map_part, dock_part = canvas.grab(), d.grab()
    height = max(map_part.height(), dock_part.height())
    picture = QPixmap(map_part.width() + dock_part.width(), height)
    picture.fill(d.palette().window().color())
    painter = QPainter(picture)
    painter.drawPixmap(0, 0, map_part)
    painter.drawPixmap(map_part.width(), 0, dock_part)
    painter.end()
    path = os.path.join(OUT, "qgis_dock.png")
    report["screenshot"] = path
    report["size"] = [picture.width(), picture.height()]
    report["map_size"] = [map_part.width(), map_part.height()]
    report["dock_size"] = [dock_part.width(), dock_part.height()]
    check("screenshot saved", picture.save(path), path)
    check_selection_drawn(map_part.toImage())
    report["colours"] = distinct_colours(picture.toImage())
    report["map_colours"] = distinct_colours(map_part.toImage())
    report["dock_colours"] = distinct_colours(dock_part.toImage())


def main():
    try:
        # Xvfb has no window manager: showMaximized() leaves the window small, so size it to the
        # screen (1600 x 1000, tests/bg_testing/qgis_runner.py) before anything is drawn
        iface.mainWindow().resize(1600, 1000)
        install_and_filter()
    except Exception:  # reported to the test, which prints it
        report["errors"].append(traceback.format_exc())
        finish()
    QTimer.singleShot(2000, after_paint)


def after_paint():
    # clicked once QGIS has drawn the canvas (a fresh canvas zooms to its first layer when first drawn)
    try:
        fit_layout()
        click_village()
    except Exception:
        report["errors"].append(traceback.format_exc())
        finish()
    wait_for_map(0)


def wait_for_map(waited_ms):
    if iface.mapCanvas().isDrawing() and waited_ms < 20000:
        QTimer.singleShot(250, lambda: wait_for_map(waited_ms + 250))
        return
    QTimer.singleShot(2000, after_render)  # and the flash of the clicked feature (3 x 500 ms) is over


def after_render():
    try:
        screenshot()
    except Exception:
        report["errors"].append(traceback.format_exc())
    finish()


QTimer.singleShot(500, main)
