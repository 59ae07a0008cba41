"""Checks a plugin ZIP the way the public QGIS plugin repository does on upload, offline.

Our own implementation of what plugins.qgis.org runs (qgis/QGIS-Plugins-Website:
``qgis-app/plugins/validator.py``, the field rules of its models, and the security scan of
``security_scanner.py``), so a publishing agency knows before uploading:

* archive: size <= 25 MB, readable, no path tricks (``..``, absolute, backslash, drive letter),
  no ``.pyc``, ``__pycache__``, ``.git`` or ``__MACOSX``; one top folder, named like a Python
  package and matching ``^[A-Za-z][A-Za-z0-9-_]+$``, with ``__init__.py``, ``metadata.txt``, LICENSE;
* metadata.txt: parses as the repository parses it (interpolation on), section [general], the
  required fields non-empty (name, description, version, qgisMinimumVersion, author, email, about,
  tracker, repository), field lengths, version formats, boolean flags, author without '/',
  icon present in the ZIP, no deprecated ``supportsQt6``; URLs http(s) with a host and not a
  placeholder, e-mail an address;
* security scan (blocking on the repository): bandit with the rules the repository enables, any
  finding blocks; detect-secrets, any finding blocks; no executable .py, no .exe/.dll/.so/.sh/...,
  no hidden files;
* Qt6: the pyqt5_to_pyqt6 check the repository runs, as scripts/qt6_check.py.

``--online`` also sends the HEAD requests the repository sends to tracker, repository and homepage
(each must answer within 10 s with a status below 400). Whether the e-mail receives mail cannot be
checked from here: the repository sends its approval mail to it.

Usage: python -P scripts/validate_package.py [--online] ZIP    (exit 0: nothing blocks the upload)
"""

import argparse
import configparser
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from urllib.parse import urlparse

HERE = os.path.dirname(os.path.abspath(__file__))
MAX_SIZE = 25_000_000  # bytes, PLUGIN_MAX_UPLOAD_SIZE
REQUIRED = ("name", "description", "version", "qgisMinimumVersion", "author", "email", "about", "tracker", "repository")
URL_FIELDS = (("tracker", "http://bugs"), ("repository", "http://repo"), ("homepage", "http://homepage"))
BOOLEANS = ("experimental", "deprecated", "server")
LENGTHS = {"name": 256, "author": 256, "version": 32, "qgisMinimumVersion": 32, "qgisMaximumVersion": 32}
FORBIDDEN_DIRS = ("__MACOSX", ".git", "__pycache__")
SUSPICIOUS = (".exe", ".dll", ".so", ".dylib", ".bat", ".sh", ".ps1", ".cmd")
HIDDEN_ALLOWED = (".gitignore", ".gitattributes", ".bandit", ".secrets.baseline", ".flake8")
# Bandit tests the repository leaves disabled; it runs every other one at every severity.
BANDIT_DISABLED = ("B109", "B404", "B410", "B411")
VERSION_RE = re.compile(r"^\d+(\.\d+){1,3}$")


def _problem(found, text, blocking=True):
    found.append(("error" if blocking else "warning", text))


def check_archive(path, found):
    """Archive layout; returns (ZipFile, package folder) or (None, None) when unreadable."""
    if os.path.getsize(path) > MAX_SIZE:
        _problem(found, f"ZIP is {os.path.getsize(path) / 1e6:.1f} MB; the limit is {MAX_SIZE / 1e6:.0f} MB")
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        _problem(found, "not a readable ZIP file")
        return None, None
    names = zf.namelist()
    for name in names:
        if ".." in name or name.startswith("/"):
            _problem(found, f"path information in the ZIP: {name}")
        if ".pyc" in name:
            _problem(found, f"compiled Python in the ZIP: {name}")
        if "\\" in name or re.match(r"^[A-Za-z]:", name):
            _problem(found, f"not a valid ZIP name (backslash or drive letter): {name}")
        for forbidden in FORBIDDEN_DIRS:
            if forbidden in name.split("/"):
                _problem(found, f"forbidden folder {forbidden} in the ZIP: {name}")
    bad = zf.testzip()
    if bad:
        _problem(found, f"bad ZIP entry (CRC): {bad}")
    tops = sorted({n.split("/")[0] for n in names})
    if len(tops) > 1:
        _problem(found, f"more than one top folder: {', '.join(tops)}", blocking=False)
    if not names or "/" not in names[0]:
        _problem(found, "no folder inside the ZIP (the first entry must be inside the plugin folder)")
        return zf, None
    package = names[0].split("/")[0]
    if not package.isidentifier() or not re.match(r"^[A-Za-z][A-Za-z0-9-_]+$", package):
        _problem(found, f"top folder '{package}' is not a valid Python package name")
    for required in ("__init__.py", "metadata.txt", "LICENSE"):
        if f"{package}/{required}" not in names:
            _problem(found, f"{package}/{required} is missing")
    return zf, package


def read_metadata(zf, package):
    """metadata.txt as the repository reads it: ConfigParser with its default interpolation."""
    parser = configparser.ConfigParser()
    parser.optionxform = str
    parser.read_file(io.StringIO(zf.read(f"{package}/metadata.txt").decode("utf-8")))
    return dict(parser.items("general"))


def _version_tuple(text):
    return tuple(int(part) for part in text.split("."))


def check_metadata(zf, package, found):
    try:
        meta = read_metadata(zf, package)
    except (configparser.Error, KeyError, UnicodeDecodeError) as exc:
        _problem(found, f"metadata.txt cannot be read as the repository reads it: {exc}")
        return {}
    for key in REQUIRED:
        if not meta.get(key, "").strip():
            _problem(found, f"metadata.txt: {key} is required and empty or missing")
    for key, limit in LENGTHS.items():
        if len(meta.get(key, "").strip()) > limit:
            _problem(found, f"metadata.txt: {key} is longer than {limit} characters")
    version = meta.get("version", "").strip().rsplit(" ", 1)[-1]
    if version and not VERSION_RE.match(version):
        _problem(found, f"metadata.txt: version '{version}' is not dotted numbers")
    low, high = meta.get("qgisMinimumVersion", "").strip(), meta.get("qgisMaximumVersion", "").strip()
    for key, value in (("qgisMinimumVersion", low), ("qgisMaximumVersion", high)):
        if value and not VERSION_RE.match(value):
            _problem(found, f"metadata.txt: {key} '{value}' is not a QGIS version")
    if VERSION_RE.match(low or "x") and _version_tuple(low) < (1, 8):
        _problem(found, "metadata.txt: qgisMinimumVersion below 1.8 needs the metadata in __init__.py too")
    if VERSION_RE.match(low or "x") and VERSION_RE.match(high or "x") and _version_tuple(low) > _version_tuple(high):
        _problem(found, f"metadata.txt: qgisMinimumVersion {low} is above qgisMaximumVersion {high}")
    for key in BOOLEANS:
        if key in meta and meta[key].strip().lower() not in ("true", "false", "yes", "no", "1", "0"):
            _problem(found, f"metadata.txt: {key}='{meta[key]}' is not a boolean")
    if "/" in meta.get("author", ""):
        _problem(found, "metadata.txt: author cannot contain slashes")
    if "supportsQt6" in meta:
        _problem(found, "metadata.txt: supportsQt6 is deprecated (the repository checks Qt6 itself)", blocking=False)
    icon = meta.get("icon", "").strip()
    icon = icon[2:] if icon.startswith("./") else icon
    if not icon or f"{package}/{icon}" not in zf.namelist():
        _problem(found, f"metadata.txt: icon '{icon}' is not in the ZIP", blocking=False)
    sys.path.insert(0, HERE)
    try:
        from package import EMAIL_RE, url_problems
    finally:
        sys.path.remove(HERE)
    for key, forbidden in URL_FIELDS:
        url = meta.get(key, "").strip()
        if not url:
            continue
        if url == forbidden:
            _problem(found, f"metadata.txt: {key} is the template's '{forbidden}'")
        for text in url_problems(key, url):
            _problem(found, f"metadata.txt: {text}")
    email = meta.get("email", "").strip()
    if email and not EMAIL_RE.match(email):
        _problem(found, f"metadata.txt: email '{email}' is not an e-mail address")
    elif email:
        for text in url_problems("email", "https://" + email.rsplit("@", 1)[-1]):
            _problem(found, f"metadata.txt: {text.replace('https://', '')}")
    return meta


def check_files(zf, found):
    """The repository's file checks: executable .py, binaries and scripts, hidden files."""
    for info in zf.infolist():
        mode = info.external_attr >> 16
        base = os.path.basename(info.filename)
        if mode & 0o111 and info.filename.endswith(".py"):
            _problem(found, f"executable Python file: {info.filename}", blocking=False)
        if info.filename.lower().endswith(SUSPICIOUS):
            _problem(found, f"executable or binary file type: {info.filename}")
        if base.startswith(".") and base not in HIDDEN_ALLOWED:
            _problem(found, f"hidden file: {info.filename}", blocking=False)


def _tool(name):
    local = os.path.join(os.path.dirname(sys.executable), name)
    return local if os.path.exists(local) else shutil.which(name)


def check_security(folder, found):
    """bandit and detect-secrets over the extracted ZIP: any finding blocks the upload."""
    bandit = _tool("bandit")
    if not bandit:
        _problem(found, "bandit is not installed (make deps): the security scan was not run")
    else:
        proc = subprocess.run(
            [bandit, "-r", folder, "-f", "json", "-q", "-s", ",".join(BANDIT_DISABLED)],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        try:
            report = json.loads(proc.stdout)
        except json.JSONDecodeError:
            _problem(found, f"bandit did not report: {proc.stderr[-500:]}")
            report = {"results": [], "errors": []}
        for issue in report.get("results", []):
            where = os.path.relpath(issue["filename"], folder)
            _problem(
                found,
                f"bandit {issue['test_id']} ({issue['issue_severity']}) {where}:{issue['line_number']}: "
                f"{issue['issue_text']}",
            )
        for error in report.get("errors", []):
            _problem(found, f"bandit could not read {error.get('filename')}: {error.get('reason')}")
    secrets = _tool("detect-secrets")
    if not secrets:
        _problem(found, "detect-secrets is not installed (make deps): the secrets scan was not run")
        return
    proc = subprocess.run(
        [secrets, "scan", "--all-files", "--exclude-files", r"metadata\.txt", "."],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    try:
        results = json.loads(proc.stdout).get("results", {})
    except json.JSONDecodeError:
        _problem(found, f"detect-secrets did not report: {proc.stderr[-500:]}")
        return
    for path, hits in results.items():
        for hit in hits:
            _problem(found, f"detect-secrets: {hit.get('type')} in {path}:{hit.get('line_number')}")


def check_qt6(folder, found):
    """The pyqt5_to_pyqt6 check the repository runs (as scripts/qt6_check.py, needs PyQGIS)."""
    sys.path.insert(0, HERE)
    try:
        import qt6_check
    except ImportError as exc:
        _problem(found, f"Qt6 check not run ({exc})", blocking=False)
        return
    finally:
        sys.path.remove(HERE)
    paths = []
    for dirpath, _dirs, files in os.walk(folder):
        paths.extend(os.path.join(dirpath, f) for f in files if f.endswith(".py"))
    findings, _ = qt6_check.scan_files(sorted(paths))
    for finding in findings:
        if finding.error:
            where = os.path.relpath(finding.path, folder)
            _problem(found, f"Qt6: {where}:{finding.line}: {finding.text} (the repository marks it not Qt6-compatible)")


def check_online(meta, found, timeout=10):
    """The repository's HEAD requests: each URL answers within 10 s with a status below 400."""
    import urllib.error
    import urllib.request

    for key, _forbidden in URL_FIELDS:
        url = meta.get(key, "").strip()
        if not url or urlparse(url).scheme not in ("http", "https"):
            continue
        request = urllib.request.Request(url, method="HEAD", headers={"User-Agent": "Mozilla/5.0 (validate_package)"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as reply:  # noqa: S310 (http(s) checked above)
                status = reply.status
        except urllib.error.HTTPError as exc:
            status = exc.code
        except OSError as exc:
            _problem(found, f"{key} {url} cannot be reached: {exc}")
            continue
        if status >= 400:
            _problem(found, f"{key} {url} answers HTTP {status}")


def validate(path, online=False, security=True, qt6=True):
    """[(level, message)] for the ZIP at ``path``; level "error" blocks the upload."""
    found = []
    zf, package = check_archive(path, found)
    if zf is None:
        return found
    with zf:
        meta = check_metadata(zf, package, found) if package else {}
        check_files(zf, found)
        if security or qt6:
            folder = tempfile.mkdtemp(prefix="validate_package-")
            try:
                zf.extractall(folder)
                if security:
                    check_security(folder, found)
                if qt6:
                    check_qt6(folder, found)
            finally:
                shutil.rmtree(folder, ignore_errors=True)
    if online:
        check_online(meta, found)
    return found


def main(argv=None):
    parser = argparse.ArgumentParser(description="Check a plugin ZIP as plugins.qgis.org does on upload.")
    parser.add_argument("zip")
    parser.add_argument("--online", action="store_true", help="also send the HEAD requests to the URLs")
    args = parser.parse_args(argv)
    found = validate(args.zip, online=args.online)
    for level, text in found:
        print(f"{level}: {text}")
    errors = sum(1 for level, _ in found if level == "error")
    verdict = "would be rejected or blocked" if errors else "passes the offline checks"
    print(f"validate_package: {os.path.basename(args.zip)} {verdict} ({errors} errors, {len(found) - errors} warnings)")
    if not args.online and not errors:
        print("  not checked offline: that the URLs answer HTTP (--online) and that the e-mail receives mail")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
