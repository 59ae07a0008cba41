"""The Arabic translation: compiled, loaded for an Arabic QGIS locale, removed on unload."""

import glob
import os
import subprocess
import xml.etree.ElementTree as ET

import pytest
from qgis.core import QgsSettings
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


def test_every_message_is_translated_and_still_used(repo_root):
    sources = ""
    for path in glob.glob(os.path.join(repo_root, "**", "*.py"), recursive=True) + glob.glob(
        os.path.join(repo_root, "ui", "*.ui")
    ):
        if "/tests/" not in path and "/build/" not in path and "/.venv/" not in path:
            with open(path, encoding="utf-8") as fh:
                sources += fh.read()
    for ts in glob.glob(os.path.join(repo_root, "i18n", "*.ts")):
        for message in ET.parse(ts).getroot().iter("message"):
            source = message.findtext("source")
            assert message.findtext("translation").strip(), f"{ts}: '{source}' has no translation"
            assert source in sources, f"{ts}: '{source}' is no longer in the code; update the translation"


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
