"""The soak run (`make soak`, not part of `make test`): one QGIS process, with the plugin loaded as
QGIS loads it, runs every Border Gaps algorithm RUNS times on the bundled demo scenario the way the
Processing toolbox does (a QgsProcessingAlgRunnerTask in the task manager, the context of
Processing's own dialogs, its invalid-feature setting, outputs loaded into the project with our
style post-processors, then removed), and opens, filters and closes the Border region dock RUNS
times. The algorithms are the ones the provider registers (a new one is soaked with no edit here),
on the demo scenario, or on the test scenario of tests/bg_testing when the demo lacks an input it
needs. After each phase's warm-up the resident memory (RssAnon, see rss_mib) may grow by less than
LIMIT MiB; the interpreter is checked (bytecode-heavy loop, gc.collect()) every 10 runs and at the
end; the file handles (/proc/self/fd) and threads open after the phase are compared with those
before it (a handle left open on a GeoPackage locks the analyst's file on Windows).

Usage: python -P scripts/soak.py [--runs 200] [--warmup 20] [--limit-mib 20] [--phase-seconds S]
       [--only ALG ...] [--json PATH] [--trace ALG]
SOAK_RUNS and SOAK_PHASE_SECONDS set --runs and --phase-seconds. --phase-seconds ends a phase after
that long (at least warm-up + 10 runs); the figures then say how many runs it did.
--trace ALG takes tracemalloc snapshots of ALG's phase after its warm-up and at its end and prints
what grew (Python objects) beside RssAnon (Python and native).
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
import threading
import time
import tracemalloc

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests"))  # bg_testing: scenario builder, interface, health loop
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from qgis.core import (  # noqa: E402
    QgsApplication,
    QgsFeatureRequest,
    QgsProcessingAlgRunnerTask,
    QgsProcessingFeedback,
    QgsProcessingParameterDefinition,
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

    def parameters_for(self, alg, run):
        """(parameters, 'demo' or 'test scenario'): the demo's, unless it lacks an input the
        algorithm requires or one run on it fails; then those of tests/bg_testing's scenario (its
        layers, DEM and gaps), so that an algorithm added later is soaked with no edit here."""
        try:
            params = self.parameters(alg)
        except AssertionError:  # a required input the demo has none of
            params = None
        if params is not None:
            ok, _seconds, _error = run(alg.id(), params)
            if ok:
                return params, "demo"
        params = self.scenario.parameters(alg)
        for definition in alg.destinationParameterDefinitions():
            params[definition.name()] = "TEMPORARY_OUTPUT"
        return params, "test scenario"

    def parameters(self, alg):
        params = self.scenario.parameters(alg, layer_source=self.source)
        for key, value in list(params.items()):  # optional layers the demo has none of
            if isinstance(value, list):
                value = [v for v in value if v is not None]
                params[key] = value
            if value is None or value == []:
                del params[key]
        for definition in alg.parameterDefinitions():  # an optional DEM the demo runs without (make demo)
            optional = definition.flags() & QgsProcessingParameterDefinition.Flag.FlagOptional
            if optional and definition.type() == "raster":
                params.pop(definition.name(), None)
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


def open_fds():
    """{fd: what it points at} of this process's open file descriptors (Linux /proc)."""
    fds = {}
    try:
        names = os.listdir("/proc/self/fd")
    except OSError:
        return fds
    for name in names:
        try:
            fds[int(name)] = os.readlink(f"/proc/self/fd/{name}")
        except OSError:
            pass  # the descriptor listdir itself used, closed again
    return fds


def native_threads():
    """Threads of this process (all of them, Qt's and GDAL's too; /proc/self/status)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Threads:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return threading.active_count()


def _handles(record, key, fds):
    record[f"fds_{key}"] = len(fds)
    record[f"threads_{key}"] = native_threads()
    record[f"python_threads_{key}"] = threading.active_count()


def phase(name, runs, warmup, step, expected, seconds_limit=0.0, trace=False):
    """Runs ``step`` ``runs`` times (or until ``seconds_limit`` has passed, after at least warm-up
    + 10 runs); RssAnon, file handles and threads before, after ``warmup`` runs and at the end."""
    record = {"phase": name, "runs": 0, "runs_asked": runs, "failures": 0, "health": "", "seconds": 0.0}
    rss = []
    flush_events()
    fds_before = open_fds()
    _handles(record, "before", fds_before)
    record["rss_before_mib"] = rss_mib()
    snapshots = []
    started = time.time()
    for i in range(runs):
        ok, seconds, error = step(i)
        record["runs"] = i + 1
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
            _handles(record, "warm", open_fds())
            if trace:
                tracemalloc.start(25)
                snapshots.append(tracemalloc.take_snapshot())
        if (i + 1) % 20 == 0 or i + 1 == runs:
            rss.append(round(rss_mib(), 1))
        if seconds_limit and i + 1 >= warmup + 10 and time.time() - started > seconds_limit:
            break
    if trace and snapshots:
        snapshots.append(tracemalloc.take_snapshot())
        record["tracemalloc"] = _trace_report(snapshots[0], snapshots[1])
        tracemalloc.stop()
    # the interpreter after the whole phase: a plain loop and gc.collect() once more
    health = interpreter_ok(expected)
    if health and not record["health"]:
        record["health"] = f"after the phase: {health}"
    flush_events()
    record["rss_end_mib"] = rss_mib()
    record.setdefault("rss_start_mib", record["rss_end_mib"])
    record["rss_growth_mib"] = record["rss_end_mib"] - record["rss_start_mib"]
    after_warmup = record["runs"] - min(warmup, record["runs"])
    record["per_run_kib"] = record["rss_growth_mib"] * 1024 / after_warmup if after_warmup else 0.0
    record["rss_samples_mib"] = rss
    record["wall_seconds"] = time.time() - started
    fds_after = _settled_fds(fds_before, record)
    _handles(record, "after", fds_after)
    record["fds_left_open"] = sorted(_new_handles(fds_before, fds_after))
    record["fds_cached_by_libraries"] = sorted(
        target for fd, target in fds_after.items() if fds_before.get(fd) != target and _library_cache(target)
    )
    return record


#: QGIS keeps a released OGR (or PostgreSQL, SpatiaLite) connection in its pool and closes it once it
#: has been idle for 60 s, on a timer ticking every 60 s (src/core/qgsconnectionpool.h,
#: CONN_POOL_EXPIRATION_TIME): a handle still open that long after a phase is left open for good.
POOL_EXPIRY_SECONDS = 125


def _new_handles(fds_before, fds_after):
    return [
        target
        for fd, target in fds_after.items()
        if fds_before.get(fd) != target and not target.startswith("anon_inode") and not _library_cache(target)
    ]


def _settled_fds(fds_before, record):
    """The open handles once QGIS's connection pools have closed what they keep idle: waits (Qt's
    event loop running, as in QGIS) at most POOL_EXPIRY_SECONDS while new handles remain."""
    fds_after = open_fds()
    started = time.time()
    while _new_handles(fds_before, fds_after) and time.time() - started < POOL_EXPIRY_SECONDS:
        flush_events()
        time.sleep(0.5)
        fds_after = open_fds()
    if time.time() - started > 1:
        record["fds_pool_wait_seconds"] = round(time.time() - started, 1)
    return fds_after


def _library_cache(target):
    """A read-only file of a library's own installation that the library keeps open once per process:
    matplotlib's font cache holds each font it drew with (the incidents trend chart's DejaVu Sans).
    Neither the analyst's data nor the plugin's, so it locks nothing of theirs; reported, not failed."""
    try:
        import matplotlib
    except ImportError:
        return False
    return os.path.realpath(target).startswith(os.path.realpath(matplotlib.get_data_path()) + os.sep)


def _trace_report(first, last, top=12):
    """What Python allocated between two snapshots and still holds: the total, and the source
    lines (with the plugin's or QGIS's frame nearest to them) that grew most."""
    stats = last.compare_to(first, "traceback")
    grown = sum(stat.size_diff for stat in stats)
    lines = []
    for stat in sorted(stats, key=lambda s: s.size_diff, reverse=True)[:top]:
        frames = [f"{os.path.basename(f.filename)}:{f.lineno}" for f in stat.traceback][-4:]
        lines.append(f"{stat.size_diff / 1024:+8.1f} KiB {stat.count_diff:+6d} blocks  {' < '.join(reversed(frames))}")
    return {"python_growth_mib": grown / 2**20, "top": lines}


def _task_done(task):
    """A task ended, or deleted by QGIS's task manager once it ended (its wrapper then raises)."""
    try:
        return task.status() in (task.TaskStatus.Complete, task.TaskStatus.Terminated)
    except RuntimeError:
        return True


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
        wait_for(lambda: all(_task_done(task) for task in dock._gap_tasks))
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


def soaked_algorithms():
    """The ids of the algorithms the Border Gaps provider registers, in its order."""
    provider = QgsApplication.processingRegistry().providerById("bordergaps")
    return [alg.id() for alg in provider.algorithms()]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=int(os.environ.get("SOAK_RUNS", "200")))
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--limit-mib", type=float, default=20.0)
    parser.add_argument(
        "--phase-seconds", type=float, default=float(os.environ.get("SOAK_PHASE_SECONDS", "0")), help="0: no limit"
    )
    parser.add_argument("--only", nargs="*", default=None, help="algorithm ids (or 'dock') to soak")
    parser.add_argument("--skip", nargs="*", default=(), help="algorithm ids (or 'dock') to leave out")
    parser.add_argument("--trace", nargs="*", default=(), help="algorithm ids to trace with tracemalloc")
    parser.add_argument("--json", default="", help="write the figures to this file too")
    args = parser.parse_args(argv)

    app = QgsApplication([], True)
    app.initQgis()
    sys.path.append(os.path.join(app.pkgDataPath(), "python", "plugins"))
    from processing.core.Processing import Processing

    Processing.initialize()
    from qgis.core import Qgis

    import border_gaps
    from bg_testing.health_run import expected_health_value

    iface = SoakInterface()
    plugin = border_gaps.classFactory(iface)
    plugin.initGui()  # as QGIS loads it: provider, toolbar, dock
    iface.mainWindow().show()
    folder = tempfile.mkdtemp(prefix="bg-soak-")
    expected = expected_health_value()
    bundled_before = bundled_digests()
    records = []

    def chosen(name):
        short = name.split(":")[-1]
        if name in args.skip or short in args.skip:
            return False
        return not args.only or name in args.only or short in args.only

    try:
        print("soak: preparing the inputs", flush=True)
        inputs = DemoInputs(folder)
        print(
            f"soak: QGIS {Qgis.QGIS_VERSION}, Python {sys.version.split()[0]}, {os.cpu_count()} cores, "
            f"load {os.getloadavg()[0]:.1f}; {args.runs} runs per phase, warm-up {args.warmup}, "
            f"limit {args.limit_mib:g} MiB"
            + (f", at most {args.phase_seconds:g} s a phase" if args.phase_seconds else ""),
            flush=True,
        )
        print(f"soak: RssAnon at start {rss_mib():.1f} MiB", flush=True)
        for alg_id in soaked_algorithms():
            if not chosen(alg_id):
                continue
            alg = QgsApplication.processingRegistry().algorithmById(alg_id)
            print(f"  {alg_id}: ...", end="\r", flush=True)
            params, origin = inputs.parameters_for(alg, run_like_the_toolbox)
            record = phase(
                alg_id,
                args.runs,
                args.warmup,
                lambda _i, a=alg_id, p=params: run_like_the_toolbox(a, p),
                expected,
                args.phase_seconds,
                trace=alg_id in args.trace or alg_id.split(":")[-1] in args.trace,
            )
            record["inputs"] = origin
            records.append(record)
            print(_line(record, args.limit_mib), flush=True)
        if chosen("dock"):
            gap_layer = QgsVectorLayer(inputs.sources["gaps"], "Unmonitored gap zones", "ogr")
            QgsProject.instance().addMapLayer(gap_layer)
            record = phase(
                "dock: open, filter, close",
                args.runs,
                args.warmup,
                dock_step(plugin, gap_layer),
                expected,
                args.phase_seconds,
                trace="dock" in args.trace,
            )
            record["inputs"] = "demo"
            records.append(record)
            print(_line(record, args.limit_mib), flush=True)
            QgsProject.instance().removeMapLayer(gap_layer.id())
    finally:
        plugin.unload()
        shutil.rmtree(folder, ignore_errors=True)
    final_health = interpreter_ok(expected)
    bundled_changed = [name for name, digest in bundled_digests().items() if bundled_before.get(name) != digest]
    passed = bool(records) and all(_passed(r, args.limit_mib) for r in records) and not final_health
    passed = passed and not bundled_changed
    print(f"soak: RssAnon at end {rss_mib():.1f} MiB; interpreter after the soak: {final_health or 'healthy'}")
    print(f"soak: bundled GeoPackages {'CHANGED: ' + ', '.join(bundled_changed) if bundled_changed else 'unchanged'}")
    print(_table(records))
    print(f"soak: {'PASS' if passed else 'FAIL'}", flush=True)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            meta = {"qgis": Qgis.QGIS_VERSION, "python": sys.version.split()[0], "cores": os.cpu_count()}
            json.dump(
                {"passed": passed, "bundled_changed": bundled_changed, "meta": meta, "phases": records}, fh, indent=1
            )
    sys.stdout.flush()
    os._exit(0 if passed else 1)  # QGIS's teardown is not what is measured


def _passed(record, limit):
    return (
        record["failures"] == 0
        and not record["health"]
        and record["rss_growth_mib"] < limit
        and not record["fds_left_open"]
    )


def _line(record, limit):
    verdict = "ok" if _passed(record, limit) else "FAIL"
    text = (
        f"  {record['phase']:<32} {record['runs']:>4} runs {record['seconds']:7.1f} s "
        f"({record['wall_seconds']:.0f} s wall)  "
        f"RssAnon {record.get('rss_start_mib', 0):7.1f} → {record['rss_end_mib']:7.1f} MiB "
        f"({record['rss_growth_mib']:+.1f}, {record['per_run_kib']:+.1f} KiB/run)  "
        f"fds {record['fds_before']}→{record['fds_after']}  "
        f"threads {record['threads_before']}→{record['threads_after']}  "
        f"failures {record['failures']}  {verdict}"
    )
    if record["failures"]:
        text += f"\n    first error: {record.get('first_error', '')[:600]}"
    if record["health"]:
        text += f"\n    interpreter: {record['health']}"
    if record["fds_left_open"]:
        text += f"\n    left open: {', '.join(record['fds_left_open'][:10])}"
    if record.get("fds_pool_wait_seconds"):
        text += f"\n    waited {record['fds_pool_wait_seconds']} s for QGIS's connection pools to close idle handles"
    if record.get("fds_cached_by_libraries"):
        text += f"\n    kept open by a library's cache (not failed): {', '.join(record['fds_cached_by_libraries'])}"
    if "tracemalloc" in record:
        trace = record["tracemalloc"]
        text += f"\n    tracemalloc, after the warm-up to the end: Python {trace['python_growth_mib']:+.2f} MiB"
        text += "".join(f"\n      {line}" for line in trace["top"])
    text += f"\n    RssAnon every 20 runs: {record['rss_samples_mib']}"
    return text


def _table(records):
    """The figures as the README's Markdown table."""
    rows = [
        "| Phase | Runs | RssAnon after warm-up → end (MiB) | Growth (MiB) | Per run (KiB) "
        "| File handles | Threads | Interpreter |",
        "|---|---:|---|---:|---:|---|---|---|",
    ]
    for r in records:
        rows.append(
            f"| {r['phase'].replace('bordergaps:', '')} | {r['runs']} "
            f"| {r['rss_start_mib']:.1f} → {r['rss_end_mib']:.1f} "
            f"| {r['rss_growth_mib']:+.1f} | {r['per_run_kib']:+.1f} | {r['fds_before']} → {r['fds_after']} "
            f"| {r['threads_before']} → {r['threads_after']} | {'healthy' if not r['health'] else 'CORRUPTED'} |"
        )
    return "\n".join(rows)


if __name__ == "__main__":
    main()
