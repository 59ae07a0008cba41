"""The line-sweep least-cost search and the batched tautening against the paths they replace:
scikit-image's MCP_Geometric (costgrid.LeastCostSearch) and corridors.straighten, on seeded
scenes (issue 19: the results do not change)."""

import math

import numpy as np
import pytest
from qgis.core import QgsRectangle
from scipy.ndimage import zoom

from border_gaps.analysis import corridors
from border_gaps.analysis.costgrid import LeastCostSearch, choose_engine, multi_source_search
from border_gaps.analysis.sweepsearch import SweepSearch
from border_gaps.analysis.taut import pull_taut

REL = 1e-9  # "the same cost": MCP_Geometric's sums and ours round differently by ~1e-15


def scene(seed, rows, cols, ties=False, blocked=0.15, n_starts=5):
    """Rolling costs (or costs of 1 and 2 only, full of equal-cost ties), scattered impassable
    cells and a wall with one opening; starts in the western third."""
    rng = np.random.default_rng(seed)
    if ties:
        cost = rng.integers(1, 3, (rows, cols)).astype(np.float64)
    else:
        hills = zoom(rng.random((8, 8)), (rows / 8, cols / 8), order=1)[:rows, :cols]
        cost = 1.0 + 3.0 * hills + rng.random((rows, cols))
    cost[rng.random((rows, cols)) < blocked] = np.inf
    if cols > 2:
        cost[: rows * 3 // 4, cols // 2] = np.inf
    starts = [
        (int(r), int(c)) for r, c in zip(rng.integers(0, rows, n_starts), rng.integers(0, max(1, cols // 3), n_starts))
    ]
    for start in starts:
        cost[start] = 1.0
    return cost, starts


def path_cost(cost, cells):
    """MCP_Geometric's cost of a chain of moves: length (1 or √2) x the mean of the two cells."""
    steps = np.abs(np.diff(cells, axis=0)).sum(axis=1)
    length = np.where(steps == 2, math.sqrt(2.0), 1.0)
    c = cost.astype(np.float64)
    return float(np.sum(length * 0.5 * (c[cells[:-1, 0], cells[:-1, 1]] + c[cells[1:, 0], cells[1:, 1]])))


SCENES = [
    (seed, shape, ties, dtype)
    for seed, shape, ties in [
        (1, (60, 80), False),
        (2, (130, 70), True),
        (3, (200, 200), False),
        (4, (1, 50), False),
        (5, (50, 1), True),
        (6, (97, 131), True),
    ]
    for dtype in (np.float64, np.float32)
]


@pytest.mark.parametrize(("seed", "shape", "ties", "dtype"), SCENES)
def test_sweeps_find_mcp_geometrics_costs_and_paths_that_cost_them(seed, shape, ties, dtype):
    cost, starts = scene(seed, *shape, ties=ties)
    cost = cost.astype(dtype)
    reference = LeastCostSearch(cost).run(starts)
    search = SweepSearch(cost, labels=True)
    got = search.run(starts)
    reached = np.isfinite(reference)
    # the same cells reached (the wall and the scattered blocks cut some off), the same costs
    assert np.array_equal(np.isfinite(got), reached)
    assert got[reached] == pytest.approx(reference[reached], rel=REL, abs=0)
    # every traced path: from a start to its end by single 8-connected moves, costing the
    # cumulative cost of its end, and starting at the start the labels name
    ends = [tuple(e) for e in np.argwhere(reached)[:: max(1, int(reached.sum()) // 60)]]
    labels = search.nearest_start(starts)
    for end, cells in zip(ends, search.paths(ends)):
        assert tuple(cells[-1]) == end
        assert tuple(cells[0]) == starts[labels[end]]
        moves = np.abs(np.diff(cells, axis=0))
        assert moves.max(initial=1) == 1 and moves.sum(axis=1).min(initial=1) >= 1
        assert path_cost(cost, cells) == pytest.approx(reference[end], rel=REL, abs=1e-12)
        assert np.all(np.isfinite(cost[cells[:, 0], cells[:, 1]]))


def test_labels_equal_mcp_geometrics_where_no_two_starts_tie():
    # continuous random costs: no two starts reach a cell at exactly the same cost
    cost, starts = scene(7, 120, 150, n_starts=9)
    mcp_cost, mcp_labels = multi_source_search(cost, starts, engine="mcp")
    sweep_cost, sweep_labels = multi_source_search(cost, starts, engine="sweep")
    assert np.array_equal(sweep_labels, mcp_labels)
    reached = np.isfinite(mcp_cost)
    assert sweep_cost[reached] == pytest.approx(mcp_cost[reached], rel=REL, abs=0)
    assert (sweep_labels[~reached] == -1).all()


def test_hand_solved_line_diagonal_and_detour():
    # one row of costs 1..5 from the left end: each move costs the mean of its two cells,
    # 1.5, 2.5, 3.5, 4.5, so the cumulative costs are 0, 1.5, 4, 7.5, 12
    search = SweepSearch(np.array([[1.0, 2.0, 3.0, 4.0, 5.0]]))
    assert search.run([(0, 0)])[0] == pytest.approx([0.0, 1.5, 4.0, 7.5, 12.0], rel=1e-15)
    # open ground, 3 x 3 cells: two diagonal moves, 2√2, the corner reached from the centre
    search = SweepSearch(np.ones((3, 3)))
    assert search.run([(0, 0)])[2, 2] == pytest.approx(2 * math.sqrt(2), rel=1e-15)
    assert search.paths([(2, 2)])[0].tolist() == [[0, 0], [1, 1], [2, 2]]
    # a wall down column 2 open only at the bottom row (a negative cost is impassable, as
    # MCP_Geometric reads it): from (0, 0) to (0, 4) through (4, 2), each half 2 straight and
    # 2 diagonal moves on cost 1: 2 (2 + 2√2) = 4 + 4√2
    cost = np.ones((5, 5))
    cost[:4, 2] = -1
    search = SweepSearch(cost)
    cum = search.run([(0, 0)])
    assert cum[0, 4] == pytest.approx(4 + 4 * math.sqrt(2), rel=1e-15)
    assert np.isinf(cum[:4, 2]).all()
    assert (4, 2) in {tuple(cell) for cell in search.paths([(0, 4)])[0]}


def test_unreached_end_is_its_own_cell_alone_and_shared_start_cells_keep_the_first():
    cost = np.ones((4, 6))
    cost[:, 3] = np.inf  # the east is cut off
    search = SweepSearch(cost, labels=True)
    cum = search.run([(1, 1), (1, 1), (2, 0)])
    assert np.isinf(cum[:, 3:]).all()
    assert search.paths([(0, 5)])[0].tolist() == [[0, 5]]
    labels = search.nearest_start([(1, 1), (1, 1), (2, 0)])
    assert labels[1, 1] == 0 and labels[2, 0] == 2 and (labels[:, 3:] == -1).all()


def test_batched_tautening_keeps_the_same_corners_as_straighten():
    cost, starts = scene(11, 150, 180, blocked=0.03)
    search = LeastCostSearch(cost)
    cum = search.run(starts[:3])
    rng = np.random.default_rng(3)
    reachable = np.argwhere(np.isfinite(cum))
    ends = [tuple(reachable[i]) for i in rng.choice(len(reachable), 40, replace=False)]
    traced = [search.path(end) for end in ends]
    taut = pull_taut([c for c, _ in traced], [a for _, a in traced], cost)
    assert len(taut) == len(ends)
    for (cells, along), pulled in zip(traced, taut):
        assert np.array_equal(pulled, corridors.straighten(cells, along, cost))


def routes_scene():
    rng = np.random.default_rng(5)
    grid = corridors.plan_grid(QgsRectangle(0, 0, 20_000, 12_000), 100.0, 0.0)
    cost = 1.0 + 2.0 * zoom(rng.random((6, 6)), (grid.rows / 6, grid.cols / 6), order=1)[: grid.rows, : grid.cols]
    cost += 0.5 * rng.random(cost.shape)
    cost[20:100, 95:100] = np.inf  # a ridge with a way round
    origins = [tuple(v) for v in rng.uniform([200, 200], [5_000, 11_800], (12, 2))]
    destinations = [tuple(v) for v in rng.uniform([15_000, 200], [19_800, 11_800], (60, 2))]
    return grid, cost, origins, destinations


@pytest.mark.parametrize("k", [1, 2, 3])
def test_routes_on_the_sweeps_equal_the_routes_on_mcp_geometric(k):
    grid, cost, origins, destinations = routes_scene()
    sweep, sweep_unreachable = corridors.least_cost_routes(cost, grid, origins, destinations, k=k, engine="sweep")
    mcp, mcp_unreachable = corridors.least_cost_routes(cost, grid, origins, destinations, k=k, engine="mcp")
    assert sweep_unreachable == mcp_unreachable == []
    assert len(sweep) == len(mcp) == k * len(destinations)
    for j in range(len(destinations)):
        mine = sorted((r.grid_cost, r.origin) for r in sweep if r.destination == j)
        theirs = sorted((r.grid_cost, r.origin) for r in mcp if r.destination == j)
        # the same origins (continuous costs: no ties) at the same grid costs
        assert [o for _, o in mine] == [o for _, o in theirs]
        assert [c for c, _ in mine] == pytest.approx([c for c, _ in theirs], rel=REL)
    for route in sweep:
        assert route.geometry().isGeosValid()
        assert tuple(route.vertices[0]) == origins[route.origin]
        assert tuple(route.vertices[-1]) == destinations[route.destination]
    # the same grid paths pulled taut the same way: the same lines
    drawn = {(r.destination, r.origin): r.vertices for r in mcp}
    for route in sweep:
        assert np.array_equal(route.vertices, drawn[(route.destination, route.origin)])


def test_engine_is_chosen_by_grid_size_and_k():
    assert choose_engine(500_000, 1) == "mcp"
    assert choose_engine(6_250_000, 1) == "sweep"
    assert choose_engine(6_250_000, 2) == "sweep"
    assert choose_engine(6_250_000, 5) == "mcp"  # one search per point, stopped at the last end
    assert choose_engine(100_000_000, 5) == "sweep"  # MCP_Geometric's 65 bytes per cell would not fit
