"""Runs INSIDE the real QGIS application (``qgis --code``), driven by test_qgis_timeline.py.

Installs the plugin ZIP through the plugin manager, runs bordergaps:gaptimeline on the bundled demo
scenario with its results loaded (styled, temporal properties set by the plugin), points QGIS's
temporal controller at 02:00–03:00 of the reference date, checks what it shows, saves a screenshot
of the main window, writes a JSON report and exits 0 (all checks passed) or 1. BG_ZIP, BG_OUT.
"""

import os
import traceback

from qgis.core import (
    QgsApplication,
    QgsDateTimeRange,
    QgsFeatureRequest,
    QgsInterval,
    QgsProject,
    QgsRectangle,
    QgsUnitTypes,
    QgsVectorLayer,
    QgsVectorLayerTemporalContext,
)
from qgis.PyQt.QtCore import QDate, QDateTime, QTime, QTimer
from qgis.PyQt.QtWidgets import QDockWidget
from qgis.utils import active_plugins, iface
from qgis_script_report import OUT, check, finish, report

DAY = QDate(2026, 3, 1)
VIEW = []  # the extent the screenshot shows


def run_timeline():
    import pyplugin_installer

    import processing

    pyplugin_installer.instance().installFromZipFile(os.environ["BG_ZIP"])
    check("plugin active", "border_gaps" in active_plugins, active_plugins)
    from border_gaps.layers import catalogue

    scenario = catalogue.entry("control_areas").gpkg
    project = QgsProject.instance()
    for name in ("control_areas", "coverage", "posts"):
        layer = catalogue.demo_layer(name)
        project.addMapLayer(layer)
    results = processing.runAndLoadResults(
        "bordergaps:gaptimeline",
        {
            "CONTROL_AREAS": f"{scenario}|layername=control_areas|option:IMMUTABLE=YES",
            "FORCE_FIELD": "force",
            "FORCE_A": "Peshmerga",
            "FORCE_B": "ISF",
            "COVERAGE": [f"{scenario}|layername=coverage|option:IMMUTABLE=YES"],
            "POSTS": f"{scenario}|layername=posts|option:IMMUTABLE=YES",
            "RANGE_FIELD": "range_m",
            "DEFAULT_RANGE": 3000,
            "SEAM_DISTANCE": 5000,
            "MODE": 0,
            "MIN_AREA": 100000,
            "REFERENCE_DATE": DAY,
            "GAPS_BY_TIME": os.path.join(OUT, "gaps_by_time.gpkg"),
            "UNWATCHED_HOURS": "TEMPORARY_OUTPUT",
            "ALWAYS_GAP": "TEMPORARY_OUTPUT",
            "SLICE_TABLE": os.path.join(OUT, "gap_profile.csv"),
        },
    )
    layer = project.mapLayer(results["GAPS_BY_TIME"]) if isinstance(results["GAPS_BY_TIME"], str) else None
    if layer is None:
        layer = next(
            (lyr for lyr in project.mapLayers().values() if lyr.source().startswith(os.path.join(OUT, "gaps_by_time"))),
            None,
        )
    check("gaps by time loaded", isinstance(layer, QgsVectorLayer) and layer.featureCount() > 0, results)
    props = layer.temporalProperties()
    check("temporal properties set on load", props.isActive() and props.startField() == "slice_start", props.endField())
    check("styled on load (graded by priority)", layer.renderer().type() == "graduatedSymbol", layer.renderer().type())
    root = project.layerTreeRoot()
    for other in project.mapLayers().values():  # the day's picture: gaps of the hour over the districts
        if other.id() != layer.id() and "synthetic" not in other.name():
            root.findLayer(other.id()).setItemVisibilityChecked(False)
    node = root.findLayer(layer.id())
    root.insertChildNode(0, node.clone())
    root.removeChildNode(node)
    layer.setName("Gap zones by hour (gaptimeline)")
    frame = QgsDateTimeRange(QDateTime(DAY, QTime(2, 0)), QDateTime(DAY, QTime(3, 0)), True, False)
    context = QgsVectorLayerTemporalContext()
    context.setLayer(layer)
    night = list(layer.getFeatures(QgsFeatureRequest().setFilterExpression(props.createFilterString(context, frame))))
    shown = [f["slice_id"] for f in night]
    check("the 02:00–03:00 frame shows slice 3 only", shown and set(shown) == {3}, shown)
    report["night_gaps"] = len(shown)
    report["night_gap_km2"] = sum(f["area_km2"] for f in night)
    noon = QgsDateTimeRange(QDateTime(DAY, QTime(12, 0)), QDateTime(DAY, QTime(13, 0)), True, False)
    midday = list(layer.getFeatures(QgsFeatureRequest().setFilterExpression(props.createFilterString(context, noon))))
    report["noon_gaps"] = len(midday)
    report["noon_gap_km2"] = sum(f["area_km2"] for f in midday)

    navigation = iface.mapCanvas().temporalController()
    navigation.setTemporalExtents(QgsDateTimeRange(QDateTime(DAY, QTime(0, 0)), QDateTime(DAY.addDays(1), QTime(0, 0))))
    navigation.setFrameDuration(QgsInterval(1, QgsUnitTypes.TemporalUnit.TemporalHours))
    navigation.setNavigationMode(navigation.NavigationMode.Animated)
    navigation.setCurrentFrameNumber(2)
    check("controller at 02:00–03:00", navigation.dateTimeRangeForFrameNumber(2).begin() == QDateTime(DAY, QTime(2, 0)))
    for dock in iface.mainWindow().findChildren(QDockWidget):
        if "emporal" in dock.windowTitle() or "emporal" in dock.objectName():
            dock.show()
            dock.raise_()
            report["temporal_dock"] = dock.objectName()
    check("temporal controller panel shown", "temporal_dock" in report)
    extent = QgsRectangle()  # the night's gaps, with a margin: where the shifts change the gaps most
    for feature in night:
        extent.combineExtentWith(feature.geometry().boundingBox())
    extent.scale(1.25)
    VIEW.append(extent)
    iface.mapCanvas().setExtent(extent)
    iface.mapCanvas().refresh()


def screenshot():
    iface.mainWindow().showMaximized()
    QgsApplication.processEvents()
    path = os.path.join(OUT, "qgis_timeline.png")
    report["screenshot"] = path
    check("screenshot saved", iface.mainWindow().grab().save(path), path)


def main():
    try:
        # Xvfb has no window manager: showMaximized() leaves the window small, so size it to the
        # screen (1600 x 1000, tests/bg_testing/qgis_runner.py) before anything is drawn
        iface.mainWindow().resize(1500, 920)
        run_timeline()
    except Exception:
        report["errors"].append(traceback.format_exc())
    QTimer.singleShot(4000, after_paint)


def after_paint():
    # QGIS zooms a fresh canvas to its first layer once it is first drawn: set the view again
    if VIEW:
        iface.mapCanvas().setExtent(VIEW[0])
        iface.mapCanvas().refresh()
    QTimer.singleShot(3000, after_zoom)


def after_zoom():
    try:
        screenshot()
    except Exception:
        report["errors"].append(traceback.format_exc())
    finish()


QTimer.singleShot(500, main)
