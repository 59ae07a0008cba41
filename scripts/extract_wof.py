"""Writes scripts/data/wof_extras.csv: what the Who's On First GeoJSON records say beyond the team's extracts.

A maintainer's tool, run once per WOF snapshot (``make data`` only reads its output). For every locality of
scripts/data/wof_localities_50km.gpkg and every district of scripts/data/wof_admin2_iq_sy.gpkg it reads the
record in the WOF repositories (whosonfirst-data-admin-iq and -sy, as git repositories: a clone or the
search tool's mirror) and keeps: the GeoNames name with its diacritics and feature code, the district the
locality belongs to (wof:parent_id), the Arabic and Latin-script name variants, and for districts the
Mesoshapes local (Arabic) name and source.

Usage: python3 scripts/extract_wof.py IQ_REPO SY_REPO [--commit-iq SHA] [--commit-sy SHA]
"""

import argparse
import csv
import json
import os
import sqlite3
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "scripts", "data")
LOCALITIES = os.path.join(DATA, "wof_localities_50km.gpkg")
DISTRICTS = os.path.join(DATA, "wof_admin2_iq_sy.gpkg")
OUT = os.path.join(DATA, "wof_extras.csv")
# The snapshot of ../shared/data/README.md (2024-03-05).
COMMITS = {"IQ": "4c7a00f6", "SY": "2db0f03b"}
COLUMNS = [
    "wof_id",
    "country",
    "placetype",
    "gn_name",
    "gn_feature_code",
    "parent_id",
    "names_ara",
    "names_latin",
    "meso_name_local",
    "meso_source",
    "src_geom",
]
LATIN_KEYS = (
    "eng_x_preferred",
    "eng_x_variant",
    "und_x_variant",
    "kur_x_preferred",
    "kur_x_variant",
    "fra_x_preferred",
)


def wof_path(wof_id: str) -> str:
    parts = [wof_id[i : i + 3] for i in range(0, len(wof_id), 3)]
    return "data/" + "/".join(parts) + f"/{wof_id}.geojson"


def ids_of(gpkg: str, table: str):
    with sqlite3.connect(f"file:{gpkg}?mode=ro", uri=True) as db:
        return [(str(country), str(wof_id)) for country, wof_id in db.execute(f"SELECT country, wof_id FROM {table}")]


def read_records(repo: str, commit: str, ids):
    """{wof id: properties}, read with one ``git cat-file --batch``."""
    request = "".join(f"{commit}:{wof_path(i)}\n" for i in ids).encode()
    out = subprocess.run(["git", "-C", repo, "cat-file", "--batch"], input=request, capture_output=True, check=True)
    data, records, pos = out.stdout, {}, 0
    for wof_id in ids:
        end = data.index(b"\n", pos)
        header = data[pos:end].split()
        pos = end + 1
        if header[-1] == b"missing":
            print(f"extract_wof: {wof_id} missing at {commit}", file=sys.stderr)
            continue
        size = int(header[2])
        records[wof_id] = json.loads(data[pos : pos + size])["properties"]
        pos += size + 1
    return records


def _names(props, keys):
    out = []
    for key in keys:
        for name in props.get(f"name:{key}") or []:
            if name and name not in out:
                out.append(name)
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("iq_repo")
    parser.add_argument("sy_repo")
    parser.add_argument("--commit-iq", default=COMMITS["IQ"])
    parser.add_argument("--commit-sy", default=COMMITS["SY"])
    args = parser.parse_args(argv)
    repos = {"IQ": (args.iq_repo, args.commit_iq), "SY": (args.sy_repo, args.commit_sy)}
    wanted = {"IQ": [], "SY": []}
    for country, wof_id in ids_of(LOCALITIES, "localities") + ids_of(DISTRICTS, "admin2"):
        if wof_id not in wanted[country]:
            wanted[country].append(wof_id)
    rows = []
    for country, ids in wanted.items():
        repo, commit = repos[country]
        for wof_id, props in read_records(repo, commit, ids).items():
            rows.append(
                {
                    "wof_id": wof_id,
                    "country": country,
                    "placetype": props.get("wof:placetype", ""),
                    "gn_name": props.get("gn:name", ""),
                    "gn_feature_code": props.get("gn:feature_code", ""),
                    "parent_id": props.get("wof:parent_id", ""),
                    "names_ara": ";".join(_names(props, ("ara_x_preferred", "ara_x_variant"))),
                    "names_latin": ";".join(_names(props, LATIN_KEYS)),
                    "meso_name_local": props.get("meso:name_local", ""),
                    "meso_source": props.get("meso:source", ""),
                    "src_geom": props.get("src:geom", ""),
                }
            )
    rows.sort(key=lambda r: int(r["wof_id"]))
    with open(OUT, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"extract_wof: {len(rows)} records -> {os.path.relpath(OUT, ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
