"""Who answers for each gap: for each of two forces the post that reaches every point of a gap
soonest and how long its worst corner takes, the areas each post reaches first, the handover
line where one force's responsibility passes to the other's, and the pairs of posts across that
line that share a gap and so must talk to each other.

Two ways of measuring time, one result:

- straight-line travel at one speed (no roads, no DEM): exact, from GEOS's Voronoi diagram of
  the posts and the farthest vertex of each gap;
- over the shared cost grid (costgrid.py, the cost model and search routine of the corridors):
  one multi-source least-cost search per force, every cell labelled by its nearest post, and
  a few bounded single-post searches where a gap straddles two posts' areas.

All geometry is in one metric CRS; times are minutes, distances metres unless named ``_km``.
"""

import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np
from qgis.core import QgsGeometry, QgsPointXY, QgsRectangle, QgsSpatialIndex, QgsWkbTypes

from . import costgrid, geometry
from .compat import null_rectangle
from .costgrid import OCTILE_EXCESS, Grid, LeastCostSearch

SIDES = (0, 1)  # force A, force B
ProgressFn = Callable[[float], None]
CancelFn = Callable[[], bool]
LogFn = Callable[[str], None]


@dataclass(frozen=True)
class Post:
    """A post of force A (``side`` 0) or B (1): its name, its force field value, metric position."""

    label: str
    force: str
    side: int
    x: float
    y: float


@dataclass
class GapAnswer:
    """For each side (A, B): the index (into the posts) of the post whose worst point of the gap
    is reached soonest, and that time in minutes; None when no post of that side reaches it."""

    post: List[Optional[int]] = field(default_factory=lambda: [None, None])
    minutes: List[Optional[float]] = field(default_factory=lambda: [None, None])

    def first_side(self) -> Optional[int]:
        times = [m if m is not None else math.inf for m in self.minutes]
        if not any(math.isfinite(t) for t in times):
            return None
        return 0 if times[0] <= times[1] else 1


@dataclass
class Area:
    """The land ``post`` reaches before any other post: polygon, farthest time, km²."""

    post: int
    geometry: QgsGeometry
    max_minutes: float

    @property
    def area_km2(self) -> float:
        return self.geometry.area() / 1e6


@dataclass
class Handover:
    """Where responsibility passes from force A's ``post_a`` to force B's ``post_b``."""

    post_a: int
    post_b: int
    geometry: QgsGeometry


@dataclass
class Link:
    """Two posts of different forces that share gaps (indices into the gaps)."""

    post_a: int
    post_b: int
    gaps: List[int]
    gap_m2: float
    distance_m: float


@dataclass
class Coordination:
    answers: List[Optional[GapAnswer]]  # None for a gap outside the study area
    areas: List[Area]
    handover: List[Handover]
    links: List[Link] = field(default_factory=list)
    searches: int = 0  # least-cost searches run (0 for straight-line travel)


def metres_per_minute(speed_kmh: float) -> float:
    return speed_kmh * 1000.0 / 60.0


def canonical_order(posts: Sequence[Post]) -> List[int]:
    """Indices of ``posts`` in an order that does not depend on the layer's order nor (beyond a
    tenth of a millimetre) its CRS: by name, then position. Ties in time go to the earlier one."""
    return sorted(
        range(len(posts)),
        key=lambda i: (posts[i].label, round(posts[i].x, 4), round(posts[i].y, 4), posts[i].side, posts[i].force),
    )


def gap_vertices(gap: QgsGeometry) -> np.ndarray:
    """The vertices (N x 2) of the gap's convex hull.

    Distance to a point p is convex, so over the hull its maximum lies at a hull vertex; every
    hull vertex is a vertex of the gap, and the gap lies inside its hull: the farthest point of
    any polygon (non-convex, with holes, multipart) from p is one of these vertices.
    """
    hull = gap.convexHull()
    xy = np.array([(v.x(), v.y()) for v in hull.vertices()], dtype=np.float64).reshape(-1, 2)
    return np.unique(xy, axis=0) if len(xy) else xy


def _farthest(posts_xy: np.ndarray, points: np.ndarray) -> np.ndarray:
    """For each post, its distance to the farthest of ``points``."""
    d2 = ((posts_xy[:, None, :] - points[None, :, :]) ** 2).sum(axis=2)
    return np.sqrt(d2.max(axis=1))


# --- straight-line travel: exact ---------------------------------------------------------------


def straight_line_answers(
    gaps: Sequence[Optional[QgsGeometry]], posts: Sequence[Post], order: Sequence[int], speed_kmh: float
) -> List[Optional[GapAnswer]]:
    """Each gap's answering post per side: the least, over the side's posts, of the distance to
    the gap's farthest hull vertex (gap_vertices), at ``speed_kmh``. Exact."""
    speed = metres_per_minute(speed_kmh)
    by_side = [[i for i in order if posts[i].side == s] for s in SIDES]
    xy = [np.array([(posts[i].x, posts[i].y) for i in ids], dtype=np.float64).reshape(-1, 2) for ids in by_side]
    answers: List[Optional[GapAnswer]] = []
    for gap in gaps:
        if gap is None:
            answers.append(None)
            continue
        vertices = gap_vertices(gap)
        answer = GapAnswer()
        for s in SIDES:
            if len(by_side[s]):
                far = _farthest(xy[s], vertices)
                best = int(np.argmin(far))  # the first of equals: canonical order
                answer.post[s], answer.minutes[s] = by_side[s][best], float(far[best]) / speed
        answers.append(answer)
    return answers


def _sites(posts: Sequence[Post], order: Sequence[int]) -> Tuple[np.ndarray, List[int]]:
    """Distinct post positions (N x 2) and the post that owns each (the first in canonical order)."""
    owners: Dict[Tuple[float, float], int] = {}
    for i in order:
        owners.setdefault((posts[i].x, posts[i].y), i)
    return np.array(list(owners), dtype=np.float64).reshape(-1, 2), list(owners.values())


def polygon_parts(geom: QgsGeometry) -> QgsGeometry:
    """Only the polygon parts of an overlay result, valid."""
    if geom.isEmpty():
        return geom
    if (
        geom.type() != QgsWkbTypes.GeometryType.PolygonGeometry
        or QgsWkbTypes.flatType(geom.wkbType()) == QgsWkbTypes.Type.GeometryCollection
    ):
        parts = geometry.polygon_parts(geom)
        geom = QgsGeometry.collectGeometry(parts) if parts else QgsGeometry()
    if not geom.isEmpty() and not geom.isGeosValid():
        geom = polygon_parts(geom.makeValid())
    return geom


def _line_parts(geom: QgsGeometry) -> List[QgsGeometry]:
    """The line parts of an overlay result with some length."""
    if geom is None or geom.isEmpty():
        return []
    parts = [QgsGeometry(p.clone()) for p in geom.constParts()] if geom.isMultipart() else [geom]
    if QgsWkbTypes.flatType(geom.wkbType()) == QgsWkbTypes.Type.GeometryCollection:
        parts = [QgsGeometry(p.clone()) for p in geom.constParts()]
    return [p for p in parts if p.type() == QgsWkbTypes.GeometryType.LineGeometry and p.length() > 0]


def _merged(lines: List[QgsGeometry]) -> QgsGeometry:
    merged = QgsGeometry.unaryUnion(lines).mergeLines()
    return merged if merged.isGeosValid() else merged.makeValid()


def straight_line_areas(
    posts: Sequence[Post], order: Sequence[int], study: QgsGeometry, speed_kmh: float
) -> Tuple[List[Area], List[Handover]]:
    """The areas each post reaches first (the Voronoi cells of the posts clipped to ``study``;
    their farthest point is a vertex of the clipped cell, as in gap_vertices) and the handover
    lines: the Voronoi edges between a force-A and a force-B post (perpendicular bisectors),
    clipped to ``study``. Posts at one position share the cell of the first."""
    speed = metres_per_minute(speed_kmh)
    sites, owners = _sites(posts, order)
    box = QgsRectangle(study.boundingBox())
    for x, y in sites:
        box.combineExtentWith(x, y)
    box.grow(max(box.width(), box.height()) * 0.1 + 1.0)
    envelope = QgsGeometry.fromRect(box)
    points = QgsGeometry.fromMultiPointXY([QgsPointXY(x, y) for x, y in sites])
    if len(sites) == 1:
        cells = [envelope]
        edges: List[QgsGeometry] = []
    else:
        diagram = points.voronoiDiagram(envelope, 0.0, False)
        cells = [QgsGeometry(p.clone()) for p in diagram.constParts()]
        lines = points.voronoiDiagram(envelope, 0.0, True)
        edges = [QgsGeometry(p.clone()) for p in lines.constParts()]
    from scipy.spatial import cKDTree

    tree = cKDTree(sites)
    areas = []
    engine = QgsGeometry.createGeometryEngine(study.constGet())
    engine.prepareGeometry()
    for cell in cells:
        # the one site inside the cell: the nearest site to any interior point is the cell's own
        inside = cell.pointOnSurface().asPoint()
        _, site = tree.query((inside.x(), inside.y()))
        post = owners[int(site)]
        clipped = polygon_parts(cell.intersection(study))
        if clipped.isEmpty():
            continue
        vertices = np.array([(v.x(), v.y()) for v in clipped.vertices()], dtype=np.float64)
        far = float(_farthest(np.array([[posts[post].x, posts[post].y]]), vertices)[0])
        areas.append(Area(post, clipped, far / speed))
    by_pair: Dict[Tuple[int, int], List[QgsGeometry]] = defaultdict(list)
    for edge in edges:
        mid = edge.interpolate(edge.length() / 2).asPoint()
        _, (i, j) = tree.query((mid.x(), mid.y()), k=2)
        a, b = owners[int(i)], owners[int(j)]
        if posts[a].side == posts[b].side:
            continue
        if posts[a].side == 1:
            a, b = b, a
        if engine.intersects(edge.constGet()):
            by_pair[(a, b)].extend(_line_parts(edge.intersection(study)))
    handover = [Handover(a, b, _merged(lines)) for (a, b), lines in sorted(by_pair.items()) if lines]
    areas.sort(key=lambda area: order.index(area.post))
    return areas, handover


# --- over the cost grid -------------------------------------------------------------------------


@dataclass
class GapPoints:
    """Where a gap's worst time is looked for on the grid: its hull vertices (exact positions,
    first) and the centres of the cells inside it; ``cells`` (flat) holds each point, and
    ``offset`` (equivalent metres) is the cost from that cell's centre to the point."""

    xy: np.ndarray
    cells: np.ndarray
    offset: np.ndarray
    vertices: int

    def values(self, field_m: np.ndarray) -> np.ndarray:
        """Grid times (equivalent metres) at the points, from a flat field of the whole grid."""
        return field_m[self.cells] + self.offset


def gap_points(grid: Grid, cost: np.ndarray, gap: QgsGeometry) -> GapPoints:
    vertices = gap_vertices(gap)
    inside = costgrid.cells_inside(grid, gap)
    rows, cols = grid.cells_of(vertices)
    vertex_cells = rows * grid.cols + cols
    centres = grid.xy_of(rows, cols)
    offset = cost.ravel()[vertex_cells] * np.hypot(*(vertices - centres).T)
    xy = np.vstack((vertices, grid.xy_of(inside // grid.cols, inside % grid.cols)))
    return GapPoints(
        xy, np.concatenate((vertex_cells, inside)), np.concatenate((offset, np.zeros(len(inside)))), len(vertices)
    )


@dataclass
class ForceField:
    """One multi-source search of a side's posts: equivalent metres from the nearest post to every
    cell (flat, float64) and that post's index into the posts (flat, int32, -1: not reached)."""

    metres: np.ndarray
    post: np.ndarray


def post_offsets(grid: Grid, cost: np.ndarray, posts: Sequence[Post], ids: Sequence[int]) -> np.ndarray:
    """Equivalent metres from each post to the centre of its cell, where its searches start: added
    to every grid time so that each is the cost of a real path from the post itself."""
    xy = np.array([(posts[i].x, posts[i].y) for i in ids], dtype=np.float64).reshape(-1, 2)
    rows, cols = grid.cells_of(xy)
    return cost[rows, cols] * np.hypot(*(xy - grid.xy_of(rows, cols)).T)


def force_field(grid: Grid, cost: np.ndarray, posts: Sequence[Post], ids: Sequence[int]) -> ForceField:
    """One search from all the posts ``ids`` (of one side, canonical order) at once."""
    cells = [grid.cell_of(posts[i].x, posts[i].y) for i in ids]
    cumulative, labels = costgrid.multi_source_search(cost, cells)
    metres = cumulative.ravel()
    metres *= grid.cell
    labels = labels.ravel()
    reached = labels >= 0
    metres[reached] += post_offsets(grid, cost, posts, ids)[labels[reached]]
    index = np.asarray(list(ids) + [-1], dtype=np.int32)
    return ForceField(metres, index[labels])  # label -1 reads the appended -1


def refined_worst(
    grid: Grid, cost: np.ndarray, post: Post, points: np.ndarray, values: np.ndarray, vertices: int
) -> float:
    """The worst time (equivalent metres) from ``post`` over ``points`` when each point is reached
    by the better of its grid path (``values``; ``inf`` where unknown) and the straight line from
    the post (its cost over the raster, costgrid.straight_costs). Both are real paths, so the
    result is never below the true least cost, and on open ground the straight line makes it
    exact (an 8-connected grid path runs up to OCTILE_EXCESS = 8.2 % longer).

    Straight lines are measured only where they can matter: at the hull vertices and the
    grid-worst point first, then at the points whose grid time exceeds the worst found so far
    (a point's time never exceeds its grid time).
    """
    origin = (post.x, post.y)
    first = sorted(set(range(vertices)) | {int(np.argmax(values))})
    best = float(np.max(np.minimum(values[first], costgrid.straight_costs(grid, cost, origin, points[first]))))
    rest = np.flatnonzero(values > best)
    if len(rest):
        refined = np.minimum(values[rest], costgrid.straight_costs(grid, cost, origin, points[rest]))
        best = max(best, float(refined.max()))
    return best


@dataclass
class _GapState:
    values: np.ndarray  # nearest-post grid times at the gap's points
    own: np.ndarray  # the nearest post of each point
    bound: Dict[int, float]  # candidate (index into the side's posts) -> lower bound of its worst time
    tight: set = field(default_factory=set)  # candidates whose bound uses straight lines too
    ceiling: float = math.inf  # the answer is no worse than this (see _Rounds._ceiling)
    best: Tuple[float, float, int] = (math.inf, math.inf, -1)  # (worst time, rank, post)


class _Rounds:
    """The exact minimax, for one side, of the times refined_worst gives: for each gap the post
    whose worst point is reached soonest.

    Bounds: a post q's worst time on G is at least c_min · (distance from q to G's farthest
    vertex), c_min the cheapest cost per metre of the grid (every path costs that much per metre
    at least); and at least, at each point x, the smaller of the nearest post's grid time there
    (no grid path of q is shorter) and q's straight-line cost to x, taken at the hull vertices and
    the nearest-post worst point for the candidates the first bound leaves. The answer is at most
    the ceiling: for a post nearest somewhere on G, the worst of its grid times where it is
    nearest and its straight lines elsewhere.

    Candidates are tried in order of their bound until none is below the best time found (nor
    above the ceiling). A candidate nearest at every point of G has its grid times from the
    multi-source search already; any other is searched from alone, and that search stops once the
    key cells of all the gaps it is a candidate for are reached (scikit-image's ends): Dijkstra's
    order makes every grid time up to the stopping cost S exact, and beyond S a point's time is
    its straight line when that costs less than S; only if neither settles it does the search go
    on to the points in doubt. One search of a post serves every gap it is a candidate for.
    """

    def __init__(self, grid, cost, posts, ids, points, field_: ForceField, rank):
        self.grid, self.cost, self.posts, self.ids, self.points = grid, cost, posts, list(ids), points
        self.field = field_
        self.rank = rank
        self.c_min = float(np.min(cost[np.isfinite(cost)]))
        self.offsets = post_offsets(grid, cost, posts, ids)
        self.xy = np.array([(posts[i].x, posts[i].y) for i in ids], dtype=np.float64).reshape(-1, 2)
        self.searches = 0
        self.state: Dict[int, _GapState] = {}
        self.search = LeastCostSearch(cost, bounded=True)  # set up once, run from each candidate

    def _order(self, k: int) -> int:
        return self.rank[self.ids[k]]

    def _offer(self, g: int, k: int, worst: float) -> None:
        state = self.state[g]
        state.bound.pop(k, None)
        if (worst, self._order(k)) < state.best[:2]:
            state.best = (worst, self._order(k), self.ids[k])

    def _tighten(self, g: int) -> None:
        """The second bound (see the class) for every candidate of ``g`` still without it."""
        state, pts = self.state[g], self.points[g]
        key = sorted(set(range(pts.vertices)) | {int(np.argmax(state.values))})
        loose = [k for k in state.bound if k not in state.tight]
        if not loose:
            return
        starts = np.repeat(self.xy[loose], len(key), axis=0)
        straight = costgrid.segment_costs(self.grid, self.cost, starts, np.tile(pts.xy[key], (len(loose), 1)))
        straight = straight.reshape(len(loose), len(key))
        tight = np.max(np.minimum(state.values[key][None, :], straight), axis=1)
        for n, k in enumerate(loose):
            state.bound[k] = max(state.bound[k], float(tight[n]))
            state.tight.add(k)

    def _candidate(self, g: int, k: int) -> bool:
        state = self.state[g]
        # the ceiling and a bound can be the same time measured in two ways (a straight line on
        # open ground): a rounding's worth above the ceiling still counts
        return (
            k in state.bound and state.bound[k] < state.best[0] and state.bound[k] <= state.ceiling * (1 + 1e-9) + 1e-6
        )

    def _ceiling(self, g: int) -> float:
        """An upper bound of the answer on ``g``: for each post nearest somewhere on the gap, the
        worst of its grid times where it is nearest and its straight lines elsewhere."""
        state, pts = self.state[g], self.points[g]
        ceiling = math.inf
        for post in np.unique(state.own):
            if post < 0:
                continue
            mine = state.own == post
            worst = float(state.values[mine].max())
            if not mine.all():
                origin = (self.posts[post].x, self.posts[post].y)
                worst = max(worst, float(costgrid.straight_costs(self.grid, self.cost, origin, pts.xy[~mine]).max()))
            ceiling = min(ceiling, worst)
        return ceiling

    def settle(self, is_canceled: CancelFn, progress: ProgressFn) -> Dict[int, Tuple[float, int]]:
        metres, labels = self.field.metres, self.field.post
        for g, pts in self.points.items():
            values = pts.values(metres)
            bound = self.c_min * _farthest(self.xy, pts.xy[: pts.vertices])
            self.state[g] = _GapState(values, labels[pts.cells], {k: float(b) for k, b in enumerate(bound)})
            self.state[g].ceiling = self._ceiling(g)
        pending = set(self.state)
        total = max(1, len(pending))
        while pending:
            if is_canceled():
                return {}
            wanted: Dict[int, List[int]] = defaultdict(list)
            for g in sorted(pending):
                state = self.state[g]
                while True:
                    state.bound = {k: b for k, b in state.bound.items() if self._candidate(g, k)}
                    if not state.bound:
                        pending.discard(g)
                        break
                    k = min(state.bound, key=lambda k: (state.bound[k], self._order(k)))
                    if k not in state.tight:
                        self._tighten(g)
                        continue
                    if np.all(state.own == self.ids[k]):  # its grid times are the nearest-post ones
                        pts = self.points[g]
                        self._offer(
                            g,
                            k,
                            refined_worst(
                                self.grid, self.cost, self.posts[self.ids[k]], pts.xy, state.values, pts.vertices
                            ),
                        )
                        continue
                    wanted[k].append(g)
                    break
            for k in sorted(wanted, key=self._order):
                self._search(k, [g for g in sorted(pending) if self._candidate(g, k)])
                if is_canceled():
                    return {}
            progress(1 - len(pending) / total)
        return {g: (s.best[0], s.best[2]) for g, s in self.state.items() if s.best[2] >= 0}

    def _search(self, k: int, gaps: List[int]) -> None:
        """One search from candidate ``k`` alone for the pending ``gaps`` it is a candidate for,
        bounded by the worst answer any of them can have and stopped once the key cells (hull
        vertices and nearest-post worst point) of all of them are reached; its worst time is
        offered on each gap that search settles, and it goes on (a new run with more ends) only
        for the gaps with points still in doubt (see the class)."""
        if not gaps:  # an earlier search of this round left it no gap to answer for
            return
        grid = self.grid
        post = self.posts[self.ids[k]]
        start = grid.cell_of(post.x, post.y)
        ends = set()
        for g in gaps:
            pts, state = self.points[g], self.state[g]
            ends.update(pts.cells[: pts.vertices].tolist() + [int(pts.cells[np.argmax(state.values)])])
        # no time above the worst answer any of these gaps can have matters
        limit = max(min(self.state[g].best[0], self.state[g].ceiling) for g in gaps)
        while gaps:
            cells = sorted(ends)
            cumulative = self.search.run([start], [divmod(c, grid.cols) for c in cells], limit / grid.cell)
            cumulative = cumulative.ravel()
            self.searches += 1
            # Dijkstra's order: every cell up to where the search stopped (the last end, or the
            # limit) holds its final cost; a rounding's worth above still counts (the two searches
            # add the same costs in other orders)
            stop = min(float(cumulative[cells].max()) * grid.cell, limit)
            certain = stop * (1 + 1e-9) + 1e-6
            again = []
            for g in gaps:
                doubt = self._settle_from(g, k, cumulative, stop, certain)
                if doubt is not None:
                    again.append(g)  # search on until the points in doubt are reached too
                    ends.update(doubt.tolist())
            gaps = again

    def _settle_from(self, g: int, k: int, cumulative: np.ndarray, stop: float, certain: float) -> Optional[np.ndarray]:
        """Offer candidate ``k`` on gap ``g`` from a search that stopped at cost ``stop``, or drop it
        (None); when neither can be decided yet, the cells in doubt, which the search must reach."""
        grid, pts, state = self.grid, self.points[g], self.state[g]
        post = self.posts[self.ids[k]]
        origin = (post.x, post.y)
        target = min(state.best[0], state.ceiling)
        raw = cumulative[pts.cells] * grid.cell
        base = self.offsets[k] + pts.offset
        values = raw + base  # inf where the search did not reach
        unknown = raw > certain
        # first the cheap bound: a point's time is at least the smaller of its grid time (at least
        # the stop where unknown) and c_min × its distance
        floor = np.where(unknown, stop + base, values)
        distance = np.hypot(pts.xy[:, 0] - post.x, pts.xy[:, 1] - post.y)
        if float(np.max(np.minimum(floor, self.c_min * distance))) > target * (1 + 1e-9) + 1e-6:
            state.bound.pop(k, None)  # worse than the answer can be somewhere: cannot answer
            return None
        # then the straight lines to the key points (hull vertices, nearest-post worst point) only
        key = sorted(set(range(pts.vertices)) | {int(np.argmax(state.values))})
        straight_key = costgrid.straight_costs(grid, self.cost, origin, pts.xy[key])
        if float(np.max(np.minimum(floor[key], straight_key))) > target * (1 + 1e-9) + 1e-6:
            state.bound.pop(k, None)
            return None
        upper = refined_worst(grid, self.cost, post, pts.xy, values, pts.vertices)
        unknown = np.flatnonzero(unknown)
        uncertain = unknown
        if len(unknown):
            straight = costgrid.straight_costs(grid, self.cost, origin, pts.xy[unknown])
            uncertain = unknown[straight > stop + base[unknown]]
        if not len(uncertain):  # where the grid time is unknown the straight line is cheaper
            self._offer(g, k, upper)
            return None
        known = values.copy()
        known[uncertain] = 0.0
        lower = max(
            refined_worst(grid, self.cost, post, pts.xy, known, pts.vertices),
            float((stop + base[uncertain]).max()),
        )
        if upper <= lower * (1 + 1e-9) + 1e-6:
            self._offer(g, k, upper)
            return None
        if lower >= target:
            state.bound.pop(k, None)
            return None
        return pts.cells[uncertain]


def grid_answers(
    grid: Grid,
    cost: np.ndarray,
    posts: Sequence[Post],
    order: Sequence[int],
    gaps: Sequence[Optional[QgsGeometry]],
    fields: Sequence[ForceField],
    speed_kmh: float,
    progress: ProgressFn = lambda f: None,
    is_canceled: CancelFn = lambda: False,
) -> Tuple[List[Optional[GapAnswer]], int]:
    """Each gap's answering post per side over the grid (exact minimax of refined_worst, see
    _Rounds) and the single-post searches that took."""
    speed = metres_per_minute(speed_kmh)
    rank = {i: n for n, i in enumerate(order)}
    points = {g: gap_points(grid, cost, gap) for g, gap in enumerate(gaps) if gap is not None}
    answers: List[Optional[GapAnswer]] = [GapAnswer() if gap is not None else None for gap in gaps]
    searches = 0
    for s in SIDES:
        ids = [i for i in order if posts[i].side == s]
        if not ids:
            continue
        rounds = _Rounds(grid, cost, posts, ids, points, fields[s], rank)
        settled = rounds.settle(is_canceled, lambda f, s=s: progress((s + f) / 2))
        searches += rounds.searches
        for g, (worst, post) in settled.items():
            answers[g].post[s], answers[g].minutes[s] = post, worst / speed
    return answers, searches


BAND_REACH = 4  # cells: how far the nearest post of a force is looked for around a cell near the handover


def _refine_band(
    grid: Grid, cost: np.ndarray, posts: Sequence[Post], order: Sequence[int], fields: Sequence[ForceField]
) -> Tuple[List[np.ndarray], List[np.ndarray]]:
    """Both sides' times and nearest posts (flat copies), refined near the handover.

    Near the handover (the cells where the two sides' times are within the grid's 8.2 % and two
    cells of each other) each side's time becomes the better of its grid time and the straight
    line from any post of that side nearest within BAND_REACH cells (the grid's boundaries
    between posts of one force follow 8-connected times, a few cells off the straight-line
    ones), and its nearest post the one that gives it. The handover line then follows true times
    on open ground, also where it passes from one pair of posts to the next. Equal times go to
    the post earlier in ``order`` (canonical_order), so the result does not depend on the layer's.
    """
    a, b = fields[0].metres, fields[1].metres
    flat_cost = cost.ravel()
    with np.errstate(invalid="ignore"):
        band = np.flatnonzero(
            np.isfinite(a)
            & np.isfinite(b)
            & (np.abs(a - b) <= OCTILE_EXCESS * np.maximum(a, b) + 2 * grid.cell * flat_cost)
        )
    times, labels = [a.copy(), b.copy()], [fields[0].post.copy(), fields[1].post.copy()]
    if not len(band):
        return times, labels
    rows, cols = band // grid.cols, band % grid.cols
    xy = grid.xy_of(rows, cols)
    reach = range(-BAND_REACH, BAND_REACH + 1)
    rank = np.empty(len(posts), dtype=np.int64)
    rank[list(order)] = np.arange(len(order))
    for s in SIDES:
        # every (band cell, post nearest somewhere around it) pair, once
        around = [
            fields[s].post[np.clip(rows + dr, 0, grid.rows - 1) * grid.cols + np.clip(cols + dc, 0, grid.cols - 1)]
            for dr in reach
            for dc in reach
        ]
        candidates = np.stack(around, axis=1)
        n_posts = len(posts) + 1
        keys = np.unique((np.arange(len(band))[:, None] * n_posts + (candidates + 1)).ravel())
        which, post = keys // n_posts, keys % n_posts - 1
        keep = post >= 0
        which, post = which[keep], post[keep]
        starts = np.array([(p.x, p.y) for p in posts], dtype=np.float64)[post]
        straight = costgrid.segment_costs(grid, cost, starts, xy[which])
        own = post == labels[s][band][which]
        straight[own] = np.minimum(straight[own], times[s][band][which][own])
        # the cheapest per cell: sort by (cell, time, canonical rank) and take each cell's first
        by = np.lexsort((rank[post], straight, which))
        first = by[np.r_[True, which[by][1:] != which[by][:-1]]]
        cells = band[which[first]]
        better = straight[first] < times[s][cells]
        times[s][cells[better]] = straight[first][better]
        labels[s][cells[better]] = post[first][better]
    return times, labels


def _shapes_by_value(grid: Grid, values: np.ndarray, mask: np.ndarray) -> Dict[int, QgsGeometry]:
    """The polygons of equal ``values`` (rasterio.features.shapes), dissolved per value."""
    import rasterio.features

    pieces: Dict[int, List[QgsGeometry]] = defaultdict(list)
    for shape, value in rasterio.features.shapes(values, mask=mask, connectivity=4, transform=grid.transform):
        rings = [[QgsPointXY(x, y) for x, y in ring] for ring in shape["coordinates"]]
        pieces[int(value)].append(QgsGeometry.fromPolygonXY(rings))
    return {value: QgsGeometry.unaryUnion(parts) for value, parts in pieces.items()}


def _contour_lines(
    grid: Grid, difference: np.ndarray, valid: np.ndarray, nearest_post: Sequence[np.ndarray]
) -> Dict[Tuple[int, int], List[QgsGeometry]]:
    """The zero line of (time of A − time of B) between cell centres (marching squares,
    skimage.measure.find_contours), cut where the pair of nearest posts changes."""
    from skimage.measure import find_contours

    image = np.where(valid, difference, 0.0).reshape(grid.rows, grid.cols)
    by_pair: Dict[Tuple[int, int], List[QgsGeometry]] = defaultdict(list)
    for contour in find_contours(image, 0.0, mask=valid.reshape(grid.rows, grid.cols)):
        if len(contour) < 2:
            continue
        mid = (contour[1:] + contour[:-1]) / 2
        rows = np.clip(np.rint(mid[:, 0]).astype(np.intp), 0, grid.rows - 1)
        cols = np.clip(np.rint(mid[:, 1]).astype(np.intp), 0, grid.cols - 1)
        flat = rows * grid.cols + cols
        pairs = np.column_stack((nearest_post[0][flat], nearest_post[1][flat]))
        xy = grid.xy_of(contour[:, 0], contour[:, 1])
        cuts = np.flatnonzero(np.any(pairs[1:] != pairs[:-1], axis=1)) + 1
        for start, end in zip(np.r_[0, cuts], np.r_[cuts, len(pairs)]):
            line = QgsGeometry.fromPolylineXY([QgsPointXY(x, y) for x, y in xy[start : end + 1]])
            if line.length() > 0:
                by_pair[(int(pairs[start, 0]), int(pairs[start, 1]))].append(line)
    return by_pair


def grid_areas(
    grid: Grid,
    cost: np.ndarray,
    posts: Sequence[Post],
    order: Sequence[int],
    study: QgsGeometry,
    fields: Sequence[ForceField],
    speed_kmh: float,
    is_canceled: CancelFn = lambda: False,
) -> Tuple[List[Area], List[Handover]]:
    """The areas each post reaches first over the grid (cells labelled by the nearer side's
    nearest post, polygonised and clipped to ``study``; farthest time refined as in
    refined_worst) and the handover lines (the zero line of the two sides' refined times)."""
    speed = metres_per_minute(speed_kmh)
    times, nearest_post = _refine_band(grid, cost, posts, order, fields)
    if is_canceled():
        return [], []
    with np.errstate(invalid="ignore"):
        difference = times[0] - times[1]
    first_a = ~(difference > 0)  # ties and cells only A reaches go to A
    owner = np.where(first_a, nearest_post[0], nearest_post[1]).astype(np.int32)
    nearest = np.where(first_a, times[0], times[1])
    inside = costgrid.burn(grid, [study], all_touched=True).ravel() & (owner >= 0)
    shapes = _shapes_by_value(grid, owner.reshape(grid.rows, grid.cols), inside.reshape(grid.rows, grid.cols))
    flat_cost = cost.ravel()
    areas = []
    for post in sorted(shapes, key=lambda p: order.index(p)):
        if is_canceled():
            return [], []
        clipped = polygon_parts(shapes[post].intersection(study))
        if clipped.isEmpty():
            continue
        cells = np.flatnonzero(inside & (owner == post))
        vertices = gap_vertices(clipped)
        rows, cols = grid.cells_of(vertices)
        vertex_cells = rows * grid.cols + cols
        offset = flat_cost[vertex_cells] * np.hypot(*(vertices - grid.xy_of(rows, cols)).T)
        points = np.vstack((vertices, grid.xy_of(cells // grid.cols, cells % grid.cols)))
        values = np.concatenate((nearest[vertex_cells] + offset, nearest[cells]))
        worst = refined_worst(grid, cost, posts[post], points, values, len(vertices))
        areas.append(Area(post, clipped, worst / speed))
    valid = np.isfinite(difference)
    handover = []
    for (a, b), lines in sorted(_contour_lines(grid, difference, valid, nearest_post).items()):
        if a < 0 or b < 0:
            continue
        parts = [p for line in lines for p in _line_parts(line.intersection(study))]
        if parts:
            handover.append(Handover(a, b, _merged(parts)))
    return areas, handover


# --- links and the whole ------------------------------------------------------------------------


def gap_links(
    gaps: Sequence[QgsGeometry],
    answers: Sequence[Optional[GapAnswer]],
    handover: Sequence[Handover],
    posts: Sequence[Post],
    max_minutes: float,
) -> List[Link]:
    """The pairs of posts of the two forces that share a gap: both answer it within
    ``max_minutes``, or the handover line between them crosses it (runs inside it)."""
    shared: Dict[Tuple[int, int], set] = defaultdict(set)
    for g, answer in enumerate(answers):
        if answer is None or None in answer.post:
            continue
        if all(m is not None and m <= max_minutes for m in answer.minutes):
            shared[(answer.post[0], answer.post[1])].add(g)
    index = QgsSpatialIndex()
    for g, gap in enumerate(gaps):
        if gap is not None and answers[g] is not None:
            index.addFeature(g, gap.boundingBox())
    for line in handover:
        for g in index.intersects(line.geometry.boundingBox()):
            if line.geometry.intersects(gaps[g]) and line.geometry.intersection(gaps[g]).length() > 0:
                shared[(line.post_a, line.post_b)].add(g)
    links = []
    for (a, b), members in sorted(shared.items()):
        members = sorted(members)
        links.append(
            Link(
                a,
                b,
                members,
                sum(gaps[g].area() for g in members),
                math.hypot(posts[a].x - posts[b].x, posts[a].y - posts[b].y),
            )
        )
    return links


def coordinate(
    gaps: Sequence[Optional[QgsGeometry]],
    posts: Sequence[Post],
    study: QgsGeometry,
    speed_kmh: float,
    max_minutes: float,
    grid: Optional[Grid] = None,
    cost: Optional[np.ndarray] = None,
    progress: ProgressFn = lambda f: None,
    is_canceled: CancelFn = lambda: False,
    log: LogFn = lambda text: None,
) -> Optional[Coordination]:
    """Who answers for each gap (None entries: gaps left out), the posts' areas, the handover
    line and the links. Straight-line travel at ``speed_kmh`` without ``grid``/``cost``; with
    them, ``cost`` is the cost per metre relative to open flat ground crossed at ``speed_kmh``.
    Returns None when canceled."""
    order = canonical_order(posts)
    if grid is None:
        answers = straight_line_answers(gaps, posts, order, speed_kmh)
        progress(0.4)
        if is_canceled():
            return None
        areas, handover = straight_line_areas(posts, order, study, speed_kmh)
        result = Coordination(answers, areas, handover)
    else:
        fields = []
        for s in SIDES:
            ids = [i for i in order if posts[i].side == s]
            fields.append(force_field(grid, cost, posts, ids))
            log(f"Search from the {len(ids)} post(s) of force {'AB'[s]} at once: done.")
            progress(0.15 * (s + 1))
            if is_canceled():
                return None
        answers, searches = grid_answers(
            grid, cost, posts, order, gaps, fields, speed_kmh, lambda f: progress(0.3 + 0.4 * f), is_canceled
        )
        if is_canceled():
            return None
        log(f"{searches} bounded single-post search(es) settled the gaps two posts' areas share.")
        areas, handover = grid_areas(grid, cost, posts, order, study, fields, speed_kmh, is_canceled)
        result = Coordination(answers, areas, handover, searches=searches + 2)
    if is_canceled():
        return None
    progress(0.9)
    result.links = gap_links(gaps, result.answers, result.handover, posts, max_minutes)
    return result


# --- inputs -------------------------------------------------------------------------------------


def _norm(value) -> str:
    return "" if value is None or str(value) == "NULL" else str(value).strip().casefold()


def check_forces(values: Sequence, layer_name: str, field_name: str, force_a: Sequence[str], force_b: Sequence[str]):
    """Cheap checks of FORCE_A/FORCE_B against the ``values`` of the posts' force field: each
    given, on one side only, and held by at least one post (else the values there are listed)."""
    from .errors import BorderGapsError

    for key, wanted in (("FORCE_A", force_a), ("FORCE_B", force_b)):
        if not wanted:
            raise BorderGapsError(
                f"{key} is empty. Give the value(s) of FORCE_FIELD for that force, separated by commas."
            )
    both = {_norm(v) for v in force_a} & {_norm(v) for v in force_b}
    if both:
        raise BorderGapsError(
            f"The value(s) {', '.join(sorted(both))} are in both FORCE_A and FORCE_B. Each force value may "
            "belong to one side only."
        )
    present = sorted({str(v) for v in values if _norm(v)})
    listed = ", ".join(f"'{v}'" for v in present) or "none (the field is empty)"
    for key, wanted in (("FORCE_A", force_a), ("FORCE_B", force_b)):
        if not {_norm(v) for v in present} & {_norm(v) for v in wanted}:
            raise BorderGapsError(
                f"No post of force {key[-1]} ({key} = '{', '.join(wanted)}') in layer '{layer_name}', field "
                f"'{field_name}'. Values found there: {listed}. Set {key} to one or more of them, separated "
                "by commas."
            )


def side_of(value, force_a: Sequence[str], force_b: Sequence[str]) -> Optional[int]:
    """0 for a force-A value, 1 for force B, None for any other (compared ignoring case)."""
    norm = _norm(value)
    if norm in {_norm(v) for v in force_a}:
        return 0
    if norm in {_norm(v) for v in force_b}:
        return 1
    return None


def unique_labels(labels: Sequence[str], ids: Sequence[int]) -> List[str]:
    """``labels`` with the feature id added to any that occurs more than once, so that every post
    is told apart in the outputs."""
    seen: Dict[str, int] = defaultdict(int)
    for label in labels:
        seen[label] += 1
    return [f"{label} (#{fid})" if seen[label] > 1 else label for label, fid in zip(labels, ids)]


def default_study_area(gaps: Sequence[QgsGeometry], margin: float) -> QgsGeometry:
    """The gaps' bounding box grown by ``margin`` metres, as a polygon."""
    box = null_rectangle()
    for gap in gaps:
        box.combineExtentWith(gap.boundingBox())
    box.grow(margin)
    return QgsGeometry.fromRect(box)


def named_list(names: Sequence[str], limit: int = 12) -> str:
    """'a', 'b' and 3 more: a list of names short enough for one log line."""
    shown = ", ".join(f"'{n}'" for n in names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")
