"""Viewshed of one observer on a numpy DEM window: the reference-plane sweep, vectorised ring by ring.

Pure numpy; the window is read (and clipped to the post's range) by analysis/coverage.py.
"""

from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, List, Optional, Sequence, Tuple

import numpy as np

from . import memory

EARTH_RADIUS_M = 6371008.8
REFRACTION_K = 0.13
_NO_DATA_HEIGHT = -1.0e7


def curvature_drop(distance_m, k: float = REFRACTION_K, radius_m: float = EARTH_RADIUS_M):
    """How far the ground at ``distance_m`` falls below the observer's tangent plane,
    net of atmospheric refraction: (1 − k)·d² / (2R)."""
    return (1.0 - k) * np.square(distance_m) / (2.0 * radius_m)


@dataclass(frozen=True)
class _Octants:
    """Geometry of one (2R+1)² window in the octant layout, cached per radius and pixel size.

    The window centred on the observer is cut into its four quadrants (NE, NW, SE, SW),
    and each quadrant into two octants: "x-major" (|dx| ≥ |dy|) and "y-major". A cell of
    an octant is indexed [r, n]: r the major offset (its Chebyshev ring) and n the minor
    one (0 ≤ n ≤ r). The eight octants are stacked in one array of shape (R+1, 8, R+1)
    (axis 1: x-major NE, NW, SE, SW, then y-major NE, NW, SE, SW), so that ring r of all
    eight is one contiguous block; P observers are swept together as (R+1, P, 8, R+1).

    A cell (r, n) is seen past two cells of ring r − 1: its "straight" neighbour (r−1, n)
    and its "diagonal" neighbour (r−1, n−1). The sight line from the observer crosses
    ring r − 1 between them; interpolating the horizon there and extrapolating to ring r
    gives the reference plane of Wang, Robinson & White (2000), the algorithm GDAL's
    viewshed uses too (its "edge" mode). In this layout both neighbours of a ring are
    plain slices of the previous ring, so each ring costs a few numpy operations on
    contiguous memory for all eight octants at once.
    """

    distance: np.ndarray  # (R+1, 8, R+1) metres from the observer
    azimuth: np.ndarray  # (R+1, 8, R+1) degrees clockwise from north
    w_straight: np.ndarray  # (R+1, R+1) weight of (r−1, n) in the plane of (r, n), any octant
    w_diagonal: np.ndarray  # (R+1, R+1) weight of (r−1, n−1)


# quadrant k of the window, as (row step, column step) from the centre: NE, NW, SE, SW
_QUADRANTS = ((-1, 1), (-1, -1), (1, 1), (1, -1))
_WORK = np.float32  # heights to 0.1 mm over ±1 km: ample, and half the memory traffic of float64


@lru_cache(maxsize=8)
def _octants(radius: int, pixel_x: float, pixel_y: float) -> _Octants:
    r, n = np.mgrid[0 : radius + 1, 0 : radius + 1].astype(float)
    dist = np.empty((radius + 1, 8, radius + 1))
    azimuth = np.empty((radius + 1, 8, radius + 1))
    for major, (ddx, ddy) in enumerate(((r, n), (n, r))):  # x-major: dx = r, dy = n
        for k, (row_step, col_step) in enumerate(_QUADRANTS):
            dist[:, 4 * major + k] = np.hypot(ddx * pixel_x, ddy * pixel_y)
            azimuth[:, 4 * major + k] = np.degrees(np.arctan2(col_step * ddx * pixel_x, -row_step * ddy * pixel_y))
    azimuth %= 360.0
    denom = np.maximum(r - 1.0, 1.0)
    w_straight = ((r - n) / denom).astype(_WORK)
    w_diagonal = (n / denom).astype(_WORK)
    for arr in (dist, azimuth, w_straight, w_diagonal):
        arr.setflags(write=False)
    return _Octants(dist, azimuth, w_straight, w_diagonal)


@lru_cache(maxsize=8)
def _drop(radius: int, pixel_x: float, pixel_y: float, refraction_k: float) -> np.ndarray:
    """Curvature drop over the (2R+1)² window centred on the observer."""
    dy, dx = np.mgrid[-radius : radius + 1, -radius : radius + 1]
    drop = curvature_drop(np.hypot(dx * pixel_x, dy * pixel_y), refraction_k).astype(_WORK)
    drop.setflags(write=False)
    return drop


@lru_cache(maxsize=8)
def _in_range(radius: int, pixel_x: float, pixel_y: float, range_m: float) -> Tuple[np.ndarray, np.ndarray]:
    """The cells each octant owns within range, and per ring the last minor offset any
    octant needs (cells further out along a ring are out of range and skipped)."""
    distance = _octants(radius, pixel_x, pixel_y).distance
    r, n = np.mgrid[0 : radius + 1, 0 : radius + 1]
    mask = (n <= r)[:, None, :] & (distance <= range_m)
    last = np.where(mask.any(axis=1), n, -1).max(axis=1)
    mask.setflags(write=False)
    last.setflags(write=False)
    return mask, last


@lru_cache(maxsize=8)
def _ring_weights(radius: int, pixel_x: float, pixel_y: float, range_m: float):
    """Per ring r ≥ 2: (r, m, straight weights, diagonal weights) over the first m minor
    offsets (the ones within range), each (m,): made once, so the hot loop slices nothing."""
    geometry = _octants(radius, pixel_x, pixel_y)
    _, last = _in_range(radius, pixel_x, pixel_y, range_m)
    rings = []
    for ring in range(2, radius + 1):
        m = int(last[ring]) + 1
        if m <= 0:
            break
        rings.append((ring, m, geometry.w_straight[ring, :m], geometry.w_diagonal[ring, 1:m]))
    return tuple(rings)


def _to_octants(window: np.ndarray, radius: int, out: Optional[np.ndarray] = None) -> np.ndarray:
    """(2R+1)² window → (R+1, 8, R+1) octant layout (a copy, into ``out`` if given)."""
    if out is None:
        out = np.empty((radius + 1, 8, radius + 1), dtype=window.dtype)
    for k, quadrant in enumerate(_quadrant_views(window, radius)):
        out[:, k] = quadrant.T  # x-major: [r = |dx|, n = |dy|]
        out[:, 4 + k] = quadrant  # y-major: [r = |dy|, n = |dx|]
    return out


def _quadrant_views(window: np.ndarray, radius: int):
    """Views of the four quadrants of ``window`` indexed [|dy|, |dx|] from its centre."""
    c = radius
    for row_step, col_step in _QUADRANTS:
        rows = slice(c, None) if row_step > 0 else slice(c, None, -1)
        cols = slice(c, None) if col_step > 0 else slice(c, None, -1)
        yield window[rows, cols]


def in_sector(azimuth: np.ndarray, start: float, end: float) -> np.ndarray:
    """True where ``azimuth`` lies in the sector from ``start`` clockwise to ``end``
    (degrees from north); start == end (mod 360) means the full circle."""
    start %= 360.0
    end %= 360.0
    if np.isclose(start, end):
        return np.ones(azimuth.shape, dtype=bool)
    if start < end:
        return (azimuth >= start) & (azimuth <= end)
    return (azimuth >= start) | (azimuth <= end)


@dataclass
class ViewshedRequest:
    """One observer for :func:`viewsheds`: a DEM window and the observer's cell in it."""

    dem: np.ndarray  # 2-D heights, rows north to south, NaN = no data
    row: int
    col: int
    sector: Optional[Tuple[float, float]] = None  # (start, end) azimuths, degrees clockwise from north


@dataclass
class _Prepared:
    height: np.ndarray  # (R+1, 8, R+1) view into the batch, relative to the eye, no-data out of sight
    nodata: Optional[np.ndarray]
    clip: Tuple[int, int, int, int, int, int]  # r0, c0, sr0, sc0, sr1, sc1


def _prepare(
    request: ViewshedRequest,
    radius: int,
    pixel: Tuple[float, float],
    eye_height: float,
    curvature: bool,
    refraction_k: float,
    out: np.ndarray,
) -> _Prepared:
    dem, row, col = request.dem, request.row, request.col
    rows, cols = dem.shape
    if not (0 <= row < rows and 0 <= col < cols):
        raise ValueError(f"observer cell ({row}, {col}) is outside the DEM window {dem.shape}")
    observer_ground = float(dem[row, col])
    if not np.isfinite(observer_ground):
        raise ValueError("the observer stands on a no-data cell")
    size = 2 * radius + 1
    # the DEM around the observer: a (2R+1)² window centred on it, NaN beyond the DEM
    r0, c0 = row - radius, col - radius
    sr0, sc0 = max(r0, 0), max(c0, 0)
    sr1, sc1 = min(r0 + size, rows), min(c0 + size, cols)
    if (sr0, sc0, sr1, sc1) != (r0, c0, r0 + size, c0 + size):
        # beyond the DEM: far below every sight line (hides nothing), and cropped off at the end
        window = np.full((size, size), _NO_DATA_HEIGHT, dtype=_WORK)
        window[sr0 - r0 : sr1 - r0, sc0 - c0 : sc1 - c0] = dem[sr0:sr1, sc0:sc1]
    else:
        window = dem[r0 : r0 + size, c0 : c0 + size]
    # heights relative to the observer's eye, worked out on the contiguous window, then
    # laid out in octants straight into the observer's slot of the batch
    relative = np.empty((size, size), dtype=_WORK)
    if curvature:
        np.subtract(window, _drop(radius, pixel[0], pixel[1], float(refraction_k)), out=relative)
    else:
        relative[...] = window
    relative -= observer_ground + eye_height
    nodata = None
    if np.isnan(np.min(relative)):  # np.min propagates NaN: one pass, no temporary
        missing = np.isnan(relative)
        # a no-data cell hides nothing behind it: it stands far below every sight line
        relative[missing] = _NO_DATA_HEIGHT
        nodata = _to_octants(missing, radius)
    height = _to_octants(relative, radius, out)
    return _Prepared(height, nodata, (r0, c0, sr0, sc0, sr1, sc1))


def _sweep(height: np.ndarray, rings, target_height: float, is_canceled: Callable[[], bool]) -> np.ndarray:
    """The ring-by-ring sweep over (R+1, P, 8, R+1) heights: P observers side by side, so
    the per-ring cost of Python and numpy calls is shared, and ring r of all of them is
    one contiguous block. Returns the visible cells; ``height`` becomes the horizon."""
    _, batch, _, width = height.shape
    horizon = height  # updated in place, ring by ring: max(own height, reference plane)
    visible = np.zeros(height.shape, dtype=bool)
    visible[:2] = True  # the observer's cell and its neighbours see each other
    plane_buf = np.empty((batch, 8, width), dtype=_WORK)
    part_buf = np.empty((batch, 8, width), dtype=_WORK)
    target = float(target_height)
    # the hot loop: six ufunc calls per ring on contiguous runs, into preallocated outputs
    for ring, m, w_s, w_d in rings:
        if ring % 64 == 0 and is_canceled():
            break
        previous = horizon[ring - 1]
        plane = np.multiply(previous[..., :m], w_s, out=plane_buf[..., :m])
        np.add(plane[..., 1:], np.multiply(previous[..., : m - 1], w_d, out=part_buf[..., : m - 1]), out=plane[..., 1:])
        own = horizon[ring, ..., :m]
        if target:
            np.greater_equal(own, np.subtract(plane, target, out=part_buf[..., :m]), out=visible[ring, ..., :m])
        else:
            np.greater_equal(own, plane, out=visible[ring, ..., :m])
        np.maximum(own, plane, out=own)
    return visible


def _finish(
    visible: np.ndarray,
    prepared: _Prepared,
    shape: Tuple[int, int],
    in_range: np.ndarray,
    azimuth: np.ndarray,
    sector: Optional[Tuple[float, float]],
) -> np.ndarray:
    radius = visible.shape[0] - 1
    size = 2 * radius + 1
    visible &= in_range
    if prepared.nodata is not None:
        visible &= ~prepared.nodata
    if sector is not None:
        visible &= in_sector(azimuth, sector[0], sector[1])
    full = np.empty((size, size), dtype=bool)
    for k, quadrant in enumerate(_quadrant_views(full, radius)):
        # x-major octant holds |dy| <= |dx|, y-major |dx| <= |dy|; outside its triangle each is False
        np.logical_or(visible[:, k].T, visible[:, 4 + k], out=quadrant)
    r0, c0, sr0, sc0, sr1, sc1 = prepared.clip
    if shape == (size, size) and (r0, c0) == (0, 0):
        return full
    result = np.zeros(shape, dtype=bool)
    result[sr0:sr1, sc0:sc1] = full[sr0 - r0 : sr1 - r0, sc0 - c0 : sc1 - c0]
    return result


def viewsheds(
    requests: Sequence[ViewshedRequest],
    pixel_size: Tuple[float, float],
    range_m: float,
    observer_height: float = 1.8,
    target_height: float = 0.0,
    curvature: bool = True,
    refraction_k: float = REFRACTION_K,
    is_canceled: Callable[[], bool] = lambda: False,
) -> List[np.ndarray]:
    """Viewsheds of several observers with the same range and heights, swept together.

    Each request's result is a boolean array of its ``dem``'s shape; see :func:`viewshed`.
    The observers' octant arrays are laid side by side so that each ring of the sweep is
    one set of numpy calls for all of them: a batch of 8 costs far less than 8 calls.
    """
    if not requests:
        return []
    pixel_x, pixel_y = abs(float(pixel_size[0])), abs(float(pixel_size[1]))
    radius = max(int(np.floor(range_m / min(pixel_x, pixel_y))), 1)
    # distances and azimuths (float64), weights, heights (float32) and visibility of the eight octants
    memory.require(
        (radius + 1) ** 2 * (8 * (8 + 8) + 8 + len(requests) * 8 * (4 + 1) + 4 * len(requests)),
        f"A viewshed of {range_m:g} m on cells of {min(pixel_x, pixel_y):g} m ({2 * radius + 1:,} cells across)",
        "Use a smaller range, or a coarser DEM (resample it to larger cells).",
    )
    geometry = _octants(radius, pixel_x, pixel_y)
    in_range, _ = _in_range(radius, pixel_x, pixel_y, float(range_m))
    rings = _ring_weights(radius, pixel_x, pixel_y, float(range_m))
    height = np.empty((radius + 1, len(requests), 8, radius + 1), dtype=_WORK)
    prepared = [
        _prepare(r, radius, (pixel_x, pixel_y), observer_height, curvature, refraction_k, height[:, i])
        for i, r in enumerate(requests)
    ]
    visible = _sweep(height, rings, target_height, is_canceled)
    return [
        _finish(visible[:, i], p, r.dem.shape, in_range, geometry.azimuth, r.sector)
        for i, (r, p) in enumerate(zip(requests, prepared))
    ]


def viewshed(
    dem: np.ndarray,
    row: int,
    col: int,
    pixel_size: Tuple[float, float],
    range_m: float,
    observer_height: float = 1.8,
    target_height: float = 0.0,
    curvature: bool = True,
    refraction_k: float = REFRACTION_K,
    sector: Optional[Tuple[float, float]] = None,
    is_canceled: Callable[[], bool] = lambda: False,
) -> np.ndarray:
    """Cells of ``dem`` that an observer on cell (row, col) sees within ``range_m``.

    ``dem`` is a 2-D array (NaN = no data; such cells are never visible and never block
    the view); ``pixel_size`` is (x, y) in metres, rows running north to south. The
    observer stands ``observer_height`` m above its cell; a cell is visible when a target
    ``target_height`` m above it can be seen. With ``curvature``, heights drop by
    (1 − k)·d²/(2R) with distance d (k = refraction). ``sector`` = (start, end) azimuths,
    degrees clockwise from north. Returns a boolean array of ``dem``'s shape.
    """
    request = ViewshedRequest(dem, row, col, sector)
    return viewsheds(
        [request], pixel_size, range_m, observer_height, target_height, curvature, refraction_k, is_canceled
    )[0]
