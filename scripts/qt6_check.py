"""Qt6 / QGIS 4 readiness of the plugin's Python code: a scanner and an in-place fixer.

QGIS's plugin repository runs QGIS's migration script (``scripts/pyqt5_to_pyqt6`` in the QGIS
source) over every upload and marks a plugin "not compatible" on any line it would rewrite. This
script finds the same things in our code, checked against the enums of the QGIS and PyQt bindings
it runs under, and with ``--fix`` rewrites them in place:

* unscoped enum members (``QgsProcessing.TypeVectorPolygon``, ``Qgis.Critical``,
  ``Qt.AlignLeft``, ``QSizePolicy.Expanding``, ``self.FlagNoThreading`` in a subclass ...) become
  scoped (``QgsProcessing.SourceType.TypeVectorPolygon`` ...), but only where the scoped form gives
  the same value on the running QGIS; otherwise the use is reported and left alone;
* enum members Qt 6 renamed (``Qt.MidButton`` ...), ``exec_()`` and ``def exec_``, ``qApp``,
  ``from PyQt5...`` / ``import sip`` imports, ``QVariant()`` as NULL;
* QVariant field types (``QVariant.String``): Qt 6 has no QVariant type enum, so QGIS 4 fails on
  them (the migration script rewrites them to ``QMetaType.Type`` only in its QGIS-3-incompatible
  mode). Rewritten to ``QMetaType.Type.QString`` ... where they go into ``new_field()``,
  ``fields_of()`` or ``field_type()`` (analysis/compat.py turns them into what the running QGIS
  takes, QVariant.Type up to 3.36); anywhere else reported (``--qvariant-warnings``: as warnings).

Reported, never rewritten: what the migration script only warns about (QRegExp, resources_rc,
``fontMetrics().width``, ``activated[str]``, ``desktop()``, ``addAction`` with 4+ arguments), and
dotted QGIS/Qt names this QGIS lacks (newer APIs behind a hasattr() guard, or a misspelt scope).

Idempotent: a second ``--fix`` changes nothing. Exit status 0 when no error remains, 1 otherwise.

Usage (PyQGIS must be importable, e.g. the project's .venv):
    python -P scripts/qt6_check.py [--fix] [--all] [--qvariant-warnings] [PATH ...]
PATH defaults to the files ``make package`` ships; ``--all`` adds tests/, benchmarks/, scripts/.
"""

from __future__ import annotations

import argparse
import ast
import enum
import importlib
import os
import runpy
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEV_DIRS = ("tests", "benchmarks", "scripts")

BINDING_MODULES = (
    "qgis.core",
    "qgis.gui",
    "qgis.analysis",
    "qgis.PyQt.QtCore",
    "qgis.PyQt.QtGui",
    "qgis.PyQt.QtWidgets",
    "qgis.PyQt.QtNetwork",
    "qgis.PyQt.QtXml",
    "qgis.PyQt.QtSvg",
    "qgis.PyQt.QtPrintSupport",
    "qgis.PyQt.QtSql",
    "qgis.PyQt.QtTest",
)

# Members Qt 6 removed, and what Qt 5 already offers in their place (as the migration script maps them).
RENAMED_MEMBERS = {
    ("Qt", "MidButton"): "MouseButton.MiddleButton",
    ("Qt", "TextColorRole"): "ItemDataRole.ForegroundRole",
    ("Qt", "BackgroundColorRole"): "ItemDataRole.BackgroundRole",
    ("QPainter", "HighQualityAntialiasing"): "RenderHint.Antialiasing",
}

# QVariant's type enum is not scoped but gone in Qt 6 (QMetaType.Type): handled apart, not as an enum.
NOT_ENUM_OWNERS = {"QVariant"}
# Functions that take a QVariant.Type or a QMetaType.Type and give what the running QGIS wants
# (analysis/compat.py; processing/base.py fields_of passes through new_field).
FIELD_TYPE_CALLS = {"new_field", "fields_of", "field_type"}


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    col: int
    kind: (
        str  # "enum", "renamed-enum", "exec_", "import", "qapp", "qvariant-null", "qvariant-type", "missing", "warning"
    )
    text: str  # what is there
    fix: str | None  # what it becomes, None when not fixable automatically
    error: bool = True

    def __str__(self):
        where = f"{os.path.relpath(self.path, ROOT)}:{self.line}:{self.col}"
        level = "error" if self.error else "warning"
        action = f" -> {self.fix}" if self.fix else " (not fixed automatically)"
        return f"{where}: {level} [{self.kind}] {self.text}{action}"


@dataclass
class _Edit:
    """Replace bytes [start, end) of one line (UTF-8 offsets, as ast gives them)."""

    line: int
    start: int
    end: int
    new: str


class Bindings:
    """What the running QGIS/PyQt bindings say about names: classes, enums and their members."""

    def __init__(self):
        self.names: dict[str, object] = {}
        for module_name in BINDING_MODULES:
            try:
                module = importlib.import_module(module_name)
            except ImportError:
                continue
            for name, value in vars(module).items():
                if isinstance(value, type):
                    self.names.setdefault(name, value)
        # PyQt5's sip enums share one metatype (sip.enumtype, not exported); PyQt6's are Python enums.
        from qgis.PyQt.QtCore import Qt

        sip_enum = type(Qt.AlignmentFlag)
        self._sip_enum = None if issubclass(sip_enum, enum.EnumMeta) else sip_enum
        self._scoped_cache: dict[tuple[int, str], str | None] = {}

    def is_enum_type(self, obj) -> bool:
        return isinstance(obj, enum.EnumMeta) or (self._sip_enum is not None and isinstance(obj, self._sip_enum))

    def member_enum(self, owner, member: str):
        """The enum type when ``owner.member`` is an enum member reached through a class, else None."""
        if not isinstance(owner, type) or self.is_enum_type(owner) or owner.__name__ in NOT_ENUM_OWNERS:
            return None
        try:
            value = getattr(owner, member)
        except Exception:
            return None
        kind = type(value)
        return kind if self.is_enum_type(kind) else None

    def scoped(self, owner, member: str) -> str | None:
        """``Enum.member`` such that ``owner.Enum.member`` is the same value as ``owner.member``, or None."""
        key = (id(owner), member)
        if key not in self._scoped_cache:
            self._scoped_cache[key] = self._find_scoped(owner, member)
        return self._scoped_cache[key]

    def _find_scoped(self, owner, member):
        value = getattr(owner, member)
        kind = type(value)
        names = [kind.__name__] + sorted(n for n in dir(owner) if n != kind.__name__)
        for name in names:
            try:
                candidate = getattr(owner, name)
            except Exception:
                continue
            if candidate is kind or (self.is_enum_type(candidate) and name == kind.__name__):
                try:
                    scoped_value = getattr(candidate, member)
                except AttributeError:
                    continue
                if scoped_value is value or (type(scoped_value) is kind and scoped_value == value):
                    return f"{name}.{member}"
        return None

    def canonical(self, owner, member: str) -> tuple[str, str, str] | None:
        """(class, ``Class.Enum.member``, module) of the enum the value belongs to, when ``owner``
        holds only an alias of a member of another class's enum (``QgsCoordinateTransform.ReverseTransform``
        is ``Qgis.TransformDirection.Reverse``)."""
        value = getattr(owner, member)
        kind = type(value)
        parts = kind.__qualname__.split(".")
        outer = self.names.get(parts[0])
        if outer is None or len(parts) != 2:
            return None
        name = getattr(value, "name", None)
        if not isinstance(name, str):
            name = next((n for n in dir(kind) if getattr(kind, n, None) is value), None)
        enum_type = self.attribute(outer, parts[1])
        if name is None or enum_type is not kind or getattr(kind, name, None) != value:
            return None
        module = (
            outer.__module__.replace("qgis._", "qgis.").replace("PyQt5.", "qgis.PyQt.").replace("PyQt6.", "qgis.PyQt.")
        )
        return parts[0], f"{parts[0]}.{parts[1]}.{name}", module

    def metatype_name(self, value, member: str) -> str | None:
        """The QMetaType.Type member of the same type id as ``QVariant.<member>`` (String: QString)."""
        from qgis.PyQt.QtCore import QMetaType

        kind = QMetaType.Type
        names = [n for n in dir(QMetaType) if type(getattr(QMetaType, n, None)) is kind] or [
            n for n in dir(kind) if not n.startswith("_")
        ]
        same = [n for n in names if int(getattr(kind, n)) == int(value)]
        for preferred in (member, "Q" + member):
            if preferred in same:
                return preferred
        return same[0] if same else None

    def attribute(self, obj, name):
        try:
            return getattr(obj, name)
        except Exception:
            return None


def _dotted(node: ast.AST) -> list[ast.AST] | None:
    """[Name, Attribute, Attribute ...] of a plain dotted expression ``a.b.c``, innermost first."""
    chain = []
    while isinstance(node, ast.Attribute):
        chain.append(node)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    chain.append(node)
    return chain[::-1]


class FileScan:
    """One file: its findings and the edits that fix the fixable ones."""

    def __init__(self, path: str, source: str, bindings: Bindings, qvariant_warnings: bool = False):
        self.path = path
        self.source = source
        self.lines = source.splitlines(keepends=True)
        self.b = bindings
        self.qvariant_warnings = qvariant_warnings
        self.findings: list[Finding] = []
        self.edits: list[_Edit] = []
        self.needed_imports: dict[str, set[str]] = {}
        self.tree = ast.parse(source, filename=path)
        self.imported: dict[str, object] = {}
        self.local_classes: dict[str, ast.ClassDef] = {}
        self._collect_imports()
        self._parents: dict[ast.AST, ast.AST] = {}
        for parent in ast.walk(self.tree):
            for child in ast.iter_child_nodes(parent):
                self._parents[child] = parent
        self._scan()

    # -- helpers -------------------------------------------------------------------------------
    def _add(self, node, kind, text, fix=None, edit=None, error=True):
        self.findings.append(Finding(self.path, node.lineno, node.col_offset, kind, text, fix, error))
        if edit is not None:
            self.edits.append(edit)

    def _need(self, module: str, name: str):
        """A rewrite uses ``name``: import it from ``module`` unless the file already has it."""
        if name not in self.imported:
            self.needed_imports.setdefault(module, set()).add(name)

    def _segment(self, node) -> str:
        return ast.get_source_segment(self.source, node) or ""

    def _collect_imports(self):
        for node in ast.walk(self.tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                try:
                    module = importlib.import_module(node.module)
                except Exception:
                    continue
                for alias in node.names:
                    if alias.name == "*":
                        continue
                    value = getattr(module, alias.name, None)
                    if value is None:
                        try:
                            value = importlib.import_module(f"{node.module}.{alias.name}")
                        except Exception:
                            continue
                    self.imported[alias.asname or alias.name] = value
            elif isinstance(node, ast.ClassDef):
                self.local_classes[node.name] = node

    def _resolve_name(self, name: str):
        if name in self.imported:
            return self.imported[name]
        if name in self.local_classes:
            return None  # a class of ours: see _binding_base
        return self.b.names.get(name)

    def _binding_base(self, class_node: ast.ClassDef, seen=None):
        """The first base class from the bindings of one of our classes (following our own bases)."""
        seen = seen or set()
        if class_node.name in seen:
            return None
        seen.add(class_node.name)
        for base in class_node.bases:
            if isinstance(base, ast.Name):
                if base.id in self.local_classes:
                    found = self._binding_base(self.local_classes[base.id], seen)
                    if found is not None:
                        return found
                    continue
                value = self._resolve_name(base.id)
                if isinstance(value, type):
                    return value
            elif isinstance(base, ast.Attribute):
                chain = _dotted(base)
                value = self._resolve_name(chain[0].id) if chain else None
                for link in (chain or [])[1:]:
                    value = self.b.attribute(value, link.attr)
                if isinstance(value, type):
                    return value
        return None

    def _own_names(self, class_node: ast.ClassDef, seen=None) -> set[str]:
        """Names our classes define themselves (class attributes, methods), which shadow the bindings'."""
        seen = seen or set()
        if class_node.name in seen:
            return set()
        seen.add(class_node.name)
        names = set()
        for item in class_node.body:
            if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(item.name)
            elif isinstance(item, ast.Assign):
                names.update(t.id for t in item.targets if isinstance(t, ast.Name))
            elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                names.add(item.target.id)
        for base in class_node.bases:
            if isinstance(base, ast.Name) and base.id in self.local_classes:
                names |= self._own_names(self.local_classes[base.id], seen)
        return names

    def _enclosing_class(self, node):
        while node in self._parents:
            node = self._parents[node]
            if isinstance(node, ast.ClassDef):
                return node
        return None

    def _insert_scope(self, attr_node: ast.Attribute, scope: str) -> _Edit:
        """Edit that puts ``scope.`` in front of the attribute name of ``attr_node``."""
        line = attr_node.end_lineno
        end = attr_node.end_col_offset
        start = end - len(attr_node.attr.encode("utf-8"))
        return _Edit(line, start, end, f"{scope}.{attr_node.attr}")

    # -- the scan ------------------------------------------------------------------------------
    def _scan(self):
        handled = set()
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Attribute) and node not in handled:
                chain = _dotted(node)
                if chain:
                    handled.update(chain)
                    self._check_chain(chain)
                    continue
            if isinstance(node, ast.Call):
                self._check_call(node)
            elif isinstance(node, ast.FunctionDef) and node.name == "exec_":
                self._add(node, "exec_", "def exec_", "def exec", self._def_rename(node))
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                self._check_import(node)
            elif isinstance(node, ast.Subscript):
                self._check_subscript(node)
            elif isinstance(node, ast.Name) and node.id == "qApp" and isinstance(node.ctx, ast.Load):
                self._need("qgis.PyQt.QtWidgets", "QApplication")
                self._add(
                    node,
                    "qapp",
                    "qApp",
                    "QApplication.instance()",
                    _Edit(node.lineno, node.col_offset, node.end_col_offset, "QApplication.instance()"),
                )

    def _check_chain(self, chain):
        """``a.b.c``: walk the real objects; flag the first link that is an unscoped enum member."""
        head = chain[0]
        if head.id in ("self", "cls"):
            self._check_self(chain)
            return
        if head.id == "QVariant" and len(chain) > 1:
            self._check_qvariant(chain)
            return
        if head.id == "qApp":
            return  # reported as a Name
        obj = self._resolve_name(head.id)
        if obj is None and head.id in self.local_classes:
            obj = self._binding_base(self.local_classes[head.id])
            if obj is not None and len(chain) > 1 and chain[1].attr in self._own_names(self.local_classes[head.id]):
                return
        owner_name = head.id
        for link in chain[1:]:
            if obj is None:
                return
            renamed = RENAMED_MEMBERS.get((owner_name, link.attr))
            if renamed and getattr(obj, "__name__", None) == owner_name:
                self._add(
                    link,
                    "renamed-enum",
                    self._segment(link),
                    f"{owner_name}.{renamed}",
                    self._replace_attr(link, renamed),
                )
                return
            if self.b.member_enum(obj, link.attr) is not None:
                text = self._segment(link)
                canonical = self.b.canonical(obj, link.attr)
                if canonical is not None and canonical[0] != owner_name:
                    # the member belongs to another class's enum (QgsCoordinateTransform.ReverseTransform is
                    # Qgis.TransformDirection.Reverse): name that one, not the alias a QGIS may keep under
                    # the owner (3.40 has QgsCoordinateTransform.TransformDirection.ReverseTransform)
                    self._add_canonical(head, link, obj, text)
                    return
                scoped = self.b.scoped(obj, link.attr)
                if scoped:
                    fixed = text[: len(text) - len(link.attr)] + scoped
                    self._add(link, "enum", text, fixed, self._insert_scope(link, scoped.rsplit(".", 1)[0]))
                else:
                    self._add_canonical(head, link, obj, text)
                return
            if not self._has(obj, link.attr):
                # e.g. an API of a later QGIS behind a hasattr() guard; on another version, a misspelt scope
                self._add(link, "missing", f"{self._segment(link)} is not in this QGIS/Qt", error=False)
                return
            obj = self.b.attribute(obj, link.attr)
            owner_name = link.attr

    def _add_canonical(self, head: ast.Name, link: ast.Attribute, owner, text: str):
        """``owner`` has no scoped form of the member: name the enum it really belongs to instead."""
        canonical = self.b.canonical(owner, link.attr)
        if canonical is None or head.lineno != link.end_lineno:
            self._add(link, "enum", text)
            return
        outer, replacement, module = canonical
        edit = _Edit(head.lineno, head.col_offset, link.end_col_offset, replacement)
        if self._resolve_name(outer) is not self.b.names[outer] or outer in self.local_classes:
            self._add(link, "enum", text, f"{replacement} (needs: from {module} import {outer})")
            return
        self._need(module, outer)
        self._add(link, "enum", text, replacement, edit)

    @staticmethod
    def _has(obj, name):
        try:
            return hasattr(obj, name)
        except Exception:
            return True  # a property that raises on the class: it is there

    def _check_self(self, chain):
        """``self.Member`` inside one of our subclasses of a binding class."""
        if len(chain) < 2:
            return
        class_node = self._enclosing_class(chain[0])
        if class_node is None:
            return
        base = self._binding_base(class_node)
        member = chain[1].attr
        if base is None or member in self._own_names(class_node):
            return
        if self.b.member_enum(base, member) is not None:
            scoped = self.b.scoped(base, member)
            text = self._segment(chain[1])
            if scoped:
                fixed = f"{chain[0].id}.{scoped}"
                self._add(chain[1], "enum", text, fixed, self._insert_scope(chain[1], scoped.rsplit(".", 1)[0]))
            else:
                self._add(chain[1], "enum", text)

    def _check_qvariant(self, chain):
        """``QVariant.String`` and the like: Qt 6 has no QVariant type enum (QMetaType.Type instead).

        Rewritten to ``QMetaType.Type.QString`` ... where the type goes to a function that makes it
        right for the running QGIS (analysis.compat.new_field: QVariant.Type on QGIS < 3.38); anywhere
        else reported, since QgsField(QMetaType.Type) does not exist on QGIS 3.22.
        """
        if chain[1].attr == "Type" and len(chain) > 2:
            member, node = chain[2].attr, chain[2]
        else:
            member, node = chain[1].attr, chain[1]
        from qgis.PyQt.QtCore import QVariant

        value = getattr(QVariant, member, None)
        if value is None or not self.b.is_enum_type(type(value)):
            return
        target = self.b.metatype_name(value, member)
        text = self._segment(node)
        if target and self._in_field_type_call(node) and chain[0].lineno == node.end_lineno:
            replacement = f"QMetaType.Type.{target}"
            self._need("qgis.PyQt.QtCore", "QMetaType")
            edit = _Edit(chain[0].lineno, chain[0].col_offset, node.end_col_offset, replacement)
            self._add(node, "qvariant-type", text, replacement, edit)
        else:
            hint = f" (QMetaType.Type.{target} through analysis.compat.new_field)" if target else ""
            self._add(
                node,
                "qvariant-type",
                f"{text}: no such name in Qt 6{hint}",
                None,
                error=not self.qvariant_warnings,
            )

    def _in_field_type_call(self, node) -> bool:
        """Is ``node`` an argument (maybe inside tuples/lists) of new_field(), fields_of() or field_type()?"""
        child = node
        parent = self._parents.get(child)
        while isinstance(parent, (ast.Tuple, ast.List, ast.Starred)):
            child, parent = parent, self._parents.get(parent)
        if not isinstance(parent, ast.Call) or child is parent.func:
            return False
        func = parent.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
        return name in FIELD_TYPE_CALLS

    def _check_call(self, node: ast.Call):
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "exec_":
            self._add(func, "exec_", self._segment(func) + "()", "exec()", self._replace_attr(func, "exec"))
        if isinstance(func, ast.Attribute) and func.attr == "addAction" and len(node.args) >= 4:
            self._add(node, "warning", "addAction with 4+ arguments is fragile in Qt 6", error=False)
        if isinstance(func, ast.Attribute) and func.attr == "desktop" and not node.args:
            self._add(node, "warning", "QDesktopWidget (desktop()) is removed in Qt 6", error=False)
        if isinstance(func, ast.Name) and func.id == "QVariant":
            null_form = not node.args or (
                len(node.args) == 1
                and isinstance(node.args[0], ast.Attribute)
                and isinstance(node.args[0].value, ast.Name)
                and node.args[0].value.id == "QVariant"
            )
            if null_form and node.lineno == node.end_lineno:
                edit = _Edit(node.lineno, node.col_offset, node.end_col_offset, "NULL")
                self._need("qgis.core", "NULL")
                self._add(node, "qvariant-null", self._segment(node), "NULL", edit)
            elif null_form:
                self._add(node, "qvariant-null", self._segment(node), None)
        if isinstance(func, ast.Name) and func.id == "QDateTime":
            if len(node.args) == 8 or (
                len(node.args) == 1
                and isinstance(node.args[0], ast.Call)
                and isinstance(node.args[0].func, ast.Name)
                and node.args[0].func.id == "QDate"
            ):
                self._add(node, "qdatetime", self._segment(node), None)
        if (
            isinstance(func, ast.Attribute)
            and func.attr == "width"
            and isinstance(func.value, ast.Call)
            and (
                (isinstance(func.value.func, ast.Attribute) and func.value.func.attr == "fontMetrics")
                or (isinstance(func.value.func, ast.Name) and func.value.func.id == "QFontMetrics")
            )
        ):
            self._add(node, "warning", "QFontMetrics.width() is removed in Qt 6: horizontalAdvance()", error=False)

    def _check_subscript(self, node: ast.Subscript):
        value, key = node.value, node.slice
        if (
            isinstance(value, ast.Attribute)
            and value.attr == "activated"
            and isinstance(key, ast.Name)
            and key.id == "str"
        ):
            self._add(node, "warning", "activated[str] is removed in Qt 6: textActivated", error=False)

    def _check_import(self, node):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            top = node.module.split(".")[0]
            names = {a.name for a in node.names}
            if top in ("PyQt5", "PyQt6"):
                new = "qgis.PyQt" + node.module[len(top) :]
                self._add(
                    node, "import", f"from {node.module} import", f"from {new} import", self._module_rename(node, new)
                )
            elif node.module == "qgis.PyQt.Qt":
                self._add(node, "import", "from qgis.PyQt.Qt import", "from qgis.PyQt.QtCore import")
            if "QRegExp" in names:
                self._add(node, "warning", "QRegExp is removed in Qt 6: QRegularExpression", error=False)
            if "resources_rc" in names:
                self._add(node, "warning", "compiled Qt resources are not supported in Qt 6", error=False)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                top = alias.name.split(".")[0]
                if top in ("PyQt5", "PyQt6"):
                    self._add(node, "import", f"import {alias.name}", None)
                elif alias.name == "sip" and alias.asname in (None, "sip") and len(node.names) == 1:
                    edit = _Edit(node.lineno, node.col_offset, node.end_col_offset, "from qgis.PyQt import sip")
                    self._add(node, "import", "import sip", "from qgis.PyQt import sip", edit)

    # -- edits ---------------------------------------------------------------------------------
    def _replace_attr(self, attr_node: ast.Attribute, new: str) -> _Edit:
        end = attr_node.end_col_offset
        return _Edit(attr_node.end_lineno, end - len(attr_node.attr.encode("utf-8")), end, new)

    def _def_rename(self, node: ast.FunctionDef) -> _Edit | None:
        line = self.lines[node.lineno - 1].encode("utf-8")
        start = line.find(b"def exec_", node.col_offset)
        if start < 0:
            return None
        return _Edit(node.lineno, start + 4, start + len("def exec_"), "exec")

    def _module_rename(self, node: ast.ImportFrom, new: str) -> _Edit | None:
        line = self.lines[node.lineno - 1].encode("utf-8")
        old = node.module.encode("utf-8")
        start = line.find(old, node.col_offset)
        if start < 0:
            return None
        return _Edit(node.lineno, start, start + len(old), new)

    def _import_edits(self) -> list[_Edit]:
        """Add the names canonical forms need to the file's ``from <module> import`` (or a new line)."""
        edits = []
        for module, names in sorted(self.needed_imports.items()):
            names = sorted(names)
            existing = [
                n
                for n in self.tree.body
                if isinstance(n, ast.ImportFrom) and n.module == module and n.level == 0 and n.names[0].name != "*"
            ]
            if existing:
                first = existing[0].names[0]
                # before the first imported name; ruff's import sorting puts it in order
                col = first.col_offset
                edits.append(_Edit(first.lineno, col, col, "".join(f"{n}, " for n in names)))
            else:
                imports = [n for n in self.tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
                after = imports[-1].end_lineno if imports else 0
                text = f"from {module} import {', '.join(names)}\n"
                edits.append(_Edit(after + 1, 0, 0, text) if after < len(self.lines) else _Edit(after, -1, -1, text))
        return edits

    def fixed_source(self) -> str:
        every = [e for e in self.edits if e is not None] + self._import_edits()
        edits = sorted({(e.line, e.start, e.end, e.new) for e in every}, reverse=True)
        lines = [line.encode("utf-8") for line in self.lines]
        for line, start, end, new in edits:
            if start < 0:  # append after the last line
                lines.append(new.encode("utf-8"))
                continue
            raw = lines[line - 1]
            lines[line - 1] = raw[:start] + new.encode("utf-8") + raw[end:]
        return b"".join(lines).decode("utf-8")


def shipped_files(root: str = ROOT) -> list[str]:
    """The .py files ``make package`` puts in the ZIP."""
    package = runpy.run_path(os.path.join(root, "scripts", "package.py"))
    return sorted(full for full, rel in package["plugin_files"](root) if rel.endswith(".py"))


def dev_files(root: str = ROOT) -> list[str]:
    found = []
    for folder in DEV_DIRS:
        for dirpath, dirnames, filenames in os.walk(os.path.join(root, folder)):
            dirnames[:] = sorted(d for d in dirnames if d not in ("__pycache__", "out", "data"))
            found.extend(os.path.join(dirpath, n) for n in sorted(filenames) if n.endswith(".py"))
    return found


def scan_files(paths, bindings=None, fix=False, qvariant_warnings=False) -> tuple[list[Finding], list[str]]:
    """Findings of every file, sorted, and (with ``fix``) the files rewritten to fix them."""
    bindings = bindings or Bindings()
    findings, changed = [], []
    for path in paths:
        with open(path, encoding="utf-8") as fh:
            source = fh.read()
        scan = FileScan(path, source, bindings, qvariant_warnings)
        findings.extend(scan.findings)
        if fix and scan.edits:
            new = scan.fixed_source()
            ast.parse(new, filename=path)  # never write a file Python cannot read
            if new != source:
                with open(path, "w", encoding="utf-8", newline="") as fh:
                    fh.write(new)
                changed.append(path)
    findings.sort(key=lambda f: (f.path, f.line, f.col))
    return findings, changed


def tidy(paths) -> None:
    """Sort imports, drop the ones no longer used and re-wrap lines of rewritten files with ruff."""
    ruff = os.path.join(os.path.dirname(sys.executable), "ruff")
    ruff = ruff if os.path.exists(ruff) else shutil.which("ruff")
    if not paths:
        return
    if not ruff:
        print("qt6_check: ruff not found: run `ruff check --select I --fix` and `ruff format` on the fixed files")
        return
    # I: the imports a rewrite added, in order; F401: QVariant once no rewritten line needs it
    subprocess.run([ruff, "check", "--quiet", "--select", "I,F401", "--fix", *paths], cwd=ROOT, check=False)
    subprocess.run([ruff, "format", "--quiet", *paths], cwd=ROOT, check=False)


def _summary(findings: list[Finding]) -> str:
    per_file = Counter(os.path.relpath(f.path, ROOT) for f in findings if f.error)
    return "\n".join(f"  {count:4d}  {path}" for path, count in sorted(per_file.items()))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", help="files to check (default: what the ZIP ships)")
    parser.add_argument("--fix", action="store_true", help="rewrite what can be rewritten, in place")
    parser.add_argument("--all", action="store_true", help="also tests/, benchmarks/ and scripts/")
    parser.add_argument(
        "--qvariant-warnings", action="store_true", help="QVariant.X types it cannot rewrite are warnings"
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="only the summary")
    args = parser.parse_args(argv)

    paths = [os.path.abspath(p) for p in args.paths] or shipped_files()
    if args.all and not args.paths:
        paths += dev_files()
    bindings = Bindings()
    findings, changed = scan_files(paths, bindings, fix=args.fix, qvariant_warnings=args.qvariant_warnings)
    if args.fix:
        fixed = [f for f in findings if f.error and f.fix and f.path in changed]
        print(f"qt6_check: fixed {len(fixed)} uses in {len(changed)} files")
        if fixed:
            print(_summary(fixed))
        tidy(changed)
        findings, _ = scan_files(paths, bindings, qvariant_warnings=args.qvariant_warnings)
    errors = [f for f in findings if f.error]
    if not args.quiet:
        for finding in findings:
            print(finding)
    print(
        f"qt6_check: {len(paths)} files, {len(errors)} errors, {len(findings) - len(errors)} warnings"
        + ("" if errors or args.fix else " (clean)")
    )
    if errors:
        print(_summary(errors))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
