"""Gap zones through the day (bordergaps:gaptimeline): the seam and coverage of gapzones, each
coverage polygon and post with the hours it watches (shift window, day or night sensor), cut into
one arrangement whose faces know when they are watched; every time slice, the unwatched hours of
each part of the seam and the never-watched land are read from it."""

from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np
from qgis.core import QgsFeatureRequest, QgsFeedback, QgsGeometry, QgsRectangle, QgsSpatialIndex

from .arrangement import ARRANGEMENT_TILE_PIECES, ArrangementTiler
from .errors import BorderGapsError
from .gaps import (
    LINE,
    POINT,
    POLYGON,
    StepFeedback,
    _read_villages,
    _union_of,
    check_distances,
    check_field,
    check_layer_type,
    compute_seam,
    gather_coverage,
)
from .geometry import Seam, _stable_key, check_canceled
from .inputs import iter_features
from .metrics import GapMetrics, measure_gaps
from .schedule import MINUTES, Slice, day_slices, daylight, is_empty, schedule_mask, windows_text

#: Default names of the schedule fields (a layer without them is watched all day by every sensor).
DEFAULT_FIELDS = ("active_from", "active_to", "sensor")
FIELD_KEYS = ("ACTIVE_FROM_FIELD", "ACTIVE_TO_FIELD", "SENSOR_FIELD")


@dataclass
class SliceGaps:
    """The gaps of one time slice (metric CRS) with their measures."""

    slice: Slice
    gaps: List[QgsGeometry]
    metrics: List[GapMetrics]
    dropped_m2: float
    active_sources: int

    @property
    def gap_m2(self) -> float:
        return sum(g.area() for g in self.gaps)


@dataclass
class TimelineAnalysis:
    crs: object
    seam: Seam
    whole_seam: bool
    region_area_m2: float
    slices: List[SliceGaps]
    unwatched: List[Tuple[QgsGeometry, np.ndarray]]  # (polygon, minutes unwatched)
    always: List[QgsGeometry]
    always_metrics: List[GapMetrics]
    sources: int
    faces: int
    log: List[str] = field(default_factory=list)

    def worst(self) -> Optional[SliceGaps]:
        """The slice with the most gap area (the earliest of equals)."""
        return max(self.slices, key=lambda s: (round(s.gap_m2, 3), -s.slice.start)) if self.slices else None


def _present(source, name: str) -> bool:
    return bool(name) and source.fields().lookupField(name) >= 0


def check_schedule_fields(layers: Sequence[Tuple[object, str]], names: Sequence[str]) -> None:
    """A field named in ACTIVE_FROM_FIELD, ACTIVE_TO_FIELD or SENSOR_FIELD must be in at least one of
    ``layers`` (coverage layers and posts), unless it is the default name; a layer may not hold one
    end of the window without the other."""
    for key, name, default in zip(FIELD_KEYS, names, DEFAULT_FIELDS):
        if name and layers and name != default and not any(_present(src, name) for src, _ in layers):
            listing = "; ".join(f"'{n}': " + ", ".join(src.fields().names()) for src, n in layers)
            raise BorderGapsError(
                f"Field '{name}' ({key}) is in none of the coverage layers or POSTS. Their fields are: {listing}. "
                f"Choose one of them, or leave {key} empty."
            )
    if bool(names[0]) != bool(names[1]):
        raise BorderGapsError(
            "ACTIVE_FROM_FIELD and ACTIVE_TO_FIELD go together: give both field names, or neither (always active)."
        )
    for source, layer_name in layers:
        has_from, has_to = _present(source, names[0]), _present(source, names[1])
        if has_from != has_to:
            given, missing = (names[0], names[1]) if has_from else (names[1], names[0])
            raise BorderGapsError(
                f"Layer '{layer_name}' has the field '{given}' but not '{missing}': a window needs both its start "
                "and its end. Add the missing field, or choose other field names."
            )


def validate_schedules(source, layer_name: str, names: Sequence[str], day: np.ndarray, feedback=None) -> int:
    """Reads every feature's schedule (attributes only) and raises on the first unreadable value,
    naming the feature and the field. Returns how many features have a window or a sensor kind."""
    present = [n if _present(source, n) else "" for n in names]
    if not any(present):
        return 0
    fields = source.fields()
    label = next((n for n in ("name", "NAME", "Name") if fields.lookupField(n) >= 0), None)
    wanted = [n for n in present if n] + ([label] if label else [])
    request = QgsFeatureRequest()
    request.setFlags(QgsFeatureRequest.Flag.NoGeometry)
    request.setSubsetOfAttributes([fields.lookupField(n) for n in wanted])
    scheduled = 0
    seen = {}
    for n, feature in enumerate(iter_features(source, request)):  # see inputs.iter_features
        if n % 500 == 0:
            check_canceled(feedback)
        values = tuple(feature[p] if p else None for p in present)
        if values in seen:
            scheduled += seen[values]
            continue
        title = f" ('{feature[label]}')" if label and not is_empty(feature[label]) else ""
        where = f"Feature {feature.id()}{title} of layer '{layer_name}'"
        schedule_mask(values[0], values[1], values[2], day, where, names)
        seen[values] = int(any(not is_empty(v) for v in values))
        scheduled += seen[values]
    return scheduled


def _masks(values: Sequence[list], names: Sequence[str], day: np.ndarray, count: int) -> np.ndarray:
    """(pieces, MINUTES) bool: when each kept piece watches (its layer's fields, already validated)."""
    masks = np.ones((count, MINUTES), dtype=bool)
    cache: Dict[tuple, np.ndarray] = {}
    for i, row in enumerate(values):
        key = tuple("" if is_empty(v) else str(v) for v in row)
        mask = cache.get(key)
        if mask is None:
            mask = cache[key] = schedule_mask(row[0], row[1], row[2], day, f"Coverage piece {i}", names)
        masks[i] = mask
    return masks


def analyse_timeline(
    control,
    control_name: str,
    force_field: str,
    force_a: Sequence[str],
    force_b: Sequence[str],
    seam_distance: float,
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
    name_field: Optional[str] = None,
    schedule_fields: Sequence[str] = DEFAULT_FIELDS,
    day_start: str = "06:00",
    day_end: str = "18:00",
    step_min: int = 60,
    feedback: Optional[QgsFeedback] = None,
    log: Callable[[str], None] = lambda s: None,
    tile_pieces: int = ARRANGEMENT_TILE_PIECES,
) -> TimelineAnalysis:
    """The whole gaptimeline computation: every check first, then seam, coverage, one arrangement,
    the slices, the unwatched hours and the measures (progress 0–100)."""
    names = [n or "" for n in schedule_fields]
    check_distances(seam_distance, default_range, min_area)
    slices = day_slices(int(step_min))
    day = daylight(day_start, day_end)
    for source, name in coverage_layers:
        check_layer_type(source, name, "COVERAGE", POLYGON)
    if posts is not None:
        check_layer_type(posts, posts_name, "POSTS", POINT)
        if range_field:
            check_field(posts, posts_name, range_field, "RANGE_FIELD")
    if settlements is not None:
        check_layer_type(settlements, settlements_name, "SETTLEMENTS", POINT)
    if border is not None:
        check_layer_type(border, border_name, "BORDER", LINE)
    scheduled_layers = list(coverage_layers) + ([(posts, posts_name)] if posts is not None else [])
    check_schedule_fields(scheduled_layers, names)
    for source, name in scheduled_layers:
        count = validate_schedules(source, name, names, day, feedback)
        missing = [n for n in names if n and not _present(source, n)]
        if missing:
            log(f"{name}: no field {', '.join(repr(m) for m in missing)}: its features watch all day, every sensor.")
        log(f"{name}: {count} feature(s) with a shift window or sensor kind.")
    seam, districts, crs = compute_seam(
        control,
        control_name,
        force_field,
        force_a,
        force_b,
        seam_distance,
        study_area,
        study_name,
        name_field,
        StepFeedback(feedback, 0, 5),
        log,
    )
    region = seam.base(whole_seam)
    log(f"Seam: {seam.seam_area_m2 / 1e6:.3f} km², of which unclaimed {seam.unclaimed_area_m2 / 1e6:.3f} km².")
    gathered = gather_coverage(
        region,
        crs,
        coverage_layers,
        posts,
        posts_name,
        range_field,
        default_range,
        StepFeedback(feedback, 5, 20),
        log,
        values=names,
    )
    masks = _masks(gathered.values, names, day, len(gathered.pieces))
    region_area = region.area() if not region.isEmpty() else 0.0
    # a piece that never watches (a night sensor on a day shift) cuts no face worth having
    watching = np.flatnonzero(masks.any(axis=1))
    arranged = _Pieces([gathered.pieces[i] for i in watching], gathered.boxes()[watching])
    if len(watching) < len(gathered.pieces):
        log(
            f"{len(gathered.pieces) - len(watching)} coverage piece(s) never watch (their window and sensor kind "
            "exclude each other)."
        )
    tiler = ArrangementTiler(arranged, masks[watching], region_area, StepFeedback(feedback, 20, 55), tile_pieces)
    if not region.isEmpty():
        tiler.build(region)
    tiles = tiler.tiles()
    faces = sum(len(t.faces) for t in tiles)
    log(
        f"Arrangement: {len(gathered.pieces)} coverage piece(s) cut the seam into {faces} face(s) in "
        f"{len(tiles)} tile(s)."
    )

    # every slice, from the faces
    raw: List[Tuple[List[QgsGeometry], float]] = []
    progress = StepFeedback(feedback, 55, 75)
    by_faces: Dict[bytes, Tuple[List[QgsGeometry], float]] = {}  # slices with the same gap faces: once
    for k, piece_slice in enumerate(slices):
        check_canceled(feedback)
        groups = [
            np.where(t.watched[:, piece_slice.start : piece_slice.end].all(axis=1), -1, 0).astype(np.int64)
            for t in tiles
        ]
        key = b"|".join(g.tobytes() for g in groups)
        if key not in by_faces:
            group_of = {id(t): g for t, g in zip(tiles, groups)}
            parts = (
                sorted(
                    tiler.collect(lambda t, of=group_of: t.parts(of[id(t)], straighten=True)).get(0, []),
                    key=_stable_key,
                )
                if tiles
                else []
            )
            kept = [p for p in parts if p.area() >= min_area]
            by_faces[key] = (kept, sum(p.area() for p in parts if p.area() < min_area))
        raw.append(by_faces[key])
        progress.setProgress(100.0 * (k + 1) / len(slices))

    # the unwatched minutes of every part of the seam: one group per pattern
    patterns: Dict[bytes, int] = {}
    pattern_masks: List[np.ndarray] = []

    def by_pattern(tile):
        packed = np.packbits(~tile.watched, axis=1)
        ids = np.empty(len(packed), dtype=np.int64)
        for f, row in enumerate(packed):
            key = row.tobytes()
            gid = patterns.get(key)
            if gid is None:
                gid = patterns[key] = len(pattern_masks)
                pattern_masks.append(~tile.watched[f])
            ids[f] = gid
        return tile.parts(ids)

    grouped = tiler.collect(by_pattern) if tiles else {}
    unwatched = []
    for gid in sorted(grouped):
        for part in grouped[gid]:
            unwatched.append((part, pattern_masks[gid]))
    unwatched.sort(key=lambda item: (-int(item[1].sum()), _stable_key(item[0])))
    always = sorted(
        [g for g, m in unwatched if m.all() and g.area() >= min_area],
        key=_stable_key,
    )
    check_canceled(feedback)

    # measures: once per distinct gap (a gap often stays the same through several slices)
    border_geom = villages = None
    if border is not None:
        border_geom, read = _union_of(border, border_name, crs, LINE, feedback)
        for line in read.log_lines():
            log(line)
    if settlements is not None:
        villages = _read_villages(settlements, settlements_name, crs, feedback, log)
    distinct: Dict[bytes, int] = {}
    unique: List[QgsGeometry] = []
    for gaps, _ in raw:
        for g in gaps:
            key = bytes(g.asWkb())
            if key not in distinct:
                distinct[key] = len(unique)
                unique.append(g)
    for g in always:
        key = bytes(g.asWkb())
        if key not in distinct:
            distinct[key] = len(unique)
            unique.append(g)
    measured = measure_gaps(
        unique,
        seam_distance,
        districts.force_a if name_field else None,
        districts.force_b if name_field else None,
        border_geom,
        villages,
        None,
        StepFeedback(feedback, 75, 95),
    )
    log(
        f"Measured {len(unique)} distinct gap(s) for the {sum(len(g) for g, _ in raw)} gap(s) of "
        f"{len(slices)} slice(s)."
    )
    nearest = _Nearest(gathered.pieces)
    results = []
    for piece_slice, (gaps, dropped) in zip(slices, raw):
        active = masks[:, piece_slice.start : piece_slice.end].all(axis=1)
        metrics = []
        for g in gaps:
            m = measured[distinct[bytes(g.asWkb())]]
            metrics.append(_with_post(m, nearest.distance(m, active)))
        results.append(SliceGaps(piece_slice, gaps, metrics, dropped, int(active.sum())))
    everywhere = np.ones(len(gathered.pieces), dtype=bool)
    always_metrics = [
        _with_post(
            measured[distinct[bytes(g.asWkb())]], nearest.distance(measured[distinct[bytes(g.asWkb())]], everywhere)
        )
        for g in always
    ]
    if feedback is not None:
        feedback.setProgress(100)
    return TimelineAnalysis(
        crs,
        seam,
        whole_seam,
        region_area,
        results,
        unwatched,
        always,
        always_metrics,
        len(gathered.pieces),
        faces,
    )


class _Pieces:
    """The coverage pieces the arrangement is built of (the part of a SeamCoverage the tiler reads)."""

    def __init__(self, pieces: List[QgsGeometry], boxes: np.ndarray):
        self.pieces = pieces
        self._boxes = np.asarray(boxes, dtype=float).reshape(-1, 4)

    def boxes(self) -> np.ndarray:
        return self._boxes


def _with_post(m: GapMetrics, post_m: Optional[float]) -> GapMetrics:
    return GapMetrics(**{**m.__dict__, "post_m": post_m})


class _Nearest:
    """Distance from a gap's innermost point to the nearest coverage piece active in a slice: boxes
    within r are tried, r growing (as metrics._nearest_distance does for all pieces)."""

    def __init__(self, pieces: Sequence[QgsGeometry]):
        self.pieces = pieces
        self.index = QgsSpatialIndex()
        for i, geom in enumerate(pieces):
            self.index.addFeature(i, geom.boundingBox())

    def distance(self, metrics: GapMetrics, active: np.ndarray) -> Optional[float]:
        if metrics.pole is None or not self.pieces or not active.any():
            return None
        centre = metrics.pole
        point = QgsGeometry.fromPointXY(centre)
        reach = max(1.0, metrics.width_m / 2.0 * 1.05)
        while True:
            box = QgsRectangle(centre.x() - reach, centre.y() - reach, centre.x() + reach, centre.y() + reach)
            ids = [i for i in self.index.intersects(box) if active[i]]
            if ids:
                best = min(self.pieces[i].distance(point) for i in ids)
                if best <= reach:
                    return best
            if reach > 1e8:
                return min(self.pieces[i].distance(point) for i in np.flatnonzero(active))
            reach *= 3.0


def unwatched_fields(mask: np.ndarray) -> Tuple[float, str]:
    """(hours unwatched per day, 'HH:MM–HH:MM, …' windows) of a minutes mask."""
    return round(int(mask.sum()) / 60.0, 4), windows_text(mask)
