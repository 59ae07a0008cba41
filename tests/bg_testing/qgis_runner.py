"""Starting the real QGIS application under Xvfb for end-to-end tests."""

import json
import os
import runpy
import shutil
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
E2E_DIR = os.path.join(ROOT, "tests", "e2e")
OUT_ROOT = os.path.join(E2E_DIR, "out")  # git-ignored; screenshots land here


def build_plugin_zip(out_dir):
    return runpy.run_path(os.path.join(ROOT, "scripts", "package.py"))["build_zip"](str(out_dir))


def run_qgis(script, out_name, tmp_path, env_extra=None, timeout=420):
    """Run ``script`` in ``qgis --code`` under xvfb-run with a fresh profile.

    Returns (returncode, report dict, combined output). The report is the JSON the
    script wrote in its output folder ``tests/e2e/out/<out_name>``.
    """
    out_dir = os.path.join(OUT_ROOT, out_name)
    shutil.rmtree(out_dir, ignore_errors=True)
    os.makedirs(out_dir)
    profiles = tmp_path / "profiles"
    seed_offline_profile(profiles)
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("QT_QPA_PLATFORM", "QGIS_PLUGINPATH", "QGIS_CUSTOM_CONFIG_PATH", "PYTHONPATH")
    }
    env["BG_OUT"] = out_dir
    # the script's own folder only (its report helper, qgis_script_report): the plugin comes from the ZIP
    env["PYTHONPATH"] = os.path.dirname(os.path.abspath(script))
    env.setdefault("XDG_RUNTIME_DIR", str(tmp_path))
    env.update(env_extra or {})
    cmd = [
        "xvfb-run",
        "-a",
        "-s",
        "-screen 0 1600x1000x24",
        "qgis",
        "--nologo",
        "--noversioncheck",
        "--profiles-path",
        str(profiles),
        "--code",
        script,
    ]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    report_path = os.path.join(out_dir, "report.json")
    report = {}
    if os.path.exists(report_path):
        with open(report_path, encoding="utf-8") as fh:
            report = json.load(fh)
    return proc.returncode, report, proc.stdout + proc.stderr


# What an analyst on an air-gapped network sets once (Settings > Options > Fonts: "Automatically
# download missing fonts when possible", QGIS >= 3.28): else a fresh QGIS 3.40 profile tries to
# fetch Open Sans from github.com and reports "Open Sans font installation failed". Unknown keys
# are ignored by older QGIS.
OFFLINE_PROFILE_SETTINGS = "[fonts]\ndownloadMissingFonts=false\n"


def seed_offline_profile(profiles_path):
    """A fresh default profile under ``profiles_path`` (what --profiles-path takes) with the
    settings of an offline machine; returns the profile folder."""
    settings_dir = profiles_path / "profiles" / "default" / "QGIS"
    settings_dir.mkdir(parents=True)
    (settings_dir / "QGIS3.ini").write_text(OFFLINE_PROFILE_SETTINGS, encoding="utf-8")
    return settings_dir.parent


def failed_checks(report):
    return {k: v for k, v in report.get("checks", {}).items() if not v["ok"]}


def qgis_process_binary():
    """Debian 12's `qgis_process` wrapper passes --noversioncheck, which the binary rejects."""
    return shutil.which("qgis_process.bin") or shutil.which("qgis_process")


def run_qgis_process(args, config_path, timeout=300):
    """Run qgis_process with the profile folder ``config_path`` (QGIS_CUSTOM_CONFIG_PATH)."""
    env = {k: v for k, v in os.environ.items() if k not in ("QGIS_PLUGINPATH", "PYTHONPATH")}
    env["QGIS_CUSTOM_CONFIG_PATH"] = str(config_path)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env.setdefault("XDG_RUNTIME_DIR", str(config_path))
    return subprocess.run(
        [qgis_process_binary(), *args], env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
