"""Qt6 / QGIS 4 readiness: no unscoped enum, exec_() or PyQt5 import in the code the ZIP ships.

The check is scripts/qt6_check.py (what QGIS's plugin repository flags with its pyqt5_to_pyqt6
migration script), run against the enums of the QGIS and PyQt bindings of this test run.
"""

import importlib.util
import os
import sys
import textwrap

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture(scope="module")
def qt6_check():
    spec = importlib.util.spec_from_file_location("qt6_check", os.path.join(ROOT, "scripts", "qt6_check.py"))
    module = importlib.util.module_from_spec(spec)
    sys.modules["qt6_check"] = module
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop("qt6_check", None)


@pytest.fixture(scope="module")
def bindings(qt6_check):
    return qt6_check.Bindings()


def test_shipped_code_is_qt6_ready(qt6_check, bindings):
    paths = qt6_check.shipped_files()
    assert any(p.endswith(os.path.join("processing", "gapzones.py")) for p in paths), paths
    assert any(p.endswith("plugin.py") for p in paths)
    findings, _ = qt6_check.scan_files(paths, bindings)
    errors = [str(f) for f in findings if f.error]
    assert not errors, "run `make qt6-fix` (scripts/qt6_check.py --fix):\n" + "\n".join(errors)


SAMPLE = textwrap.dedent(
    """
    from PyQt5.QtWidgets import QDialog
    from qgis.core import Qgis, QgsCoordinateTransform, QgsFeatureSink, QgsProcessing, QgsProcessingAlgorithm
    from qgis.PyQt.QtCore import Qt
    from qgis.PyQt.QtWidgets import QSizePolicy


    class Alg(QgsProcessingAlgorithm):
        OUTPUT = "OUTPUT"

        def flags(self):
            return self.FlagNoThreading


    def values():
        label = "قرية"; role = Qt.UserRole  # a rewrite after Arabic text on the same line
        return [
            QgsProcessing.TypeVectorPolygon,
            QgsFeatureSink.FastInsert,
            Qgis.Critical,
            Qt.AlignLeft,
            QSizePolicy.Expanding,
            QgsCoordinateTransform.ReverseTransform,
            Alg.FlagCanCancel,
            Alg().flags(),
            Alg.OUTPUT,
            Qt.AlignmentFlag.AlignRight,
            role,
            label,
        ]


    def show(dialog):
        return dialog.exec_()
    """
)


def test_finds_each_kind_and_fixes_to_the_same_values(qt6_check, bindings, tmp_path):
    path = tmp_path / "sample.py"
    path.write_text(SAMPLE, encoding="utf-8")
    findings, _ = qt6_check.scan_files([str(path)], bindings)
    found = {f.text for f in findings if f.error}
    # 11 errors: every unscoped use, the PyQt5 import and exec_(); the scoped ones and OUTPUT are not flagged
    assert found == {
        "from PyQt5.QtWidgets import",
        "self.FlagNoThreading",
        "Qt.UserRole",
        "QgsProcessing.TypeVectorPolygon",
        "QgsFeatureSink.FastInsert",
        "Qgis.Critical",
        "Qt.AlignLeft",
        "QSizePolicy.Expanding",
        "QgsCoordinateTransform.ReverseTransform",
        "Alg.FlagCanCancel",
        "dialog.exec_()",
    }, found
    before = _values(path)

    findings, changed = qt6_check.scan_files([str(path)], bindings, fix=True)
    assert changed == [str(path)]
    fixed = path.read_text(encoding="utf-8")
    for scoped in (
        "QgsProcessing.SourceType.TypeVectorPolygon",
        "QgsFeatureSink.Flag.FastInsert",
        "Qgis.MessageLevel.Critical",
        "Qt.AlignmentFlag.AlignLeft",
        "QSizePolicy.Policy.Expanding",
        "Qgis.TransformDirection.Reverse",  # the enum QgsCoordinateTransform only aliases on 3.22
        "self.Flag.FlagNoThreading",
        "Alg.Flag.FlagCanCancel",
        'label = "قرية"; role = Qt.ItemDataRole.UserRole',
        "from qgis.PyQt.QtWidgets import QDialog",
        "dialog.exec()",
    ):
        assert scoped in fixed, (scoped, fixed)
    assert _values(path) == before  # the same enum values, scoped or not

    findings, changed = qt6_check.scan_files([str(path)], bindings, fix=True)
    assert changed == [] and not [f for f in findings if f.error]  # idempotent
    assert path.read_text(encoding="utf-8") == fixed


def _values(path):
    namespace = {}
    exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), namespace)
    return [(type(v).__name__, getattr(v, "value", v if isinstance(v, str) else int(v))) for v in namespace["values"]()]


def test_qvariant_field_types_become_qmetatype_where_compat_takes_them(qt6_check, bindings, tmp_path):
    """Qt 6 has no QVariant.String: rewritten where analysis.compat.new_field() / fields_of() turn
    it into what the running QGIS takes; a QgsField(name, QVariant.X) is reported, not rewritten
    (QgsField takes no QMetaType.Type before QGIS 3.38)."""
    path = tmp_path / "fields.py"
    path.write_text(
        "from qgis.core import QgsField\n"
        "from qgis.PyQt.QtCore import QVariant\n"
        "from border_gaps.analysis.compat import new_field\n"
        "from border_gaps.processing.base import fields_of\n\n\n"
        "def schema():\n"
        "    return fields_of(('name', QVariant.String), ('n', QVariant.Int)), new_field('d', QVariant.Date)\n\n\n"
        "def direct():\n"
        "    return QgsField('x', QVariant.Double), QVariant()\n",
        encoding="utf-8",
    )
    findings, _ = qt6_check.scan_files([str(path)], bindings)
    assert {(f.line, f.text, f.fix) for f in findings if f.kind == "qvariant-type"} == {
        (8, "QVariant.String", "QMetaType.Type.QString"),
        (8, "QVariant.Int", "QMetaType.Type.Int"),
        (8, "QVariant.Date", "QMetaType.Type.QDate"),
        (12, "QVariant.Double: no such name in Qt 6 (QMetaType.Type.Double through analysis.compat.new_field)", None),
    }
    assert all(f.error for f in findings)
    findings, _ = qt6_check.scan_files([str(path)], bindings, qvariant_warnings=True)
    assert [f.kind for f in findings if not f.error] == ["qvariant-type"]

    qt6_check.scan_files([str(path)], bindings, fix=True)
    fixed = path.read_text(encoding="utf-8")
    assert "fields_of(('name', QMetaType.Type.QString), ('n', QMetaType.Type.Int))" in fixed
    assert "new_field('d', QMetaType.Type.QDate)" in fixed and "QgsField('x', QVariant.Double), NULL" in fixed
    assert "from qgis.core import NULL, QgsField\n" in fixed  # the imports the rewrites need
    assert "from qgis.PyQt.QtCore import QMetaType, QVariant\n" in fixed
    # the same type ids: what compat.field_type turns into QVariant.Type on QGIS < 3.38
    from qgis.PyQt.QtCore import QMetaType, QVariant

    assert [int(QMetaType.Type.QString), int(QMetaType.Type.QDate)] == [int(QVariant.String), int(QVariant.Date)]
