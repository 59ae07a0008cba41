"""Settlements of the border region from any gazetteer: the settlements schema, geodesic distance to the
border, side, governorate and district, return status, and de-duplication across sources.

Used by ``bordergaps:importsettlements`` and by ``scripts/build_data.py`` for the bundled layer, so that both
agree on every field. Pure computations on lon/lat (EPSG:4326) coordinates.
"""

import math
import re
from dataclasses import dataclass, field
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Tuple

from qgis.core import (
    QgsCoordinateTransform,
    QgsCoordinateTransformContext,
    QgsGeometry,
    QgsPointXY,
    QgsRectangle,
    QgsSpatialIndex,
)

from . import bands
from .text import normalise_name

#: Return statuses of the settlements schema (DESIGN.md; gapzones counts "abandoned").
STATUSES = ("inhabited", "abandoned", "partly returned", "unknown")
UNKNOWN = "unknown"

#: Distance bands (km) the import log and the README count places in: the source article's
#: Syrian 2–10 km and Iraqi 10–25 km village bands fall inside them.
BAND_EDGES_KM = (0.0, 10.0, 25.0, 50.0)

#: Within this distance (km) of the line the source's own country wins over the bundled
#: (generalised, Natural Earth 1:10m) country polygons when the two disagree.
SIDE_TRUST_SOURCE_KM = 5.0

# Status words of gazetteers and agency spreadsheets (English, French, Arabic), compared in their
# search form (normalise_name: case, accents, hyphens, article and doubled letters ignored).
_STATUS_WORDS = {
    "inhabited": (
        "inhabited",
        "populated",
        "occupied",
        "returned",
        "fully returned",
        "all returned",
        "lived in",
        "living",
        "yes",
        "habite",
        "habitee",
        "مأهول",
        "مأهولة",
        "مسكون",
        "مسكونة",
        "عائدون",
        "عودة كاملة",
    ),
    "abandoned": (
        "abandoned",
        "deserted",
        "empty",
        "emptied",
        "evacuated",
        "depopulated",
        "destroyed",
        "ruined",
        "ruins",
        "vacant",
        "no",
        "uninhabited",
        "not inhabited",
        "no return",
        "not returned",
        "abandonne",
        "abandonnee",
        "detruit",
        "مهجور",
        "مهجورة",
        "خالي",
        "خالية",
        "مدمر",
        "مدمرة",
        "مهدمة",
        "غير مأهولة",
        "لا عودة",
    ),
    "partly returned": (
        "partly returned",
        "partially returned",
        "partial return",
        "partial",
        "partly",
        "partly inhabited",
        "partially inhabited",
        "some returned",
        "some returns",
        "mixed",
        "عودة جزئية",
        "جزئي",
        "جزئية",
        "مأهولة جزئيا",
    ),
    "unknown": ("unknown", "n/a", "na", "none", "null", "?", "-", "tbc", "tbd", "غير معروف", "مجهول"),
}
STATUS_VOCABULARY: Dict[str, str] = {
    normalise_name(word) or word: status for status, words in _STATUS_WORDS.items() for word in words
}
# GeoNames and GNS feature codes that say a place is emptied (PPLQ abandoned, PPLW destroyed).
ABANDONED_CODES = ("PPLQ", "PPLW")


@dataclass
class Place:
    """One settlement in the settlements schema; lon/lat in EPSG:4326. ``source`` names the gazetteer,
    ``source_id`` its record; ``other_sources`` lists the records merged into this one."""

    name: str
    lon: float
    lat: float
    name_ar: Optional[str] = None
    alt_names: List[str] = field(default_factory=list)
    country: Optional[str] = None  # as the source gives it (ISO 3166 alpha-2 where known)
    population: Optional[int] = None
    kind: Optional[str] = None
    status: str = UNKNOWN
    status_note: Optional[str] = None
    precision: str = "exact"
    source: str = ""
    source_id: str = ""
    note: Optional[str] = None
    side: Optional[str] = None
    governorate: Optional[str] = None
    district: Optional[str] = None
    border_km: Optional[float] = None
    other_sources: List[str] = field(default_factory=list)
    order: int = 0  # position of the source among the inputs: breaks ties in de-duplication

    @property
    def point(self) -> QgsPointXY:
        return QgsPointXY(self.lon, self.lat)

    def richness(self) -> float:
        """How much the record tells: a known status, population, an Arabic name, a kind and alternate names."""
        score = 0.0
        score += 4.0 if self.status != UNKNOWN else 0.0
        score += 2.0 if self.population else 0.0
        score += 2.0 if self.name_ar else 0.0
        score += 0.5 if self.kind else 0.0
        score += 0.5 if self.precision == "exact" else 0.0
        score += min(len(self.alt_names), 10) / 10.0
        return score

    def search_forms(self) -> set:
        """The dock's search keys of the name and Arabic name (the names a duplicate must share)."""
        return {k for k in (normalise_name(self.name), normalise_name(self.name_ar)) if k}

    def all_forms(self) -> set:
        return self.search_forms() | {k for k in (normalise_name(n) for n in self.alt_names) if k}


# ---------------------------------------------------------------- names
_ARABIC_ONLY = re.compile(r"^[\u0621-\u064A\u064B-\u0652\u0670 \-]+$")
_HARAKAT = re.compile(r"[\u064B-\u0652]")


def is_arabic(name: Optional[str]) -> bool:
    """Arabic letters only (no Persian or Kurdish letters such as پ چ ڤ ە ڵ), spaces and hyphens."""
    return bool(name) and bool(_ARABIC_ONLY.match(name))


_ARABIC_SCRIPT = re.compile(r"^[\u0600-\u06FF\u0750-\u077F\uFB50-\uFDFF\uFE70-\uFEFF \-]+$")


def is_arabic_script(name: Optional[str]) -> bool:
    """Arabic script, with the letters Iraqi usage adds for Kurdish and Turkmen names (گ چ ڤ پ ە…): for names a
    source labels as Arabic (WOF name:ara, OSM name:ar, GeoNames alternate names in language ar)."""
    return bool(name) and bool(_ARABIC_SCRIPT.match(name.strip())) and any(c.isalpha() for c in name)


def labelled_arabic(names: Iterable[Optional[str]]) -> Optional[str]:
    """The first name in Arabic script among names a source gives as Arabic."""
    for name in names:
        if name and is_arabic_script(name):
            return name.strip()
    return None


def arabic_name(names: Iterable[Optional[str]]) -> Optional[str]:
    """The first Arabic (not Persian or Kurdish) spelling among ``names``, unvowelled ones first."""
    arabic = [n.strip() for n in names if n and is_arabic(n.strip())]
    plain = [n for n in arabic if not _HARAKAT.search(n)]
    if plain:
        return plain[0]
    return arabic[0] if arabic else None


def search_names(names: Iterable[Optional[str]], limit: int = 60) -> List[str]:
    """Latin- and Arabic-script names, de-duplicated (order kept), for ``alt_names``."""
    out: List[str] = []
    seen = set()
    for name in names:
        name = (name or "").strip()
        if not name or ";" in name or name in seen:
            continue
        latin = all(ord(c) < 0x250 or 0x1E00 <= ord(c) <= 0x1EFF or c in "‘’`ʿʾ" for c in name)
        arabic = all(0x0600 <= ord(c) <= 0x06FF or c in " -" for c in name)
        if latin or arabic:
            seen.add(name)
            out.append(name)
        if len(out) >= limit:
            break
    return out


# ---------------------------------------------------------------- status
def parse_status_map(text: Optional[str], parameter: str = "STATUS_VALUES") -> Dict[str, str]:
    """``"1=inhabited; 2=abandoned; 3=partly returned"`` as {search form of the value: status}.

    Pairs are separated by ';', ',' or line breaks. Raises ValueError naming ``parameter`` and the pair
    when a pair has no '=' or its status is not one of STATUSES.
    """
    mapping: Dict[str, str] = {}
    for item in re.split(r"[;,\n]", text or ""):
        item = item.strip()
        if not item:
            continue
        if "=" not in item:
            raise ValueError(
                f"{parameter}: '{item}' is not VALUE=STATUS. Write pairs such as '1=inhabited; 2=abandoned; "
                f"3=partly returned' (statuses: {', '.join(STATUSES)})."
            )
        value, status = (part.strip() for part in item.rsplit("=", 1))
        wanted = STATUS_VOCABULARY.get(normalise_name(status)) if status not in STATUSES else status
        if wanted is None:
            raise ValueError(f"{parameter}: in '{item}', '{status}' is not a status; use one of {', '.join(STATUSES)}.")
        mapping[normalise_name(value) or value.strip().casefold()] = wanted
    return mapping


def status_of(value, user_map: Optional[Dict[str, str]] = None) -> Optional[str]:
    """The status a source value stands for, or None when it is not recognised (the caller logs it).
    An empty value is ``unknown``. The user's map is tried before the built-in words."""
    if value is None:
        return UNKNOWN
    text = str(value).strip()
    if not text:
        return UNKNOWN
    key = normalise_name(text) or text.casefold()
    if user_map and key in user_map:
        return user_map[key]
    if text in STATUSES:
        return text
    return STATUS_VOCABULARY.get(key)


# ---------------------------------------------------------------- border distance
class BorderMeter:
    """Geodesic distance (km) from lon/lat points to the border line.

    Each point is measured in an azimuthal equidistant CRS centred on its 0.25° cell: distances from
    the centre are exact there, and from a point within 20 km of it to a line within 100 km the error
    is under 2·10⁻⁵ of the distance (a metre at 50 km). The cell's CRS and the line in it are made once
    and reused, so measuring thousands of places costs milliseconds each cell, not a CRS per place.
    ``approx_km`` (one CRS centred on the border, within 0.5 %) screens out the places clearly too far.
    """

    CELL_DEG = 0.25

    def __init__(self, border_wgs84: QgsGeometry):
        if border_wgs84 is None or border_wgs84.isEmpty():
            raise ValueError("the border has no line geometry")
        self.border = bands.densify_geodesic(border_wgs84)
        self._screen = bands.BorderDistance(self.border)
        self._cells: Dict[Tuple[int, int], Tuple[QgsCoordinateTransform, QgsGeometry]] = {}
        self._context = QgsCoordinateTransformContext()
        box = self.border.boundingBox()
        self.extent = QgsRectangle(box)

    def approx_km(self, lon: float, lat: float) -> float:
        return self._screen(QgsPointXY(lon, lat))

    def distance_km(self, lon: float, lat: float) -> float:
        key = (math.floor(lon / self.CELL_DEG), math.floor(lat / self.CELL_DEG))
        cell = self._cells.get(key)
        if cell is None:
            centre_lon, centre_lat = (key[0] + 0.5) * self.CELL_DEG, (key[1] + 0.5) * self.CELL_DEG
            transform = QgsCoordinateTransform(
                bands.WGS84, bands.equidistant_crs(centre_lon, centre_lat), self._context
            )
            line = QgsGeometry(self.border)
            line.transform(transform)
            cell = self._cells[key] = (transform, line)
        transform, line = cell
        point = transform.transform(QgsPointXY(lon, lat))
        return line.distance(QgsGeometry.fromPointXY(point)) / 1000.0

    def search_box(self, max_km: float) -> QgsRectangle:
        """A lon/lat box holding every point within ``max_km`` of the line (a cheap first filter)."""
        box = QgsRectangle(self.extent)
        lat_margin = max_km / 110.0 + 0.05
        widest = max(abs(box.yMinimum()), abs(box.yMaximum())) + lat_margin
        lon_margin = max_km / (111.32 * max(math.cos(math.radians(min(widest, 89.0))), 0.01)) + 0.05
        box.setXMinimum(box.xMinimum() - lon_margin)
        box.setXMaximum(box.xMaximum() + lon_margin)
        box.setYMinimum(box.yMinimum() - lat_margin)
        box.setYMaximum(box.yMaximum() + lat_margin)
        return box


def band_of(border_km: Optional[float], edges: Sequence[float] = BAND_EDGES_KM) -> str:
    """``"0–10 km"``, ``"10–25 km"``… for a distance; beyond the last edge ``"> 50 km"``."""
    if border_km is None:
        return "unknown"
    for low, high in zip(edges, edges[1:]):
        if border_km <= high:
            return bands.band_label(low, high)
    return f"> {edges[-1]:g} km"


# ---------------------------------------------------------------- side, governorate, district
class _Polygons:
    """Named polygons of one side, with a spatial index: which holds a point, else the nearest."""

    def __init__(self, items: Sequence[Tuple[str, QgsGeometry]]):
        self.items = []
        self.index = QgsSpatialIndex()
        for i, (name, geom) in enumerate(items):
            geom = QgsGeometry(geom)
            if not geom.isGeosValid():
                geom = geom.makeValid()
            engine = QgsGeometry.createGeometryEngine(geom.constGet())
            engine.prepareGeometry()
            self.items.append((name, geom, engine))
            self.index.addFeature(i, geom.boundingBox())

    def containing(self, point: QgsPointXY) -> Optional[str]:
        probe = QgsGeometry.fromPointXY(point)
        for i in self.index.intersects(QgsRectangle(point.x(), point.y(), point.x(), point.y())):
            name, _geom, engine = self.items[i]
            if engine.intersects(probe.constGet()):
                return name
        return None

    def nearest(self, point: QgsPointXY, max_deg: float) -> Optional[str]:
        probe = QgsGeometry.fromPointXY(point)
        best = None
        for i in self.index.nearestNeighbor(point, 3):
            name, geom, _engine = self.items[i]
            distance = geom.distance(probe)
            if distance <= max_deg and (best is None or distance < best[0]):
                best = (distance, name)
        return best[1] if best else None


class Locator:
    """Side (IQ/SY), governorate and district of lon/lat points from polygons of the two countries.

    ``countries``: [(side code, polygon)]; ``governorates`` and ``districts``: [(name, side, polygon)].
    A point outside every polygon of its side (the generalised polygons miss a few near the line) takes
    the nearest one within ``nearest_deg`` degrees.
    """

    def __init__(
        self,
        countries: Sequence[Tuple[str, QgsGeometry]],
        governorates: Sequence[Tuple[str, str, QgsGeometry]] = (),
        districts: Sequence[Tuple[str, str, QgsGeometry]] = (),
        nearest_deg: float = 0.1,
    ):
        self.countries = _Polygons(countries)
        self.governorates = {
            side: _Polygons([(n, g) for n, s, g in governorates if s == side])
            for side in {s for _n, s, _g in governorates}
        }
        self.districts = {
            side: _Polygons([(n, g) for n, s, g in districts if s == side]) for side in {s for _n, s, _g in districts}
        }
        self.nearest_deg = nearest_deg

    def side(self, place: Place) -> Optional[str]:
        """IQ or SY: the country polygon holding the place; the source's own country instead when it names
        Iraq or Syria and the place lies within SIDE_TRUST_SOURCE_KM of the line. None: neither country."""
        stated = bands.side_of_code(place.country) if place.country else None
        if stated and place.border_km is not None and place.border_km <= SIDE_TRUST_SOURCE_KM:
            return stated
        found = self.countries.containing(place.point)
        if found in ("IQ", "SY"):
            return found
        if found is None and stated:
            return stated  # outside every polygon (a river, a coast): trust the source
        if found is None:
            nearest = self.countries.nearest(place.point, self.nearest_deg)
            return nearest if nearest in ("IQ", "SY") else None
        return None  # in a third country

    def governorate(self, point: QgsPointXY, side: str) -> Optional[str]:
        polygons = self.governorates.get(side)
        if polygons is None:
            return None
        return polygons.containing(point) or polygons.nearest(point, self.nearest_deg)

    def district(self, point: QgsPointXY, side: str) -> Optional[str]:
        polygons = self.districts.get(side)
        if polygons is None:
            return None
        return polygons.containing(point) or polygons.nearest(point, self.nearest_deg)


@dataclass
class PlaceFilter:
    """What :func:`locate` kept and dropped, for the log."""

    kept: int = 0
    too_far: int = 0
    other_country: int = 0
    side_from_source: int = 0


def locate(
    places: Iterable[Place],
    meter: BorderMeter,
    locator: Locator,
    max_km: float,
    counts: Optional[PlaceFilter] = None,
    keep: Callable[[Place], bool] = lambda p: False,
) -> List[Place]:
    """The places within ``max_km`` (geodesic) of the border on the Iraqi or Syrian side, each with
    ``border_km``, ``side``, ``governorate`` and ``district`` set. ``keep(place)`` keeps a place whatever its
    distance (the bundled layer keeps the places of the source article)."""
    counts = counts if counts is not None else PlaceFilter()
    out = []
    screen_km = max_km * 1.01 + 2.0
    for place in places:
        forced = keep(place)
        if not forced and meter.approx_km(place.lon, place.lat) > screen_km:
            counts.too_far += 1
            continue
        place.border_km = round(meter.distance_km(place.lon, place.lat), 3)
        if place.border_km > max_km and not forced:
            counts.too_far += 1
            continue
        polygon_side = locator.countries.containing(place.point)
        place.side = locator.side(place)
        if place.side is None:
            counts.other_country += 1
            continue
        if polygon_side in ("IQ", "SY") and polygon_side != place.side:
            counts.side_from_source += 1
        place.governorate = locator.governorate(place.point, place.side)
        place.district = locator.district(place.point, place.side)
        counts.kept += 1
        out.append(place)
    return out


def band_counts(places: Iterable[Place], edges: Sequence[float] = BAND_EDGES_KM) -> Dict[Tuple[str, str], int]:
    """{(side, band): number of places}, for the log and the README."""
    counts: Dict[Tuple[str, str], int] = {}
    for place in places:
        key = (place.side or "?", band_of(place.border_km, edges))
        counts[key] = counts.get(key, 0) + 1
    return counts


def band_table(places: Sequence[Place], edges: Sequence[float] = BAND_EDGES_KM) -> List[str]:
    """Log lines: places per side and distance band, and per status."""
    counts = band_counts(places, edges)
    labels = [bands.band_label(a, b) for a, b in zip(edges, edges[1:])]
    extra = sorted({band for _side, band in counts} - set(labels))
    lines = []
    for side, title in (("IQ", "Iraq"), ("SY", "Syria")):
        cells = [
            f"{band} {counts.get((side, band), 0)}"
            for band in labels + extra
            if (side, band) in counts or band in labels
        ]
        total = sum(n for (s, _b), n in counts.items() if s == side)
        lines.append(f"{title}: {total} places ({', '.join(cells)}).")
    statuses = {}
    for place in places:
        statuses[place.status] = statuses.get(place.status, 0) + 1
    lines.append("Status: " + ", ".join(f"{s} {statuses[s]}" for s in STATUSES if s in statuses) + ".")
    return lines


# ---------------------------------------------------------------- de-duplication
@dataclass
class Deduplicated:
    places: List[Place]
    merged: int = 0
    status_conflicts: List[str] = field(default_factory=list)


def _cell(lon: float, lat: float, size_deg: float) -> Tuple[int, int]:
    return (math.floor(lon / size_deg), math.floor(lat / size_deg))


def _metres_between(a: Place, b: Place) -> float:
    """Geodesic distance for two points under a few km apart (equirectangular on the WGS 84 sphere
    of mean radius: within 0.5 % there, far finer than the tolerance it is compared with)."""
    mean_lat = math.radians((a.lat + b.lat) / 2.0)
    dx = math.radians(b.lon - a.lon) * math.cos(mean_lat)
    dy = math.radians(b.lat - a.lat)
    return 6371008.8 * math.hypot(dx, dy)


def deduplicate(
    places: Sequence[Place],
    distance_m: float,
    same_source_too: bool = False,
    same: Optional[Callable[[Place, Place], bool]] = None,
) -> Deduplicated:
    """One record per settlement across sources.

    Two records are the same settlement when they lie within ``distance_m`` of each other and the name
    or Arabic name of one is, in its search form (the dock's keys), a name, Arabic name or alternate name
    of the other; ``same(a, b)`` may add other proofs (e.g. the same GeoNames id). The richer record
    wins (:meth:`Place.richness`; ties: earlier source, then smaller id) and takes from the others what
    it lacks (Arabic name, population, kind, a known status), their names as alternate names, and their
    ``source:source_id`` in ``other_sources``. A winner absorbs at most one record of each source
    unless ``same_source_too`` (two records of one gazetteer are left apart by default: a gazetteer may
    list two villages of one name a few hundred metres apart). Deterministic: the result does not
    depend on the order of ``places``.
    """
    ordered = sorted(places, key=lambda p: (-p.richness(), p.order, p.source, p.source_id, p.name, p.lon, p.lat))
    size_deg = max(distance_m, 1.0) / 111000.0 * 1.5 + 1e-9
    grid: Dict[Tuple[int, int], List[int]] = {}
    kept: List[Place] = []
    sources_of: List[set] = []
    forms_of: List[Tuple[set, set]] = []
    result = Deduplicated(kept)
    for place in ordered:
        cx, cy = _cell(place.lon, place.lat, size_deg)
        primary, every = place.search_forms(), place.all_forms()
        best = None
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                for k in grid.get((cx + dx, cy + dy), ()):
                    other = kept[k]
                    if not same_source_too and place.source in sources_of[k]:
                        continue
                    distance = _metres_between(place, other)
                    if distance > distance_m:
                        continue
                    other_primary, other_every = forms_of[k]
                    named_alike = bool(primary & other_every) or bool(other_primary & every)
                    if not named_alike and not (same is not None and same(other, place)):
                        continue
                    if best is None or distance < best[0]:
                        best = (distance, k)
        if best is None:
            grid.setdefault((cx, cy), []).append(len(kept))
            kept.append(place)
            sources_of.append({place.source})
            forms_of.append((primary, every))
            continue
        k = best[1]
        winner = kept[k]
        conflict = _absorb(winner, place)
        if conflict:
            result.status_conflicts.append(conflict)
        sources_of[k].add(place.source)
        forms_of[k] = (forms_of[k][0], forms_of[k][1] | every)
        result.merged += 1
    return result


def _absorb(winner: Place, other: Place) -> Optional[str]:
    """Fill ``winner``'s gaps from ``other`` and list ``other`` as a further source; a sentence when the
    two give different known statuses (the winner's is kept)."""
    conflict = None
    if not winner.name_ar and other.name_ar:
        winner.name_ar = other.name_ar
    if not winner.population and other.population:
        winner.population = other.population
    if not winner.kind and other.kind:
        winner.kind = other.kind
    if winner.status == UNKNOWN and other.status != UNKNOWN:
        winner.status, winner.status_note = other.status, other.status_note
    elif other.status not in (UNKNOWN, winner.status):
        conflict = (
            f"{winner.name}: {winner.source} says {winner.status}, {other.source} says {other.status}; "
            f"kept {winner.status}"
        )
    names = [other.name, other.name_ar] + list(other.alt_names)
    winner.alt_names = search_names(list(winner.alt_names) + [n for n in names if n])
    label = f"{other.source}:{other.source_id}" if other.source_id else other.source
    if label not in winner.other_sources:
        winner.other_sources.append(label)
    for extra in other.other_sources:
        if extra not in winner.other_sources:
            winner.other_sources.append(extra)
    return conflict
