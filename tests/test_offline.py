"""Offline: no network connection is attempted by plugin load/unload, the dock, the
border-region layers or any algorithm (Python sockets and QGIS's network manager)."""

import socket
from importlib.util import find_spec

import pytest
from qgis.core import QgsApplication, QgsNetworkAccessManager, QgsProject
from qgis.PyQt.QtCore import QEvent, QUrl
from qgis.PyQt.QtNetwork import QNetworkRequest
from qgis.PyQt.QtWidgets import QDockWidget

import border_gaps
from bg_testing.algorithm_inputs import Scenario, output_layer_params, registered_algorithms, run
from bg_testing.offline import NetworkAttemptError, NetworkGuard

ALGORITHMS = registered_algorithms()


def test_the_guard_catches_python_sockets():
    # loopback port 9 (discard): refused before anything is sent, even were it open
    with NetworkGuard() as guard:
        with pytest.raises(NetworkAttemptError):
            socket.create_connection(("127.0.0.1", 9), timeout=1)
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        with pytest.raises(NetworkAttemptError):
            sock.connect(("127.0.0.1", 9))
        with pytest.raises(NetworkAttemptError):
            sock.connect_ex(("127.0.0.1", 9))
        sock.close()
        with pytest.raises(NetworkAttemptError):
            socket.getaddrinfo("example.invalid", 80)
    assert len(guard.attempts) == 4, guard.attempts
    assert socket.socket.connect is not None and "guard" not in repr(socket.create_connection)


def test_the_guard_sees_requests_of_qgis_network_manager(qgis_app):
    with NetworkGuard() as guard:
        QgsNetworkAccessManager.blockingGet(QNetworkRequest(QUrl("http://127.0.0.1:9/tile.png")))
    assert any("127.0.0.1:9/tile.png" in a for a in guard.attempts), guard.attempts


def test_loopback_is_allowed_only_when_asked():
    with NetworkGuard(allow_loopback=True) as guard:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        assert sock.connect_ex(("127.0.0.1", 9)) != 0 or True  # refused or not: it was allowed through
        sock.close()
        with pytest.raises(NetworkAttemptError):
            socket.create_connection(("192.0.2.1", 80), timeout=1)  # TEST-NET-1, refused by the guard
    assert guard.attempts == ["socket.create_connection: ('192.0.2.1', 80)"]


def _plugin_actions(iface):
    actions = []
    for menu_action in iface.pluginMenu().actions():
        if menu_action.menu() is not None:
            actions.extend(menu_action.menu().actions())
    return actions


def test_plugin_load_dock_layers_and_unload_touch_no_network(recording_iface, no_bordergaps_provider):
    project = QgsProject.instance()
    with NetworkGuard() as guard:
        plugin = border_gaps.classFactory(recording_iface)
        plugin.initGui()
        for action in _plugin_actions(recording_iface):
            text = action.text().replace("&", "").lower()
            # the layers action loads the bundled GeoPackages and styles; dock toggles open the dock
            loads_layers = text.startswith("add border-region") and find_spec("border_gaps.layers.loader")
            if action.isCheckable() or loads_layers:
                action.trigger()
        for dock in recording_iface.mainWindow().findChildren(QDockWidget):
            dock.show()
        QgsApplication.processEvents()
        plugin.unload()
        QgsApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        QgsApplication.processEvents()
    project.clear()
    assert guard.attempts == []


@pytest.mark.parametrize("alg_id", [a for a, _ in ALGORITHMS])
def test_every_algorithm_runs_offline(alg_id, tmp_path, bordergaps_provider):
    alg = QgsApplication.processingRegistry().algorithmById(alg_id)
    assert alg is not None, f"{alg_id} is listed in algorithm_classes() but not registered"
    scenario = Scenario(tmp_path)
    params = scenario.parameters(alg)
    with NetworkGuard() as guard:
        results = run(alg_id, params)
    assert guard.attempts == []
    for name in output_layer_params(alg):
        assert results.get(name), f"{alg_id} gave no {name}"
