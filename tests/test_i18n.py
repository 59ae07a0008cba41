"""The Arabic translation: compiled, loaded for an Arabic QGIS locale, removed on unload."""

import ast
import glob
import os
import re
import subprocess
import xml.etree.ElementTree as ET

import pytest
from qgis.core import QgsApplication, QgsProcessingParameterEnum, QgsSettings
from qgis.PyQt.QtCore import QCoreApplication

import border_gaps

MENU = "&Border Gaps"


@pytest.fixture
def arabic_locale(repo_root):
    subprocess.run(["bash", os.path.join(repo_root, "scripts", "build_translations.sh")], check=True)
    settings = QgsSettings()
    old = (settings.value("locale/overrideFlag"), settings.value("locale/userLocale"))
    settings.setValue("locale/overrideFlag", True)
    settings.setValue("locale/userLocale", "ar")
    yield
    settings.setValue("locale/overrideFlag", old[0] or False)
    settings.setValue("locale/userLocale", old[1] or "")


def _plugin_files(repo_root):
    """The plugin's own .py and .ui files (not the tests, the build links or the virtualenv)."""
    for path in glob.glob(os.path.join(repo_root, "**", "*.py"), recursive=True) + glob.glob(
        os.path.join(repo_root, "ui", "*.ui")
    ):
        if "/tests/" not in path and "/build/" not in path and "/.venv/" not in path:
            yield path


def _string_literals(repo_root):
    """Every string literal of the plugin's Python code, as Python reads it: a help text written
    as adjacent literals over several lines is one string here. f-strings are not literals."""
    literals = set()
    for path in _plugin_files(repo_root):
        if path.endswith(".py"):
            with open(path, encoding="utf-8") as fh:
                tree = ast.parse(fh.read())
            literals.update(n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str))
    return literals


def test_every_message_is_translated_and_still_used(repo_root):
    sources = ""
    for path in _plugin_files(repo_root):
        with open(path, encoding="utf-8") as fh:
            sources += fh.read()
    literals = _string_literals(repo_root)
    for ts in glob.glob(os.path.join(repo_root, "i18n", "*.ts")):
        for message in ET.parse(ts).getroot().iter("message"):
            source = message.findtext("source")
            assert message.findtext("translation").strip(), f"{ts}: '{source}' has no translation"
            assert source in sources or source in literals, (
                f"{ts}: '{source}' is no longer in the code; update the translation"
            )


def _shown_strings(repo_root):
    """{context: strings} an Arabic-speaking analyst sees in the plugin's own interface: every
    tr("literal") of the plugin and its dock, every algorithm's and group's name (Processing toolbox),
    every text of the Qt Designer forms."""
    shown = {"BorderGaps": set()}
    for path in [os.path.join(repo_root, "plugin.py")] + glob.glob(os.path.join(repo_root, "ui", "*.py")):
        with open(path, encoding="utf-8") as fh:
            tree = ast.parse(fh.read())
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "tr" and node.args:
                if isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                    shown["BorderGaps"].add(node.args[0].value)
    for path in glob.glob(os.path.join(repo_root, "processing", "*.py")):
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
        shown["BorderGaps"].update(re.findall(r'^    DISPLAY_NAME = "([^"]+)"', text, re.MULTILINE))
    from border_gaps.processing.constants import GROUPS

    shown["BorderGaps"].update(GROUPS.values())
    for path in glob.glob(os.path.join(repo_root, "ui", "*.ui")):
        form = ET.parse(path).getroot()
        texts = shown.setdefault(form.findtext("class"), set())
        texts.update(s.text for s in form.iter("string") if s.text and s.get("notr") != "true")
    return shown


def test_every_string_of_the_menus_dock_and_toolbox_has_an_arabic_translation(repo_root):
    translated = {}
    for ts in glob.glob(os.path.join(repo_root, "i18n", "*.ts")):
        for context in ET.parse(ts).getroot().iter("context"):
            translated.setdefault(context.findtext("name"), set()).update(
                m.findtext("source") for m in context.iter("message") if (m.findtext("translation") or "").strip()
            )
    shown = _shown_strings(repo_root)
    assert len(shown["BorderGaps"]) > 40  # the scan found the plugin's strings
    missing = {ctx: sorted(texts - translated.get(ctx, set())) for ctx, texts in shown.items()}
    assert {ctx: texts for ctx, texts in missing.items() if texts} == {}


def _processing_labels(provider):
    """Every text of the Processing dialogs the analyst reads, from the registered algorithms:
    parameter labels, the options of enum parameters and output labels."""
    labels = set()
    for alg in provider.algorithms():
        for param in alg.parameterDefinitions():
            labels.add(param.description())
            if isinstance(param, QgsProcessingParameterEnum):
                labels.update(param.options())
        labels.update(output.description() for output in alg.outputDefinitions())
    return labels


def _arabic_translations(repo_root):
    """{source: translation} of the context BorderGaps of the Arabic .ts."""
    root = ET.parse(os.path.join(repo_root, "i18n", "border_gaps_ar.ts")).getroot()
    return {
        m.findtext("source"): (m.findtext("translation") or "").strip()
        for context in root.iter("context")
        if context.findtext("name") == "BorderGaps"
        for m in context.iter("message")
    }


def test_every_parameter_enum_option_and_output_label_has_an_arabic_translation(repo_root, bordergaps_provider):
    labels = _processing_labels(bordergaps_provider)
    assert len(bordergaps_provider.algorithms()) == 15
    assert len(labels) > 200  # the walk found the dialogs' labels
    translated = _arabic_translations(repo_root)
    missing = sorted(label for label in labels if not translated.get(label))
    assert missing == []
    not_arabic = sorted(label for label in labels if not re.search(r"[\u0600-\u06ff]", translated[label]))
    assert not_arabic == []


# Help texts built with f-strings (a constant of the code in them): tr looks up the built text,
# which no .ts entry can name, so they stay in English.
BUILT_HELP = {
    "bordergaps:corridors": {"MAX_CELLS"},
    "bordergaps:dronesorties": {"NO_FLY"},
    "bordergaps:exportatlas": {
        "GAP_RESPONSE",
        "HANDOVER",
        "LINKS",
        "SORTIES",
        "LANES",
        "SURVEYED",
        "GAP_INCIDENTS",
        "HOTSPOT_AREAS",
    },
}


def test_every_parameter_help_text_has_an_arabic_translation(repo_root, bordergaps_provider):
    """The short help of every parameter (its tooltip in the dialog) is translated, but for the
    help texts built with f-strings (BUILT_HELP), which are the only ones not literal in the code."""
    literals = _string_literals(repo_root)
    translated = _arabic_translations(repo_root)
    built, missing = {}, []
    for alg in bordergaps_provider.algorithms():
        for param in alg.parameterDefinitions():
            text = param.help()
            if not text:
                continue
            if text not in literals:
                built.setdefault(alg.id(), set()).add(param.name())
            elif not re.search(r"[\u0600-\u06ff]", translated.get(text, "")):
                missing.append(f"{alg.id()} {param.name()}: {text}")
    assert missing == []
    assert built == BUILT_HELP


def test_arabic_processing_dialog_labels(arabic_locale, bordergaps_provider):
    """An algorithm created with the plugin's translator installed (as plugin.py does) shows its
    parameter labels, enum options, help texts and output labels in Arabic."""
    from border_gaps.plugin import load_translator

    translator = load_translator()
    assert translator is not None
    QCoreApplication.installTranslator(translator)
    try:
        alg = QgsApplication.processingRegistry().createAlgorithmById("bordergaps:gapzones")
        mode = alg.parameterDefinition("MODE")
        assert mode.description() == "الثغرات في"
        assert mode.options() == ["الأراضي غير الخاضعة لسيطرة أي قوة فقط", "منطقة التماس بأكملها"]
        assert alg.parameterDefinition("POSTS").description() == "المخافر"
        assert alg.outputDefinition("GAP_AREA_KM2").description() == "مساحة الثغرات (km²)"
        assert alg.parameterDefinition("MIN_AREA").help() == "تُحذف الثغرات الأصغر من هذه المساحة (بالأمتار المربعة)."
        export_map = QgsApplication.processingRegistry().createAlgorithmById("bordergaps:exportmap")
        assert export_map.parameterDefinition("PAGE").options()[0] == "A4 أفقي"
    finally:
        QCoreApplication.removeTranslator(translator)
    alg = QgsApplication.processingRegistry().createAlgorithmById("bordergaps:gapzones")
    assert alg.parameterDefinition("MODE").description() == "Gaps in"


def test_arabic_menu_and_unload_removes_translator(arabic_locale, recording_iface, no_bordergaps_provider):
    plugin = border_gaps.classFactory(recording_iface)
    plugin.initGui()
    try:
        texts = [a.text() for a in recording_iface.plugin_menu_actions(MENU)]
        assert "إضافة طبقات منطقة الحدود" in texts
        assert QCoreApplication.translate("BorderGaps", "Unmonitored gap zones") == "مناطق الثغرات غير المراقَبة"
    finally:
        plugin.unload()
    assert QCoreApplication.translate("BorderGaps", "Unmonitored gap zones") == "Unmonitored gap zones"
