"""Synthetic DEM GeoTIFFs for the coverage and siting tests, written with rasterio in tmp dirs."""

import numpy as np
import rasterio
from rasterio.transform import from_origin

ORIGIN = (400000.0, 4000000.0)  # UTM 38N, west of Mosul: x of the west edge, y of the north edge
EPSG = 32638


def write_dem(path, heights, pixel=30.0, origin=ORIGIN, epsg=EPSG, nodata=None, pixel_y=None):
    """Write ``heights`` (rows north to south) as a float32 GeoTIFF; returns ``path``."""
    heights = np.asarray(heights, dtype=np.float32)
    transform = from_origin(origin[0], origin[1], pixel, pixel if pixel_y is None else pixel_y)
    with rasterio.open(
        str(path),
        "w",
        driver="GTiff",
        width=heights.shape[1],
        height=heights.shape[0],
        count=1,
        dtype="float32",
        crs=f"EPSG:{epsg}",
        transform=transform,
        nodata=nodata,
    ) as dst:
        dst.write(heights, 1)
    return str(path)


def hills(n=200, seed=7, count=25, relief=250.0):
    """Gaussian hills plus smooth noise: rugged enough that much of the land is hidden."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:n, 0:n]
    z = np.full((n, n), 300.0)
    for _ in range(count):
        cx, cy = rng.uniform(0, n, 2)
        sigma = rng.uniform(n / 40, n / 10)
        z += rng.uniform(0.2, 1.0) * relief * np.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * sigma**2))
    from scipy.ndimage import gaussian_filter

    z += gaussian_filter(rng.normal(0, 15, (n, n)), 2)
    return z.astype(np.float32)


def cell_centre(row, col, pixel=30.0, origin=ORIGIN, pixel_y=None):
    """Map coordinates of the centre of cell (row, col) of a DEM written by write_dem."""
    return origin[0] + (col + 0.5) * pixel, origin[1] - (row + 0.5) * (pixel if pixel_y is None else pixel_y)
