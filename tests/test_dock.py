"""The Border region dock in a real main window with a real QgsMapCanvas and QgsProject (pytest-qt, offscreen)."""

import csv

import pytest
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsCoordinateTransformContext,
    QgsFeature,
    QgsGeometry,
    QgsPointXY,
    QgsProject,
    QgsRectangle,
    QgsSettings,
    QgsVectorFileWriter,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QItemSelectionModel, Qt

from bg_testing.dock import crossings_layer, fid_of, point_layer, polygon_layer, settlements_layer
from border_gaps.ui import dock as dock_module
from border_gaps.ui import gap_filter
from border_gaps.ui.dock import BorderRegionDock, export_csv, export_layer
from border_gaps.ui.field_mapping import SETTINGS_GROUP, FieldMappingDialog, load_mapping

# Polygon around Al-Ba'aj and Sinjar only (lon 41.6-42.0, lat 36.0-36.4).
GAP_WKT = "POLYGON((41.6 36.0, 42.0 36.0, 42.0 36.4, 41.6 36.4, 41.6 36.0))"


@pytest.fixture
def project(qgis_app):
    project = QgsProject.instance()
    project.removeAllMapLayers()
    settings = QgsSettings()
    settings.remove(SETTINGS_GROUP)
    yield project
    project.removeAllMapLayers()
    settings.remove(SETTINGS_GROUP)


@pytest.fixture
def iface(recording_iface):
    return recording_iface


@pytest.fixture
def dock(iface, project, qtbot):
    recording_iface = iface
    dock = BorderRegionDock(recording_iface)
    recording_iface.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    recording_iface.mainWindow().show()
    dock.start(default_sources=False)
    yield dock
    dock.cleanup()
    recording_iface.removeDockWidget(dock)
    dock.deleteLater()


@pytest.fixture
def villages(dock, project):
    layer = settlements_layer()
    project.addMapLayer(layer)
    dock.use_layer(dock.villages, layer)
    return layer


def shown_names(tab):
    return [tab.model.value(row, "name") for row in range(tab.model.visible_count())]


def test_lists_the_layer_and_counts(dock, villages):
    assert dock.villages.model.visible_count() == 8
    assert dock.ui.countLabel.text() == "8 of 8 shown"
    assert dock.ui.villagesSourceCombo.currentData() == villages.id()


def test_typing_a_search_filters_and_updates_the_count(dock, villages, qtbot):
    qtbot.keyClicks(dock.ui.searchEdit, "Al-Baaj")  # QTest types ASCII only
    assert shown_names(dock.villages) == ["Al-Ba'aj"]
    assert dock.ui.countLabel.text() == "1 of 8 shown"
    dock.ui.searchEdit.setText("Al-Ba`aj")
    assert shown_names(dock.villages) == ["Al-Ba'aj"]
    dock.ui.searchEdit.setText("سنجار")
    assert shown_names(dock.villages) == ["Sinjar"]
    dock.ui.searchEdit.clear()
    assert dock.ui.countLabel.text() == "8 of 8 shown"


def test_side_governorate_status_and_distance_filters(dock, villages):
    ui = dock.ui
    ui.sideCombo.setCurrentIndex(ui.sideCombo.findData("SY"))
    assert set(shown_names(dock.villages)) == {"Abu Kamal", "Al-Hawl", "Tall Safuk"}
    ui.statusCombo.setCurrentIndex(ui.statusCombo.findData("abandoned"))
    assert shown_names(dock.villages) == ["Tall Safuk"]
    assert ui.countLabel.text() == "1 of 8 shown"
    ui.sideCombo.setCurrentIndex(0)
    ui.statusCombo.setCurrentIndex(0)
    assert ui.governorateCombo.findData("Anbar") > 0  # the list comes from the layer
    ui.governorateCombo.setCurrentIndex(ui.governorateCombo.findData("Ninawa"))
    assert set(shown_names(dock.villages)) == {"Al-Ba'aj", "Sinjar", "Rabia"}
    ui.governorateCombo.setCurrentIndex(0)
    ui.borderKmSpin.setValue(3.0)
    ui.borderCheck.setChecked(True)
    assert set(shown_names(dock.villages)) == {"Rabia", "Al-Qa'im", "Abu Kamal"}
    ui.borderCheck.setChecked(False)
    assert dock.villages.model.visible_count() == 8


def _check_gap_filter(dock, project):
    gaps = polygon_layer([GAP_WKT])
    project.addMapLayer(gaps)
    dock.ui.gapLayerCombo.setLayer(gaps)
    dock.ui.gapCheck.setChecked(True)
    return gaps


def test_inside_gap_zones_filter(dock, villages, project):
    _check_gap_filter(dock, project)
    assert set(shown_names(dock.villages)) == {"Al-Ba'aj", "Sinjar"}
    dock.ui.gapCheck.setChecked(False)
    assert dock.villages.model.visible_count() == 8


def test_inside_gap_zones_filter_in_a_task_and_in_another_crs(dock, villages, project, qtbot, monkeypatch):
    monkeypatch.setattr(dock_module, "GAP_TASK_THRESHOLD", 0)
    # The same square in Web Mercator: the points (EPSG:4326) are compared in their own CRS.
    transform = QgsCoordinateTransform(
        QgsCoordinateReferenceSystem("EPSG:4326"), QgsCoordinateReferenceSystem("EPSG:3857"), project
    )
    square = QgsGeometry.fromWkt(GAP_WKT)
    square.transform(transform)
    gaps = polygon_layer([square.asWkt()], crs="EPSG:3857")
    project.addMapLayer(gaps)
    dock.ui.gapLayerCombo.setLayer(gaps)
    dock.ui.gapCheck.setChecked(True)
    qtbot.waitUntil(lambda: dock.villages.model.visible_count() == 2, timeout=10000)
    assert set(shown_names(dock.villages)) == {"Al-Ba'aj", "Sinjar"}


def test_gap_filter_function_on_points_on_edges_and_invalid_polygons(qgis_app):
    points = point_layer("field=name:string", [("inside", 1, 1), ("edge", 2, 1), ("outside", 5, 5)])
    bowtie = "POLYGON((0 0, 2 2, 2 0, 0 2, 0 0))"  # self-intersecting: repaired, not an error
    polygons = polygon_layer(["POLYGON((0 0, 2 0, 2 2, 0 2, 0 0))", bowtie])
    inside = gap_filter.fids_inside_polygons(points, polygons, QgsCoordinateTransform())
    assert {f["name"] for f in points.getFeatures() if f.id() in inside} == {"inside", "edge"}


def test_sort_by_clicking_a_column(dock, villages):
    view = dock.ui.villagesView
    view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    assert shown_names(dock.villages)[:2] == ["Abu Kamal", "Al-Ba'aj"]
    view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    assert shown_names(dock.villages)[0] == "Tall Safuk"


def test_selection_follows_both_ways(dock, villages):
    tab = dock.villages
    row = tab.model.row_of_fid(fid_of(villages, "Rabia"))
    tab.view.selectionModel().select(
        tab.model.index(row, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
    assert villages.selectedFeatureIds() == [fid_of(villages, "Rabia")]

    wanted = {fid_of(villages, "Sinjar"), fid_of(villages, "Al-Hawl")}
    villages.selectByIds(list(wanted))
    assert set(tab.selected_fids()) == wanted
    # A new search keeps the layer's selection on the rows still shown.
    dock.ui.searchEdit.setText("Hawl")
    assert tab.selected_fids() == [fid_of(villages, "Al-Hawl")]
    assert set(villages.selectedFeatureIds()) == wanted  # filtering never changes the layer's selection


def test_click_zooms_the_canvas_to_the_feature_and_double_click_opens_its_form(dock, villages, iface, qtbot):
    recording_iface = iface
    canvas = recording_iface.mapCanvas()
    canvas.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:3857"))
    canvas.setExtent(QgsRectangle(0, 0, 100000, 100000))  # off the Gulf of Guinea
    tab = dock.villages
    fid = fid_of(villages, "Abu Kamal")
    row = tab.model.row_of_fid(fid)
    rect = tab.view.visualRect(tab.model.index(row, 0))
    qtbot.mouseClick(tab.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    point = QgsGeometry.fromPointXY(QgsPointXY(40.917, 34.453))
    point.transform(
        QgsCoordinateTransform(villages.crs(), canvas.mapSettings().destinationCrs(), QgsProject.instance())
    )
    assert canvas.extent().contains(point.asPoint())
    assert canvas.extent().width() <= 4 * dock_module.ZOOM_WIDTH_M

    qtbot.mouseDClick(tab.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert recording_iface.opened_forms[-1] == (villages.id(), fid)


def test_edits_show_up_without_refresh(dock, villages, qtbot):
    tab = dock.villages
    assert villages.startEditing()
    feature = QgsFeature(villages.fields())
    feature.setAttributes(["Kocho", "كوجو", "Kojo", "IQ", "Ninawa", 1700, 20.0, "abandoned"])
    feature.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(41.87, 36.18)))
    assert villages.addFeature(feature)
    qtbot.waitUntil(lambda: tab.model.total_count() == 9, timeout=3000)
    dock.ui.searchEdit.setText("kojo")
    assert shown_names(tab) == ["Kocho"]

    sinjar = fid_of(villages, "Sinjar")
    assert villages.changeAttributeValue(sinjar, villages.fields().indexOf("name"), "Shingal city")
    dock.ui.searchEdit.setText("shingal city")
    qtbot.waitUntil(lambda: shown_names(tab) == ["Shingal city"], timeout=3000)

    assert villages.deleteFeature(fid_of(villages, "Rabia"))
    qtbot.waitUntil(lambda: tab.model.total_count() == 8, timeout=3000)
    dock.ui.searchEdit.clear()
    assert "Rabia" not in shown_names(tab)

    assert villages.commitChanges()  # the added feature gets its final id: the list is read again
    qtbot.waitUntil(lambda: tab.model.total_count() == 8 and min(tab.model.records.fids) >= 0, timeout=3000)
    assert set(shown_names(tab)) >= {"Kocho", "Shingal city"}
    assert dock.ui.countLabel.text() == "8 of 8 shown"


def test_removing_the_layer_empties_the_dock_cleanly(dock, villages, project, qtbot):
    dock.ui.searchEdit.setText("a")
    project.removeMapLayer(villages.id())
    qtbot.wait(10)
    assert dock.villages.layer is None
    assert dock.villages.model.rowCount() == 0
    assert dock.ui.countLabel.text() == "0 of 0 shown"
    assert dock.ui.villagesSourceCombo.findText("settlements") == -1
    dock.ui.searchEdit.setText("b")  # still usable
    assert dock.ui.countLabel.text() == "0 of 0 shown"


def test_field_mapping_guessed_edited_remembered_and_used(dock, project, qtbot, tmp_path):
    fields = "field=NAME_EN:string&field=label_arabic:string&field=country:string&field=state:string"
    memory = point_layer(
        fields,
        [("Al-Baaj", "البعاج", "Iraq", "inhabited", 41.7, 36.0), ("Hol", "الهول", "Syria", "unknown", 41.1, 36.4)],
        "user places",
    )
    path = str(tmp_path / "user_places.gpkg")
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    error = QgsVectorFileWriter.writeAsVectorFormatV3(memory, path, QgsCoordinateTransformContext(), options)
    assert error[0] == QgsVectorFileWriter.WriterError.NoError, error
    layer = QgsVectorLayer(path, "user places", "ogr")
    mapping = load_mapping(layer)
    assert (mapping.name, mapping.side, mapping.status, mapping.name_ar) == ("NAME_EN", "country", "state", "")
    dialog = FieldMappingDialog(layer)
    qtbot.addWidget(dialog)
    dialog.combos["name_ar"].setField("label_arabic")
    dialog.accept()
    assert load_mapping(layer).name_ar == "label_arabic"  # remembered in QgsSettings for this source
    same_source = QgsVectorLayer(path, "opened again", "ogr")
    assert load_mapping(same_source).name_ar == "label_arabic"

    project.addMapLayer(layer)
    dock.use_layer(dock.villages, layer)
    dock.ui.searchEdit.setText("الهول")
    assert shown_names(dock.villages) == ["Hol"]
    dock.ui.searchEdit.clear()
    dock.ui.sideCombo.setCurrentIndex(dock.ui.sideCombo.findData("IQ"))
    assert shown_names(dock.villages) == ["Al-Baaj"]


def test_export_csv_round_trip_keeps_arabic(dock, villages, tmp_path):
    dock.ui.sideCombo.setCurrentIndex(dock.ui.sideCombo.findData("SY"))
    path = tmp_path / "villages.csv"
    assert export_csv(dock.villages.model, str(path)) == 3
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {row["name"]: row["name_ar"] for row in rows} == {
        "Abu Kamal": "البوكمال",
        "Al-Hawl": "الهول",
        "Tall Safuk": "تل صفوك",
    }
    assert {int(row["fid"]) for row in rows} == set(dock.villages.model.visible_fids())


def test_export_to_a_new_layer_leaves_the_source_alone(dock, villages, project):
    dock.ui.searchEdit.setText("Kamal")
    copy = dock.export_current_layer()
    assert copy.id() in project.mapLayers()
    assert [f["name_ar"] for f in copy.getFeatures()] == ["البوكمال"]
    assert copy.featureCount() == 1 and villages.featureCount() == 8
    assert export_layer(villages, [], "empty").featureCount() == 0


def test_crossings_tab_lists_its_own_columns(dock, project):
    layer = crossings_layer()
    project.addMapLayer(layer)
    dock.use_layer(dock.crossings, layer)
    dock.ui.tabs.setCurrentIndex(1)
    dock.ui.searchEdit.setText("walid")
    assert shown_names(dock.crossings) == ["Al-Walid"]
    assert dock.crossings.model.value(0, "pair") == "Al-Tanf"
    assert dock.ui.countLabel.text() == "1 of 4 shown"
    headers = [dock.crossings.model.headerData(c, Qt.Orientation.Horizontal) for c in range(7)]
    assert headers == ["Name", "Arabic name", "Side", "Kind", "Pair", "Status", "Status date"]


def test_large_layer_is_read_in_a_task(dock, project, qtbot, monkeypatch):
    monkeypatch.setattr(dock_module, "LOAD_TASK_THRESHOLD", 3)
    layer = settlements_layer()
    project.addMapLayer(layer)
    dock.use_layer(dock.villages, layer)
    assert dock.villages.loading and dock.ui.countLabel.text().startswith("Reading")
    qtbot.waitUntil(lambda: not dock.villages.loading, timeout=10000)
    assert dock.ui.countLabel.text() == "8 of 8 shown"


def test_bundled_layer_in_the_project_is_the_default_source(iface, project):
    from border_gaps.layers.catalogue import LAYER_PROPERTY

    layer = settlements_layer("Settlements (bundled)")
    layer.setCustomProperty(LAYER_PROPERTY, "settlements")
    project.addMapLayer(layer)
    dock = BorderRegionDock(iface)
    try:
        dock.start()
        assert dock.villages.layer is layer and dock.villages.in_project
        assert dock.villages.model.total_count() == 8
    finally:
        dock.cleanup()
        dock.deleteLater()


def test_cleanup_disconnects_everything(dock, villages, project):
    _check_gap_filter(dock, project)
    assert dock.connection_count() > 0
    dock.cleanup()
    assert dock.connection_count() == 0
    villages.selectByIds([fid_of(villages, "Sinjar")])  # no slot of the dock runs any more
    assert dock.villages.model.rowCount() == 0


def test_late_gap_task_result_is_dropped_when_the_filter_was_cleared(dock, villages, project, qtbot, monkeypatch):
    monkeypatch.setattr(dock_module, "GAP_TASK_THRESHOLD", 0)
    results = []
    monkeypatch.setattr(
        dock_module.InsidePolygonsTask,
        "finished",
        lambda task, result: results.append(result) or task._done(task.result_fids),
    )
    _check_gap_filter(dock, project)
    dock.ui.gapCheck.setChecked(False)  # before the task is done
    qtbot.waitUntil(lambda: bool(results), timeout=10000)
    qtbot.wait(50)
    assert dock.villages.model.visible_count() == 8


def test_double_click_adds_a_listed_bundled_layer_to_the_project(dock, project, iface, qtbot):
    layer = settlements_layer("Settlements (bundled, not in project)")
    dock.villages.set_layer(layer, in_project=False)
    assert layer.id() not in project.mapLayers()
    rect = dock.villages.view.visualRect(dock.villages.model.index(0, 0))
    qtbot.mouseClick(dock.villages.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert layer.id() not in project.mapLayers()  # a click zooms and flashes without adding the layer
    qtbot.mouseDClick(dock.villages.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert layer.id() in project.mapLayers()
    assert iface.opened_forms[-1] == (layer.id(), dock.villages.model.fid_at(0))


def test_export_to_geopackage_keeps_arabic_and_only_what_is_shown(dock, villages, tmp_path):
    from border_gaps.ui.dock import export_geopackage

    dock.ui.statusCombo.setCurrentIndex(dock.ui.statusCombo.findData("abandoned"))
    path = str(tmp_path / "list.gpkg")
    written = export_geopackage(villages, dock.villages.model.visible_fids(), path, "villages_list")
    assert written.isValid()
    assert {f["name"]: f["name_ar"] for f in written.getFeatures()} == {"Rabia": "ربيعة", "Tall Safuk": "تل صفوك"}
    again = export_geopackage(villages, [fid_of(villages, "Sinjar")], path, "second")  # same file, new layer
    assert [f["name"] for f in again.getFeatures()] == ["Sinjar"]
    assert QgsVectorLayer(f"{path}|layername=villages_list", "first", "ogr").featureCount() == 2


def test_dock_switches_to_the_bundled_layer_once_it_is_added_to_the_project(dock, project):
    from border_gaps.layers.catalogue import LAYER_PROPERTY

    listed = settlements_layer("listed copy")
    dock.villages.combo.setCurrentIndex(dock.villages.combo.findData(dock_module.BUNDLED))
    dock.villages.set_layer(listed, in_project=False)  # what start() does when the project lacks the layer
    added = settlements_layer("Settlements")
    added.setCustomProperty(LAYER_PROPERTY, "settlements")
    project.addMapLayer(added)  # e.g. "Add border-region layers"
    assert dock.villages.layer is added and dock.villages.in_project
    assert dock.villages.model.total_count() == 8
    other = crossings_layer()
    other.setCustomProperty(LAYER_PROPERTY, "crossings")
    project.addMapLayer(other)
    assert dock.villages.layer is added  # a bundled layer of the other kind changes nothing here


# ---------------------------------------------------------------- districts and imported settlements
def test_district_filter_by_field_of_the_bundled_layer(iface, project):
    from border_gaps.layers.catalogue import bundled_layer

    dock = BorderRegionDock(iface)
    try:
        dock.start()  # the bundled settlements, listed without being added to the project
        assert dock.villages.model.has_role("district")
        ui = dock.ui
        assert ui.districtCombo.findData("Sinjar") > 0 and ui.districtCombo.findData("Abu Kamal") > 0
        ui.districtCombo.setCurrentIndex(ui.districtCombo.findData("Sinjar"))
        expected = sum(1 for f in bundled_layer("settlements").getFeatures() if f["district"] == "Sinjar")
        assert expected > 50  # the WOF villages of the Sinjar qada
        assert dock.villages.model.visible_count() == expected
        assert ui.countLabel.text() == f"{expected} of {dock.villages.model.total_count()} shown"
        ui.districtCombo.setCurrentIndex(0)
        assert dock.villages.model.visible_count() == dock.villages.model.total_count()
    finally:
        dock.cleanup()
        dock.deleteLater()


def test_district_filter_of_a_layer_without_districts_uses_the_bundled_shapes(dock, villages):
    ui = dock.ui
    assert ui.districtCombo.findData("Telafar") > 0  # the bundled districts' names
    ui.districtCombo.setCurrentIndex(ui.districtCombo.findData("Sinjar"))
    # the test layer's "Tall Safuk" (41.38 E 36.20 N) is marked SY but lies inside Iraq's Sinjar qada
    assert sorted(shown_names(dock.villages)) == ["Sinjar", "Tall Safuk"]
    ui.districtCombo.setCurrentIndex(ui.districtCombo.findData("Ba'aj"))
    assert sorted(shown_names(dock.villages)) == ["Al-Ba'aj", "Nameless"]  # 41.50 E 35.50 N: Ba'aj qada too
    ui.districtCombo.setCurrentIndex(ui.districtCombo.findData("Telafar"))
    assert shown_names(dock.villages) == ["Rabia"]  # 42.10 E 36.80 N, in Telafar qada
    ui.districtCombo.setCurrentIndex(0)
    assert dock.villages.model.visible_count() == 8


def _imported_layer(tmp_path, bordergaps_provider):
    import os

    from bg_testing.algorithm_inputs import run

    data = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "gazetteer", "IQ.txt")
    out = run("bordergaps:importsettlements", {"INPUT": [data], "OUTPUT": str(tmp_path / "imported.gpkg")})
    return QgsVectorLayer(out["OUTPUT"], "imported villages", "ogr")


def test_imported_settlements_are_offered_and_remembered_per_project(iface, project, tmp_path, bordergaps_provider):
    dock = BorderRegionDock(iface)
    second = None
    try:
        dock.start()
        assert dock.villages.combo.currentData() == dock_module.BUNDLED
        layer = _imported_layer(tmp_path, bordergaps_provider)
        assert dock_module.is_imported_settlements(layer)  # its schema, before any post-processor marks it
        project.addMapLayer(layer)
        # offered right after the bundled layer, and shown at once
        combo = dock.villages.combo
        assert combo.itemData(1) == layer.id() and combo.itemText(1) == "Imported settlements: imported villages"
        assert dock.villages.layer is layer and dock.villages.model.total_count() == 4
        assert project.readEntry("BorderGaps", "dock/settlements_source")[0] == layer.id()
        dock.ui.searchEdit.setText("talab")
        assert shown_names(dock.villages) == ["Tall Ţalab"]
        dock.ui.searchEdit.clear()
        # the project remembers it: saved, closed and opened again, the dock shows the imported layer
        path = str(tmp_path / "analysis.qgz")
        assert project.write(path)
        project.clear()
        assert dock.villages.layer is None
        assert project.read(path)
        reopened = next(lyr for lyr in project.mapLayers().values() if lyr.name() == "imported villages")
        assert dock.villages.layer is reopened and dock.villages.model.total_count() == 4
        # a choice in the list is remembered too, and a fresh dock (next QGIS session) starts with it
        combo.setCurrentIndex(0)
        combo.activated.emit(0)
        assert project.readEntry("BorderGaps", "dock/settlements_source")[0] == dock_module.BUNDLED
        combo.setCurrentIndex(combo.findData(reopened.id()))
        combo.activated.emit(combo.currentIndex())
        second = BorderRegionDock(iface)
        second.start()
        assert second.villages.layer is reopened
    finally:
        dock.cleanup()
        dock.deleteLater()
        if second is not None:
            second.cleanup()
            second.deleteLater()
        project.clear()
