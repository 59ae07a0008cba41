"""The report of a script run INSIDE the real QGIS application (``qgis --code``; run_qgis in
tests/bg_testing/qgis_runner.py puts this folder on that QGIS's PYTHONPATH): named checks and
errors, written to BG_OUT/report.json by finish(), which ends QGIS with 0 (all passed) or 1."""

import json
import os

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
