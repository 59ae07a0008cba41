"""The dock's table model: settlements or crossings read once without geometry, searched, filtered and sorted in
bulk (numpy masks over precomputed search keys), so a keystroke over 100,000 features redraws in milliseconds.

Why not a QSortFilterProxyModel: it calls Python (``filterAcceptsRow``, ``data``, ``lessThan``) once per row or
comparison and removes hidden rows one range at a time; over 100,000 features that took seconds per keystroke
(benchmarks/bench_dock.py measures it as the baseline). Here the model holds ``_order``, the visible rows in
sort order, and Qt only ever asks for the few rows on screen.
"""

import os
from collections import OrderedDict
from dataclasses import dataclass, field
from itertools import islice
from typing import Callable, Dict, Iterable, List, Optional, Sequence

import numpy as np
from qgis.core import QgsFeatureRequest, QgsFields
from qgis.PyQt.QtCore import QAbstractTableModel, QCoreApplication, Qt, QVariant

from ..analysis.text import normalise_name, search_keys
from .field_mapping import FieldMapping

FID_ROLE = Qt.ItemDataRole.UserRole + 1

VILLAGE_COLUMNS = [
    ("name", "Name"),
    ("name_ar", "Arabic name"),
    ("side", "Side"),
    ("governorate", "Governorate"),
    ("district", "District"),
    ("border_km", "Border km"),
    ("status", "Status"),
]
CROSSING_COLUMNS = [
    ("name", "Name"),
    ("name_ar", "Arabic name"),
    ("side", "Side"),
    ("kind", "Kind"),
    ("pair", "Pair"),
    ("status", "Status"),
    ("status_date", "Status date"),
    ("border_km", "Border km"),
]
NUMERIC_ROLES = {"border_km"}
SEARCH_CACHE_SIZE = 32
_ANSWERED_ROLES = {
    Qt.ItemDataRole.DisplayRole,
    FID_ROLE,
    Qt.ItemDataRole.TextAlignmentRole,
    Qt.ItemDataRole.ToolTipRole,
}
# Roles read from the layer besides the columns: what the search and the filters need.
_EXTRA_ROLES = ("governorate", "district", "border_km", "alt_names", "side", "status")


def tr(text: str) -> str:
    return QCoreApplication.translate("BorderGaps", text)


def side_code(value) -> str:
    """IQ, SY or "" from the values layers use for a side: IQ/SY, Iraq/Syria, IRQ/SYR, العراق/سوريا."""
    text = normalise_name(value)
    if text.startswith(("iq", "ir", "عراق")):
        return "IQ"
    if text.startswith(("sy", "sr", "سوري", "سوريا")):
        return "SY"
    return ""


def _plain(value):
    """A Python value from an attribute: None for NULL (a null QVariant on Qt5 builds of QGIS)."""
    if value is None or (isinstance(value, QVariant) and value.isNull()):
        return None
    return value


@dataclass
class FeatureRecords:
    """Attributes of one layer by role, one entry per feature, plus each feature's search key."""

    roles: Sequence[str]
    fids: List[int] = field(default_factory=list)
    values: Dict[str, list] = field(default_factory=dict)
    keys: List[str] = field(default_factory=list)

    def __post_init__(self):
        for role in self.roles:
            self.values.setdefault(role, [])

    def __len__(self):
        return len(self.fids)


def _as_number(value) -> Optional[float]:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def record_roles(columns) -> List[str]:
    roles = [role for role, _ in columns]
    return roles + [role for role in _EXTRA_ROLES if role not in roles]


def _column(values) -> list:
    """NULL attributes (null QVariants on Qt5 builds of QGIS) as None."""
    return [None if v.__class__ is QVariant else v for v in values]


def _mapped_indices(fields: QgsFields, mapping: FieldMapping, roles: Sequence[str]) -> Dict[str, int]:
    index_of = {role: fields.lookupField(mapping.get(role)) for role in roles if mapping.get(role)}
    return {role: idx for role, idx in index_of.items() if idx >= 0}


def _records_from_columns(roles, ids, column_of_role) -> FeatureRecords:
    """Records from one list of values per role (None where the layer has no such field)."""
    records = FeatureRecords(roles, fids=ids)
    count = len(ids)
    for role in roles:
        values = column_of_role.get(role)
        if values is None:
            values = [None] * count
        if role in NUMERIC_ROLES:
            values = [v if v.__class__ is float else _as_number(v) for v in values]
        records.values[role] = values
    empty = [None] * count
    records.keys = search_keys(*(records.values.get(role, empty) for role in ("name", "name_ar", "alt_names")))
    return records


class OgrColumnReader:
    """Reads the mapped columns of a file layer (GeoPackage, Shapefile, ...) straight from GDAL's Arrow stream as
    numpy arrays: many times faster than iterating features through PyQGIS. Made in the GUI thread from the
    layer; :meth:`read` may run in a task. Only for a layer without unsaved edits; feature ids are OGR's, which
    the QGIS OGR provider uses as its own (checked against the layer on one feature)."""

    def __init__(self, path, layer_name, layer_id, subset, columns, roles, expected_count, probes):
        self.path, self.layer_name, self.layer_id, self.subset = path, layer_name, layer_id, subset
        self.columns = columns  # role -> field name
        self.roles = list(roles)
        self.expected_count = expected_count
        self.probes = probes  # {fid: name} read through QGIS, to check that ids agree

    @classmethod
    def for_layer(cls, layer, mapping: FieldMapping, roles: Sequence[str]) -> Optional["OgrColumnReader"]:
        try:
            from osgeo import ogr
        except ImportError:
            return None
        if (
            layer.providerType() != "ogr" or layer.isEditable() or not hasattr(ogr.Layer, "GetArrowStreamAsNumPy")
        ):  # GDAL >= 3.6
            return None
        from qgis.core import Qgis, QgsFields, QgsProviderRegistry

        parts = QgsProviderRegistry.instance().decodeUri("ogr", layer.source())
        path = parts.get("path")
        if not path or not os.path.isfile(path):
            return None
        fields = layer.fields()
        index_of = _mapped_indices(fields, mapping, roles)
        # Qgis.FieldOrigin replaces QgsFields.FieldOrigin in QGIS 3.38+
        provider = Qgis.FieldOrigin.Provider if hasattr(Qgis, "FieldOrigin") else QgsFields.FieldOrigin.OriginProvider
        if any(fields.fieldOrigin(i) != provider for i in index_of.values()):
            return None  # virtual or joined fields exist only in QGIS
        columns = {role: fields.at(idx).name() for role, idx in index_of.items()}
        probes = {}
        if "name" in index_of:
            request = QgsFeatureRequest().setFlags(QgsFeatureRequest.Flag.NoGeometry).setLimit(1)
            request.setSubsetOfAttributes([index_of["name"]])
            for feature in layer.getFeatures(request):
                probes[feature.id()] = _plain(feature.attributes()[index_of["name"]])
        return cls(
            path,
            _plain(parts.get("layerName")),
            _plain(parts.get("layerId")),
            layer.subsetString(),
            columns,
            roles,
            layer.featureCount(),
            probes,
        )

    def _batches(self):
        from osgeo import gdal

        dataset = gdal.OpenEx(self.path, gdal.OF_VECTOR | gdal.OF_READONLY)
        if dataset is None:
            return None, None
        if self.layer_name:
            layer = dataset.GetLayerByName(self.layer_name)
        else:
            layer = dataset.GetLayer(int(self.layer_id or 0))
        if layer is None:
            return None, None
        if self.subset:
            layer.SetAttributeFilter(self.subset)
        definition = layer.GetLayerDefn()
        names = [definition.GetFieldDefn(i).GetName() for i in range(definition.GetFieldCount())]
        wanted = set(self.columns.values())
        if not wanted <= set(names):
            return None, None
        layer.SetIgnoredFields([n for n in names if n not in wanted] + ["OGR_GEOMETRY", "OGR_STYLE"])
        stream = layer.GetArrowStreamAsNumPy(options=["INCLUDE_FID=YES", "MAX_FEATURES_IN_BATCH=65536"])
        return list(stream), layer.GetFIDColumn() or "OGC_FID"

    def read(self) -> Optional[FeatureRecords]:
        """The records, or None when GDAL cannot give them (the caller then reads through QGIS)."""
        try:
            batches, fid_column = self._batches()
        except Exception:  # noqa: BLE001 (any GDAL failure: fall back to reading through QGIS)
            return None
        if batches is None:
            return None
        ids = []
        by_role = {role: [] for role in self.columns}
        for batch in batches:
            if fid_column not in batch:
                return None
            ids.extend(np.asarray(batch[fid_column]).tolist())
            for role, name in self.columns.items():
                by_role[role].extend(_numpy_values(batch[name]))
        if len(ids) != self.expected_count:
            return None
        if self.probes:
            position = {fid: i for i, fid in enumerate(ids)}
            for fid, name in self.probes.items():
                if fid not in position or by_role["name"][position[fid]] != name:
                    return None
        return _records_from_columns(self.roles, ids, by_role)


def _numpy_values(array) -> list:
    """Python values from a (masked) numpy column of the Arrow stream: text decoded, nulls as None."""
    mask = np.ma.getmaskarray(array) if np.ma.isMaskedArray(array) else None
    data = np.ma.getdata(array)
    if data.dtype.kind == "S" and len(data) > 1000 and len(np.unique(data[:1000])) < 100:
        # Few distinct values (side, status, governorate): decode each distinct value once.
        distinct, inverse = np.unique(data, return_inverse=True)
        decoded = np.array([b.decode("utf-8", "replace") for b in distinct.tolist()], dtype=object)
        values = decoded[inverse].tolist()
    elif data.dtype.kind == "S":
        # One decode for the whole column (a record separator between values) instead of one per value.
        raw = data.tolist()
        values = b"\x1e".join(raw).decode("utf-8", "replace").split("\x1e")
        if len(values) != len(raw):  # a value holding the separator itself
            values = [b.decode("utf-8", "replace") for b in raw]
    elif data.dtype.kind == "O":
        values = [v.decode("utf-8", "replace") if isinstance(v, bytes) else v for v in data.tolist()]
    else:
        values = data.tolist()
    if mask is not None and mask.any():
        for i in np.flatnonzero(mask).tolist():
            values[i] = None
    return values


def read_records(
    source,
    fields: QgsFields,
    mapping: FieldMapping,
    roles: Sequence[str],
    fids: Optional[Iterable[int]] = None,
    is_canceled: Optional[Callable[[], bool]] = None,
    progress: Optional[Callable[[float], None]] = None,
    total: int = 0,
    chunk: int = 10000,
) -> FeatureRecords:
    """Read the mapped attributes of ``source`` (a layer, or a QgsAbstractFeatureSource in a task's thread) with
    no geometry and only the mapped fields, then build every search key in one bulk pass; ``fids`` limits the
    read to those features."""
    index_of = _mapped_indices(fields, mapping, roles)
    request = QgsFeatureRequest().setFlags(QgsFeatureRequest.Flag.NoGeometry)
    request.setSubsetOfAttributes(sorted(set(index_of.values())))
    if fids is not None:
        request.setFilterFids(list(fids))
    iterator = source.getFeatures(request)
    ids, attributes = [], []
    while True:
        # In chunks, so that a task can be cancelled and report progress; one comprehension per chunk is
        # the fastest way through PyQGIS's per-feature conversion.
        pairs = [(f.id(), f.attributes()) for f in islice(iterator, chunk)]
        if not pairs:
            break
        ids.extend(p[0] for p in pairs)
        attributes.extend(p[1] for p in pairs)
        if is_canceled is not None and is_canceled():
            break
        if progress is not None and total:
            progress(min(99.0, 100.0 * len(ids) / total))
    by_field = list(zip(*attributes)) if attributes else []  # rows to columns, at C speed
    columns = {role: _column(by_field[idx]) for role, idx in index_of.items() if by_field}
    return _records_from_columns(roles, ids, columns)


def read_layer_records(layer, mapping: FieldMapping, roles: Sequence[str]) -> FeatureRecords:
    """All records of a layer: from GDAL's Arrow stream when the layer is a plain file layer, else through QGIS."""
    reader = OgrColumnReader.for_layer(layer, mapping, roles)
    records = reader.read() if reader is not None else None
    return records if records is not None else read_records(layer, layer.fields(), mapping, roles)


class FeatureTableModel(QAbstractTableModel):
    """Rows are features of one layer; search, filters and sort are applied in bulk by :meth:`refilter`."""

    def __init__(self, columns, parent=None):
        super().__init__(parent)
        self.columns = list(columns)
        self.roles = record_roles(self.columns)
        self.records = FeatureRecords(self.roles)
        self._alive = np.zeros(0, dtype=bool)
        self._order = np.zeros(0, dtype=np.int64)
        self._row_of_index = None
        self._index_of_fid: Dict[int, int] = {}
        self._cache: Dict[str, np.ndarray] = {}
        self._search = ""
        self._search_masks = OrderedDict()  # query -> (hit count, mask) for the last few queries
        self._filters: Dict[str, object] = {}
        self._inside_fids = None
        self._district_fids = None
        self._sort_column = -1
        self._sort_order = Qt.SortOrder.AscendingOrder

    # -- Qt model ----------------------------------------------------------
    def rowCount(self, parent=None):
        return 0 if parent is not None and parent.isValid() else len(self._order)

    def columnCount(self, parent=None):
        return 0 if parent is not None and parent.isValid() else len(self.columns)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return tr(self.columns[section][1])
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        # The view asks for a dozen roles per visible cell on every repaint: answer the unused ones first.
        if role not in _ANSWERED_ROLES or not index.isValid():
            return None
        i = int(self._order[index.row()])
        column_role = self.columns[index.column()][0]
        if role == Qt.ItemDataRole.DisplayRole:
            value = self.records.values[column_role][i]
            if value is None:
                return ""
            if column_role in NUMERIC_ROLES:
                return f"{value:.1f}"
            return str(value)
        if role == FID_ROLE:
            return self.records.fids[i]
        if role == Qt.ItemDataRole.TextAlignmentRole and column_role in NUMERIC_ROLES:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and column_role == "name":
            return self.records.values["alt_names"][i] or None
        return None

    def sort(self, column, order=Qt.SortOrder.AscendingOrder):
        self._sort_column = column
        self._sort_order = order
        self.refilter()

    # -- content -----------------------------------------------------------
    def set_records(self, records: FeatureRecords):
        self.records = records
        self._alive = np.ones(len(records), dtype=bool)
        self._reindex()
        self.refilter()

    def clear(self):
        self.set_records(FeatureRecords(self.roles))

    def _reindex(self):
        self._index_of_fid = {fid: i for i, fid in enumerate(self.records.fids)}
        self._cache.clear()
        self._search_masks.clear()

    def upsert(self, records: FeatureRecords):
        """Add features or replace those already listed (after an edit), then refilter."""
        for j, fid in enumerate(records.fids):
            i = self._index_of_fid.get(fid)
            if i is None:
                i = len(self.records.fids)
                self.records.fids.append(fid)
                self.records.keys.append(records.keys[j])
                for role in self.roles:
                    self.records.values[role].append(records.values[role][j])
                self._index_of_fid[fid] = i
            else:
                self.records.keys[i] = records.keys[j]
                for role in self.roles:
                    self.records.values[role][i] = records.values[role][j]
        alive = np.ones(len(self.records.fids), dtype=bool)
        alive[: len(self._alive)] = self._alive
        for fid in records.fids:
            alive[self._index_of_fid[fid]] = True
        self._alive = alive
        self._cache.clear()
        self._search_masks.clear()
        self.refilter()

    def remove_fids(self, fids: Iterable[int]):
        """Hide deleted features (indices stay stable until the next full read)."""
        for fid in fids:
            i = self._index_of_fid.get(fid)
            if i is not None:
                self._alive[i] = False
        self.refilter()

    # -- filters -------------------------------------------------------------
    def set_search(self, text: str):
        query = normalise_name(text)
        if query == self._search:
            return
        self._search = query
        self.refilter()

    def set_filters(
        self, side: str = "", governorate: str = "", status: str = "", max_border_km=None, district: str = ""
    ):
        """Side "IQ"/"SY" ("" for both), governorate, district and status as listed ("" for any), distance in km
        or None. A filter on a role the layer does not map is ignored (the district: see set_district_fids)."""
        self._filters = {
            "side": side,
            "governorate": governorate,
            "status": status,
            "max_border_km": max_border_km,
            "district": district,
        }
        self.refilter()

    def set_district_fids(self, fids):
        """For a layer without a district field: only these features (inside the chosen district's polygon),
        or None for no such filter."""
        self._district_fids = None if fids is None else set(fids)
        self._cache.pop("in_district", None)
        self.refilter()

    def set_inside_fids(self, fids):
        """Only these features (inside the gap zones), or None for no such filter."""
        self._inside_fids = None if fids is None else set(fids)
        self._cache.pop("inside", None)
        self.refilter()

    def has_role(self, role: str) -> bool:
        return any(v is not None for v in self.records.values.get(role, ()))

    def distinct_values(self, role: str) -> List[str]:
        values = self.records.values[role]
        if not self._alive.all():
            values = [v for v, alive in zip(values, self._alive.tolist()) if alive]
        return sorted({str(v) for v in set(values) if v is not None})

    def _array(self, name: str) -> np.ndarray:
        if name not in self._cache:
            values = self.records.values
            if name == "side":
                codes = {v: side_code(v) for v in set(values["side"])}  # few distinct values
                array = np.array([codes[v] for v in values["side"]], dtype=object)
            elif name in ("governorate", "status", "district"):
                array = np.array([("" if v is None else str(v).casefold()) for v in values[name]], dtype=object)
            elif name == "border_km":
                array = np.array([np.nan if v is None else v for v in values["border_km"]], dtype=float)
            elif name in ("inside", "in_district"):
                inside = (self._inside_fids if name == "inside" else self._district_fids) or set()
                array = np.fromiter(
                    (fid in inside for fid in self.records.fids), dtype=bool, count=len(self.records.fids)
                )
            elif name == "fids":
                array = np.asarray(self.records.fids, dtype=np.int64)
            else:
                raise KeyError(name)
            self._cache[name] = array
        return self._cache[name]

    def _search_hits(self) -> Optional[np.ndarray]:
        query = self._search
        if not query:
            return None
        cache = self._search_masks
        if query in cache:  # e.g. backspace back to an earlier query
            cache.move_to_end(query)
            return cache[query][1]
        keys = self.records.keys
        # Typing on narrows an earlier result: only the hits of a cached query contained in this one can match.
        narrower = min((entry for q, entry in cache.items() if q in query), key=lambda e: e[0], default=None)
        if narrower is not None:
            mask = np.zeros(len(keys), dtype=bool)
            candidates = np.flatnonzero(narrower[1])
            mask[candidates] = [query in keys[i] for i in candidates.tolist()]
        else:
            mask = np.array([query in k for k in keys], dtype=bool)
        cache[query] = (int(mask.sum()), mask)
        if len(cache) > SEARCH_CACHE_SIZE:
            cache.popitem(last=False)
        return mask

    def _sort_permutation(self) -> Optional[np.ndarray]:
        column = self._sort_column
        if column < 0 or column >= len(self.columns):
            return None
        role = self.columns[column][0]
        cache_key = f"sort:{role}"
        if cache_key not in self._cache:
            values = self.records.values[role]
            if role in NUMERIC_ROLES:
                keys = np.array([np.inf if v is None else v for v in values], dtype=float)
                self._cache[cache_key] = np.argsort(keys, kind="stable")
            else:
                # Python's sort on a list of short strings beats numpy's on a fixed-width unicode array.
                keys = [("\uffff" if v is None else str(v).casefold()) for v in values]
                self._cache[cache_key] = np.fromiter(
                    sorted(range(len(keys)), key=keys.__getitem__), dtype=np.int64, count=len(keys)
                )
        permutation = self._cache[cache_key]
        if self._sort_order == Qt.SortOrder.DescendingOrder:
            permutation = permutation[::-1]
        return permutation

    def visible_mask(self) -> np.ndarray:
        mask = self._alive.copy()
        hits = self._search_hits()
        if hits is not None:
            mask &= hits
        filters = self._filters
        if filters.get("side") and self.has_role("side"):
            mask &= self._array("side") == filters["side"]
        for role in ("governorate", "status", "district"):
            if filters.get(role) and self.has_role(role):
                mask &= self._array(role) == str(filters[role]).casefold()
        if filters.get("district") and not self.has_role("district") and self._district_fids is not None:
            mask &= self._array("in_district")
        if filters.get("max_border_km") is not None and self.has_role("border_km"):
            with np.errstate(invalid="ignore"):
                mask &= self._array("border_km") <= float(filters["max_border_km"])
        if self._inside_fids is not None:
            mask &= self._array("inside")
        return mask

    def refilter(self):
        mask = self.visible_mask()
        permutation = self._sort_permutation()
        order = np.flatnonzero(mask) if permutation is None else permutation[mask[permutation]]
        self.beginResetModel()
        self._order = order
        self._row_of_index = None
        self.endResetModel()

    # -- rows and features ---------------------------------------------------
    def total_count(self) -> int:
        return int(self._alive.sum())

    def visible_count(self) -> int:
        return len(self._order)

    def fid_at(self, row: int) -> int:
        return self.records.fids[int(self._order[row])]

    def visible_fids(self) -> List[int]:
        return self._array("fids")[self._order].tolist()

    def row_of_fid(self, fid: int) -> Optional[int]:
        i = self._index_of_fid.get(fid)
        if i is None:
            return None
        if self._row_of_index is None:
            rows = np.full(len(self.records.fids), -1, dtype=np.int64)
            rows[self._order] = np.arange(len(self._order))
            self._row_of_index = rows
        row = int(self._row_of_index[i])
        return None if row < 0 else row

    def value(self, row: int, role: str):
        return self.records.values[role][int(self._order[row])]
