"""gaptimeline in the real QGIS application under Xvfb: the result loads styled with its temporal
properties, and QGIS's temporal controller shows one hour of gaps (the README's screenshot)."""

import os

import pytest

from bg_testing.qgis_runner import E2E_DIR, build_plugin_zip, failed_checks, run_qgis

pytestmark = pytest.mark.e2e


def test_temporal_controller_over_the_gaps_in_real_qgis(tmp_path):
    zip_path = build_plugin_zip(tmp_path / "dist")
    code, report, output = run_qgis(
        os.path.join(E2E_DIR, "qgis_timeline_script.py"), "qgis_timeline", tmp_path, {"BG_ZIP": zip_path}
    )
    assert report, f"QGIS wrote no report (exit {code}):\n{output[-3000:]}"
    assert not report["errors"], "\n".join(report["errors"])
    assert not failed_checks(report), failed_checks(report)
    assert code == 0, output[-3000:]
    # day-only posts and cameras leave more gap land at night (with the demo built from district shapes
    # the night's gaps are as many as noon's, 4, but larger: 298 km² against 274)
    assert report["night_gap_km2"] > report["noon_gap_km2"] and report["night_gaps"] >= report["noon_gaps"]
    assert os.path.getsize(report["screenshot"]) > 10_000
