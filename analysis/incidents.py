"""Incidents against gap zones: reading an incident layer (an ACLED export or the analyst's own
log), placing each incident in exactly one zone of the study area (in a gap, in the covered seam,
elsewhere), rates and exact rate ratios, kernel density and its hot spots, and monthly trends.

Everything is computed in the UTM zone of the gaps; see analysis/incident_stats.py for the
formulas and analysis/density.py for the kernel.
"""

import datetime
import math
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsCsException,
    QgsFeature,
    QgsFeatureRequest,
    QgsGeometry,
    QgsLineString,
    QgsPoint,
    QgsPointXY,
    QgsProject,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QVariant

from . import density as kde
from .crs import WGS84, metric_crs_for
from .errors import BorderGapsError
from .geometry import BUFFER_SEGMENTS, check_canceled, polygon_parts, union_all
from .incident_dates import is_null, parse_dates
from .incident_stats import RateRatio, Trend, poisson_trend, rate_ratio, ratio_sentence, trend_sentence
from .inputs import read_features, source_crs

POINT = QgsWkbTypes.GeometryType.PointGeometry
POLYGON = QgsWkbTypes.GeometryType.PolygonGeometry
NO_GEOMETRY = QgsWkbTypes.GeometryType.NullGeometry
UNKNOWN_GEOMETRY = QgsWkbTypes.GeometryType.UnknownGeometry

#: The columns an ACLED export is recognised by.
ACLED_COLUMNS = ("event_date", "event_type", "sub_event_type", "fatalities", "latitude", "longitude", "geo_precision")
ACLED_ID = "event_id_cnty"
DATE_NAMES = ("event_date", "date", "incident_date", "event_day")
LATITUDE_NAMES = ("latitude", "lat", "y")
LONGITUDE_NAMES = ("longitude", "lon", "long", "lng", "x")
VILLAGE_RADIUS_M = 2000.0
DAYS_PER_YEAR = 365.25

ZONE_GAPS = "in gaps"
ZONE_SEAM = "covered seam"
ZONE_REST = "rest of the study area"
ZONE_VILLAGES = "within 2 km of an abandoned village"
ZONE_STUDY = "whole study area"


# ----------------------------------------------------------------------------- which fields
@dataclass(frozen=True)
class IncidentFields:
    """The fields the analysis reads (names as the layer spells them), and how it found them."""

    date: str
    type: Optional[str] = None
    sub_type: Optional[str] = None
    weight: Optional[str] = None
    precision: Optional[str] = None
    latitude: Optional[str] = None
    longitude: Optional[str] = None
    event_id: Optional[str] = None
    acled: bool = False
    notes: Tuple[str, ...] = ()


def _lookup(names: Sequence[str], wanted: Sequence[str]) -> Optional[str]:
    lower = {n.lower(): n for n in names}
    for name in wanted:
        if name in lower:
            return lower[name]
    return None


def _field_or_error(names: Sequence[str], name: str, key: str, layer_name: str) -> str:
    found = _lookup(names, [name.lower()])
    if found is None:
        listed = ", ".join(f"'{n}'" for n in names) or "none"
        raise BorderGapsError(
            f"Field '{name}' ({key}) is not in layer '{layer_name}'. Its fields are: {listed}. Choose one of them "
            f"for {key}."
        )
    return found


def incident_fields(
    fields,
    layer_name: str,
    date_field: Optional[str] = None,
    type_field: Optional[str] = None,
    weight_field: Optional[str] = None,
) -> IncidentFields:
    """The fields to read: ACLED's columns when the layer has them all (DATE_FIELD, TYPE_FIELD and
    WEIGHT_FIELD, when given, win), else the fields given, else a field named like a date
    (event_date, date) or the layer's only date field. No date field: a BorderGapsError."""
    names = [f.name() for f in fields]
    acled = all(_lookup(names, [c]) for c in ACLED_COLUMNS)
    notes = []
    if date_field:
        date = _field_or_error(names, date_field, "DATE_FIELD", layer_name)
    else:
        date = _lookup(names, DATE_NAMES)
        if date is None:
            typed = [f.name() for f in fields if f.type() in (QVariant.Date, QVariant.DateTime)]
            if len(typed) == 1:
                date = typed[0]
                notes.append(f"Dates from field '{date}', the layer's only date field.")
        if date is None:
            listed = ", ".join(f"'{n}'" for n in names) or "none"
            raise BorderGapsError(
                f"Layer '{layer_name}' has no date field (no 'event_date' as in an ACLED export, and no field of "
                f"type date). Its fields are: {listed}. Choose the field holding each incident's date in DATE_FIELD."
            )
    kind = _field_or_error(names, type_field, "TYPE_FIELD", layer_name) if type_field else None
    weight = _field_or_error(names, weight_field, "WEIGHT_FIELD", layer_name) if weight_field else None
    if acled:
        kind = kind or _lookup(names, ["event_type"])
        weight = weight or _lookup(names, ["fatalities"])
        notes.insert(0, "ACLED export recognised by its columns (" + ", ".join(ACLED_COLUMNS) + ").")
    return IncidentFields(
        date=date,
        type=kind,
        sub_type=_lookup(names, ["sub_event_type"]) if acled else None,
        weight=weight,
        precision=_lookup(names, ["geo_precision"]),
        latitude=_lookup(names, LATITUDE_NAMES[:2]) if not acled else _lookup(names, ["latitude"]),
        longitude=_lookup(names, LONGITUDE_NAMES[:4]) if not acled else _lookup(names, ["longitude"]),
        event_id=_lookup(names, [ACLED_ID, "event_id", "incident_id"]),
        acled=acled,
        notes=tuple(notes),
    )


def parse_types(text: Optional[str]) -> List[str]:
    """'Battles, Explosions/Remote violence' → ['Battles', 'Explosions/Remote violence']."""
    return [t.strip() for t in (text or "").split(",") if t.strip()]


# ----------------------------------------------------------------------------- reading
@dataclass
class IncidentSet:
    """The incidents kept, coordinates in the metric CRS, with what was left out and why."""

    x: np.ndarray
    y: np.ndarray
    day: np.ndarray  # proleptic Gregorian ordinal of the date
    weight: np.ndarray
    fields: IncidentFields
    read: int = 0
    left_out: Dict[str, int] = field(default_factory=dict)
    notes: List[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.x)


class RowNames:
    """How to name a row of the incident layer in a message: a CSV line, a feature id, the event id."""

    def __init__(self, layer_name: str, kind: Optional[str] = None):
        self.layer_name, self.kind = layer_name, kind

    def __call__(self, fid: int, event_id=None) -> str:
        if self.kind == "ogr_csv":  # OGR numbers the rows of a CSV from 1, after the header line
            text = f"row {fid} (line {fid + 1}) of '{self.layer_name}'"
        elif self.kind == "delimitedtext":  # QGIS's delimited-text provider numbers the lines
            text = f"line {fid} of '{self.layer_name}'"
        else:
            text = f"feature {fid} of '{self.layer_name}'"
        if event_id is not None and not is_null(event_id):
            text += f" (event {event_id})"
        return text


def _number(value, what: str, label: str, key: str) -> Optional[float]:
    if is_null(value):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
    else:
        try:
            number = float(str(value).strip())
        except ValueError:
            number = math.nan
    if not math.isfinite(number):
        raise BorderGapsError(f"The {what} of {label} is '{value}', not a number: correct it or choose another {key}.")
    return number


def read_incidents(
    source,
    layer_name: str,
    crs: QgsCoordinateReferenceSystem,
    fields: IncidentFields,
    types: Sequence[str] = (),
    date_from: Optional[datetime.date] = None,
    date_to: Optional[datetime.date] = None,
    max_precision: Optional[int] = 2,
    row_kind: Optional[str] = None,
    feedback=None,
    transform_context=None,
) -> IncidentSet:
    """The incidents of ``source`` that pass the filters, in ``crs``.

    Points come from the geometry, or for a table (an ACLED CSV opened without geometry) from the
    latitude/longitude columns in WGS 84. Left out and counted: no position, no date, a type not in
    ``types`` (matched without regard to case against the type field and ACLED's sub_event_type),
    geo_precision above ``max_precision``, a date outside [date_from, date_to]. A value that cannot
    be read (date, coordinate, weight, precision) raises a BorderGapsError naming the row.
    """
    names = RowNames(layer_name, row_kind)
    geometry_type = QgsWkbTypes.geometryType(source.wkbType())
    from_columns = geometry_type in (NO_GEOMETRY, UNKNOWN_GEOMETRY) and fields.latitude and fields.longitude
    if geometry_type not in (POINT, NO_GEOMETRY, UNKNOWN_GEOMETRY):
        kind = "line" if geometry_type == QgsWkbTypes.GeometryType.LineGeometry else "polygon"
        raise BorderGapsError(
            f"Layer '{layer_name}' (INCIDENTS) has {kind} geometries: incidents must be points, or a table with "
            "latitude and longitude columns such as an ACLED export. Choose a point layer."
        )
    if geometry_type in (NO_GEOMETRY, UNKNOWN_GEOMETRY) and not from_columns:
        raise BorderGapsError(
            f"Layer '{layer_name}' (INCIDENTS) has no geometry and no latitude/longitude columns: load it as points "
            "(Layer → Add Delimited Text Layer, with the X and Y fields) or give a layer with 'latitude' and "
            "'longitude' columns, as ACLED exports have."
        )
    layer_fields = source.fields()
    wanted = {
        "date": fields.date,
        "type": fields.type,
        "sub_type": fields.sub_type,
        "weight": fields.weight,
        "precision": fields.precision,
        "event_id": fields.event_id,
        "latitude": fields.latitude,
        "longitude": fields.longitude,
    }
    index = {k: layer_fields.lookupField(v) for k, v in wanted.items() if v}
    request = QgsFeatureRequest()
    request.setSubsetOfAttributes(sorted(set(index.values())))
    if from_columns:
        request.setFlags(QgsFeatureRequest.Flag.NoGeometry)
    wanted_types = {t.casefold() for t in types}
    found_types: Dict[str, str] = {}
    left_out = {"no position": 0, "no date": 0, "other type": 0, "imprecise": 0, "outside the dates": 0}
    xs, ys, fids, ids, raw_dates, weights, latlon_rows = [], [], [], [], [], [], []
    total = max(1, source.featureCount())
    read = 0
    for n, feature in enumerate(source.getFeatures(request)):
        if n % 1000 == 0:
            check_canceled(feedback)
            if feedback is not None:
                feedback.setProgress(20.0 * n / total)
        read += 1
        attrs = feature.attributes()
        event_id = attrs[index["event_id"]] if "event_id" in index else None
        label = names(feature.id(), event_id)
        if wanted_types:
            values = [attrs[index[k]] for k in ("type", "sub_type") if k in index]
            values = [str(v).strip() for v in values if not is_null(v)]
            for v in values:
                found_types.setdefault(v.casefold(), v)
            if not any(v.casefold() in wanted_types for v in values):
                left_out["other type"] += 1
                continue
        if "precision" in index and max_precision is not None:
            precision = _number(attrs[index["precision"]], "geo_precision", label, "MAX_PRECISION")
            if precision is not None and precision > max_precision:
                left_out["imprecise"] += 1
                continue
        point = None
        if not from_columns:
            geom = feature.geometry()
            if geom is not None and not geom.isNull() and not geom.isEmpty():
                if geom.isMultipart():
                    geom = geom.centroid()
                p = geom.constGet()
                point = (p.x(), p.y()) if hasattr(p, "x") else None
        if point is None and "latitude" in index and "longitude" in index:
            lat = _number(attrs[index["latitude"]], "latitude", label, "layer")
            lon = _number(attrs[index["longitude"]], "longitude", label, "layer")
            if lat is not None and lon is not None:
                if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                    raise BorderGapsError(
                        f"The position of {label} is latitude {lat:g}, longitude {lon:g}, outside the range of "
                        "degrees (−90…90, −180…180): correct it."
                    )
                point = (lon, lat)
                latlon_rows.append(len(xs))
        if point is None:
            left_out["no position"] += 1
            continue
        weight = 1.0
        if "weight" in index:
            value = _number(attrs[index["weight"]], "weight (fatalities)", label, "WEIGHT_FIELD")
            weight = 0.0 if value is None else value
        xs.append(point[0])
        ys.append(point[1])
        fids.append(feature.id())
        ids.append(event_id)
        raw_dates.append(attrs[index["date"]])
        weights.append(weight)
    check_canceled(feedback)
    if wanted_types:
        unknown = [t for t in types if t.casefold() not in found_types]
        if unknown:
            present = ", ".join(f"'{v}'" for v in sorted(found_types.values())[:20]) or "none"
            raise BorderGapsError(
                f"TYPES names {', '.join(repr(t) for t in unknown)}, which no incident of layer '{layer_name}' has "
                f"(field {fields.type or 'none'}{', ' + fields.sub_type if fields.sub_type else ''}). Types found: "
                f"{present}."
            )
    dates, note = parse_dates(raw_dates, lambda i: names(fids[i], ids[i]), fields.date)
    notes = list(fields.notes) + ([note] if note else [])
    keep = []
    for i, d in enumerate(dates):
        if d is None:
            left_out["no date"] += 1
        elif (date_from is not None and d < date_from) or (date_to is not None and d > date_to):
            left_out["outside the dates"] += 1
        else:
            keep.append(i)
    x = np.asarray(xs, dtype=float)
    y = np.asarray(ys, dtype=float)
    latlon = np.zeros(len(xs), dtype=bool)
    latlon[latlon_rows] = True
    context = transform_context or QgsProject.instance().transformContext()
    layer_crs = source_crs(source)
    for rows, from_crs in ((np.flatnonzero(~latlon), layer_crs), (np.flatnonzero(latlon), WGS84)):
        if not len(rows):
            continue
        if not from_crs.isValid():
            raise BorderGapsError(
                f"Layer '{layer_name}' has no coordinate reference system. Set its CRS in the layer properties "
                "(Source → Assigned CRS) and run again."
            )
        x[rows], y[rows] = transform_xy(
            x[rows], y[rows], from_crs, crs, context, lambda i, r=rows: names(fids[r[i]], ids[r[i]]), layer_name
        )
    keep = np.asarray(keep, dtype=np.int64)
    return IncidentSet(
        x=x[keep],
        y=y[keep],
        day=np.asarray([dates[i].toordinal() for i in keep], dtype=np.int64),
        weight=np.asarray(weights, dtype=float)[keep] if len(keep) else np.zeros(0),
        fields=fields,
        read=read,
        left_out=left_out,
        notes=notes,
    )


def transform_xy(x, y, src, dst, context, label, layer_name) -> Tuple[np.ndarray, np.ndarray]:
    """Arrays of coordinates from ``src`` to ``dst`` in one PROJ call (a line string of them); a
    point that cannot be transformed is named in the error."""
    if src == dst or len(x) == 0:
        return np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    transform = QgsCoordinateTransform(src, dst, context)
    geom = QgsGeometry(QgsLineString(list(map(float, x)), list(map(float, y)))) if len(x) > 1 else None
    try:
        if geom is None:
            p = transform.transform(QgsPointXY(float(x[0]), float(y[0])))
            out = np.array([[p.x(), p.y()]])
        else:
            geom.transform(transform)
            polygon = geom.constGet().asQPolygonF()
            pointer = polygon.data()
            pointer.setsize(len(x) * 16)
            out = np.frombuffer(pointer, dtype=float).reshape(len(x), 2).copy()
        if not np.all(np.isfinite(out)):
            raise QgsCsException("non-finite coordinates")
    except QgsCsException as err:
        bad = _first_bad_point(x, y, transform)
        where = label(bad) if bad is not None else f"a feature of '{layer_name}'"
        raise BorderGapsError(
            f"The position of {where} cannot be transformed from {src.authid() or src.description()} to "
            f"{dst.authid()}: its coordinates do not fit the layer's CRS (e.g. metres in a layer declared as "
            "lon/lat). Check the layer's CRS (Layer Properties → Source → Assigned CRS).",
            details=str(err),
        ) from err
    return out[:, 0], out[:, 1]


def _first_bad_point(x, y, transform) -> Optional[int]:
    for i, (a, b) in enumerate(zip(x, y)):
        try:
            p = transform.transform(QgsPointXY(float(a), float(b)))
            if not (math.isfinite(p.x()) and math.isfinite(p.y())):
                return i
        except QgsCsException:
            return i
    return None


# ----------------------------------------------------------------------------- where each one lies
def locate(xs: np.ndarray, ys: np.ndarray, polygons: Sequence[QgsGeometry], is_canceled=lambda: False) -> np.ndarray:
    """For each point, the index of the first polygon of ``polygons`` holding it (its boundary
    included), else −1: so a point on the edge between two polygons, or of a polygon and what lies
    outside it, belongs to one place only. Points are tested once per distinct position, against
    the polygons whose box holds them, with GEOS prepared geometries."""
    result = np.full(len(xs), -1, dtype=np.int64)
    if len(xs) == 0 or not polygons:
        return result
    coords = np.column_stack([xs, ys])
    unique, inverse = np.unique(coords, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    found = np.full(len(unique), -1, dtype=np.int64)
    order = np.argsort(unique[:, 0], kind="stable")
    sorted_x = unique[order, 0]
    for k, polygon in enumerate(polygons):
        if k % 50 == 0 and is_canceled():
            break
        if polygon is None or polygon.isEmpty():
            continue
        box = polygon.boundingBox()
        lo = int(np.searchsorted(sorted_x, box.xMinimum(), side="left"))
        hi = int(np.searchsorted(sorted_x, box.xMaximum(), side="right"))
        candidates = order[lo:hi]
        cy = unique[candidates, 1]
        candidates = candidates[(cy >= box.yMinimum()) & (cy <= box.yMaximum()) & (found[candidates] < 0)]
        if not len(candidates):
            continue
        engine = QgsGeometry.createGeometryEngine(polygon.constGet())
        engine.prepareGeometry()
        for c in candidates:
            if engine.intersects(QgsPoint(unique[c, 0], unique[c, 1])):
                found[c] = k
    result[:] = found[inverse]
    return result


def inside(xs: np.ndarray, ys: np.ndarray, polygon: Optional[QgsGeometry], is_canceled=lambda: False) -> np.ndarray:
    """Whether each point lies in ``polygon`` (boundary included)."""
    if polygon is None or polygon.isEmpty():
        return np.zeros(len(xs), dtype=bool)
    return locate(xs, ys, [polygon], is_canceled) == 0


# ----------------------------------------------------------------------------- the analysis
@dataclass
class GapRow:
    feature: QgsFeature  # the gap as read (attributes kept), geometry in the metric CRS
    gap_key: str  # gap_id, or the feature id
    area_km2: float  # inside the study area
    incidents: int = 0
    fatalities: float = 0.0
    first: Optional[datetime.date] = None
    last: Optional[datetime.date] = None
    rate: Optional[float] = None  # per 100 km² per year


@dataclass
class ComparisonRow:
    zone: str
    area_km2: float
    incidents: int
    fatalities: float
    rate: Optional[float]
    reference: str = ""
    reference_area_km2: Optional[float] = None
    reference_incidents: Optional[int] = None
    ratio: Optional[RateRatio] = None
    sentence: str = ""


@dataclass
class HotspotRow:
    geometry: QgsGeometry
    area_km2: float
    incidents: int
    fatalities: float
    peak: float
    mean: float
    gaps: List[str]
    gap_area_km2: float


@dataclass
class MonthRow:
    month: str
    start: datetime.date
    days: int
    in_gaps: int
    outside: int
    fatalities_in_gaps: float
    fatalities_outside: float
    fitted_in_gaps: Optional[float] = None
    fitted_outside: Optional[float] = None


@dataclass
class IncidentAnalysis:
    crs: QgsCoordinateReferenceSystem
    incidents: IncidentSet
    period: Tuple[datetime.date, datetime.date]
    years: float
    gaps: List[GapRow]
    comparison: List[ComparisonRow]
    headline: Optional[ComparisonRow]
    sentence: str
    grid: kde.Grid
    density: np.ndarray
    density_total: float
    threshold: float
    hotspots: List[HotspotRow]
    months: List[MonthRow]
    trend_gaps: Optional[Trend]
    trend_outside: Optional[Trend]
    trend_sentence: str
    in_gaps: int
    log: List[str] = field(default_factory=list)


def _rate(n: float, area_km2: float, years: float) -> Optional[float]:
    return n / (area_km2 / 100.0) / years if area_km2 > 0 and years > 0 else None


def _gap_key(feature: QgsFeature, index: int) -> str:
    names = feature.fields().names()
    if "gap_id" in names and not is_null(feature["gap_id"]):
        value = feature["gap_id"]
        return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    return str(feature.id())


def _stable_order(rows: List[Tuple[QgsFeature, QgsGeometry]]) -> List[int]:
    """Gaps by gap_id when they have one, else by area and position: the same order whatever the
    order of the features (it decides only which of two touching gaps owns a point on their edge)."""

    def key(i):
        feature, geom = rows[i]
        names = feature.fields().names()
        gid = feature["gap_id"] if "gap_id" in names and not is_null(feature["gap_id"]) else None
        centre = geom.boundingBox().center()
        try:
            gid_key = (0, float(gid)) if gid is not None else (1, 0.0)
        except (TypeError, ValueError):
            gid_key = (0, 0.0)
        return (gid_key, -round(geom.area(), 0), round(centre.x(), 1), round(centre.y(), 1))

    return sorted(range(len(rows)), key=key)


def month_table(start: datetime.date, end: datetime.date) -> List[Tuple[str, datetime.date, int]]:
    """(YYYY-MM, first day, days inside [start, end]) of each calendar month the period touches."""
    months = []
    first = start.replace(day=1)
    while first <= end:
        following = (first.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        lo, hi = max(first, start), min(following - datetime.timedelta(days=1), end)
        months.append((first.strftime("%Y-%m"), first, (hi - lo).days + 1))
        first = following
    return months


def analyse_incidents(
    incidents_source,
    incidents_name: str,
    gaps_source,
    gaps_name: str,
    date_field: Optional[str] = None,
    type_field: Optional[str] = None,
    weight_field: Optional[str] = None,
    types: Sequence[str] = (),
    date_from: Optional[datetime.date] = None,
    date_to: Optional[datetime.date] = None,
    max_precision: Optional[int] = 2,
    seam=None,
    seam_name: str = "",
    study_area=None,
    study_name: str = "",
    buffer_m: float = 10000.0,
    settlements=None,
    settlements_name: str = "",
    bandwidth_m: float = 5000.0,
    cell_size: float = 500.0,
    hotspot_pct: float = 5.0,
    row_kind: Optional[str] = None,
    feedback=None,
    log: Callable[[str], None] = lambda text: None,
    transform_context=None,
) -> IncidentAnalysis:
    """The whole incident analysis; see the module docstring and processing/incidents.py's help."""
    canceled = lambda: feedback is not None and feedback.isCanceled()  # noqa: E731
    check_inputs(buffer_m, bandwidth_m, cell_size, hotspot_pct, date_from, date_to, max_precision)
    context = transform_context or QgsProject.instance().transformContext()
    if gaps_source.featureCount() == 0:
        raise BorderGapsError(
            f"Layer '{gaps_name}' (GAPS) has no gap zones: give the output of Unmonitored gap zones "
            "(bordergaps:gapzones)."
        )
    crs = metric_crs_for(gaps_source.sourceExtent(), source_crs(gaps_source))
    log(f"Computed in {crs.authid()} ({crs.description()}).")

    fields = incident_fields(incidents_source.fields(), incidents_name, date_field, type_field, weight_field)
    incidents = read_incidents(
        incidents_source,
        incidents_name,
        crs,
        fields,
        types,
        date_from,
        date_to,
        max_precision,
        row_kind,
        feedback,
        context,
    )
    for note in incidents.notes:
        log(note)

    # -- zones -----------------------------------------------------------------------------------
    gaps_read = read_features(gaps_source, crs, gaps_name, POLYGON, is_canceled=canceled, transform_context=context)
    for line in gaps_read.log_lines():
        log(line)
    check_canceled(feedback)
    if not gaps_read.features:
        raise BorderGapsError(f"Layer '{gaps_name}' (GAPS) has no gap polygon with a geometry: check the layer.")
    pairs = [(f, f.geometry()) for f in gaps_read.features]
    ordered = [pairs[i] for i in _stable_order(pairs)]
    gap_union = union_all([g for _f, g in ordered], feedback)
    seam_geom = None
    if seam is not None:
        seam_geom = _seam_geometry(seam, seam_name, crs, context, canceled, log)
    if study_area is not None:
        read = read_features(study_area, crs, study_name, POLYGON, is_canceled=canceled, transform_context=context)
        for line in read.log_lines():
            log(line)
        if not read.features:
            raise BorderGapsError(f"Layer '{study_name}' (STUDY_AREA) has no polygon with a geometry: check the layer.")
        study = union_all([f.geometry() for f in read.features], feedback)
        log(f"Study area: {study_name}, {study.area() / 1e6:,.1f} km².")
    else:
        base, what = (seam_geom, "the seam") if seam_geom is not None else (gap_union, "the gaps")
        study = base.buffer(buffer_m, BUFFER_SEGMENTS) if buffer_m > 0 else QgsGeometry(base)
        log(f"Study area: {what} grown by {buffer_m:,.0f} m, {study.area() / 1e6:,.1f} km².")
    study = _valid(study)
    check_canceled(feedback)
    gaps_in = _valid(gap_union.intersection(study))
    seam_in = _valid(seam_geom.intersection(study).difference(gaps_in)) if seam_geom is not None else None
    rest = _valid(study.difference(gaps_in.combine(seam_in) if seam_in is not None else gaps_in))
    villages = None
    if settlements is not None:
        villages = _village_zone(settlements, settlements_name, crs, context, canceled, log)
        if villages is not None:
            villages = _valid(villages.intersection(study))
    if feedback is not None:
        feedback.setProgress(25)

    # -- where each incident lies ----------------------------------------------------------------
    in_study = inside(incidents.x, incidents.y, study, canceled)
    outside_study = int((~in_study).sum())
    incidents.left_out["outside the study area"] = outside_study
    _keep(incidents, in_study)
    _log_left_out(incidents, incidents_name, log)
    if len(incidents) == 0:
        raise BorderGapsError(_nothing_left(incidents, incidents_name, date_from, date_to, types, max_precision))
    gap_of = locate(incidents.x, incidents.y, [g for _f, g in ordered], canceled)
    check_canceled(feedback)
    in_gap = gap_of >= 0
    in_seam = (~in_gap) & inside(incidents.x, incidents.y, seam_in, canceled) if seam_in is not None else None
    in_village = inside(incidents.x, incidents.y, villages, canceled) if villages is not None else None
    if feedback is not None:
        feedback.setProgress(35)

    start = date_from or datetime.date.fromordinal(int(incidents.day.min()))
    end = date_to or datetime.date.fromordinal(int(incidents.day.max()))
    days = (end - start).days + 1
    years = days / DAYS_PER_YEAR
    log(
        f"{len(incidents):,} incident(s) from {start.isoformat()} to {end.isoformat()} ({days:,} days"
        f"{'' if date_from and date_to else ', the span of the incidents kept'})."
    )

    # -- per gap ---------------------------------------------------------------------------------
    gap_rows = []
    for k, (feature, geom) in enumerate(ordered):
        mine = gap_of == k
        area = geom.intersection(study).area() / 1e6
        row = GapRow(feature, _gap_key(feature, k), area, int(mine.sum()), float(incidents.weight[mine].sum()))
        if row.incidents:
            row.first = datetime.date.fromordinal(int(incidents.day[mine].min()))
            row.last = datetime.date.fromordinal(int(incidents.day[mine].max()))
        row.rate = _rate(row.incidents, area, years)
        gap_rows.append(row)

    # -- comparison ------------------------------------------------------------------------------
    def count(mask):
        return int(mask.sum()), float(incidents.weight[mask].sum())

    areas = {"gaps": gaps_in.area() / 1e6, "study": study.area() / 1e6, "rest": rest.area() / 1e6}
    n_gap, f_gap = count(in_gap)
    n_out, f_out = count(~in_gap)
    rows = []
    headline = ComparisonRow(ZONE_GAPS, areas["gaps"], n_gap, f_gap, _rate(n_gap, areas["gaps"], years))
    if areas["gaps"] > 0 and areas["study"] - areas["gaps"] > 0:
        headline.reference = "the study area outside the gaps"
        headline.reference_area_km2 = areas["study"] - areas["gaps"]
        headline.reference_incidents = n_out
        headline.ratio = rate_ratio(n_gap, areas["gaps"], n_out, headline.reference_area_km2)
        headline.sentence = ratio_sentence(headline.ratio)
    rows.append(headline)
    rest_mask = ~in_gap if in_seam is None else (~in_gap & ~in_seam)
    n_rest, f_rest = count(rest_mask)
    if seam_in is not None:
        area = seam_in.area() / 1e6
        n_seam, f_seam = count(in_seam)
        row = ComparisonRow(ZONE_SEAM, area, n_seam, f_seam, _rate(n_seam, area, years))
        if area > 0 and areas["rest"] > 0:
            row.reference = "the rest of the study area (outside the seam)"
            row.reference_area_km2, row.reference_incidents = areas["rest"], n_rest
            row.ratio = rate_ratio(n_seam, area, n_rest, areas["rest"])
            row.sentence = ratio_sentence(row.ratio, "in the covered seam", "outside the seam")
        rows.append(row)
    rows.append(ComparisonRow(ZONE_REST, areas["rest"], n_rest, f_rest, _rate(n_rest, areas["rest"], years)))
    if villages is not None:
        area = villages.area() / 1e6
        n_vil, f_vil = count(in_village)
        row = ComparisonRow(ZONE_VILLAGES, area, n_vil, f_vil, _rate(n_vil, area, years))
        if area > 0 and areas["study"] - area > 0:
            row.reference = "the study area farther than 2 km from an abandoned village"
            row.reference_area_km2 = areas["study"] - area
            row.reference_incidents = len(incidents) - n_vil
            row.ratio = rate_ratio(n_vil, area, row.reference_incidents, row.reference_area_km2)
            row.sentence = ratio_sentence(
                row.ratio, "within 2 km of an abandoned village", "farther from the abandoned villages"
            )
        rows.append(row)
    rows.append(
        ComparisonRow(
            ZONE_STUDY,
            areas["study"],
            len(incidents),
            float(incidents.weight.sum()),
            _rate(len(incidents), areas["study"], years),
        )
    )
    sentence = (
        headline.sentence or "The gaps and the rest of the study area cannot be compared (no area outside the gaps)."
    )
    log(sentence)
    for row in rows[1:]:
        if row.sentence:
            log(row.sentence)

    # -- density and hot spots -------------------------------------------------------------------
    grid = kde.grid_for(study.boundingBox(), cell_size, bandwidth_m)
    log(
        f"Density grid: {grid.rows:,} × {grid.cols:,} cells of {cell_size:g} m, quartic kernel of bandwidth "
        f"{bandwidth_m:g} m."
    )

    def kde_progress(pct):
        if feedback is not None:
            feedback.setProgress(35 + 0.4 * pct)

    density = kde.quartic_density(
        incidents.x, incidents.y, grid, bandwidth_m, is_canceled=canceled, progress=kde_progress
    )
    check_canceled(feedback)
    total = float(density.sum() * grid.cell_km2)
    log(
        f"The density integrates to {total:,.1f} incidents (of {len(incidents):,}: "
        f"{(total / len(incidents) - 1) * 100:+.2f} %)."
    )
    study_mask = kde.polygon_mask(study, grid)
    hot, threshold = kde.hotspot_mask(density, study_mask, hotspot_pct)
    hot_polygons = kde.mask_polygons(hot, grid, canceled)
    check_canceled(feedback)
    hot_of = locate(incidents.x, incidents.y, hot_polygons, canceled)
    gap_index = _GapIndex(ordered, [r.gap_key for r in gap_rows])
    hotspots = []
    for k, polygon in enumerate(hot_polygons):
        cells = kde.polygon_mask(polygon, grid) & hot
        values = density[cells]
        mine = hot_of == k
        keys, gap_area = gap_index.overlap(polygon)
        hotspots.append(
            HotspotRow(
                polygon,
                polygon.area() / 1e6,
                int(mine.sum()),
                float(incidents.weight[mine].sum()),
                float(values.max()) if values.size else 0.0,
                float(values.mean()) if values.size else 0.0,
                keys,
                gap_area,
            )
        )
    hotspots.sort(key=lambda h: (-h.peak, -h.area_km2))
    log(
        f"Hot spots: the densest {hotspot_pct:g} % of the study area (density ≥ {threshold:.3g} incidents per km²): "
        f"{len(hotspots)} area(s), {sum(h.area_km2 for h in hotspots):,.1f} km², "
        f"{sum(h.incidents for h in hotspots):,} incident(s)."
    )
    if feedback is not None:
        feedback.setProgress(85)

    # -- trend -----------------------------------------------------------------------------------
    months = month_table(start, end)
    first_ordinal = start.replace(day=1).toordinal()
    month_of = np.searchsorted(np.array([m[1].toordinal() for m in months]), incidents.day, side="right") - 1
    month_rows = []
    counts_gap = np.bincount(month_of[in_gap], minlength=len(months))
    counts_out = np.bincount(month_of[~in_gap], minlength=len(months))
    fat_gap = np.bincount(month_of[in_gap], weights=incidents.weight[in_gap], minlength=len(months))
    fat_out = np.bincount(month_of[~in_gap], weights=incidents.weight[~in_gap], minlength=len(months))
    exposure = np.array([m[2] for m in months], dtype=float)
    middle = np.array([(max(m[1], start).toordinal() + m[2] / 2.0 - first_ordinal) / DAYS_PER_YEAR for m in months])
    trend_gaps = poisson_trend(counts_gap, exposure, middle)
    trend_outside = poisson_trend(counts_out, exposure, middle)
    for i, (label, first, n_days) in enumerate(months):
        month_rows.append(
            MonthRow(
                label,
                first,
                n_days,
                int(counts_gap[i]),
                int(counts_out[i]),
                float(fat_gap[i]),
                float(fat_out[i]),
                float(trend_gaps.fitted[i]) if trend_gaps is not None else None,
                float(trend_outside.fitted[i]) if trend_outside is not None else None,
            )
        )
    trend_text = trend_sentence(trend_gaps, "in the gaps") + " " + trend_sentence(trend_outside, "outside the gaps")
    for trend, where in ((trend_gaps, "gaps"), (trend_outside, "outside")):
        if trend is not None and trend.dispersion > 1.0:
            log(
                f"Monthly counts {'in the gaps' if where == 'gaps' else 'outside the gaps'} vary more than Poisson "
                f"counts would (dispersion {trend.dispersion:.2f}): their interval is widened by "
                f"√{trend.dispersion:.2f} (quasi-Poisson)."
            )
    log(trend_text)
    if feedback is not None:
        feedback.setProgress(90)
    return IncidentAnalysis(
        crs=crs,
        incidents=incidents,
        period=(start, end),
        years=years,
        gaps=gap_rows,
        comparison=rows,
        headline=headline if headline.ratio is not None else None,
        sentence=sentence,
        grid=grid,
        density=density,
        density_total=total,
        threshold=threshold,
        hotspots=hotspots,
        months=month_rows,
        trend_gaps=trend_gaps,
        trend_outside=trend_outside,
        trend_sentence=trend_text,
        in_gaps=n_gap,
    )


class _GapIndex:
    """Which gaps a polygon meets and how much of it they cover."""

    def __init__(self, ordered, keys):
        self.items = [(key, geom, geom.boundingBox()) for key, (_f, geom) in zip(keys, ordered)]

    def overlap(self, polygon: QgsGeometry) -> Tuple[List[str], float]:
        box = polygon.boundingBox()
        keys, area = [], 0.0
        for key, geom, gbox in self.items:
            if gbox.intersects(box) and geom.intersects(polygon):
                shared = geom.intersection(polygon).area()
                if shared > 0:
                    keys.append(key)
                    area += shared
        return keys, area / 1e6


def check_inputs(buffer_m, bandwidth_m, cell_size, hotspot_pct, date_from, date_to, max_precision) -> None:
    """Cheap checks of the numbers and dates, before any layer is read."""
    if buffer_m is None or buffer_m < 0:
        raise BorderGapsError(f"BUFFER_M (study area buffer) must be 0 m or more (got {buffer_m:g} m).")
    if buffer_m > 500_000:
        raise BorderGapsError(
            f"BUFFER_M (study area buffer) of {buffer_m:,.0f} m is too large: the study area grows around the seam "
            "by this much; give at most 500 km (default 10 km)."
        )
    if cell_size is None or cell_size <= 0:
        raise BorderGapsError(f"CELL_SIZE (density cell size) must be more than 0 m (got {cell_size:g} m).")
    if bandwidth_m is None or bandwidth_m <= 0:
        raise BorderGapsError(f"BANDWIDTH_M (kernel bandwidth) must be more than 0 m (got {bandwidth_m:g} m).")
    if bandwidth_m < 2 * cell_size:
        raise BorderGapsError(
            f"BANDWIDTH_M ({bandwidth_m:g} m) must be at least twice CELL_SIZE ({cell_size:g} m): a kernel a cell "
            "or two wide does not give a density that can be trusted. Lower CELL_SIZE or raise BANDWIDTH_M."
        )
    if bandwidth_m > 200_000:
        raise BorderGapsError(
            f"BANDWIDTH_M (kernel bandwidth) of {bandwidth_m:,.0f} m is too large: give at most 200 km (default 5 km)."
        )
    if hotspot_pct is None or not 0 < hotspot_pct <= 50:
        raise BorderGapsError(f"HOTSPOT_PCT must be more than 0 and at most 50 % (got {hotspot_pct:g} %).")
    if date_from is not None and date_to is not None and date_from > date_to:
        raise BorderGapsError(
            f"DATE_FROM ({date_from.isoformat()}) is after DATE_TO ({date_to.isoformat()}): swap them."
        )
    if max_precision is not None and not 1 <= max_precision <= 3:
        raise BorderGapsError(f"MAX_PRECISION must be 1, 2 or 3 (ACLED's geo_precision codes; got {max_precision}).")


def _valid(geom: Optional[QgsGeometry]) -> QgsGeometry:
    if geom is None:
        return QgsGeometry()
    if not geom.isEmpty() and not geom.isGeosValid():
        geom = geom.makeValid()
    parts = polygon_parts(geom)
    return QgsGeometry.collectGeometry(parts) if parts else QgsGeometry()


def _keep(incidents: IncidentSet, mask: np.ndarray) -> None:
    incidents.x, incidents.y = incidents.x[mask], incidents.y[mask]
    incidents.day, incidents.weight = incidents.day[mask], incidents.weight[mask]


_LEFT_OUT_TEXT = {
    "no position": "without a position",
    "no date": "without a date",
    "other type": "of other types",
    "imprecise": "placed only at region level (geo_precision above MAX_PRECISION)",
    "outside the dates": "outside DATE_FROM–DATE_TO",
    "outside the study area": "outside the study area",
}


def _log_left_out(incidents: IncidentSet, name: str, log) -> None:
    parts = [f"{n:,} {_LEFT_OUT_TEXT[k]}" for k, n in incidents.left_out.items() if n]
    log(
        f"Layer '{name}': {incidents.read:,} incident(s) read, {len(incidents):,} kept"
        + ("; left out: " + "; ".join(parts) + "." if parts else ".")
    )


def _nothing_left(incidents, name, date_from, date_to, types, max_precision) -> str:
    if incidents.read == 0:
        return f"Layer '{name}' (INCIDENTS) has no features: there is nothing to analyse. Choose the incident layer."
    parts = [f"{n:,} {_LEFT_OUT_TEXT[k]}" for k, n in incidents.left_out.items() if n]
    hints = []
    if incidents.left_out.get("outside the dates"):
        hints.append(
            f"widen DATE_FROM/DATE_TO (now {date_from.isoformat() if date_from else '…'} to "
            f"{date_to.isoformat() if date_to else '…'})"
        )
    if incidents.left_out.get("other type"):
        hints.append(f"check TYPES ({', '.join(types)})")
    if incidents.left_out.get("imprecise"):
        hints.append(f"raise MAX_PRECISION (now {max_precision})")
    if incidents.left_out.get("outside the study area"):
        hints.append("check that the incidents, the gaps and the study area cover the same place and CRS")
    if incidents.left_out.get("no position"):
        hints.append("check the geometries or the latitude/longitude columns")
    return (
        f"No incident of layer '{name}' is left to analyse: of {incidents.read:,} read, "
        + "; ".join(parts)
        + ". "
        + ("To include some: " + "; ".join(hints) + "." if hints else "")
    ).strip()


def _seam_geometry(seam, name, crs, context, canceled, log) -> QgsGeometry:
    """The seam: the features with zone = 'seam' of a seamzones output, else every polygon."""
    read = read_features(seam, crs, name, POLYGON, is_canceled=canceled, transform_context=context)
    for line in read.log_lines():
        log(line)
    features = read.features
    if "zone" in seam.fields().names():
        only = [f for f in features if str(f["zone"]).strip().lower() == "seam"]
        if only:
            features = only
    if not features:
        raise BorderGapsError(f"Layer '{name}' (SEAM) has no polygon with a geometry: give the output of seamzones.")
    return union_all([f.geometry() for f in features])


def _village_zone(settlements, name, crs, context, canceled, log) -> Optional[QgsGeometry]:
    """Land within 2 km of the abandoned villages (status = 'abandoned'; every point when the layer
    has no status field). None when there is none."""
    read = read_features(settlements, crs, name, POINT, is_canceled=canceled, transform_context=context)
    for line in read.log_lines():
        log(line)
    features = read.features
    if "status" in settlements.fields().names():
        features = [f for f in features if not is_null(f["status"]) and str(f["status"]).strip().lower() == "abandoned"]
        if not features:
            log(
                f"Layer '{name}' (SETTLEMENTS) has no settlement with status 'abandoned': the comparison has no "
                "abandoned-village row."
            )
            return None
        log(f"{len(features)} abandoned village(s) of layer '{name}'.")
    else:
        log(
            f"Layer '{name}' (SETTLEMENTS) has no field 'status': all its {len(features)} points are taken as "
            "abandoned villages."
        )
    if not features:
        return None
    return union_all([f.geometry().buffer(VILLAGE_RADIUS_M, BUFFER_SEGMENTS) for f in features])
