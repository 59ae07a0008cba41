"""Crossing corridors: least-cost routes, density, pinch points and the checks on bad inputs."""

import math

import numpy as np
import pytest
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsGeometry,
    QgsPointXY,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProject,
    QgsRectangle,
    QgsVectorLayer,
)

from bg_testing.corridors import CRS, X0, Y0, RecordingFeedback, at, layer, points, rectangle
from border_gaps.analysis import corridors
from border_gaps.analysis.errors import BorderGapsError

ALG = "bordergaps:corridors"


@pytest.fixture
def run(bordergaps_provider, tmp_path):
    """Run the algorithm on memory layers; returns (results, routes, pinch points, feedback)."""
    from qgis import processing

    def _run(**params):
        feedback = RecordingFeedback()
        context = QgsProcessingContext()
        context.setProject(QgsProject.instance())
        params.setdefault("CELL_SIZE", 100)
        params.setdefault("MARGIN", 1000)
        params.setdefault("ROUTES", "memory:")
        params.setdefault("PINCH_POINTS", "memory:")
        params.setdefault("DENSITY", str(tmp_path / "density.tif"))
        results = processing.run(ALG, params, context=context, feedback=feedback)
        # processing.run() hands memory outputs back as layers
        routes, pinches = (
            results[key] if isinstance(results[key], QgsVectorLayer) else context.takeResultLayer(results[key])
            for key in ("ROUTES", "PINCH_POINTS")
        )
        return results, list(routes.getFeatures()), list(pinches.getFeatures()), feedback

    return _run


def flat_grid(width=10_000, height=6_000, cell=100.0):
    return corridors.plan_grid(QgsRectangle(0, 0, width, height), cell, 1_000)


# --- the computation -------------------------------------------------------------------------


def test_flat_grid_gives_a_straight_route_as_long_as_the_distance():
    grid = flat_grid()
    cost = corridors.cost_surface(grid, corridors.CostModel())
    origin, destination = (300.0, 700.0), (7_300.0, 3_700.0)  # not along an axis or a diagonal
    routes, unreachable = corridors.least_cost_routes(cost, grid, [origin], [destination])
    assert unreachable == []
    (route,) = routes
    distance = math.dist(origin, destination)
    # the 8-connected staircase would be 6 cells longer here: the route is pulled straight
    assert len(route.vertices) == 2
    assert abs(route.geometry().length() - distance) <= grid.cell
    assert route.cost == pytest.approx(distance, rel=1e-6)  # cost 1 per metre on open flat ground


def test_multi_origin_search_picks_the_same_origin_as_one_search_per_origin():
    from skimage.graph import MCP_Geometric

    rng = np.random.default_rng(3)
    grid = flat_grid(6_000, 4_000)
    cost = 1.0 + 4.0 * rng.random((grid.rows, grid.cols))
    origins = [tuple(v) for v in rng.uniform(0, [1_500, 4_000], (6, 2))]
    destinations = [tuple(v) for v in rng.uniform([4_500, 0], [6_000, 4_000], (12, 2))]
    routes, _ = corridors.least_cost_routes(cost, grid, origins, destinations, k=1)
    mcp = MCP_Geometric(cost)
    per_origin = []
    for x, y in origins:
        cumulative, _ = mcp.find_costs([grid.cell_of(x, y)])
        per_origin.append([cumulative[grid.cell_of(dx, dy)] for dx, dy in destinations])
    expected = np.argmin(np.array(per_origin), axis=0)
    assert [r.origin for r in routes] == list(expected)


def test_k_routes_come_from_distinct_cheapest_origins_whichever_side_is_searched():
    rng = np.random.default_rng(5)
    grid = flat_grid(5_000, 3_000)
    cost = 1.0 + 3.0 * rng.random((grid.rows, grid.cols))
    origins = [tuple(v) for v in rng.uniform(0, [1_000, 3_000], (5, 2))]
    destinations = [tuple(v) for v in rng.uniform([4_000, 0], [5_000, 3_000], (3, 2))]
    # 5 origins > 3 destinations: searched per destination; with the roles swapped, per origin
    routes, _ = corridors.least_cost_routes(cost, grid, origins, destinations, k=3)
    reverse, _ = corridors.least_cost_routes(cost, grid, destinations, origins, k=5)
    for j in range(len(destinations)):
        mine = [r for r in routes if r.destination == j]
        assert [r.rank for r in mine] == [1, 2, 3]
        assert len({r.origin for r in mine}) == 3
        assert [r.cost for r in mine] == sorted(r.cost for r in mine)
        # pulling taut does not make a route costlier, up to the sampling of a noisy raster (2 %)
        assert all(r.cost <= r.grid_cost * 1.02 for r in mine)
        # the same three origins are the three cheapest from the other direction
        from_j = sorted((r.grid_cost, r.destination) for r in reverse if r.origin == j)
        assert {r.origin for r in mine} == {i for _, i in from_j[:3]}


def test_impassable_block_is_gone_around():
    grid = flat_grid()
    block = QgsGeometry.fromWkt(rectangle(4_000, -1_000, 6_000, 4_500))
    cost = corridors.cost_surface(grid, corridors.CostModel(coverage=[block], coverage_impassable=True))
    routes, _ = corridors.least_cost_routes(cost, grid, [(0.0, 2_000.0)], [(10_000.0, 2_000.0)])
    line = routes[0].geometry()
    assert not line.intersects(block)
    assert max(y for _, y in routes[0].vertices) >= 4_500  # over the top, the only way round
    assert line.length() > 10_500


def test_density_is_highest_at_the_only_opening():
    grid = flat_grid(10_000, 6_000)
    # a wall across the whole grid with one opening of a single cell at (5050, 3050)
    wall = [
        QgsGeometry.fromWkt(rectangle(5_000, -2_000, 5_100, 3_000)),
        QgsGeometry.fromWkt(rectangle(5_000, 3_100, 5_100, 8_000)),
    ]
    cost = corridors.cost_surface(grid, corridors.CostModel(coverage=wall, coverage_impassable=True))
    origins = [(0.0, y) for y in (0.0, 2_000.0, 4_000.0, 6_000.0)]
    destinations = [(10_000.0, y) for y in (0.0, 1_500.0, 3_000.0, 4_500.0, 6_000.0)]
    routes, _ = corridors.least_cost_routes(cost, grid, origins, destinations, k=2)
    assert len(routes) == 10
    density = corridors.route_density(grid, routes)
    opening = grid.cell_of(5_050.0, 3_050.0)
    assert density[opening] == len(routes)
    rows, cols = np.nonzero(density == density.max())
    # the opening, and the few cells just past it before the routes fan out again
    assert np.all(np.hypot(rows - opening[0], cols - opening[1]) <= 5)
    pinches = corridors.pinch_points(grid, density, 3, 1_000.0, origins + destinations)
    x, y, count = pinches[0]
    # routes converge on the opening, so the cells next to it carry them all too
    assert count == len(routes) and math.dist((x, y), (5_050.0, 3_050.0)) <= 3 * grid.cell


def test_grid_too_large_is_refused_with_its_size_the_limit_and_the_fix():
    # 1 m cells over 800 x 600 km: 4.8e11 cells, far beyond any memory, so an attempt to allocate
    # would fail with MemoryError instead of this message
    with pytest.raises(BorderGapsError) as err:
        corridors.plan_grid(QgsRectangle(0, 0, 800_000, 600_000), 1.0, 0.0, max_cells=50_000_000)
    message = str(err.value)
    assert "800,000 × 600,000 = 480,000,000,000 cells" in message
    assert "MAX_CELLS = 50,000,000" in message
    assert "larger CELL_SIZE (at least 98 m here)" in message


def test_missing_scikit_image_says_what_to_install(monkeypatch):
    monkeypatch.setattr(corridors, "MCP_Geometric", None)
    message = corridors.missing_dependencies()
    assert "scikit-image" in message and "pip install scikit-image" in message
    from border_gaps.processing.corridors import CorridorsAlgorithm

    ok, text = CorridorsAlgorithm().checkParameterValues({}, QgsProcessingContext())
    assert not ok and "scikit-image" in text


# --- the algorithm ---------------------------------------------------------------------------


def test_cheaper_road_attracts_the_route(run):
    origins = points([(0, 0)], "origins")
    destinations = points([(10_000, 0)], "destinations")
    road = "LINESTRING(0 0, 2000 3000, 8000 3000, 10000 0)"  # a detour 3 km north of the straight line
    _, plain, _, _ = run(ORIGINS=origins, DESTINATIONS=destinations, MARGIN=4_000)
    _, roaded, _, _ = run(
        ORIGINS=origins,
        DESTINATIONS=destinations,
        MARGIN=4_000,
        ROADS=[layer("LineString", [road], "roads")],
        ROAD_FACTOR=0.2,
    )
    assert plain[0]["length_km"] == pytest.approx(10.0, abs=0.1)
    near_road = QgsGeometry.fromWkt(road)
    near_road.translate(X0, Y0)
    near_road = near_road.buffer(150, 8)
    line = roaded[0].geometry()
    assert line.intersection(near_road).length() >= 0.9 * line.length()
    assert roaded[0]["cost"] < 0.5 * plain[0]["cost"]


def test_km_in_gaps_and_coverage_equal_the_routes_intersections(run):
    gap = rectangle(3_000, -1_000, 5_500, 1_000)
    cover = rectangle(6_500, -500, 7_000, 2_000)
    res, routes, _, _ = run(
        ORIGINS=points([(0, 0)]),
        DESTINATIONS=points([(10_000, 300)]),
        GAPS=layer("Polygon", [gap], "gaps"),
        COVERAGE=[layer("Polygon", [cover], "cov")],
        DETECTION_FACTOR=1.5,
    )
    (route,) = routes
    line = route.geometry()
    for wkt, field in ((gap, "gaps_km"), (cover, "coverage_km")):
        polygon = QgsGeometry.fromWkt(wkt)
        polygon.translate(X0, Y0)
        expected = line.intersection(polygon).length() / 1000
        assert expected > 0.4  # the route does cross it
        assert route[field] == pytest.approx(expected, abs=1e-9)
    assert route["length_km"] == pytest.approx(line.length() / 1000)
    assert res["ROUTE_COUNT"] == 1


def test_crossing_point_density_raster_and_pinch_points(run, tmp_path):
    import rasterio

    border = layer("LineString", ["LINESTRING(5000 -5000, 5000 5000)"], "border")
    origins = points([(0, -2_000), (0, 0), (0, 2_000)], "origins", labels=["Albu Kamal", "Tal Safuk", "Rabia SY"])
    destinations = points([(10_000, 1_000), (10_000, -1_000)], "destinations", labels=["Sinjar", "البعاج"])
    res, routes, pinches, _ = run(
        ORIGINS=origins,
        ORIGIN_FIELD="name",
        DESTINATIONS=destinations,
        DESTINATION_FIELD="name",
        BORDER=border,
        K=2,
        PINCH_COUNT=5,
        PINCH_SPACING=500,
    )
    assert len(routes) == 4
    assert {f["destination"] for f in routes} == {"Sinjar", "البعاج"}
    to_metric = QgsCoordinateTransform(
        QgsCoordinateReferenceSystem("EPSG:4326"), QgsCoordinateReferenceSystem(CRS), QgsProject.instance()
    )
    for feature in routes:
        crossing = to_metric.transform(QgsPointXY(feature["cross_lon"], feature["cross_lat"]))
        assert crossing.x() == pytest.approx(X0 + 5_000, abs=0.5)  # on the border line
        assert feature.geometry().distance(QgsGeometry.fromPointXY(crossing)) < 0.5  # and on the route
    with rasterio.open(res["DENSITY"]) as src:
        assert src.crs.to_epsg() == 32638
        density = src.read(1)
        cells = [src.index(p.geometry().asPoint().x(), p.geometry().asPoint().y()) for p in pinches]
    assert density.max() >= 2 and density.sum() > 0
    assert len(pinches) == 5
    assert [p["rank"] for p in pinches] == [1, 2, 3, 4, 5]
    counts = [p["routes"] for p in pinches]
    assert counts == sorted(counts, reverse=True)
    assert counts == [int(density[cell]) for cell in cells]  # each point sits on its cell of the raster


def test_too_large_grid_is_refused_before_any_work(run):
    with pytest.raises(QgsProcessingException) as err:
        run(ORIGINS=points([(0, 0)]), DESTINATIONS=points([(500_000, 400_000)]), CELL_SIZE=1)
    assert "cells" in str(err.value) and "MAX_CELLS = 50,000,000" in str(err.value)
    assert "larger CELL_SIZE" in str(err.value)


def test_points_outside_the_extent_or_in_coverage_are_skipped_by_name(run):
    extent = f"{X0 - 1000},{X0 + 11_000},{Y0 - 3000},{Y0 + 3000} [{CRS}]"
    destinations = points(
        [(10_000, 0), (30_000, 0), (9_000, 2_000)], "destinations", labels=["inside", "far east", "watched"]
    )
    _, routes, _, feedback = run(
        ORIGINS=points([(0, 0)]),
        DESTINATIONS=destinations,
        DESTINATION_FIELD="name",
        EXTENT=extent,
        COVERAGE_MODE=1,
        COVERAGE=[layer("Polygon", [rectangle(8_500, 1_500, 9_500, 2_500)], "cov")],
    )
    assert [f["destination"] for f in routes] == ["inside"]
    assert any("'far east'" in w and "outside the cost grid" in w for w in feedback.warnings)
    assert any("'watched'" in w and "impassable" in w for w in feedback.warnings)


def test_no_destination_left_is_an_error_naming_the_layer(run):
    extent = f"{X0 - 1000},{X0 + 1000},{Y0 - 1000},{Y0 + 1000} [{CRS}]"
    with pytest.raises(QgsProcessingException, match="No usable destination is left in DESTINATIONS"):
        run(ORIGINS=points([(0, 0)]), DESTINATIONS=points([(10_000, 0)]), EXTENT=extent)


def test_points_on_the_wrong_side_are_skipped(run):
    border = layer("LineString", ["LINESTRING(5000 -5000, 5000 5000)"], "border")
    origins = points([(0, 0), (1_000, 1_000), (8_000, 0)], "origins", labels=["west 1", "west 2", "east"])
    destinations = points([(10_000, 0), (2_000, -1_000)], "destinations", labels=["east town", "west town"])
    _, routes, _, feedback = run(
        ORIGINS=origins, ORIGIN_FIELD="name", DESTINATIONS=destinations, DESTINATION_FIELD="name", BORDER=border
    )
    assert [(f["origin"], f["destination"]) for f in routes] == [("west 2", "east town")]  # the nearer one
    assert any("'east'" in w and "destination side of the border" in w for w in feedback.warnings)
    assert any("'west town'" in w and "origin side of the border" in w for w in feedback.warnings)


def test_countries_check_names_the_country(run):
    countries = layer(
        "Polygon",
        [rectangle(-5_000, -5_000, 5_000, 5_000), rectangle(5_000, -5_000, 15_000, 5_000)],
        "countries",
        [("name", "str")],
        [("Syria",), ("Iraq",)],
    )
    destinations = points([(10_000, 0), (3_000, 0)], "destinations", labels=["Sinjar", "Hasakah"])
    _, routes, _, feedback = run(
        ORIGINS=points([(0, 0)]),
        DESTINATIONS=destinations,
        DESTINATION_FIELD="name",
        COUNTRIES=countries,
        COUNTRY_FIELD="name",
    )
    assert [f["destination"] for f in routes] == ["Sinjar"]
    assert any("'Hasakah'" in w and "lies in Syria, not in Iraq" in w for w in feedback.warnings)


def test_countries_without_a_field_is_refused_up_front(run):
    countries = layer(
        "Polygon", [rectangle(-5_000, -5_000, 15_000, 5_000)], "countries", [("name", "str")], [("Iraq",)]
    )
    with pytest.raises(QgsProcessingException, match="COUNTRIES needs COUNTRY_FIELD"):
        run(ORIGINS=points([(0, 0)]), DESTINATIONS=points([(10_000, 0)]), COUNTRIES=countries)


def test_inputs_in_wgs84_give_the_same_route(run):
    to_wgs = QgsCoordinateTransform(
        QgsCoordinateReferenceSystem(CRS), QgsCoordinateReferenceSystem("EPSG:4326"), QgsProject.instance()
    )
    a, b = to_wgs.transform(QgsPointXY(*at(0, 0))), to_wgs.transform(QgsPointXY(*at(7_000, 3_000)))
    origins = layer("Point", [f"POINT({a.x() - X0} {a.y() - Y0})"], "o", crs="EPSG:4326")
    destinations = layer("Point", [f"POINT({b.x() - X0} {b.y() - Y0})"], "d", crs="EPSG:4326")
    _, routes, _, _ = run(ORIGINS=origins, DESTINATIONS=destinations)
    assert routes[0]["length_km"] == pytest.approx(math.hypot(7, 3), abs=0.01)
    assert routes[0].geometry().vertexAt(0).x() == pytest.approx(a.x(), abs=1e-7)


def hill_dem(path, lonlat=False):
    """A DEM with a steep hill (slopes up to ~40 %) centred on (5000, 0) of the scene, in UTM 38N
    or warped to lon/lat degrees as SRTM tiles come."""
    from bg_testing.dem import write_dem

    pixel = 50.0
    west, north = X0 - 2_000, Y0 + 4_000
    rows, cols = np.mgrid[0:160, 0:300]
    x, y = west + (cols + 0.5) * pixel - X0, north - (rows + 0.5) * pixel - Y0
    hill = 600.0 * np.exp(-((x - 5_000) ** 2 + y**2) / (2 * 900.0**2))
    utm = write_dem(path, 300.0 + hill, pixel=pixel, origin=(west, north))
    if not lonlat:
        return utm
    import rasterio
    from rasterio.warp import calculate_default_transform, reproject

    degrees = str(path).replace(".tif", "_4326.tif")
    with rasterio.open(utm) as src:
        transform, width, height = calculate_default_transform(src.crs, "EPSG:4326", src.width, src.height, *src.bounds)
        profile = dict(src.profile, crs="EPSG:4326", transform=transform, width=width, height=height)
        with rasterio.open(degrees, "w", **profile) as dst:
            reproject(rasterio.band(src, 1), rasterio.band(dst, 1), dst_transform=transform, dst_crs="EPSG:4326")
    return degrees


@pytest.mark.parametrize("lonlat", [False, True], ids=["utm_dem", "lonlat_dem"])
def test_steep_hill_on_the_straight_line_is_walked_around(run, tmp_path, lonlat):
    dem = hill_dem(tmp_path / "hill.tif", lonlat)
    params = dict(ORIGINS=points([(0, 0)]), DESTINATIONS=points([(10_000, 0)]), MARGIN=3_000)
    _, flat, _, _ = run(**params)
    _, hilly, _, feedback = run(DEM=dem, **params)
    line = hilly[0].geometry()
    assert max(abs(v.y() - Y0) for v in line.vertices()) > 1_000  # bends off the straight line
    assert hilly[0]["length_km"] > flat[0]["length_km"] + 0.2
    assert hilly[0]["cost"] > flat[0]["cost"]
    assert any("does not cover" in w for w in feedback.warnings)  # the grid reaches beyond the DEM


def test_wrong_geometry_misspelt_field_and_huge_cells_are_refused_up_front(run):
    base = dict(ORIGINS=points([(0, 0)]), DESTINATIONS=points([(10_000, 0)]))
    with pytest.raises(QgsProcessingException, match="COVERAGE layer 'posts' has points geometries: give polygons"):
        run(COVERAGE=[points([(5_000, 0)], "posts")], **base)
    with pytest.raises(QgsProcessingException, match="ORIGIN_FIELD 'nmae' is not a field of ORIGINS"):
        run(ORIGIN_FIELD="nmae", **base)
    with pytest.raises(QgsProcessingException, match=r"CELL_SIZE 100000 m gives a grid of only 1 × 1 cells"):
        run(CELL_SIZE=1e5, **base)
    # beyond the bound of every metric distance (500 km), before the grid is even planned
    with pytest.raises(QgsProcessingException, match=r"CELL_SIZE \(Cell size\) must be at most 500000 m"):
        run(CELL_SIZE=1e9, **base)


def test_metres_declared_as_degrees_are_refused(run):
    metres = layer("Point", ["POINT(0 0)"], "metres", crs="EPSG:4326")  # (500000, 3700000) in "degrees"
    with pytest.raises(QgsProcessingException, match="ORIGINS layer 'metres' is declared in EPSG:4326"):
        run(ORIGINS=metres, DESTINATIONS=points([(10_000, 0)]))


def test_output_onto_an_input_file_is_refused(run, tmp_path):
    from qgis.core import QgsVectorFileWriter

    path = str(tmp_path / "inputs.gpkg")
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName, options.layerName = "GPKG", "origins"
    QgsVectorFileWriter.writeAsVectorFormatV3(points([(0, 0)]), path, QgsProject.instance().transformContext(), options)
    with open(path, "rb") as f:
        before = f.read()
    with pytest.raises(QgsProcessingException, match="ROUTES is the same file as input ORIGINS"):
        run(ORIGINS=f"{path}|layername=origins", DESTINATIONS=points([(10_000, 0)]), ROUTES=path)
    with open(path, "rb") as f:
        assert f.read() == before


def test_cancel_stops_after_the_search_and_progress_rises():
    grid = flat_grid()
    cost = corridors.cost_surface(grid, corridors.CostModel())
    origins, destinations = [(0.0, 0.0)], [(9_000.0, float(y)) for y in range(0, 5_000, 500)]
    seen = []
    routes, _ = corridors.least_cost_routes(cost, grid, origins, destinations, progress=seen.append)
    assert len(routes) == len(destinations) and seen == sorted(seen) and seen[-1] >= 0.95
    canceled, _ = corridors.least_cost_routes(cost, grid, origins, destinations, is_canceled=lambda: True)
    assert canceled == []


def test_side_check_is_decided_by_destinations_when_origins_are_split(run):
    border = layer("LineString", ["LINESTRING(5000 -5000, 5000 5000)"], "border")
    origins = points([(0, 0), (8_000, 1_000)], "origins", labels=["west", "east"])  # one on each side
    destinations = points([(10_000, 0), (9_000, -2_000)], "destinations", labels=["d1", "d2"])
    _, routes, _, feedback = run(
        ORIGINS=origins, ORIGIN_FIELD="name", DESTINATIONS=destinations, DESTINATION_FIELD="name", BORDER=border
    )
    assert {f["origin"] for f in routes} == {"west"}
    assert any("'east'" in w and "destination side of the border" in w for w in feedback.warnings)


def test_two_routes_from_bit_groups_equal_one_search_per_point():
    rng = np.random.default_rng(8)
    grid = flat_grid(5_000, 3_000)
    cost = 1.0 + 3.0 * rng.random((grid.rows, grid.cols))
    origins = [tuple(v) for v in rng.uniform(0, [1_200, 3_000], (9, 2))]
    destinations = [tuple(v) for v in rng.uniform([3_800, 0], [5_000, 3_000], (20, 2))]
    # 9 origins: 8 bit groups, fewer than 9 single-source searches, so the groups are used
    assert corridors.search_count(9, 20, 2) == 8
    routes, _ = corridors.least_cost_routes(cost, grid, origins, destinations, k=2)
    # the other way round (20 "origins", 9 "destinations") runs one search per point: the reference
    reverse, _ = corridors.least_cost_routes(cost, grid, destinations, origins, k=20)  # every pair
    for j in range(len(destinations)):
        mine = sorted((r.grid_cost, r.origin) for r in routes if r.destination == j)
        reference = sorted((r.grid_cost, r.destination) for r in reverse if r.origin == j)[:2]
        assert len(mine) == 2 and mine[0][1] != mine[1][1]
        assert [c for c, _ in mine] == pytest.approx([c for c, _ in reference], rel=1e-9)
