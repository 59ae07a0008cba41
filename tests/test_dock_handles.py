"""A closed Border region dock holds no file open: neither the bundled border_region.gpkg it listed nor the
analyst's gap layer it filtered by (an open handle locks the file on Windows). Counted in /proc/self/fd."""

import os

import pytest
from qgis.core import QgsCoordinateTransformContext, QgsProject, QgsVectorFileWriter, QgsVectorLayer
from qgis.PyQt.QtCore import QCoreApplication, QEvent, Qt

from bg_testing.dock import polygon_layer
from border_gaps.layers.catalogue import BORDER_REGION_GPKG
from border_gaps.ui import dock as dock_module
from border_gaps.ui.dock import BorderRegionDock

GAP_WKT = "POLYGON((41.6 36.0, 42.0 36.0, 42.0 36.4, 41.6 36.4, 41.6 36.0))"


def handles_on(path):
    wanted = os.path.realpath(path)
    found = []
    for name in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{name}")
        except OSError:
            continue
        if os.path.realpath(target) == wanted:
            found.append(name)
    return found


def flush():
    QCoreApplication.processEvents()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture
def gap_gpkg(tmp_path, qgis_app):
    path = str(tmp_path / "gaps.gpkg")
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    error, *_ = QgsVectorFileWriter.writeAsVectorFormatV3(
        polygon_layer([GAP_WKT]), path, QgsCoordinateTransformContext(), options
    )
    assert error == QgsVectorFileWriter.WriterError.NoError
    return path


@pytest.mark.parametrize("in_a_task", [False, True])
def test_a_closed_dock_holds_no_handle_on_the_bundled_file_nor_the_gap_layer(
    recording_iface, gap_gpkg, qtbot, monkeypatch, in_a_task
):
    if in_a_task:
        monkeypatch.setattr(dock_module, "GAP_TASK_THRESHOLD", 0)
    project = QgsProject.instance()
    project.removeAllMapLayers()
    flush()
    # what earlier tests left open (in the whole suite: the layers of failed Processing runs, which
    # QGIS keeps alive, see the README's Reliability section) is not the dock's: it must add none
    before = set(handles_on(BORDER_REGION_GPKG))
    dock = BorderRegionDock(recording_iface)
    recording_iface.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    recording_iface.mainWindow().show()
    dock.start()  # the bundled settlements and crossings, listed without adding them to the project
    try:
        assert dock.villages.layer is not None and not dock.villages.in_project
        gaps = QgsVectorLayer(gap_gpkg, "gaps", "ogr")
        project.addMapLayer(gaps)
        dock.ui.gapLayerCombo.setLayer(gaps)
        dock.ui.gapCheck.setChecked(True)
        qtbot.waitUntil(lambda: all(dock_module._task_done(t) for t in dock._gap_tasks), timeout=20000)
        qtbot.waitUntil(lambda: 0 < dock.villages.model.visible_count() < dock.villages.model.total_count())
        dock.ui.districtCombo.setCurrentIndex(1)  # the spatial district filter reads the bundled layer too
        dock.toggleViewAction().trigger()  # closed
        flush()
        assert dock.isHidden()
        assert set(handles_on(BORDER_REGION_GPKG)) <= before
        project.removeMapLayer(gaps.id())  # the analyst removes the layer, to replace or delete its file
        del gaps
        flush()
        assert handles_on(gap_gpkg) == []
        dock.toggleViewAction().trigger()  # shown again: the bundled list is read again
        flush()
        qtbot.waitUntil(lambda: dock.villages.layer is not None, timeout=5000)
        assert dock.villages.model.total_count() > 0
    finally:
        dock.cleanup()
        recording_iface.removeDockWidget(dock)
        dock.deleteLater()
        project.removeAllMapLayers()
        flush()
