"""Runs INSIDE the real QGIS application (``qgis --code``), driven by test_plugin_repository.py.

A GIS analyst's fresh profile adds the agency's plugin repository by its file:// URL, and the
plugin manager's own code (pyplugin_installer: repositories.load, requestFetching, plugins.rebuild,
installPlugin, uninstallPlugin) fetches it, lists Border Gaps, installs and uninstalls it. Writes a
JSON report and exits with 0 (all checks passed) or 1. Between install and uninstall the
administrator publishes an update (the files of BG_UPDATE_DIR replace the repository's), which the
plugin manager offers as an upgrade and installs, running the new code without a restart.
Inputs: BG_REPO_URL, BG_REPO_DIR, BG_VERSION, BG_UPDATE_DIR, BG_UPDATE_VERSION, BG_UPDATE_MARK, BG_OUT.
"""

import os
import shutil
import sys
import time
import traceback

from qgis.core import QgsApplication, QgsSettings
from qgis.PyQt.QtCore import QCoreApplication, QEvent, QTimer
from qgis.PyQt.QtWidgets import QApplication, QDockWidget, QToolBar
from qgis.utils import iface
from qgis_script_report import check, finish, report

REPO_URL = os.environ["BG_REPO_URL"]
VERSION = os.environ["BG_VERSION"]
EXPERIMENTAL = os.environ["BG_EXPERIMENTAL"] == "True"  # metadata.txt's flag, as plugins.xml carries it
REPO_NAME = "Border agency GIS"
ONE_OF_EACH = {"menu": True, "toolbars": 1, "docks": 1, "provider": True}
report["dialogs"] = []  # message boxes met on the way


def close_modal_dialogs():
    """A message box would wait for a click forever: record what it says and close it."""
    widget = QApplication.activeModalWidget()
    if widget is not None and widget.metaObject().className() != "QgsPluginInstallerInstallingDialog":
        text = getattr(widget, "text", lambda: "")()
        report["dialogs"].append(f"{widget.metaObject().className()}: {widget.windowTitle()}: {text}")
        widget.reject()


def border_gaps_ui():
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # what unload() left to deleteLater()
    menus = [a.text() for a in iface.pluginMenu().actions()]
    bars = [b for b in iface.mainWindow().findChildren(QToolBar) if b.objectName() == "BorderGapsToolbar"]
    docks = [d for d in iface.mainWindow().findChildren(QDockWidget) if d.objectName() == "BorderGapsRegionDock"]
    return {
        "menu": "&Border Gaps" in menus,
        "toolbars": len(bars),
        "docks": len(docks),
        "provider": QgsApplication.processingRegistry().providerById("bordergaps") is not None,
    }


def add_repository():
    """What Settings > Add does (installer.addRepository), for this URL; the public repository off,
    as on an air-gapped network (it cannot be reached, and its error box would wait for a click)."""
    from pyplugin_installer.installer_data import officialRepo, reposGroup

    settings = QgsSettings()
    settings.setValue(f"{reposGroup}/{officialRepo[0]}/url", officialRepo[1])
    settings.setValue(f"{reposGroup}/{officialRepo[0]}/enabled", False)
    settings.setValue(f"{reposGroup}/{REPO_NAME}/url", REPO_URL)
    settings.setValue(f"{reposGroup}/{REPO_NAME}/authcfg", "")
    settings.setValue(f"{reposGroup}/{REPO_NAME}/enabled", True)


def show_experimental(on):
    """What ticking "Show also experimental plugins" in the plugin manager's Settings stores: the
    setting plugin-manager/allow-experimental of the settings tree on QGIS 3.40 and 3.44, which
    no longer read the key of 3.22, app/plugin_installer/allowExperimental (set where there is
    no such setting)."""
    try:
        from qgis.core import QgsSettingsTree
    except ImportError:  # QGIS 3.22 has no settings tree
        QgsSettingsTree = None
    node = QgsSettingsTree.node("plugin-manager") if QgsSettingsTree is not None else None
    setting = node.childSetting("allow-experimental") if node is not None else None
    if setting is not None:
        setting.setValue(on)
        report["experimental_setting"] = setting.definitionKey()
    else:
        QgsSettings().setValue("app/plugin_installer/allowExperimental", on)
        report["experimental_setting"] = "app/plugin_installer/allowExperimental"


def fetch():
    """installer.fetchAvailablePlugins(reloadMode=True), without its progress dialog."""
    from pyplugin_installer.installer_data import plugins, repositories

    repositories.load()
    plugins.clearRepoCache()
    plugins.getAllInstalled()
    for key in repositories.allEnabled():
        repositories.requestFetching(key, force_reload=True)
    deadline = time.monotonic() + 60
    while repositories.fetchingInProgress() and time.monotonic() < deadline:
        QgsApplication.processEvents()
        time.sleep(0.02)
    plugins.rebuild()
    return repositories.all()[REPO_NAME]


def run():
    import pyplugin_installer
    import qgis.utils
    from pyplugin_installer.installer_data import Repositories, plugins

    installer = pyplugin_installer.instance()
    # the profile's plugin folder (qgis.utils.home_plugin_path up to 3.3x, HOME_PLUGIN_PATH on 3.40)
    plugin_dir = os.path.join(QgsApplication.qgisSettingsDirPath(), "python", "plugins", "border_gaps")
    check("fresh profile: no Border Gaps", not os.path.exists(plugin_dir) and not any(border_gaps_ui().values()))

    add_repository()
    show_experimental(False)
    repo = fetch()
    check("repository fetched", repo["state"] == Repositories.STATE_LOADED, f"state {repo['state']}: {repo['error']}")
    if EXPERIMENTAL:  # hidden until the user ticks "Show also experimental plugins"
        check("experimental version hidden by default", "border_gaps" not in plugins.all(), sorted(plugins.all()))
    else:  # a stable release is listed as the plugin manager opens, nothing to tick
        check("stable version listed by default", "border_gaps" in plugins.all(), sorted(plugins.all()))

    show_experimental(True)
    plugins.rebuild()
    listed = plugins.all().get("border_gaps")
    report["listed"] = (
        {
            k: listed.get(k)
            for k in ("name", "version_available", "status", "zip_repository", "download_url", "filename", "icon")
        }
        if listed
        else None
    )
    check("Border Gaps listed", listed is not None, sorted(plugins.all()))
    if listed is None:
        return
    check("listed with its version", listed["version_available"] == VERSION, listed["version_available"])
    check("listed from the agency repository", listed["zip_repository"] == REPO_NAME, listed["zip_repository"])
    # the plugin manager keeps a stable and an experimental status
    status = "status_exp" if listed["experimental"] else "status"
    check("listed as not installed", listed[status] == "not installed", listed[status])
    check("listed name", listed["name"] == "Border Gaps", listed["name"])

    installer.installPlugin("border_gaps", quiet=True, stable=not listed["experimental"])
    QgsApplication.processEvents()
    installed = plugins.all().get("border_gaps", {})
    ui = border_gaps_ui()
    report["after_install"] = ui
    check("installed into the profile", os.path.isfile(os.path.join(plugin_dir, "metadata.txt")), plugin_dir)
    check("plugin active", "border_gaps" in qgis.utils.active_plugins, qgis.utils.active_plugins)
    check("status installed", installed.get(status) == "installed", installed.get(status))
    check("installed version", installed.get("version_installed") == VERSION, installed.get("version_installed"))
    check("menu, toolbar, dock and provider", ui == ONE_OF_EACH, ui)

    update(installer, plugins, status)

    installer.uninstallPlugin("border_gaps", quiet=True)
    QgsApplication.processEvents()
    ui = border_gaps_ui()
    report["after_uninstall"] = ui
    check("plugin folder removed", not os.path.exists(plugin_dir), plugin_dir)
    check("nothing of the UI left", not any(ui.values()), ui)
    check("not active", "border_gaps" not in qgis.utils.active_plugins and "border_gaps" not in qgis.utils.plugins)
    modules = sorted(m for m in sys.modules if m == "border_gaps" or m.startswith("border_gaps."))
    check("no plugin module left in Python", not modules, modules[:10])
    plugins.getAllInstalled()
    plugins.rebuild()
    after = plugins.all().get("border_gaps", {})
    check("available again, not installed", after.get(status) == "not installed", after.get(status))


def update(installer, plugins, status):
    """The administrator runs `make repository` again with a new version; the user upgrades."""
    repo_dir, update_dir = os.environ["BG_REPO_DIR"], os.environ["BG_UPDATE_DIR"]
    for name in os.listdir(repo_dir):
        if name.endswith(".zip"):
            os.remove(os.path.join(repo_dir, name))
    for name in os.listdir(update_dir):
        shutil.copyfile(os.path.join(update_dir, name), os.path.join(repo_dir, name))
    new_version = os.environ["BG_UPDATE_VERSION"]
    fetch()
    offered = plugins.all().get("border_gaps", {})
    check("update offered", offered.get(status) == "upgradeable", offered.get(status))
    check("update version", offered.get("version_available") == new_version, offered.get("version_available"))
    installer.installPlugin("border_gaps", quiet=True, stable=not offered.get("experimental"))
    QgsApplication.processEvents()
    upgraded = plugins.all().get("border_gaps", {})
    check(
        "updated version installed", upgraded.get("version_installed") == new_version, upgraded.get("version_installed")
    )
    alg = QgsApplication.processingRegistry().algorithmById("bordergaps:exportmap")
    name = alg.displayName() if alg else None
    # the algorithm modules of the old version must not survive the update in sys.modules
    check("the update's code runs, without a restart", name and name.endswith(os.environ["BG_UPDATE_MARK"]), name)
    ui = border_gaps_ui()
    check(
        "one menu, toolbar, dock after the update",
        ui == {"menu": True, "toolbars": 1, "docks": 1, "provider": True},
        ui,
    )


def main():
    watchdog = QTimer()
    watchdog.timeout.connect(close_modal_dialogs)
    watchdog.start(1000)
    try:
        run()
    except Exception:  # reported to the test, which prints it
        report["errors"].append(traceback.format_exc())
    check("no message box on the way", not report["dialogs"], report["dialogs"])
    finish()


QTimer.singleShot(500, main)
