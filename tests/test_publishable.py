"""The ZIP passes what the public QGIS plugin repository runs on an upload (offline part), and a
plain build says it is internal.

scripts/validate_package.py is our implementation of the repository's validator.py checks and of its
security scan (bandit, detect-secrets, file checks) plus its Qt6 check. The URLs here use the
reserved .test domain: the project has no public home yet, and nothing here goes online.
"""

import hashlib
import os
import runpy
import sys
import zipfile

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPTS = os.path.join(ROOT, "scripts")
REPOSITORY = "https://git.agency.test/gis/border_gaps"
TRACKER = "https://git.agency.test/gis/border_gaps/issues"
EMAIL = "gis-team@agency.test"


@pytest.fixture(scope="module")
def package():
    return runpy.run_path(os.path.join(SCRIPTS, "package.py"))


@pytest.fixture(scope="module")
def validate():
    sys.path.insert(0, SCRIPTS)
    try:
        import validate_package
    finally:
        sys.path.remove(SCRIPTS)
    return validate_package.validate


@pytest.fixture(scope="module")
def public_zip(package, tmp_path_factory):
    publishing = package["Publishing"](repository=REPOSITORY, tracker=TRACKER, email=EMAIL)
    return package["build_zip"](str(tmp_path_factory.mktemp("public")), publishing)


def test_public_build_passes_the_offline_checks_and_the_security_scan(public_zip, validate, package):
    assert os.path.basename(public_zip) == f"border_gaps-{package['plugin_version']()}.zip"
    found = validate(public_zip)  # layout, metadata, bandit, detect-secrets, file checks, Qt6
    assert found == [], found
    meta = package["zip_metadata"](public_zip)
    assert (meta["repository"], meta["tracker"], meta["email"]) == (REPOSITORY, TRACKER, EMAIL)
    assert meta["homepage"] == REPOSITORY  # no homepage given: the code repository stands in
    assert "Internal build" not in meta["about"]
    assert meta["qgisMaximumVersion"] == "4.99"


def test_plain_build_is_internal_and_says_so(package, validate, tmp_path, capsys):
    assert package["main"]([str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "INTERNAL BUILD" in out and "plugins.qgis.org rejects it" in out
    (path,) = tmp_path.iterdir()
    assert path.name == f"border_gaps-{package['plugin_version']()}-internal.zip"
    meta = package["zip_metadata"](str(path))
    assert "Internal build, for an agency's own plugin repository" in meta["about"]
    assert [meta[k] for k in ("repository", "tracker", "homepage", "email")] == ["", "", "", ""]
    # what the repository would refuse it for, and only that
    errors = sorted(text for level, text in validate(str(path), security=False, qt6=False) if level == "error")
    assert errors == [
        "metadata.txt: email is required and empty or missing",
        "metadata.txt: repository is required and empty or missing",
        "metadata.txt: tracker is required and empty or missing",
    ]


@pytest.mark.parametrize(
    "settings, message",
    [
        ({"repository": "https://example.org/border-gaps", "tracker": TRACKER, "email": EMAIL}, "placeholder"),
        ({"repository": REPOSITORY, "email": EMAIL}, "TRACKER_URL is required"),
        ({"repository": REPOSITORY, "tracker": "git.agency.test/issues", "email": EMAIL}, "not an http(s) URL"),
        ({"repository": REPOSITORY, "tracker": TRACKER, "email": "gis-team"}, "can receive mail"),
        ({"repository": REPOSITORY, "tracker": TRACKER, "email": "x@example.org"}, "can receive mail"),
        ({"repository": REPOSITORY, "tracker": TRACKER}, "EMAIL is required"),
    ],
)
def test_refuses_to_stamp_what_the_repository_rejects(package, tmp_path, settings, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        package["build_zip"](str(tmp_path), package["Publishing"](**settings))
    assert not list(tmp_path.iterdir())


def test_make_package_reads_the_settings_from_the_environment(package):
    publishing = package["Publishing"].from_environment(
        {"REPOSITORY_URL": REPOSITORY, "TRACKER_URL": TRACKER, "HOMEPAGE_URL": " ", "EMAIL": EMAIL}
    )
    assert (publishing.repository, publishing.tracker, publishing.homepage, publishing.email) == (
        REPOSITORY,
        TRACKER,
        "",
        EMAIL,
    )
    assert not publishing.internal and publishing.problems() == []


def _variant(source, target, drop=(), replace=None, add=None, mode=None):
    """A copy of the ZIP ``source`` with entries dropped, replaced or added (name -> bytes)."""
    replace, add = replace or {}, add or {}
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for info in zin.infolist():
            if info.filename in drop:
                continue
            zout.writestr(info, replace.get(info.filename, zin.read(info.filename)))
        for name, data in add.items():
            info = zipfile.ZipInfo(name)
            info.external_attr = (mode or 0o644) << 16
            zout.writestr(info, data)
    return str(target)


def _metadata_with(public_zip, old, new):
    with zipfile.ZipFile(public_zip) as zf:
        text = zf.read("border_gaps/metadata.txt").decode("utf-8")
    assert old in text
    return {"border_gaps/metadata.txt": text.replace(old, new, 1).encode("utf-8")}


@pytest.mark.parametrize(
    "case, expected",
    [
        ("pycache", "forbidden folder __pycache__"),
        ("second_folder", "more than one top folder"),
        ("no_license", "border_gaps/LICENSE is missing"),
        ("percent_in_about", "cannot be read as the repository reads it"),
        ("bad_version", "version 'v0.2' is not dotted numbers"),
        ("slash_in_author", "author cannot contain slashes"),
        ("supports_qt6", "supportsQt6 is deprecated"),
        ("template_tracker", "tracker is the template's 'http://bugs'"),
        ("shell_script", "executable or binary file type: border_gaps/install.sh"),
        ("sha1", "bandit B324"),
        ("password", "bandit B105"),
        ("unscoped_enum", "Qt6: border_gaps/extra.py:2: QgsWkbTypes.Point"),
    ],
)
def test_the_checks_catch_what_the_repository_rejects(public_zip, validate, tmp_path, case, expected):
    extra = "border_gaps/extra.py"
    variants = {
        "pycache": {"add": {"border_gaps/__pycache__/plugin.cpython-311.pyc": b"\0"}},
        "second_folder": {"add": {"other/readme.txt": b"x"}},
        "no_license": {"drop": {"border_gaps/LICENSE"}},
        "percent_in_about": {"replace": _metadata_with(public_zip, "about=", "about=100% offline. ")},
        "bad_version": {"replace": _metadata_with(public_zip, "version=0.1.0", "version=v0.2")},
        "slash_in_author": {"replace": _metadata_with(public_zip, "author=", "author=GIS/Border team, ")},
        "supports_qt6": {"replace": _metadata_with(public_zip, "[general]", "[general]\nsupportsQt6=True")},
        "template_tracker": {"replace": _metadata_with(public_zip, f"tracker={TRACKER}", "tracker=http://bugs")},
        "shell_script": {"add": {"border_gaps/install.sh": b"#!/bin/sh\n"}, "mode": 0o755},
        "sha1": {"add": {extra: b"import hashlib\n\nKEY = hashlib.sha1(b'layer').hexdigest()\n"}},
        "password": {"add": {extra: b'password = "hunter2"\n'}},
        "unscoped_enum": {"add": {extra: b"from qgis.core import QgsWkbTypes\nPOINT = QgsWkbTypes.Point\n"}},
    }
    security = case in ("sha1", "password")
    base = public_zip
    if security:  # the scanners on a small plugin (the whole ZIP takes them ~20 s)
        with zipfile.ZipFile(public_zip) as zf:
            keep = {"border_gaps/metadata.txt", "border_gaps/__init__.py", "border_gaps/LICENSE"}
            drop = {n for n in zf.namelist() if n not in keep}
        base = _variant(public_zip, tmp_path / "small.zip", drop=drop)
    path = _variant(base, tmp_path / f"{case}.zip", **variants[case])
    found = validate(path, security=security, qt6=case == "unscoped_enum")
    assert any(expected in text for _level, text in found), found


def test_field_mapping_key_unchanged_by_the_bandit_fix(qgis_app):
    """usedforsecurity=False keeps the digest, so mappings users saved before are still found."""
    from qgis.core import QgsVectorLayer

    from border_gaps.analysis.fieldmap import SETTINGS_GROUP, _settings_key

    layer = QgsVectorLayer("Point?crs=EPSG:4326&field=name:string", "villages", "memory")
    old_key = hashlib.new("sha1", f"memory|{layer.source()}".encode()).hexdigest()[:20]
    assert _settings_key(layer) == f"{SETTINGS_GROUP}/{old_key}"
