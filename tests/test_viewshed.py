"""The numpy viewshed (analysis/viewshed.py) against GDAL and against geometry we can derive."""

import math

import numpy as np
import pytest
from osgeo import gdal

from bg_testing.dem import cell_centre, hills, write_dem
from border_gaps.analysis.viewshed import EARTH_RADIUS_M, REFRACTION_K, curvature_drop, viewshed


def _gdal_viewshed(path, row, col, pixel, range_m, observer, target, curvature):
    src = gdal.Open(path)
    x, y = cell_centre(row, col, pixel)
    out = gdal.ViewshedGenerate(
        src.GetRasterBand(1),
        "MEM",
        "",
        [],
        x,
        y,
        observer,
        target,
        255,
        0,
        127,
        -1.0,
        (1.0 - REFRACTION_K) if curvature else 0.0,
        gdal.GVM_Edge,
        range_m,
    )
    gt = out.GetGeoTransform()
    src_gt = src.GetGeoTransform()
    r0 = int(round((src_gt[3] - gt[3]) / pixel))
    c0 = int(round((gt[0] - src_gt[0]) / pixel))
    return out.GetRasterBand(1).ReadAsArray(), r0, c0


@pytest.mark.parametrize("curvature", [True, False])
def test_agrees_with_gdal_viewshed_on_hills(tmp_path, curvature):
    pixel, range_m = 30.0, 3000.0
    heights = hills(n=240, seed=11)
    path = write_dem(tmp_path / "hills.tif", heights, pixel=pixel)
    agree = total = hidden = 0
    # centre, near an edge (window clipped), a valley and a hilltop
    observers = [(120, 120), (15, 200), (200, 40), tuple(np.unravel_index(np.argmax(heights), heights.shape))]
    for row, col in observers:
        ours = viewshed(
            heights, row, col, (pixel, pixel), range_m, observer_height=10.0, target_height=2.0, curvature=curvature
        )
        theirs, r0, c0 = _gdal_viewshed(path, row, col, pixel, range_m, 10.0, 2.0, curvature)
        in_range = theirs != 127
        mine = ours[r0 : r0 + theirs.shape[0], c0 : c0 + theirs.shape[1]]
        agree += int((mine[in_range] == (theirs[in_range] == 255)).sum())
        total += int(in_range.sum())
        hidden += int((theirs == 0).sum())
        # nothing outside GDAL's range is visible to us either
        assert not mine[~in_range].any()
        assert ours.sum() == mine.sum()
    assert hidden > 0.2 * total, "the hills must hide a fair share of the land, or the comparison proves little"
    print(f"agreement with GDAL: {agree / total:.5f} of {total} cells, {hidden / total:.2f} hidden")
    assert agree / total >= 0.98, f"agreement with GDAL {agree / total:.4f}"


def test_flat_dem_sees_the_whole_disc():
    pixel, range_m = 25.0, 3000.0
    dem = np.full((280, 280), 120.0, dtype=np.float32)
    seen = viewshed(dem, 140, 140, (pixel, pixel), range_m, observer_height=2.0, curvature=False)
    area = seen.sum() * pixel * pixel
    assert area == pytest.approx(math.pi * range_m**2, rel=0.01)
    yy, xx = np.mgrid[0:280, 0:280]
    dist = np.hypot(xx - 140, yy - 140) * pixel
    assert seen[dist <= range_m - pixel].all()
    assert not seen[dist > range_m].any()


def test_wall_hides_the_land_behind_it():
    pixel = 30.0
    dem = np.zeros((201, 201), dtype=np.float32)
    dem[:, 130:133] = 50.0  # a 50 m wall running north-south, 30 cells east of the observer
    seen = viewshed(dem, 100, 100, (pixel, pixel), 2900.0, observer_height=5.0, curvature=False)
    assert seen[100, 101:130].all()  # in front of the wall
    assert seen[100, 130]  # the wall's face
    # straight behind the wall, out to the range: hidden (the shadow lengthens with distance)
    assert not seen[100, 134:197].any()
    assert not seen[60:141, 140:197].any()
    assert seen[100, 4:100].all()  # the open land to the west is seen


def test_sector_post_covers_only_its_sector():
    pixel, range_m = 30.0, 2400.0
    dem = np.zeros((201, 201), dtype=np.float32)
    seen = viewshed(dem, 100, 100, (pixel, pixel), range_m, observer_height=2.0, curvature=False, sector=(45.0, 135.0))
    rows, cols = np.nonzero(seen)
    east = (cols - 100) * pixel
    north = (100 - rows) * pixel
    azimuth = np.degrees(np.arctan2(east, north)) % 360.0
    beyond_own_cell = np.hypot(east, north) > 0
    assert ((azimuth[beyond_own_cell] >= 45.0) & (azimuth[beyond_own_cell] <= 135.0)).all()
    assert seen.sum() * pixel**2 == pytest.approx(math.pi * range_m**2 / 4, rel=0.02)
    # a sector across north (300° → 60°) wraps
    wrap = viewshed(dem, 100, 100, (pixel, pixel), range_m, observer_height=2.0, curvature=False, sector=(300.0, 60.0))
    assert wrap[40, 100] and wrap[40, 120] and not wrap[160, 100] and not wrap[100, 160]


def test_curvature_hides_a_target_beyond_the_horizon():
    # flat ground, eye h above it: the ground is seen out to d = sqrt(2·R·h / (1 − k)),
    # where the sight line grazes the curved (refracted) surface: drop(d) = h
    pixel, eye = 60.0, 4.0
    horizon = math.sqrt(2 * EARTH_RADIUS_M * eye / (1 - REFRACTION_K))
    assert curvature_drop(horizon) == pytest.approx(eye)
    dem = np.zeros((301, 301), dtype=np.float32)
    seen = viewshed(dem, 150, 150, (pixel, pixel), 9000.0, observer_height=eye, curvature=True)
    distance = np.arange(151) * pixel
    for line in (seen[150, 150:], seen[150, 150::-1], seen[150:, 150], seen[150::-1, 150]):
        assert line[distance < horizon - pixel].all()
        assert not line[distance > horizon + pixel].any()
    without = viewshed(dem, 150, 150, (pixel, pixel), 9000.0, observer_height=eye, curvature=False)
    assert without[150, 150:].all()
    # a 3 m mast is seen further: sqrt(2Rh/(1-k)) + sqrt(2Rt/(1-k))
    mast = viewshed(dem, 150, 150, (pixel, pixel), 9000.0, observer_height=1.0, target_height=3.0)
    reach = math.sqrt(2 * EARTH_RADIUS_M / (1 - REFRACTION_K)) * (1.0 + math.sqrt(3.0))
    line = mast[150, 150:]
    assert line[distance < reach - pixel].all() and not line[distance > reach + pixel].any()


def test_no_data_cells_are_never_visible_and_do_not_block():
    dem = np.zeros((101, 101), dtype=np.float32)
    dem[50, 60:63] = np.nan
    seen = viewshed(dem, 50, 50, (30.0, 30.0), 1400.0, observer_height=2.0, curvature=False)
    assert not seen[50, 60:63].any()
    assert seen[50, 63:96].all()


def test_observer_on_no_data_is_refused():
    dem = np.zeros((11, 11), dtype=np.float32)
    dem[5, 5] = np.nan
    with pytest.raises(ValueError, match="no-data"):
        viewshed(dem, 5, 5, (30.0, 30.0), 100.0)


def test_rectangular_pixels_keep_the_disc():
    dem = np.zeros((161, 241), dtype=np.float32)
    seen = viewshed(dem, 80, 120, (20.0, 30.0), 2300.0, observer_height=2.0, curvature=False)
    assert seen.sum() * 20.0 * 30.0 == pytest.approx(math.pi * 2300.0**2, rel=0.01)
