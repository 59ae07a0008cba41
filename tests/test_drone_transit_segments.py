"""analysis/drone_transit.py's segment test (EdgeIndex: edges in chunks under boxes) against
the brute force it replaced (every segment against every edge), on seeded random scenes with
the awkward cases: collinear and overlapping segments, shared and touching endpoints,
zero-length segments and edges, segments along edges, coordinates far from the origin."""

import numpy as np
import pytest
from qgis.core import QgsGeometry

from border_gaps.analysis import drone_transit
from border_gaps.analysis.drone_transit import EdgeIndex, NoFlyTransit


def _orient(ax, ay, bx, by, cx, cy):
    return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax)


def brute_force_meet(edges, a, b):
    """The segment test as it was: every segment against every edge, touching counts."""
    a = np.asarray(a, dtype=float).reshape(-1, 2)
    b = np.asarray(b, dtype=float).reshape(-1, 2)
    out = np.zeros(len(a), dtype=bool)
    if not len(edges) or not len(a):
        return out
    x0, y0 = edges[:, [0, 2]].min(), edges[:, [1, 3]].min()
    x1, y1 = edges[:, [0, 2]].max(), edges[:, [1, 3]].max()
    near = ~(
        (np.maximum(a[:, 0], b[:, 0]) < x0)
        | (np.minimum(a[:, 0], b[:, 0]) > x1)
        | (np.maximum(a[:, 1], b[:, 1]) < y0)
        | (np.minimum(a[:, 1], b[:, 1]) > y1)
    )
    cx, cy, dx, dy = (edges[:, k][None, :] for k in range(4))
    for k in np.flatnonzero(near):
        ax, ay, bx, by = a[k, 0], a[k, 1], b[k, 0], b[k, 1]
        boxes = (
            (max(ax, bx) >= np.minimum(cx, dx))
            & (min(ax, bx) <= np.maximum(cx, dx))
            & (max(ay, by) >= np.minimum(cy, dy))
            & (min(ay, by) <= np.maximum(cy, dy))
        )
        o1 = _orient(ax, ay, bx, by, cx, cy)
        o2 = _orient(ax, ay, bx, by, dx, dy)
        o3 = _orient(cx, cy, dx, dy, ax, ay)
        o4 = _orient(cx, cy, dx, dy, bx, by)
        out[k] = (boxes & (o1 * o2 <= 0) & (o3 * o4 <= 0)).any()
    return out


def _ring_edges(rng, n, centre, radius):
    """A closed wiggly ring of n edges (consecutive, as ring_edges gives them)."""
    angle = np.sort(rng.uniform(0, 2 * np.pi, n))
    r = radius * rng.uniform(0.5, 1.0, n)
    pts = np.column_stack([centre[0] + r * np.cos(angle), centre[1] + r * np.sin(angle)])
    return np.hstack([pts, np.roll(pts, -1, axis=0)])


def _scene(seed, origin=(0.0, 0.0), grid=None):
    """Edges (rings, loose edges, zero-length edges) and segments with the degenerate cases
    built from the edges themselves. ``grid``: snap coordinates to it (exact collinearity)."""
    rng = np.random.default_rng(seed)
    ox, oy = origin
    edges = [
        _ring_edges(
            rng,
            int(rng.integers(3, 200)),
            (ox + rng.uniform(-5e3, 5e3), oy + rng.uniform(-5e3, 5e3)),
            rng.uniform(200, 4e3),
        )
        for _ in range(int(rng.integers(1, 4)))
    ]
    loose = np.column_stack([ox + rng.uniform(-8e3, 8e3, (30, 1)), oy + rng.uniform(-8e3, 8e3, (30, 1))])
    edges.append(np.hstack([loose, loose + rng.normal(0, 500, (30, 2))]))
    edges.append(np.repeat(loose[:3], 2, axis=0).reshape(3, 4))  # zero-length edges
    e = np.vstack(edges)
    if grid:
        e = np.round(e / grid) * grid
    c, d = e[:, :2], e[:, 2:]
    pick = lambda m: rng.integers(0, len(e), m)  # noqa: E731
    t = lambda m: rng.uniform(-0.5, 1.5, (m, 1))  # noqa: E731
    i, j = pick(200), pick(200)
    a, b = [], []
    a.append(ox + rng.uniform(-1e4, 1e4, (400, 2)) * [1, 1] + [0, oy - ox])  # random long segments
    b.append(ox + rng.uniform(-1e4, 1e4, (400, 2)) * [1, 1] + [0, oy - ox])
    a.append(c[i] + t(200) * (d[i] - c[i]))  # collinear with an edge: along it, overlapping, beyond it
    b.append(c[i] + t(200) * (d[i] - c[i]))
    a.append(c[i])  # from an edge's endpoint (touching)
    b.append(c[j] + rng.normal(0, 300, (200, 2)))
    a.append(d[i])  # between endpoints of two edges
    b.append(c[j])
    p = c[i] + rng.uniform(0, 1, (200, 1)) * (d[i] - c[i])  # zero-length: on an edge or near it
    a.append(p)
    b.append(p.copy())
    q = p + rng.normal(0, 1.0, (200, 2))
    a.append(q)
    b.append(q.copy())
    mid = 0.5 * (c[i] + d[i])  # ending exactly on an edge's midpoint, from either side
    normal = np.column_stack([-(d[i] - c[i])[:, 1], (d[i] - c[i])[:, 0]])
    a.append(mid + rng.uniform(-2, 2, (200, 1)) * normal)
    b.append(mid.copy())
    a, b = np.vstack(a), np.vstack(b)
    if grid:
        a, b = np.round(a / grid) * grid, np.round(b / grid) * grid
    return e, a, b


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize(
    "origin, grid",
    [((0.0, 0.0), None), ((400_000.0, 4_000_000.0), None), ((0.0, 0.0), 250.0), ((350_000.0, 4_100_000.0), 1.0)],
)
def test_edge_index_gives_the_brute_force_booleans(seed, origin, grid):
    edges, a, b = _scene(seed, origin, grid)
    expected = brute_force_meet(edges, a, b)
    ours = EdgeIndex(edges).segments_meet(a, b)
    assert ours.dtype == bool and ours.shape == expected.shape
    assert np.array_equal(ours, expected)
    assert 0.05 < expected.mean() < 0.95  # the scene has both kinds


def test_edge_index_in_small_batches_gives_the_same_booleans(monkeypatch):
    edges, a, b = _scene(99, (400_000.0, 4_000_000.0))
    expected = brute_force_meet(edges, a, b)
    monkeypatch.setattr(drone_transit, "_PAIRS_PER_BATCH", 100)
    assert np.array_equal(EdgeIndex(edges).segments_meet(a, b), expected)


def test_edge_index_with_no_edges_or_no_segments():
    assert EdgeIndex(np.zeros((0, 4))).segments_meet([(0, 0)], [(1, 1)]).tolist() == [False]
    assert EdgeIndex(np.array([[0.0, 0, 1, 1]])).segments_meet(np.zeros((0, 2)), np.zeros((0, 2))).size == 0
    one = EdgeIndex(np.array([[0.0, 0.0, 10.0, 0.0]]))  # one edge, a chunk of mostly padding
    a = [(5, -1), (5, 0), (10, 0), (11, 0), (-1, 0), (5, 1e-9), (0, 0)]
    b = [(5, 1), (5, 3), (12, 0), (12, 0), (20, 0), (6, 1e-9), (0, 0)]
    assert one.segments_meet(a, b).tolist() == [True, True, True, False, True, False, True]


@pytest.mark.parametrize("seed", range(4))
def test_transit_segments_blocked_matches_the_brute_force_on_zones(seed, qgis_app):
    rng = np.random.default_rng(seed)
    parts = []
    for _ in range(6):
        x, y = rng.uniform(-8000, 8000, 2)
        blob = QgsGeometry.fromWkt(f"POINT({400_000 + x} {4_000_000 + y})").buffer(rng.uniform(300, 3000), 5)
        parts.append(blob)
    transit = NoFlyTransit(QgsGeometry.unaryUnion(parts))
    nodes = transit.nodes
    i, j = np.triu_indices(len(nodes), 1)
    a = np.vstack([nodes[i], 400_000 + rng.uniform(-1e4, 1e4, (500, 2)) + [0, 3_600_000]])
    b = np.vstack([nodes[j], 400_000 + rng.uniform(-1e4, 1e4, (500, 2)) + [0, 3_600_000]])
    expected = brute_force_meet(transit.edges, a, b)
    assert np.array_equal(transit.segments_blocked(a, b), expected)
    assert 0.05 < expected.mean() < 0.95


def _blob_transit(seed):
    rng = np.random.default_rng(seed)
    parts = [
        QgsGeometry.fromWkt(f"POINT({x} {y})").buffer(rng.uniform(300, 3000), 5)
        for x, y in rng.uniform(-8000, 8000, (6, 2))
    ]
    return rng, NoFlyTransit(QgsGeometry.unaryUnion(parts))


def test_node_tables_kept_per_point_give_the_tables_computed_afresh(monkeypatch, qgis_app):
    rng, transit = _blob_transit(3)
    points = rng.uniform(-12000, 12000, (40, 2))
    asked = np.vstack([points[:25], points[10:40], points[:5], points[:5]])  # repeats, within and across calls
    monkeypatch.setattr(drone_transit, "_TABLE_CACHE_FLOATS", 20 * 2 * len(transit.nodes))  # room for 20 points
    direct, closed = transit.node_tables(asked[:30])
    again_direct, again_closed = transit.node_tables(asked)
    assert len(transit._tables) <= 20
    _, fresh = _blob_transit(3)
    for table, rows in ((0, asked[:30]), (1, asked)):
        expected = [fresh._compute_tables(p[None, :]) for p in rows]
        got = (direct, closed) if table == 0 else (again_direct, again_closed)
        assert np.array_equal(got[0], np.vstack([e[0] for e in expected]))
        assert np.array_equal(got[1], np.vstack([e[1] for e in expected]))
    direct[:] = -1.0  # the caller's copy: what is kept stays as computed
    assert np.array_equal(transit.node_tables(asked[:30])[0], again_direct[:30])
    assert transit.node_tables(np.zeros((0, 2)))[0].shape == (0, len(transit.nodes))
