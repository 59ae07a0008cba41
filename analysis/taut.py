"""Grid paths pulled taut, many at once: the same corners and the same straight segments as
corridors.straighten, one numpy pass per step of all the paths together instead of a Python
call per segment tried (corridors.straighten took 30 to 70 ms per route on a 2,500-cell path).

Two stages, as in straighten:
1. candidate corners: Douglas–Peucker at 0.75 cells, level by level over every path's open
   sections (the same furthest point as GEOS picks: the first point of strictly greatest
   distance, by the same arithmetic as GEOS's point-to-segment distance);
2. the pull: from each kept corner the farthest candidate whose straight segment costs no more
   than the run of the grid path it replaces, found by galloping then bisecting; where even the
   next candidate does not fit, the cells between are pulled one by one. Every path is a small
   state machine and all of them advance together, so each step tests one segment per path in
   one vectorised evaluation of the costs under the segments.
"""

from typing import Callable, List, Sequence

import numpy as np

from .costgrid import SAMPLES_PER_CELL

TOLERANCE = 0.75  # cells: the Douglas–Peucker tolerance of straighten's candidate corners
SLACK = 1e-9  # a straight segment "costs no more" within this relative (and absolute) slack


def _point_segment_distance(px, py, ax, ay, bx, by):
    """GEOS's Distance::pointToSegment, operation for operation (so ties break alike)."""
    dx, dy = bx - ax, by - ay
    len2 = dx * dx + dy * dy
    with np.errstate(invalid="ignore", divide="ignore"):
        r = ((px - ax) * dx + (py - ay) * dy) / len2
        s = ((ay - py) * dx - (ax - px) * dy) / len2
        inner = np.abs(s) * np.sqrt(len2)
    to_a = np.sqrt((px - ax) * (px - ax) + (py - ay) * (py - ay))
    to_b = np.sqrt((px - bx) * (px - bx) + (py - by) * (py - by))
    out = np.where(r <= 0.0, to_a, np.where(r >= 1.0, to_b, inner))
    return np.where(len2 == 0.0, to_a, out)


def corner_candidates(x: np.ndarray, y: np.ndarray, offsets: np.ndarray, tolerance: float = TOLERANCE) -> np.ndarray:
    """Douglas–Peucker over many polylines at once: a boolean over the concatenated vertices
    (polyline n is x[offsets[n]:offsets[n + 1]]), True for the vertices kept.

    Only the turns of each polyline take part: the distance to a segment is convex along a
    straight run, so a run's furthest point is one of its ends, and its first end where the
    distance is level (exact on integer cells: the cross products compare exactly)."""
    keep = np.zeros(len(x), dtype=bool)
    lengths = np.diff(offsets)
    firsts, lasts = offsets[:-1][lengths > 0], offsets[1:][lengths > 0] - 1
    keep[firsts] = True
    keep[lasts] = True
    turn = keep.copy()
    if len(x) > 2:
        dx, dy = np.diff(x), np.diff(y)
        turn[1:-1] |= (dx[1:] != dx[:-1]) | (dy[1:] != dy[:-1])
    pts = np.flatnonzero(turn)  # the vertices that take part, in order
    xs, ys = x[pts], y[pts]
    rank = np.cumsum(turn) - 1  # a taking-part vertex's index in pts
    lo, hi = rank[firsts], rank[lasts]
    wide = hi - lo >= 2
    lo, hi = lo[wide], hi[wide]
    while lo.size:
        inner = hi - lo - 1  # points strictly between each section's ends
        first_inner = np.cumsum(inner) - inner
        section = np.repeat(np.arange(lo.size, dtype=np.int32), inner)
        point = np.arange(section.size) + np.repeat(lo + 1 - first_inner, inner)
        ax, ay = xs[lo], ys[lo]
        sx, sy = xs[hi] - ax, ys[hi] - ay
        len2 = sx * sx + sy * sy
        root = np.sqrt(len2)
        px, py = xs[point], ys[point]
        ux, uy = px - ax[section], py - ay[section]
        dxs, dys, l2s = sx[section], sy[section], len2[section]
        with np.errstate(invalid="ignore", divide="ignore"):
            r = (ux * dxs + uy * dys) / l2s
            dist = np.abs((ux * dys - uy * dxs) / l2s) * root[section]
        # GEOS's point-to-segment distance: to an end where the foot falls outside the segment
        before = (r <= 0.0) | (l2s == 0.0)
        dist[before] = np.sqrt(ux[before] * ux[before] + uy[before] * uy[before])
        after = (r >= 1.0) & ~before
        vx, vy = px[after] - xs[hi][section[after]], py[after] - ys[hi][section[after]]
        dist[after] = np.sqrt(vx * vx + vy * vy)
        worst = np.maximum.reduceat(dist, first_inner)
        # the first point of the greatest distance, as GEOS's strict '>' scan finds it
        at_worst = np.where(dist == worst[section], point, len(xs))
        pick = np.minimum.reduceat(at_worst, first_inner)
        split = worst > tolerance
        pick = pick[split]
        keep[pts[pick]] = True
        lo, hi = np.concatenate((lo[split], pick)), np.concatenate((pick, hi[split]))
        wide = hi - lo >= 2
        lo, hi = lo[wide], hi[wide]
    return keep


# states of a path's pull
_CHECK, _GALLOP, _BISECT, _DONE = 0, 1, 2, 3


class _Fits:
    """Whether the straight segment between two cells of a path costs no more than the path
    between them (the cumulative cost along it), for many (path, i, j) at once: the samples of
    straighten's fits, summed in the same order."""

    def __init__(self, rows, cols, along, cost):
        self.rows, self.cols, self.along, self.cost = rows, cols, along, cost
        self.max_row, self.max_col = cost.shape[0] - 1, cost.shape[1] - 1

    CHUNK = 1_000_000  # samples evaluated at once (about 60 MB of temporaries)

    def __call__(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        length = np.hypot(self.rows[j] - self.rows[i], self.cols[j] - self.cols[i])
        samples = np.cumsum(np.maximum(1, np.ceil(length * SAMPLES_PER_CELL)) + 1)
        if not samples.size or samples[-1] <= self.CHUNK:
            return self._fits(i, j)
        out = np.empty(len(i), dtype=bool)
        first = 0
        while first < len(i):
            done = samples[first - 1] if first else 0.0
            last = max(first + 1, int(np.searchsorted(samples, done + self.CHUNK, side="right")))
            out[first:last] = self._fits(i[first:last], j[first:last])
            first = last
        return out

    def _fits(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        r0, c0 = self.rows[i], self.cols[i]
        dr, dc = self.rows[j] - r0, self.cols[j] - c0
        length = np.hypot(dr, dc)
        steps = np.maximum(1, np.ceil(length * SAMPLES_PER_CELL)).astype(np.int64)
        budget = np.abs(self.along[j] - self.along[i]) * (1 + SLACK) + SLACK
        with np.errstate(invalid="ignore", divide="ignore"):
            limit = budget * (steps + 1) / length
        counts = steps + 1
        segment = np.repeat(np.arange(len(i)), counts)
        first = np.cumsum(counts) - counts
        k = np.arange(int(counts.sum())) - first[segment]
        t = k / steps[segment]
        rr = np.rint(r0[segment] + dr[segment] * t).astype(np.intp)
        cc = np.rint(c0[segment] + dc[segment] * t).astype(np.intp)
        values = self.cost[rr, cc].astype(np.float64)
        total = np.bincount(segment, weights=values, minlength=len(i))
        return total <= limit


def pull_taut(
    paths: Sequence[np.ndarray],
    alongs: Sequence[np.ndarray],
    cost: np.ndarray,
    is_canceled: Callable[[], bool] = lambda: False,
) -> List[np.ndarray]:
    """straighten() of every (path, along) pair at once: the kept cells of each path (K x 2,
    float64), first and last included. Canceled, it returns the paths as they are."""
    n = len(paths)
    lengths = np.array([len(p) for p in paths], dtype=np.int64)
    offsets = np.concatenate(([0], np.cumsum(lengths)))
    rows = np.concatenate([p[:, 0] for p in paths]).astype(np.float64) if n else np.empty(0)
    cols = np.concatenate([p[:, 1] for p in paths]).astype(np.float64) if n else np.empty(0)
    along = np.concatenate([np.asarray(a, dtype=np.float64) for a in alongs]) if n else np.empty(0)
    # GEOS saw straighten's paths as points (col, row); a few hundred thousand points at a time
    # keep the temporaries small
    corner = np.zeros(len(rows), dtype=bool)
    first = 0
    while first < n:
        last = max(first + 1, int(np.searchsorted(offsets, offsets[first] + 200_000, side="right")) - 1)
        lo, hi = offsets[first], offsets[last]
        corner[lo:hi] = corner_candidates(cols[lo:hi], rows[lo:hi], offsets[first : last + 1] - lo)
        first = last
    cand = np.flatnonzero(corner)  # global indices of every path's candidates, path by path
    cand_count = np.bincount(np.searchsorted(offsets, cand, side="right") - 1, minlength=n)
    cand_off = np.concatenate(([0], np.cumsum(cand_count)))
    fits = _Fits(rows, cols, along, cost)

    # per path: the level (0: the candidates, 1: a run of cells pulled one by one), its list
    # (candidates from cand_off; cells from lo), a, good, step, bad, state
    level = np.zeros(n, dtype=np.int64)
    m0 = cand_count.copy()
    a0 = np.zeros(n, dtype=np.int64)  # anchor in the candidate list
    lo = np.zeros(n, dtype=np.int64)
    m1 = np.zeros(n, dtype=np.int64)
    a = np.zeros(n, dtype=np.int64)  # anchor in the current list
    good = np.zeros(n, dtype=np.int64)
    step = np.ones(n, dtype=np.int64)
    bad = np.full(n, -1, dtype=np.int64)
    state = np.where(lengths > 2, _CHECK, _DONE)
    kept_path: List[np.ndarray] = [np.arange(n)]
    kept_cell: List[np.ndarray] = [offsets[:-1].copy()]  # each path's first cell

    def item(p, x):
        """Global cell index of entry x of path p's current list."""
        return np.where(level[p] == 0, cand[cand_off[p] + np.minimum(x, m0[p] - 1)], lo[p] + x)

    def size(p):
        return np.where(level[p] == 0, m0[p], m1[p])

    while True:
        # settle the transitions that need no test, until every live path waits on one
        while True:
            moved = False
            live = np.flatnonzero(state != _DONE)
            if not live.size:
                break
            m = size(live)
            # a gallop that reached the list's end, or a bisection narrowed to one: keep `good`
            finished = ((state[live] == _GALLOP) & (good[live] >= m - 1)) | (
                (state[live] == _BISECT) & (bad[live] - good[live] <= 1)
            )
            if finished.any():
                moved = True
                p = live[finished]
                kept_path.append(p)
                kept_cell.append(item(p, good[p]))
                a[p] = good[p]
                end = a[p] >= size(p) - 1
                # the cells' run is over: back to the candidates, one further on
                back = p[end & (level[p] == 1)]
                level[back] = 0
                a0[back] += 1
                a[back] = a0[back]
                # the candidates' list: next anchor
                cont = p[level[p] == 0]
                a0[cont] = a[cont]
                state[cont] = _CHECK
                state[cont[a[cont] >= m0[cont] - 1]] = _DONE
                # the cells' run goes on: gallop from the new anchor
                run = p[(level[p] == 1) & ~end]
                good[run], step[run], bad[run] = a[run] + 1, 1, -1
                state[run] = _GALLOP
            if not moved:
                break
        live = np.flatnonzero(state != _DONE)
        if not live.size:
            break
        if is_canceled():
            return [np.asarray(p, dtype=np.float64) for p in paths]
        st = state[live]
        # the segment each live path tests now
        x = np.where(
            st == _CHECK,
            a[live] + 1,
            np.where(
                st == _GALLOP, np.minimum(a[live] + 2 * step[live], size(live) - 1), (good[live] + bad[live]) // 2
            ),
        )
        ok = fits(item(live, a[live]), item(live, x))
        # CHECK: the next candidate fits: gallop from it; it does not: pull the cells between
        check = st == _CHECK
        p = live[check & ok]
        good[p], step[p], bad[p] = a[p] + 1, 1, -1
        state[p] = _GALLOP
        p = live[check & ~ok]
        lo[p] = cand[cand_off[p] + a[p]]
        m1[p] = cand[cand_off[p] + a[p] + 1] - lo[p] + 1
        level[p] = 1
        a0[p] = a[p]
        a[p] = 0
        good[p], step[p], bad[p] = 1, 1, -1
        state[p] = _GALLOP
        # GALLOP: a fit moves `good` on and doubles the step; a misfit starts the bisection
        gallop = st == _GALLOP
        p, xp = live[gallop & ok], x[gallop & ok]
        good[p], step[p] = xp, step[p] * 2
        p, xp = live[gallop & ~ok], x[gallop & ~ok]
        bad[p] = xp
        state[p] = _BISECT
        # BISECT
        bisect = st == _BISECT
        p, xp = live[bisect & ok], x[bisect & ok]
        good[p] = xp
        p, xp = live[bisect & ~ok], x[bisect & ~ok]
        bad[p] = xp

    order_path = np.concatenate(kept_path)
    order_cell = np.concatenate(kept_cell)
    # each path's kept cells in the order they were kept (stable by path), the last cell added
    sort = np.argsort(order_path, kind="stable")
    order_path, order_cell = order_path[sort], order_cell[sort]
    bounds = np.searchsorted(order_path, np.arange(n + 1))
    out = []
    for q in range(n):
        cells = order_cell[bounds[q] : bounds[q + 1]]
        if lengths[q] >= 2 and (cells.size == 0 or cells[-1] != offsets[q + 1] - 1):
            cells = np.append(cells, offsets[q + 1] - 1)
        out.append(np.column_stack((rows[cells], cols[cells])))
    return out
