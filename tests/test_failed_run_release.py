"""A failed run lets go of what it opened.

QGIS keeps the QgsProcessingException of every failed run of a Python algorithm for the rest of
the session (its processing_exception_handler never releases it), and with it the traceback's
frames and their locals. Border Gaps raises it from a frame holding only the message, so the
algorithm, the bundled layers it opened in prepareAlgorithm and the caller's parameters are
released. Checked both ways QGIS runs an algorithm: processing.run in the calling thread (the
Python console, scripts) and a QgsProcessingAlgRunnerTask in a worker thread (the toolbox).
"""

import gc
import time

import pytest
from qgis import processing
from qgis.core import (
    QgsApplication,
    QgsProcessingAlgRunnerTask,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeedback,
)
from qgis.PyQt.QtCore import QCoreApplication, QEvent
from test_dock_handles import handles_on

from border_gaps.layers.catalogue import BORDER_REGION_GPKG
from border_gaps.processing.borderbands import BorderBandsAlgorithm

# a band text the algorithm refuses after prepareAlgorithm opened the bundled border and countries
BAD = {"SYRIA_BANDS": "10-2", "OUTPUT": "memory:"}


def settle():
    for _ in range(3):
        QCoreApplication.processEvents()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        gc.collect()


def live_instances():
    return sum(1 for obj in gc.get_objects() if isinstance(obj, BorderBandsAlgorithm))


def fail_with_processing_run():
    with pytest.raises(QgsProcessingException) as err:
        processing.run("bordergaps:borderbands", dict(BAD), feedback=QgsProcessingFeedback())
    assert "SYRIA_BANDS" in str(err.value)


def fail_in_a_task():
    alg = QgsApplication.processingRegistry().createAlgorithmById("bordergaps:borderbands")
    context = QgsProcessingContext()
    feedback = QgsProcessingFeedback()
    task = QgsProcessingAlgRunnerTask(alg, dict(BAD), context, feedback)
    outcome = {}
    task.executed.connect(lambda ok, _results: outcome.setdefault("ok", ok))
    QgsApplication.taskManager().addTask(task)
    for _ in range(600):
        if "ok" in outcome:
            break
        QCoreApplication.processEvents()
        time.sleep(0.02)
    assert outcome == {"ok": False}
    del alg, task, context, feedback


@pytest.mark.parametrize("fail", [fail_with_processing_run, fail_in_a_task], ids=["processing.run", "task"])
def test_a_failed_run_keeps_no_handle_on_the_bundled_file_and_no_algorithm(bordergaps_provider, fail):
    settle()
    handles_before = set(handles_on(BORDER_REGION_GPKG))
    instances_before = live_instances()
    for _ in range(3):
        fail()
    settle()
    assert set(handles_on(BORDER_REGION_GPKG)) <= handles_before
    assert live_instances() <= instances_before
