"""The soak run (`make soak`, not part of `make test`): one QGIS process, with the plugin loaded as
QGIS loads it, runs every Border Gaps algorithm RUNS times on the bundled demo scenario the way the
Processing toolbox does (a QgsProcessingAlgRunnerTask in the task manager, the context of
Processing's own dialogs, its invalid-feature setting, outputs loaded into the project with our
style post-processors, then removed), and opens, filters and closes the Border region dock RUNS
times. After each phase's warm-up the resident memory (RssAnon, see rss_mib) may grow by less than LIMIT MiB; the
interpreter is checked (bytecode-heavy loop, gc.collect()) every 10 runs and at the end.

Usage: python -P scripts/soak.py [--runs 200] [--warmup 20] [--limit-mib 20] [--only ALG ...] [--json PATH]
Exit status 0 when every phase passes.
"""

import argparse
import ctypes
import gc
import hashlib
import inspect
import json
import os
import shutil
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests"))  # bg_testing: scenario builder, interface, health loop
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from qgis.core import (  # noqa: E402
    QgsApplication,
    QgsFeatureRequest,
    QgsProcessingAlgRunnerTask,
    QgsProcessingFeedback,
    QgsProject,
    QgsVectorLayer,
)

DATA = os.path.join(ROOT, "resources", "data")
DEMO = os.path.join(DATA, "demo_scenario.gpkg")
REGION = os.path.join(DATA, "border_region.gpkg")
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def rss_mib() -> float:
    """Resident anonymous memory of this process now (RssAnon: heap, numpy arrays, every private
    allocation: what a leak grows), after a garbage collection and returning freed heap pages to
    the system (glibc malloc_trim). File-backed resident pages (the code of QGIS's libraries) are
    left out: the kernel drops and re-reads them when other processes need memory, which would
    move the figure with the machine's load rather than with our code. Total RSS where the
    system has no RssAnon line."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("RssAnon:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    with open("/proc/self/statm", encoding="ascii") as fh:
        return int(fh.read().split()[1]) * _PAGE / 2**20


def bundled_digests():
    """SHA-256 of every bundled GeoPackage: the soak reads them and must never write them."""
    digests = {}
    for name in sorted(os.listdir(DATA)):
        if name.endswith(".gpkg"):
            with open(os.path.join(DATA, name), "rb") as fh:
                digests[name] = hashlib.sha256(fh.read()).hexdigest()
    return digests


def flush_events():
    """What QGIS's main event loop does between two user actions: posted events, then the objects
    queued for deletion (layers removed from the project are deleted with deleteLater, which
    processEvents() alone never carries out)."""
    from qgis.PyQt.QtCore import QCoreApplication, QEvent

    QgsApplication.processEvents()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def wait_for(predicate, timeout=600):
    start = time.time()
    while not predicate():
        QgsApplication.processEvents()
        time.sleep(0.002)
        if time.time() - start > timeout:
            raise TimeoutError("a soak step did not finish")


class DemoInputs:
    """Parameters for any algorithm from the demo scenario: its control areas, posts and coverage;
    the bundled border, countries and settlements; origins and destinations near the demo's
    districts (bundled settlements and crossings on each side); the gaps of a gapzones run on it;
    the test DEM around Sinjar."""

    def __init__(self, folder):
        from bg_testing.algorithm_inputs import Scenario
        from bg_testing.robustness import save_gpkg

        self.scenario = Scenario(os.path.join(folder, "scenario"))
        points = os.path.join(folder, "points.gpkg")
        layers = {}
        for name, side in (("origins", "SY"), ("destinations", "IQ")):
            merged = None
            for table in ("settlements", "crossings"):
                layer = QgsVectorLayer(f"{REGION}|layername={table}", table, "ogr")
                if merged is None:
                    merged = QgsVectorLayer(f"Point?crs={layer.crs().authid()}&field=name:string", name, "memory")
                features = []
                # a request filter, never setSubsetString: a subset string makes QGIS's OGR provider
                # reopen the GeoPackage for update and switch its journal to WAL and back, which
                # rewrites the bundled file's header (see tests/test_bundled_untouched.py)
                request = QgsFeatureRequest().setFilterExpression(f"\"side\" = '{side}'")
                for feature in layer.getFeatures(request):
                    point = feature.geometry().asPoint()
                    if 41.0 <= point.x() <= 43.2 and 36.0 <= point.y() <= 37.2:  # near the demo's districts
                        copy = type(feature)(merged.fields())
                        copy.setGeometry(feature.geometry())
                        copy.setAttributes([feature["name"]])
                        features.append(copy)
                merged.dataProvider().addFeatures(features)
            layers[name] = merged
        self.sources = {
            "control_areas": f"{DEMO}|layername=control_areas",
            "posts": f"{DEMO}|layername=posts",
            "coverage": f"{DEMO}|layername=coverage",
            "border": f"{REGION}|layername=border",
            "settlements": f"{REGION}|layername=settlements",
            "countries": f"{REGION}|layername=countries",
            **save_gpkg(layers, points),
        }
        self.sources["gaps"] = self._gaps(os.path.join(folder, "gaps.gpkg"))

    def _gaps(self, path):
        from qgis import processing

        alg = QgsApplication.processingRegistry().algorithmById("bordergaps:gapzones")
        params = self.parameters(alg)
        params["OUTPUT"] = path
        processing.run("bordergaps:gapzones", params, feedback=QgsProcessingFeedback())
        return path

    def source(self, name):
        return self.sources.get(name)  # None: an optional input left empty (study area, roads)

    def parameters(self, alg):
        params = self.scenario.parameters(alg, layer_source=self.source)
        for key, value in list(params.items()):  # optional layers the demo has none of
            if isinstance(value, list):
                value = [v for v in value if v is not None]
                params[key] = value
            if value is None or value == []:
                del params[key]
        for definition in alg.destinationParameterDefinitions():
            params[definition.name()] = "TEMPORARY_OUTPUT"  # the toolbox's default for every output
        if "SEAM_DISTANCE" in params:
            params["SEAM_DISTANCE"] = 5000.0  # as make demo
        # 200 runs each on a shared 2-core machine: the slow ones made lighter, not different
        if alg.id() == "bordergaps:corridors":
            params["CELL_SIZE"] = 500.0  # ~200 × 130 km: 0.1 million cells
        if alg.id() == "bordergaps:exportmap":
            params["DPI"] = 96
        if alg.id() == "bordergaps:importsettlements":
            params["MAX_DISTANCE"] = 20000.0  # the bundled settlements within 20 km
        return params


class SoakInterface:
    """The part of QGIS's interface the plugin uses, on a real main window, map canvas and message
    bar (pytest-qgis's interface needs pytest's set-up)."""

    def __init__(self):
        from qgis.gui import QgsMapCanvas, QgsMessageBar
        from qgis.PyQt.QtWidgets import QMainWindow

        self._window = QMainWindow()
        self._canvas = QgsMapCanvas(self._window)
        self._window.setCentralWidget(self._canvas)
        self._window.resize(1200, 800)
        self._bar = QgsMessageBar(self._window)
        self._menus = {}

    def mainWindow(self):  # noqa: N802 (QGIS API name)
        return self._window

    def mapCanvas(self):  # noqa: N802 (QGIS API name)
        return self._canvas

    def messageBar(self):  # noqa: N802 (QGIS API name)
        return self._bar

    def addToolBar(self, name):  # noqa: N802 (QGIS API name)
        return self._window.addToolBar(name)

    def addPluginToMenu(self, name, action):  # noqa: N802 (QGIS API name)
        self._menus.setdefault(name, []).append(action)

    def removePluginMenu(self, name, action):  # noqa: N802 (QGIS API name)
        if action in self._menus.get(name, []):
            self._menus[name].remove(action)

    def addDockWidget(self, area, dock):  # noqa: N802 (QGIS API name)
        self._window.addDockWidget(area, dock)

    def removeDockWidget(self, dock):  # noqa: N802 (QGIS API name)
        self._window.removeDockWidget(dock)

    def openFeatureForm(self, layer, feature, updateFeatureOnly=False, showModal=True):  # noqa: N802,N803
        return True


def run_like_the_toolbox(alg_id, params):
    """One run as Processing's dialog does it; returns (ok, seconds, error text)."""
    from processing.gui.Postprocessing import handleAlgorithmResults
    from processing.tools import dataobjects

    registry = QgsApplication.processingRegistry()
    alg = registry.createAlgorithmById(alg_id)
    feedback = QgsProcessingFeedback()
    context = dataobjects.createContext(feedback)
    ok, message = alg.checkParameterValues(params, context)
    if not ok:
        return False, 0.0, message
    task = QgsProcessingAlgRunnerTask(alg, params, context, feedback)
    outcome = {}
    task.executed.connect(lambda done, results: outcome.update(ok=done, results=results))
    start = time.time()
    QgsApplication.taskManager().addTask(task)
    wait_for(lambda: "ok" in outcome)
    seconds = time.time() - start
    if not outcome["ok"]:
        return False, seconds, feedback.textLog()[-2000:]
    before = set(QgsProject.instance().mapLayers())
    if "showResults" in inspect.signature(handleAlgorithmResults).parameters:  # QGIS 3.22
        handleAlgorithmResults(alg, context, feedback, showResults=False, parameters=params)
    else:  # QGIS 3.40: the results viewer is the dialog's, not this function's
        handleAlgorithmResults(alg, context, feedback, parameters=params)
    loaded = [lid for lid in QgsProject.instance().mapLayers() if lid not in before]
    if not loaded and context.layersToLoadOnCompletion():
        return False, seconds, "outputs were not loaded"
    QgsProject.instance().removeMapLayers(loaded)  # the analyst removes them again
    flush_events()
    return True, seconds, ""


def interpreter_ok(expected):
    from bg_testing.health_run import interpreter_check

    return interpreter_check(expected)


def phase(name, runs, warmup, step, expected):
    """Runs ``step`` ``runs`` times; RSS after ``warmup`` runs and at the end."""
    record = {"phase": name, "runs": runs, "failures": 0, "health": "", "seconds": 0.0}
    rss = []
    for i in range(runs):
        ok, seconds, error = step(i)
        record["seconds"] += seconds
        if not ok:
            record["failures"] += 1
            record.setdefault("first_error", error)
        if (i + 1) % 10 == 0 or i + 1 == runs:
            health = interpreter_ok(expected)
            if health and not record["health"]:
                record["health"] = f"after run {i + 1}: {health}"
        if i + 1 == min(warmup, runs):
            record["rss_start_mib"] = rss_mib()
        if (i + 1) % 20 == 0 or i + 1 == runs:
            rss.append(round(rss_mib(), 1))
    record["rss_end_mib"] = rss_mib()
    record["rss_growth_mib"] = record["rss_end_mib"] - record.get("rss_start_mib", record["rss_end_mib"])
    record["rss_samples_mib"] = rss
    return record


def dock_step(plugin, gap_layer):
    """Open the Border region dock (its toggle action, as the toolbar button), search, filter by
    side, distance, the gap layer and a district, clear the filters, close it."""
    dock = plugin.dock
    ui = dock.ui
    searches = ("sinjar", "البعاج", "rabi'a", "al-", "")

    def step(i):
        start = time.time()
        dock.toggleViewAction().trigger()  # open
        QgsApplication.processEvents()
        ui.searchEdit.setText(searches[i % len(searches)])
        ui.sideCombo.setCurrentIndex(1 + i % 2)
        ui.borderCheck.setChecked(True)
        ui.borderKmSpin.setValue(10 + i % 40)
        ui.gapLayerCombo.setLayer(gap_layer)
        ui.gapCheck.setChecked(True)
        wait_for(lambda: all(task.status() >= 3 for task in dock._gap_tasks) if dock._gap_tasks else True)
        if ui.districtCombo.count() > 1:  # a bundled district (its polygon filters the tab's points)
            ui.districtCombo.setCurrentIndex(1 + i % (ui.districtCombo.count() - 1))
        ui.tabs.setCurrentIndex(1 - ui.tabs.currentIndex())
        shown = dock.current_tab().model.visible_count()
        ui.districtCombo.setCurrentIndex(0)
        ui.gapCheck.setChecked(False)
        ui.borderCheck.setChecked(False)
        ui.sideCombo.setCurrentIndex(0)
        ui.searchEdit.clear()
        dock.toggleViewAction().trigger()  # close
        flush_events()
        ok = dock.isHidden() and shown >= 0
        return ok, time.time() - start, "" if ok else "the dock did not close"

    return step


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=int(os.environ.get("SOAK_RUNS", "200")))
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--limit-mib", type=float, default=20.0)
    parser.add_argument("--only", nargs="*", default=None, help="algorithm ids (or 'dock') to soak")
    parser.add_argument("--json", default="", help="write the figures to this file too")
    args = parser.parse_args(argv)

    app = QgsApplication([], True)
    app.initQgis()
    sys.path.append(os.path.join(app.pkgDataPath(), "python", "plugins"))
    from processing.core.Processing import Processing

    Processing.initialize()
    import border_gaps
    from bg_testing.health_run import expected_health_value
    from border_gaps.processing.provider import algorithm_classes

    iface = SoakInterface()
    plugin = border_gaps.classFactory(iface)
    plugin.initGui()  # as QGIS loads it: provider, toolbar, dock
    iface.mainWindow().show()
    folder = tempfile.mkdtemp(prefix="bg-soak-")
    expected = expected_health_value()
    bundled_before = bundled_digests()
    records = []
    try:
        inputs = DemoInputs(folder)
        wanted = args.only
        algorithms = [f"bordergaps:{cls.ID}" for cls in algorithm_classes()]
        print(f"soak: {args.runs} runs per phase, warm-up {args.warmup}, limit {args.limit_mib:g} MiB", flush=True)
        print(f"soak: RssAnon at start {rss_mib():.1f} MiB", flush=True)
        for alg_id in algorithms:
            if wanted and alg_id not in wanted and alg_id.split(":")[1] not in wanted:
                continue
            alg = QgsApplication.processingRegistry().algorithmById(alg_id)
            params = inputs.parameters(alg)
            record = phase(
                alg_id, args.runs, args.warmup, lambda _i, a=alg_id, p=params: run_like_the_toolbox(a, p), expected
            )
            records.append(record)
            print(_line(record, args.limit_mib), flush=True)
        if not wanted or "dock" in wanted:
            gap_layer = QgsVectorLayer(inputs.sources["gaps"], "Unmonitored gap zones", "ogr")
            QgsProject.instance().addMapLayer(gap_layer)
            record = phase("dock: open, filter, close", args.runs, args.warmup, dock_step(plugin, gap_layer), expected)
            records.append(record)
            print(_line(record, args.limit_mib), flush=True)
            QgsProject.instance().removeMapLayer(gap_layer.id())
    finally:
        plugin.unload()
        shutil.rmtree(folder, ignore_errors=True)
    final_health = interpreter_ok(expected)
    bundled_changed = [name for name, digest in bundled_digests().items() if bundled_before.get(name) != digest]
    passed = (
        bool(records)
        and all(r["failures"] == 0 and not r["health"] and r["rss_growth_mib"] < args.limit_mib for r in records)
        and not final_health
        and not bundled_changed
    )
    print(f"soak: RssAnon at end {rss_mib():.1f} MiB; interpreter after the soak: {final_health or 'healthy'}")
    print(f"soak: bundled GeoPackages {'CHANGED: ' + ', '.join(bundled_changed) if bundled_changed else 'unchanged'}")
    print(f"soak: {'PASS' if passed else 'FAIL'}", flush=True)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump({"passed": passed, "bundled_changed": bundled_changed, "phases": records}, fh, indent=1)
    sys.stdout.flush()
    os._exit(0 if passed else 1)  # QGIS's teardown is not what is measured


def _line(record, limit):
    verdict = "ok" if record["rss_growth_mib"] < limit and not record["failures"] and not record["health"] else "FAIL"
    text = (
        f"  {record['phase']:<32} {record['runs']:>4} runs {record['seconds']:7.1f} s  "
        f"RssAnon {record.get('rss_start_mib', 0):7.1f} → {record['rss_end_mib']:7.1f} MiB "
        f"(+{record['rss_growth_mib']:.1f})  failures {record['failures']}  {verdict}"
    )
    if record["failures"]:
        text += f"\n    first error: {record.get('first_error', '')[:600]}"
    if record["health"]:
        text += f"\n    interpreter: {record['health']}"
    return text


if __name__ == "__main__":
    main()
