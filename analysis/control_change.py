"""What changed between dated control maps (bordergaps:controlchange): the districts that changed
hands, the seam and gap zones at each date (the gapzones computation of analysis/gaps.py), and the
gap land opened, closed or persisted from one date to the next."""

from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from qgis.core import (
    NULL,
    QgsCoordinateReferenceSystem,
    QgsFeature,
    QgsFeedback,
    QgsGeometry,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QDate, QDateTime

from .errors import BorderGapsError
from .gaps import POLYGON, GapAnalysis, StepFeedback, _norm, analyse_gaps, check_field
from .geometry import _stable_key, check_canceled, polygon_parts, to_crs, union_all
from .inputs import iter_features, read_features

CHANGES = ("opened", "closed", "persisted")


@dataclass
class Snapshot:
    """One dated control map: its label (ISO date or a name), date (QDate or None) and source."""

    label: str
    date: Optional[QDate]
    source: object
    name: str


@dataclass
class ChangedDistrict:
    name: Optional[str]
    name_before: Optional[str]
    force_before: Optional[str]
    force_after: Optional[str]
    geometry: QgsGeometry
    label_before: str
    label_after: str


@dataclass
class ControlChange:
    crs: QgsCoordinateReferenceSystem
    snapshots: List[Snapshot]
    analyses: List[GapAnalysis]
    gaps: List[List[QgsGeometry]]  # per snapshot, in ``crs``
    changes: List[Tuple[int, str, QgsGeometry]]  # (index of the later snapshot, class, polygon)
    districts: List[ChangedDistrict]
    log: List[str] = field(default_factory=list)

    def total(self, kind: str) -> float:
        return sum(g.area() for _, k, g in self.changes if k == kind)


def parse_date(value) -> Optional[QDate]:
    """A QDate from a date, datetime or ISO text value; None when it is empty or unreadable."""
    if value is None or value == NULL:
        return None
    if isinstance(value, QDate):
        return value if value.isValid() else None
    if isinstance(value, QDateTime):
        return value.date() if value.isValid() else None
    text = str(value).strip()
    for candidate, fmt in ((text[:10], "yyyy-MM-dd"), (text, "yyyy/MM/dd"), (text, "dd.MM.yyyy")):
        date = QDate.fromString(candidate, fmt)
        if date.isValid():
            return date
    return None


def date_snapshots(
    source, layer_name: str, date_field: str, wanted: Sequence[str] = (), feedback=None
) -> List[Snapshot]:
    """One memory layer per date of ``date_field`` (the dates in ``wanted`` only, when given), oldest first."""
    index = check_field(source, layer_name, date_field, "DATE_FIELD")
    by_date: Dict[str, List[QgsFeature]] = {}
    dates: Dict[str, QDate] = {}
    for feature in iter_features(source):  # never QGIS's invalid-geometry check: see inputs.iter_features
        check_canceled(feedback)
        value = feature.attributes()[index]
        date = parse_date(value)
        if date is None:
            raise BorderGapsError(
                f"Feature {feature.id()} of layer '{layer_name}': field '{date_field}' holds '{value}', which is "
                "not a date. Use dates such as 2025-06-14 (or a date field)."
            )
        key = date.toString("yyyy-MM-dd")
        dates[key] = date
        by_date.setdefault(key, []).append(feature)
    keys = sorted(by_date)
    if wanted:
        chosen = []
        for text in wanted:
            date = parse_date(text)
            key = date.toString("yyyy-MM-dd") if date is not None else str(text)
            if key not in by_date:
                raise BorderGapsError(
                    f"No control area of layer '{layer_name}' is dated {text} in field '{date_field}'. Its dates are: "
                    + ", ".join(keys)
                    + "."
                )
            chosen.append(key)
        keys = sorted(set(chosen))
    if len(keys) < 2:
        raise BorderGapsError(
            f"Layer '{layer_name}' has only one date in field '{date_field}' ({', '.join(keys)}): a change needs "
            "two dates at least."
        )
    crs = source.sourceCrs() if hasattr(source, "sourceCrs") else source.crs()
    snapshots = []
    for key in keys:
        layer = QgsVectorLayer(f"Polygon?crs={crs.authid() or 'EPSG:4326'}", f"{layer_name} {key}", "memory")
        if not crs.authid():
            layer.setCrs(crs)
        layer.dataProvider().addAttributes(source.fields().toList())
        layer.updateFields()
        layer.dataProvider().addFeatures([QgsFeature(f) for f in by_date[key]])
        layer.updateExtents()
        snapshots.append(Snapshot(key, dates[key], layer, f"{layer_name} ({key})"))
    return snapshots


def _districts(source, name, crs, force_field, name_field):
    read = read_features(source, crs, name, POLYGON)
    out = []
    for feature in read.features:
        label = None
        if name_field:
            value = feature[name_field]
            label = None if value is None or value == NULL else str(value)
        force = feature[force_field]
        out.append((label, None if force is None or force == NULL else str(force), feature.geometry()))
    return out


def changed_districts(before, after, crs, force_field, name_field, min_area, labels) -> List[ChangedDistrict]:
    """Land whose force differs between two maps, grouped by (district after, force before, force after)."""
    old = _districts(before.source, before.name, crs, force_field, name_field)
    new = _districts(after.source, after.name, crs, force_field, name_field)
    groups: Dict[tuple, List[QgsGeometry]] = {}
    names_before: Dict[tuple, set] = {}
    for name_new, force_new, geom_new in new:
        box = geom_new.boundingBox()
        for name_old, force_old, geom_old in old:
            if _norm(force_old) == _norm(force_new) or not box.intersects(geom_old.boundingBox()):
                continue
            for part in polygon_parts(geom_new.intersection(geom_old)):
                if part.area() > max(min_area, 1.0):
                    key = (name_new, force_old, force_new)
                    groups.setdefault(key, []).append(part)
                    names_before.setdefault(key, set()).add(name_old or "")
    result = []
    for (name_new, force_old, force_new), parts in sorted(groups.items(), key=lambda kv: tuple(str(v) for v in kv[0])):
        merged = union_all(parts)
        before_names = ", ".join(sorted(n for n in names_before[(name_new, force_old, force_new)] if n)) or None
        result.append(ChangedDistrict(name_new, before_names, force_old, force_new, merged, *labels))
    return result


def compare_control(
    snapshots: Sequence[Snapshot],
    force_field: str,
    force_a: Sequence[str],
    force_b: Sequence[str],
    seam_distance: float,
    name_field: Optional[str] = None,
    coverage_layers: Sequence[Tuple[object, str]] = (),
    posts=None,
    posts_name: str = "",
    range_field: Optional[str] = None,
    default_range: float = 0.0,
    whole_seam: bool = False,
    min_area: float = 0.0,
    study_area=None,
    study_name: str = "",
    settlements=None,
    settlements_name: str = "",
    border=None,
    border_name: str = "",
    feedback: Optional[QgsFeedback] = None,
    log: Callable[[str], None] = lambda s: None,
) -> ControlChange:
    """The gap analysis at each snapshot (the whole gapzones computation), then the changes between
    consecutive snapshots, all in the metric CRS of the first one."""
    analyses, gaps = [], []
    crs = None
    steps = len(snapshots) + 1
    for k, snap in enumerate(snapshots):
        log(f"{snap.label}: gap zones of {snap.name}.")
        analysis = analyse_gaps(
            snap.source,
            snap.name,
            force_field,
            force_a,
            force_b,
            seam_distance,
            coverage_layers,
            posts,
            posts_name,
            range_field,
            default_range,
            whole_seam,
            min_area,
            study_area,
            study_name,
            settlements,
            settlements_name,
            border,
            border_name,
            name_field,
            StepFeedback(feedback, 100 * k / steps, 100 * (k + 1) / steps),
            log,
        )
        if crs is None:
            crs = analysis.crs
        analyses.append(analysis)
        gaps.append([to_crs(g, analysis.crs, crs) for g in analysis.result.gaps])
        log(
            f"{snap.label}: seam {analysis.seam.seam_area_m2 / 1e6:.3f} km², {len(analysis.result.gaps)} gap(s), "
            f"{analysis.result.gap_area_m2 / 1e6:.3f} km²."
        )
    changes = []
    districts = []
    floor = max(min_area, 1.0)
    for k in range(1, len(snapshots)):
        check_canceled(feedback)
        before, after = union_all(gaps[k - 1]), union_all(gaps[k])
        for kind, geom in (
            ("opened", after.difference(before) if not before.isEmpty() else after),
            ("closed", before.difference(after) if not after.isEmpty() else before),
            ("persisted", before.intersection(after)),
        ):
            parts = sorted((p for p in polygon_parts(geom) if p.area() >= floor), key=_stable_key)
            changes.extend((k, kind, p) for p in parts)
        districts.extend(
            changed_districts(
                snapshots[k - 1],
                snapshots[k],
                crs,
                force_field,
                name_field,
                min_area,
                (snapshots[k - 1].label, snapshots[k].label),
            )
        )
    if feedback is not None:
        feedback.setProgress(100)
    return ControlChange(crs, list(snapshots), analyses, gaps, changes, districts)
