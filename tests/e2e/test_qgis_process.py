"""The plugin installed from its ZIP into a temporary profile, run by qgis_process."""

import json
import zipfile

import pytest
from qgis.core import QgsFeature, QgsGeometry, QgsVectorFileWriter, QgsVectorLayer

from bg_testing.qgis_runner import build_plugin_zip, run_qgis_process

pytestmark = pytest.mark.e2e


def _districts_gpkg(path):
    layer = QgsVectorLayer("Polygon?crs=EPSG:32638&field=name:string&field=force:string", "districts", "memory")
    feats = []
    for name, force, x0 in (("West", "Peshmerga", 300000), ("East", "ISF", 307000)):
        f = QgsFeature(layer.fields())
        f.setAttributes([name, force])
        f.setGeometry(
            QgsGeometry.fromWkt(
                f"POLYGON(({x0} 4000000,{x0 + 5000} 4000000,{x0 + 5000} 4005000,{x0} 4005000,{x0} 4000000))"
            )
        )
        feats.append(f)
    layer.dataProvider().addFeatures(feats)
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    err = QgsVectorFileWriter.writeAsVectorFormatV3(layer, str(path), layer.transformContext(), options)
    assert err[0] == QgsVectorFileWriter.NoError, err
    return path


def test_qgis_process_runs_installed_plugin(tmp_path, qgis_app):
    config = tmp_path / "config"
    plugins_dir = config / "profiles" / "default" / "python" / "plugins"
    plugins_dir.mkdir(parents=True)
    with zipfile.ZipFile(build_plugin_zip(tmp_path / "dist")) as zf:
        zf.extractall(plugins_dir)

    enable = run_qgis_process(["plugins", "enable", "border_gaps"], config)
    assert enable.returncode == 0, enable.stdout + enable.stderr
    listing = run_qgis_process(["plugins"], config)
    assert "* border_gaps" in listing.stdout, listing.stdout

    help_text = run_qgis_process(["help", "bordergaps:seamzones"], config)
    assert help_text.returncode == 0, help_text.stderr
    assert "SEAM_DISTANCE" in help_text.stdout

    districts = _districts_gpkg(tmp_path / "districts.gpkg")
    out = tmp_path / "seam.gpkg"
    run = run_qgis_process(
        [
            "--json",
            "run",
            "bordergaps:seamzones",
            "--",
            f"CONTROL_AREAS={districts}",
            "FORCE_FIELD=force",
            "FORCE_A=Peshmerga",
            "FORCE_B=ISF",
            "SEAM_DISTANCE=3000",
            f"OUTPUT={out}",
        ],
        config,
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    result = json.loads(run.stdout[run.stdout.index("{") :])
    assert result["results"]["OUTPUT"].startswith(str(out))
    seam = QgsVectorLayer(str(out), "seam", "ogr")
    assert seam.isValid() and seam.featureCount() > 0
