"""Runs INSIDE the real QGIS application (``qgis --code``), driven by test_qgis_app.py.

Installs the plugin ZIP through the plugin manager's own code, checks what a user
would see, saves a screenshot, writes a JSON report and exits with 0 (all checks
passed) or 1. Inputs come from environment variables: BG_ZIP, BG_OUT.
"""

import os
import traceback

from qgis.core import QgsApplication, QgsProject
from qgis.PyQt.QtCore import QTimer
from qgis.PyQt.QtWidgets import QToolBar
from qgis.utils import active_plugins, iface
from qgis_script_report import OUT, check, finish, report


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
        check(
            "algorithmHelp prints the help",
            algs[0].split(":")[1] in buf.getvalue() or buf.getvalue(),
            buf.getvalue()[:200],
        )
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
        f.setGeometry(
            QgsGeometry.fromWkt(
                f"POLYGON(({x0} 4000000,{x0 + 5000} 4000000,{x0 + 5000} 4005000,{x0} 4005000,{x0} 4000000))"
            )
        )
        feats.append(f)
    layer.dataProvider().addFeatures(feats)
    result = processing.run(
        "bordergaps:seamzones",
        {
            "CONTROL_AREAS": layer,
            "FORCE_FIELD": "force",
            "FORCE_A": "Peshmerga",
            "FORCE_B": "ISF",
            "SEAM_DISTANCE": 3000,
            "OUTPUT": "memory:",
        },
    )
    out = result["OUTPUT"]
    out = out if hasattr(out, "featureCount") else QgsProject.instance().mapLayer(out)
    check("seamzones runs", out is not None and out.featureCount() > 0, result)


def add_layers_and_open_dock():
    """What a user does first: click "Add border-region layers", open the dock, search."""
    from qgis.core import QgsVectorLayer
    from qgis.utils import plugins

    bar = next(b for b in iface.mainWindow().findChildren(QToolBar) if b.objectName() == "BorderGapsToolbar")
    add = next(a for a in bar.actions() if a.text() == "Add border-region layers")
    add.trigger()
    add.trigger()  # a second click adds nothing twice
    root = QgsProject.instance().layerTreeRoot()
    groups = [g for g in root.children() if g.name() == "Border region"]
    check("one Border region group", len(groups) == 1, [c.name() for c in root.children()])
    layers = [n.layer() for n in groups[0].findLayers()] if groups else []
    report["layers"] = [lyr.name() for lyr in layers]
    check("border-region layers added", len(layers) >= 5, report["layers"])
    check(
        "styled (no default single symbol everywhere)",
        any(isinstance(lyr, QgsVectorLayer) and lyr.renderer().type() != "singleSymbol" for lyr in layers),
        [lyr.renderer().type() for lyr in layers if isinstance(lyr, QgsVectorLayer)],
    )

    dock = plugins["border_gaps"].dock
    dock.toggleViewAction().trigger() if dock.isHidden() else None
    QgsApplication.processEvents()
    check("dock visible", dock.isVisible())
    report["dock_count_before"] = dock.ui.countLabel.text()
    dock.ui.searchEdit.setText("sinjar")
    report["search"] = "sinjar"


def after_search():
    from qgis.utils import plugins

    dock = plugins["border_gaps"].dock
    tab = dock.current_tab()
    model = tab.view.model()
    names = [model.index(r, 0).data() for r in range(min(model.rowCount(), 10))]
    report["dock_count_after"] = dock.ui.countLabel.text()
    report["dock_rows"] = names
    check(
        "search filters the list", report["dock_count_after"] != report["dock_count_before"], report["dock_count_after"]
    )
    check("search finds Sinjar", any("Sinjar" in (n or "") for n in names), names)


def screenshot():
    iface.mainWindow().showMaximized()
    QgsApplication.processEvents()
    path = os.path.join(OUT, "qgis_main_window.png")
    report["screenshot"] = path
    check("screenshot saved", iface.mainWindow().grab().save(path), path)


def main():
    try:
        # Xvfb has no window manager: showMaximized() leaves the window small, so size it to the
        # screen (1600 x 1000, tests/bg_testing/qgis_runner.py) before anything is drawn
        iface.mainWindow().resize(1500, 920)
        install_and_check()
        add_layers_and_open_dock()
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
        after_search()
        screenshot()
    except Exception:
        report["errors"].append(traceback.format_exc())
    finish()


QTimer.singleShot(500, main)
