"""The QGIS plugin object: menu, toolbar and Processing provider.

``unload`` mirrors ``initGui``/``initProcessing`` exactly, so loading, unloading
and loading again leaves no duplicate action, menu, toolbar or provider.
"""

import os

from qgis.core import Qgis, QgsApplication
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtGui import QIcon
from qgis.PyQt.QtWidgets import QAction

from .processing.provider import BorderGapsProvider

PLUGIN_DIR = os.path.dirname(__file__)
MENU_NAME = "&Border Gaps"
TOOLBAR_NAME = "Border Gaps"


def icon(name: str) -> QIcon:
    """An icon from resources/icons by file name."""
    return QIcon(os.path.join(PLUGIN_DIR, "resources", "icons", name))


def tr(text: str) -> str:
    return QCoreApplication.translate("BorderGaps", text)


class BorderGapsPlugin:
    """Entry object created by :func:`border_gaps.classFactory`."""

    def __init__(self, iface):
        self.iface = iface
        self.provider = None
        self.toolbar = None
        self.actions = []

    # -- Processing -------------------------------------------------------
    def initProcessing(self):  # noqa: N802 (QGIS API name)
        if self.provider is None:
            self.provider = BorderGapsProvider()
            QgsApplication.processingRegistry().addProvider(self.provider)

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

    # -- actions ----------------------------------------------------------
    def add_border_region_layers(self):
        from qgis.core import QgsProject

        from .layers.loader import add_border_region_layers

        try:
            add_border_region_layers(QgsProject.instance(), canvas=self.iface.mapCanvas())
        except Exception as err:  # shown to the user, never a traceback dialog
            self.iface.messageBar().pushMessage(
                "Border Gaps", tr("Could not add the border-region layers: {}").format(err), Qgis.Critical
            )
