"""Runs INSIDE the real QGIS application (``qgis --code``), driven by test_qgis_app.py.

Installs the plugin ZIP through the plugin manager's own code, checks what a user
would see, saves a screenshot, writes a JSON report and exits with 0 (all checks
passed) or 1. Inputs come from environment variables: BG_ZIP, BG_OUT.
"""

import json
import os
import traceback

from qgis.core import QgsApplication, QgsProject
from qgis.PyQt.QtCore import QTimer
from qgis.PyQt.QtWidgets import QToolBar
from qgis.utils import active_plugins, iface

OUT = os.environ["BG_OUT"]
report = {"checks": {}, "errors": []}


def check(name, ok, detail=""):
    report["checks"][name] = {"ok": bool(ok), "detail": str(detail)}


def finish():
    ok = not report["errors"] and all(c["ok"] for c in report["checks"].values())
    report["ok"] = ok
    with open(os.path.join(OUT, "report.json"), "w", encoding="utf-8") as fh:
        json.dump(report, fh, indent=2)
    os._exit(0 if ok else 1)  # QGIS's own exit may ask to save the project


def install_and_check():
    import pyplugin_installer

    pyplugin_installer.instance().installFromZipFile(os.environ["BG_ZIP"])
    check("plugin active", "border_gaps" in active_plugins, active_plugins)

    menus = [a.text() for a in iface.pluginMenu().actions()]
    check("Border Gaps menu under Plugins", "&Border Gaps" in menus, menus)
    bars = [b for b in iface.mainWindow().findChildren(QToolBar) if b.objectName() == "BorderGapsToolbar"]
    check("one Border Gaps toolbar", len(bars) == 1 and bars[0].actions(), [b.windowTitle() for b in bars])

    registry = QgsApplication.processingRegistry()
    provider = registry.providerById("bordergaps")
    check("provider registered", provider is not None)
    algs = sorted(a.id() for a in provider.algorithms()) if provider else []
    report["algorithms"] = algs
    check("provider has algorithms", algs, algs)

    import processing

    if algs:
        import io
        from contextlib import redirect_stdout

        buf = io.StringIO()
        with redirect_stdout(buf):
            processing.algorithmHelp(algs[0])
        check("algorithmHelp prints the help", algs[0].split(":")[1] in buf.getvalue() or buf.getvalue(),
              buf.getvalue()[:200])
    run_one_algorithm(processing, algs)


def run_one_algorithm(processing, algs):
    """seamzones on two squares 2 km apart with a 3 km seam distance (area checked)."""
    if "bordergaps:seamzones" not in algs:
        check("seamzones runs", False, "bordergaps:seamzones is not registered")
        return
    from qgis.core import QgsFeature, QgsGeometry, QgsVectorLayer

    layer = QgsVectorLayer("Polygon?crs=EPSG:32638&field=name:string&field=force:string", "districts", "memory")
    feats = []
    for name, force, x0 in (("West", "Peshmerga", 300000), ("East", "ISF", 307000)):
        f = QgsFeature(layer.fields())
        f.setAttributes([name, force])
        f.setGeometry(QgsGeometry.fromWkt(
            f"POLYGON(({x0} 4000000,{x0 + 5000} 4000000,{x0 + 5000} 4005000,{x0} 4005000,{x0} 4000000))"))
        feats.append(f)
    layer.dataProvider().addFeatures(feats)
    result = processing.run("bordergaps:seamzones", {
        "CONTROL_AREAS": layer, "FORCE_FIELD": "force", "FORCE_A": "Peshmerga", "FORCE_B": "ISF",
        "SEAM_DISTANCE": 3000, "OUTPUT": "memory:"})
    out = result["OUTPUT"]
    out = out if hasattr(out, "featureCount") else QgsProject.instance().mapLayer(out)
    check("seamzones runs", out is not None and out.featureCount() > 0, result)


def screenshot():
    iface.mainWindow().showMaximized()
    QgsApplication.processEvents()
    path = os.path.join(OUT, "qgis_main_window.png")
    report["screenshot"] = path
    check("screenshot saved", iface.mainWindow().grab().save(path), path)


def main():
    try:
        install_and_check()
        hook = os.environ.get("BG_EXTRA")
        if hook:  # further checks (layers, dock) other tests pass in as a script path
            namespace = {"check": check, "report": report, "iface": iface}
            with open(hook, encoding="utf-8") as fh:
                exec(compile(fh.read(), hook, "exec"), namespace)
    except Exception:  # reported to the test, which prints it
        report["errors"].append(traceback.format_exc())
    QTimer.singleShot(1500, after_paint)


def after_paint():
    try:
        screenshot()
    except Exception:
        report["errors"].append(traceback.format_exc())
    finish()


QTimer.singleShot(500, main)
