"""Builds the plugin ZIP users install from QGIS's plugin manager.

The ZIP holds one folder ``border_gaps/`` with only what runs in QGIS: no tests,
benchmarks, CI or build scripts. Usage: ``python scripts/package.py [OUT_DIR]``.
"""

import configparser
import os
import sys
import zipfile

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


def plugin_version(root: str = ROOT) -> str:
    meta = configparser.ConfigParser(interpolation=None)
    meta.read(os.path.join(root, "metadata.txt"), encoding="utf-8")
    return meta["general"]["version"]


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


def build_zip(out_dir: str) -> str:
    os.makedirs(out_dir, exist_ok=True)
    target = os.path.join(out_dir, f"{PLUGIN}-{plugin_version()}.zip")
    tmp = target + ".part"
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        for full, rel in plugin_files():
            info = zipfile.ZipInfo(f"{PLUGIN}/{rel}", date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            with open(full, "rb") as fh:
                zf.writestr(info, fh.read())
    os.replace(tmp, target)
    return target


if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "dist")
    path = build_zip(out)
    print(f"{path} ({os.path.getsize(path) / 1024:.0f} KiB)")
