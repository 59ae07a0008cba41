"""metadata.txt satisfies the plugin repository's checks and covers this QGIS."""

import configparser
import os
import re

from qgis.core import Qgis

REQUIRED = [
    "name",
    "qgisMinimumVersion",
    "description",
    "about",
    "version",
    "author",
    "tags",
    "category",
    "hasProcessingProvider",
    "icon",
    "changelog",
]


# No public home yet: stamped into the ZIP at build time (scripts/package.py, tests/test_publishable.py).
PUBLISHING = ["email", "repository", "tracker", "homepage"]


def _meta(repo_root):
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(os.path.join(repo_root, "metadata.txt"), encoding="utf-8")
    return parser["general"]


def _version_tuple(text):
    return tuple(int(x) for x in text.split("."))


def test_required_fields(repo_root):
    meta = _meta(repo_root)
    for key in REQUIRED:
        assert meta.get(key, "").strip(), f"metadata.txt lacks {key}"
    for key in PUBLISHING:  # present, and filled in by `make package EMAIL=... REPOSITORY_URL=...`
        assert key in meta, f"metadata.txt lacks {key}"
    assert meta["name"] == "Border Gaps"
    assert meta["category"] == "Analysis"
    assert meta["hasProcessingProvider"] == "yes"
    assert meta["qgisMinimumVersion"] == "3.22"
    assert os.path.isfile(os.path.join(repo_root, meta["icon"]))


def test_qgis_version_in_range(repo_root):
    meta = _meta(repo_root)
    running = _version_tuple(Qgis.QGIS_VERSION.split("-")[0])[:2]
    assert _version_tuple(meta["qgisMinimumVersion"]) <= running
    assert running <= _version_tuple(meta["qgisMaximumVersion"])


def test_version_matches_changelog(repo_root):
    meta = _meta(repo_root)
    assert re.fullmatch(r"\d+\.\d+\.\d+", meta["version"])
    first_entry = meta["changelog"].strip().splitlines()[0]
    assert first_entry.startswith(meta["version"] + " "), first_entry


def test_zip_holds_only_the_plugin(repo_root, tmp_path):
    import runpy
    import zipfile

    package = runpy.run_path(os.path.join(repo_root, "scripts", "package.py"))
    path = package["build_zip"](str(tmp_path))
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
    assert "border_gaps/metadata.txt" in names
    assert "border_gaps/__init__.py" in names
    assert all(n.startswith("border_gaps/") for n in names)
    for banned in ("tests/", "benchmarks/", ".ci/", "scripts/", "__pycache__", ".git/"):
        assert not any(f"/{banned}" in n for n in names), banned
    assert os.path.getsize(path) < 10 * 1024 * 1024


def test_admits_qgis_4_without_the_deprecated_qt6_flag(repo_root):
    """QGIS 4 refuses a plugin whose qgisMaximumVersion is 3.x; the Qt6 checks (test_qt6_readiness,
    test_ui_qt6) are what make 4.99 honest. supportsQt6 is deprecated and flagged by the repository."""
    meta = _meta(repo_root)
    assert _version_tuple(meta["qgisMaximumVersion"]) == (4, 99)
    assert "supportsqt6" not in {key.lower() for key in meta}
