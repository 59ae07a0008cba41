"""classFactory → initGui → unload → initGui: everything added once, all removed."""

import importlib
import os

from qgis.core import QgsApplication, QgsProject, QgsSettings
from qgis.gui import QgsDockWidget
from qgis.PyQt.QtCore import QEvent

import border_gaps

MENU = "&Border Gaps"


def _run_deferred_deletes():
    QgsApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def _docks(iface):
    return [d for d in iface.mainWindow().findChildren(QgsDockWidget) if d.objectName() == "BorderGapsRegionDock"]


def _providers():
    return [p for p in QgsApplication.processingRegistry().providers() if p.id() == "bordergaps"]


def test_imported_through_the_link_not_the_repo_root(repo_root, qgis_processing):
    # The package resolves to the checkout whatever its folder is called, and QGIS's own
    # `processing` is not shadowed by ours.
    assert os.path.realpath(os.path.dirname(border_gaps.__file__)) == os.path.realpath(repo_root)
    qgis_processing_pkg = importlib.import_module("processing")
    ours = os.path.realpath(os.path.join(repo_root, "processing"))
    assert os.path.realpath(os.path.dirname(qgis_processing_pkg.__file__)) != ours
    importlib.import_module("processing.core.Processing")  # QGIS's, which ours lacks


def test_load_unload_load_leaves_nothing_twice(recording_iface, no_bordergaps_provider):
    assert _providers() == []
    plugin = border_gaps.classFactory(recording_iface)
    plugin.initGui()
    first_actions = [a.text() for a in recording_iface.plugin_menu_actions(MENU)]
    assert "Add border-region layers" in first_actions
    assert "Border region" in first_actions  # the dock's own toggle action
    assert len(_docks(recording_iface)) == 1
    assert len(_providers()) == 1
    assert len(recording_iface.toolbars()) == 1
    toolbar = recording_iface.toolbars()[0]
    assert [a.text() for a in toolbar.actions()] == first_actions

    plugin.unload()
    _run_deferred_deletes()
    assert recording_iface.plugin_menu_actions(MENU) == []
    assert _providers() == []
    assert recording_iface.toolbars() == []
    assert _docks(recording_iface) == []

    plugin = border_gaps.classFactory(recording_iface)
    plugin.initGui()
    assert [a.text() for a in recording_iface.plugin_menu_actions(MENU)] == first_actions
    assert len(_providers()) == 1
    assert len(recording_iface.toolbars()) == 1
    assert len(_docks(recording_iface)) == 1
    plugin.unload()
    _run_deferred_deletes()
    assert _providers() == []
    assert _docks(recording_iface) == []


def test_dock_remembers_visibility_and_disconnects_on_unload(recording_iface, no_bordergaps_provider):
    from border_gaps.plugin import DOCK_SETTINGS

    settings = QgsSettings()
    settings.setValue(f"{DOCK_SETTINGS}/visible", False)
    project = QgsProject.instance()
    before = project.receivers(project.layersWillBeRemoved)
    plugin = border_gaps.classFactory(recording_iface)
    plugin.initGui()
    dock = plugin.dock
    assert dock.isHidden() and not dock.started  # nothing read while hidden
    with_dock = project.receivers(project.layersWillBeRemoved)
    dock.start(default_sources=False)
    assert project.receivers(project.layersWillBeRemoved) == with_dock + 1
    dock.show()
    plugin.unload()
    _run_deferred_deletes()
    assert project.receivers(project.layersWillBeRemoved) == before  # unload disconnected the dock
    assert settings.value(f"{DOCK_SETTINGS}/visible", type=bool) is True

    plugin = border_gaps.classFactory(recording_iface)
    plugin.initGui()  # shown again as it was left: it starts and connects to the project once
    assert not plugin.dock.isHidden()
    assert len(_docks(recording_iface)) == 1
    plugin.unload()
    _run_deferred_deletes()
    assert project.receivers(project.layersWillBeRemoved) == before
    settings.setValue(f"{DOCK_SETTINGS}/visible", False)


def test_provider_lists_every_algorithm_with_help(no_bordergaps_provider):
    from border_gaps.processing.provider import BorderGapsProvider

    provider = BorderGapsProvider()
    assert QgsApplication.processingRegistry().addProvider(provider)
    try:
        assert provider.id() == "bordergaps"
        assert not provider.icon().isNull()
        for alg in provider.algorithms():
            assert alg.id() == f"bordergaps:{alg.name()}"
            assert alg.name() == alg.name().lower()
            assert alg.shortHelpString().strip(), alg.id()
            assert alg.group(), alg.id()
            for param in alg.parameterDefinitions():
                assert param.description(), f"{alg.id()} {param.name()}"
    finally:
        QgsApplication.processingRegistry().removeProvider(provider)
