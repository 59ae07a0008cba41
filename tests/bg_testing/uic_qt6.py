"""Loads Qt Designer .ui files with PyQt6's uic, as QGIS 4 will: ``python uic_qt6.py FILE.ui ...``.

Runs in a process of its own (PyQt6 and the PyQt5 of QGIS must not meet in one process) and needs
no QGIS: each custom widget (QgsDockWidget, QgsFilterLineEdit ...) is stubbed by its class name as
a subclass of the Qt class it extends, in a module named after its header, which is where uic
looks for it. Prints one JSON object: per file, the widgets/layouts/spacers built or the error.
"""

import json
import os
import sys
import tempfile
import traceback
import xml.etree.ElementTree as ET


def stub_custom_widgets(ui_paths, folder):
    """Write a module per custom-widget header holding a stub class of the Qt class it extends."""
    modules = {}
    for path in ui_paths:
        for custom in ET.parse(path).getroot().iter("customwidget"):
            name, extends, header = (custom.findtext(tag, "").strip() for tag in ("class", "extends", "header"))
            module = header[:-2] if header.endswith(".h") else header
            modules.setdefault(module.replace("/", "."), {})[name] = extends or "QWidget"
    for module, classes in modules.items():
        parts = module.split(".")
        for i in range(1, len(parts)):
            package = os.path.join(folder, *parts[:i])
            os.makedirs(package, exist_ok=True)
            open(os.path.join(package, "__init__.py"), "a").close()
        lines = ["from PyQt6 import QtWidgets", ""]
        for name, extends in sorted(classes.items()):
            lines += [f"class {name}(getattr(QtWidgets, {extends!r}, QtWidgets.QWidget)):", "    pass", ""]
        with open(os.path.join(folder, *parts[:-1], parts[-1] + ".py"), "w", encoding="utf-8") as fh:
            fh.write("\n".join(lines))
    return modules


def expected_objects(path):
    root = ET.parse(path).getroot()
    return {
        "widgets": sorted(w.get("name") for w in root.iter("widget") if w.get("name")),
        "layouts": sorted(w.get("name") for w in root.iter("layout") if w.get("name")),
        "spacers": len(list(root.iter("spacer"))),
    }


def load(path, QtWidgets, uic):
    form_class, base_class = uic.loadUiType(path)
    top = base_class()
    form = form_class()
    form.setupUi(top)
    widgets = sorted(
        {w.objectName() for w in top.findChildren(QtWidgets.QWidget) if w.objectName()} | {top.objectName()}
    )
    layouts = sorted(w.objectName() for w in top.findChildren(QtWidgets.QLayout) if w.objectName())
    spacers = 0
    for layout in top.findChildren(QtWidgets.QLayout):
        spacers += sum(1 for i in range(layout.count()) if layout.itemAt(i).spacerItem() is not None)
    return {
        "widgets": widgets,
        "layouts": layouts,
        "spacers": spacers,
        "form_attributes": sorted(vars(form)),
        "classes": {name: type(value).__name__ for name, value in vars(form).items()},
        "properties": read_back(path, top),
    }


def _enum_name(value):
    name = getattr(value, "name", None)
    return name if isinstance(name, str) else str(value)


def read_back(path, top):
    """Each enum, set and size-policy property the .ui sets, as the built widget reports it:
    {"widget.property": [as written in the .ui, as read back]} (names after the last ``::``)."""
    from PyQt6 import QtWidgets

    found = {}
    for element in ET.parse(path).getroot().iter("widget"):
        name = element.get("name")
        widget = top if top.objectName() == name else top.findChild(QtWidgets.QWidget, name)
        for prop in element.findall("property"):
            key = f"{name}.{prop.get('name')}"
            value = widget.property(prop.get("name")) if widget is not None else None
            if prop.find("enum") is not None:
                found[key] = [prop.findtext("enum").split("::")[-1], _enum_name(value)]
            elif prop.find("set") is not None:
                wanted = sorted(part.split("::")[-1] for part in prop.findtext("set").split("|"))
                enum_type = type(value)
                members = getattr(enum_type, "__members__", {})
                bits = int(getattr(value, "value", value) or 0)
                present = sorted(
                    n
                    for n in wanted
                    if n in members
                    and (bits == 0 if members[n].value == 0 else bits & members[n].value == members[n].value)
                )
                found[key] = [wanted, present]
            elif prop.find("sizepolicy") is not None:
                policy = prop.find("sizepolicy")
                wanted = [policy.get("hsizetype"), policy.get("vsizetype"), policy.findtext("horstretch", "0")]
                got = [_enum_name(value.horizontalPolicy()), _enum_name(value.verticalPolicy())]
                found[key] = [wanted, got + [str(value.horizontalStretch())]]
    for layout_element in ET.parse(path).getroot().iter("layout"):
        layout = top.findChild(QtWidgets.QLayout, layout_element.get("name"))
        spacers = layout_element.findall("item/spacer")
        items = [layout.itemAt(i).spacerItem() for i in range(layout.count())] if layout is not None else []
        items = [item for item in items if item is not None]
        for element, item in zip(spacers, items):
            size_type = element.find("property[@name='sizeType']/enum")
            wanted_type = size_type.text.split("::")[-1] if size_type is not None else "Expanding"
            horizontal = element.findtext("property[@name='orientation']/enum", "").endswith("Horizontal")
            policy = item.sizePolicy()
            got = _enum_name(policy.horizontalPolicy() if horizontal else policy.verticalPolicy())
            hint = item.sizeHint()
            found[f"{element.get('name')}.sizeType"] = [wanted_type, got]
            found[f"{element.get('name')}.sizeHint"] = [
                [
                    int(element.findtext("property[@name='sizeHint']/size/width", "-1")),
                    int(element.findtext("property[@name='sizeHint']/size/height", "-1")),
                ],
                [hint.width(), hint.height()],
            ]
    return found


def main(paths):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PyQt6 import QtCore, QtWidgets, uic

    report = {"pyqt": QtCore.PYQT_VERSION_STR, "qt": QtCore.QT_VERSION_STR, "files": {}}
    with tempfile.TemporaryDirectory() as folder:
        report["stubs"] = stub_custom_widgets(paths, folder)
        sys.path.insert(0, folder)
        app = QtWidgets.QApplication([])
        for path in paths:
            entry = {"expected": expected_objects(path)}
            try:
                entry["built"] = load(path, QtWidgets, uic)
            except Exception:
                entry["error"] = traceback.format_exc()
            report["files"][path] = entry
        del app
    print(json.dumps(report))


if __name__ == "__main__":
    main(sys.argv[1:])
