"""An agency's own plugin repository (``make repository``) in the real QGIS under Xvfb: a fresh
profile adds it by its file:// URL (a shared drive) or http:// URL (a web server); the plugin
manager lists Border Gaps with its version and installs it from there, then the update the
administrator publishes; uninstalling leaves nothing behind."""

import functools
import http.server
import os
import runpy
import threading
import xml.etree.ElementTree as ET
import zipfile

import pytest

from bg_testing.qgis_runner import E2E_DIR, ROOT, failed_checks, run_qgis

pytestmark = pytest.mark.e2e


def _build(folder, base_url=""):
    return runpy.run_path(os.path.join(ROOT, "scripts", "repository.py"))["build_repository"](str(folder), base_url)


@pytest.fixture(scope="module")
def repository(tmp_path_factory):
    """Served from a shared drive: its file:// URL."""
    return _build(tmp_path_factory.mktemp("agency") / "qgis plugins")  # a space, as on shared drives


@pytest.fixture(params=["file", "http"])
def served(request, repository, tmp_path_factory):
    """The repository on a shared drive (file://) or on an intranet web server (http://, here a
    server on 127.0.0.1 that serves the folder as any static web server would)."""
    if request.param == "file":
        yield repository
        return
    folder = tmp_path_factory.mktemp("webroot")
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield _build(folder, f"http://127.0.0.1:{server.server_address[1]}")
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def test_repository_folder(repository):
    names = sorted(os.listdir(repository["folder"]))
    version = runpy.run_path(os.path.join(ROOT, "scripts", "package.py"))["plugin_version"]()
    assert names == [f"border_gaps.{version}.zip", "border_gaps.svg", "index.html", "plugins.xml"]
    assert repository["url"].startswith("file:///") and repository["url"].endswith("/plugins.xml")
    assert "%20" in repository["url"]  # the space of the folder name, URL-encoded
    node = ET.parse(repository["plugins_xml"]).getroot().find("pyqgis_plugin")
    assert node.get("name") == "Border Gaps" and node.get("version") == version
    assert node.findtext("file_name").partition(".")[0] == "border_gaps"  # how QGIS derives the plugin id
    assert node.findtext("download_url") == repository["base_url"] + f"/border_gaps.{version}.zip"
    assert node.findtext("qgis_minimum_version") == "3.22" and node.findtext("qgis_maximum_version") == "4.99"


UPDATE_VERSION = "99.0.0"
UPDATE_MARK = "(update test)"


def _update(repository, folder):
    """What `make repository` writes for a later version: the same plugin, version 99.0.0, whose
    exportmap algorithm is renamed so the test can tell the new code from the old."""
    tool = runpy.run_path(os.path.join(ROOT, "scripts", "repository.py"))
    old_zip = repository["zip"]
    version = tool["PACKAGE"]["plugin_version"]()
    new_name = f"border_gaps.{UPDATE_VERSION}.zip"
    os.makedirs(folder)
    with zipfile.ZipFile(old_zip) as zin, zipfile.ZipFile(os.path.join(folder, new_name), "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "border_gaps/metadata.txt":
                data = data.replace(f"version={version}".encode(), f"version={UPDATE_VERSION}".encode())
            elif info.filename == "border_gaps/processing/exportmap.py":
                old = b'DISPLAY_NAME = "Export gap map (PDF/PNG)"'
                assert old in data
                data = data.replace(old, f'DISPLAY_NAME = "Export gap map (PDF/PNG) {UPDATE_MARK}"'.encode())
            zout.writestr(info, data)
    meta = tool["PACKAGE"]["zip_metadata"](os.path.join(folder, new_name))
    xml = tool["plugins_xml"](meta, new_name, "border_gaps.svg", repository["base_url"], tool["build_timestamp"]())
    with open(os.path.join(folder, "plugins.xml"), "wb") as fh:
        fh.write(xml)
    return folder


def test_install_update_uninstall_from_the_agency_repository_in_real_qgis(served, tmp_path):
    repository = served
    version = runpy.run_path(os.path.join(ROOT, "scripts", "package.py"))["plugin_version"]()
    update_dir = _update(repository, str(tmp_path / "update"))
    code, report, output = run_qgis(
        os.path.join(E2E_DIR, "qgis_repository_script.py"),
        f"plugin_repository_{'http' if repository['base_url'].startswith('http') else 'file'}",
        tmp_path,
        {
            "BG_REPO_URL": repository["url"],
            "BG_REPO_DIR": repository["folder"],
            "BG_VERSION": version,
            "BG_UPDATE_DIR": update_dir,
            "BG_UPDATE_VERSION": UPDATE_VERSION,
            "BG_UPDATE_MARK": UPDATE_MARK,
        },
    )
    assert report, f"QGIS wrote no report (exit {code}):\n{output[-3000:]}"
    assert not report["errors"], "\n".join(report["errors"])
    assert not failed_checks(report), failed_checks(report)
    assert code == 0, output[-3000:]
