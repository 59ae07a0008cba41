"""A QGIS interface for tests that really builds menus, toolbars and docks.

pytest-qgis's ``QgisInterface`` leaves ``addPluginToMenu`` and friends empty; this
subclass puts actions in a real Plugins menu, toolbars and docks in a real main
window, so lifecycle tests can count what a plugin added and what it left behind.
"""

from pytest_qgis.mock_qgis_classes import MockMessageBar
from pytest_qgis.qgis_interface import QgisInterface
from qgis.gui import QgsMapCanvas
from qgis.PyQt.QtWidgets import QMainWindow, QMenu, QToolBar


class RecordingInterface(QgisInterface):
    def __init__(self, width=800, height=600):
        window = QMainWindow()
        canvas = QgsMapCanvas(window)
        window.setCentralWidget(canvas)
        window.resize(width, height)
        canvas.resize(width, height)
        super().__init__(canvas, MockMessageBar(), window)
        self._plugin_menu = self._mainWindow.menuBar().addMenu("&Plugins")
        self.opened_forms = []

    # menus
    def pluginMenu(self):
        return self._plugin_menu

    def _submenu(self, name, create):
        for action in self._plugin_menu.actions():
            if action.menu() is not None and action.text() == name:
                return action.menu()
        if not create:
            return None
        menu = QMenu(name, self._plugin_menu)
        self._plugin_menu.addMenu(menu)
        return menu

    def addPluginToMenu(self, name, action):
        self._submenu(name, True).addAction(action)

    def removePluginMenu(self, name, action):
        menu = self._submenu(name, False)
        if menu is None:
            return
        menu.removeAction(action)
        if not menu.actions():
            self._plugin_menu.removeAction(menu.menuAction())

    def plugin_menu_actions(self, name):
        menu = self._submenu(name, False)
        return [] if menu is None else list(menu.actions())

    # toolbars and docks
    def addToolBar(self, toolbar):
        bar = QToolBar(toolbar, self._mainWindow) if isinstance(toolbar, str) else toolbar
        self._mainWindow.addToolBar(bar)
        return bar

    def toolbars(self):
        return [bar for bar in self._mainWindow.findChildren(QToolBar) if bar.parent() is self._mainWindow]

    def addDockWidget(self, area, dock):
        self._mainWindow.addDockWidget(area, dock)

    def removeDockWidget(self, dock):
        self._mainWindow.removeDockWidget(dock)

    def openFeatureForm(self, layer, feature, updateFeatureOnly=False, showModal=True):
        self.opened_forms.append((layer.id(), feature.id()))
        return True
