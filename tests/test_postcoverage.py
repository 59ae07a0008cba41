"""bordergaps:postcoverage: discs, sectors and DEM viewsheds per post, merged, and the count raster."""

import math

import numpy as np
import pytest
from qgis.core import QgsFeature, QgsGeometry, QgsPointXY, QgsProcessingFeedback, QgsVectorLayer

from bg_testing.dem import ORIGIN, cell_centre, write_dem
from border_gaps.analysis import coverage
from border_gaps.analysis.errors import BorderGapsError

ALG = "bordergaps:postcoverage"


class RecordingFeedback(QgsProcessingFeedback):
    def __init__(self):
        super().__init__()
        self.warnings = []

    def pushWarning(self, warning):
        self.warnings.append(warning)
        super().pushWarning(warning)


def posts_layer(points, crs="EPSG:32638"):
    """Memory point layer; each point is (x, y, range_m, sector_start, sector_end, kind, force)."""
    layer = QgsVectorLayer(
        f"Point?crs={crs}&field=kind:string&field=force:string&field=range_m:double&field=az0:double&field=az1:double",
        "posts",
        "memory",
    )
    features = []
    for x, y, range_m, az0, az1, kind, force in points:
        feature = QgsFeature(layer.fields())
        feature.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(x, y)))
        feature.setAttributes([kind, force, range_m, az0, az1])
        features.append(feature)
    layer.dataProvider().addFeatures(features)
    return layer


def run(params, feedback=None):
    from qgis import processing

    base = {"OUTPUT_PER_POST": "memory:", "OUTPUT_MERGED": "memory:", "CURVATURE": False}
    base.update(params)
    return processing.run(ALG, base, feedback=feedback or QgsProcessingFeedback())


def features(layer):
    return sorted(layer.getFeatures(), key=lambda f: f["post_id"] if "post_id" in f.fields().names() else 0)


def test_discs_and_merged_union_without_dem(bordergaps_provider):
    x0, y0 = 450000.0, 4000000.0
    layer = posts_layer(
        [(x0, y0, 3000.0, None, None, "tower", "ISF"), (x0 + 4000.0, y0, None, None, None, "camera", "Peshmerga")]
    )
    result = run({"POSTS": layer, "RANGE_FIELD": "range_m", "DEFAULT_RANGE": 2000.0})
    per = features(result["OUTPUT_PER_POST"])
    assert [f["kind"] for f in per] == ["tower", "camera"]
    assert [f["force"] for f in per] == ["ISF", "Peshmerga"]
    assert [f["range_m"] for f in per] == [3000.0, 2000.0]
    for feature, radius in zip(per, (3000.0, 2000.0)):
        assert feature["area_km2"] == pytest.approx(math.pi * radius**2 / 1e6, rel=1e-3)
        assert feature.geometry().area() == pytest.approx(math.pi * radius**2, rel=1e-3)
    # two discs 4 km apart with radii 3 and 2 km: union = sum − lens
    r1, r2, d = 3000.0, 2000.0, 4000.0
    a1 = r1**2 * math.acos((d * d + r1 * r1 - r2 * r2) / (2 * d * r1))
    a2 = r2**2 * math.acos((d * d + r2 * r2 - r1 * r1) / (2 * d * r2))
    lens = a1 + a2 - 0.5 * math.sqrt((-d + r1 + r2) * (d + r1 - r2) * (d - r1 + r2) * (d + r1 + r2))
    union = math.pi * (r1 * r1 + r2 * r2) - lens
    merged = list(result["OUTPUT_MERGED"].getFeatures())
    assert len(merged) == 1
    assert merged[0]["posts"] == 2
    assert result["MERGED_AREA_KM2"] == pytest.approx(union / 1e6, rel=2e-3)
    assert merged[0].geometry().area() == pytest.approx(union, rel=2e-3)


def test_sector_post_covers_only_its_sector_without_dem(bordergaps_provider):
    x0, y0 = 450000.0, 4000000.0
    layer = posts_layer([(x0, y0, 2000.0, 350.0, 80.0, "camera", "ISF")])
    result = run({"POSTS": layer, "RANGE_FIELD": "range_m", "SECTOR_START_FIELD": "az0", "SECTOR_END_FIELD": "az1"})
    (feature,) = features(result["OUTPUT_PER_POST"])
    assert feature["area_km2"] == pytest.approx(math.pi * 4.0 / 4, rel=1e-3)
    geom = feature.geometry()
    assert geom.contains(QgsGeometry.fromPointXY(QgsPointXY(x0 + 100, y0 + 1500)))  # north-north-east
    assert geom.contains(QgsGeometry.fromPointXY(QgsPointXY(x0 - 100, y0 + 1500)))  # just west of north
    assert not geom.contains(QgsGeometry.fromPointXY(QgsPointXY(x0 + 1000, y0 - 200)))  # east-south-east
    assert not geom.contains(QgsGeometry.fromPointXY(QgsPointXY(x0 - 800, y0 + 500)))  # north-west


def test_flat_dem_gives_the_disc(tmp_path, bordergaps_provider):
    pixel = 30.0
    dem = write_dem(tmp_path / "flat.tif", np.full((260, 260), 250.0), pixel=pixel)
    x, y = cell_centre(130, 130, pixel)
    layer = posts_layer([(x, y, 3500.0, None, None, "tower", "ISF")])
    result = run({"POSTS": layer, "RANGE_FIELD": "range_m", "DEM": dem, "OBSERVER_HEIGHT": 5.0, "TARGET_HEIGHT": 0.0})
    (feature,) = features(result["OUTPUT_PER_POST"])
    disc = math.pi * 3500.0**2
    assert feature["method"] == "viewshed"
    assert feature["area_km2"] * 1e6 == pytest.approx(disc, rel=0.01)
    assert feature.geometry().area() == pytest.approx(disc, rel=0.01)
    assert result["MERGED_AREA_KM2"] * 1e6 == pytest.approx(disc, rel=0.01)


def test_wall_hides_land_and_count_raster_counts_posts(tmp_path, bordergaps_provider):
    import rasterio

    pixel = 30.0
    heights = np.zeros((200, 200))
    heights[:, 100] = 80.0  # a north-south wall between the two posts
    dem = write_dem(tmp_path / "wall.tif", heights, pixel=pixel)
    west, east = cell_centre(100, 70, pixel), cell_centre(100, 130, pixel)
    layer = posts_layer([(*west, 2400.0, None, None, "tower", "ISF"), (*east, 2400.0, None, None, "tower", "ISF")])
    count_path = str(tmp_path / "count.tif")
    result = run(
        {
            "POSTS": layer,
            "RANGE_FIELD": "range_m",
            "DEM": dem,
            "OBSERVER_HEIGHT": 3.0,
            "TARGET_HEIGHT": 0.0,
            "OUTPUT_COUNT": count_path,
        }
    )
    per = features(result["OUTPUT_PER_POST"])
    west_geom, east_geom = per[0].geometry(), per[1].geometry()
    beyond_wall_east = QgsGeometry.fromPointXY(QgsPointXY(*cell_centre(100, 120, pixel)))
    beyond_wall_west = QgsGeometry.fromPointXY(QgsPointXY(*cell_centre(100, 80, pixel)))
    assert west_geom.contains(beyond_wall_west) and not west_geom.contains(beyond_wall_east)
    assert east_geom.contains(beyond_wall_east) and not east_geom.contains(beyond_wall_west)
    # each post sees only its own side (plus the wall): merged ≈ sum, and no cell is seen twice but the wall's
    with rasterio.open(count_path) as src:
        counts = src.read(1)
        assert counts.max() == 2  # the wall's top is seen from both sides
        assert set(np.unique(counts)) <= {0, 1, 2}
        assert (counts == 2).sum() <= 200  # only wall cells
        seen_cells = (counts > 0).sum()
    assert result["MERGED_AREA_KM2"] == pytest.approx(seen_cells * pixel * pixel / 1e6, rel=1e-6)


def test_geographic_dem_is_warped_to_utm(tmp_path, bordergaps_provider):
    # a flat DEM in lon/lat around Sinjar (41.9 E, 36.3 N): the disc comes out right in UTM
    heights = np.full((220, 260), 500.0)
    dem = write_dem(tmp_path / "wgs84.tif", heights, pixel=0.0003, origin=(41.86, 36.34), epsg=4326)
    layer = posts_layer(
        [(41.86 + 130 * 0.0003, 36.34 - 110 * 0.0003, 2000.0, None, None, "tower", "ISF")], crs="EPSG:4326"
    )
    feedback = RecordingFeedback()
    result = run({"POSTS": layer, "RANGE_FIELD": "range_m", "DEM": dem, "OBSERVER_HEIGHT": 5.0}, feedback)
    (feature,) = features(result["OUTPUT_PER_POST"])
    assert feature["area_km2"] == pytest.approx(math.pi * 4.0, rel=0.02)
    assert result["OUTPUT_PER_POST"].crs().authid() == "EPSG:4326"


def test_posts_outside_the_dem_or_on_nodata_are_skipped_with_a_warning(tmp_path, bordergaps_provider):
    heights = np.full((120, 120), 100.0)
    heights[60, 60] = -9999.0
    dem = write_dem(tmp_path / "holes.tif", heights, nodata=-9999.0)
    inside = cell_centre(30, 30)
    hole = cell_centre(60, 60)
    outside = (ORIGIN[0] - 5000.0, ORIGIN[1])
    layer = posts_layer(
        [
            (*inside, 900.0, None, None, "a", "ISF"),
            (*hole, 900.0, None, None, "b", "ISF"),
            (*outside, 900.0, None, None, "c", "ISF"),
        ]
    )
    feedback = RecordingFeedback()
    result = run({"POSTS": layer, "RANGE_FIELD": "range_m", "DEM": dem}, feedback)
    assert result["POST_COUNT"] == 1 and result["SKIPPED_COUNT"] == 2
    assert [f["kind"] for f in features(result["OUTPUT_PER_POST"])] == ["a"]
    text = " ".join(feedback.warnings)
    assert "outside the DEM" in text and "no-data" in text


def test_all_posts_outside_the_dem_is_an_error(tmp_path, bordergaps_provider):
    from qgis.core import QgsProcessingException

    dem = write_dem(tmp_path / "small.tif", np.zeros((50, 50)))
    layer = posts_layer([(ORIGIN[0] - 9000.0, ORIGIN[1], 900.0, None, None, "a", "ISF")])
    with pytest.raises(QgsProcessingException, match="outside the DEM"):
        run({"POSTS": layer, "RANGE_FIELD": "range_m", "DEM": dem})


def test_without_rasterio_the_dem_path_says_what_to_install(tmp_path, monkeypatch, bordergaps_provider):
    dem = write_dem(tmp_path / "flat.tif", np.zeros((50, 50)))
    monkeypatch.setattr(coverage, "rasterio", None)
    with pytest.raises(BorderGapsError, match="pip install rasterio"):
        coverage.DemCoverage(dem)
    from qgis.core import QgsProcessingException

    layer = posts_layer([(*cell_centre(25, 25), 500.0, None, None, "a", "ISF")])
    with pytest.raises(QgsProcessingException, match="rasterio"):
        run({"POSTS": layer, "RANGE_FIELD": "range_m", "DEM": dem})
    # ranges alone still work
    result = run({"POSTS": layer, "RANGE_FIELD": "range_m"})
    assert result["POST_COUNT"] == 1


def test_half_a_sector_is_refused(bordergaps_provider):
    from qgis.core import QgsProcessingException

    layer = posts_layer([(450000.0, 4000000.0, 500.0, 10.0, 20.0, "a", "ISF")])
    with pytest.raises(QgsProcessingException, match="SECTOR_END_FIELD"):
        run({"POSTS": layer, "RANGE_FIELD": "range_m", "SECTOR_START_FIELD": "az0"})


def test_viewshed_polygons_of_rugged_terrain_are_valid_and_match_the_cells(tmp_path, bordergaps_provider):
    from bg_testing.dem import hills

    pixel = 30.0
    heights = hills(n=240, seed=5)
    dem_path = write_dem(tmp_path / "hills.tif", heights, pixel=pixel)
    posts = [
        coverage.Post(i, *cell_centre(r, c, pixel), 3000.0)
        for i, (r, c) in enumerate([(120, 120), (30, 200), (200, 30), (60, 60), (180, 170)])
    ]
    with coverage.DemCoverage(dem_path, observer_height=8.0, target_height=1.7) as dem:
        mosaic = coverage.CoverageMosaic(dem, coverage.window_bounds(dem, posts))
        for post, seen in dem.visible_many(posts):
            covered = dem.coverage_of(post, seen)
            mosaic.add(seen)
            assert covered.geometry.isGeosValid()
            assert covered.geometry.area() == pytest.approx(seen.visible.sum() * pixel * pixel, rel=1e-9)
            assert 0 < seen.visible.sum() < 0.9 * math.pi * 100**2  # the hills hide part of the disc
        merged = mosaic.geometry()
    assert merged.isGeosValid()
    assert merged.area() == pytest.approx(mosaic.area_km2() * 1e6, rel=1e-9)


def test_viewsheds_in_threads_are_those_of_one_thread_in_the_same_order(tmp_path):
    from bg_testing.dem import hills

    pixel = 30.0
    dem_path = write_dem(tmp_path / "hills.tif", hills(n=200, seed=9), pixel=pixel)
    rng = np.random.default_rng(4)
    cells = rng.integers(5, 195, size=(37, 2))
    posts = [coverage.Post(i, *cell_centre(r, c, pixel), 1500.0 + 300.0 * (i % 3)) for i, (r, c) in enumerate(cells)]
    posts.insert(11, coverage.Post("outside", ORIGIN[0] - 5000.0, ORIGIN[1], 2000.0))  # skipped, in its place
    with coverage.DemCoverage(dem_path, observer_height=8.0, target_height=1.7) as dem:
        one = list(dem.visible_many(posts, batch=4, threads=1))
        three = list(dem.visible_many(posts, batch=4, threads=3, polygons=True))
        assert [post.post_id for post, _ in three] == [post.post_id for post in posts]
        for (post, seen), (_, covered) in zip(one, three):
            if isinstance(seen, coverage.SkippedPostError):
                assert isinstance(covered, coverage.SkippedPostError) and str(covered) == str(seen)
                continue
            window = covered.window
            assert (window.row_off, window.col_off, window.transform) == (seen.row_off, seen.col_off, seen.transform)
            assert np.array_equal(window.visible, seen.visible) and seen.visible.any()
            assert covered.geometry.asWkb() == dem.coverage_of(post, seen).geometry.asWkb()


def test_a_canceled_threaded_sweep_stops_and_yields_nothing_more(tmp_path):
    from bg_testing.dem import hills

    dem_path = write_dem(tmp_path / "hills.tif", hills(n=200, seed=9), pixel=30.0)
    posts = [coverage.Post(i, *cell_centre(100, 100, 30.0), 2000.0) for i in range(40)]
    seen = []
    with coverage.DemCoverage(dem_path) as dem:
        for post, _ in dem.visible_many(posts, is_canceled=lambda: len(seen) >= 6, batch=4, threads=3):
            seen.append(post)
    assert 6 <= len(seen) < 40


def test_rasterio_polygonize_fallback_gives_the_same_polygons(monkeypatch):
    from rasterio.transform import from_origin

    rng = np.random.default_rng(3)
    mask = np.zeros((60, 80), dtype=bool)
    mask[5:40, 10:50] = True
    mask[15:25, 20:30] = False  # a hole
    mask[45:55, 60:75] = rng.random((10, 15)) > 0.3  # ragged
    transform = from_origin(*ORIGIN, 30.0, 30.0)
    via_gdal = coverage.mask_to_geometry(mask, transform)
    monkeypatch.setattr(coverage, "_polygonize_ogr", lambda *_: None)
    via_rasterio = coverage.mask_to_geometry(mask, transform)
    assert via_gdal.area() == pytest.approx(mask.sum() * 900.0)
    assert via_rasterio.area() == pytest.approx(mask.sum() * 900.0)
    assert via_gdal.symDifference(via_rasterio).area() < 1e-6


def test_dem_sector_post_sees_only_its_sector(tmp_path, bordergaps_provider):
    pixel = 30.0
    dem = write_dem(tmp_path / "flat.tif", np.full((200, 200), 300.0), pixel=pixel)
    x, y = cell_centre(100, 100, pixel)
    layer = posts_layer([(x, y, 2400.0, 180.0, 270.0, "camera", "ISF")])  # south to west
    result = run(
        {
            "POSTS": layer,
            "RANGE_FIELD": "range_m",
            "SECTOR_START_FIELD": "az0",
            "SECTOR_END_FIELD": "az1",
            "DEM": dem,
            "OBSERVER_HEIGHT": 4.0,
            "TARGET_HEIGHT": 0.0,
        }
    )
    (feature,) = features(result["OUTPUT_PER_POST"])
    assert feature["sector"] == "180-270"
    assert feature["area_km2"] == pytest.approx(math.pi * 2.4**2 / 4, rel=0.02)
    geom = feature.geometry()
    assert geom.contains(QgsGeometry.fromPointXY(QgsPointXY(x - 1000, y - 1000)))  # south-west
    for dx, dy in ((1000, 1000), (1000, -1000), (-1000, 1000)):
        assert not geom.contains(QgsGeometry.fromPointXY(QgsPointXY(x + dx, y + dy)))
