"""Incidents against gap zones: reading an incident layer (an ACLED export or the analyst's own
log), placing each incident in exactly one zone of the study area (in a gap, in the covered seam,
elsewhere), rates and exact rate ratios, kernel density and its hot spots, and monthly trends.

Everything is computed in the UTM zone of the gaps; see analysis/incident_stats.py for the
formulas and analysis/density.py for the kernel.
"""

import datetime
import math
import os
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np
from qgis.core import (
    NULL,
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
from qgis.PyQt.QtCore import QMetaType

from . import density as kde
from .crs import WGS84, metric_crs_for
from .errors import BorderGapsError
from .geometry import BUFFER_SEGMENTS, check_canceled, polygon_parts, union_all
from .incident_dates import is_null, parse_dates
from .incident_stats import RateRatio, Trend, poisson_trend, rate_ratio, ratio_sentence, trend_sentence
from .inputs import iter_features, read_features, source_crs

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
# field types of a date (QgsField.type() is a QVariant.Type up to QGIS 3.36, a QMetaType.Type of the same number after)
_DATE_TYPES = (int(QMetaType.Type.QDate), int(QMetaType.Type.QDateTime))

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
            typed = [f.name() for f in fields if int(f.type()) in _DATE_TYPES]
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


_NULL_TYPE = type(NULL)


def _number(value, what: str, label: Callable[[], str], key: str) -> Optional[float]:
    """``value`` as a float (None when null); ``label()`` names the row in the error."""
    if value is None:
        return None
    kind = type(value)
    if kind is float or kind is int:
        number = float(value)
    elif kind is _NULL_TYPE and value.isNull():
        return None
    elif isinstance(value, bool):
        number = math.nan
    else:
        text = str(value).strip()
        if not text:
            return None
        try:
            number = float(text)
        except ValueError:
            number = math.nan
    if not math.isfinite(number):
        raise BorderGapsError(
            f"The {what} of {label()} is '{value}', not a number: correct it or choose another {key}."
        )
    return number


@dataclass(frozen=True)
class FileHint:
    """Where a plain OGR file layer lives, so its columns can be read straight from GDAL's Arrow stream."""

    path: str
    layer_name: str
    subset: str = ""


def file_hint(layer) -> Optional[FileHint]:
    """A FileHint for a QgsVectorLayer read by QGIS's OGR provider with no unsaved edits, or None."""
    try:
        from osgeo import ogr
    except ImportError:  # pragma: no cover - QGIS ships GDAL's bindings
        return None
    if layer is None or layer.providerType() != "ogr" or layer.isEditable():
        return None
    if not hasattr(ogr.Layer, "GetArrowStreamAsNumPy"):  # GDAL >= 3.6
        return None
    from qgis.core import QgsProviderRegistry

    parts = QgsProviderRegistry.instance().decodeUri("ogr", layer.source())
    path = parts.get("path") or ""
    if not path or not os.path.isfile(path) or parts.get("layerId") not in (None, "", 0):
        return None
    return FileHint(path, parts.get("layerName") or "", layer.subsetString() or "")


def _arrow_columns(hint: FileHint, names: Sequence[str], geometry: bool, expected: int):
    """{field: column (numpy, masked where null)}, x and y of 2D points (NaN where none) and the OGR feature
    ids, from GDAL's Arrow stream; None when GDAL cannot give them as such (the caller reads through QGIS)."""
    from osgeo import gdal

    dataset = gdal.OpenEx(hint.path, gdal.OF_VECTOR | gdal.OF_READONLY)
    if dataset is None:
        return None
    layer = dataset.GetLayerByName(hint.layer_name) if hint.layer_name else dataset.GetLayer(0)
    if layer is None:
        return None
    if hint.subset:
        layer.SetAttributeFilter(hint.subset)
    definition = layer.GetLayerDefn()
    present = [definition.GetFieldDefn(i).GetName() for i in range(definition.GetFieldCount())]
    if not set(names) <= set(present):
        return None
    ignored = [n for n in present if n not in names] + ["OGR_STYLE"] + ([] if geometry else ["OGR_GEOMETRY"])
    layer.SetIgnoredFields(ignored)
    geometry_column = layer.GetGeometryColumn() or "wkb_geometry"
    fid_column = layer.GetFIDColumn() or "OGC_FID"
    batches = list(layer.GetArrowStreamAsNumPy(options=["INCLUDE_FID=YES", "MAX_FEATURES_IN_BATCH=65536"]))
    if not batches:
        return None if expected else ({n: np.zeros(0) for n in names}, np.zeros(0), np.zeros(0), np.zeros(0, int))
    if any(fid_column not in b for b in batches):
        return None
    fids = np.concatenate([np.asarray(b[fid_column]) for b in batches])
    if len(fids) != expected:
        return None
    columns = {}
    for name in names:
        parts = [b[name] for b in batches]
        columns[name] = (
            np.ma.concatenate(parts) if any(np.ma.isMaskedArray(p) for p in parts) else np.concatenate(parts)
        )
    x = y = np.full(len(fids), np.nan)
    if geometry:
        blobs = [b.get(geometry_column) for b in batches]
        if any(blob is None for blob in blobs):
            return None
        x, y = np.full(len(fids), np.nan), np.full(len(fids), np.nan)
        start = 0
        for blob in blobs:
            count = len(blob)
            mask = np.ma.getmaskarray(blob) if np.ma.isMaskedArray(blob) else np.zeros(count, dtype=bool)
            data = np.ma.getdata(blob)
            if data.dtype.kind == "V" and data.dtype.itemsize == 21:
                raw = np.frombuffer(data.tobytes(), dtype=np.uint8).reshape(count, 21)
            elif data.dtype.kind == "O":
                values = data.tolist()
                if any(not m and (v is None or len(v) != 21) for v, m in zip(values, mask)):
                    return None  # multipoints, 3D points, empties: let QGIS read them
                raw = np.frombuffer(
                    b"".join(b"\x00" * 21 if m else bytes(v) for v, m in zip(values, mask)), dtype=np.uint8
                ).reshape(count, 21)
            else:
                return None
            ok = ~mask & (raw[:, 0] == 1) & (raw[:, 1:5].view("<u4")[:, 0] == 1)  # little-endian 2D Point
            if np.any(~mask & ~ok):
                return None
            coords = raw[:, 5:21].copy().view("<f8")
            x[start : start + count] = np.where(ok, coords[:, 0], np.nan)
            y[start : start + count] = np.where(ok, coords[:, 1], np.nan)
            start += count
        empty = ~np.isfinite(x)
        x[empty], y[empty] = np.nan, np.nan
    return columns, x, y, fids


def _python_values(column) -> list:
    """A numpy column of the Arrow stream as Python values: text decoded, dates as dates, nulls as None."""
    mask = np.ma.getmaskarray(column) if np.ma.isMaskedArray(column) else None
    data = np.ma.getdata(column)
    if data.dtype.kind == "M":
        days = data.astype("datetime64[D]")
        bad = np.isnat(days)
        ordinals = days.astype(np.int64) + 719163  # 1970-01-01 is day 719163 of the proleptic calendar
        values = [None if b else datetime.date.fromordinal(int(o)) for o, b in zip(ordinals.tolist(), bad.tolist())]
    elif data.dtype.kind == "S":
        values = [v.decode("utf-8", "replace") for v in data.tolist()]
    elif data.dtype.kind == "O":
        values = [v.decode("utf-8", "replace") if isinstance(v, bytes) else v for v in data.tolist()]
    else:
        values = data.tolist()
    if mask is not None and mask.any():
        for i in np.flatnonzero(mask).tolist():
            values[i] = None
    return values


def _qgis_columns(source, index: Dict[str, int], geometry: bool, feedback):
    """The same as _arrow_columns through PyQGIS's feature iterator: {key: values}, x, y, fids, and the number
    of features drawn as several points (each placed at the centroid of its points)."""
    request = QgsFeatureRequest()
    request.setSubsetOfAttributes(sorted(set(index.values())))
    if not geometry:
        request.setFlags(QgsFeatureRequest.Flag.NoGeometry)
    total = max(1, source.featureCount())
    fids, attributes, xs, ys = [], [], [], []
    multi = 0
    for n, feature in enumerate(iter_features(source, request)):
        if n % 2000 == 0:
            check_canceled(feedback)
            if feedback is not None:
                feedback.setProgress(15.0 * n / total)
        fids.append(feature.id())
        attributes.append(feature.attributes())
        x = y = math.nan
        if geometry:
            geom = feature.geometry()
            if not geom.isNull() and not geom.isEmpty():
                if geom.isMultipart():
                    if geom.constGet().numGeometries() > 1:
                        multi += 1
                    geom = geom.centroid()
                point = geom.constGet()
                if hasattr(point, "x"):
                    x, y = point.x(), point.y()
        xs.append(x)
        ys.append(y)
    by_field = list(zip(*attributes)) if attributes else [() for _ in range(len(source.fields()))]
    columns = {key: list(by_field[i]) if attributes else [] for key, i in index.items()}
    xy = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
    return columns, xy[0], xy[1], np.asarray(fids, dtype=np.int64), multi


def _float_column(values, what: str, label: Callable[[int], str], key: str) -> np.ndarray:
    """Floats of ``values`` (NaN for null); a value that is not a number raises, naming its row."""
    try:
        out = np.array([math.nan if v is None or type(v) is _NULL_TYPE else v for v in values], dtype=float)
        if len(out) == len(values):
            return out
    except (TypeError, ValueError):
        pass
    out = np.empty(len(values))
    for i, v in enumerate(values):
        number = _number(v, what, lambda i=i: label(i), key)
        out[i] = math.nan if number is None else number
    return out


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
    hint: Optional[FileHint] = None,
) -> IncidentSet:
    """The incidents of ``source`` that pass the filters, in ``crs``.

    Points come from the geometry, or for a table (an ACLED CSV opened without geometry) from the
    latitude/longitude columns in WGS 84. Left out and counted: no position, no date, a type not in
    ``types`` (matched without regard to case against the type field and ACLED's sub_event_type),
    geo_precision above ``max_precision``, a date outside [date_from, date_to]. A value that cannot
    be read (date, coordinate, weight, precision) raises a BorderGapsError naming the row.

    With ``hint`` (a plain file layer) the columns come from GDAL's Arrow stream, several times faster than
    PyQGIS's feature iterator; the two give the same values (tests hold this).
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
    wanted = {k: v for k, v in wanted.items() if v}
    layer_fields = source.fields()
    index = {k: layer_fields.lookupField(v) for k, v in wanted.items()}
    geometry = not from_columns
    got = None
    date_days = None  # ordinals of a date column read by GDAL, -1 where null
    if hint is not None:
        try:
            got = _arrow_columns(hint, sorted(set(wanted.values())), geometry, source.featureCount())
        except Exception:  # noqa: BLE001 (any GDAL failure: read through QGIS instead)
            got = None
        if got is not None:
            arrow_columns, x, y, fids = got
            raw_dates = arrow_columns[wanted["date"]]
            if np.ma.getdata(raw_dates).dtype.kind == "M":  # a date field: days straight from numpy
                days = np.ma.getdata(raw_dates).astype("datetime64[D]")
                null = np.isnat(days) | np.ma.getmaskarray(raw_dates)
                date_days = np.where(null, -1, days.astype(np.int64) + 719163)  # 1970-01-01 is day 719163
            columns = {
                k: _python_values(arrow_columns[v]) for k, v in wanted.items() if k != "date" or date_days is None
            }
    multi = 0  # incidents drawn as several points (the Arrow reader leaves those layers to QGIS)
    if got is None:
        columns, x, y, fids, multi = _qgis_columns(source, index, geometry, feedback)
    check_canceled(feedback)
    if feedback is not None:
        feedback.setProgress(15)
    n = len(fids)
    event_ids = columns.get("event_id", [None] * n)

    def label(i):
        return names(int(fids[i]), event_ids[i])

    keep = np.ones(n, dtype=bool)
    left_out = {"no position": 0, "no date": 0, "other type": 0, "imprecise": 0, "outside the dates": 0}
    if types:
        wanted_types = {t.casefold() for t in types}
        found_types: Dict[str, str] = {}
        matches = np.zeros(n, dtype=bool)
        for key in ("type", "sub_type"):
            if key not in columns:
                continue
            text = [None if is_null(v) else str(v).strip() for v in columns[key]]
            distinct = {v for v in text if v is not None}
            for v in distinct:
                found_types.setdefault(v.casefold(), v)
            hit = {v for v in distinct if v.casefold() in wanted_types}
            matches |= np.fromiter((v in hit for v in text), dtype=bool, count=n)
        unknown = [t for t in types if t.casefold() not in found_types]
        if unknown:
            present = ", ".join(f"'{v}'" for v in sorted(found_types.values())[:20]) or "none"
            raise BorderGapsError(
                f"TYPES names {', '.join(repr(t) for t in unknown)}, which no incident of layer '{layer_name}' has "
                f"(field {fields.type or 'none'}{', ' + fields.sub_type if fields.sub_type else ''}). Types found: "
                f"{present}."
            )
        left_out["other type"] = int((keep & ~matches).sum())
        keep &= matches
    if "precision" in columns and max_precision is not None:
        precision = _float_column(columns["precision"], "geo_precision", label, "MAX_PRECISION")
        imprecise = keep & (precision > max_precision)
        left_out["imprecise"] = int(imprecise.sum())
        keep &= ~imprecise
    latlon = np.zeros(n, dtype=bool)
    if "latitude" in columns and "longitude" in columns:
        missing = keep & ~np.isfinite(x)
        if missing.any():
            rows = np.flatnonzero(missing)
            lat = _float_column([columns["latitude"][i] for i in rows], "latitude", lambda j: label(rows[j]), "layer")
            lon = _float_column([columns["longitude"][i] for i in rows], "longitude", lambda j: label(rows[j]), "layer")
            bad = np.flatnonzero(np.isfinite(lat) & np.isfinite(lon) & ((np.abs(lat) > 90) | (np.abs(lon) > 180)))
            if len(bad):
                i = bad[0]
                raise BorderGapsError(
                    f"The position of {label(rows[i])} is latitude {lat[i]:g}, longitude {lon[i]:g}, outside the "
                    "range of degrees (−90…90, −180…180): correct it."
                )
            x, y = x.copy(), y.copy()
            x[rows], y[rows] = lon, lat
            latlon[rows] = np.isfinite(lat) & np.isfinite(lon)
    no_position = keep & ~(np.isfinite(x) & np.isfinite(y))
    left_out["no position"] = int(no_position.sum())
    keep &= ~no_position
    weights = np.ones(n)
    if "weight" in columns:
        weights = _float_column(columns["weight"], "weight (fatalities)", label, "WEIGHT_FIELD")
        weights[~np.isfinite(weights)] = 0.0
    rows = np.flatnonzero(keep)
    if date_days is not None:
        day, note = date_days[rows], ""
    else:
        dates, note = parse_dates([columns["date"][i] for i in rows], lambda j: label(rows[j]), fields.date)
        day = np.array([-1 if d is None else d.toordinal() for d in dates], dtype=np.int64)
    notes = list(fields.notes) + ([note] if note else [])
    if multi:
        notes.append(
            f"{multi:,} incident(s) of layer '{layer_name}' are drawn as several points (multi-point geometry): "
            "each is counted once, at the centroid of its points."
        )
    left_out["no date"] = int((day < 0).sum())
    in_range = day >= 0
    if date_from is not None:
        in_range &= day >= date_from.toordinal()
    if date_to is not None:
        in_range &= day <= date_to.toordinal()
    left_out["outside the dates"] = int(((day >= 0) & ~in_range).sum())
    rows, day = rows[in_range], day[in_range]
    context = transform_context or QgsProject.instance().transformContext()
    layer_crs = source_crs(source)
    x, y = x[rows], y[rows]
    for selected, from_crs in ((~latlon[rows], layer_crs), (latlon[rows], WGS84)):
        picked = np.flatnonzero(selected)
        if not len(picked):
            continue
        if not from_crs.isValid():
            raise BorderGapsError(
                f"Layer '{layer_name}' has no coordinate reference system. Set its CRS in the layer properties "
                "(Source → Assigned CRS) and run again."
            )
        x[picked], y[picked] = transform_xy(
            x[picked], y[picked], from_crs, crs, context, lambda i, r=rows[picked]: label(r[i]), layer_name
        )
    return IncidentSet(x=x, y=y, day=day, weight=weights[rows], fields=fields, read=n, left_out=left_out, notes=notes)


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
EDGE_TOLERANCE_M = 1e-6  # points nearer than this to an edge are left to GEOS (boundary included)
_CHUNK = 1_000_000  # point × edge pairs tested at once


def _rings(polygon: QgsGeometry) -> List[np.ndarray]:
    """(n, 2) arrays of every ring (outer and holes) of every part of ``polygon``."""
    geom = polygon
    if QgsWkbTypes.isCurvedType(geom.wkbType()):
        geom = QgsGeometry(geom.constGet().segmentize())
    rings = []
    for part in geom.constParts():
        for ring in [part.exteriorRing()] + [part.interiorRing(i) for i in range(part.numInteriorRings())]:
            if ring is None or ring.numPoints() < 4:
                continue
            qpolygon = ring.asQPolygonF()
            pointer = qpolygon.data()
            pointer.setsize(ring.numPoints() * 16)
            rings.append(np.frombuffer(pointer, dtype=float).reshape(-1, 2).copy())
    return rings


def _crossings(px: np.ndarray, py: np.ndarray, rings: Sequence[np.ndarray]) -> Tuple[np.ndarray, np.ndarray]:
    """(inside, near) of each point for a polygon given by its rings: the even–odd crossing rule (valid
    polygons: holes and parts never overlap), and whether the point lies within EDGE_TOLERANCE_M of an
    edge, where the rule's floating-point cut is not to be trusted and GEOS decides."""
    starts = np.concatenate([r[:-1] for r in rings])
    ends = np.concatenate([r[1:] for r in rings])
    odd = np.zeros(len(px), dtype=bool)
    near = np.zeros(len(px), dtype=bool)
    step = max(1, _CHUNK // max(1, len(starts)))
    x1, y1, x2, y2 = starts[:, 0], starts[:, 1], ends[:, 0], ends[:, 1]
    dx, dy = x2 - x1, y2 - y1
    length2 = dx * dx + dy * dy
    for lo in range(0, len(px), step):
        X, Y = px[lo : lo + step, None], py[lo : lo + step, None]
        spans = (y1 > Y) != (y2 > Y)
        with np.errstate(divide="ignore", invalid="ignore"):
            cut = x1 + (Y - y1) * dx / dy
            t = np.clip(((X - x1) * dx + (Y - y1) * dy) / length2, 0.0, 1.0)
        odd[lo : lo + step] = (np.count_nonzero(spans & (X < cut), axis=1) % 2) == 1
        ex, ey = x1 + t * dx - X, y1 + t * dy - Y
        near[lo : lo + step] = np.any(ex * ex + ey * ey <= EDGE_TOLERANCE_M**2, axis=1)
    return odd, near


def locate(xs: np.ndarray, ys: np.ndarray, polygons: Sequence[QgsGeometry], is_canceled=lambda: False) -> np.ndarray:
    """For each point, the index of the first polygon of ``polygons`` holding it (its boundary
    included), else −1: so a point on the edge between two polygons, or of a polygon and what lies
    outside it, belongs to one place only.

    The points in each polygon's box are tested at once by the even–odd crossing rule over its edges
    (numpy); the few within a micrometre of an edge are decided by GEOS (``intersects``, closed), so
    the boundary rule is GEOS's own. Hand-written because GEOS, through PyQGIS, takes one call a point.
    """
    result = np.full(len(xs), -1, dtype=np.int64)
    if len(xs) == 0 or not polygons:
        return result
    xs, ys = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
    order = np.argsort(xs, kind="stable")
    sorted_x = xs[order]
    for k, polygon in enumerate(polygons):
        if k % 50 == 0 and is_canceled():
            break
        if polygon is None or polygon.isEmpty():
            continue
        box = polygon.boundingBox()
        lo = int(np.searchsorted(sorted_x, box.xMinimum(), side="left"))
        hi = int(np.searchsorted(sorted_x, box.xMaximum(), side="right"))
        candidates = order[lo:hi]
        cy = ys[candidates]
        candidates = candidates[(cy >= box.yMinimum()) & (cy <= box.yMaximum()) & (result[candidates] < 0)]
        if not len(candidates):
            continue
        rings = _rings(polygon)
        if not rings:
            continue
        odd, near = _crossings(xs[candidates], ys[candidates], rings)
        result[candidates[odd & ~near]] = k
        if near.any():
            engine = QgsGeometry.createGeometryEngine(polygon.constGet())
            engine.prepareGeometry()
            for c in candidates[near]:
                if engine.intersects(QgsPoint(xs[c], ys[c])):
                    result[c] = k
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
    hint: Optional[FileHint] = None,
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
        hint,
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
    gap_union = union_of_touching([g for _f, g in ordered], feedback)
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
    study_engine = QgsGeometry.createGeometryEngine(study.constGet())
    study_engine.prepareGeometry()
    order_of_gap = np.argsort(gap_of, kind="stable")
    bounds = np.searchsorted(gap_of[order_of_gap], np.arange(len(ordered) + 1), side="left")
    for k, (feature, geom) in enumerate(ordered):
        if k % 100 == 0:
            check_canceled(feedback)
        mine = order_of_gap[bounds[k] : bounds[k + 1]]  # the incidents of gap k
        inner = study_engine.contains(geom.constGet())
        area = (geom.area() if inner else geom.intersection(study).area()) / 1e6
        row = GapRow(feature, _gap_key(feature, k), area, len(mine), float(incidents.weight[mine].sum()))
        if row.incidents:
            row.first = datetime.date.fromordinal(int(incidents.day[mine].min()))
            row.last = datetime.date.fromordinal(int(incidents.day[mine].max()))
        row.rate = _rate(row.incidents, area, years)
        gap_rows.append(row)

    # -- comparison ------------------------------------------------------------------------------
    def count(mask):
        return int(mask.sum()), float(incidents.weight[mask].sum())

    areas = {"gaps": gaps_in.area() / 1e6, "study": study.area() / 1e6}
    # the rest: the study area less the gaps and the covered seam, which lie in it and do not overlap (no
    # GEOS difference needed for an area)
    areas["rest"] = max(0.0, areas["study"] - areas["gaps"] - (seam_in.area() / 1e6 if seam_in is not None else 0.0))
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
        f"Density grid: {grid.rows:,} × {grid.cols:,} cells of {cell_size:,g} m, quartic kernel of bandwidth "
        f"{bandwidth_m:,g} m."
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
        f"{round((total / len(incidents) - 1) * 100, 2) + 0.0:+.2f} %)."
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


def union_of_touching(geoms: Sequence[QgsGeometry], feedback=None) -> QgsGeometry:
    """The union of polygons, merging only those that touch or overlap (found with a spatial index):
    gap zones rarely meet, so most are simply collected, and the costly GEOS union runs on the few
    groups that do (as gapzones never dissolves globally)."""
    from qgis.core import QgsSpatialIndex

    index = QgsSpatialIndex()
    for i, geom in enumerate(geoms):
        index.addFeature(i, geom.boundingBox())
    parent = list(range(len(geoms)))

    def root(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, geom in enumerate(geoms):
        if i % 200 == 0:
            check_canceled(feedback)
        engine = None
        for j in index.intersects(geom.boundingBox()):
            if j <= i or root(i) == root(j):
                continue
            if engine is None:
                engine = QgsGeometry.createGeometryEngine(geom.constGet())
                engine.prepareGeometry()
            if engine.intersects(geoms[j].constGet()):
                parent[root(j)] = root(i)
    groups: Dict[int, List[int]] = {}
    for i in range(len(geoms)):
        groups.setdefault(root(i), []).append(i)
    parts = []
    for members in groups.values():
        merged = geoms[members[0]] if len(members) == 1 else QgsGeometry.unaryUnion([geoms[m] for m in members])
        parts.extend(polygon_parts(_valid(merged)))
    return QgsGeometry.collectGeometry(parts) if parts else QgsGeometry()


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
