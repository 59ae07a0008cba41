"""`scripts/qgis_process.sh --json run bordergaps:gapzones` on a GeoPackage made here: the numeric
outputs come back in the JSON and the gap layer is written."""

import json
import os
import subprocess

import pytest
from qgis.core import QgsVectorFileWriter, QgsVectorLayer

from bg_testing.gaps import box, box_with_hole, districts, layer

pytestmark = pytest.mark.e2e


def _write(vl, path, name, first):
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    options.layerName = name
    if not first:
        options.actionOnExistingFile = QgsVectorFileWriter.ActionOnExistingFile.CreateOrOverwriteLayer
    err = QgsVectorFileWriter.writeAsVectorFormatV3(vl, str(path), vl.transformContext(), options)
    assert err[0] == QgsVectorFileWriter.WriterError.NoError, err
    return f"{path}|layername={name}"


def test_qgis_process_gapzones_returns_numeric_outputs(tmp_path, repo_root, qgis_app):
    # The hand-solved hole case: unclaimed seam clipped to 0 ≤ y ≤ 10 is [0, 2] × [0, 10] km = 20 km²,
    # covered all but a 100 m × 100 m hole: one gap of 0.01 km², 99.95 % covered.
    gpkg = tmp_path / "case.gpkg"
    control = _write(
        districts([(box(-10, 0, 0, 10), "Peshmerga", "Sinjar"), (box(2, 0, 12, 10), "ISF", "Tal Afar")]),
        gpkg,
        "districts",
        True,
    )
    coverage = _write(
        layer("Polygon", "coverage", [(box_with_hole((0, 0, 2, 10), (0.95, 4.95, 1.05, 5.05)), {"kind": "patrol"})]),
        gpkg,
        "coverage",
        False,
    )
    study = _write(layer("Polygon", "study", [(box(-20, 0, 20, 10), {"id": 1})]), gpkg, "study", False)
    out = tmp_path / "gaps.gpkg"
    run = subprocess.run(
        [
            "bash",
            os.path.join(repo_root, "scripts", "qgis_process.sh"),
            "--json",
            "run",
            "bordergaps:gapzones",
            "--",
            f"CONTROL_AREAS={control}",
            "FORCE_FIELD=force",
            "FORCE_A=Peshmerga",
            "FORCE_B=ISF",
            f"COVERAGE={coverage}",
            f"STUDY_AREA={study}",
            "SEAM_DISTANCE=3000",
            "MODE=0",
            "MIN_AREA=5000",
            f"OUTPUT={out}",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    results = json.loads(run.stdout[run.stdout.index("{") :])["results"]
    assert results["SEAM_AREA_KM2"] == pytest.approx(20.0, rel=1e-9)
    assert results["COVERED_AREA_KM2"] == pytest.approx(19.99, rel=1e-9)
    assert results["COVERED_PCT"] == pytest.approx(99.95, rel=1e-9)
    assert results["GAP_COUNT"] == 1
    assert results["GAP_AREA_KM2"] == pytest.approx(0.01, rel=1e-6)
    assert results["LARGEST_GAP_KM2"] == pytest.approx(0.01, rel=1e-6)
    gaps = QgsVectorLayer(str(out), "gaps", "ogr")
    assert gaps.isValid() and gaps.featureCount() == 1
    (gap,) = gaps.getFeatures()
    assert gap["area_m2"] == pytest.approx(10_000, rel=1e-6)
    assert gap["force_a_adj"] == "Sinjar" and gap["force_b_adj"] == "Tal Afar"
