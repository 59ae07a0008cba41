"""Cancellation at any point leaves no output registered and no temporary file behind; two runs
at once in QgsTasks (QgsProcessingAlgRunnerTask) give the same results as one run alone."""

import json
import os
import subprocess
import sys
import tempfile
import threading
import time

import pytest
from qgis.core import (
    QgsApplication,
    QgsProcessingAlgorithm,
    QgsProcessingAlgRunnerTask,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProcessingUtils,
    QgsVectorLayer,
)

import border_gaps
from bg_testing.algorithm_inputs import Scenario, new_context, output_layer_params, registered_algorithms, run

ALGORITHMS = registered_algorithms()
KNOWN_BUGS = {
    # algorithm id: reason naming the bug; each is listed in the note on issue 9
}


def _params_with_bugs(algorithms):
    return [
        pytest.param(a, marks=[pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[a])] if a in KNOWN_BUGS else [])
        for a in algorithms
    ]


class CancelAfter(QgsProcessingFeedback):
    """Cancels itself at the k-th progress report (k = 0: before the algorithm starts)."""

    def __init__(self, k):
        super().__init__()
        self.k = k
        self.reports = 0
        if k == 0:
            self.cancel()

    def setProgress(self, progress):
        super().setProgress(progress)
        self.reports += 1
        if self.reports >= self.k:
            self.cancel()


def _listing(folder):
    found = set()
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            found.add(os.path.relpath(os.path.join(root, name), folder))
    return found


def _progress_reports(alg_id, params):
    feedback = CancelAfter(10**9)
    run(alg_id, params, feedback=feedback)
    return feedback.reports


@pytest.mark.timeout(120)
@pytest.mark.parametrize("alg_id", _params_with_bugs([a for a, _ in ALGORITHMS]))
def test_cancel_at_any_point_leaves_no_result_and_no_temporary_file(alg_id, tmp_path, monkeypatch, bordergaps_provider):
    alg = QgsApplication.processingRegistry().algorithmById(alg_id)
    scenario = Scenario(tmp_path / "in")
    private_tmp = tmp_path / "tmp"
    private_tmp.mkdir()
    # Python's temporary files of this process go to a folder nobody else writes to
    monkeypatch.setattr(tempfile, "tempdir", str(private_tmp))
    processing_tmp = QgsProcessingUtils.tempFolder()
    reports = _progress_reports(alg_id, scenario.parameters(alg))
    assert reports > 0, f"{alg_id} never reports progress: it cannot be seen to run, nor be canceled"
    points = sorted({0, 1, 2, reports // 2, max(reports - 1, 1)})
    before = (_listing(str(private_tmp)), _listing(processing_tmp))
    for k in points:
        params = scenario.parameters(alg)
        feedback = CancelAfter(k)
        try:
            results = run(alg_id, params, feedback=feedback)
        except QgsProcessingException as err:
            assert "Traceback" not in str(err), f"{alg_id} canceled at report {k}: {err}"
            results = None
        if results is not None and feedback.isCanceled():
            for name in output_layer_params(alg):
                out = results.get(name)
                # a result after a cancel must be complete, never a half-written layer
                if out:
                    complete = run(alg_id, scenario.parameters(alg))
                    a = QgsVectorLayer(out, "a", "ogr")
                    b = QgsVectorLayer(complete[name], "b", "ogr")
                    assert a.isValid() and a.featureCount() == b.featureCount(), (
                        f"{alg_id} canceled at report {k} registered a half-written {name}: {out}"
                    )
        after = (_listing(str(private_tmp)), _listing(processing_tmp))
        assert after[0] == before[0], f"{alg_id} canceled at report {k} left {after[0] - before[0]} in the temp dir"
        assert after[1] == before[1], f"{alg_id} canceled at report {k} left {after[1] - before[1]} in Processing's"


THREADED = [a for a, cls in ALGORITHMS if not (cls().flags() & QgsProcessingAlgorithm.Flag.FlagNoThreading)]


CONCURRENT_RUN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bg_testing", "concurrent_run.py")
DEADLOCK_S = 40
# Each run starts a QGIS of its own, so that a deadlock fails this test instead of hanging the session.
CONCURRENT = list(THREADED)
# Two tasks at once used to hang or crash inside QGIS 3.22's OGR provider when both worker threads
# opened layers of one GeoPackage (B9/B10 on issue 9; QGIS PRs #58337, #66471). The base class now
# opens every input in prepareAlgorithm, in the thread that starts the run: every algorithm must pass.


_LOADERS = (
    "parameterAsSource",
    "parameterAsVectorLayer",
    "parameterAsRasterLayer",
    "parameterAsLayer",
    "parameterAsLayerList",
)


@pytest.mark.timeout(120)
@pytest.mark.parametrize("alg_id", THREADED)
def test_a_task_opens_its_layers_in_the_thread_that_starts_it(alg_id, tmp_path, monkeypatch, bordergaps_provider):
    """Every layer QGIS opens for a run in a background task is opened before the worker thread starts
    (prepareAlgorithm, main thread): the worker only reads features, so two tasks can never be inside
    QGIS's OGR provider set-up at once. Each QGIS loading call is recorded with the thread it ran in."""
    from border_gaps.layers import catalogue

    loads = []

    def recorder(name, original):
        def record(*args, **kwargs):
            loads.append((name, threading.current_thread() is threading.main_thread()))
            return original(*args, **kwargs)

        return record

    for name in _LOADERS:
        monkeypatch.setattr(QgsProcessingAlgorithm, name, recorder(name, getattr(QgsProcessingAlgorithm, name)))
    monkeypatch.setattr(catalogue, "_open", recorder("bundled layer", catalogue._open))
    alg = QgsApplication.processingRegistry().algorithmById(alg_id)
    params = Scenario(tmp_path / "in").parameters(alg)
    context, feedback, outcome = new_context(), QgsProcessingFeedback(), {}
    task = QgsProcessingAlgRunnerTask(alg, params, context, feedback)
    task.executed.connect(lambda ok, results: outcome.update(ok=ok, results=results))
    QgsApplication.taskManager().addTask(task)
    deadline = time.monotonic() + 90
    while "ok" not in outcome and time.monotonic() < deadline:
        QgsApplication.processEvents()
        time.sleep(0.01)
    assert outcome.get("ok"), f"{alg_id} failed in a task: {feedback.textLog()[-2000:]}"
    assert loads, f"{alg_id}: no layer loading was recorded at all (is the recorder wired?)"
    in_worker = sorted({name for name, main in loads if not main})
    assert not in_worker, f"{alg_id} opened layers in the worker thread with {in_worker}"


@pytest.mark.timeout(DEADLOCK_S + 60)
@pytest.mark.parametrize("alg_id", CONCURRENT)
def test_two_runs_at_once_in_tasks_match_a_run_alone(alg_id, tmp_path):
    """In a QGIS process of its own, so that a deadlock fails this test instead of hanging the session."""
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        QGIS_CUSTOM_CONFIG_PATH=str(tmp_path / "profile"),
        PYTHONPATH=os.path.dirname(os.path.dirname(os.path.abspath(border_gaps.__file__))),
        BG_DUMP_AFTER_S=str(DEADLOCK_S - 10),
    )
    try:
        proc = subprocess.run(
            [sys.executable, "-P", CONCURRENT_RUN, alg_id, str(tmp_path / "in")],
            env=env,
            capture_output=True,
            text=True,
            timeout=DEADLOCK_S,
            check=False,
        )
    except subprocess.TimeoutExpired as err:
        pytest.fail(f"{alg_id}: two concurrent runs did not finish in {DEADLOCK_S} s (deadlock?)\n{err.stderr}")
    lines = [line for line in proc.stdout.splitlines() if line.startswith("REPORT ")]
    assert "Timeout (" not in proc.stderr, f"{alg_id}: two concurrent runs deadlocked:\n{proc.stderr[-4000:]}"
    assert lines, f"{alg_id}: no report (exit {proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    report = json.loads(lines[-1][len("REPORT ") :])
    for task in report["tasks"]:
        assert task["ok"], f"{alg_id}: a concurrent run failed: {task['errors']}"
        assert task["snapshot"] == report["alone"]
