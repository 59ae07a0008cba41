"""The QGIS plugin object: menu, toolbar and Processing provider.

``unload`` mirrors ``initGui``/``initProcessing`` exactly, so loading, unloading
and loading again leaves no duplicate action, menu, toolbar or provider.
"""

import os

from qgis.core import Qgis, QgsApplication, QgsSettings
from qgis.PyQt.QtCore import QCoreApplication, QLocale, Qt, QTranslator
from qgis.PyQt.QtGui import QIcon
from qgis.PyQt.QtWidgets import QAction

from . import processing, ui  # noqa: F401 (imported so that QGIS's unloadPlugin removes these packages too)
from .processing.provider import BorderGapsProvider

PLUGIN_DIR = os.path.dirname(__file__)
MENU_NAME = "&Border Gaps"
TOOLBAR_NAME = "Border Gaps"
DOCK_SETTINGS = "BorderGaps/dock"


def icon(name: str) -> QIcon:
    """An icon from resources/icons by file name."""
    return QIcon(os.path.join(PLUGIN_DIR, "resources", "icons", name))


def load_translator():
    """A QTranslator for the user's QGIS locale from i18n/border_gaps_<lang>.qm, or None."""
    settings = QgsSettings()
    if settings.value("locale/overrideFlag", False, type=bool):
        locale = settings.value("locale/userLocale", "", type=str)
    else:
        locale = QLocale().name()
    for name in (locale, locale[:2]):
        path = os.path.join(PLUGIN_DIR, "i18n", f"border_gaps_{name}.qm")
        if name and os.path.exists(path):
            translator = QTranslator()
            if translator.load(path):
                return translator
    return None


def tr(text: str) -> str:
    return QCoreApplication.translate("BorderGaps", text)


class BorderGapsPlugin:
    """Entry object created by :func:`border_gaps.classFactory`."""

    def __init__(self, iface):
        self.iface = iface
        self.provider = None
        self.toolbar = None
        self.actions = []
        self.dock = None
        # Installed before any text is made, removed in unload.
        self.translator = load_translator()
        if self.translator is not None:
            QCoreApplication.installTranslator(self.translator)

    # -- Processing -------------------------------------------------------
    def initProcessing(self):  # noqa: N802 (QGIS API name)
        if self.provider is None:
            provider = BorderGapsProvider()
            # addProvider deletes a duplicate and returns False: then it is not ours to remove.
            if QgsApplication.processingRegistry().addProvider(provider):
                self.provider = provider

    # -- GUI ----------------------------------------------------------------
    def initGui(self):  # noqa: N802 (QGIS API name)
        self.initProcessing()
        self.toolbar = self.iface.addToolBar(TOOLBAR_NAME)
        self.toolbar.setObjectName("BorderGapsToolbar")

        self._add_action(
            "border_gaps.svg",
            tr("Add border-region layers"),
            self.add_border_region_layers,
            tr("Add the styled Iraq–Syria border-region layers to the project"),
        )
        self._init_dock()

    def _init_dock(self):
        from .ui.dock import BorderRegionDock

        settings = QgsSettings()
        self.dock = BorderRegionDock(self.iface)
        area = settings.value(f"{DOCK_SETTINGS}/area", int(Qt.DockWidgetArea.RightDockWidgetArea), type=int)
        self.iface.addDockWidget(Qt.DockWidgetArea(area), self.dock)
        self.dock.setFloating(settings.value(f"{DOCK_SETTINGS}/floating", False, type=bool))
        geometry = settings.value(f"{DOCK_SETTINGS}/geometry", None)
        if self.dock.isFloating() and geometry is not None:
            self.dock.restoreGeometry(geometry)
        self.dock.setVisible(settings.value(f"{DOCK_SETTINGS}/visible", False, type=bool))
        toggle = self.dock.toggleViewAction()
        toggle.setIcon(icon("dock.svg"))
        toggle.setText(tr("Border region"))
        self._add_action(
            "dock.svg",
            tr("Border region"),
            None,
            tr("Show or hide the Border region dock: search and filter villages and crossings"),
            action=toggle,
        )

    def _unload_dock(self):
        if self.dock is None:
            return
        settings = QgsSettings()
        main_window = self.iface.mainWindow()
        settings.setValue(f"{DOCK_SETTINGS}/visible", not self.dock.isHidden())
        settings.setValue(f"{DOCK_SETTINGS}/floating", self.dock.isFloating())
        settings.setValue(f"{DOCK_SETTINGS}/geometry", self.dock.saveGeometry())
        if main_window is not None and hasattr(main_window, "dockWidgetArea"):
            settings.setValue(f"{DOCK_SETTINGS}/area", int(main_window.dockWidgetArea(self.dock)))
        self.dock.cleanup()
        self.iface.removeDockWidget(self.dock)
        self.dock.deleteLater()
        self.dock = None

    def _add_action(self, icon_name, text, callback, tip, action=None):
        if action is None:
            action = QAction(icon(icon_name), text, self.iface.mainWindow())
            action.triggered.connect(callback)
        action.setToolTip(tip)
        action.setStatusTip(tip)
        self.iface.addPluginToMenu(MENU_NAME, action)
        self.toolbar.addAction(action)
        self.actions.append(action)
        return action

    def unload(self):
        self._unload_dock()
        for action in self.actions:
            self.iface.removePluginMenu(MENU_NAME, action)
            if action.parent() is self.iface.mainWindow():
                action.deleteLater()  # ours; a dock's toggle action belongs to the dock
        self.actions = []
        if self.toolbar is not None:
            self.iface.mainWindow().removeToolBar(self.toolbar)
            self.toolbar.deleteLater()
            self.toolbar = None
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
        if self.translator is not None:
            QCoreApplication.removeTranslator(self.translator)
            self.translator = None

    # -- actions ----------------------------------------------------------
    def add_border_region_layers(self):
        from qgis.core import QgsProject

        from .layers.loader import add_border_region_layers

        try:
            add_border_region_layers(QgsProject.instance(), canvas=self.iface.mapCanvas())
        except Exception as err:  # shown to the user, never a traceback dialog
            self.iface.messageBar().pushMessage(
                "Border Gaps", tr("Could not add the border-region layers: {}").format(err), Qgis.MessageLevel.Critical
            )
