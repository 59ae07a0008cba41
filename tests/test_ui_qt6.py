"""Every shipped .ui file builds under PyQt6's uic (QGIS 4), with the properties it sets.

The load runs in a child process (tests/bg_testing/uic_qt6.py): PyQt6 (pip wheel, scripts/deps.sh)
and the PyQt5 of this QGIS must not share a process. QGIS widgets are stubbed by class name there.
"""

import json
import os
import runpy
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LOADER = os.path.join(ROOT, "tests", "bg_testing", "uic_qt6.py")


def shipped_ui_files():
    package = runpy.run_path(os.path.join(ROOT, "scripts", "package.py"))
    return sorted(full for full, rel in package["plugin_files"](ROOT) if rel.endswith(".ui"))


@pytest.fixture(scope="module")
def qt6_report():
    paths = shipped_ui_files()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)}
    env["QT_QPA_PLATFORM"] = "offscreen"
    proc = subprocess.run(
        [sys.executable, "-P", LOADER, *paths], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert proc.returncode == 0 and proc.stdout.strip(), (
        "PyQt6's uic could not run (PyQt6 is installed by `make deps`):\n" + proc.stderr[-3000:]
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_the_dock_ui_is_shipped():
    assert os.path.join(ROOT, "ui", "dock.ui") in shipped_ui_files()


def test_each_ui_file_builds_under_pyqt6(qt6_report):
    assert qt6_report["pyqt"].startswith("6."), qt6_report["pyqt"]
    for path, entry in qt6_report["files"].items():
        name = os.path.relpath(path, ROOT)
        assert "error" not in entry, f"{name} fails in PyQt6's setupUi:\n{entry.get('error')}"
        built, expected = entry["built"], entry["expected"]
        top = ET.parse(path).getroot().find("widget").get("name")
        for kind in ("widgets", "layouts"):
            missing = set(expected[kind]) - set(built["form_attributes"]) - {top}
            assert not missing, f"{name}: {kind} not built by PyQt6's uic: {sorted(missing)}"
        for classes in qt6_report["stubs"].values():
            for cls in classes:
                users = [w.get("name") for w in ET.parse(path).getroot().iter("widget") if w.get("class") == cls]
                assert all(built["classes"][u] == cls for u in users), (name, cls, users)


def test_properties_survive_pyqt6(qt6_report):
    """Enums, flag sets, size policies and spacer sizes as the .ui says: PyQt6's uic passed them right."""
    for path, entry in qt6_report["files"].items():
        assert "built" in entry, f"{path} fails in PyQt6's setupUi"
        props = entry["built"]["properties"]
        assert props, f"{path}: no property read back"
        wrong = {key: pair for key, pair in props.items() if pair[0] != pair[1]}
        assert not wrong, f"{os.path.relpath(path, ROOT)}: [in the .ui, under PyQt6]: {wrong}"


def test_every_spacer_has_a_size_hint():
    """Without one, PyQt6's uic calls QSpacerItem(policy, policy) and setupUi raises a TypeError."""
    for path in shipped_ui_files():
        for spacer in ET.parse(path).getroot().iter("spacer"):
            hint = spacer.find("property[@name='sizeHint']/size")
            assert hint is not None, f"{os.path.relpath(path, ROOT)}: spacer {spacer.get('name')} has no sizeHint"
