"""Run one algorithm on awkward inputs (bg_testing.odd_inputs) in a QGIS of its own and check the
Python interpreter after each run; print one JSON report line. A separate process, so that a
corrupted interpreter or a crash fails the test that started it instead of ending the session.

Each case runs under each of Processing's invalid-feature settings (the toolbox's default stops
the algorithm at an invalid feature: the setting under which QGIS's check used to throw through
our feature loops). After each run: a bytecode-heavy loop compiled afresh, gc.collect(), and the
same run again, which must give the same outcome.

Usage: python -P health_run.py ALG_ID FOLDER
"""

import faulthandler
import gc
import json
import os
import sys

TESTS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, TESTS_DIR)

from qgis.core import (  # noqa: E402
    QgsApplication,
    QgsFeatureRequest,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProcessingParameterDefinition,
    QgsVectorLayer,
)

CHECKS = {
    "abort_on_invalid": QgsFeatureRequest.InvalidGeometryCheck.GeometryAbortOnInvalid,
    "skip_invalid": QgsFeatureRequest.InvalidGeometryCheck.GeometrySkipInvalid,
    "no_check": QgsFeatureRequest.InvalidGeometryCheck.GeometryNoCheck,
}

# Many different opcodes: loops, closures, comprehensions, generators, try/except, with, classes,
# f-strings, unpacking, slicing. Compiled afresh each time, so fresh code objects run too.
HEALTH_SOURCE = """
import math
class Acc:
    def __init__(self):
        self.total = 0
    def __enter__(self):
        return self
    def __exit__(self, *exc):
        return False
    def add(self, value):
        self.total += value
def gen(n):
    for i in range(n):
        yield i * i % 97
def run():
    with Acc() as acc:
        for i in range(20000):
            a, *rest = (i, i + 1, i + 2)
            try:
                if i % 7 == 0:
                    raise ValueError(i)
                acc.add(a + rest[-1])
            except ValueError as err:
                acc.add(-err.args[0] // 7)
        squares = {k: v for k, v in zip(range(200), gen(200)) if v % 2}
        words = [f"{k:03d}-{v}" for k, v in sorted(squares.items())][::3]
        scale = (lambda x: lambda y: x * y)(3)
        acc.add(sum(map(scale, squares.values())) + len("".join(words)) + int(math.sqrt(144)))
    return acc.total
result = run()
"""


def expected_health_value():
    """The health loop's result, computed by plain arithmetic (no interpreter corruption possible
    to share): sum over i of (i + i + 2) for i not divisible by 7, minus i // 7 for the others,
    plus 3 × the odd squares mod 97 over 0..199, plus the length of the joined words, plus 12."""
    total = 0
    for i in range(20000):
        total += (-(i // 7)) if i % 7 == 0 else 2 * i + 2
    squares = {k: k * k % 97 for k in range(200) if (k * k % 97) % 2}
    words = [f"{k:03d}-{v}" for k, v in sorted(squares.items())][::3]
    return total + 3 * sum(squares.values()) + len("".join(words)) + 12


def interpreter_check(expected):
    namespace = {}
    exec(compile(HEALTH_SOURCE, "<health>", "exec"), namespace)  # noqa: S102 (our own constant)
    unreachable = gc.collect()
    if namespace["result"] != expected:
        return f"health loop gave {namespace['result']}, expected {expected}"
    return "" if unreachable >= 0 else "gc.collect failed"


def outputs_report(alg, results):
    from bg_testing.algorithm_inputs import output_layer_params
    from bg_testing.odd_inputs import geometry_problems

    report = {}
    for name in output_layer_params(alg):
        value = results.get(name)
        layer = QgsVectorLayer(value, name, "ogr") if isinstance(value, str) else value
        if layer is None or not layer.isValid():
            report[name] = {"error": f"output {value!r} cannot be opened"}
            continue
        report[name] = {"features": layer.featureCount(), "problems": geometry_problems(layer)}
    return report


def numbers(results):
    return {k: round(v, 6) for k, v in results.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}


def run_once(alg, alg_id, scenario, check):
    from bg_testing.algorithm_inputs import new_context, run

    context = new_context()
    context.setInvalidGeometryCheck(CHECKS[check])
    feedback = QgsProcessingFeedback()
    params = scenario.parameters(alg)
    try:
        results = run(alg_id, params, feedback=feedback, context=context)
    except QgsProcessingException as err:
        return {"outcome": "error", "message": str(err)}
    return {"outcome": "ok", "numbers": numbers(results), "outputs": outputs_report(alg, results)}


def main(alg_id, folder):
    faulthandler.enable()
    faulthandler.dump_traceback_later(float(os.environ.get("BG_DUMP_AFTER_S", "240")), exit=True)
    app = QgsApplication([], False)
    app.initQgis()
    sys.path.append(os.path.join(app.pkgDataPath(), "python", "plugins"))
    from processing.core.Processing import Processing

    Processing.initialize()
    from bg_testing.odd_inputs import OddScenario
    from border_gaps.processing.provider import BorderGapsProvider

    provider = BorderGapsProvider()
    QgsApplication.processingRegistry().addProvider(provider)
    alg = QgsApplication.processingRegistry().algorithmById(alg_id)
    expected = expected_health_value()
    report = {"runs": []}
    variants = [("odd", None)]
    if any(
        p.name() == "CONTROL_AREAS" and not p.flags() & QgsProcessingParameterDefinition.Flag.FlagOptional
        for p in alg.parameterDefinitions()
    ):
        # the districts are what the algorithm is about: one force with none is an error
        variants.append(("one_force_null", "one_force_null"))
    for variant, control in variants:
        scenario = OddScenario(os.path.join(folder, variant), control_variant=control)
        before = scenario.checksums()
        for check in CHECKS:
            first = run_once(alg, alg_id, scenario, check)
            health = interpreter_check(expected)
            again = run_once(alg, alg_id, scenario, check)
            health_again = interpreter_check(expected)
            report["runs"].append(
                {
                    "variant": variant,
                    "check": check,
                    "first": first,
                    "again": again,
                    "health": health or health_again,
                }
            )
            print(f"PROGRESS {variant} {check} {first['outcome']}", flush=True)
        report.setdefault("inputs_changed", []).extend(
            path for path, digest in scenario.checksums().items() if before.get(path) != digest
        )
    print("REPORT " + json.dumps(report), flush=True)
    os._exit(0)  # the report is out; QGIS's teardown is not what is tested here


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
