"""Builds the plugin ZIP users install from QGIS's plugin manager.

The ZIP holds one folder ``border_gaps/`` with only what runs in QGIS: no tests,
benchmarks, CI or build scripts.

The project has no public home yet, so the publishing settings (code repository, issue tracker,
homepage, contact e-mail) are stamped into the ZIP's metadata.txt at build time by whoever
publishes it::

    python scripts/package.py [OUT_DIR] --repository-url URL --tracker-url URL \\
        [--homepage-url URL] --email ADDRESS

(or the environment variables REPOSITORY_URL, TRACKER_URL, HOMEPAGE_URL, EMAIL, which is what
``make package REPOSITORY_URL=...`` sets). Without them the ZIP is an internal build,
``border_gaps-VERSION-internal.zip``, for an agency's own plugin repository only: the public QGIS
plugin repository rejects it (it requires a repository, a tracker and an e-mail).
"""

import argparse
import configparser
import io
import os
import re
import sys
import zipfile
from dataclasses import dataclass
from typing import Dict, Optional
from urllib.parse import urlparse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PLUGIN = "border_gaps"
INCLUDE = [
    "metadata.txt",
    "__init__.py",
    "plugin.py",
    "LICENSE",
    "README.md",
    "analysis",
    "processing",
    "layers",
    "ui",
    "resources",
    "i18n",
]
SKIP_DIRS = {"__pycache__"}
SKIP_SUFFIXES = (".pyc", ".ts", ".pro")
INTERNAL_NOTE = (
    " Internal build, for an agency's own plugin repository: it names no public code repository, "
    "tracker or contact, and is not the release of the public QGIS plugin repository."
)
# Hosts that are documentation placeholders (RFC 2606), never a plugin's real home.
PLACEHOLDER_HOSTS = ("example.org", "example.com", "example.net")
EMAIL_RE = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+"  # local part
    r"@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"  # a domain with a top-level part
)


@dataclass(frozen=True)
class Publishing:
    """The build-time settings that make a ZIP publishable (all empty: an internal build)."""

    repository: str = ""
    tracker: str = ""
    homepage: str = ""
    email: str = ""

    @classmethod
    def from_environment(cls, environ=None) -> "Publishing":
        environ = os.environ if environ is None else environ
        return cls(
            repository=environ.get("REPOSITORY_URL", "").strip(),
            tracker=environ.get("TRACKER_URL", "").strip(),
            homepage=environ.get("HOMEPAGE_URL", "").strip(),
            email=environ.get("EMAIL", "").strip(),
        )

    @property
    def internal(self) -> bool:
        return not (self.repository or self.tracker or self.homepage or self.email)

    def problems(self) -> list:
        """Why these settings cannot go into a publishable ZIP (empty list: they can)."""
        if self.internal:
            return []
        found = []
        for key, value in (("REPOSITORY_URL", self.repository), ("TRACKER_URL", self.tracker)):
            if not value:
                found.append(f"{key} is required to publish (the plugin repository rejects a ZIP without it)")
        for key, value in (
            ("REPOSITORY_URL", self.repository),
            ("TRACKER_URL", self.tracker),
            ("HOMEPAGE_URL", self.homepage),
        ):
            if value:
                found.extend(url_problems(key, value))
        if not self.email:
            found.append("EMAIL is required to publish: the plugin repository sends its approval mail there")
        elif not EMAIL_RE.match(self.email) or _is_placeholder(self.email.rsplit("@", 1)[-1]):
            found.append(f"EMAIL '{self.email}' is not an address that can receive mail")
        return found

    def metadata_values(self) -> Dict[str, str]:
        """metadata.txt keys and the values stamped into the ZIP."""
        return {
            "repository": self.repository,
            "tracker": self.tracker,
            # the plugin repository shows the code repository when there is no homepage of its own
            "homepage": self.homepage or self.repository,
            "email": self.email,
        }


def _is_placeholder(host: str) -> bool:
    host = host.lower().rstrip(".")
    return any(host == p or host.endswith("." + p) for p in PLACEHOLDER_HOSTS)


def url_problems(key: str, url: str) -> list:
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc or " " in url:
        return [f"{key} '{url}' is not an http(s) URL"]
    if _is_placeholder(parsed.hostname or ""):
        return [f"{key} '{url}' is a placeholder address: the plugin repository requires one that answers"]
    return []


def plugin_version(root: str = ROOT) -> str:
    meta = configparser.ConfigParser(interpolation=None)
    meta.read(os.path.join(root, "metadata.txt"), encoding="utf-8")
    return meta["general"]["version"]


def zip_name(publishing: Optional[Publishing] = None, root: str = ROOT) -> str:
    publishing = publishing or Publishing()
    suffix = "-internal" if publishing.internal else ""
    return f"{PLUGIN}-{plugin_version(root)}{suffix}.zip"


def plugin_files(root: str = ROOT):
    """Yield (path on disk, path inside the plugin folder), sorted, for the ZIP."""
    for entry in INCLUDE:
        path = os.path.join(root, entry)
        if os.path.isfile(path):
            yield path, entry
        elif os.path.isdir(path):
            for dirpath, dirnames, filenames in os.walk(path):
                dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
                for name in sorted(filenames):
                    if not name.endswith(SKIP_SUFFIXES):
                        full = os.path.join(dirpath, name)
                        yield full, os.path.relpath(full, root)


def stamped_metadata(text: str, publishing: Publishing) -> str:
    """metadata.txt with the publishing settings, or marked as an internal build.

    Only the ``key=value`` lines of those keys change; comments, order and the multi-line
    changelog stay as they are.
    """
    values = publishing.metadata_values()
    out = []
    for line in text.splitlines(keepends=True):
        key = line.split("=", 1)[0].strip() if "=" in line and not line[:1].isspace() else None
        ending = "\n" if line.endswith("\n") else ""
        if key in values:
            line = f"{key}={values[key]}{ending}"
        elif key == "about" and publishing.internal:
            line = line.rstrip("\r\n") + INTERNAL_NOTE + ending
        out.append(line)
    return "".join(out)


def build_zip(out_dir: str, publishing: Optional[Publishing] = None, name: Optional[str] = None) -> str:
    """Write the ZIP into ``out_dir`` and return its path (``name``: another file name)."""
    publishing = publishing or Publishing()
    problems = publishing.problems()
    if problems:
        raise ValueError("cannot build a publishable ZIP:\n  " + "\n  ".join(problems))
    os.makedirs(out_dir, exist_ok=True)
    target = os.path.join(out_dir, name or zip_name(publishing))
    tmp = target + ".part"
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        for full, rel in plugin_files():
            info = zipfile.ZipInfo(f"{PLUGIN}/{rel}", date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            with open(full, "rb") as fh:
                data = fh.read()
            if rel == "metadata.txt":
                data = stamped_metadata(data.decode("utf-8"), publishing).encode("utf-8")
            zf.writestr(info, data)
    os.replace(tmp, target)
    return target


def zip_metadata(path: str) -> configparser.SectionProxy:
    with zipfile.ZipFile(path) as zf:
        text = zf.read(f"{PLUGIN}/metadata.txt").decode("utf-8")
    meta = configparser.ConfigParser(interpolation=None)
    meta.read_file(io.StringIO(text))
    return meta["general"]


def main(argv=None) -> int:
    env = Publishing.from_environment()
    parser = argparse.ArgumentParser(description="Build the Border Gaps plugin ZIP.")
    parser.add_argument("out_dir", nargs="?", default=os.path.join(ROOT, "dist"))
    parser.add_argument("--repository-url", default=env.repository)
    parser.add_argument("--tracker-url", default=env.tracker)
    parser.add_argument("--homepage-url", default=env.homepage)
    parser.add_argument("--email", default=env.email)
    args = parser.parse_args(argv)
    publishing = Publishing(args.repository_url, args.tracker_url, args.homepage_url, args.email)
    try:
        path = build_zip(args.out_dir, publishing)
    except ValueError as exc:
        print(f"package: {exc}", file=sys.stderr)
        return 2
    print(f"{path} ({os.path.getsize(path) / 1024:.0f} KiB)")
    if publishing.internal:
        print(
            "package: INTERNAL BUILD, for an agency's own plugin repository only (see `make repository`).\n"
            "  It names no public code repository, tracker or e-mail, so plugins.qgis.org rejects it.\n"
            "  To publish: make package REPOSITORY_URL=https://... TRACKER_URL=https://... "
            "HOMEPAGE_URL=https://... EMAIL=you@agency..."
        )
        return 0
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from validate_package import validate

    found = validate(path)
    for level, text in found:
        print(f"package: {level}: {text}")
    if any(level == "error" for level, _ in found):
        print("package: this ZIP would be rejected or blocked by the plugin repository", file=sys.stderr)
        return 1
    print(
        "package: publishable build, passes the plugin repository's offline checks and security scan.\n"
        "  Before uploading: the repository, tracker and homepage URLs must answer an HTTP request\n"
        f"  (python -P scripts/validate_package.py --online {os.path.relpath(path)}) and the plugin repository\n"
        f"  sends its approval mail to {publishing.email}."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
