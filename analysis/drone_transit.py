"""Drone transit around no-fly zones: the shortest flight between two points that never enters
the zones, on the visibility graph of the zones' corners (scipy.sparse.csgraph shortest paths).

The zones are first buffered by ``margin`` (so that a path never touches a zone), the buffer's
outline simplified by at most ``margin / 4`` (fewer corners to route around) and shrunk by
``CORE_EPS`` into the *core* that segments are tested against: a path may run along the
buffered outline, which stays at least 3/4 of the margin away from every zone. A shortest path
around polygons bends only at their convex corners, so only those are graph nodes.
"""

from typing import Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np
from qgis.core import QgsGeometry, QgsPointXY
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import shortest_path

from .siting import ring_edges

NO_FLY_MARGIN_M = 100.0
CORE_EPS = 1.0
_PAIRS_PER_BATCH = 1_000_000  # segment × edge (or × chunk) tests held in memory at once (~10 arrays of 8 MB)
EDGES_PER_CHUNK = 8  # consecutive ring edges under one box in EdgeIndex
_TABLE_CACHE_FLOATS = 4_000_000  # node_tables rows kept per transit (32 MB)


def _orient(ax, ay, bx, by, cx, cy):
    return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax)


class NoFlyTransit:
    """Shortest transit distances and paths in a metric CRS, avoiding ``zones`` (a polygon
    geometry, or None for open sky). Points are (n, 2) arrays of x, y in metres."""

    def __init__(
        self,
        zones: Optional[QgsGeometry],
        margin: float = NO_FLY_MARGIN_M,
        is_canceled: Callable[[], bool] = lambda: False,
    ):
        self.margin = float(margin)
        self.zones = zones if zones is not None and not zones.isEmpty() else None
        self.nodes = np.zeros((0, 2))
        self.edges = np.zeros((0, 4))
        self.graph = np.zeros((0, 0))
        self._pred = np.zeros((0, 0), dtype=np.int32)
        self.blocked = None
        self._edge_index = EdgeIndex(self.edges)
        self._tables: Dict[bytes, Tuple[np.ndarray, np.ndarray]] = {}  # point -> node_tables rows
        if self.zones is None:
            return
        buffered = self.zones.buffer(self.margin, 8)
        simplified = buffered.simplify(self.margin / 4)
        if simplified.isEmpty() or not simplified.isGeosValid():
            simplified = buffered
        self.blocked = simplified
        core = simplified.buffer(-CORE_EPS, 2)
        self.edges = ring_edges(core) if not core.isEmpty() else np.zeros((0, 4))
        self._edge_index = EdgeIndex(self.edges)
        self.nodes = _convex_corners(simplified)
        self._build_graph(is_canceled)

    # -- the graph -------------------------------------------------------------------------------
    def _build_graph(self, is_canceled):
        n = len(self.nodes)
        if n == 0:
            return
        i, j = np.triu_indices(n, 1)
        clear = np.ones(i.size, dtype=bool)
        step = max(1, _PAIRS_PER_BATCH // max(len(self.edges), 1))
        for start in range(0, i.size, step):
            if is_canceled():
                return
            s = slice(start, start + step)
            clear[s] = ~self.segments_blocked(self.nodes[i[s]], self.nodes[j[s]])
        i, j = i[clear], j[clear]
        length = np.hypot(*(self.nodes[i] - self.nodes[j]).T)
        # csgraph drops explicit zeros: coincident corners are joined at a tiny positive length
        adjacency = csr_matrix((np.maximum(length, 1e-9), (i, j)), shape=(n, n))
        self.graph, self._pred = shortest_path(adjacency, method="D", directed=False, return_predecessors=True)

    def segments_blocked(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """True for each segment a[k]–b[k] that meets the core of the zones (endpoints must lie
        outside the core: a segment wholly inside it would cross no edge)."""
        return self._edge_index.segments_meet(a, b)

    # -- queries ---------------------------------------------------------------------------------
    def inside_blocked(self, points: np.ndarray) -> np.ndarray:
        """True for each point inside the buffered zones (where no flight may start or end)."""
        points = np.asarray(points, dtype=float).reshape(-1, 2)
        if self.blocked is None:
            return np.zeros(len(points), dtype=bool)
        engine = QgsGeometry.createGeometryEngine(self.blocked.constGet())
        engine.prepareGeometry()
        geoms = [QgsGeometry.fromPointXY(QgsPointXY(x, y)) for x, y in points]  # held while borrowed
        return np.array([engine.intersects(g.constGet()) for g in geoms], dtype=bool)

    def node_tables(self, points: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
        """For each point, two (n, V) tables: the straight distance to every graph node it sees
        (inf where the zones block the way), and the shortest transit distance to every node."""
        points = np.asarray(points, dtype=float).reshape(-1, 2)
        v = len(self.nodes)
        if v == 0:
            empty = np.zeros((len(points), 0))
            return empty, empty
        # the planner asks again and again for the same points (lane ends, the points its search for
        # partial lanes tries): each point's rows are kept, and computed once
        keys = [point.tobytes() for point in points]
        known = {key: self._tables[key] for key in keys if key in self._tables}
        missing = list(dict.fromkeys(key for key in keys if key not in known))
        if missing:
            fresh = self._compute_tables(np.frombuffer(b"".join(missing), dtype=float).reshape(-1, 2))
            known.update((key, (fresh[0][r].copy(), fresh[1][r].copy())) for r, key in enumerate(missing))
            room = max(1, _TABLE_CACHE_FLOATS // (2 * v))
            for key in missing[-room:]:
                if len(self._tables) >= room:
                    del self._tables[next(iter(self._tables))]  # the oldest first
                self._tables[key] = known[key]
        direct = np.array([known[key][0] for key in keys]).reshape(len(points), v)
        closed = np.array([known[key][1] for key in keys]).reshape(len(points), v)
        return direct, closed

    def _compute_tables(self, points):
        v = len(self.nodes)
        p = np.repeat(points, v, axis=0)
        q = np.tile(self.nodes, (len(points), 1))
        direct = np.hypot(*(p - q).T)
        direct[self.segments_blocked(p, q)] = np.inf
        direct = direct.reshape(len(points), v)
        closed = np.empty_like(direct)
        step = max(1, 2_000_000 // (v * v))
        for start in range(0, len(points), step):
            block = direct[start : start + step]
            closed[start : start + step] = (block[:, :, None] + self.graph[None, :, :]).min(axis=1)
        return direct, closed

    def distances(
        self,
        a: np.ndarray,
        b: np.ndarray,
        a_closed: Optional[np.ndarray] = None,
        b_direct: Optional[np.ndarray] = None,
    ) -> np.ndarray:
        """Transit distance of each pair a[k]–b[k] (inf when no path avoids the zones).
        ``a_closed`` and ``b_direct``: the points' node_tables rows, when the caller has them."""
        a = np.asarray(a, dtype=float).reshape(-1, 2)
        b = np.asarray(b, dtype=float).reshape(-1, 2)
        out = np.hypot(*(a - b).T)
        if self.blocked is None or not len(a):
            return out
        blocked = np.flatnonzero(self.segments_blocked(a, b))
        if not blocked.size:
            return out
        if not len(self.nodes):
            out[blocked] = np.inf
            return out
        closed = a_closed[blocked] if a_closed is not None else self.node_tables(a[blocked])[1]
        direct = b_direct[blocked] if b_direct is not None else self.node_tables(b[blocked])[0]
        out[blocked] = (closed + direct).min(axis=1)
        return out

    def path(self, a: Sequence[float], b: Sequence[float]) -> List[Tuple[float, float]]:
        """The shortest transit from a to b as a list of (x, y), a and b included."""
        a, b = (float(a[0]), float(a[1])), (float(b[0]), float(b[1]))
        if self.blocked is None or not self.segments_blocked(np.array([a]), np.array([b]))[0]:
            return [a, b]
        if not len(self.nodes):
            raise ValueError("no transit path between the two points avoids the no-fly zones")
        da = self.node_tables(np.array([a]))[0][0]
        db = self.node_tables(np.array([b]))[0][0]
        total = da[:, None] + self.graph + db[None, :]
        i, j = np.unravel_index(int(np.argmin(total)), total.shape)
        if not np.isfinite(total[i, j]):
            raise ValueError("no transit path between the two points avoids the no-fly zones")
        chain = [j]
        while chain[-1] != i:
            chain.append(int(self._pred[i, chain[-1]]))
        return [a] + [tuple(self.nodes[k]) for k in reversed(chain)] + [b]


class EdgeIndex:
    """Which segments meet any of ``edges`` ((n, 4) array of x1, y1, x2, y2), with the same
    booleans as testing every segment against every edge (touching counts as meeting).

    The edges are cut into chunks of EDGES_PER_CHUNK consecutive ones (neighbours along a ring,
    so a chunk's bounding box is small). A segment is tested exactly only against the edges of
    the chunks whose box it may meet: a box is ruled out when it lies beyond the segment's own
    box, or wholly on one side of the segment's line (the separating axes of a segment and a
    box; visibility-graph segments are long and slanted, and their boxes overlap most chunks').
    The side test keeps a margin far above rounding error, so that a chunk is ruled out only
    when the exact test would find no edge of it meeting the segment.
    """

    def __init__(self, edges: np.ndarray):
        self.edges = np.asarray(edges, dtype=float).reshape(-1, 4)
        n = len(self.edges)
        self._box = (
            (
                self.edges[:, [0, 2]].min(),
                self.edges[:, [1, 3]].min(),
                self.edges[:, [0, 2]].max(),
                self.edges[:, [1, 3]].max(),
            )
            if n
            else None
        )
        chunks = -(-n // EDGES_PER_CHUNK)
        # padding edges are NaN: every comparison with them is false, so they never meet anything
        padded = np.full((chunks * EDGES_PER_CHUNK, 4), np.nan)
        padded[:n] = self.edges
        self._chunk_edges = padded.reshape(chunks, EDGES_PER_CHUNK, 4)
        xs, ys = self._chunk_edges[:, :, [0, 2]], self._chunk_edges[:, :, [1, 3]]
        self._chunk_box = (
            np.stack(
                [
                    np.nanmin(xs, axis=(1, 2)),
                    np.nanmin(ys, axis=(1, 2)),
                    np.nanmax(xs, axis=(1, 2)),
                    np.nanmax(ys, axis=(1, 2)),
                ]
            )
            if chunks
            else np.zeros((4, 0))
        )

    def segments_meet(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """True for each segment a[k]–b[k] that meets (crosses or touches) an edge."""
        a = np.asarray(a, dtype=float).reshape(-1, 2)
        b = np.asarray(b, dtype=float).reshape(-1, 2)
        out = np.zeros(len(a), dtype=bool)
        if self._box is None or not len(a):
            return out
        x0, y0, x1, y1 = self._box
        near = ~(
            (np.maximum(a[:, 0], b[:, 0]) < x0)
            | (np.minimum(a[:, 0], b[:, 0]) > x1)
            | (np.maximum(a[:, 1], b[:, 1]) < y0)
            | (np.minimum(a[:, 1], b[:, 1]) > y1)
        )
        idx = np.flatnonzero(near)
        step = max(1, _PAIRS_PER_BATCH // self._chunk_box.shape[1])
        for start in range(0, idx.size, step):
            k = idx[start : start + step]
            seg, chunk = self._candidate_chunks(a[k], b[k])
            hit = self._meet_chunk_edges(a[k[seg]], b[k[seg]], chunk)
            out[k[seg[hit]]] = True
        return out

    def _candidate_chunks(self, a, b):
        """(segment, chunk) index pairs whose box the segment may meet."""
        ax, ay = a[:, 0][:, None], a[:, 1][:, None]
        bx, by = b[:, 0][:, None], b[:, 1][:, None]
        x0, y0, x1, y1 = (row[None, :] for row in self._chunk_box)
        apart = (
            (np.maximum(ax, bx) < x0)
            | (np.minimum(ax, bx) > x1)
            | (np.maximum(ay, by) < y0)
            | (np.minimum(ay, by) > y1)
        )
        # _orient(a, b, q) is linear in q: over the box it ranges between its values at corners
        dx, dy = bx - ax, by - ay
        ty0, ty1 = dx * (y0 - ay), dx * (y1 - ay)
        tx0, tx1 = dy * (x0 - ax), dy * (x1 - ax)
        low = np.minimum(ty0, ty1) - np.maximum(tx0, tx1)
        high = np.maximum(ty0, ty1) - np.minimum(tx0, tx1)
        # rounding errs by ~1e-15 of this scale; the floor keeps the orientation products of a
        # ruled-out chunk's edges from underflowing to 0 (which the exact test reads as touching)
        scale = (np.abs(dx) + np.abs(dy)) * (
            np.maximum(np.abs(x0 - ax), np.abs(x1 - ax)) + np.maximum(np.abs(y0 - ay), np.abs(y1 - ay))
        )
        margin = 1e-9 * scale + 1e-140
        apart |= (low > margin) | (high < -margin)
        return np.nonzero(~apart)

    def _meet_chunk_edges(self, a, b, chunk):
        """For each pair (a[m]–b[m], chunk[m]): does the segment meet an edge of the chunk?"""
        hit = np.zeros(len(a), dtype=bool)
        step = max(1, _PAIRS_PER_BATCH // EDGES_PER_CHUNK)
        for start in range(0, len(a), step):
            s = slice(start, start + step)
            e = self._chunk_edges[chunk[s]]
            ax, ay = a[s, 0][:, None], a[s, 1][:, None]
            bx, by = b[s, 0][:, None], b[s, 1][:, None]
            cx, cy, dx, dy = e[:, :, 0], e[:, :, 1], e[:, :, 2], e[:, :, 3]
            boxes = (
                (np.maximum(ax, bx) >= np.minimum(cx, dx))
                & (np.minimum(ax, bx) <= np.maximum(cx, dx))
                & (np.maximum(ay, by) >= np.minimum(cy, dy))
                & (np.minimum(ay, by) <= np.maximum(cy, dy))
            )
            pair, edge = np.nonzero(boxes)
            ax, ay, bx, by = ax[pair, 0], ay[pair, 0], bx[pair, 0], by[pair, 0]
            cx, cy, dx, dy = cx[pair, edge], cy[pair, edge], dx[pair, edge], dy[pair, edge]
            o1 = _orient(ax, ay, bx, by, cx, cy)
            o2 = _orient(ax, ay, bx, by, dx, dy)
            o3 = _orient(cx, cy, dx, dy, ax, ay)
            o4 = _orient(cx, cy, dx, dy, bx, by)
            # touching counts as meeting: the core is already CORE_EPS inside the kept-clear outline
            meets = (o1 * o2 <= 0) & (o3 * o4 <= 0)
            hit[start + pair[meets]] = True
        return hit


def _convex_corners(polygon: QgsGeometry) -> np.ndarray:
    """Corners of ``polygon`` where it is locally convex (where a path can bend around it)."""
    corners = []
    polygons = polygon.asMultiPolygon() if polygon.isMultipart() else [polygon.asPolygon()]
    for rings in polygons:
        for index, ring in enumerate(rings):
            pts = np.array([(p.x(), p.y()) for p in ring], dtype=float)
            if len(pts) < 4:
                continue
            pts = pts[:-1]
            x, y = pts[:, 0], pts[:, 1]
            signed = 0.5 * np.sum(x * np.roll(y, -1) - np.roll(x, -1) * y)
            # the zone lies left of travel on a counter-clockwise shell and a clockwise hole
            if (signed < 0) == (index == 0):
                pts = pts[::-1]
            prev, nxt = np.roll(pts, 1, axis=0), np.roll(pts, -1, axis=0)
            turn = _orient(prev[:, 0], prev[:, 1], pts[:, 0], pts[:, 1], nxt[:, 0], nxt[:, 1])
            corners.append(pts[turn > 0])
    return np.vstack(corners) if corners else np.zeros((0, 2))
