"""One arrangement of the coverage over the seam: the seam cut into faces by every coverage
boundary, each face knowing when it is watched (the minutes of the day of the sources over it).

Built once, tile by tile (the tiles and worker threads of the gap merge in geometry.py); every
time slice, and every pattern of unwatched hours, is then assembled from the faces without another
overlay: the faces of a slice's gaps are joined by tracing the edges between gap and non-gap faces
into rings (numpy), and the parts that touch a tile's cut are merged across it as in the gap merge.
"""

import math
import struct
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Sequence

import numpy as np
from qgis.core import QgsGeometry, QgsRectangle
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from . import workers
from .geometry import (
    _CUT_TOLERANCE,
    SeamCoverage,
    _Split,
    _Tiler,
    check_canceled,
    polygon_parts,
    rectangle_geometry,
    union_all,
)
from .schedule import MINUTES

#: Coverage pieces per tile of the arrangement: few tiles, since each cut costs a merge in every slice.
ARRANGEMENT_TILE_PIECES = 400

#: A traced vertex this close (m) to the line of its neighbours is left out of a straightened ring: a
#: node where another boundary crossed lies on the segment to a few units of the last place (1e-9 m).
STRAIGHT_TOLERANCE = 1e-6


def polygon_rings(geom: QgsGeometry) -> List[np.ndarray]:
    """The rings (closed (n, 2) arrays, exterior first) of a single polygon, read from its WKB."""
    data = bytes(geom.asWkb())
    if data[0] != 1:  # big-endian WKB is not what QGIS writes here; read through the API instead
        poly = geom.constGet()
        rings = [poly.exteriorRing()] + [poly.interiorRing(i) for i in range(poly.numInteriorRings())]
        return [np.array([(p.x(), p.y()) for p in ring.points()], dtype=float) for ring in rings]
    (nrings,) = struct.unpack_from("<I", data, 5)
    offset, rings = 9, []
    for _ in range(nrings):
        (n,) = struct.unpack_from("<I", data, offset)
        offset += 4
        rings.append(np.frombuffer(data, dtype="<f8", count=2 * n, offset=offset).reshape(n, 2))
        offset += 16 * n
    return rings


def points_in_rings(px: np.ndarray, py: np.ndarray, rings: Sequence[np.ndarray]) -> np.ndarray:
    """Which points lie inside a polygon given by its rings (even-odd crossings of a ray to +x).
    Used only for face interior points, which never lie on an edge."""
    inside = np.zeros(len(px), dtype=bool)
    if not len(px):
        return inside
    for ring in rings:
        x0, y0, x1, y1 = ring[:-1, 0], ring[:-1, 1], ring[1:, 0], ring[1:, 1]
        straddles = (y0[None, :] > py[:, None]) != (y1[None, :] > py[:, None])
        with np.errstate(divide="ignore", invalid="ignore"):
            cross_x = x0[None, :] + (py[:, None] - y0[None, :]) * (x1 - x0)[None, :] / (y1 - y0)[None, :]
        inside ^= (np.count_nonzero(straddles & (px[:, None] < cross_x), axis=1) % 2).astype(bool)
    return inside


@dataclass
class TileFaces:
    """The faces of one tile and their directed edges (face on the left of each)."""

    faces: List[QgsGeometry]
    watched: np.ndarray  # (faces, MINUTES) bool: some source watches the face at that minute
    seg_xy: np.ndarray  # (segments, 4): x0, y0, x1, y1
    seg_face: np.ndarray
    seg_twin: np.ndarray  # the same segment seen from the face on its other side, or -1
    seg_start: np.ndarray  # node ids
    seg_end: np.ndarray
    origin: tuple
    cache: Dict[bytes, list] = field(default_factory=dict)
    bounds: Optional[tuple] = None  # the tile's rectangle (x0, y0, x1, y1): its edges are cuts

    def parts(self, group: np.ndarray, straighten: bool = False) -> Dict[int, List[QgsGeometry]]:
        """Polygons of each group of faces (``group[f]`` ≥ 0; -1: in none), joined where faces of
        one group share an edge. Results are cached by the grouping. ``straighten``: traced rings
        leave out the vertices that lie on the line of their neighbours (within
        :data:`STRAIGHT_TOLERANCE`): the nodes where another coverage boundary crosses, which a
        gapzones overlay would not have either."""
        key = group.tobytes() + bytes([straighten])
        hit = self.cache.get(key)
        if hit is None:
            hit = self.cache[key] = _assemble(self, group, straighten)
        return hit


def build_tile(
    rect: QgsRectangle, region: QgsGeometry, pieces: Sequence[QgsGeometry], boxes: np.ndarray, masks: np.ndarray
) -> Optional[TileFaces]:
    """The arrangement of ``pieces`` (already clipped to ``rect`` where they cross it) in ``region``."""
    if region.isEmpty():
        return None
    if len(pieces):
        lines = [QgsGeometry(p.constGet().boundary()) for p in pieces]
        lines.append(QgsGeometry(region.constGet().boundary()))
        noded = QgsGeometry.unaryUnion(lines)
        faces = polygon_parts(QgsGeometry.polygonize([noded]))
    else:
        faces = polygon_parts(region)
    engine = QgsGeometry.createGeometryEngine(region.constGet())
    engine.prepareGeometry()
    kept, px, py = [], [], []
    for face in faces:
        if face.area() <= 0.0:
            continue
        point = face.pointOnSurface()  # held: its constGet() must outlive the test
        if point.isEmpty() or not engine.intersects(point.constGet()):
            continue  # a face of a piece's part outside the seam
        xy = point.asPoint()
        kept.append(face)
        px.append(xy.x())
        py.append(xy.y())
    px, py = np.array(px, dtype=float), np.array(py, dtype=float)
    watched = np.zeros((len(kept), MINUTES), dtype=bool)
    for piece, box, mask in zip(pieces, boxes, masks):
        near = np.flatnonzero((px >= box[0]) & (px <= box[2]) & (py >= box[1]) & (py <= box[3]))
        if not len(near):
            continue
        for part in polygon_parts(piece):
            inside = near[points_in_rings(px[near], py[near], polygon_rings(part))]
            watched[inside] |= mask
    tile = _edges(kept, watched, (rect.xMinimum(), rect.yMinimum()))
    tile.bounds = (rect.xMinimum(), rect.yMinimum(), rect.xMaximum(), rect.yMaximum())
    return tile


def _edges(faces: List[QgsGeometry], watched: np.ndarray, origin) -> TileFaces:
    """Directed segments of every face ring, the face on the left of each, node ids and twins."""
    rings, exterior, owner = [], [], []
    for f, face in enumerate(faces):
        for k, ring in enumerate(polygon_rings(face)):
            if len(ring) >= 4:
                rings.append(ring)
                exterior.append(k == 0)
                owner.append(f)
    if not rings:
        empty = np.zeros(0, dtype=np.int64)
        return TileFaces(faces, watched, np.zeros((0, 4)), empty, empty, empty, empty, origin)
    sizes = np.array([len(r) for r in rings])
    points = np.concatenate(rings)
    ring_of = np.repeat(np.arange(len(rings)), sizes)
    seg = np.flatnonzero(ring_of[:-1] == ring_of[1:])  # point i to point i + 1 of the same ring
    a, b = points[seg], points[seg + 1]
    seg_ring = ring_of[seg]
    ox, oy = origin
    cross = (a[:, 0] - ox) * (b[:, 1] - oy) - (b[:, 0] - ox) * (a[:, 1] - oy)
    area = np.bincount(seg_ring, weights=cross, minlength=len(rings))
    flip = (area > 0) != np.array(exterior)  # exterior counter-clockwise, holes clockwise: face on the left
    swap = flip[seg_ring]
    a, b = np.where(swap[:, None], b, a), np.where(swap[:, None], a, b)
    keep = np.any(a != b, axis=1)
    a, b, seg_ring = a[keep], b[keep], seg_ring[keep]
    seg_face = np.array(owner, dtype=np.int64)[seg_ring]
    n = len(a)
    both = np.vstack([a, b])
    order = np.lexsort((both[:, 1], both[:, 0]))
    ordered = both[order]
    new_node = np.concatenate(([True], np.any(ordered[1:] != ordered[:-1], axis=1)))
    node = np.empty(2 * n, dtype=np.int64)
    node[order] = np.cumsum(new_node) - 1
    seg_start, seg_end = node[:n], node[n:]
    nodes = int(node.max()) + 1
    key = seg_start * nodes + seg_end
    by_key = np.argsort(key, kind="stable")
    sorted_key = key[by_key]
    reverse = seg_end * nodes + seg_start
    pos = np.minimum(np.searchsorted(sorted_key, reverse), n - 1)
    twin = np.where(sorted_key[pos] == reverse, by_key[pos], -1)
    return TileFaces(faces, watched, np.hstack([a, b]), seg_face, twin, seg_start, seg_end, origin)


def _assemble(tile: TileFaces, group: np.ndarray, straighten: bool = False) -> Dict[int, List[QgsGeometry]]:
    """Rings traced along the edges where the group changes: each connected set of faces of one
    group gives one polygon (its one counter-clockwise ring and its clockwise holes). A set whose
    boundary meets itself at a node (two edges of the group leave it) is joined with GEOS instead."""
    out: Dict[int, List[QgsGeometry]] = {}
    if not len(tile.seg_face) or not np.any(group >= 0):
        return out
    left = group[tile.seg_face]
    has_twin = tile.seg_twin >= 0
    right = np.full(len(left), -1, dtype=group.dtype)
    right[has_twin] = group[tile.seg_face[tile.seg_twin[has_twin]]]
    # faces of one group sharing an edge are one part
    inner = np.flatnonzero(has_twin & (left >= 0) & (left == right))
    nf = len(tile.faces)
    graph = coo_matrix(
        (np.ones(len(inner), dtype=np.int8), (tile.seg_face[inner], tile.seg_face[tile.seg_twin[inner]])),
        shape=(nf, nf),
    )
    _, comp = connected_components(graph, directed=False)
    edge = np.flatnonzero((left >= 0) & (left != right))
    groups = int(group.max()) + 2
    out_key = tile.seg_start[edge] * groups + left[edge]
    in_key = tile.seg_end[edge] * groups + left[edge]
    order = np.argsort(out_key, kind="stable")
    sorted_out = out_key[order]
    first = np.searchsorted(sorted_out, in_key, side="left")
    last = np.searchsorted(sorted_out, in_key, side="right")
    ambiguous = (last - first) != 1
    edge_comp = comp[tile.seg_face[edge]]
    complex_comps = np.unique(edge_comp[ambiguous])
    is_complex = np.zeros(nf, dtype=bool)
    is_complex[complex_comps] = True
    simple = np.flatnonzero(~is_complex[edge_comp])
    if len(simple):
        succ_all = order[np.minimum(first, len(order) - 1)]
        remap = np.full(len(edge), -1, dtype=np.int64)
        remap[simple] = np.arange(len(simple))
        nxt = remap[succ_all[simple]]
        if np.any(nxt < 0):  # cannot happen for a closed boundary; be safe
            is_complex[np.unique(edge_comp[simple[nxt < 0]])] = True
            return _with_fallback(tile, group, comp, is_complex, out)
        traced = _trace(tile, edge[simple], nxt, left[edge[simple]], edge_comp[simple], is_complex, straighten)
        for k, polygon in traced:
            out.setdefault(k, []).append(polygon)
    return _with_fallback(tile, group, comp, is_complex, out)


def _with_fallback(tile, group, comp, is_complex, out):
    complex_faces = np.flatnonzero(is_complex[comp] & (group >= 0))
    if len(complex_faces):
        by_comp: Dict[int, List[int]] = {}
        for f in complex_faces:
            by_comp.setdefault(int(comp[f]), []).append(int(f))
        for faces in by_comp.values():
            merged = union_all([tile.faces[f] for f in faces])
            out.setdefault(int(group[faces[0]]), []).extend(polygon_parts(merged))
    return out


def _trace(tile, segs, nxt, seg_group, seg_comp, is_complex, straighten=False):
    """(group, polygon) of each simple part, from its boundary segments and their successors."""
    n = len(segs)
    label = np.arange(n)
    jump = nxt.copy()
    for _ in range(max(1, math.ceil(math.log2(n + 1))) + 1):
        label = np.minimum(label, label[jump])
        jump = jump[jump]
    pred = np.empty(n, dtype=np.int64)
    pred[nxt] = np.arange(n)
    reps = np.flatnonzero(label == np.arange(n))
    link = nxt.copy()
    dist = np.ones(n, dtype=np.int64)
    terminal = pred[reps]
    link[terminal] = terminal
    dist[terminal] = 0
    for _ in range(max(1, math.ceil(math.log2(n + 1))) + 1):
        dist = dist + dist[link]
        link = link[link]
    order = np.lexsort((-dist, label))
    xy = tile.seg_xy[segs[order]]
    ring_label = label[order]
    starts = np.flatnonzero(np.concatenate(([True], ring_label[1:] != ring_label[:-1])))
    ox, oy = tile.origin
    cross = (xy[:, 0] - ox) * (xy[:, 3] - oy) - (xy[:, 2] - ox) * (xy[:, 1] - oy)
    areas = 0.5 * np.add.reduceat(cross, starts)
    bounds = np.append(starts, len(order))
    keep = _bends(xy, starts, bounds, tile.bounds) if straighten else None
    rings_by_comp: Dict[int, list] = {}
    for r, (a, b) in enumerate(zip(bounds[:-1], bounds[1:])):
        first_seg = order[a]
        c = int(seg_comp[first_seg])
        rings_by_comp.setdefault(c, []).append((areas[r], a, b, int(seg_group[first_seg])))
    for c in sorted(rings_by_comp):
        rings = rings_by_comp[c]
        shells = [r for r in rings if r[0] > 0]
        if len(shells) != 1:
            is_complex[c] = True  # joined with GEOS by the caller
            continue
        holes = [r for r in rings if r[0] <= 0]
        chunks = [struct.pack("<BII", 1, 3, 1 + len(holes))]
        for _, a, b, _ in shells + holes:
            ring = xy[a:b, :2] if keep is None else xy[a:b, :2][keep[a:b]]
            coords = np.vstack([ring, ring[:1]])
            chunks.append(struct.pack("<I", len(coords)))
            chunks.append(np.ascontiguousarray(coords, dtype="<f8").tobytes())
        geom = QgsGeometry()
        geom.fromWkb(b"".join(chunks))
        yield shells[0][3], geom


def _bends(xy: np.ndarray, starts: np.ndarray, bounds: np.ndarray, rect: Optional[tuple]) -> np.ndarray:
    """Which ring vertices to keep: those off the line from the previous vertex to the next one
    by more than STRAIGHT_TOLERANCE, or where the ring turns back, and those on the tile's edges
    (the neighbouring tile's part is joined to it there); every vertex of a ring that would keep
    fewer than 3."""
    n = len(xy)
    prev = np.arange(n) - 1
    prev[starts] = bounds[1:] - 1
    here, before, after = xy[:, :2], xy[prev, :2], xy[:, 2:]
    ax, ay = after[:, 0] - before[:, 0], after[:, 1] - before[:, 1]
    hx, hy = here[:, 0] - before[:, 0], here[:, 1] - before[:, 1]
    chord = np.hypot(ax, ay)
    off = np.abs(ax * hy - ay * hx) / np.where(chord > 0, chord, 1.0)
    ahead = hx * ax + hy * ay
    straight = (chord > 0) & (off <= STRAIGHT_TOLERANCE) & (ahead > 0) & (ahead < chord * chord)
    if rect is not None:
        x, y = here[:, 0], here[:, 1]
        on_edge = (
            (np.abs(x - rect[0]) <= _CUT_TOLERANCE)
            | (np.abs(x - rect[2]) <= _CUT_TOLERANCE)
            | (np.abs(y - rect[1]) <= _CUT_TOLERANCE)
            | (np.abs(y - rect[3]) <= _CUT_TOLERANCE)
        )
        straight &= ~on_edge
    keep = ~straight
    kept = np.add.reduceat(keep.astype(np.int64), starts)
    short = np.flatnonzero(kept < 3)
    for r in short:
        keep[bounds[r] : bounds[r + 1]] = True
    return keep


class ArrangementTiler(_Tiler):
    """The tiles of the gap merge (geometry._Tiler), each holding its faces instead of its gaps."""

    def __init__(self, coverage: SeamCoverage, masks: np.ndarray, total_area: float, feedback, tile_pieces: int):
        super().__init__(coverage, total_area, feedback, tile_pieces)
        self.masks = masks
        self.tree = None

    def build(self, region: QgsGeometry, threads: Optional[int] = None):
        ids = np.arange(len(self.pieces))
        with workers.pool("arrangement", threads) as self._pool:
            self.tree = self._resolve(self._plan(region.boundingBox(), region, ids))
        return self

    def _resolve(self, node):
        if isinstance(node, _Split):
            first = self._resolve(node.first)
            second = self._resolve(node.second)
            return _Split(node.cut, node.vertical, first, second)
        tile, area = node.result()  # re-raises a worker's error or cancel here
        if area:
            self._advance(area)
        return tile if isinstance(tile, TileFaces) else None

    def _leaf(self, rect: QgsRectangle, region: QgsGeometry, ids: np.ndarray):
        """(faces of one tile, its area): runs in a worker thread, cancel checks only."""
        check_canceled(self.feedback)
        rect_geom = rectangle_geometry(rect)
        clipped, boxes, kept = [], [], []
        for i in ids:
            piece = self.pieces[i]
            x0, y0, x1, y1 = self.boxes[i]
            if x0 < rect.xMinimum() or y0 < rect.yMinimum() or x1 > rect.xMaximum() or y1 > rect.yMaximum():
                parts = polygon_parts(piece.intersection(rect_geom))  # robust overlay, as in the gap merge
                if not parts:
                    continue
                piece = parts[0] if len(parts) == 1 else QgsGeometry.collectGeometry(parts)
                box = piece.boundingBox()
                x0, y0, x1, y1 = box.xMinimum(), box.yMinimum(), box.xMaximum(), box.yMaximum()
            clipped.append(piece)
            boxes.append((x0, y0, x1, y1))
            kept.append(i)
        masks = self.masks[np.array(kept, dtype=np.int64)]
        tile = build_tile(rect, region, clipped, np.array(boxes, dtype=float).reshape(-1, 4), masks)
        return tile, region.area()

    def collect(self, parts_of: Callable[[TileFaces], Dict[int, List[QgsGeometry]]]) -> Dict[int, List[QgsGeometry]]:
        """The polygons of each group over the whole seam: each tile's, merged across every cut."""
        return self._collect_keyed(self.tree, parts_of)

    def _collect_keyed(self, node, parts_of):
        if isinstance(node, _Split):
            first = self._collect_keyed(node.first, parts_of)
            second = self._collect_keyed(node.second, parts_of)
            check_canceled(self.feedback)
            merged = {}
            for key in sorted(set(first) | set(second)):
                merged[key] = self._merge_across(first.get(key, []), second.get(key, []), node.cut, node.vertical)
            return merged
        if node is None:
            return {}
        return parts_of(node)

    def tiles(self) -> List[TileFaces]:
        found = []

        def walk(node):
            if isinstance(node, _Split):
                walk(node.first)
                walk(node.second)
            elif node is not None:
                found.append(node)

        walk(self.tree)
        return found
