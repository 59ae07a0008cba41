"""Drone sorties over the gaps, from geometry to flight plan: survey lanes over each gap
(analysis/drone_lanes.py), transit around the no-fly zones (analysis/drone_transit.py), the
choice of sorties (analysis/drone_sorties.py), and the flown paths, lanes and swaths.

Everything is in one metric CRS (metres); the caller reprojects.
"""

import math
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np
from qgis.core import QgsGeometry, QgsPointXY, QgsRectangle
from scipy.spatial.distance import cdist

from . import drone_lanes, drone_sorties
from .drone_transit import NoFlyTransit
from .errors import BorderGapsError

CHUNK_FRACTION = 0.25  # a chunk holds at most this share of the endurance in lane length
MAX_LANES = 20_000  # lanes over all gaps: more would take minutes and gigabytes
MAX_KEY_POINTS = 6_000  # transit distances are a dense matrix of these (288 MB at 6,000)


@dataclass
class Gap:
    geometry: QgsGeometry  # valid polygon, metric CRS
    gap_id: str
    factor: float = 1.0  # weight per km² (the priority with WEIGHT 1)


@dataclass
class Base:
    x: float
    y: float
    name: str


@dataclass
class FlownLane:
    sortie: int
    gap: int
    seq: int
    points: List[Tuple[float, float]]
    partial: bool


@dataclass
class SortieResult:
    number: int
    base: int
    points: List[Tuple[float, float]]
    length_m: float
    gaps: List[int]  # gap indices in visiting order
    surveyed: Dict[int, QgsGeometry]  # gap index -> swath polygon flown by this sortie
    model_weight: float


@dataclass
class SurveyPlan:
    sorties: List[SortieResult]
    lanes: List[FlownLane]
    gap_area_m2: List[float]
    gap_weight: List[float]  # whole gap weight (km² × factor)
    surveyed_m2: List[float]  # per gap, all sorties
    pieces: int
    chunks: int
    key_points: int
    nodes: int
    unreachable: List[Tuple[int, int, float]] = field(default_factory=list)  # (gap, base, straight m)
    blocked_gaps: List[int] = field(default_factory=list)  # gaps wholly inside the no-fly zones
    no_fly_m2: Dict[int, float] = field(default_factory=dict)  # gap -> area in the zones (with the margin)


class _KeyPoints:
    def __init__(self):
        self.index: Dict[Tuple[float, float], int] = {}
        self.coords: List[Tuple[float, float]] = []

    def id(self, xy) -> int:
        key = (round(float(xy[0]), 3), round(float(xy[1]), 3))
        if key not in self.index:
            self.index[key] = len(self.coords)
            self.coords.append((float(xy[0]), float(xy[1])))
        return self.index[key]


def key_point_distances(
    coords: np.ndarray, base_ids: np.ndarray, endurance: float, transit: NoFlyTransit, is_canceled=lambda: False
) -> np.ndarray:
    """Transit distances between key points; inf for pairs no sortie within ``endurance`` can
    fly consecutively (straight distance to the nearest base + between them + back > endurance)."""
    n = len(coords)
    straight = cdist(coords, coords)
    to_base = straight[:, base_ids].min(axis=1)
    useful = to_base[:, None] + straight + to_base[None, :] <= endurance * (1 + 1e-9)
    dist = np.where(useful, straight, np.inf)
    if transit.blocked is None:
        return dist
    i, j = np.nonzero(np.triu(useful, 1))
    # a segment is clear when the discs free of the zones around its two ends cover it
    clearance = _clearance(coords, transit)
    unsure = clearance[i] + clearance[j] < straight[i, j]
    i, j = i[unsure], j[unsure]
    blocked = np.zeros(i.size, dtype=bool)
    step = 200_000
    for start in range(0, i.size, step):
        if is_canceled():
            return dist
        s = slice(start, start + step)
        blocked[s] = transit.segments_blocked(coords[i[s]], coords[j[s]])
    i, j = i[blocked], j[blocked]
    if i.size:
        involved = np.unique(np.concatenate([i, j]))
        direct, closed = transit.node_tables(coords[involved])
        row = np.full(n, -1)
        row[involved] = np.arange(involved.size)
        if direct.shape[1]:
            around = (closed[row[i]] + direct[row[j]]).min(axis=1)
        else:
            around = np.full(i.size, np.inf)
        dist[i, j] = dist[j, i] = around
    return dist


def _clearance(points: np.ndarray, transit: NoFlyTransit) -> np.ndarray:
    """Distance from each point to the nearest edge of the zones' core (0 inside it)."""
    e = transit.edges
    out = np.full(len(points), np.inf)
    if not len(e):
        return out
    step = max(1, 2_000_000 // len(e))
    ax, ay, bx, by = e[:, 0], e[:, 1], e[:, 2], e[:, 3]
    dx, dy = bx - ax, by - ay
    length2 = np.maximum(dx * dx + dy * dy, 1e-12)
    for start in range(0, len(points), step):
        p = points[start : start + step]
        t = np.clip(((p[:, :1] - ax) * dx + (p[:, 1:] - ay) * dy) / length2, 0, 1)
        out[start : start + step] = np.hypot(p[:, :1] - (ax + t * dx), p[:, 1:] - (ay + t * dy)).min(axis=1)
    return out


class SurveyPlanner:
    """Builds the orienteering problem of ``gaps`` and ``bases``, solves it, and turns the plan
    into flown paths, lanes and swaths."""

    def __init__(
        self,
        gaps: Sequence[Gap],
        bases: Sequence[Base],
        transit: NoFlyTransit,
        swath: float,
        endurance: float,
        sorties: int,
        max_per_base: int = 0,
        chunk_limit: Optional[float] = None,
        is_canceled: Callable[[], bool] = lambda: False,
        progress: Callable[[float], None] = lambda fraction: None,
    ):
        if swath <= 0:
            raise BorderGapsError(f"SWATH_M must be more than 0 m (got {swath:g}).")
        if endurance <= 0:
            raise BorderGapsError(f"ENDURANCE_KM must be more than 0 km (got {endurance / 1000:g}).")
        if not bases:
            raise BorderGapsError("BASES has no launch point: give at least one base.")
        self.gaps, self.bases, self.transit = list(gaps), list(bases), transit
        self.swath, self.endurance, self.sorties = float(swath), float(endurance), int(sorties)
        self.max_per_base = int(max_per_base or 0)
        self.chunk_limit = chunk_limit or CHUNK_FRACTION * self.endurance
        self.is_canceled, self.progress = is_canceled, progress
        self._direct_cache: Dict[int, np.ndarray] = {}
        self._clearance: Optional[np.ndarray] = None

    # -- the problem -------------------------------------------------------------------------------
    def build(self) -> drone_sorties.Problem:
        blocked = self.transit.blocked
        lanes = sum(math.ceil(min(g.geometry.orientedMinimumBoundingBox()[3:5]) / self.swath - 1e-9) for g in self.gaps)
        if lanes > MAX_LANES:
            raise BorderGapsError(
                f"SWATH_M = {self.swath:g} m would need about {lanes:,} survey lanes over the {len(self.gaps)} gap(s), "
                f"more than the {MAX_LANES:,} this tool plans at once: give a wider SWATH_M or fewer gaps."
            )
        self.targets, self.frames, self.pieces, self.blocked_gaps = [], [], [], []
        self.no_fly_m2: Dict[int, float] = {}
        for index, gap in enumerate(self.gaps):
            target = gap.geometry
            if blocked is not None and target.intersects(blocked):
                target = target.difference(blocked)
                lost = gap.geometry.area() - (0.0 if target.isEmpty() else target.area())
                if lost > 0:
                    self.no_fly_m2[index] = lost
            if target.isEmpty() or target.area() <= 0:
                self.targets.append(None)
                self.frames.append(None)
                self.blocked_gaps.append(index)
                continue
            frame, pieces = drone_lanes.gap_pieces(target, self.swath, index, blocked)
            self.targets.append(target)
            self.frames.append(frame)
            self.pieces.extend(pieces)
            if self.is_canceled():
                break
            self.progress(0.2 * (index + 1) / len(self.gaps))
        keys = _KeyPoints()
        base_ids = np.array([keys.id((b.x, b.y)) for b in self.bases])
        self.chunk_list: List[List[List[Tuple[int, bool]]]] = []  # chunk -> 4 ways -> [(piece, forward)]
        by_gap: Dict[int, List[int]] = {}
        for i, piece in enumerate(self.pieces):
            by_gap.setdefault(piece.gap, []).append(i)
        self.chunk_gap = []
        for gap_index, members in by_gap.items():
            local = [self.pieces[i] for i in members]
            for group in drone_lanes.chunks_of(local, self.chunk_limit):
                ways = drone_lanes.ways_of_flying(local, group)
                self.chunk_list.append([[(members[i], fwd) for i, fwd in way] for way in ways])
                self.chunk_gap.append(gap_index)
        # hops between consecutive pieces of each way, all in one transit query
        hop_a, hop_b, hop_slot = [], [], []
        for c, ways in enumerate(self.chunk_list):
            for v, way in enumerate(ways):
                for k in range(len(way) - 1):
                    hop_a.append(self._segment(*way[k])[1])
                    hop_b.append(self._segment(*way[k + 1])[0])
                    hop_slot.append((c, v, k))
        hops = self.transit.distances(np.array(hop_a).reshape(-1, 2), np.array(hop_b).reshape(-1, 2))
        hop_len: Dict[Tuple[int, int], List[float]] = {}
        for (c, v, _k), h in zip(hop_slot, hops):
            hop_len.setdefault((c, v), []).append(float(h))
        chunks = len(self.chunk_list)
        entry = np.zeros((chunks, 4), dtype=np.int64)
        exit_ = np.zeros((chunks, 4), dtype=np.int64)
        service = np.zeros((chunks, 4))
        weight = np.zeros(chunks)
        paths = []
        for c, ways in enumerate(self.chunk_list):
            factor = self.gaps[self.chunk_gap[c]].factor
            row = []
            for v, way in enumerate(ways):
                segs = [self._segment(i, fwd) for i, fwd in way]
                lengths = np.array([self.pieces[i].length for i, _ in way])
                weights = np.array([self.pieces[i].area_m2 / 1e6 * factor for i, _ in way])
                h = np.array(hop_len.get((c, v), []))
                entry[c, v] = keys.id(segs[0][0])
                exit_[c, v] = keys.id(segs[-1][1])
                service[c, v] = lengths.sum() + h.sum()
                row.append((lengths, weights, np.array([s[0] for s in segs]), np.array([s[1] for s in segs]), h))
            weight[c] = row[0][1].sum()
            paths.append(row)
        self.coords = np.array(keys.coords, dtype=float)
        if len(self.coords) > MAX_KEY_POINTS:
            raise BorderGapsError(
                f"The {len(self.gaps)} gap(s) make {chunks:,} groups of lanes with {len(self.coords):,} entry and exit "
                f"points, more than the {MAX_KEY_POINTS:,} this tool plans over at once (memory): plan a part of "
                "the gaps at a time, drop the smallest (MIN_AREA of Unmonitored gap zones), or give a longer "
                "ENDURANCE_KM (longer groups)."
            )
        self.base_ids = base_ids
        dist = key_point_distances(self.coords, base_ids, self.endurance, self.transit, self.is_canceled)
        self.progress(0.35)
        self.problem = drone_sorties.Problem(
            dist,
            base_ids,
            entry,
            exit_,
            service,
            weight,
            self.endurance,
            self.sorties,
            self.max_per_base,
            paths=paths,
            distance_from=self._distance_from,
        )
        return self.problem

    def _segment(self, piece: int, forward: bool):
        return drone_lanes.flown_segment(self.pieces[piece], forward)

    def _distance_from(self, xy: np.ndarray, ids: np.ndarray) -> np.ndarray:
        xy = np.asarray(xy, dtype=float).reshape(1, 2)
        ids = np.asarray(ids, dtype=np.int64)
        targets = self.coords[ids]
        out = np.hypot(*(targets - xy).T)
        if self.transit.blocked is None:
            return out
        if self._clearance is None:
            self._clearance = _clearance(self.coords, self.transit)
        # clear when the discs free of the zones around both ends cover the segment
        unsure = np.flatnonzero(_clearance(xy, self.transit)[0] + self._clearance[ids] < out)
        if not unsure.size:
            return out
        blocked = unsure[self.transit.segments_blocked(np.repeat(xy, unsure.size, axis=0), targets[unsure])]
        if not blocked.size:
            return out
        missing = [int(i) for i in ids[blocked] if int(i) not in self._direct_cache]
        if missing:
            direct, _closed = self.transit.node_tables(self.coords[missing])
            for i, row in zip(missing, direct):
                self._direct_cache[i] = row
        if not len(self.transit.nodes):
            out[blocked] = np.inf
            return out
        closed = self.transit.node_tables(xy)[1][0]
        b_direct = np.array([self._direct_cache[int(i)] for i in ids[blocked]])
        out[blocked] = (closed[None, :] + b_direct).min(axis=1)
        return out

    # -- solving and drawing ---------------------------------------------------------------------------
    def run(self, partial: bool = True) -> SurveyPlan:
        problem = self.build()
        plan = drone_sorties.plan(
            problem,
            partial=partial,
            is_canceled=self.is_canceled,
            progress=lambda f: self.progress(0.35 + 0.5 * f),
        )
        self.plan = plan
        return self.draw(plan)

    def draw(self, plan: drone_sorties.Plan) -> SurveyPlan:
        problem = self.problem
        results, lanes = [], []
        for number, sortie in enumerate(plan.sorties, start=1):
            if self.is_canceled():
                break
            base_xy = (self.bases[sortie.base].x, self.bases[sortie.base].y)
            points = [base_xy]
            gaps_seen: List[int] = []
            swaths: Dict[int, List[QgsGeometry]] = {}
            seq = 0
            steps = [(c, v, None) for c, v in sortie.visits]
            if sortie.partial is not None:
                steps.insert(sortie.partial.position, (sortie.partial.chunk, sortie.partial.way, sortie.partial.flown))
            for c, v, flown in steps:
                gap = self.chunk_gap[c]
                if gap not in gaps_seen:
                    gaps_seen.append(gap)
                left = np.inf if flown is None else flown
                for k, (piece_index, forward) in enumerate(self.chunk_list[c][v]):
                    if left <= 1e-9:
                        break
                    piece = self.pieces[piece_index]
                    start, end = self._segment(piece_index, forward)
                    if k:
                        left -= problem.paths[c][v][4][k - 1]
                        if left <= 1e-9:
                            break
                    fraction = min(1.0, left / piece.length)
                    if fraction * piece.length < 1e-6:
                        break
                    end = start + fraction * (end - start)
                    self._transit_to(points, tuple(start))
                    points.append(tuple(end))
                    left -= piece.length
                    seq += 1
                    lanes.append(FlownLane(number, gap, seq, [tuple(start), tuple(end)], fraction < 1.0 - 1e-9))
                    swath = drone_lanes.swath_polygon(
                        self.targets[gap], self.frames[gap], piece, self.swath, fraction, forward
                    )
                    swaths.setdefault(gap, []).append(swath)
            self._transit_to(points, base_xy)
            line = _dedupe(points)
            length = float(np.sum(np.hypot(*np.diff(np.array(line), axis=0).T))) if len(line) > 1 else 0.0
            surveyed = {g: QgsGeometry.unaryUnion(parts) for g, parts in swaths.items()}
            weight = sortie.weight + (sortie.partial.weight if sortie.partial else 0.0)
            results.append(SortieResult(number, sortie.base, line, length, gaps_seen, surveyed, weight))
        areas = [g.geometry.area() for g in self.gaps]
        surveyed_m2 = [0.0] * len(self.gaps)
        by_gap: Dict[int, List[QgsGeometry]] = {}
        for result in results:
            for g, geom in result.surveyed.items():
                by_gap.setdefault(g, []).append(geom)
        for g, parts in by_gap.items():
            surveyed_m2[g] = QgsGeometry.unaryUnion(parts).area()
        out = SurveyPlan(
            results,
            lanes,
            areas,
            [a / 1e6 * g.factor for a, g in zip(areas, self.gaps)],
            surveyed_m2,
            len(self.pieces),
            len(self.chunk_list),
            len(self.coords),
            len(self.transit.nodes),
            blocked_gaps=list(self.blocked_gaps),
            no_fly_m2=dict(self.no_fly_m2),
        )
        out.unreachable = self._unreachable(surveyed_m2)
        return out

    def _transit_to(self, points: List[Tuple[float, float]], target: Tuple[float, float]):
        here = points[-1]
        if np.hypot(here[0] - target[0], here[1] - target[1]) < 1e-6:
            return
        points.extend(self.transit.path(here, target)[1:])

    def _unreachable(self, surveyed_m2):
        """Gaps no sortie touched whose straight round trip from every base exceeds the endurance:
        (gap, nearest base, straight distance m)."""
        out = []
        for index, gap in enumerate(self.gaps):
            if surveyed_m2[index] > 0 or index in self.blocked_gaps:
                continue
            best = None
            for b, base in enumerate(self.bases):
                distance = gap.geometry.distance(QgsGeometry.fromPointXY(QgsPointXY(base.x, base.y)))
                if best is None or distance < best[1]:
                    best = (b, distance)
            if best is not None and 2 * best[1] > self.endurance:
                out.append((index, best[0], best[1]))
        return out


def _dedupe(points):
    out = []
    for p in points:
        if not out or np.hypot(p[0] - out[-1][0], p[1] - out[-1][1]) > 1e-6:
            out.append((float(p[0]), float(p[1])))
    return out


def reach_box(bases: Sequence[Base], endurance: float, margin: float) -> QgsGeometry:
    """The box no sortie can leave: every point of a sortie lies within endurance / 2 of its base."""
    xs, ys = [b.x for b in bases], [b.y for b in bases]
    reach = endurance / 2 + 2 * margin
    return QgsGeometry.fromRect(QgsRectangle(min(xs) - reach, min(ys) - reach, max(xs) + reach, max(ys) + reach))


def far_side_zones(
    countries: Sequence[Tuple[str, QgsGeometry]], bases: Sequence[Base]
) -> Tuple[Optional[QgsGeometry], Optional[str]]:
    """The default no-fly zone: every country polygon but the one holding most bases (the far
    side of the border, and the neighbours beyond it), with the name of the bases' country;
    (None, None) when no base lies in any of the countries."""
    engines = []
    for _name, geom in countries:
        engine = QgsGeometry.createGeometryEngine(geom.constGet())
        engine.prepareGeometry()
        engines.append(engine)
    votes = np.zeros(len(countries), dtype=int)
    for base in bases:
        point = QgsGeometry.fromPointXY(QgsPointXY(base.x, base.y))
        for k, engine in enumerate(engines):
            if engine.intersects(point.constGet()):
                votes[k] += 1
                break
    if not len(votes) or votes.max() == 0:
        return None, None
    home = int(np.argmax(votes))
    others = [geom for k, (_name, geom) in enumerate(countries) if k != home]
    return (QgsGeometry.unaryUnion(others) if others else None), countries[home][0]
