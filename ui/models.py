"""The dock's table model: settlements or crossings read once without geometry, searched, filtered and sorted in
bulk (numpy masks over precomputed search keys), so a keystroke over 100,000 features redraws in milliseconds.

Why not a QSortFilterProxyModel: it calls Python (``filterAcceptsRow``, ``data``, ``lessThan``) once per row or
comparison and removes hidden rows one range at a time; over 100,000 features that took seconds per keystroke
(benchmarks/bench_dock.py measures it as the baseline). Here the model holds ``_order``, the visible rows in
sort order, and Qt only ever asks for the few rows on screen.
"""

from dataclasses import dataclass, field
from typing import Callable, Dict, Iterable, List, Optional, Sequence

import numpy as np
from qgis.core import QgsFeatureRequest, QgsFields
from qgis.PyQt.QtCore import QAbstractTableModel, QCoreApplication, Qt, QVariant

from ..analysis.text import normalise_name, search_key, split_alt_names
from .field_mapping import FieldMapping

FID_ROLE = Qt.ItemDataRole.UserRole + 1

VILLAGE_COLUMNS = [
    ("name", "Name"),
    ("name_ar", "Arabic name"),
    ("side", "Side"),
    ("governorate", "Governorate"),
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
# Roles read from the layer besides the columns: what the search and the filters need.
_EXTRA_ROLES = ("governorate", "border_km", "alt_names", "side", "status")


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


def read_records(
    source,
    fields: QgsFields,
    mapping: FieldMapping,
    roles: Sequence[str],
    fids: Optional[Iterable[int]] = None,
    is_canceled: Optional[Callable[[], bool]] = None,
    progress: Optional[Callable[[float], None]] = None,
    total: int = 0,
) -> FeatureRecords:
    """Read the mapped attributes of ``source`` (a layer, or a QgsAbstractFeatureSource in a task's thread) with no
    geometry and only the mapped fields; ``fids`` limits the read to those features."""
    index_of = {role: fields.lookupField(mapping.get(role)) for role in roles if mapping.get(role)}
    index_of = {role: idx for role, idx in index_of.items() if idx >= 0}
    request = QgsFeatureRequest().setFlags(QgsFeatureRequest.Flag.NoGeometry)
    request.setSubsetOfAttributes(sorted(set(index_of.values())))
    if fids is not None:
        request.setFilterFids(list(fids))
    records = FeatureRecords(roles)
    append_fid = records.fids.append
    columns = [(records.values[role], index_of.get(role)) for role in roles]
    alt_idx = index_of.get("alt_names")
    name_idx = index_of.get("name")
    ar_idx = index_of.get("name_ar")
    numeric = [records.values[role] for role in roles if role in NUMERIC_ROLES]
    step = max(1, total // 100) if total else 0
    for count, feature in enumerate(source.getFeatures(request)):
        attrs = feature.attributes()
        append_fid(feature.id())
        for values, idx in columns:
            values.append(None if idx is None else _plain(attrs[idx]))
        names = [records.values["name"][-1] if name_idx is not None else None,
                 records.values["name_ar"][-1] if ar_idx is not None else None]
        if alt_idx is not None:
            names.extend(split_alt_names(_plain(attrs[alt_idx])))
        records.keys.append(search_key(names))
        if step and count % step == 0:
            if is_canceled is not None and is_canceled():
                break
            if progress is not None:
                progress(100.0 * count / total)
    for values in numeric:
        values[:] = [_as_number(v) for v in values]
    return records


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
        self._search_mask = None
        self._filters: Dict[str, object] = {}
        self._inside_fids = None
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
        if not index.isValid():
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
        self._search_mask = None

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
        self._search_mask = None
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

    def set_filters(self, side: str = "", governorate: str = "", status: str = "", max_border_km=None):
        """Side "IQ"/"SY" ("" for both), governorate and status as listed ("" for any), distance in km or None.
        A filter on a role the layer does not map is ignored."""
        self._filters = {"side": side, "governorate": governorate, "status": status, "max_border_km": max_border_km}
        self.refilter()

    def set_inside_fids(self, fids):
        """Only these features (inside the gap zones), or None for no such filter."""
        self._inside_fids = None if fids is None else set(fids)
        self._cache.pop("inside", None)
        self.refilter()

    def has_role(self, role: str) -> bool:
        return any(v is not None for v in self.records.values.get(role, ()))

    def distinct_values(self, role: str) -> List[str]:
        return sorted({str(v) for v, alive in zip(self.records.values[role], self._alive) if v is not None and alive})

    def _array(self, name: str) -> np.ndarray:
        if name not in self._cache:
            values = self.records.values
            if name == "side":
                array = np.array([side_code(v) for v in values["side"]], dtype=object)
            elif name in ("governorate", "status"):
                array = np.array([("" if v is None else str(v).casefold()) for v in values[name]], dtype=object)
            elif name == "border_km":
                array = np.array([np.nan if v is None else v for v in values["border_km"]], dtype=float)
            elif name == "inside":
                inside = self._inside_fids or set()
                array = np.fromiter((fid in inside for fid in self.records.fids), dtype=bool,
                                    count=len(self.records.fids))
            elif name == "fids":
                array = np.asarray(self.records.fids, dtype=np.int64)
            else:
                raise KeyError(name)
            self._cache[name] = array
        return self._cache[name]

    def _search_hits(self) -> Optional[np.ndarray]:
        query = self._search
        if not query:
            self._search_mask = None
            return None
        keys = self.records.keys
        previous = self._search_mask
        if previous is not None and previous[0] in query and len(previous[1]) == len(keys):
            # Typing on narrows the last result: only its hits can still match.
            mask = np.zeros(len(keys), dtype=bool)
            candidates = np.flatnonzero(previous[1])
            mask[candidates] = [query in keys[i] for i in candidates.tolist()]
        else:
            mask = np.fromiter((query in k for k in keys), dtype=bool, count=len(keys))
        self._search_mask = (query, mask)
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
            else:
                keys = np.array([("\uffff" if v is None else str(v).casefold()) for v in values], dtype=str)
            self._cache[cache_key] = np.argsort(keys, kind="stable")
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
        for role in ("governorate", "status"):
            if filters.get(role) and self.has_role(role):
                mask &= self._array(role) == str(filters[role]).casefold()
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
