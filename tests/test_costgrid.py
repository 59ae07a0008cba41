"""The shared cost grid: the cost model from plain inputs and the one search routine, run from
many sources at once with every cell labelled by its cheapest source."""

import numpy as np
import pytest
from qgis.core import QgsGeometry, QgsRectangle

from border_gaps.analysis import costgrid


def test_every_cell_is_labelled_by_its_cheapest_source_as_one_search_per_source_finds():
    rng = np.random.default_rng(21)
    cost = 1.0 + 4.0 * rng.random((60, 90))
    sources = [(5, 7), (50, 12), (30, 45), (8, 80), (55, 85)]
    cumulative, labels = costgrid.multi_source_search(cost, sources)
    each = np.stack([costgrid.multi_source_search(cost, [s])[0] for s in sources])
    # the multi-source cumulative cost is the least of the single-source ones, everywhere
    assert np.allclose(cumulative, each.min(axis=0), rtol=1e-12)
    # and the label names a source that achieves it (exact ties may go to either)
    achieved = np.take_along_axis(each, labels[None].astype(np.intp), axis=0)[0]
    assert np.allclose(achieved, cumulative, rtol=1e-12)
    assert (labels == each.argmin(axis=0)).mean() > 0.999
    for index, (r, c) in enumerate(sources):
        assert labels[r, c] == index and cumulative[r, c] == 0.0


def test_cells_no_source_reaches_have_no_label_and_a_shared_cell_goes_to_the_first_source():
    cost = np.ones((20, 20))
    cost[:, 10] = np.inf  # a wall: the right half is out of reach
    cumulative, labels = costgrid.multi_source_search(cost, [(3, 3), (3, 3), (15, 2)])
    assert np.all(labels[:, 10:] == -1) and np.all(np.isinf(cumulative[:, 11:]))
    assert set(np.unique(labels[:, :10])) == {0, 2}  # source 1 shares source 0's cell: it gets none
    # open ground: a cell belongs to the nearer source (octile distance), e.g. (0, 0) to (3, 3)
    assert labels[0, 0] == 0 and labels[19, 0] == 2


def test_cost_model_from_plain_inputs_burns_roads_and_post_discs():
    grid = costgrid.plan_grid(QgsRectangle(0, 0, 2_000, 1_000), 100.0, 0.0)
    road = QgsGeometry.fromWkt("LINESTRING(0 550, 2000 550)")
    model = costgrid.build_cost_model(
        roads=[road], road_factor=0.25, post_discs=[(1_500.0, 500.0, 300.0), (200.0, 200.0, 0.0)]
    )
    assert len(model.coverage) == 1  # a post with reach 0 covers nothing
    cost = costgrid.cost_surface(grid, model)
    row = grid.cell_of(100.0, 550.0)[0]
    assert np.all(cost[row, :10] == 0.25)  # the road's row, away from the disc
    assert cost[grid.cell_of(1_550.0, 450.0)] == pytest.approx(5.0)  # inside the disc: × detection factor
    assert cost[grid.cell_of(150.0, 150.0)] == 1.0
