"""The "Border region" dock: villages and crossings listed, searched and filtered, kept in step with the map.

Source layers: the bundled settlements and crossings when they are in the project, else loaded with
``layers.catalogue.bundled_layer`` for listing only (a layer is added to the project only when the user asks for
something that needs it there: the attribute form, or selection shown on the map), or any point layer the user
picks, with a field mapping remembered per layer source.
"""

import csv
import os
from typing import List, Optional

from qgis.core import (
    Qgis,
    QgsApplication,
    QgsCoordinateTransform,
    QgsFeature,
    QgsFeatureRequest,
    QgsGeometry,
    QgsMapLayerProxyModel,
    QgsProject,
    QgsProviderRegistry,
    QgsRectangle,
    QgsTask,
    QgsUnitTypes,
    QgsVectorFileWriter,
    QgsVectorLayer,
    QgsVectorLayerFeatureSource,
    QgsWkbTypes,
)
from qgis.gui import QgsDockWidget
from qgis.PyQt import uic
from qgis.PyQt.QtCore import QCoreApplication, QItemSelection, QItemSelectionModel, QObject, Qt, QTimer
from qgis.PyQt.QtWidgets import QAbstractItemView, QFileDialog, QHeaderView, QMenu, QWidget

from .field_mapping import FieldMapping, FieldMappingDialog, load_mapping
from .gap_filter import TASK_THRESHOLD as GAP_TASK_THRESHOLD
from .gap_filter import InsidePolygonsTask, fids_inside_polygons, polygon_transform
from .models import (
    CROSSING_COLUMNS,
    VILLAGE_COLUMNS,
    FeatureTableModel,
    OgrColumnReader,
    read_layer_records,
    read_records,
)

FORM_CLASS, _ = uic.loadUiType(os.path.join(os.path.dirname(__file__), "dock.ui"))

# Above this many features a layer is read in a QgsTask, so the GUI never waits for it.
LOAD_TASK_THRESHOLD = 20000
# Edits arrive one signal per feature (a field calculator run sends thousands): apply them together.
REFRESH_DELAY_MS = 50
# Width of the map shown around a point feature when the canvas is zoomed out further than a few times this.
ZOOM_WIDTH_M = 20000.0
BUNDLED = "bundled"
# The source each tab shows is remembered in the project: (scope, key) of QgsProject.writeEntry.
PROJECT_SCOPE = "BorderGaps"
SOURCE_KEY = "dock/{}_source"
# Fields only the settlements schema of the bundled layer and of the import has (for an output that QGIS
# has loaded before the algorithm's post-processor marked it).
IMPORTED_FIELDS = {"name", "side", "border_km", "status", "source", "source_id", "other_sources", "district"}
# Initial column widths (px), wide enough for the headers and most values; the user can drag them.
COLUMN_WIDTHS = {
    "name": 150,
    "name_ar": 110,
    "side": 50,
    "governorate": 120,
    "district": 100,
    "border_km": 95,
    "status": 90,
    "kind": 75,
    "pair": 130,
    "status_date": 95,
}


def tr(text: str) -> str:
    return QCoreApplication.translate("BorderGaps", text)


# Qgis.DistanceUnit replaces QgsUnitTypes.DistanceUnit in QGIS 3.30+
_METERS = Qgis.DistanceUnit.Meters if hasattr(Qgis, "DistanceUnit") else QgsUnitTypes.DistanceUnit.DistanceMeters


def _polygon_layer_filter():
    # Qgis.LayerFilter replaces QgsMapLayerProxyModel.Filter in QGIS 3.34+
    layer_filter = getattr(Qgis, "LayerFilter", None) or QgsMapLayerProxyModel.Filter
    return layer_filter.PolygonLayer


def _source_parts(source: str):
    """(file, layer name) of an OGR source, whatever open options it carries (e.g. IMMUTABLE)."""
    parts = QgsProviderRegistry.instance().decodeUri("ogr", source)
    path = parts.get("path") or ""
    return (os.path.normcase(os.path.realpath(path)) if path else "", (parts.get("layerName") or "").lower())


class _Connections:
    """Signal connections to undo later; a connection whose sender was deleted is simply forgotten."""

    def __init__(self):
        self._items = []

    def connect(self, signal, slot):
        signal.connect(slot)
        self._items.append((signal, slot))

    def disconnect_all(self):
        for signal, slot in self._items:
            try:
                signal.disconnect(slot)
            except (TypeError, RuntimeError):  # already disconnected, or the sender's C++ object is gone
                pass
        self._items = []

    def __len__(self):
        return len(self._items)


def _is_bundled(layer, kind: str) -> bool:
    from ..layers.catalogue import LAYER_PROPERTY

    return isinstance(layer, QgsVectorLayer) and layer.customProperty(LAYER_PROPERTY) == kind


def is_imported_settlements(layer) -> bool:
    """A point layer written by bordergaps:importsettlements (marked, or with its schema)."""
    if not isinstance(layer, QgsVectorLayer) or layer.geometryType() != QgsWkbTypes.GeometryType.PointGeometry:
        return False
    if _is_bundled(layer, "settlements"):
        return False
    from ..layers.catalogue import IMPORTED_PROPERTY

    return layer.customProperty(IMPORTED_PROPERTY) == "1" or IMPORTED_FIELDS <= set(layer.fields().names())


def bundled_districts():
    """[(name, side, geometry)] of the bundled districts, sorted by side and name (empty when missing)."""
    from ..layers.catalogue import bundled_layer

    try:
        layer = bundled_layer("districts")
    except Exception:  # noqa: BLE001 - a broken install: the dock works without the district filter
        return []
    rows = [(f["name"], f["side"], QgsGeometry(f.geometry())) for f in layer.getFeatures() if f.hasGeometry()]
    return sorted(rows, key=lambda r: (r[1], r[0]))


def bundled_source_layer(kind: str, project: QgsProject):
    """(layer, in_project): the bundled layer ``kind`` from the project if it is there, else freshly loaded."""
    from ..layers.catalogue import bundled_layer

    for layer in project.mapLayers().values():
        if _is_bundled(layer, kind):
            return layer, True
    reference = bundled_layer(kind)
    wanted = _source_parts(reference.source())
    for layer in project.mapLayers().values():  # added by hand from the plugin folder, without the marker
        if isinstance(layer, QgsVectorLayer) and _source_parts(layer.source()) == wanted:
            return layer, True
    return reference, False


def export_csv(model: FeatureTableModel, path: str) -> int:
    """Write the rows shown, in the order shown, to ``path`` (UTF-8 with a byte-order mark so that spreadsheet
    programs read the Arabic right); returns the number of rows."""
    roles = [role for role, _ in model.columns]
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(roles + ["fid"])
        for row in range(model.visible_count()):
            writer.writerow(
                ["" if model.value(row, r) is None else model.value(row, r) for r in roles] + [model.fid_at(row)]
            )
    return model.visible_count()


def export_layer(layer: QgsVectorLayer, fids: List[int], name: str) -> QgsVectorLayer:
    """A new memory layer with the listed features of ``layer`` (all fields, geometry); ``layer`` is unchanged."""
    copy = layer.materialize(QgsFeatureRequest().setFilterFids(list(fids)))
    copy.setName(name)
    return copy


def export_geopackage(layer: QgsVectorLayer, fids: List[int], path: str, name: str) -> QgsVectorLayer:
    """Write the listed features of ``layer`` to a layer ``name`` of the GeoPackage ``path`` (added to the file
    if it exists) and return it opened from there."""
    copy = export_layer(layer, fids, name)
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    options.layerName = name
    options.fileEncoding = "UTF-8"
    if os.path.exists(path):
        options.actionOnExistingFile = QgsVectorFileWriter.ActionOnExistingFile.CreateOrOverwriteLayer
    error, message, written, _layer = QgsVectorFileWriter.writeAsVectorFormatV3(
        copy, path, QgsProject.instance().transformContext(), options
    )
    if error != QgsVectorFileWriter.WriterError.NoError:
        raise OSError(tr("Could not write {}: {}").format(path, message))
    return QgsVectorLayer(f"{written}|layername={name}", name, "ogr")


class LoadRecordsTask(QgsTask):
    """Reads a layer's records off the GUI thread: from GDAL's Arrow stream for a file layer, else through a
    QgsVectorLayerFeatureSource (a snapshot safe to read in another thread; the layer itself is not)."""

    def __init__(self, layer, mapping, roles, done):
        super().__init__(tr("Border Gaps: reading {}").format(layer.name()), QgsTask.Flag.CanCancel)
        self._reader = OgrColumnReader.for_layer(layer, mapping, roles)
        self._source = QgsVectorLayerFeatureSource(layer)
        self._fields = layer.fields()
        self._mapping = mapping
        self._roles = roles
        self._total = layer.featureCount()
        self._done = done
        self.records = None

    def run(self):
        if self._reader is not None:
            self.records = self._reader.read()
        if self.records is None and not self.isCanceled():
            self.records = read_records(
                self._source,
                self._fields,
                self._mapping,
                self._roles,
                is_canceled=self.isCanceled,
                progress=self.setProgress,
                total=self._total,
            )
        return self.records is not None and not self.isCanceled()

    def finished(self, result):
        # The source and the reader keep the layer's file open while they live: let go of them as
        # soon as the task ends (done, failed or cancelled), whoever still holds the task object.
        self._source = self._reader = None
        done, self._done = self._done, None
        if result:
            done(self.records)


class SourceTab(QObject):
    """One tab of the dock: its source layer, model and table, and the signals connected to that layer."""

    def __init__(self, dock, kind, columns, combo, fields_button, view):
        super().__init__(dock)
        self.dock = dock
        self.kind = kind
        self.combo = combo
        self.view = view
        self.model = FeatureTableModel(columns, self)
        self.layer: Optional[QgsVectorLayer] = None
        self.in_project = False
        self.mapping = FieldMapping()
        self.loading = False
        self._layer_connections = _Connections()
        self._syncing = False
        self._pending_changed = set()
        self._pending_deleted = set()
        self._reload_pending = False
        self._gap_stale = False
        self.district_key = None  # what the spatial district filter was last computed for
        self.load_generation = 0  # bumped by every read and by detach: only the latest read's records are shown
        self.gap_generation = 0  # bumped by every gap-filter request; a task's late result for an older one is dropped
        self._tasks = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REFRESH_DELAY_MS)
        self._timer.timeout.connect(self.apply_pending_edits)

        view.setModel(self.model)
        view.sortByColumn(0, Qt.SortOrder.AscendingOrder)  # by name, until the user clicks another column
        view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, (role, _) in enumerate(columns):
            view.setColumnWidth(column, COLUMN_WIDTHS.get(role, 90))
        view.horizontalHeader().setSortIndicatorShown(True)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.selectionModel().selectionChanged.connect(self._view_selection_changed)
        view.clicked.connect(self._clicked)
        view.doubleClicked.connect(self._double_clicked)
        self.model.modelReset.connect(self._after_reset)
        fields_button.clicked.connect(self.edit_field_mapping)

    # -- source --------------------------------------------------------------
    def set_layer(self, layer: Optional[QgsVectorLayer], in_project: bool, mapping: Optional[FieldMapping] = None):
        self.detach()
        self.layer = layer
        self.in_project = in_project
        if layer is None:
            self.model.clear()
            self.dock.tab_changed(self)
            return
        self.mapping = mapping or load_mapping(layer)
        c = self._layer_connections
        c.connect(layer.featureAdded, self._feature_added)
        c.connect(layer.featuresDeleted, self._features_deleted)
        c.connect(layer.attributeValueChanged, self._attribute_changed)
        c.connect(layer.geometryChanged, self._geometry_changed)
        c.connect(layer.afterCommitChanges, self._reload_later)
        c.connect(layer.afterRollBack, self._reload_later)
        c.connect(layer.selectionChanged, self._layer_selection_changed)
        c.connect(layer.willBeDeleted, self.layer_gone)
        self.load()

    def detach(self):
        """Forget the layer: disconnect its signals, cancel reads in flight, clear pending edits."""
        self._layer_connections.disconnect_all()
        for task in self._tasks:
            try:
                task.cancel()
            except RuntimeError:  # the task manager already deleted it
                pass
        self._tasks = []
        self.load_generation += 1
        self._timer.stop()
        self._pending_changed.clear()
        self._pending_deleted.clear()
        self._reload_pending = False
        self.loading = False
        self.layer = None
        self.in_project = False

    def release_listing_copy(self) -> bool:
        """Drop the bundled layer this tab opened for listing only (not in the project), whose provider keeps
        border_region.gpkg open (and its pooled connections with it): called when the dock is closed, so that a
        closed dock holds no file; the tab reads it again when the dock is shown. A project layer is kept: the
        project holds it anyway."""
        if self.layer is None or self.in_project:
            return False
        self.set_layer(None, False)
        return True

    def layer_gone(self):
        """The layer was removed from the project or deleted: empty the tab."""
        self.set_layer(None, False)

    def load(self):
        layer = self.layer
        if layer is None:
            return
        self.load_generation += 1
        if layer.featureCount() > LOAD_TASK_THRESHOLD:
            self.loading = True

            def done(records, generation=self.load_generation):
                if self.load_generation == generation:  # not an older read, nor one of a layer since left
                    self._records_read(records)

            task = LoadRecordsTask(layer, self.mapping, self.model.roles, done)
            self._tasks.append(task)
            QgsApplication.taskManager().addTask(task)
            self.dock.tab_changed(self)
            return
        self._records_read(read_layer_records(layer, self.mapping, self.model.roles))

    def _records_read(self, records):
        if self.layer is None:
            return
        self.loading = False
        self._tasks = [t for t in self._tasks if not _task_done(t)]
        self.model.set_records(records)
        self.dock.tab_loaded(self)

    def edit_field_mapping(self):
        if self.layer is None:
            return
        dialog = FieldMappingDialog(self.layer, self.mapping, parent=self.dock)
        if dialog.exec():
            self.mapping = dialog.mapping()
            self.load()

    def ensure_in_project(self):
        """Add the listed bundled layer to the project (attribute form, selection on the map need it there)."""
        if self.layer is not None and not self.in_project:
            QgsProject.instance().addMapLayer(self.layer)
            self.in_project = True

    # -- live edits ------------------------------------------------------------
    def _feature_added(self, fid):
        self._pending_changed.add(fid)
        self._timer.start()

    def _attribute_changed(self, fid, _index, _value):
        self._pending_changed.add(fid)
        self._timer.start()

    def _features_deleted(self, fids):
        self._pending_deleted.update(fids)
        self._pending_changed.difference_update(fids)
        self._timer.start()

    def _geometry_changed(self, _fid, _geometry):
        self._gap_stale = True
        self.district_key = None  # the district filter of a layer without a district field is spatial
        self._timer.start()

    def _reload_later(self):
        # Committing gives added features their final ids: read the layer again.
        self._reload_pending = True
        self._timer.start()

    def apply_pending_edits(self):
        self._timer.stop()
        if self.layer is None:
            return
        if self._reload_pending:
            self._reload_pending = False
            self._pending_changed.clear()
            self._pending_deleted.clear()
            self.load()
        else:
            if self._pending_deleted:
                self.model.remove_fids(self._pending_deleted)
                self._pending_deleted.clear()
            if self._pending_changed:
                changed = read_records(
                    self.layer, self.layer.fields(), self.mapping, self.model.roles, fids=self._pending_changed
                )
                self._pending_changed.clear()
                self.model.upsert(changed)
            self.dock.tab_changed(self)
        if self._gap_stale:
            self._gap_stale = False
            self.dock.update_gap_filter(self)
            if self.district_key is None:
                self.dock.apply_filters()

    # -- selection, zoom, form ------------------------------------------------
    def selected_fids(self) -> List[int]:
        return [self.model.fid_at(index.row()) for index in self.view.selectionModel().selectedRows()]

    def _view_selection_changed(self, *_):
        if self._syncing or self.layer is None:
            return
        self._syncing = True
        try:
            self.layer.selectByIds(self.selected_fids())
        finally:
            self._syncing = False

    def _layer_selection_changed(self, *_):
        if not self._syncing:
            self.show_layer_selection()

    def show_layer_selection(self):
        """Select in the table the rows of the features selected in the layer."""
        if self.layer is None:
            return
        rows = sorted(
            r for r in (self.model.row_of_fid(fid) for fid in self.layer.selectedFeatureIds()) if r is not None
        )
        selection = QItemSelection()
        last_column = self.model.columnCount() - 1
        start = previous = None
        for row in rows + [None]:
            if start is not None and (row is None or row != previous + 1):
                selection.select(self.model.index(start, 0), self.model.index(previous, last_column))
                start = None
            if start is None:
                start = row
            previous = row
        self._syncing = True
        try:
            flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
            self.view.selectionModel().select(selection, flags)
        finally:
            self._syncing = False

    def _after_reset(self):
        if self.layer is not None and self.layer.selectedFeatureCount():
            self.show_layer_selection()

    def _clicked(self, index):
        if self.layer is not None and index.isValid():
            self.dock.zoom_to_feature(self, self.model.fid_at(index.row()))

    def _double_clicked(self, index):
        if self.layer is None or not index.isValid():
            return
        fid = self.model.fid_at(index.row())
        self.ensure_in_project()
        feature = self.layer.getFeature(fid)
        if feature.isValid():
            self.dock.iface.openFeatureForm(self.layer, feature, False, False)


def _task_done(task) -> bool:
    try:
        return task.status() in (task.TaskStatus.Complete, task.TaskStatus.Terminated)
    except RuntimeError:
        return True


class BorderRegionDock(QgsDockWidget):
    """The dock widget; :meth:`start` fills it (on first show), :meth:`cleanup` undoes every connection."""

    def __init__(self, iface, parent=None):
        super().__init__(tr("Border region"), parent or iface.mainWindow())
        self.setObjectName("BorderGapsRegionDock")
        self.iface = iface
        self.canvas = iface.mapCanvas()
        self.ui = FORM_CLASS()
        contents = QWidget(self)
        self.ui.setupUi(contents)
        self.setWidget(contents)
        self._connections = _Connections()
        self._gap_connections = _Connections()
        self._gap_tasks = []
        self._released_tabs = []  # tabs whose bundled listing copy was dropped when the dock was closed
        self.started = False
        ui = self.ui

        self.villages = SourceTab(
            self, "settlements", VILLAGE_COLUMNS, ui.villagesSourceCombo, ui.villagesFieldsButton, ui.villagesView
        )
        self.crossings = SourceTab(
            self, "crossings", CROSSING_COLUMNS, ui.crossingsSourceCombo, ui.crossingsFieldsButton, ui.crossingsView
        )
        self.tabs = [self.villages, self.crossings]

        for text, code in ((tr("Both sides"), ""), (tr("Iraq"), "IQ"), (tr("Syria"), "SY")):
            ui.sideCombo.addItem(text, code)
        ui.gapLayerCombo.setFilters(_polygon_layer_filter())
        ui.gapLayerCombo.setEnabled(False)
        ui.borderKmSpin.setEnabled(False)

        ui.searchEdit.textChanged.connect(self.apply_search)
        ui.sideCombo.currentIndexChanged.connect(self.apply_filters)
        ui.statusCombo.currentIndexChanged.connect(self.apply_filters)
        ui.governorateCombo.currentIndexChanged.connect(self.apply_filters)
        ui.districtCombo.currentIndexChanged.connect(self.apply_filters)
        self._districts = None  # bundled districts, read on first need
        self._reading_project = False
        ui.borderCheck.toggled.connect(ui.borderKmSpin.setEnabled)
        ui.borderCheck.toggled.connect(self.apply_filters)
        ui.borderKmSpin.valueChanged.connect(self.apply_filters)
        ui.gapCheck.toggled.connect(ui.gapLayerCombo.setEnabled)
        ui.gapCheck.toggled.connect(self.gap_filter_changed)
        ui.gapLayerCombo.layerChanged.connect(self.gap_filter_changed)
        ui.tabs.currentChanged.connect(self.update_count)
        for tab in self.tabs:
            tab.combo.activated.connect(lambda _i, t=tab: self.source_chosen(t, remember=True))

        menu = QMenu(ui.exportButton)
        menu.addAction(tr("To CSV file…"), self.export_current_csv)
        menu.addAction(tr("To a new layer"), self.export_current_layer)
        menu.addAction(tr("To a GeoPackage…"), self.export_current_geopackage)
        ui.exportButton.setMenu(menu)
        self.visibilityChanged.connect(self._visibility_changed)

    # -- life cycle --------------------------------------------------------------
    def _visibility_changed(self, visible):
        if visible and not self.started:
            self.start()
        elif visible:
            for tab in self._released_tabs:
                if tab.combo.currentData() == BUNDLED:
                    self.source_chosen(tab)
            self._released_tabs = []
        elif self.started and self.isHidden():  # closed, not merely behind another tab of a dock area
            self._cancel_gap_tasks()
            self._released_tabs += [tab for tab in self.tabs if tab.release_listing_copy()]

    def start(self, default_sources: bool = True):
        """Connect the project and list the default sources (on first show: nothing is read before that)."""
        if self.started:
            return
        self.started = True
        project = QgsProject.instance()
        self._connections.connect(project.layersAdded, self._layers_added)
        self._connections.connect(project.layersWillBeRemoved, self._layers_will_be_removed)
        self._connections.connect(project.readProject, self._project_read)
        self._connections.connect(project.layerLoaded, self._project_layer_loaded)
        for tab in self.tabs:
            self.fill_source_combo(tab)
            tab.combo.setCurrentIndex(0 if default_sources else -1)
            if not (default_sources and self._restore_source(tab)):
                self.source_chosen(tab)

    def cleanup(self):
        """Disconnect everything connected to the project, layers and tasks (called by the plugin's unload)."""
        self._connections.disconnect_all()
        self._gap_connections.disconnect_all()
        self._cancel_gap_tasks()
        for tab in self.tabs:
            tab.detach()
            tab.model.clear()
        self._released_tabs = []
        self.started = False

    def connection_count(self) -> int:
        return (
            len(self._connections) + len(self._gap_connections) + sum(len(tab._layer_connections) for tab in self.tabs)
        )

    # -- sources -------------------------------------------------------------------
    def fill_source_combo(self, tab: SourceTab):
        combo = tab.combo
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(tr("Bundled {}").format(tab.kind), BUNDLED)
        points = [
            layer
            for layer in QgsProject.instance().mapLayers().values()
            if isinstance(layer, QgsVectorLayer) and layer.geometryType() == QgsWkbTypes.GeometryType.PointGeometry
        ]
        imported = [layer for layer in points if tab.kind == "settlements" and is_imported_settlements(layer)]
        for layer in imported:  # right after the bundled layer: the other settlements sources
            combo.addItem(tr("Imported settlements: {}").format(layer.name()), layer.id())
        for layer in points:
            if layer not in imported:
                combo.addItem(layer.name(), layer.id())
        index = combo.findData(current) if current is not None else 0
        combo.setCurrentIndex(index)
        combo.blockSignals(False)

    def source_chosen(self, tab: SourceTab, remember: bool = False):
        choice = tab.combo.currentData()
        if remember and choice:
            QgsProject.instance().writeEntry(PROJECT_SCOPE, SOURCE_KEY.format(tab.kind), choice)
        if choice == BUNDLED:
            try:
                layer, in_project = bundled_source_layer(tab.kind, QgsProject.instance())
            except Exception as err:  # the bundled data missing from a broken install: say so, keep working
                tab.set_layer(None, False)
                self.ui.countLabel.setText(tr("Bundled {} unavailable: {}").format(tab.kind, err))
                return
            tab.set_layer(layer, in_project)
        elif choice:
            tab.set_layer(QgsProject.instance().mapLayer(choice), True)
        else:
            tab.set_layer(None, False)

    def use_layer(self, tab: SourceTab, layer: QgsVectorLayer, remember: bool = False):
        """Show ``layer`` (a point layer of the project) in ``tab``, as if picked in its source list."""
        self.fill_source_combo(tab)
        tab.combo.setCurrentIndex(tab.combo.findData(layer.id()))
        self.source_chosen(tab, remember=remember)

    def _restore_source(self, tab: SourceTab) -> bool:
        """Show the source remembered in the project for ``tab``, if it is still there."""
        choice, found = QgsProject.instance().readEntry(PROJECT_SCOPE, SOURCE_KEY.format(tab.kind), "")
        if not found or not choice:
            return False
        index = tab.combo.findData(choice)
        if index < 0:
            return False
        tab.combo.setCurrentIndex(index)
        self.source_chosen(tab)
        return True

    def _project_layer_loaded(self, *_):
        self._reading_project = True  # layers of a project being opened: its remembered sources apply

    def _project_read(self, *_):
        self._reading_project = False
        for tab in self.tabs:
            self.fill_source_combo(tab)
            self._restore_source(tab)

    def _layers_added(self, layers):
        for tab in self.tabs:
            self.fill_source_combo(tab)
        # An import just made (bordergaps:importsettlements) replaces the bundled list it extends: shown at once.
        imported = [layer for layer in layers if is_imported_settlements(layer)]
        if imported and not self._reading_project and self.villages.combo.currentData() in (BUNDLED, None):
            self.use_layer(self.villages, imported[-1], remember=True)
        for tab in self.tabs:
            if tab.combo.currentData() == BUNDLED and not tab.in_project:
                # "Add border-region layers" after the dock listed its own copy: use the project's layer, so
                # that selection shows on the map.
                added = [layer for layer in layers if _is_bundled(layer, tab.kind)]
                if added:
                    tab.set_layer(added[0], True)

    def _layers_will_be_removed(self, layer_ids):
        ids = set(layer_ids)
        for tab in self.tabs:
            if tab.layer is not None and tab.in_project and tab.layer.id() in ids:
                tab.layer_gone()
                tab.combo.setCurrentIndex(-1)
        # The combo lists are refreshed once the layers are gone.
        QTimer.singleShot(0, self._refresh_source_lists)
        gap_layer = self.ui.gapLayerCombo.currentLayer()
        if gap_layer is not None and gap_layer.id() in ids:
            self._gap_connections.disconnect_all()

    def _refresh_source_lists(self):
        for tab in self.tabs:
            self.fill_source_combo(tab)
            if tab.layer is None and tab not in self._released_tabs:  # a released tab still shows its choice
                tab.combo.setCurrentIndex(-1)

    # -- filters -------------------------------------------------------------------
    def current_tab(self) -> SourceTab:
        return self.tabs[self.ui.tabs.currentIndex()]

    def apply_search(self, text=None):
        text = self.ui.searchEdit.text() if text is None else text
        for tab in self.tabs:
            tab.model.set_search(text)
        self.update_count()

    def filter_values(self):
        ui = self.ui
        return {
            "side": ui.sideCombo.currentData() or "",
            "governorate": ui.governorateCombo.currentData() or "",
            "status": ui.statusCombo.currentData() or "",
            "max_border_km": ui.borderKmSpin.value() if ui.borderCheck.isChecked() else None,
            "district": ui.districtCombo.currentData() or "",
        }

    def apply_filters(self, *_):
        values = self.filter_values()
        for tab in self.tabs:
            self.update_district_fids(tab, values["district"])
            tab.model.set_filters(**values)
        self.update_count()

    def district_polygons(self):
        if self._districts is None:
            self._districts = bundled_districts()
        return self._districts

    def update_district_fids(self, tab: SourceTab, district: str):
        """A layer without a district field is filtered by the bundled district's polygon instead."""
        if not district or tab.layer is None or tab.model.has_role("district"):
            tab.district_key = None
            tab.model.set_district_fids(None)
            return
        key = (district, tab.layer.id(), tab.load_generation, tab.model.total_count())
        if tab.district_key == key:
            return  # another filter changed: the features in the district are the same
        tab.district_key = key
        shapes = [geom for name, _side, geom in self.district_polygons() if name == district]
        polygons = QgsVectorLayer("MultiPolygon?crs=EPSG:4326", "district", "memory")
        features = []
        for geom in shapes:
            feature = QgsFeature()
            feature.setGeometry(geom)
            features.append(feature)
        polygons.dataProvider().addFeatures(features)
        transform = polygon_transform(tab.layer, polygons, QgsProject.instance())
        tab.model.set_district_fids(fids_inside_polygons(tab.layer, polygons, transform))

    def _fill_value_combo(self, combo, any_text, values):
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(any_text, "")
        for value in values:
            combo.addItem(value, value)
        index = combo.findData(current)
        combo.setCurrentIndex(max(index, 0))
        combo.blockSignals(False)

    def refresh_value_lists(self):
        governorates = sorted(
            {
                v
                for tab in self.tabs
                if tab.model.has_role("governorate")
                for v in tab.model.distinct_values("governorate")
            }
        )
        statuses = sorted(
            {v for tab in self.tabs if tab.model.has_role("status") for v in tab.model.distinct_values("status")}
        )
        self._fill_value_combo(self.ui.governorateCombo, tr("Any governorate"), governorates)
        self._fill_value_combo(self.ui.statusCombo, tr("Any status"), statuses)
        # Districts: the layers' own district values, and the bundled districts for a layer without them.
        districts = {
            v for tab in self.tabs if tab.model.has_role("district") for v in tab.model.distinct_values("district")
        }
        if any(tab.layer is not None and not tab.model.has_role("district") for tab in self.tabs):
            districts |= {name for name, _side, _geom in self.district_polygons()}
        self._fill_value_combo(self.ui.districtCombo, tr("Any district"), sorted(districts))

    def gap_filter_changed(self, *_):
        self._gap_connections.disconnect_all()
        layer = self.ui.gapLayerCombo.currentLayer() if self.ui.gapCheck.isChecked() else None
        if layer is not None:
            for signal in (layer.featureAdded, layer.featuresDeleted, layer.geometryChanged, layer.afterCommitChanges):
                self._gap_connections.connect(signal, self._gap_layer_edited)
        for tab in self.tabs:
            self.update_gap_filter(tab)

    def _gap_layer_edited(self, *_):
        for tab in self.tabs:
            self.update_gap_filter(tab)

    def _cancel_gap_tasks(self):
        for task in self._gap_tasks:
            try:
                task.cancel()
            except RuntimeError:
                pass
        self._gap_tasks = []

    def update_gap_filter(self, tab: SourceTab):
        polygons = self.ui.gapLayerCombo.currentLayer() if self.ui.gapCheck.isChecked() else None
        if polygons is None or tab.layer is None:
            tab.gap_generation += 1
            tab.model.set_inside_fids(None)
            self.update_count()
            return
        tab.gap_generation += 1
        if tab.layer.featureCount() > GAP_TASK_THRESHOLD:

            def done(fids, tab=tab, generation=tab.gap_generation):
                if tab.gap_generation == generation:  # not overtaken by a newer request or a cleared filter
                    tab.model.set_inside_fids(fids)
                    self.update_count()

            task = InsidePolygonsTask(tab.layer, polygons, QgsProject.instance(), done)
            self._gap_tasks = [t for t in self._gap_tasks if not _task_done(t)] + [task]
            QgsApplication.taskManager().addTask(task)
            self.ui.countLabel.setText(tr("Finding features inside {}…").format(polygons.name()))
            return
        transform = polygon_transform(tab.layer, polygons, QgsProject.instance())
        tab.model.set_inside_fids(fids_inside_polygons(tab.layer, polygons, transform))
        self.update_count()

    # -- tabs report back ------------------------------------------------------------
    def tab_loaded(self, tab: SourceTab):
        self.refresh_value_lists()
        tab.model.set_search(self.ui.searchEdit.text())
        tab.model.set_filters(**self.filter_values())
        if self.ui.gapCheck.isChecked():
            self.update_gap_filter(tab)
        tab.show_layer_selection()
        self.update_count()

    def tab_changed(self, tab: SourceTab):
        self.update_count()

    def count_text(self, tab: Optional[SourceTab] = None) -> str:
        tab = tab or self.current_tab()
        if tab.loading:
            return tr("Reading {}…").format(tab.layer.name() if tab.layer else "")
        return tr("{} of {} shown").format(tab.model.visible_count(), tab.model.total_count())

    def update_count(self, *_):
        self.ui.countLabel.setText(self.count_text())

    # -- map -------------------------------------------------------------------------
    def zoom_to_feature(self, tab: SourceTab, fid: int):
        """Centre the canvas on the feature (zooming in when the map shows far more than its surroundings),
        then flash it."""
        layer = tab.layer
        feature = layer.getFeature(fid)
        if not feature.isValid() or not feature.hasGeometry():
            return
        geometry = QgsGeometry(feature.geometry())
        destination = self.canvas.mapSettings().destinationCrs()
        if not destination.isValid():  # a canvas that was never given a CRS shows the layer's coordinates
            destination = layer.crs()
        geometry.transform(QgsCoordinateTransform(layer.crs(), destination, QgsProject.instance()))
        box = geometry.boundingBox()
        factor = QgsUnitTypes.fromUnitToUnitFactor(_METERS, destination.mapUnits())
        width = ZOOM_WIDTH_M * factor
        extent = self.canvas.extent()
        if box.width() > 0 or box.height() > 0:
            target = QgsRectangle(box)
            target.scale(1.5)
            self.canvas.setExtent(target)
        elif extent.width() > 4 * width or not extent.contains(box.center()):
            centre = box.center()
            half = min(extent.width(), width) / 2 if extent.width() <= 4 * width else width / 2
            ratio = extent.height() / extent.width() if extent.width() else 1.0
            self.canvas.setExtent(
                QgsRectangle(centre.x() - half, centre.y() - half * ratio, centre.x() + half, centre.y() + half * ratio)
            )
        self.canvas.refresh()
        if tab.in_project:
            self.canvas.flashFeatureIds(layer, [fid])
        else:
            self.canvas.flashGeometries([geometry], destination)

    # -- export ------------------------------------------------------------------------
    def export_current_csv(self):
        tab = self.current_tab()
        path, _ = QFileDialog.getSaveFileName(self, tr("Export list"), f"{tab.kind}.csv", tr("CSV files (*.csv)"))
        if path:
            count = export_csv(tab.model, path)
            self.iface.messageBar().pushMessage(
                "Border Gaps", tr("Wrote {} rows to {}").format(count, path), Qgis.MessageLevel.Info, 5
            )

    def export_current_geopackage(self):
        tab = self.current_tab()
        if tab.layer is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, tr("Export list"), f"{tab.kind}.gpkg", tr("GeoPackage (*.gpkg)"))
        if not path:
            return
        try:
            layer = export_geopackage(tab.layer, tab.model.visible_fids(), path, f"{tab.kind}_list")
        except OSError as err:
            self.iface.messageBar().pushMessage("Border Gaps", str(err), Qgis.MessageLevel.Critical)
            return
        QgsProject.instance().addMapLayer(layer)

    def export_current_layer(self) -> Optional[QgsVectorLayer]:
        tab = self.current_tab()
        if tab.layer is None:
            return None
        copy = export_layer(tab.layer, tab.model.visible_fids(), tr("{} (Border region list)").format(tab.kind))
        QgsProject.instance().addMapLayer(copy)
        return copy
