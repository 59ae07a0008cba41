"""Who answers for each gap: hand-solved cases, the exactness of the grid minimax against one
search per post, the straight-line and grid answers against each other, invariants and bad inputs.

Scenes are in UTM 38N metres from (X0, Y0) (bg_testing.corridors); speeds 15 km/h = 250 m/min.
"""

import math

import numpy as np
import pytest
from qgis.core import (
    NULL,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsFeature,
    QgsGeometry,
    QgsPointXY,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProject,
    QgsRectangle,
    QgsVectorLayer,
)

from bg_testing.corridors import CRS, X0, Y0, RecordingFeedback, layer, rectangle
from border_gaps.analysis import coordination, costgrid

ALG = "bordergaps:coordination"
M_PER_MIN = 250.0  # 15 km/h
OUTPUTS = ("GAP_RESPONSE", "RESPONSIBILITY", "HANDOVER", "LINKS")


def posts_layer(rows, name="posts", crs=CRS):
    """Posts from (name, force, x, y) in scene metres."""
    return layer(
        "Point",
        [f"POINT({x} {y})" for _, _, x, y in rows],
        name,
        [("name", "str"), ("force", "str")],
        [(n, f) for n, f, _, _ in rows],
        crs=crs,
    )


def gaps_layer(wkts, name="gaps", crs=CRS):
    return layer("Polygon", wkts, name, [("gap_id", "int")], [(n + 1,) for n in range(len(wkts))], crs=crs)


def dem_flat(path, size_km=60):
    """A flat DEM (no slope anywhere) around the scene: open ground over a grid."""
    from bg_testing.dem import write_dem

    cells = int(size_km * 10)
    return write_dem(path, np.full((cells, cells), 350.0), pixel=100.0, origin=(X0 - 30_000, Y0 + 30_000))


@pytest.fixture
def run(bordergaps_provider):
    """Run the algorithm on memory layers: (results, {output: [features]}, feedback)."""
    from qgis import processing

    def _run(**params):
        feedback = RecordingFeedback()
        context = QgsProcessingContext()
        context.setProject(QgsProject.instance())
        params.setdefault("FORCE_FIELD", "force")
        params.setdefault("FORCE_A", "Peshmerga")
        params.setdefault("FORCE_B", "ISF")
        for key in OUTPUTS:
            params.setdefault(key, "memory:")
        results = processing.run(ALG, params, context=context, feedback=feedback)
        layers = {}
        for key in OUTPUTS:
            value = results[key]
            lyr = value if isinstance(value, QgsVectorLayer) else context.takeResultLayer(value)
            layers[key] = list(lyr.getFeatures())
        return results, layers, feedback

    return _run


def assert_valid(out):
    """Every output geometry, polygons, lines and all, is GEOS-valid and not empty."""
    for key, features in out.items():
        for f in features:
            assert not f.geometry().isEmpty() and f.geometry().isGeosValid(), (key, f.attributes())


def at(feature):
    """A feature's geometry back in scene metres."""
    geom = QgsGeometry(feature.geometry())
    geom.translate(-X0, -Y0)
    return geom


# --- hand-solved ---------------------------------------------------------------------------------

TWO_POSTS = [("Tower A", "Peshmerga", 0, 0), ("Checkpoint B", "ISF", 10_000, 0)]
MIDDLE_GAP = rectangle(4_000, -1_000, 6_000, 1_000)


def test_two_posts_and_a_gap_midway_hand_solved(run):
    results, out, _ = run(GAPS=gaps_layer([MIDDLE_GAP]), POSTS=posts_layer(TWO_POSTS))
    (gap,) = out["GAP_RESPONSE"]
    # the worst point of the gap from A is the far corner (6 km, ±1 km): √37 km at 250 m/min
    worst = math.hypot(6_000, 1_000) / M_PER_MIN  # 24.33 min, the same from B by symmetry
    assert (gap["a_post"], gap["b_post"]) == ("Tower A", "Checkpoint B")
    assert gap["a_minutes"] == pytest.approx(worst, abs=0.005) and gap["b_minutes"] == pytest.approx(worst, abs=0.005)
    assert gap["joint"] and not gap["orphan"] and gap["first_force"] == "Peshmerga"  # a tie goes to A
    # handover: the perpendicular bisector x = 5 km across the study area (the gap's box grown by
    # 60 min × 250 m/min = 15 km: y from -16 to 16 km, 32 km long)
    (handover,) = out["HANDOVER"]
    line = at(handover)
    assert all(v.x() == pytest.approx(5_000, abs=1e-6) for v in line.vertices())
    assert handover["length_km"] == pytest.approx(32.0, abs=1e-6)
    assert (handover["post_a"], handover["post_b"]) == ("Tower A", "Checkpoint B")
    # areas: halves of the 32 × 32 km study area; A's farthest point is its corner (-11, ±16) km
    areas = {f["post"]: f for f in out["RESPONSIBILITY"]}
    assert areas["Tower A"]["area_km2"] == pytest.approx(32 * 16) and areas["Checkpoint B"][
        "area_km2"
    ] == pytest.approx(512)
    assert areas["Tower A"]["max_minutes"] == pytest.approx(math.hypot(11_000, 16_000) / M_PER_MIN, abs=0.005)
    assert areas["Tower A"]["force"] == "Peshmerga"
    (link,) = out["LINKS"]
    assert (link["post_a"], link["post_b"], link["gaps"], link["gap_ids"]) == ("Tower A", "Checkpoint B", 1, "1")
    assert link["gap_km2"] == pytest.approx(4.0) and link["distance_km"] == pytest.approx(10.0)
    assert results["JOINT_GAPS"] == 1 and results["ORPHAN_GAPS"] == 0 and results["LINK_COUNT"] == 1
    assert results["WORST_MINUTES"] == pytest.approx(worst, abs=0.005)
    assert_valid(out)


def test_the_gap_response_style_names_both_answering_posts(run):
    """Pointing at a gap (map tip) or identifying it (display name) shows its two answering posts."""
    from qgis.core import QgsExpression, QgsExpressionContext, QgsExpressionContextUtils

    from border_gaps.analysis import maplayout

    _, layers, _ = run(GAPS=gaps_layer([MIDDLE_GAP]), POSTS=posts_layer(TWO_POSTS))
    (feature,) = layers["GAP_RESPONSE"]
    out = QgsVectorLayer(f"MultiPolygon?crs={CRS}", "gap_response", "memory")
    out.dataProvider().addAttributes(feature.fields().toList())
    out.updateFields()
    out.dataProvider().addFeatures([feature])
    assert maplayout.load_qml(out, "gap_response")
    (feature,) = out.getFeatures()
    expressions = QgsExpressionContext(QgsExpressionContextUtils.globalProjectLayerScopes(out))
    expressions.setFeature(feature)
    tip = QgsExpression.replaceExpressionText(out.mapTipTemplate(), expressions)
    # √37 km at 250 m/min = 24.3 min from each post (the hand-solved case above)
    assert tip == "<b>Gap 1</b>: joint<br>Force A: Tower A, 24.3 min<br>Force B: Checkpoint B, 24.3 min", tip
    assert QgsExpression(out.displayExpression()).evaluate(expressions) == "gap 1: Tower A | Checkpoint B"


def test_a_gap_beyond_the_maximum_response_time_is_orphan(run):
    posts = [("far A", "Peshmerga", -30_000, 0), ("B east", "ISF", 20_000, 0), ("B north", "ISF", 0, 25_000)]
    study = layer("Polygon", [rectangle(-40_000, -30_000, 40_000, 40_000)], "study")
    gap = rectangle(-1_000, -1_000, 1_000, 1_000)
    results, out, _ = run(GAPS=gaps_layer([gap]), POSTS=posts_layer(posts), STUDY_AREA=study)
    (row,) = out["GAP_RESPONSE"]
    # from far A the worst corner is (1, ±1) km: √962 km = 124.1 min; from B east (-1, ±1): √442 km =
    # 84.1 min, from B north (±1, -1): √677 km = 104.1 min, so B east answers for force B
    assert row["a_post"] == "far A" and row["a_minutes"] == pytest.approx(math.sqrt(962e6) / M_PER_MIN, abs=0.005)
    assert row["b_post"] == "B east" and row["b_minutes"] == pytest.approx(math.sqrt(442e6) / M_PER_MIN, abs=0.005)
    assert row["orphan"] and not row["joint"] and row["first_force"] == "ISF"
    assert results["ORPHAN_GAPS"] == 1 and results["ORPHAN_KM2"] == pytest.approx(4.0)
    assert results["LINK_COUNT"] == 0  # no handover line crosses the gap, and it is nobody's within 60 min
    assert_valid(out)
    _, out, _ = run(GAPS=gaps_layer([gap]), POSTS=posts_layer(posts), STUDY_AREA=study, MAX_RESPONSE_MIN=90)
    (row,) = out["GAP_RESPONSE"]
    assert not row["orphan"] and not row["joint"]  # B within 90 min, A not


def test_a_non_convex_gap_is_timed_to_its_farthest_vertex():
    # a U open to the north: its bounding box's far corners are vertices, its hull is the box
    u = QgsGeometry.fromWkt(
        "POLYGON((0 0, 3000 0, 3000 3000, 2000 3000, 2000 1000, 1000 1000, 1000 3000, 0 3000, 0 0))"
    )
    two = QgsGeometry.fromWkt(
        "MULTIPOLYGON(((0 0, 500 0, 500 500, 0 0)),((5000 5000, 5200 5000, 5000 5300, 5000 5000)))"
    )
    posts = [coordination.Post("a", "A", 0, 1_500.0, 2_500.0), coordination.Post("b", "B", 1, -4_000.0, 0.0)]
    order = coordination.canonical_order(posts)
    for gap in (u, two):
        answers = coordination.straight_line_answers([gap], posts, order, 15.0)[0]
        # against the boundary sampled every metre: the farthest point is no farther than a vertex
        boundary = gap.densifyByDistance(1.0)
        for side, post in enumerate(posts):
            far = max(math.hypot(v.x() - post.x, v.y() - post.y) for v in boundary.vertices())
            assert answers.minutes[side] * M_PER_MIN == pytest.approx(far, abs=1e-6)


def test_a_post_nearest_to_no_point_of_a_gap_can_still_answer_for_it():
    # a 10 km strip with posts at its ends and one 4.5 km off its middle: the end posts are nearest
    # everywhere on it, yet the middle one reaches its worst point soonest (√(5² + 4.5²) = 6.73 km < 10)
    strip = QgsGeometry.fromWkt(rectangle(0, -10, 10_000, 10))
    posts = [
        coordination.Post("west", "A", 0, 0.0, 0.0),
        coordination.Post("east", "A", 0, 10_000.0, 0.0),
        coordination.Post("off the middle", "A", 0, 5_000.0, 4_500.0),
        coordination.Post("other force", "B", 1, 5_000.0, -40_000.0),
    ]
    order = coordination.canonical_order(posts)
    (answer,) = coordination.straight_line_answers([strip], posts, order, 15.0)
    assert posts[answer.post[0]].label == "off the middle"
    grid = costgrid.plan_grid(QgsRectangle(-2_000, -42_000, 12_000, 8_000), 100.0, 0.0)
    cost = costgrid.cost_surface(grid, costgrid.CostModel())
    fields = [coordination.force_field(grid, cost, posts, [i for i in order if posts[i].side == s]) for s in (0, 1)]
    assert set(fields[0].post[coordination.gap_points(grid, cost, strip).cells]) <= {0, 1}  # never the middle post
    (on_grid,), searches = coordination.grid_answers(grid, cost, posts, order, [strip], fields, 15.0)
    assert on_grid.post[0] == answer.post[0] and searches >= 1
    assert on_grid.minutes[0] == pytest.approx(answer.minutes[0], abs=1e-9)  # open ground: the straight line


# --- the grid ------------------------------------------------------------------------------------


def test_a_road_halves_the_time_along_it(run, tmp_path):
    posts = [("A", "Peshmerga", 0, 50), ("B", "ISF", 0, -12_000)]
    # a 200 × 100 m gap 8 km east of A, in the row of cells the road runs along (y 0 to 100 m)
    gap = rectangle(7_900, 0, 8_100, 100)
    road = layer("LineString", ["LINESTRING(-1000 50, 12000 50)"], "roads")
    base = dict(GAPS=gaps_layer([gap]), POSTS=posts_layer(posts), DEM=dem_flat(tmp_path / "flat.tif"))
    _, plain, _ = run(**base)
    _, fast, feedback = run(ROADS=[road], ROAD_SPEED_KMH=30, **base)
    off_road = plain["GAP_RESPONSE"][0]["a_minutes"]
    on_road = fast["GAP_RESPONSE"][0]["a_minutes"]
    # off road: the far corner (8.1 km, ±50 m) at 250 m/min, 32.4 min, exact on open ground
    assert off_road == pytest.approx(math.hypot(8_100, 50) / M_PER_MIN, abs=0.01)
    # along the road at twice the speed: half, within a cell's time (0.4 min)
    assert on_road == pytest.approx(off_road / 2, abs=0.4)
    assert any("road line(s) at 30 km/h" in line for line in feedback.infos)
    assert_valid(plain)
    assert_valid(fast)


def test_grid_agrees_with_straight_lines_within_a_cell_on_open_ground(run, tmp_path):
    rng = np.random.default_rng(12)
    posts = [
        (f"{force} {n}", force, *rng.uniform(-8_000, 8_000, 2)) for n, force in enumerate(["Peshmerga", "ISF"] * 4)
    ]
    gaps = []
    for _ in range(6):
        x, y = rng.uniform(-6_000, 6_000, 2)
        w, h = rng.uniform(300, 1_500, 2)
        gaps.append(rectangle(x, y, x + w, y + h))
    study = layer("Polygon", [rectangle(-10_000, -10_000, 10_000, 10_000)], "study")
    base = dict(GAPS=gaps_layer(gaps), POSTS=posts_layer(posts), STUDY_AREA=study)
    _, exact, _ = run(**base)
    _, grid, feedback = run(DEM=dem_flat(tmp_path / "flat.tif"), **base)
    assert any("Cost grid" in line for line in feedback.infos)
    cell_minutes = 100.0 / M_PER_MIN
    for e, g in zip(exact["GAP_RESPONSE"], grid["GAP_RESPONSE"]):
        assert (g["a_post"], g["b_post"]) == (e["a_post"], e["b_post"])
        assert g["a_minutes"] == pytest.approx(e["a_minutes"], abs=cell_minutes)
        assert g["b_minutes"] == pytest.approx(e["b_minutes"], abs=cell_minutes)
    # the handover line lies within a cell of the exact one (the zero line of the two forces' refined
    # times); where it passes from one pair of posts to the next, the grid's boundaries between
    # posts of one force follow 8-connected times and may shift by a few cells
    exact_line = QgsGeometry.unaryUnion([f.geometry() for f in exact["HANDOVER"]])
    grid_line = QgsGeometry.unaryUnion([f.geometry() for f in grid["HANDOVER"]])
    assert grid_line.hausdorffDistance(exact_line) <= 100.0
    exact_km = {(f["post_a"], f["post_b"]): f["length_km"] for f in exact["HANDOVER"]}
    grid_km = {(f["post_a"], f["post_b"]): f["length_km"] for f in grid["HANDOVER"]}
    for pair, km in exact_km.items():
        assert grid_km.get(pair, 0.0) == pytest.approx(km, abs=0.6), pair
    assert sum(grid_km.values()) == pytest.approx(sum(exact_km.values()), rel=0.01)
    exact_areas = {f["post"]: f["area_km2"] for f in exact["RESPONSIBILITY"]}
    grid_areas = {f["post"]: f["area_km2"] for f in grid["RESPONSIBILITY"]}
    assert set(grid_areas) == set(exact_areas)
    assert sum(grid_areas.values()) == pytest.approx(400.0, abs=1e-6)  # a partition of the 20 × 20 km
    for post, km2 in exact_areas.items():
        assert grid_areas[post] == pytest.approx(km2, rel=0.05)
    assert_valid(exact)
    assert_valid(grid)


def test_the_grid_minimax_equals_one_search_per_post():
    """The bounded search rounds against the straightforward way: a full search from every post and
    each gap's worst time from each, over rough ground with roads."""
    rng = np.random.default_rng(5)
    grid = costgrid.plan_grid(QgsRectangle(0, 0, 24_000, 16_000), 100.0, 0.0)
    roads = [
        QgsGeometry.fromPolylineXY([QgsPointXY(*rng.uniform((0, 0), (24_000, 16_000))) for _ in range(3)])
        for _ in range(5)
    ]
    slope = 1.0 + rng.gamma(1.0, 0.3, (grid.rows, grid.cols))
    cost = costgrid.cost_surface(grid, costgrid.CostModel(slope=slope, roads=roads, road_factor=0.3))
    posts = [coordination.Post(f"p{i:02d}", "f", i % 2, *rng.uniform((500, 500), (23_500, 15_500))) for i in range(16)]
    gaps = [
        QgsGeometry.fromWkt(rectangle(x, y, x + w, y + h))
        for x, y, w, h in rng.uniform((1_000, 1_000, 200, 200), (21_000, 13_000, 2_500, 2_500), (30, 4))
    ]
    order = coordination.canonical_order(posts)
    fields = [coordination.force_field(grid, cost, posts, [i for i in order if posts[i].side == s]) for s in (0, 1)]
    answers, searches = coordination.grid_answers(grid, cost, posts, order, gaps, fields, 15.0)
    points = [coordination.gap_points(grid, cost, gap) for gap in gaps]
    worst = np.zeros((len(posts), len(gaps)))
    search = costgrid.LeastCostSearch(cost)
    for i, post in enumerate(posts):
        metres = search.run([grid.cell_of(post.x, post.y)]).ravel() * grid.cell
        metres += coordination.post_offsets(grid, cost, posts, [i])[0]
        for g, pts in enumerate(points):
            worst[i, g] = coordination.refined_worst(grid, cost, post, pts.xy, pts.values(metres), pts.vertices)
    rank = {i: n for n, i in enumerate(order)}
    for g, answer in enumerate(answers):
        for side in (0, 1):
            ids = [i for i in order if posts[i].side == side]
            best = min(ids, key=lambda i: (worst[i, g], rank[i]))
            assert answer.post[side] == best
            assert answer.minutes[side] * M_PER_MIN == pytest.approx(worst[best, g], rel=1e-9)
    assert searches < len(gaps) * len(posts)  # far fewer single-post evaluations than pairs


def test_grid_results_do_not_depend_on_post_order():
    """Over a grid with roads: the answers, areas, handover lines and links of the posts in any
    order are the same (ties go by canonical_order, never by the layer's order)."""
    rng = np.random.default_rng(21)
    box = QgsRectangle(0, 0, 16_000, 12_000)
    grid = costgrid.plan_grid(box, 100.0, 0.0)
    roads = [QgsGeometry.fromPolylineXY([QgsPointXY(*rng.uniform((0, 0), (16_000, 12_000))) for _ in range(3)])]
    cost = costgrid.cost_surface(grid, costgrid.CostModel(roads=roads * 3, road_factor=0.3))
    posts = [coordination.Post(f"p{i:02d}", "f", i % 2, *rng.uniform((500, 500), (15_500, 11_500))) for i in range(10)]
    gaps = [
        QgsGeometry.fromWkt(rectangle(x, y, x + w, y + h))
        for x, y, w, h in rng.uniform((1_000, 1_000, 300, 300), (13_000, 9_000, 2_000, 2_000), (8, 4))
    ]
    study = QgsGeometry.fromRect(box)

    def summary(ps):
        result = coordination.coordinate(gaps, ps, study, 15.0, 60.0, grid, cost)
        answers = [[(ps[a.post[s]].label, round(a.minutes[s], 9)) for s in (0, 1)] for a in result.answers]
        areas = sorted((ps[a.post].label, round(a.geometry.area(), 3)) for a in result.areas)
        lines = sorted((ps[h.post_a].label, ps[h.post_b].label, round(h.geometry.length(), 3)) for h in result.handover)
        links = sorted((ps[k.post_a].label, ps[k.post_b].label, tuple(k.gaps)) for k in result.links)
        return answers, areas, lines, links

    first = summary(posts)
    assert len(first[1]) == len(posts) and first[2] and first[3]  # every post has an area; lines and links exist
    assert summary(posts[::-1]) == first
    assert summary([posts[i] for i in rng.permutation(len(posts))]) == first


# --- invariants ------------------------------------------------------------------------------------


def _answers(out):
    return [
        (f["gap_id"], f["a_post"], round(f["a_minutes"], 2), f["b_post"], round(f["b_minutes"], 2))
        for f in out["GAP_RESPONSE"]
    ]


def test_results_do_not_depend_on_post_order_or_input_crs(run):
    rng = np.random.default_rng(3)
    rows = [(f"post {n}", force, *rng.uniform(-9_000, 9_000, 2)) for n, force in enumerate(["Peshmerga", "ISF"] * 5)]
    gaps = [rectangle(x, y, x + 900, y + 600) for x, y in rng.uniform(-7_000, 7_000, (5, 2))]
    _, first, _ = run(GAPS=gaps_layer(gaps), POSTS=posts_layer(rows))
    _, reversed_, _ = run(GAPS=gaps_layer(gaps), POSTS=posts_layer(rows[::-1]))
    assert _answers(first) == _answers(reversed_)
    assert sorted(f["post"] for f in first["RESPONSIBILITY"]) == sorted(f["post"] for f in reversed_["RESPONSIBILITY"])

    def to_wgs84(lyr, kind):
        wgs = QgsVectorLayer(f"{kind}?crs=EPSG:4326", lyr.name(), "memory")
        wgs.dataProvider().addAttributes(lyr.fields().toList())
        wgs.updateFields()
        transform = QgsCoordinateTransform(lyr.crs(), QgsCoordinateReferenceSystem("EPSG:4326"), QgsProject.instance())
        features = []
        for f in lyr.getFeatures():
            g = f.geometry()
            g.transform(transform)
            copy = QgsFeature(wgs.fields())
            copy.setGeometry(g)
            copy.setAttributes(f.attributes())
            features.append(copy)
        wgs.dataProvider().addFeatures(features)
        return wgs

    _, lonlat, _ = run(GAPS=to_wgs84(gaps_layer(gaps), "Polygon"), POSTS=to_wgs84(posts_layer(rows), "Point"))
    for a, b in zip(_answers(first), _answers(lonlat)):
        assert a[:2] == b[:2] and a[3] == b[3]
        assert b[2] == pytest.approx(a[2], rel=1e-3, abs=0.011) and b[4] == pytest.approx(a[4], rel=1e-3, abs=0.011)
    assert_valid(lonlat)


def test_areas_partition_the_study_area_and_touch_only_along_the_handover(run):
    posts = [
        ("a1", "Peshmerga", -3_000, 0),
        ("a2", "Peshmerga", 0, 4_000),
        ("b1", "ISF", 4_000, -1_000),
        ("b2", "ISF", 2_000, 5_000),
    ]
    study = layer(
        "Polygon", ["POLYGON((-8000 -6000, 9000 -6000, 9000 9000, 1000 2000, -8000 9000, -8000 -6000))"], "study"
    )
    _, out, _ = run(GAPS=gaps_layer([rectangle(0, 0, 800, 800)]), POSTS=posts_layer(posts), STUDY_AREA=study)
    areas = [f.geometry() for f in out["RESPONSIBILITY"]]
    total = QgsGeometry.unaryUnion(areas).area()
    assert sum(a.area() for a in areas) == pytest.approx(total, rel=1e-9)  # no overlap
    region = QgsGeometry.fromWkt("POLYGON((-8000 -6000, 9000 -6000, 9000 9000, 1000 2000, -8000 9000, -8000 -6000))")
    region.translate(X0, Y0)
    assert total == pytest.approx(region.area(), rel=1e-9)
    for f in out["HANDOVER"]:
        a = next(g.geometry() for g in out["RESPONSIBILITY"] if g["post"] == f["post_a"])
        b = next(g.geometry() for g in out["RESPONSIBILITY"] if g["post"] == f["post_b"])
        assert a.buffer(0.01, 4).contains(f.geometry()) and b.buffer(0.01, 4).contains(f.geometry())
    assert_valid(out)


def test_a_joint_checkpoint_shares_its_area_and_draws_no_zero_length_link(run):
    # a Peshmerga and an ISF post at one place: both answer the 1 × 1 km gap around them in
    # √(0.5² + 0.5²) km / 250 m/min = 2.83 min; no line can join them, so no link is drawn or counted
    posts = [("A here", "Peshmerga", 0, 0), ("B here", "ISF", 0, 0), ("B far", "ISF", 9_000, 0)]
    results, out, feedback = run(GAPS=gaps_layer([rectangle(-500, -500, 500, 500)]), POSTS=posts_layer(posts))
    (row,) = out["GAP_RESPONSE"]
    assert (row["a_post"], row["b_post"]) == ("A here", "B here") and row["joint"]
    assert row["a_minutes"] == pytest.approx(math.hypot(500, 500) / M_PER_MIN, abs=0.005) == row["b_minutes"]
    assert out["LINKS"] == [] and results["LINK_COUNT"] == 0
    assert any("'A here | B here'" in w and "stand at one place" in w for w in feedback.warnings), feedback.warnings
    assert not any("could not be written" in w for w in feedback.warnings), feedback.warnings
    assert any("'A here = B here'" in line for line in feedback.infos), feedback.infos
    # the place's area is one, named after one of the two; B far's beyond the bisector x = 4.5 km
    assert sorted(f["post"] for f in out["RESPONSIBILITY"]) == ["A here", "B far"]
    assert_valid(out)


# --- bad inputs -------------------------------------------------------------------------------------


def test_no_post_of_a_force_lists_the_values_present(run):
    posts = posts_layer([("a", "Peshmerga", 0, 0), ("p", "PMF", 5_000, 0)])
    with pytest.raises(QgsProcessingException) as err:
        run(GAPS=gaps_layer([MIDDLE_GAP]), POSTS=posts)
    message = str(err.value)
    assert "No post of force B (FORCE_B = 'ISF')" in message and "'PMF', 'Peshmerga'" in message


def test_posts_outside_the_study_area_are_skipped_by_name(run):
    study = layer("Polygon", [rectangle(-2_000, -5_000, 12_000, 5_000)], "study")
    posts = posts_layer(TWO_POSTS + [("Far outpost", "ISF", 40_000, 0)])
    _, out, feedback = run(GAPS=gaps_layer([MIDDLE_GAP]), POSTS=posts, STUDY_AREA=study)
    assert any("'Far outpost'" in w and "outside the study area" in w for w in feedback.warnings)
    assert {f["post"] for f in out["RESPONSIBILITY"]} == {"Tower A", "Checkpoint B"}
    assert_valid(out)


def test_gaps_outside_the_study_area_get_no_answer_and_are_named(run):
    study = layer("Polygon", [rectangle(-2_000, -5_000, 12_000, 5_000)], "study")
    far = rectangle(30_000, 0, 31_000, 1_000)
    results, out, feedback = run(GAPS=gaps_layer([MIDDLE_GAP, far]), POSTS=posts_layer(TWO_POSTS), STUDY_AREA=study)
    assert any("'gap 2'" in w and "outside the study area" in w for w in feedback.warnings), feedback.warnings
    inside, outside = sorted(out["GAP_RESPONSE"], key=lambda f: f["gap_id"])
    assert (inside["a_post"], inside["b_post"]) == ("Tower A", "Checkpoint B")
    assert all(outside[key] in (None, NULL) for key in ("a_post", "a_minutes", "b_post", "b_minutes", "orphan"))
    assert results["ORPHAN_GAPS"] == 0 and results["JOINT_GAPS"] == 1  # the gap left out is neither
    assert_valid(out)


@pytest.mark.parametrize("speed", [0, -5])
def test_a_non_positive_speed_is_refused(run, speed):
    with pytest.raises(QgsProcessingException, match="SPEED_KMH"):
        run(GAPS=gaps_layer([MIDDLE_GAP]), POSTS=posts_layer(TWO_POSTS), SPEED_KMH=speed)


@pytest.mark.parametrize("speed", [0, -30])
def test_a_non_positive_road_speed_is_refused(run, speed):
    road = layer("LineString", ["LINESTRING(-1000 0, 12000 0)"], "roads")
    with pytest.raises(QgsProcessingException, match="ROAD_SPEED_KMH"):
        run(GAPS=gaps_layer([MIDDLE_GAP]), POSTS=posts_layer(TWO_POSTS), ROADS=[road], ROAD_SPEED_KMH=speed)


def test_a_misspelt_force_field_and_posts_as_gaps_are_refused(run):
    with pytest.raises(QgsProcessingException, match="Field 'forse' \\(FORCE_FIELD\\) is not in layer"):
        run(GAPS=gaps_layer([MIDDLE_GAP]), POSTS=posts_layer(TWO_POSTS), FORCE_FIELD="forse")
    with pytest.raises(QgsProcessingException, match="GAPS layer 'posts' has point geometries"):
        run(GAPS=posts_layer(TWO_POSTS), POSTS=posts_layer(TWO_POSTS))


def test_the_cell_size_is_metres_whatever_the_gaps_crs(bordergaps_provider):
    # linked to GAPS, QGIS's dialog would show (and convert to) degrees for a lon/lat gap layer
    from qgis.core import QgsApplication, QgsProcessingParameterDistance, QgsUnitTypes

    param = QgsApplication.processingRegistry().algorithmById(ALG).parameterDefinition("CELL_SIZE")
    assert isinstance(param, QgsProcessingParameterDistance) and not param.parentParameterName()
    assert param.defaultUnit() == QgsUnitTypes.DistanceUnit.DistanceMeters
