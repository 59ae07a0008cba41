"""Every algorithm on awkward inputs (NULL and empty geometries, multi-part, curved, Z/M, invalid
polygons and lines) leaves the Python interpreter healthy, under each of Processing's
invalid-feature settings, and writes only valid geometries.

Issue 21: with Processing's default setting ("stop the algorithm" at an invalid feature), QGIS's
check threw a C++ exception from inside our feature loops, which unwound through the Python
interpreter: the run ended with an ordinary error, and the next Python code in that process failed
with ``SystemError: unknown opcode`` or a segfault (see analysis/inputs.py:iter_features). Each
algorithm runs in a QGIS process of its own (bg_testing/health_run.py), so such a crash fails its
test instead of ending the session.
"""

import json
import os
import subprocess
import sys

import pytest

import border_gaps
from bg_testing.algorithm_inputs import registered_algorithms

HERE = os.path.dirname(os.path.abspath(__file__))
RUNNER = os.path.join(HERE, "bg_testing", "health_run.py")


def run_health(alg_id, folder, timeout=300):
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["PYTHONFAULTHANDLER"] = "1"
    env["PYTHONPATH"] = os.path.dirname(os.path.dirname(os.path.abspath(border_gaps.__file__)))
    proc = subprocess.run(
        [sys.executable, "-P", RUNNER, alg_id, str(folder)],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    lines = [line for line in proc.stdout.splitlines() if line.startswith("REPORT ")]
    report = json.loads(lines[-1][len("REPORT ") :]) if lines else None
    return proc, report


def _summary(proc):
    tail = (proc.stdout[-3000:] + "\n--- stderr ---\n" + proc.stderr[-4000:]).strip()
    return f"exit code {proc.returncode}\n{tail}"


@pytest.mark.timeout(360)
@pytest.mark.parametrize("alg_id", [a for a, _ in registered_algorithms()])
def test_awkward_inputs_leave_the_interpreter_healthy(alg_id, tmp_path):
    proc, report = run_health(alg_id, tmp_path)
    assert proc.returncode == 0 and report is not None, f"{alg_id}: the QGIS process crashed\n{_summary(proc)}"
    assert not report["inputs_changed"], f"{alg_id} modified input files: {report['inputs_changed']}"
    for item in report["runs"]:
        where = f"{alg_id} [{item['variant']}, {item['check']}]"
        assert not item["health"], f"{where}: interpreter corrupted after the run: {item['health']}"
        first, again = item["first"], item["again"]
        if first["outcome"] == "error":
            message = first["message"]
            assert "Traceback" not in message and "SystemError" not in message, f"{where}: {message}"
            # QGIS's own invalid-feature check must never be what stops one of our algorithms: we
            # repair (makeValid) or skip, and count, every feature ourselves
            assert "invalid geometry" not in message.lower(), f"{where}: QGIS's check stopped the run: {message}"
            assert again == first, f"{where}: a second run gave another outcome: {again}"
            continue
        assert again["outcome"] == "ok", f"{where}: first run succeeded, the second failed: {again}"
        assert again["numbers"] == first["numbers"], f"{where}: numbers changed between runs"
        for name, out in first["outputs"].items():
            assert "error" not in out, f"{where}: {out['error']}"
            assert not out["problems"], f"{where}: {name} has invalid or empty geometries: {out['problems']}"
    # the awkward features are repaired or skipped: with the odd layers every algorithm still works
    odd = [item for item in report["runs"] if item["variant"] == "odd"]
    assert all(item["first"]["outcome"] == "ok" for item in odd), [
        (item["check"], item["first"].get("message")) for item in odd if item["first"]["outcome"] != "ok"
    ]
    # every district of one force without a geometry: an error naming the problem, the same each time
    for item in report["runs"]:
        if item["variant"] == "one_force_null":
            assert item["first"]["outcome"] == "error", f"{alg_id}: a force without districts gave a result"
            assert "no geometry" in item["first"]["message"] or "geometr" in item["first"]["message"]
