"""The Border region dock in the real QGIS application under Xvfb, as an analyst uses it: Iraqi
villages within 50 km of the border, sorted by name, Al-Ba'aj clicked. Saves the map and the dock
side by side (the README's docs/dock.png) as tests/e2e/out/qgis_dock/qgis_dock.png."""

import os

import numpy as np
import pytest

from bg_testing.qgis_runner import E2E_DIR, build_plugin_zip, failed_checks, run_qgis

pytestmark = pytest.mark.e2e


def png_colours(path):
    """(width, height, distinct colours) of the PNG as written."""
    from qgis.PyQt.QtGui import QImage

    image = QImage(path)
    assert not image.isNull(), path
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    bits = image.constBits()
    bits.setsize(image.sizeInBytes())
    pixels = np.frombuffer(bits, dtype=np.uint32).reshape(image.height(), image.bytesPerLine() // 4)
    return image.width(), image.height(), int(np.unique(pixels[:, : image.width()]).size)


def test_border_region_dock_in_real_qgis(tmp_path):
    zip_path = build_plugin_zip(tmp_path / "dist")
    code, report, output = run_qgis(
        os.path.join(E2E_DIR, "qgis_dock_script.py"), "qgis_dock", tmp_path, {"BG_ZIP": zip_path}
    )
    assert report, f"QGIS wrote no report (exit {code}):\n{output[-3000:]}"
    assert not report["errors"], "\n".join(report["errors"])
    assert not failed_checks(report), failed_checks(report)
    assert code == 0, output[-3000:]

    rows = report["rows"]
    assert len(rows) >= 3, rows
    assert all(r["border_km"] <= 50 for r in rows), rows
    assert "Al-Ba'aj" in [r["name"] for r in rows]

    # the picture: map and dock side by side, about the size of the README's, and not blank
    width, height, colours = png_colours(report["screenshot"])
    assert width >= 1100 and height >= 650, (width, height)
    assert report["map_size"][0] >= 500 and report["dock_size"][0] >= 500, report
    # a blank or single-colour grab has a handful of colours; this one has some 800 (antialiased text)
    assert colours >= 500, colours
    assert report["map_colours"] >= 300 and report["dock_colours"] >= 200, report
