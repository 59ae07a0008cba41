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


@pytest.fixture
def bordergaps_provider(qgis_app, qgis_processing):
    """The Border Gaps provider registered in Processing, as the plugin does."""
    from bg_testing.provider import ensure_provider

    return ensure_provider()


@pytest.fixture
def no_bordergaps_provider(qgis_app, qgis_processing):
    """No Border Gaps provider registered: for tests of the plugin registering its own."""
    from bg_testing.provider import remove_provider

    remove_provider()
    yield


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


_SESSION = {}
BUNDLED_DATA = os.path.join(ROOT, "resources", "data")


def _bundled_digests():
    """SHA-256 of each bundled GeoPackage: no test may write one (tests/test_bundled_untouched.py)."""
    import hashlib

    digests = {}
    for name in sorted(os.listdir(BUNDLED_DATA)):
        if name.endswith(".gpkg"):
            with open(os.path.join(BUNDLED_DATA, name), "rb") as fh:
                digests[name] = hashlib.sha256(fh.read()).hexdigest()
    return digests


def pytest_sessionstart(session):
    _SESSION["bundled"] = _bundled_digests()


def pytest_sessionfinish(session, exitstatus):
    changed = [n for n, d in _bundled_digests().items() if _SESSION.get("bundled", {}).get(n) != d]
    if changed:
        sys.stderr.write(
            f"\nFAILED: the test session changed the bundled file(s) {', '.join(changed)} in resources/data "
            "(a test opened one for update); restore with git checkout and find the test\n"
        )
        exitstatus = session.exitstatus = 1
    _SESSION["exitstatus"] = int(exitstatus)


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config):
    """Leave with pytest's status once every result is printed.

    After QgsApplication.exitQgis(), Python's own shutdown destroys the remaining PyQt/QGIS
    wrappers in an order that can segfault (seen on QGIS 3.22), turning a green run red
    after its summary line. Nothing is tested after this point.
    """
    if "exitstatus" in _SESSION:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(_SESSION["exitstatus"])
