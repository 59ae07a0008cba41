"""Test set-up: import the plugin as the package ``border_gaps`` through a link.

The repository root is the plugin folder, and its ``processing/`` would shadow
QGIS's own ``processing`` if the root were on ``sys.path``. So the tests import the
plugin through ``build/pkg/border_gaps`` (a link to the root, made here and by
``make deps``), which works whatever the checkout's folder is called.
"""

import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PKG_PARENT = os.path.join(ROOT, "build", "pkg")
LINK = os.path.join(PKG_PARENT, "border_gaps")

os.makedirs(PKG_PARENT, exist_ok=True)
if not os.path.islink(LINK):
    os.symlink(os.path.join("..", ".."), LINK)
TESTS_DIR = os.path.dirname(os.path.abspath(__file__))
for path in (PKG_PARENT, TESTS_DIR):  # the plugin package, and the tests' own helpers
    if path not in sys.path:
        sys.path.insert(0, path)
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

DATA_DIR = os.path.join(TESTS_DIR, "data")


@pytest.fixture(scope="session")
def repo_root():
    return ROOT


_PROVIDER = []  # keeps the registered provider's Python object alive


@pytest.fixture
def bordergaps_provider(qgis_app, qgis_processing):
    """The Border Gaps provider registered in Processing, as the plugin does."""
    from qgis.core import QgsApplication

    from border_gaps.processing.provider import BorderGapsProvider

    registry = QgsApplication.processingRegistry()
    provider = registry.providerById("bordergaps")
    if provider is None:
        provider = BorderGapsProvider()
        assert registry.addProvider(provider)
        _PROVIDER[:] = [provider]
    return provider


@pytest.fixture
def no_bordergaps_provider(qgis_app, qgis_processing):
    """No Border Gaps provider registered: for tests of the plugin registering its own."""
    from qgis.core import QgsApplication

    registry = QgsApplication.processingRegistry()
    if registry.providerById("bordergaps") is not None:
        registry.removeProvider("bordergaps")  # deletes it; bordergaps_provider makes a new one
        _PROVIDER.clear()
    yield
    # whatever the test registered, it removed itself (asserted by the lifecycle tests)


@pytest.fixture
def recording_iface(qgis_app):
    """A QGIS interface with a real main window, Plugins menu, toolbars and docks."""
    from bg_testing.iface import RecordingInterface

    iface = RecordingInterface()
    yield iface
    # pytest-qgis's interface listens to the project; a deleted canvas must not hear it.
    from qgis.core import QgsProject

    QgsProject.instance().layersAdded.disconnect(iface.addLayers)
    QgsProject.instance().removeAll.disconnect(iface.removeAllLayers)
    iface.mainWindow().close()
    iface.mainWindow().deleteLater()
