"""Choosing drone sorties over the gaps: a team orienteering problem with several bases.

Each gap's survey lanes are grouped into *chunks* (a few lanes a sortie takes whole); a chunk
can be flown in four ways (lanes in either order, first lane in either direction), each with
its entry point, exit point and flight length. A sortie leaves a base, flies a sequence of
chunks and returns, within the endurance; the plan maximises the total weight of the chunks
flown over at most ``sorties`` sorties (at most ``max_per_base`` from one base).

Method (``plan``): sorties are chosen one at a time. For every base, a tour is built by greedy
insertion (the chunk, position and way of flying with the best weight / added length^alpha,
alpha in ``ALPHAS``), improved by 2-opt, relocation and the best way of flying each chunk for
the tour's order (a dynamic programme over the four ways: the lane-order improvement), and by
exchanges of a flown chunk for a heavier one left out; the heaviest tour of any base is kept.
Then each sortie's remaining endurance flies part of one more chunk (a prefix of its lanes),
when that adds weight. ``exact`` solves small instances (whole chunks, no per-base limit)
exactly by dynamic programming over subsets, so the heuristic can be measured against it;
``nearest_neighbour`` is the plain baseline.
"""

from dataclasses import dataclass, field
from typing import Callable, List, Optional, Sequence, Tuple

import numpy as np

ALPHAS = (1.0, 2.0, 0.5)
REPAIR_ALPHAS = (0.0, 0.5, 1.0, 2.0)  # 0: the heaviest chunk that fits first
EXACT_MAX_CHUNKS = 12
MIN_ROUNDS, MAX_ROUNDS = 100, 400  # ruin-and-recreate rounds, whatever the number of sorties
_TOL = 1e-6


@dataclass
class Problem:
    """Key points (bases and chunk corners) with their transit distances, and the chunks.

    ``dist[i, j]``: transit distance between key points (inf when unreachable or when no
    sortie could use it); ``bases``: key point of each base; ``entry``/``exit``/``service``:
    (C, 4) key point where each way of flying a chunk starts and ends, and its flight length.
    For partial visits (``plan(..., partial=True)``): ``paths[c][v]`` is (lengths, weights,
    starts, ends, hops) of the flown lane segments of chunk c in way v, in order (starts and
    ends (m, 2) arrays; hops: the m − 1 transit lengths between them),
    and ``distance_from(xy, ids)`` the transit distance from a point to key points.
    """

    dist: np.ndarray
    bases: np.ndarray
    entry: np.ndarray
    exit: np.ndarray
    service: np.ndarray
    weight: np.ndarray
    endurance: float
    sorties: int
    max_per_base: int = 0
    paths: Optional[list] = None
    distance_from: Optional[Callable[[np.ndarray, np.ndarray], np.ndarray]] = None
    reverse: np.ndarray = field(init=False)

    def __post_init__(self):
        self.entry = np.asarray(self.entry, dtype=np.int64)
        self.exit = np.asarray(self.exit, dtype=np.int64)
        self.service = np.asarray(self.service, dtype=float)
        self.weight = np.asarray(self.weight, dtype=float)
        self.bases = np.asarray(self.bases, dtype=np.int64)
        # unreachable pairs get a finite, prohibitive length: inf − inf would poison the deltas
        self.unreachable = 1e6 * max(float(self.endurance), 1.0)
        self.dist = np.where(np.isfinite(self.dist), self.dist, self.unreachable)
        chunks = len(self.weight)
        self.reverse = np.tile(np.arange(4), (chunks, 1))
        for c in range(chunks):
            for v in range(4):
                for w in range(4):
                    if self.entry[c, w] == self.exit[c, v] and self.exit[c, w] == self.entry[c, v]:
                        self.reverse[c, v] = w
                        break

    @property
    def alone(self) -> np.ndarray:
        """(B, C) length of the shortest sortie from each base flying only each chunk."""
        if getattr(self, "_alone", None) is None:
            bp = self.bases[:, None, None]
            self._alone = (self.dist[bp, self.entry[None]] + self.service[None] + self.dist[self.exit[None], bp]).min(
                axis=2
            )
        return self._alone

    @property
    def chunks(self) -> int:
        return len(self.weight)


@dataclass
class Partial:
    """Part of a chunk flown before visit ``position``: ``flown`` m along way ``way``."""

    chunk: int
    way: int
    flown: float
    weight: float
    cost: float  # added flight length
    position: int
    end: Tuple[float, float]  # where the partial flight leaves the lanes


@dataclass
class Sortie:
    base: int
    visits: List[Tuple[int, int]] = field(default_factory=list)  # (chunk, way) in flying order
    length: float = 0.0
    weight: float = 0.0
    partial: Optional[Partial] = None


@dataclass
class Plan:
    sorties: List[Sortie]

    @property
    def weight(self) -> float:
        return float(sum(s.weight + (s.partial.weight if s.partial else 0.0) for s in self.sorties))


# -- tour arithmetic ---------------------------------------------------------------------------
def tour_length(problem: Problem, base: int, visits: Sequence[Tuple[int, int]]) -> float:
    if not visits:
        return 0.0
    d, bp = problem.dist, problem.bases[base]
    total, here = 0.0, bp
    for c, v in visits:
        total += d[here, problem.entry[c, v]] + problem.service[c, v]
        here = problem.exit[c, v]
    return float(total + d[here, bp])


def _ends(problem, base, visits):
    """Key points left (prev_out) and reached (next_in) at each insertion position."""
    bp = problem.bases[base]
    outs = np.array([bp] + [problem.exit[c, v] for c, v in visits], dtype=np.int64)
    ins = np.array([problem.entry[c, v] for c, v in visits] + [bp], dtype=np.int64)
    return outs, ins


def _insertion(problem, base, visits, candidates):
    """(positions+1, n, 4) added length of inserting each candidate at each position and way."""
    d = problem.dist
    outs, ins = _ends(problem, base, visits)
    ent, ext = problem.entry[candidates], problem.exit[candidates]
    added = (
        d[outs[:, None, None], ent[None]]
        + problem.service[candidates][None]
        + d[ext[None], ins[:, None, None]]
        - d[outs, ins][:, None, None]
    )
    return added


def best_ways(problem: Problem, base: int, chunks: Sequence[int]) -> Tuple[List[Tuple[int, int]], float]:
    """The way of flying each chunk of a fixed order that makes the tour shortest (Viterbi over
    the four ways of each chunk): the lane-order improvement."""
    if not chunks:
        return [], 0.0
    d, bp = problem.dist, problem.bases[base]
    chunks = list(chunks)
    cost = d[bp, problem.entry[chunks[0]]] + problem.service[chunks[0]]
    back = []
    for prev, c in zip(chunks, chunks[1:]):
        step = cost[:, None] + d[problem.exit[prev][:, None], problem.entry[c][None, :]]
        back.append(np.argmin(step, axis=0))
        cost = step.min(axis=0) + problem.service[c]
    cost = cost + d[problem.exit[chunks[-1]], bp]
    way = int(np.argmin(cost))
    ways = [way]
    for arg in reversed(back):
        way = int(arg[way])
        ways.append(way)
    return list(zip(chunks, reversed(ways))), float(cost.min())


def _two_opt(problem, base, visits, length):
    d = problem.dist
    bp = problem.bases[base]
    improved = True
    while improved and len(visits) >= 2:
        improved = False
        k = len(visits)
        ins = np.array([problem.entry[c, v] for c, v in visits])
        outs = np.array([problem.exit[c, v] for c, v in visits])
        prev_out = np.concatenate([[bp], outs[:-1]])  # before visit i
        next_in = np.concatenate([ins[1:], [bp]])  # after visit j
        i, j = np.triu_indices(k, 1)
        gain = d[prev_out[i], ins[i]] + d[outs[j], next_in[j]] - d[prev_out[i], outs[j]] - d[ins[i], next_in[j]]
        best = int(np.argmax(gain)) if gain.size else -1
        if best >= 0 and gain[best] > _TOL:
            a, b = int(i[best]), int(j[best])
            segment = [(c, int(problem.reverse[c, v])) for c, v in reversed(visits[a : b + 1])]
            visits = visits[:a] + segment + visits[b + 1 :]
            length -= float(gain[best])
            improved = True
    return visits, length


def _relocate(problem, base, visits, length):
    """Move single chunks to their best position and way while that shortens the tour."""
    moved = True
    while moved and len(visits) >= 2:
        moved = False
        for index in range(len(visits)):
            c = visits[index][0]
            rest = visits[:index] + visits[index + 1 :]
            rest_length = tour_length(problem, base, rest)
            added = _insertion(problem, base, rest, np.array([c]))[:, 0, :]
            pos, way = np.unravel_index(int(np.argmin(added)), added.shape)
            if rest_length + added[pos, way] < length - _TOL:
                visits = rest[:pos] + [(c, int(way))] + rest[pos:]
                length = rest_length + float(added[pos, way])
                moved = True
                break
    return visits, length


def improve(problem: Problem, base: int, visits: List[Tuple[int, int]]) -> Tuple[List[Tuple[int, int]], float]:
    """2-opt, relocation and the best way of flying each chunk, until none shortens the tour."""
    length = tour_length(problem, base, visits)
    while True:
        before = length
        visits, length = _two_opt(problem, base, visits, length)
        visits, length = _relocate(problem, base, visits, length)
        visits, length = best_ways(problem, base, [c for c, _ in visits])
        if length >= before - _TOL:
            return visits, length


def _greedy_fill(problem, base, visits, length, available, alpha):
    """Insert chunks by best weight / added length^alpha while one fits."""
    candidates = np.flatnonzero(available)
    for c, _ in visits:
        candidates = candidates[candidates != c]
    while candidates.size:
        added = _insertion(problem, base, visits, candidates)
        flat = added.transpose(1, 0, 2).reshape(candidates.size, -1)
        where = np.argmin(flat, axis=1)
        cheapest = flat[np.arange(candidates.size), where]
        fits = length + cheapest <= problem.endurance + _TOL
        if not fits.any():
            break
        score = problem.weight[candidates] / np.maximum(cheapest, 1.0) ** alpha
        score[~fits] = -np.inf
        pick = int(np.argmax(score))
        pos, way = np.unravel_index(int(where[pick]), added.shape[::2])
        visits = visits[:pos] + [(int(candidates[pick]), int(way))] + visits[pos:]
        length += float(cheapest[pick])
        candidates = np.delete(candidates, pick)
        if len(visits) >= 3:
            visits, length = improve(problem, base, visits)
        candidates = candidates[fits[np.arange(fits.size) != pick]]  # what did not fit never will
    return visits, length


def _exchange(problem, base, visits, length, available):
    """Swap a flown chunk for a heavier one left out, while a swap fits and adds weight."""
    while visits:
        flown = {c for c, _ in visits}
        left_out = np.array([c for c in np.flatnonzero(available) if c not in flown], dtype=np.int64)
        if not left_out.size:
            break
        best = None
        for index, (c, _) in enumerate(visits):
            heavier = left_out[problem.weight[left_out] > problem.weight[c] + _TOL]
            if not heavier.size:
                continue
            rest = visits[:index] + visits[index + 1 :]
            rest_length = tour_length(problem, base, rest)
            added = _insertion(problem, base, rest, heavier)
            flat = added.transpose(1, 0, 2).reshape(heavier.size, -1)
            cheapest = flat.min(axis=1)
            fits = rest_length + cheapest <= problem.endurance + _TOL
            if not fits.any():
                continue
            gain = np.where(fits, problem.weight[heavier] - problem.weight[c], -np.inf)
            pick = int(np.argmax(gain))
            if best is None or gain[pick] > best[0]:
                pos, way = np.unravel_index(int(np.argmin(flat[pick])), added.shape[::2])
                best = (float(gain[pick]), rest[:pos] + [(int(heavier[pick]), int(way))] + rest[pos:])
        if best is None:
            break
        visits, length = improve(problem, base, best[1])
        visits, length = _greedy_fill(problem, base, visits, length, available, 1.0)
    return visits, length


def build_tour(problem: Problem, base: int, available: np.ndarray, alpha: float = 1.0) -> Sortie:
    """One sortie from ``base`` over the ``available`` chunks: greedy insertion, improvement,
    exchanges."""
    usable = available & (problem.alone[base] <= problem.endurance + _TOL) & (problem.weight > 0)
    visits, length = _greedy_fill(problem, base, [], 0.0, usable, alpha)
    visits, length = _exchange(problem, base, visits, length, usable)
    weight = float(problem.weight[[c for c, _ in visits]].sum()) if visits else 0.0
    return Sortie(base, visits, length, weight)


def _repair(problem, sorties, available, alpha, rng=None):
    """Greedy insertion over several sorties at once: the best weight / added length^alpha of
    any left-out chunk into any of them (each score shaken by ±20 % with ``rng``), until
    nothing fits; then improvement and exchanges."""
    while True:
        best = None
        for index, sortie in enumerate(sorties):
            alone = problem.alone[sortie.base]
            candidates = np.flatnonzero(available & (alone <= problem.endurance + _TOL) & (problem.weight > 0))
            if not candidates.size:
                continue
            added = _insertion(problem, sortie.base, sortie.visits, candidates)
            flat = added.transpose(1, 0, 2).reshape(candidates.size, -1)
            where = np.argmin(flat, axis=1)
            cheapest = flat[np.arange(candidates.size), where]
            fits = sortie.length + cheapest <= problem.endurance + _TOL
            if not fits.any():
                continue
            score = np.where(fits, problem.weight[candidates] / np.maximum(cheapest, 1.0) ** alpha, -np.inf)
            if rng is not None:
                score = score * rng.uniform(0.8, 1.2, score.size)
            pick = int(np.argmax(score))
            if best is None or score[pick] > best[0]:
                pos, way = np.unravel_index(int(where[pick]), added.shape[::2])
                best = (score[pick], index, int(candidates[pick]), int(pos), int(way), float(cheapest[pick]))
        if best is None:
            break
        _, index, c, pos, way, _cost = best
        sortie = sorties[index]
        visits = sortie.visits[:pos] + [(c, way)] + sortie.visits[pos:]
        sortie.visits, sortie.length = improve(problem, sortie.base, visits)
        available[c] = False
    for sortie in sorties:
        usable = available.copy()
        for c, _ in sortie.visits:
            usable[c] = True
        sortie.visits, sortie.length = _exchange(problem, sortie.base, sortie.visits, sortie.length, usable)
        for c, _ in sortie.visits:
            available[c] = False
        flown = {c for c, _ in sortie.visits}
        for c in np.flatnonzero(usable):
            if c not in flown:
                available[c] = True
        sortie.weight = float(problem.weight[[c for c, _ in sortie.visits]].sum()) if sortie.visits else 0.0


def local_search(
    problem: Problem,
    sorties: List[Sortie],
    available: np.ndarray,
    rounds: int,
    seed: int = 0,
    is_canceled: Callable[[], bool] = lambda: False,
) -> List[Sortie]:
    """Ruin and recreate: take a few chunks out of one or two sorties (at random, or to make room
    for a left-out chunk), re-insert greedily, keep the result when it carries more weight."""
    rng = np.random.default_rng(seed)
    if not sorties:
        return sorties
    for _ in range(rounds):
        if is_canceled():
            break
        picked = [int(rng.integers(len(sorties)))]
        if len(sorties) > 1 and rng.random() < 0.5:
            other = int(rng.integers(len(sorties) - 1))
            picked.append(other + (other >= picked[0]))
        trial = [Sortie(sorties[i].base, list(sorties[i].visits), sorties[i].length, sorties[i].weight) for i in picked]
        spare = available.copy()
        before = sum(t.weight for t in trial), sum(t.length for t in trial)
        for t in trial:
            if len(problem.bases) > 1 and rng.random() < 0.2:
                # fly it from another base (within MAX_PER_BASE): start again from nothing
                bases_now = [x.base for i, x in enumerate(sorties) if i not in picked] + [
                    x.base for x in trial if x is not t
                ]
                used = np.bincount(np.array(bases_now, dtype=np.int64), minlength=len(problem.bases))
                limit = problem.max_per_base if problem.max_per_base > 0 else len(sorties)
                others = [b for b in range(len(problem.bases)) if b != t.base and used[b] < limit]
                if others:
                    for vis in t.visits:
                        spare[vis[0]] = True
                    t.base, t.visits, t.length = int(rng.choice(others)), [], 0.0
                    continue
            if t.visits and rng.random() < 0.7:
                drop = rng.random(len(t.visits)) < rng.uniform(0.2, 0.6)
                if not drop.any():
                    drop[int(rng.integers(len(t.visits)))] = True
            elif t.visits:
                drop = np.zeros(len(t.visits), dtype=bool)
                # make room for a left-out chunk: force it in, then drop the visits that save the
                # most flight per weight until the sortie fits again
                left = np.flatnonzero(
                    spare & (problem.weight > 0) & (problem.alone[t.base] <= problem.endurance + _TOL)
                )
                if not left.size:
                    continue
                forced = int(left[rng.integers(left.size)])
                added = _insertion(problem, t.base, t.visits, np.array([forced]))[:, 0, :]
                pos, way = np.unravel_index(int(np.argmin(added)), added.shape)
                keep, length = improve(problem, t.base, t.visits[:pos] + [(forced, int(way))] + t.visits[pos:])
                while length > problem.endurance + _TOL:
                    best = None
                    for index, (c, _) in enumerate(keep):
                        if c == forced:
                            continue
                        rest = keep[:index] + keep[index + 1 :]
                        saving = (length - tour_length(problem, t.base, rest)) / max(problem.weight[c], 1e-9)
                        if best is None or saving > best[0]:
                            best = (saving, index)
                    spare[keep[best[1]][0]] = True
                    keep, length = improve(problem, t.base, keep[: best[1]] + keep[best[1] + 1 :])
                spare[forced] = False
                t.visits, t.length = keep, length
                continue
            else:
                continue
            for vis, gone in zip(t.visits, drop):
                if gone:
                    spare[vis[0]] = True
            t.visits, t.length = improve(problem, t.base, [vis for vis, gone in zip(t.visits, drop) if not gone])
        _repair(problem, trial, spare, float(rng.choice(REPAIR_ALPHAS)), rng)
        after = sum(t.weight for t in trial), sum(t.length for t in trial)
        if after[0] > before[0] + _TOL or (after[0] > before[0] - _TOL and after[1] < before[1] - _TOL):
            for i, t in zip(picked, trial):
                sorties[i] = t
            available[:] = spare
    return sorties


def plan(
    problem: Problem,
    partial: bool = True,
    alphas: Sequence[float] = ALPHAS,
    rounds: int = 20,
    is_canceled: Callable[[], bool] = lambda: False,
    progress: Callable[[float], None] = lambda fraction: None,
) -> Plan:
    """The heuristic plan (see the module docstring)."""
    available = problem.weight > 0
    quota = np.full(len(problem.bases), problem.max_per_base if problem.max_per_base > 0 else problem.sorties)
    cache = {}
    sorties: List[Sortie] = []
    for number in range(problem.sorties):
        if is_canceled():
            return Plan(sorties)
        best = None
        for base in range(len(problem.bases)):
            if quota[base] <= 0:
                continue
            for alpha in alphas:
                tour = cache.get((base, alpha))
                # a cached tour stays what the build would give while none of its chunks is taken
                if tour is None or any(not available[c] for c, _ in tour.visits):
                    tour = cache[(base, alpha)] = build_tour(problem, base, available, alpha)
                if tour.visits and (best is None or (tour.weight, -tour.length) > (best.weight + _TOL, -best.length)):
                    best = tour
        if best is None:
            break
        sorties.append(Sortie(best.base, list(best.visits), best.length, best.weight))
        quota[best.base] -= 1
        for c, _ in best.visits:
            available[c] = False
        progress(0.5 * (number + 1) / problem.sorties)
    total_rounds = min(max(rounds * len(sorties), MIN_ROUNDS), MAX_ROUNDS) if sorties else 0
    sorties = local_search(problem, sorties, available, total_rounds, is_canceled=is_canceled)
    progress(0.9)
    if partial and problem.paths is not None and problem.distance_from is not None:
        _partial_visits(problem, sorties, available, quota, is_canceled)
    progress(1.0)
    return Plan(sorties)


# -- partial visits ----------------------------------------------------------------------------
class _Remaining:
    """What is left of each chunk: whole, a part flyable from its far end, or nothing."""

    def __init__(self, problem, available):
        self.problem = problem
        self.whole = available.copy()
        self.limit = {}  # chunk -> (way, longest flight) for a chunk already partly flown

    def options(self):
        for c in np.flatnonzero(self.whole):
            for v in range(4):
                yield int(c), v, np.inf
        for c, (v, limit) in self.limit.items():
            yield c, v, limit


def _profile(problem, c, v):
    """Breakpoints of flown length against weight along way v of chunk c (lanes and hops)."""
    lengths, weights, _starts, _ends, hops = problem.paths[c][v]
    seg_start = np.concatenate([[0.0], np.cumsum(lengths[:-1] + hops)]) if len(lengths) else np.zeros(0)
    seg_end = seg_start + lengths
    before = np.concatenate([[0.0], np.cumsum(weights[:-1])]) if len(weights) else np.zeros(0)
    return seg_start, seg_end, before


def _point_at(problem, c, v, k, along):
    _lengths, _weights, starts, ends, _hops = problem.paths[c][v]
    length = _lengths[k]
    t = 0.0 if length <= 0 else min(max(along / length, 0.0), 1.0)
    return starts[k] + t * (ends[k] - starts[k])


def best_partial(problem: Problem, base: int, visits, slack: float, remaining: "_Remaining") -> Optional[Partial]:
    """The part of one chunk that adds the most weight within ``slack`` metres of extra flight."""
    d = problem.dist
    outs, ins = _ends(problem, base, visits)
    direct = d[outs, ins]
    best: Optional[Partial] = None
    order = []
    for c, v, limit in remaining.options():
        reach = slack + direct - d[outs, problem.entry[c, v]]  # most lane flight at each position
        if not np.any(reach > 0):
            continue
        seg_start, seg_end, before = _profile(problem, c, v)
        flyable = min(float(reach.max()), limit)
        weights = problem.paths[c][v][1]
        k = int(np.searchsorted(seg_start, flyable, side="right")) - 1
        if k < 0:
            continue
        upper = before[k] + weights[k] * min(1.0, (flyable - seg_start[k]) / max(seg_end[k] - seg_start[k], 1e-9))
        order.append((upper, c, v, limit, reach))
    order.sort(key=lambda item: -item[0])
    for upper, c, v, limit, reach in order:
        if best is not None and upper <= best.weight + _TOL:
            break
        seg_start, seg_end, before = _profile(problem, c, v)
        weights = problem.paths[c][v][1]
        for position in np.argsort(-reach):
            if reach[position] <= 0:
                break
            entry_cost = d[outs[position], problem.entry[c, v]]
            target = np.array([ins[position]])

            def cost(flown, k, c=c, v=v, seg_start=seg_start, entry_cost=entry_cost, target=target, position=position):
                point = _point_at(problem, c, v, k, flown - seg_start[k])
                return entry_cost + flown + problem.distance_from(point, target)[0] - direct[position], point

            top = min(limit, float(reach[position]))
            # the cost grows with the length flown (triangle inequality): bisect for the longest
            feasible_k = -1
            for k in range(len(seg_start)):
                if seg_start[k] > top or cost(seg_start[k], k)[0] > slack + _TOL:
                    break
                feasible_k = k
            if feasible_k < 0:
                continue
            k = feasible_k
            lo, hi = seg_start[k], min(seg_end[k], top)
            if cost(hi, k)[0] <= slack + _TOL:
                lo = hi
            else:
                for _ in range(40):
                    mid = 0.5 * (lo + hi)
                    if cost(mid, k)[0] <= slack + _TOL:
                        lo = mid
                    else:
                        hi = mid
            span = max(seg_end[k] - seg_start[k], 1e-9)
            gained = before[k] + weights[k] * (lo - seg_start[k]) / span
            if gained > _TOL and (best is None or gained > best.weight + _TOL):
                added, point = cost(lo, k)
                best = Partial(c, v, float(lo), float(gained), float(added), int(position), tuple(point))
    return best


def _partial_visits(problem, sorties, available, quota, is_canceled):
    remaining = _Remaining(problem, available)

    def take(part):
        c = part.chunk
        total = _profile(problem, c, part.way)[1][-1]
        if c in remaining.limit:
            del remaining.limit[c]
        else:
            remaining.whole[c] = False
            left = total - part.flown
            if left > _TOL:
                remaining.limit[c] = (int(problem.reverse[c, part.way]), left)

    # best first: the sortie whose spare endurance adds the most takes its part, then the others
    # whose best part was in that chunk look again (a part taken leaves at most the rest of its chunk,
    # flown from the far end: no option grows, so the other sorties' best parts stay the best)
    def best_for(sortie):
        return best_partial(problem, sortie.base, sortie.visits, problem.endurance - sortie.length, remaining)

    parts = {i: best_for(sortie) for i, sortie in enumerate(sorties)}
    while not is_canceled():
        found = [(part.weight, i) for i, part in parts.items() if part is not None]
        if not found:
            break
        _weight, i = max(found)
        part = parts.pop(i)
        sorties[i].partial = part
        take(part)
        for j, other in parts.items():
            if other is not None and other.chunk == part.chunk:
                parts[j] = best_for(sorties[j])
    # sorties left over: one partial flight each from the base where it adds most
    while len(sorties) < problem.sorties and not is_canceled():
        best = None
        for base in range(len(problem.bases)):
            if quota[base] <= 0:
                continue
            part = best_partial(problem, base, [], problem.endurance, remaining)
            if part is not None and (best is None or part.weight > best[1].weight):
                best = (base, part)
        if best is None:
            return
        base, part = best
        sorties.append(Sortie(base, [], 0.0, 0.0, part))
        quota[base] -= 1
        take(part)


# -- baselines -----------------------------------------------------------------------------------
def nearest_neighbour(problem: Problem) -> Plan:
    """The plain baseline: sortie k leaves base k mod B and flies to the nearest chunk it can
    still fly and return from, again and again."""
    d = problem.dist
    available = problem.weight > 0
    sorties = []
    for number in range(problem.sorties):
        base = number % len(problem.bases)
        bp = problem.bases[base]
        here, length, visits = bp, 0.0, []
        while True:
            to_entry = d[here, problem.entry]
            total = length + to_entry + problem.service + d[problem.exit, bp]
            to_entry = np.where(available[:, None] & (total <= problem.endurance + _TOL), to_entry, np.inf)
            if not np.isfinite(to_entry).any():
                break
            c, v = np.unravel_index(int(np.argmin(to_entry)), to_entry.shape)
            visits.append((int(c), int(v)))
            length += d[here, problem.entry[c, v]] + problem.service[c, v]
            here = problem.exit[c, v]
            available[c] = False
        if visits:
            length = tour_length(problem, base, visits)
            sorties.append(Sortie(base, visits, length, float(problem.weight[[c for c, _ in visits]].sum())))
    return Plan(sorties)


def exact(problem: Problem) -> Tuple[float, List[Tuple[int, List[int]]]]:
    """The best plan of whole chunks (no per-base limit), by dynamic programming over subsets:
    the shortest tour over every subset from every base (Held–Karp over the chunks' four ways),
    then the best choice of at most ``sorties`` disjoint feasible subsets. Returns the weight and
    [(base, chunks)]. Only for small instances (EXACT_MAX_CHUNKS)."""
    n = problem.chunks
    if n > EXACT_MAX_CHUNKS:
        raise ValueError(f"exact() takes at most {EXACT_MAX_CHUNKS} chunks, not {n}")
    d = problem.dist
    full = 1 << n
    ent, ext, srv = problem.entry.reshape(-1), problem.exit.reshape(-1), problem.service.reshape(-1)
    step = d[ext[:, None], ent[None, :]] + srv[None, :]  # from (c, v) to (c', v')
    shortest = np.full(full, np.inf)
    shortest[0] = 0.0
    best_base = np.full(full, -1)
    for base, bp in enumerate(problem.bases):
        dp = np.full((full, 4 * n), np.inf)
        for c in range(n):
            dp[1 << c, 4 * c : 4 * c + 4] = d[bp, problem.entry[c]] + problem.service[c]
        back = d[ext, bp]
        for subset in range(1, full):
            row = dp[subset]
            if not np.isfinite(row).any():
                continue
            closed = float((row + back).min())
            if closed < shortest[subset]:
                shortest[subset], best_base[subset] = closed, base
            reach = (row[:, None] + step).min(axis=0)
            for c in range(n):
                if not subset & (1 << c):
                    block = slice(4 * c, 4 * c + 4)
                    grown = subset | (1 << c)
                    dp[grown, block] = np.minimum(dp[grown, block], reach[block])
    masks = np.arange(full)
    bits = (masks[:, None] >> np.arange(n)) & 1
    value = np.where(shortest <= problem.endurance + _TOL, bits @ problem.weight, -np.inf)
    value[0] = 0.0
    # one[U]: the heaviest feasible subset of U (a max over subsets, one bit at a time)
    one, one_pick = value.copy(), np.where(np.isfinite(value), masks, 0)
    for bit in range(n):
        has = masks[(masks >> bit) & 1 == 1]
        better = one[has ^ (1 << bit)] > one[has]
        one[has[better]] = one[has[better] ^ (1 << bit)]
        one_pick[has[better]] = one_pick[has[better] ^ (1 << bit)]
    layers, picks = [one], [one_pick]
    feasible = [sub for sub in range(1, full) if np.isfinite(value[sub])]
    for _ in range(problem.sorties - 1):
        prev = layers[-1]
        layer, pick = prev.copy(), np.zeros(full, dtype=np.int64)
        for sub in feasible:  # layer[U] = max over feasible S ⊆ U of value[S] + prev[U − S]
            supersets = masks[(masks & sub) == sub]
            total = value[sub] + prev[supersets & ~sub]
            better = total > layer[supersets] + _TOL
            layer[supersets[better]] = total[better]
            pick[supersets[better]] = sub
        layers.append(layer)
        picks.append(pick)
    rest, result = full - 1, []
    for k in range(len(layers) - 1, -1, -1):
        sub = int(picks[k][rest])
        if sub:
            result.append((int(best_base[sub]), [c for c in range(n) if sub >> c & 1]))
            rest &= ~sub
    total = float(sum(problem.weight[cs].sum() for _, cs in result))
    return total, result
