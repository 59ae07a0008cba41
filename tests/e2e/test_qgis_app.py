"""The plugin as a user gets it: the ZIP installed through QGIS's plugin manager code,
in the real QGIS application under Xvfb."""

import os

import pytest

from bg_testing.qgis_runner import E2E_DIR, build_plugin_zip, failed_checks, run_qgis

pytestmark = pytest.mark.e2e


def test_install_from_zip_in_real_qgis(tmp_path):
    zip_path = build_plugin_zip(tmp_path / "dist")
    code, report, output = run_qgis(
        os.path.join(E2E_DIR, "qgis_app_script.py"), "qgis_app", tmp_path, {"BG_ZIP": zip_path}
    )
    assert report, f"QGIS wrote no report (exit {code}):\n{output[-3000:]}"
    assert not report["errors"], "\n".join(report["errors"])
    assert not failed_checks(report), failed_checks(report)
    assert code == 0, output[-3000:]
    assert os.path.getsize(report["screenshot"]) > 10_000
