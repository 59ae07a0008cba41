"""Survey lanes over a gap: parallel flight lines ``swath`` apart along the gap's long axis (the
long side of its minimum rotated rectangle), clipped to the gap, and the swath each watches.

A lane crosses a gap in one or more *pieces* (several where the gap is not convex). A piece
watches the band ``swath / 2`` either side of it, over its own length, within the gap; the
bands of different pieces never overlap, so the area of a set of flown pieces is the sum of
their areas. Consecutive pieces are grouped into *chunks* that a sortie flies whole or in part.
"""

import math
from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple

import numpy as np
from qgis.core import QgsGeometry, QgsPointXY, QgsWkbTypes

MIN_PIECE_M = 1.0  # shorter crossings of a lane are not flown


@dataclass
class Frame:
    """The long axis ``u`` and the across axis ``v`` of a gap, from ``origin`` (metric CRS)."""

    origin: np.ndarray
    u: np.ndarray
    v: np.ndarray

    def point(self, along: float, across: float) -> np.ndarray:
        return self.origin + along * self.u + across * self.v


@dataclass
class Piece:
    """One straight crossing of a lane over a gap, from ``a`` to ``b`` in the +u direction."""

    gap: int
    lane: int
    u0: float
    u1: float
    offset: float
    a: np.ndarray
    b: np.ndarray
    area_m2: float

    @property
    def length(self) -> float:
        return self.u1 - self.u0


def long_axis_frame(target: QgsGeometry) -> Frame:
    """The frame of the minimum rotated rectangle: u along its longer side."""
    rect = target.orientedMinimumBoundingBox()[0]
    ring = np.array([(p.x(), p.y()) for p in rect.asPolygon()[0]], dtype=float)
    first, second = ring[1] - ring[0], ring[2] - ring[1]
    axis = first if np.hypot(*first) >= np.hypot(*second) else second
    norm = np.hypot(*axis)
    u = axis / norm if norm > 0 else np.array([1.0, 0.0])
    return Frame(ring[0].copy(), u, np.array([-u[1], u[0]]))


def band_polygon(frame: Frame, u0: float, u1: float, v0: float, v1: float) -> QgsGeometry:
    corners = [frame.point(u0, v0), frame.point(u1, v0), frame.point(u1, v1), frame.point(u0, v1)]
    return QgsGeometry.fromPolygonXY([[QgsPointXY(*c) for c in corners + corners[:1]]])


def gap_pieces(
    target: QgsGeometry, swath: float, gap: int, blocked: Optional[QgsGeometry] = None
) -> Tuple[Frame, List[Piece]]:
    """The lane pieces over ``target`` (a gap minus the no-fly zones, metric CRS): ceil(W / swath)
    lanes across the rectangle's width W, centred, so their swaths span the whole width. Each
    lane spans the gap's extent within its swath (so the swaths cover the whole gap, and a lane
    may pass an oblique edge of the gap by up to the half swath), minus ``blocked``."""
    frame = long_axis_frame(target)
    vertices = np.array([(p.x(), p.y()) for p in target.vertices()], dtype=float)
    along = (vertices - frame.origin) @ frame.u
    across = (vertices - frame.origin) @ frame.v
    umin, umax = float(along.min()), float(along.max())
    vmin, vmax = float(across.min()), float(across.max())
    width = vmax - vmin
    lanes = max(1, int(math.ceil(width / swath - 1e-9)))
    engine = QgsGeometry.createGeometryEngine(target.constGet())
    engine.prepareGeometry()
    blocked_engine = None
    if blocked is not None and not blocked.isEmpty():
        blocked_engine = QgsGeometry.createGeometryEngine(blocked.constGet())
        blocked_engine.prepareGeometry()
    pieces: List[Piece] = []
    pad = 1.0 + 1e-6 * (umax - umin)
    for lane in range(lanes):
        offset = vmin + width / 2 + (lane - (lanes - 1) / 2) * swath
        v0, v1 = offset - swath / 2, offset + swath / 2
        strip = band_polygon(frame, umin - pad, umax + pad, v0, v1)  # held: constGet() borrows it
        band = QgsGeometry(engine.intersection(strip.constGet()))
        spans = []
        for part in band.asGeometryCollection() if not band.isEmpty() else []:
            pts = np.array([(p.x(), p.y()) for p in part.vertices()], dtype=float)
            if len(pts):
                u = (pts - frame.origin) @ frame.u
                spans.append((float(u.min()), float(u.max())))
        for u0, u1 in _merge_spans(spans):
            for a0, a1 in _open_spans(frame, u0, u1, offset, blocked, blocked_engine):
                if a1 - a0 < MIN_PIECE_M:
                    continue
                watched = band_polygon(frame, a0, a1, v0, v1)
                area = QgsGeometry(engine.intersection(watched.constGet())).area()
                if area <= 0:
                    continue
                pieces.append(
                    Piece(gap, lane, a0, a1, offset, frame.point(a0, offset), frame.point(a1, offset), float(area))
                )
    return frame, pieces


def _open_spans(
    frame: Frame, u0: float, u1: float, offset: float, blocked, blocked_engine
) -> List[Tuple[float, float]]:
    """The parts of the lane from u0 to u1 outside the blocked zones."""
    if blocked_engine is None:
        return [(u0, u1)]
    line = QgsGeometry.fromPolylineXY([QgsPointXY(*frame.point(u0, offset)), QgsPointXY(*frame.point(u1, offset))])
    if not blocked_engine.intersects(line.constGet()):
        return [(u0, u1)]
    rest = line.difference(blocked)
    spans = []
    for part in _line_parts(rest):
        pts = np.array([(p.x(), p.y()) for p in part.vertices()], dtype=float)
        u = (pts - frame.origin) @ frame.u
        spans.append((float(u.min()), float(u.max())))
    return _merge_spans(spans)


def _line_parts(geom: QgsGeometry) -> List[QgsGeometry]:
    if geom is None or geom.isEmpty():
        return []
    merged = geom.mergeLines() if geom.isMultipart() else geom
    parts = []
    for g in merged.asGeometryCollection():
        if g.type() == QgsWkbTypes.GeometryType.LineGeometry and g.length() > 0:
            parts.append(g)
    return parts


def _merge_spans(spans):
    merged = []
    for u0, u1 in sorted(spans):
        if merged and u0 <= merged[-1][1] + 1e-6:
            merged[-1] = (merged[-1][0], max(merged[-1][1], u1))
        else:
            merged.append((u0, u1))
    return merged


def chunks_of(pieces: Sequence[Piece], limit: float) -> List[List[int]]:
    """Consecutive pieces (in lane order) grouped so that each group's lane length stays within
    ``limit`` (a single longer piece makes a group of its own). Indices into ``pieces``."""
    order = sorted(range(len(pieces)), key=lambda i: (pieces[i].lane, pieces[i].u0))
    groups, total = [], 0.0
    for i in order:
        if groups and total + pieces[i].length <= limit:
            groups[-1].append(i)
            total += pieces[i].length
        else:
            groups.append([i])
            total = pieces[i].length
    return groups


def ways_of_flying(pieces: Sequence[Piece], group: Sequence[int]) -> List[List[Tuple[int, bool]]]:
    """The four ways of flying a group of pieces back and forth, lane after lane: lanes in
    either order, the first lane in either direction. Each is [(piece index, forward)]."""
    lanes = sorted({pieces[i].lane for i in group})
    ways = []
    for reverse_lanes in (False, True):
        for flip in (False, True):
            sequence = []
            for k, lane in enumerate(reversed(lanes) if reverse_lanes else lanes):
                forward = (k % 2 == 0) != flip
                row = sorted((i for i in group if pieces[i].lane == lane), key=lambda i: pieces[i].u0)
                sequence.extend((i, forward) for i in (row if forward else reversed(row)))
            ways.append(sequence)
    return ways


def flown_segment(piece: Piece, forward: bool) -> Tuple[np.ndarray, np.ndarray]:
    return (piece.a, piece.b) if forward else (piece.b, piece.a)


def swath_polygon(
    target: QgsGeometry, frame: Frame, piece: Piece, swath: float, fraction: float = 1.0, forward: bool = True
) -> QgsGeometry:
    """What ``piece`` watches within ``target``, for the first ``fraction`` of it as flown."""
    if forward:
        u0, u1 = piece.u0, piece.u0 + fraction * piece.length
    else:
        u0, u1 = piece.u1 - fraction * piece.length, piece.u1
    band = band_polygon(frame, u0, u1, piece.offset - swath / 2, piece.offset + swath / 2)
    return band.intersection(target)
