"""Run one algorithm alone, then twice at once in QgsProcessingAlgRunnerTasks, in a QGIS of its own;
print a JSON snapshot of each run. A separate process, so a deadlock is a timeout the test
reports, not a hung test session.

Usage: python -P concurrent_run.py ALG_ID FOLDER
"""

import json
import os
import sys
import time

TESTS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, TESTS_DIR)

from qgis.core import (  # noqa: E402
    QgsApplication,
    QgsProcessingAlgRunnerTask,
    QgsProcessingFeedback,
    QgsVectorLayer,
)


def snapshot(alg, results):
    from bg_testing.algorithm_inputs import output_layer_params

    shot = {}
    for key, value in results.items():
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            shot[key] = round(float(value), 6)
    for name in output_layer_params(alg):
        layer = QgsVectorLayer(results[name], name, "ogr")
        shot[name] = sorted(
            [round(f.geometry().area(), 3), round(f.geometry().length(), 3)] for f in layer.getFeatures()
        )
    return shot


def main(alg_id, folder):
    import faulthandler

    # on a deadlock, every thread's Python stack goes to stderr before the test's timeout
    faulthandler.dump_traceback_later(float(os.environ.get("BG_DUMP_AFTER_S", "75")), exit=True)
    app = QgsApplication([], False)
    app.initQgis()
    sys.path.append(os.path.join(app.pkgDataPath(), "python", "plugins"))
    from processing.core.Processing import Processing

    Processing.initialize()
    from bg_testing.algorithm_inputs import Scenario, new_context, run
    from border_gaps.processing.provider import BorderGapsProvider

    provider = BorderGapsProvider()
    QgsApplication.processingRegistry().addProvider(provider)
    alg = QgsApplication.processingRegistry().algorithmById(alg_id)
    scenario = Scenario(folder)
    report = {"alone": snapshot(alg, run(alg_id, scenario.parameters(alg))), "tasks": []}
    runs = []
    for _ in range(2):  # every parameter built before the tasks start
        runs.append(
            {
                "alg": alg.create(),
                "params": scenario.parameters(alg),
                "context": new_context(),
                # A plain C++ feedback, as Processing's own dialogs use; its textLog() holds any error.
                "feedback": QgsProcessingFeedback(),
                "outcome": {},
            }
        )
    for item in runs:
        item["task"] = QgsProcessingAlgRunnerTask(item["alg"], item["params"], item["context"], item["feedback"])
        item["task"].executed.connect(lambda ok, results, out=item["outcome"]: out.update(ok=ok, results=results))
    for item in runs:
        QgsApplication.taskManager().addTask(item["task"])
    while any("ok" not in item["outcome"] for item in runs):
        QgsApplication.processEvents()
        time.sleep(0.01)
    for item in runs:
        ok = item["outcome"]["ok"]
        report["tasks"].append(
            {
                "ok": ok,
                "errors": [] if ok else [item["feedback"].textLog()],
                "snapshot": snapshot(item["alg"], item["outcome"]["results"]) if ok else None,
            }
        )
    print("REPORT " + json.dumps(report))
    sys.stdout.flush()
    os._exit(0)  # skip exitQgis: the report is out, and teardown is not what is tested here


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
