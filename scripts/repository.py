"""Writes a QGIS plugin repository folder for an agency's own network: ``make repository``.

The folder (default ``dist/repository/``) holds what QGIS's plugin manager reads from a repository
URL, so any intranet web server, or a shared drive through a ``file://`` URL, can serve it:

    plugins.xml               the list the plugin manager fetches (format of plugins.qgis.org)
    border_gaps.VERSION.zip   the plugin ZIP (the name before the first dot is the plugin's id)
    border_gaps.svg           the icon shown in the plugin manager
    index.html                a page for people: what this is and the URL to add in QGIS

``plugins.xml`` names the ZIP and the icon by absolute URLs under the base URL the repository is
served from (``--base-url`` / BASE_URL, default: the folder's own ``file://`` URL). Users add
``BASE_URL/plugins.xml`` in Plugins > Manage and Install Plugins > Settings > Add.

Usage: python -P scripts/repository.py [--out DIR] [--base-url URL] [publishing settings as package.py]
"""

import argparse
import html
import os
import runpy
import shutil
import sys
import xml.etree.ElementTree as ET
from datetime import datetime, timezone
from pathlib import Path

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PACKAGE = runpy.run_path(os.path.join(HERE, "package.py"))
PLUGIN = PACKAGE["PLUGIN"]


def _flag(value: str) -> str:
    return "True" if str(value).strip().lower() in ("true", "yes", "1") else "False"


def folder_url(folder: str) -> str:
    """The file:// URL of a folder, as QGIS on this machine opens it."""
    return Path(folder).resolve().as_uri()


def build_timestamp() -> datetime:
    """Now, or SOURCE_DATE_EPOCH for a reproducible build."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return datetime.fromtimestamp(int(epoch), timezone.utc) if epoch else datetime.now(timezone.utc)


def plugins_xml(meta, zip_name: str, icon_name: str, base_url: str, when: datetime) -> bytes:
    """plugins.xml with one <pyqgis_plugin>, the elements QGIS's plugin installer reads."""
    base = base_url.rstrip("/")
    root = ET.Element("plugins")
    node = ET.SubElement(root, "pyqgis_plugin", name=meta["name"], version=meta["version"], plugin_id=PLUGIN)
    stamp = when.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    elements = [
        ("description", meta.get("description", "")),
        ("about", meta.get("about", "")),
        ("version", meta["version"]),
        ("trusted", "False"),
        ("qgis_minimum_version", meta.get("qgisMinimumVersion", "")),
        ("qgis_maximum_version", meta.get("qgisMaximumVersion", "")),
        ("homepage", meta.get("homepage", "")),
        ("file_name", zip_name),
        ("icon", f"{base}/{icon_name}"),
        ("author_name", meta.get("author", "")),
        ("author_email", meta.get("email", "")),
        ("download_url", f"{base}/{zip_name}"),
        ("uploaded_by", meta.get("author", "")),
        ("create_date", stamp),
        ("update_date", stamp),
        ("experimental", _flag(meta.get("experimental", "False"))),
        ("deprecated", _flag(meta.get("deprecated", "False"))),
        ("tracker", meta.get("tracker", "")),
        ("repository", meta.get("repository", "")),
        ("tags", meta.get("tags", "")),
        ("category", meta.get("category", "")),
        ("changelog", meta.get("changelog", "").strip()),
        ("downloads", "0"),
        ("average_vote", "0"),
        ("rating_votes", "0"),
        ("external_dependencies", ""),
        ("server", _flag(meta.get("server", "False"))),
    ]
    for tag, text in elements:
        ET.SubElement(node, tag).text = text
    ET.indent(root)
    return ET.tostring(root, encoding="UTF-8", xml_declaration=True) + b"\n"


def index_html(meta, zip_name: str, base_url: str) -> str:
    name, version, url = (html.escape(x) for x in (meta["name"], meta["version"], base_url.rstrip("/")))
    experimental = _flag(meta.get("experimental", "False")) == "True"
    note = (
        "<p>This version is marked <em>experimental</em>: in the plugin manager's Settings tick "
        "<q>Show also experimental plugins</q> to see it.</p>"
        if experimental
        else ""
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{name} plugin repository</title></head>
<body>
<h1>{name} {version}</h1>
<p>{html.escape(meta.get("description", ""))}</p>
<p>To install it in QGIS: <b>Plugins &gt; Manage and Install Plugins &gt; Settings &gt; Add…</b>, URL
<code>{url}/plugins.xml</code>, then find {name} under <b>All</b> and click <b>Install</b>.</p>
{note}
<p>Or download <a href="{html.escape(zip_name)}">{html.escape(zip_name)}</a> and use
<b>Install from ZIP</b>.</p>
</body></html>
"""


def build_repository(out_dir: str, base_url: str = "", publishing=None) -> dict:
    """Write the repository folder; returns {"folder", "base_url", "zip", "plugins_xml", "url"}."""
    out_dir = os.path.abspath(out_dir)
    os.makedirs(out_dir, exist_ok=True)
    base_url = base_url.strip() or folder_url(out_dir)
    version = PACKAGE["plugin_version"]()
    zip_name = f"{PLUGIN}.{version}.zip"
    for old in os.listdir(out_dir):  # earlier versions: the repository lists only the current one
        if old.startswith(f"{PLUGIN}.") and old.endswith(".zip") and old != zip_name:
            os.remove(os.path.join(out_dir, old))
    zip_path = PACKAGE["build_zip"](out_dir, publishing, name=zip_name)
    meta = PACKAGE["zip_metadata"](zip_path)
    icon = meta.get("icon", "")
    icon_name = os.path.basename(icon)
    shutil.copyfile(os.path.join(ROOT, icon), os.path.join(out_dir, icon_name))
    xml_path = os.path.join(out_dir, "plugins.xml")
    tmp = xml_path + ".part"
    with open(tmp, "wb") as fh:
        fh.write(plugins_xml(meta, zip_name, icon_name, base_url, build_timestamp()))
    os.replace(tmp, xml_path)  # a client reading during an update sees the old list or the new one
    with open(os.path.join(out_dir, "index.html"), "w", encoding="utf-8") as fh:
        fh.write(index_html(meta, zip_name, base_url))
    return {
        "folder": out_dir,
        "base_url": base_url,
        "zip": zip_path,
        "plugins_xml": xml_path,
        "url": base_url.rstrip("/") + "/plugins.xml",
    }


def main(argv=None) -> int:
    env = PACKAGE["Publishing"].from_environment()
    parser = argparse.ArgumentParser(description="Write a QGIS plugin repository folder for Border Gaps.")
    parser.add_argument("--out", default=os.environ.get("REPOSITORY_DIR") or os.path.join(ROOT, "dist", "repository"))
    parser.add_argument("--base-url", default=os.environ.get("BASE_URL", ""), help="URL the folder is served from")
    parser.add_argument("--repository-url", default=env.repository)
    parser.add_argument("--tracker-url", default=env.tracker)
    parser.add_argument("--homepage-url", default=env.homepage)
    parser.add_argument("--email", default=env.email)
    args = parser.parse_args(argv)
    publishing = PACKAGE["Publishing"](args.repository_url, args.tracker_url, args.homepage_url, args.email)
    try:
        built = build_repository(args.out, args.base_url, publishing)
    except ValueError as exc:
        print(f"repository: {exc}", file=sys.stderr)
        return 2
    print(f"repository: {built['folder']}")
    for name in sorted(os.listdir(built["folder"])):
        print(f"  {name}")
    print(
        f"repository: in QGIS add this URL (Plugins > Manage and Install Plugins > Settings > Add):\n  {built['url']}"
    )
    if built["base_url"].startswith("file:"):
        print(
            "repository: that is a file:// URL of this machine. To serve the folder from a web server or a\n"
            "  shared drive, copy it there and rebuild with BASE_URL=<its URL> (make repository BASE_URL=...)."
        )
    if publishing.internal:
        print("repository: the ZIP is an internal build (no public repository, tracker or e-mail stamped).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
