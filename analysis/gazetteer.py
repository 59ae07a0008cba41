"""Readers of the gazetteers analysts have, streamed into :class:`settlements.Place` records.

GeoNames dumps (``IQ.txt``, ``allCountries.txt`` or their ZIP; ``alternateNamesV2`` for Arabic names), NGA GNS
country files, OpenStreetMap extracts (``.osm``/``.osm.pbf`` through GDAL's OSM driver), and any table (CSV)
or point layer with a field mapping. Files are read in blocks of a few MB, never whole: memory follows the
places kept (those in the lon/lat box around the border), not the file. Every reader reports progress as a
fraction of the bytes read and stops when ``is_canceled()`` says so.
"""

import csv
import io
import os
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Dict, Iterator, List, Optional, Sequence, Tuple

from qgis.core import QgsRectangle

from .errors import BorderGapsError
from .fieldmap import WKT_CANDIDATES, X_CANDIDATES, Y_CANDIDATES, FieldMapping, guess_field, guess_mapping_for_names
from .geometry import CanceledError
from .settlements import (
    ABANDONED_CODES,
    UNKNOWN,
    Place,
    arabic_name,
    is_arabic_script,
    labelled_arabic,
    search_names,
    status_of,
)

GEONAMES, GNS, OSM, TABLE, ALTERNATE_NAMES = "geonames", "gns", "osm", "table", "alternatenames"
#: Formats by the FORMAT parameter's index.
FORMATS = ("auto", GEONAMES, GNS, OSM, TABLE)
FORMAT_NAMES = {
    GEONAMES: "GeoNames dump",
    GNS: "NGA GNS country file",
    OSM: "OpenStreetMap extract",
    TABLE: "table (CSV)",
    ALTERNATE_NAMES: "GeoNames alternate names file",
}
SOURCE_NAMES = {GEONAMES: "GeoNames", GNS: "NGA GNS", OSM: "OpenStreetMap"}

BLOCK_BYTES = 1 << 22  # 4 MiB read at a time
GEONAMES_COLUMNS = (
    "geonameid, name, asciiname, alternatenames, latitude, longitude, feature class, feature code, country code, "
    "cc2, admin1 code, admin2 code, admin3 code, admin4 code, population, elevation, dem, timezone, "
    "modification date"
)
# OSM place values that are settlements (place=* of the OSM wiki's populated places).
OSM_PLACES = ("city", "town", "village", "hamlet", "isolated_dwelling", "locality", "suburb", "neighbourhood", "farm")
# GNS names: which name type gives the feature's name, and which its Arabic (non-Roman script) name.
_GNS_NAME_ORDER = ("C", "N", "D", "P", "V", "VA", "H")
_GNS_SCRIPT_ORDER = ("NS", "DS", "PS", "VS", "HS")
# GNS country codes are FIPS 10-4; the settlements schema speaks ISO 3166.
_FIPS_TO_ISO = {"IZ": "IQ", "SY": "SY", "TU": "TR", "JO": "JO", "SA": "SA", "IR": "IR", "LE": "LB", "KU": "KW"}
_GNS_ALIASES = {
    "UFI": ("UFI", "ufi"),
    "LAT": ("LAT", "lat_dd", "LATITUDE"),
    "LONG": ("LONG", "long_dd", "LONGITUDE"),
    "FC": ("FC", "fc"),
    "DSG": ("DSG", "desig_cd"),
    "CC1": ("CC1", "cc_ft", "cc1"),
    "POP": ("POP", "pop"),
    "NT": ("NT", "nt"),
    "LC": ("LC", "lang_cd"),
    "FULL_NAME_RO": ("FULL_NAME_RO", "full_name"),
    "FULL_NAME_ND_RO": ("FULL_NAME_ND_RO", "full_nm_nd"),
}
_GNS_REQUIRED = ("UFI", "LAT", "LONG", "FC")
# alternateNamesV2 "languages" that are not names.
_NOT_NAMES = {b"link", b"post", b"iata", b"icao", b"faac", b"abbr", b"unlc", b"wkdt", b"tcid", b"phon", b"piny"}
_HSTORE = re.compile(r'"((?:[^"\\]|\\.)*)"=>"((?:[^"\\]|\\.)*)"')


@dataclass
class ReadStats:
    """What a reader saw, for the log."""

    path: str
    format: str = ""
    lines: int = 0
    settlements: int = 0  # populated-place records in the file
    in_box: int = 0  # of them, in the box around the border
    malformed: int = 0
    unrecognised_status: Counter = field(default_factory=Counter)
    arabic_from_alternates: int = 0
    notes: List[str] = field(default_factory=list)

    def log_lines(self) -> List[str]:
        name = os.path.basename(self.path)
        unit = "OSM features" if self.format == OSM else "features" if self.format == TABLE else "lines"
        lines = [
            f"{name} ({FORMAT_NAMES.get(self.format, self.format)}): {self.lines:,} {unit}, "
            f"{self.settlements:,} settlements, {self.in_box:,} of them in the border region's box."
        ]
        if self.malformed:
            lines.append(
                f"{name}: {self.malformed:,} malformed line(s) skipped (wrong number of columns or bad numbers)."
            )
        if self.arabic_from_alternates:
            lines.append(
                f"{name}: Arabic names of {self.arabic_from_alternates:,} place(s) from the alternate names file."
            )
        if self.unrecognised_status:
            shown = ", ".join(f"'{v}' ({n})" for v, n in self.unrecognised_status.most_common(10))
            lines.append(
                f"{name}: status values not recognised, written as unknown: {shown}. Map them with STATUS_VALUES, "
                "e.g. 'VALUE=abandoned; VALUE=inhabited'."
            )
        return lines + self.notes


def _never():
    return False


# ---------------------------------------------------------------- opening files
@dataclass
class Opened:
    """A readable byte stream of a file, or of the member of a ZIP that holds the data."""

    path: str
    member: Optional[str]
    size: int

    def open(self):
        if self.member is None:
            return open(self.path, "rb")
        archive = zipfile.ZipFile(self.path)
        stream = archive.open(self.member)
        stream._bg_archive = archive  # keep the archive open as long as the stream
        return stream

    @property
    def label(self) -> str:
        name = os.path.basename(self.path)
        return f"{name} ({self.member})" if self.member else name


def open_data(path: str) -> Opened:
    """The file, or for a ZIP its data member (the .txt or .csv that is not a readme)."""
    if not os.path.isfile(path):
        raise BorderGapsError(f"File '{path}' does not exist or is not a file.")
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            members = [
                info
                for info in archive.infolist()
                if not info.is_dir()
                and info.filename.lower().endswith((".txt", ".csv", ".tsv"))
                and not re.search(r"(readme|iso-languagecodes|licen[cs]e)", info.filename, re.IGNORECASE)
            ]
        if not members:
            raise BorderGapsError(
                f"ZIP file '{os.path.basename(path)}' holds no .txt or .csv data file: expected a GeoNames dump such "
                "as IQ.zip (IQ.txt) or allCountries.zip, or a GNS country file."
            )
        largest = max(members, key=lambda info: info.file_size)
        return Opened(path, largest.filename, largest.file_size)
    return Opened(path, None, os.path.getsize(path))


def blocks(
    opened: Opened,
    progress: Callable[[float], None] = lambda f: None,
    is_canceled: Callable[[], bool] = _never,
    block_bytes: int = BLOCK_BYTES,
) -> Iterator[List[bytes]]:
    """The lines of ``opened`` (bytes, no line ends), a block of them at a time."""
    total = max(opened.size, 1)
    done = 0
    tail = b""
    with opened.open() as stream:
        while True:
            if is_canceled():
                raise CanceledError()
            block = stream.read(block_bytes)
            if not block:
                break
            done += len(block)
            lines = (tail + block).split(b"\n") if tail else block.split(b"\n")
            tail = lines.pop()
            yield lines
            progress(min(done / total, 1.0))
    if tail:
        yield [tail]


def _first_lines(opened: Opened, count: int = 5) -> List[str]:
    with opened.open() as stream:
        head = stream.read(65536)
    if b"\x00" in head[:4096]:
        return []
    text = head.decode("utf-8-sig", errors="replace")
    return [line.rstrip("\r") for line in text.split("\n")[:count]]


def _is_float(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def detect_format(path: str) -> str:
    """GEONAMES, GNS, OSM, TABLE or ALTERNATE_NAMES, from the file name and its first lines."""
    lower = path.lower()
    if lower.endswith((".osm", ".pbf", ".osm.pbf")):
        return OSM
    opened = open_data(path)
    if opened.member is None:
        with open(path, "rb") as fh:
            head = fh.read(256)
        if head.lstrip().startswith(b"<?xml") or head.lstrip().startswith(b"<osm"):
            return OSM
        if b"OSMHeader" in head:
            return OSM
    lines = [line for line in _first_lines(opened) if line.strip()]
    if not lines:
        raise BorderGapsError(
            f"File '{opened.label}' is empty or not text: expected a GeoNames dump, an NGA GNS country file, an "
            "OpenStreetMap extract (.osm, .osm.pbf) or a CSV table with a header row."
        )
    first = lines[0]
    columns = first.split("\t")
    header = {c.strip().upper() for c in columns}
    if {"UFI", "FC"} <= header and ({"FULL_NAME_RO", "FULL_NAME"} & header):
        return GNS
    if len(columns) == 19 and columns[0].isdigit() and _is_float(columns[4]) and _is_float(columns[5]):
        return GEONAMES
    if len(columns) in (8, 10) and columns[0].isdigit() and columns[1].isdigit():
        return ALTERNATE_NAMES
    if not any(d in first for d in ",;\t|"):
        shown = first[:60] + ("…" if len(first) > 60 else "")
        raise BorderGapsError(
            f"File '{opened.label}' is not a gazetteer Border Gaps reads: its first line '{shown}' is neither a "
            "GeoNames dump line (19 tab-separated columns), an NGA GNS header row (RC, UFI, …, FULL_NAME_RO, …), "
            "OpenStreetMap XML (.osm, .osm.pbf), nor a CSV header row (column names separated by commas, "
            "semicolons, tabs or bars)."
        )
    return TABLE


def _wrong_format(opened: Opened, wanted: str, found: str) -> BorderGapsError:
    return BorderGapsError(
        f"File '{opened.label}' is not a {FORMAT_NAMES[wanted]}: {found}. "
        + {
            GEONAMES: f"A GeoNames dump (IQ.txt, allCountries.txt or its ZIP) has 19 tab-separated columns: "
            f"{GEONAMES_COLUMNS}.",
            GNS: "An NGA GNS country file is tab-separated with a header row naming RC, UFI, UNI, LAT, LONG, …, FC, "
            "DSG, …, NT, LC, …, FULL_NAME_RO, FULL_NAME_ND_RO.",
            ALTERNATE_NAMES: "GeoNames' alternateNamesV2.txt (or its ZIP) has 10 tab-separated columns: "
            "alternateNameId, geonameid, isolanguage, alternate name, isPreferredName, isShortName, isColloquial, "
            "isHistoric, from, to.",
        }.get(wanted, "")
    )


# ---------------------------------------------------------------- GeoNames
def _in_box(box: QgsRectangle):
    xmin, xmax, ymin, ymax = box.xMinimum(), box.xMaximum(), box.yMinimum(), box.yMaximum()
    return lambda lon, lat: xmin <= lon <= xmax and ymin <= lat <= ymax


def read_geonames(
    path: str,
    box: QgsRectangle,
    stats: ReadStats,
    progress: Callable[[float], None] = lambda f: None,
    is_canceled: Callable[[], bool] = _never,
    order: int = 0,
) -> List[Place]:
    """Feature class P records of a GeoNames dump within ``box``; feature codes in ``kind`` (PPLQ and PPLW,
    abandoned and destroyed places, get status abandoned); Arabic from the alternate names column."""
    opened = open_data(path)
    stats.format = GEONAMES
    xmin, xmax, ymin, ymax = box.xMinimum(), box.xMaximum(), box.yMinimum(), box.yMaximum()
    places = []
    checked = False
    lines = malformed = settlements = 0
    for block in blocks(opened, progress, is_canceled):
        lines += len(block)
        for line in block:
            parts = line.split(b"\t", 9)
            if len(parts) < 10:
                if line.strip():
                    if not checked:
                        count = len(line.split(b"\t"))
                        raise _wrong_format(opened, GEONAMES, f"its first line has {count} tab-separated column(s)")
                    malformed += 1
                continue
            if not checked:
                count = len(line.split(b"\t"))
                if count != 19 or not parts[0].isdigit():
                    raise _wrong_format(
                        opened,
                        GEONAMES,
                        f"its first line has {count} tab-separated columns"
                        + (
                            ""
                            if parts[0].isdigit()
                            else f" and starts with '{parts[0][:30].decode('utf-8', 'replace')}'"
                        ),
                    )
                checked = True
            if parts[6] != b"P":
                continue
            settlements += 1
            try:
                lat = float(parts[4])
                lon = float(parts[5])
            except ValueError:
                malformed += 1
                continue
            if not (ymin <= lat <= ymax and xmin <= lon <= xmax):
                continue
            place = _geonames_place(parts, lon, lat, order)
            if place is None:
                malformed += 1
                continue
            places.append(place)
    if not checked:
        raise _wrong_format(opened, GEONAMES, "it holds no line of data")
    stats.lines += lines
    stats.malformed += malformed
    stats.settlements += settlements
    stats.in_box += len(places)
    return places


def _geonames_place(parts: List[bytes], lon: float, lat: float, order: int) -> Optional[Place]:
    rest = parts[9].split(b"\t")
    if len(rest) < 10:
        return None
    name = parts[1].decode("utf-8", "replace")
    ascii_name = parts[2].decode("utf-8", "replace")
    alternates = [a for a in parts[3].decode("utf-8", "replace").split(",") if a]
    code = parts[7].decode("ascii", "replace")
    try:
        population = int(rest[5]) if rest[5] else 0
    except ValueError:
        population = 0
    place = Place(
        name=name,
        lon=lon,
        lat=lat,
        name_ar=arabic_name(alternates),
        alt_names=search_names([name, ascii_name] + alternates),
        country=parts[8].decode("ascii", "replace") or None,
        population=population or None,
        kind=code or None,
        source="GeoNames",
        source_id=parts[0].decode("ascii"),
        order=order,
    )
    if code in ABANDONED_CODES:
        place.status = "abandoned"
        place.status_note = f"GeoNames feature code {code}"
    return place


def apply_alternate_names(
    path: str,
    places: Sequence[Place],
    stats: ReadStats,
    progress: Callable[[float], None] = lambda f: None,
    is_canceled: Callable[[], bool] = _never,
) -> int:
    """Arabic and other names of the GeoNames ``places`` from ``alternateNamesV2.txt`` (or its ZIP), streamed:
    an Arabic (``ar``) name there replaces one guessed from the script of the dump's names (preferred,
    then short, names first; historic ones never); other names join ``alt_names``. Returns how many places
    got an Arabic name from it."""
    opened = open_data(path)
    wanted: Dict[bytes, List[Place]] = {}
    for place in places:
        if place.source == "GeoNames" and place.source_id:
            wanted.setdefault(place.source_id.encode("ascii"), []).append(place)
    arabic: Dict[bytes, Tuple[Tuple[int, int], str]] = {}
    others: Dict[bytes, List[str]] = {}
    checked = False
    for block in blocks(opened, progress, is_canceled):
        for line in block:
            parts = line.split(b"\t")
            if not checked:
                if not line.strip():
                    continue
                if len(parts) not in (8, 10) or not parts[0].isdigit() or not parts[1].isdigit():
                    raise _wrong_format(
                        opened, ALTERNATE_NAMES, f"its first line has {len(parts)} tab-separated columns"
                    )
                checked = True
            if len(parts) < 8 or parts[1] not in wanted:
                continue
            language = parts[2]
            if language in _NOT_NAMES or parts[7] == b"1":  # not a name, or historic
                continue
            name = parts[3].decode("utf-8", "replace").strip()
            if not name:
                continue
            if language in (b"ar", b"ara") and is_arabic_script(name):
                rank = (0 if parts[4] == b"1" else 1, 0 if parts[5] == b"1" else 1)
                best = arabic.get(parts[1])
                if best is None or rank < best[0]:
                    arabic[parts[1]] = (rank, name)
            others.setdefault(parts[1], []).append(name)
    if not checked:
        raise _wrong_format(opened, ALTERNATE_NAMES, "it holds no line of data")
    count = 0
    for gid, group in wanted.items():
        for place in group:
            if gid in arabic:
                place.name_ar = arabic[gid][1]
                count += 1
            if gid in others:
                place.alt_names = search_names(list(place.alt_names) + others[gid])
    stats.arabic_from_alternates += count
    return count


# ---------------------------------------------------------------- NGA GNS
def _gns_columns(header: List[str], opened: Opened) -> Dict[str, int]:
    index = {name.strip().upper(): i for i, name in enumerate(header)}
    columns = {}
    for key, aliases in _GNS_ALIASES.items():
        for alias in aliases:
            if alias.upper() in index:
                columns[key] = index[alias.upper()]
                break
    missing = [k for k in _GNS_REQUIRED if k not in columns]
    if "FULL_NAME_RO" not in columns and "FULL_NAME_ND_RO" not in columns:
        missing.append("FULL_NAME_RO")
    if missing:
        raise _wrong_format(
            opened,
            GNS,
            f"its header has no column {', '.join(missing)} (it has {', '.join(h.strip() for h in header[:12])}"
            + (", …" if len(header) > 12 else "")
            + ")",
        )
    return columns


def read_gns(
    path: str,
    box: QgsRectangle,
    stats: ReadStats,
    progress: Callable[[float], None] = lambda f: None,
    is_canceled: Callable[[], bool] = _never,
    order: int = 0,
) -> List[Place]:
    """Populated places (FC = P) of an NGA GNS country file within ``box``. GNS has one row per name: the
    rows of one feature (UFI) are gathered; the conventional (C) or approved (N) name is the name, the
    Arabic-script one (NS, else DS/VS) the Arabic name, the others alternate names; DSG is the kind."""
    opened = open_data(path)
    stats.format = GNS
    inside = _in_box(box)
    columns = None
    features: Dict[str, dict] = {}
    lines = malformed = 0
    for block in blocks(opened, progress, is_canceled):
        lines += len(block)
        for raw in block:
            if columns is None:
                text = raw.decode("utf-8-sig", "replace").rstrip("\r")
                if not text.strip():
                    continue
                header = text.split("\t")
                columns = _gns_columns(header, opened)
                last = max(columns.values())
                continue
            row = raw.decode("utf-8", "replace").rstrip("\r").split("\t")
            if len(row) <= last:
                if raw.strip():
                    malformed += 1
                continue
            if row[columns["FC"]].strip() != "P":
                continue
            try:
                lat, lon = float(row[columns["LAT"]]), float(row[columns["LONG"]])
            except ValueError:
                malformed += 1
                continue
            ufi = row[columns["UFI"]].strip()
            feature = features.get(ufi)
            if feature is None:
                if not inside(lon, lat):
                    features[ufi] = None  # seen, outside: later names of it are skipped at once
                    continue
                feature = features[ufi] = {"lon": lon, "lat": lat, "names": [], "row": row}
            elif feature is None:
                continue
            feature["names"].append(
                (
                    _cell(row, columns, "NT").upper(),
                    _cell(row, columns, "LC").lower(),
                    _cell(row, columns, "FULL_NAME_RO"),
                    _cell(row, columns, "FULL_NAME_ND_RO"),
                )
            )
    if columns is None:
        raise _wrong_format(opened, GNS, "it holds no header row")
    places = []
    for ufi, feature in features.items():
        if feature is None:
            continue
        place = _gns_place(ufi, feature, columns, order)
        if place is not None:
            places.append(place)
    stats.lines += lines
    stats.malformed += malformed
    stats.settlements += len(features)
    stats.in_box += len(places)
    return places


def _cell(row: List[str], columns: Dict[str, int], key: str) -> str:
    return row[columns[key]].strip() if key in columns and columns[key] < len(row) else ""


def _gns_place(ufi: str, feature: dict, columns: Dict[str, int], order: int) -> Optional[Place]:
    names = feature["names"]
    row = feature["row"]

    def cell(key):
        return _cell(row, columns, key)

    latin = [n for n in names if not n[0].endswith("S") or n[0] in ("VA",)]
    script = [n for n in names if n[0].endswith("S") and n[0] != "VA"]
    name = None
    for wanted in _GNS_NAME_ORDER:
        match = next((n for n in latin if n[0] == wanted and (n[2] or n[3])), None)
        if match:
            name = match[2] or match[3]
            break
    if name is None:
        candidates = [n[2] or n[3] for n in latin if n[2] or n[3]] or [n[2] or n[3] for n in script if n[2] or n[3]]
        if not candidates:
            return None
        name = candidates[0]
    name_ar = None
    for wanted in _GNS_SCRIPT_ORDER:
        match = next((n for n in script if n[0] == wanted and is_arabic_script(n[2] or n[3])), None)
        if match:
            name_ar = match[2] or match[3]
            break
    if name_ar is None:
        name_ar = arabic_name([n[2] for n in names if n[1] in ("ara", "ar")] + [n[2] for n in script])
    every = [name] + [v for n in names for v in (n[2], n[3]) if v]
    code = cell("DSG")
    countries = [c.strip() for c in cell("CC1").split(",") if c.strip()]
    try:
        population = int(float(cell("POP"))) if cell("POP") else 0
    except ValueError:
        population = 0
    place = Place(
        name=name,
        lon=feature["lon"],
        lat=feature["lat"],
        name_ar=name_ar,
        alt_names=search_names(every),
        country=_FIPS_TO_ISO.get(countries[0].upper(), countries[0]) if countries else None,
        population=population if population > 0 else None,
        kind=code or None,
        source="NGA GNS",
        source_id=ufi,
        order=order,
    )
    if code.upper() in ABANDONED_CODES:
        place.status = "abandoned"
        place.status_note = f"GNS designation {code}"
    return place


# ---------------------------------------------------------------- OpenStreetMap
def _tags(other_tags: Optional[str]) -> Dict[str, str]:
    if not other_tags:
        return {}
    return {
        k.replace('\\"', '"').replace("\\\\", "\\"): v.replace('\\"', '"').replace("\\\\", "\\")
        for k, v in _HSTORE.findall(other_tags)
    }


def _population(text: Optional[str]) -> Optional[int]:
    if not text:
        return None
    digits = re.sub(r"[\s,.'’](?=\d{3}\b)", "", str(text).strip())
    match = re.match(r"~?\s*(\d+)", digits)
    return int(match.group(1)) if match and int(match.group(1)) > 0 else None


def read_osm(
    path: str,
    box: QgsRectangle,
    stats: ReadStats,
    progress: Callable[[float], None] = lambda f: None,
    is_canceled: Callable[[], bool] = _never,
    order: int = 0,
) -> List[Place]:
    """Nodes and areas tagged ``place`` = city/town/village/hamlet/isolated_dwelling/locality (and suburb,
    neighbourhood, farm), or ``abandoned:place`` (status abandoned), of an OSM extract within ``box``,
    read with GDAL's OSM driver in one pass over the file (areas by their point on surface)."""
    try:
        from osgeo import gdal, ogr
    except ImportError as err:  # pragma: no cover - QGIS always ships GDAL's Python bindings
        raise BorderGapsError("Reading OpenStreetMap files needs GDAL's Python bindings (osgeo).") from err
    stats.format = OSM
    name = os.path.basename(path)
    if not path.lower().endswith((".osm", ".pbf")):
        raise BorderGapsError(
            f"File '{name}' is not an OpenStreetMap extract GDAL can read: the OSM driver reads files ending in "
            ".osm (XML) or .osm.pbf / .pbf."
        )
    if gdal.GetDriverByName("OSM") is None:
        raise BorderGapsError("This GDAL has no OSM driver: OpenStreetMap files cannot be read here.")
    # Read at the dataset level (GetNextFeature below): one pass over the file for all layers.
    dataset = gdal.OpenEx(path, gdal.OF_VECTOR | gdal.OF_READONLY, allowed_drivers=["OSM"])
    if dataset is None:
        raise BorderGapsError(
            f"File '{name}' could not be read as an OpenStreetMap extract (.osm XML or .osm.pbf): "
            f"{gdal.GetLastErrorMsg() or 'GDAL could not open it'}."
        )
    inside = _in_box(box)
    wanted_layers = {"points", "multipolygons"}
    places = []
    seen = 0
    last_reported = -1.0
    while True:
        if seen % 2000 == 0 and is_canceled():
            raise CanceledError()
        result = dataset.GetNextFeature(include_layer=True, include_pct=True)
        feature, layer, pct = result if len(result) == 3 else (result[0], result[1], None)
        if feature is None:
            break
        seen += 1
        if pct is not None and pct - last_reported >= 0.01:
            last_reported = pct
            progress(min(pct, 1.0))
        if layer is None or layer.GetName() not in wanted_layers:
            continue
        tags = _tags(feature.GetField("other_tags") if feature.GetFieldIndex("other_tags") >= 0 else None)
        place_value = feature.GetField("place") if feature.GetFieldIndex("place") >= 0 else None
        status = UNKNOWN
        if not place_value and tags.get("abandoned:place"):
            place_value, status = tags["abandoned:place"], "abandoned"
        if not place_value or place_value not in OSM_PLACES:
            continue
        geometry = feature.GetGeometryRef()
        if geometry is None or geometry.IsEmpty():
            continue
        point = geometry if geometry.GetGeometryType() in (ogr.wkbPoint, ogr.wkbPoint25D) else geometry.PointOnSurface()
        if point is None or point.IsEmpty():
            continue
        lon, lat = point.GetX(), point.GetY()
        stats.settlements += 1
        if not inside(lon, lat):
            continue
        osm_name = feature.GetField("name") if feature.GetFieldIndex("name") >= 0 else None
        english = tags.get("name:en") or tags.get("int_name")
        name_ar = labelled_arabic([tags.get("name:ar")]) or (osm_name if is_arabic_script(osm_name) else None)
        main = english or (osm_name if osm_name and not is_arabic_script(osm_name) else None) or osm_name or name_ar
        if not main:
            continue
        if tags.get("abandoned") == "yes" or tags.get("disused") == "yes":
            status = "abandoned"
        if layer.GetName() == "points":
            source_id = f"node/{feature.GetField('osm_id')}"
        elif feature.GetField("osm_way_id"):
            source_id = f"way/{feature.GetField('osm_way_id')}"
        else:
            source_id = f"relation/{feature.GetField('osm_id')}"
        alternates = [osm_name, english, name_ar] + [
            v
            for k, v in sorted(tags.items())
            if k.startswith(("name:", "alt_name", "old_name", "official_name", "int_name"))
        ]
        places.append(
            Place(
                name=main,
                lon=lon,
                lat=lat,
                name_ar=name_ar,
                alt_names=search_names(sum((str(a).split(";") for a in alternates if a), [])),
                country=(tags.get("is_in:country_code") or tags.get("addr:country") or "").upper() or None,
                population=_population(tags.get("population")),
                kind=place_value,
                status=status,
                status_note="OpenStreetMap abandoned tag" if status == "abandoned" else None,
                source="OpenStreetMap",
                source_id=source_id,
                order=order,
            )
        )
    stats.lines += seen
    stats.in_box += len(places)
    progress(1.0)
    return places


# ---------------------------------------------------------------- tables (CSV) and layers
@dataclass
class TableMapping:
    """Columns of a table: the dock's roles, and the coordinates (x/y, or one WKT column)."""

    fields: FieldMapping
    x: str = ""
    y: str = ""
    wkt: str = ""


def table_mapping(columns: Sequence[str], given: Dict[str, str], label: str, need_coordinates: bool) -> TableMapping:
    """The mapping of a table's ``columns``: ``given`` (role -> column, from the parameters) where set,
    guessed elsewhere. Raises BorderGapsError naming the file and the column when a given column is not
    there, or when no column holds the name or the coordinates."""
    columns = [c for c in columns if c is not None]
    listed = ", ".join(columns[:20]) + (", …" if len(columns) > 20 else "")
    for role, column in given.items():
        if column and column not in columns:
            raise BorderGapsError(
                f"'{label}' has no column '{column}' ({role.upper()}_FIELD); its columns are: {listed}."
            )
    mapping = guess_mapping_for_names(columns)
    for role, column in given.items():
        if column and role in FieldMapping.roles():
            setattr(mapping, role, column)
    if not mapping.name and not mapping.name_ar:
        raise BorderGapsError(
            f"'{label}' has no name column: none of its columns ({listed}) is called name, name_en, village, label…; "
            "set NAME_FIELD to the column holding the settlement's name."
        )
    result = TableMapping(mapping, x=given.get("x") or "", y=given.get("y") or "")
    if need_coordinates:
        if not result.x and not result.y:
            result.x, result.y = guess_field(columns, X_CANDIDATES), guess_field(columns, Y_CANDIDATES)
            if not (result.x and result.y):
                result.x = result.y = ""
                result.wkt = guess_field(columns, WKT_CANDIDATES)
        if bool(result.x) != bool(result.y):
            missing = "Y_FIELD (latitude)" if result.x else "X_FIELD (longitude)"
            raise BorderGapsError(f"'{label}': {missing} is not set; give both coordinate columns.")
        if not result.wkt and not (result.x and result.y):
            raise BorderGapsError(
                f"'{label}' has no coordinate columns: none of its columns ({listed}) is a longitude (lon, long, "
                "longitude, lng, x) and latitude (lat, latitude, y) pair, nor a WKT column. Set X_FIELD and "
                "Y_FIELD to the columns holding WGS 84 longitude and latitude."
            )
    return result


_WKT_POINT = re.compile(r"^\s*POINT\s*(?:Z|M|ZM)?\s*\(\s*([-+\d.eE]+)[\s,]+([-+\d.eE]+)", re.IGNORECASE)


def _number(text: str, decimal_comma: bool) -> float:
    text = str(text).strip()
    if decimal_comma:
        text = text.replace(",", ".")
    return float(text)


def place_from_values(
    values: Dict[str, object],
    mapping: FieldMapping,
    lon: float,
    lat: float,
    source: str,
    fallback_id: str,
    status_map: Optional[Dict[str, str]],
    stats: ReadStats,
    order: int,
) -> Optional[Place]:
    """A Place from one row or feature (``values``: field name -> value)."""

    def get(role):
        column = mapping.get(role)
        value = values.get(column) if column else None
        if value is None:
            return None
        text = str(value).strip()
        return text if text and text.upper() != "NULL" else None

    name, name_ar = get("name"), get("name_ar")
    if name_ar and not is_arabic_script(name_ar):
        name_ar = None  # a Latin spelling in the Arabic column goes with the alternate names
    if not name and not name_ar:
        return None
    alternates = re.split(r"[;|]", get("alt_names") or "")
    status_value = get("status")
    status = status_of(status_value, status_map)
    if status is None:
        stats.unrecognised_status[status_value] += 1
        status = UNKNOWN
    try:
        population = int(float(str(get("population")).replace(",", ""))) if get("population") else None
    except ValueError:
        population = None
    return Place(
        name=name or name_ar,
        lon=lon,
        lat=lat,
        name_ar=name_ar,
        alt_names=search_names([name, get("name_ar")] + [a.strip() for a in alternates]),
        country=get("side"),
        population=population if population and population > 0 else None,
        kind=get("kind"),
        status=status,
        status_note=f"{mapping.status} = {status_value}" if status_value else None,
        source=source,
        source_id=get("source_id") or fallback_id,
        order=order,
    )


def _sniff_dialect(sample: str):
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        return csv.excel_tab if sample.count("\t") > sample.count(",") else csv.excel


def read_table(
    path: str,
    box: QgsRectangle,
    stats: ReadStats,
    given: Dict[str, str],
    status_map: Optional[Dict[str, str]],
    progress: Callable[[float], None] = lambda f: None,
    is_canceled: Callable[[], bool] = _never,
    order: int = 0,
) -> List[Place]:
    """Rows of a CSV (comma, semicolon, tab or bar separated, header row first, UTF-8) with WGS 84 longitude
    and latitude columns (or a WKT POINT column), within ``box``."""
    opened = open_data(path)
    stats.format = TABLE
    label = opened.label
    with opened.open() as raw:
        sample = raw.read(65536).decode("utf-8-sig", "replace")
    if not sample.strip():
        raise BorderGapsError(f"File '{label}' is empty: expected a table with a header row.")
    dialect = _sniff_dialect(sample)
    decimal_comma = dialect.delimiter != ","
    inside = _in_box(box)
    places: List[Place] = []
    source = os.path.splitext(os.path.basename(path))[0]
    total = max(opened.size, 1)
    with opened.open() as raw:
        counter = _CountingReader(raw)
        text = io.TextIOWrapper(counter, encoding="utf-8-sig", errors="replace", newline="")
        reader = csv.reader(text, dialect)
        header = next(reader, None)
        if not header or all(not h.strip() for h in header):
            raise BorderGapsError(f"File '{label}' has no header row naming its columns.")
        header = [h.strip() for h in header]
        mapping = table_mapping(header, given, label, need_coordinates=True)
        index = {name: i for i, name in enumerate(header)}
        x_col, y_col, wkt_col = index.get(mapping.x), index.get(mapping.y), index.get(mapping.wkt)
        bad_example = None
        for line_number, row in enumerate(reader, start=2):
            if line_number % 5000 == 0:
                if is_canceled():
                    raise CanceledError()
                progress(min(counter.count / total, 1.0))
            if not row or all(not c.strip() for c in row):
                continue
            stats.lines += 1
            stats.settlements += 1
            try:
                if wkt_col is not None:
                    match = _WKT_POINT.match(row[wkt_col])
                    if not match:
                        raise ValueError(row[wkt_col])
                    lon, lat = float(match.group(1)), float(match.group(2))
                else:
                    lon, lat = _number(row[x_col], decimal_comma), _number(row[y_col], decimal_comma)
            except (ValueError, IndexError):
                stats.malformed += 1
                continue
            if not (-180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0):
                bad_example = bad_example or (line_number, lon, lat)
                stats.malformed += 1
                continue
            if not inside(lon, lat):
                continue
            values = {header[i]: row[i] for i in range(min(len(header), len(row)))}
            place = place_from_values(
                values, mapping.fields, lon, lat, source, f"line {line_number}", status_map, stats, order
            )
            if place is None:
                stats.malformed += 1
                continue
            places.append(place)
    if bad_example and not places:
        line_number, lon, lat = bad_example
        columns = f"'{mapping.x}'/'{mapping.y}'" if mapping.x else f"'{mapping.wkt}'"
        raise BorderGapsError(
            f"File '{label}': the coordinates in {columns} are not WGS 84 degrees (line {line_number}: {lon}, {lat}). "
            "Give longitude and latitude in degrees, or load the file as a layer with its CRS and use "
            "SETTLEMENT_LAYERS."
        )
    if stats.settlements and stats.malformed == stats.settlements:
        columns = f"'{mapping.x}' and '{mapping.y}'" if mapping.x else f"'{mapping.wkt}'"
        raise BorderGapsError(f"File '{label}': no row has numbers in the coordinate columns {columns}.")
    stats.in_box += len(places)
    progress(1.0)
    return places


class _CountingReader(io.RawIOBase):
    """Counts the bytes read from a stream (progress through a CSV read by the csv module)."""

    def __init__(self, stream):
        self.stream = stream
        self.count = 0

    def readable(self):
        return True

    def readinto(self, buffer):
        data = self.stream.read(len(buffer))
        self.count += len(data)
        buffer[: len(data)] = data
        return len(data)


def read_file(
    path: str,
    fmt: str,
    box: QgsRectangle,
    given: Dict[str, str],
    status_map: Optional[Dict[str, str]],
    progress: Callable[[float], None] = lambda f: None,
    is_canceled: Callable[[], bool] = _never,
    order: int = 0,
) -> Tuple[List[Place], ReadStats]:
    """The settlements of one gazetteer file within ``box``; ``fmt`` one of FORMATS ("auto" detects it)."""
    stats = ReadStats(path)
    detected = detect_format(path) if fmt == "auto" else fmt
    if detected == ALTERNATE_NAMES:
        raise BorderGapsError(
            f"File '{os.path.basename(path)}' is a GeoNames alternate names file: give it as ALTERNATE_NAMES, "
            "with the GeoNames dump (IQ.txt, allCountries.txt) as INPUT."
        )
    readers = {GEONAMES: read_geonames, GNS: read_gns, OSM: read_osm}
    if detected in readers:
        places = readers[detected](path, box, stats, progress, is_canceled, order)
    elif detected == TABLE:
        places = read_table(path, box, stats, given, status_map, progress, is_canceled, order)
    else:
        raise BorderGapsError(f"Unknown gazetteer format '{fmt}': use one of {', '.join(FORMATS)}.")
    if status_map and detected != TABLE:
        for place in places:  # a map for a gazetteer's own codes (PPLQ=abandoned, village=inhabited…)
            mapped = status_of(place.kind, status_map) if place.kind else None
            if mapped and mapped != UNKNOWN and place.status == UNKNOWN:
                place.status, place.status_note = mapped, f"kind {place.kind}"
    return places, stats
