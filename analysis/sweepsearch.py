"""An 8-connected least-cost search over a cost raster in about 9 bytes per cell: the same
graph and move costs as scikit-image's ``MCP_Geometric`` (a move between neighbours costs its
length, 1 or √2, times the mean of their two costs), solved by alternating line sweeps in
numpy instead of a priority queue.

Why sweeps: scikit-image's search holds float64 flat copies of the costs and cumulative costs,
int64 edge maps and a heap (about 65 bytes per cell), so a 200-million-cell grid does not fit
a 16 GB laptop. Here the state is the cumulative cost (float64, 8 bytes) and the step that
reached each cell (uint8, 1 byte), plus the caller's cost raster (float32: 4 bytes).

How: a sweep visits the lines of the grid in order (rows top to bottom, bottom to top, then
columns left to right and right to left). Each line is first relaxed from the line before it
(its three neighbours there), then along itself both ways; the within-line pass is exact in
one vectorised step because on a line the cheapest way from cell j to cell i is the straight
run between them: D[i] = P[i] + min_{j <= i}(D[j] - P[j]) with P the running sum of the move
costs (``np.minimum.accumulate``). Sweeps repeat until one round of all four changes nothing;
a line is revisited only when it or the line before it changed since its last visit, so the
later rounds cost little. Any shortest path is a chain of pieces each monotone along one of
the four sweep directions, and each round settles at least one more piece, so the number of
rounds is that of the turns of the most winding optimal path (three to six on terrain),
whatever the grid size. Columns are swept in transposed strips of ``STRIP`` columns, so that
every numpy operation runs over contiguous memory.

The answer is the least cumulative cost of every cell, as MCP_Geometric finds it (the same
additions along vertical and diagonal moves; along a line the prefix sums round differently,
by about 1e-15 of the cost). Where two paths cost exactly the same, either may be traced.
"""

import math
from typing import List, Optional, Sequence, Tuple

import numpy as np

Cell = Tuple[int, int]

# Step codes: the move from a cell's predecessor to the cell is STEPS[code]; 0 = no predecessor
# (a start, or a cell no start reaches).
STEPS = np.array([(0, 0), (1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (1, -1), (-1, 1), (-1, -1)], dtype=np.int64)
_CODE = {tuple(step): code for code, step in enumerate(STEPS.tolist())}
HALF = 0.5  # MCP_Geometric's move cost: length * 0.5 * (cost_a + cost_b), in that order
HALF_DIAGONAL = math.sqrt(2.0) * 0.5
BYTES_PER_CELL = 9  # cumulative cost (float64) and step code (uint8); the cost raster is the caller's
STRIP = 64  # columns per transposed strip of a column sweep
# A line counts as changed (and its neighbours are visited again) only when a cost in it fell by
# more than this fraction: the prefix sums of the along-line passes round differently from the
# additions of the moves across lines, by about 1e-15 of the cost, and without a margin those
# last-bit differences would ripple from sweep to sweep over the whole grid (a hundred rounds
# instead of a handful).
MARGIN = 1e-13
SHRINK = 1.0 - MARGIN
MAX_ROUNDS = 10_000  # a safeguard only: rounds stop when nothing changes (a handful on terrain)


def _line_codes(line_step: Tuple[int, int], along_step: Tuple[int, int]):
    """Step codes of the five ways a line's cell is reached: from the previous line at the same
    position, at position - 1, at position + 1, and along the line from position - 1 and + 1.
    ``line_step`` is the real (row, col) step from the previous line to this one, ``along_step``
    the real step from position p to p + 1."""
    lr, lc = line_step
    ar, ac = along_step
    return (
        _CODE[(lr, lc)],
        _CODE[(lr + ar, lc + ac)],
        _CODE[(lr - ar, lc - ac)],
        _CODE[(ar, ac)],
        _CODE[(-ar, -ac)],
    )


class _Line:
    """Work buffers for relaxing lines of one length (allocated once per sweep, not per line)."""

    def __init__(self, length: int):
        self.cand = np.empty(length)
        self.sums = np.empty(length)
        self.prefix = np.empty(length)
        self.value = np.empty(length)
        self.running = np.empty(length)
        self.better = np.empty(length, dtype=bool)
        self.changed = np.empty(length, dtype=bool)
        self.old = np.empty(length)
        self.positions = np.arange(length)
        self.where = np.empty(length, dtype=np.intp)


def _improve(d, cand, better, k, code, lab=None, cand_lab=None):
    """Take the candidate costs that are strictly lower; record their step code (and label)."""
    np.less(cand, d, out=better)
    np.copyto(d, cand, where=better)
    np.copyto(k, code, where=better)
    if lab is not None:
        np.copyto(lab, cand_lab, where=better)


def _along(d, c, k, lab, code, buf: _Line, n):
    """One pass along a run of passable cells in the direction of increasing position:
    D[i] = P[i] + min_{j <= i} (D[j] - P[j]); an improved cell is reached from position - 1."""
    if n < 2:
        return
    prefix, value, running, better = buf.prefix[:n], buf.value[:n], buf.running[:n], buf.better[:n]
    sums = buf.sums[: n - 1]
    np.add(c[:-1], c[1:], out=sums)
    prefix[0] = 0.0
    np.multiply(sums, HALF, out=prefix[1:])
    np.cumsum(prefix[1:], out=prefix[1:])
    np.subtract(d, prefix, out=value)
    np.minimum.accumulate(value, out=running)
    np.less(running, value, out=better)
    if not better.any():
        return
    np.add(running, prefix, out=value)
    np.copyto(d, value, where=better)
    np.copyto(k, code, where=better)
    if lab is not None:
        # the run of improved cells ending at i comes from the last unimproved j before it
        where = buf.where[:n]
        np.copyto(where, buf.positions[:n])
        where[better] = 0
        np.maximum.accumulate(where, out=where)
        np.copyto(lab, lab[where], where=better)


def _relax_line(d, c, k, lab, prev_d, prev_c, prev_lab, codes, runs, buf: _Line, along_dirty: bool = True) -> bool:
    """Relax one line: from the previous line (when ``prev_d`` is given), then along itself both
    ways, run by run of passable cells (``runs``: (start, stop) pairs, None = the whole line).
    ``along_dirty``: the line changed since it was last relaxed along itself (when not, and
    nothing comes from the previous line, the along passes are skipped). Returns whether any
    cell got cheaper by more than MARGIN."""
    n = len(d)
    old, cand, better, sums = buf.old[:n], buf.cand[:n], buf.better[:n], buf.sums[:n]
    np.copyto(old, d)
    if prev_d is not None:
        same, minus, plus, from_before, from_after = codes
        np.add(prev_c, c, out=sums)
        np.multiply(sums, HALF, out=cand)
        np.add(prev_d, cand, out=cand)
        _improve(d, cand, better, k, same, lab, prev_lab)
        if n > 1:
            # from position - 1 of the previous line to position p
            np.add(prev_c[:-1], c[1:], out=sums[1:])
            np.multiply(sums[1:], HALF_DIAGONAL, out=cand[1:])
            np.add(prev_d[:-1], cand[1:], out=cand[1:])
            _improve(
                d[1:],
                cand[1:],
                better[1:],
                k[1:],
                minus,
                None if lab is None else lab[1:],
                None if lab is None else prev_lab[:-1],
            )
            # from position + 1 of the previous line
            np.add(prev_c[1:], c[:-1], out=sums[:-1])
            np.multiply(sums[:-1], HALF_DIAGONAL, out=cand[:-1])
            np.add(prev_d[1:], cand[:-1], out=cand[:-1])
            _improve(
                d[:-1],
                cand[:-1],
                better[:-1],
                k[:-1],
                plus,
                None if lab is None else lab[:-1],
                None if lab is None else prev_lab[1:],
            )
        if not along_dirty:
            np.less(d, old, out=better)
            if not better.any():
                buf.changed[:n] = False
                return False  # nothing came from the previous line, and the line was settled along itself
    else:
        from_before, from_after = codes[3], codes[4]
    for start, stop in runs if runs is not None else ((0, n),):
        part = slice(start, stop)
        back = slice(stop - 1, start - 1 if start else None, -1)
        _along(d[part], c[part], k[part], None if lab is None else lab[part], from_before, buf, stop - start)
        _along(d[back], c[back], k[back], None if lab is None else lab[back], from_after, buf, stop - start)
    # every strictly lower cost is taken (so each improved cell's step points to a cell whose own
    # steps lead back to a start), but only a change by more than MARGIN makes the line count as
    # changed and its neighbours be visited again
    np.multiply(old, SHRINK, out=old)
    np.less(d, old, out=buf.changed[:n])
    return bool(buf.changed[:n].any())


def _passable_runs(c: np.ndarray) -> Optional[List[Tuple[int, int]]]:
    """(start, stop) of the runs of finite cost along a line holding impassable cells."""
    blocked = np.flatnonzero(~np.isfinite(c))
    if blocked.size == 0:
        return None
    edges = np.concatenate(([-1], blocked, [len(c)]))
    return [(int(a) + 1, int(b)) for a, b in zip(edges[:-1], edges[1:]) if b - a > 1]


class _Sweeper:
    """Runs the sweeps over one cost raster (see the module docstring)."""

    def __init__(self, cost: np.ndarray, labels: bool):
        self.cost = cost
        rows, cols = cost.shape
        self.cum = np.full((rows, cols), np.inf)
        self.code = np.zeros((rows, cols), dtype=np.uint8)
        self.lab = np.full((rows, cols), -1, dtype=np.int32) if labels else None
        # which lines hold impassable cells (their along-passes go run by run)
        self.row_blocked = np.zeros(rows, dtype=bool)
        self.col_blocked = np.zeros(cols, dtype=bool)
        for r0 in range(0, rows, 256):
            block = ~np.isfinite(cost[r0 : r0 + 256])
            self.row_blocked[r0 : r0 + 256] = block.any(axis=1)
            self.col_blocked |= block.any(axis=0)
        # ticks: when a line last changed (-1: never, still all unreached) and when each sweep
        # direction last visited it
        self.tick = 0
        self.row_changed = np.full(rows, -1, dtype=np.int64)
        self.col_changed = np.full(cols, -1, dtype=np.int64)
        self.row_seen = {+1: np.full(rows, -1, dtype=np.int64), -1: np.full(rows, -1, dtype=np.int64)}
        self.col_seen = {+1: np.full(cols, -1, dtype=np.int64), -1: np.full(cols, -1, dtype=np.int64)}
        self.rounds = 0
        self.line_visits = 0

    def seed(self, starts: Sequence[Cell]):
        for index in range(len(starts) - 1, -1, -1):  # the first of starts sharing a cell keeps it
            r, c = starts[index]
            self.cum[r, c] = 0.0
            self.code[r, c] = 0
            if self.lab is not None:
                self.lab[r, c] = index
            self.row_changed[r] = self.col_changed[c] = 0

    def sweep_rows(self, direction: int) -> bool:
        rows, cols = self.cost.shape
        codes = _line_codes((direction, 0), (0, 1))
        buf = _Line(cols)
        seen, changed_at = self.row_seen[direction], self.row_changed
        order = range(rows) if direction > 0 else range(rows - 1, -1, -1)
        cost, cum, code, lab = self.cost, self.cum, self.code, self.lab
        c_line = np.empty(cols)
        c_prev = np.empty(cols)
        have_prev_c = -2
        any_change = False
        for r in order:
            p = r - direction
            has_prev = 0 <= p < rows
            prev_new = has_prev and changed_at[p] > seen[r]
            if not prev_new and changed_at[r] <= seen[r]:
                continue
            self.tick += 1
            self.line_visits += 1
            np.copyto(c_line, cost[r])
            if prev_new:
                if have_prev_c != p:
                    np.copyto(c_prev, cost[p])
            runs = _passable_runs(c_line) if self.row_blocked[r] else None
            changed = _relax_line(
                cum[r],
                c_line,
                code[r],
                None if lab is None else lab[r],
                cum[p] if prev_new else None,
                c_prev if prev_new else None,
                None if lab is None or not prev_new else lab[p],
                codes,
                runs,
                buf,
                changed_at[r] > seen[r],
            )
            seen[r] = self.tick
            if changed:
                changed_at[r] = self.tick
                self.col_changed[buf.changed] = self.tick
                any_change = True
            c_line, c_prev = c_prev, c_line  # this line's costs are the next line's previous ones
            have_prev_c = r
        return any_change

    def sweep_cols(self, direction: int) -> bool:
        rows, cols = self.cost.shape
        codes = _line_codes((0, direction), (1, 0))
        buf = _Line(rows)
        seen, changed_at = self.col_seen[direction], self.col_changed
        any_change = False
        starts = range(0, cols, STRIP) if direction > 0 else range(((cols - 1) // STRIP) * STRIP, -1, -STRIP)
        for c0 in starts:
            c1 = min(cols, c0 + STRIP)
            # the strip and the column before it (in sweep order), transposed to contiguous lines
            lo, hi = (max(0, c0 - 1), c1) if direction > 0 else (c0, min(cols, c1 + 1))
            own = np.arange(c0, c1)
            before = own - direction
            valid = (before >= 0) & (before < cols)
            need = (changed_at[own] > seen[own]) | (valid & (changed_at[np.clip(before, 0, cols - 1)] > seen[own]))
            if not need.any():
                continue
            d_t = np.ascontiguousarray(self.cum[:, lo:hi].T)
            c_t = np.ascontiguousarray(self.cost[:, lo:hi].T, dtype=np.float64)
            k_t = np.ascontiguousarray(self.code[:, lo:hi].T)
            l_t = None if self.lab is None else np.ascontiguousarray(self.lab[:, lo:hi].T)
            strip_changed = np.zeros(rows, dtype=bool)
            order = range(c0, c1) if direction > 0 else range(c1 - 1, c0 - 1, -1)
            wrote = False
            for col in order:
                p = col - direction
                has_prev = 0 <= p < cols
                prev_new = has_prev and changed_at[p] > seen[col]
                if not prev_new and changed_at[col] <= seen[col]:
                    continue
                self.tick += 1
                self.line_visits += 1
                i, ip = col - lo, p - lo
                runs = _passable_runs(c_t[i]) if self.col_blocked[col] else None
                changed = _relax_line(
                    d_t[i],
                    c_t[i],
                    k_t[i],
                    None if l_t is None else l_t[i],
                    d_t[ip] if prev_new else None,
                    c_t[ip] if prev_new else None,
                    None if l_t is None or not prev_new else l_t[ip],
                    codes,
                    runs,
                    buf,
                    changed_at[col] > seen[col],
                )
                seen[col] = self.tick
                if changed:
                    changed_at[col] = self.tick
                    strip_changed |= buf.changed
                    wrote = True
            if wrote:
                self.cum[:, c0:c1] = d_t[c0 - lo : c1 - lo].T
                self.code[:, c0:c1] = k_t[c0 - lo : c1 - lo].T
                if l_t is not None:
                    self.lab[:, c0:c1] = l_t[c0 - lo : c1 - lo].T
                self.row_changed[strip_changed] = self.tick
                any_change = True
        return any_change

    def solve(self, is_canceled=lambda: False):
        rows, cols = self.cost.shape
        for _ in range(MAX_ROUNDS):
            self.rounds += 1
            changed = self.sweep_rows(+1)
            changed |= self.sweep_rows(-1)
            if cols > 1 and rows > 1:
                changed |= self.sweep_cols(+1)
                changed |= self.sweep_cols(-1)
            if not changed or is_canceled():
                break


class SweepSearch:
    """The least-cost search by line sweeps, with LeastCostSearch's interface (run, path,
    nearest_start) plus ``paths``, which traces many ends at once.

    ``cost`` may be float32 (4 bytes per cell) or float64; ``inf`` (or a negative value, as
    MCP_Geometric reads it) is impassable. Costs are per cell length, as LeastCostSearch's.
    """

    bytes_per_cell = BYTES_PER_CELL

    def __init__(self, cost: np.ndarray, labels: bool = False):
        cost = np.asarray(cost)
        if cost.dtype not in (np.float32, np.float64):
            cost = cost.astype(np.float64)
        if (cost < 0).any():
            cost = np.where(cost < 0, np.inf, cost).astype(cost.dtype)
        self.cost = cost
        self.labels = labels
        self.cumulative = None
        self.rounds = 0
        self._sweeper = None

    def run(
        self, starts: Sequence[Cell], ends: Optional[Sequence[Cell]] = None, is_canceled=lambda: False
    ) -> np.ndarray:
        """Cumulative cost from the cheapest of ``starts`` to every cell (``inf``: not reached).
        ``ends`` is accepted for LeastCostSearch's interface; every cell is solved regardless."""
        self._sweeper = None  # free the previous run's arrays first
        self.cumulative = None
        sweeper = _Sweeper(self.cost, self.labels)
        sweeper.seed([tuple(int(v) for v in s) for s in starts])
        sweeper.solve(is_canceled)
        self._sweeper = sweeper
        self.cumulative = sweeper.cum
        self.rounds = sweeper.rounds
        return self.cumulative

    @property
    def step_codes(self) -> np.ndarray:
        return self._sweeper.code

    def paths(self, ends: Sequence[Cell]) -> List[np.ndarray]:
        """The cells (N x 2, start first) of the cheapest path to each of ``ends``, traced back
        for all of them at once (one numpy step per cell of the longest path). An end no start
        reaches gets its own cell alone."""
        rows, cols = self.cost.shape
        code = self._sweeper.code.ravel()
        index = np.int32 if rows * cols < 2**31 else np.int64
        flat_step = (STEPS[:, 0] * cols + STEPS[:, 1]).astype(index)
        ends = np.asarray(ends, dtype=np.int64).reshape(-1, 2)
        current = (ends[:, 0] * cols + ends[:, 1]).astype(index)
        active = np.arange(len(current), dtype=index)
        trail_id, trail_cell = [active], [current.copy()]
        for _ in range(rows * cols):  # no path is longer than the grid has cells
            k = code[current]
            moving = k != 0
            if not moving.all():
                active, current, k = active[moving], current[moving], k[moving]
            if not active.size:
                break
            current = current - flat_step[k]
            trail_id.append(active)
            trail_cell.append(current)
        else:
            raise RuntimeError("the step codes hold a cycle: no path to trace")
        ids = np.concatenate(trail_id)
        cells = np.concatenate(trail_cell)
        order = np.argsort(ids, kind="stable")  # each path's cells from its end back to its start
        ids, cells = ids[order], cells[order]
        bounds = np.searchsorted(ids, np.arange(len(ends) + 1))
        out = []
        for j in range(len(ends)):
            flat = cells[bounds[j] : bounds[j + 1]][::-1]
            out.append(np.column_stack((flat // cols, flat % cols)).astype(index))
        return out

    def path(self, end: Cell) -> Tuple[np.ndarray, np.ndarray]:
        """Cells from the nearest start to ``end`` and the cumulative cost along them."""
        cells = self.paths([end])[0]
        return cells, self.cumulative[cells[:, 0], cells[:, 1]]

    def nearest_start(self, starts: Sequence[Cell]) -> np.ndarray:  # noqa: ARG002 (LeastCostSearch's)
        """After ``run(starts)`` with ``labels=True``: for every cell the index into ``starts`` of
        its cheapest start (int32, -1 where none reaches)."""
        if self._sweeper.lab is None:
            raise ValueError("SweepSearch(cost, labels=True) keeps the labels of the starts")
        return self._sweeper.lab
