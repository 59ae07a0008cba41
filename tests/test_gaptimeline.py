"""bordergaps:gaptimeline: gaps through the day from shift windows and sensor kinds (hand-solved
cases), every slice against a gapzones run, the temporal controller, bad schedules."""

import csv
import math
import re

import numpy as np
import pytest
from qgis.core import (
    Qgis,
    QgsDateTimeRange,
    QgsFeatureRequest,
    QgsGeometry,
    QgsProcessingException,
    QgsVectorLayer,
    QgsVectorLayerTemporalContext,
)
from qgis.PyQt.QtCore import QDate, QDateTime, QTime

from bg_testing.algorithm_inputs import run
from bg_testing.gaps import box, layer, point, polygon_area_of_disc, strip_scenario, two_squares
from border_gaps.analysis import schedule
from border_gaps.analysis.errors import BorderGapsError

DAY = QDate(2026, 3, 1)


def params(control, tmp_path, coverage=(), posts=None, **extra):
    tmp_path.mkdir(parents=True, exist_ok=True)
    p = {
        "CONTROL_AREAS": control,
        "FORCE_FIELD": "force",
        "FORCE_A": "Peshmerga",
        "FORCE_B": "ISF",
        "SEAM_DISTANCE": 3000,
        "MODE": 0,
        "MIN_AREA": 0,
        "COVERAGE": list(coverage),
        "REFERENCE_DATE": DAY,
        "GAPS_BY_TIME": str(tmp_path / "by_time.gpkg"),
        "UNWATCHED_HOURS": str(tmp_path / "hours.gpkg"),
        "ALWAYS_GAP": str(tmp_path / "always.gpkg"),
        "SLICE_TABLE": str(tmp_path / "slices.csv"),
    }
    if posts is not None:
        p.update({"POSTS": posts, "RANGE_FIELD": "range_m"})
    p.update(extra)
    return p


def table(path):
    with open(path, encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def features(path):
    vl = QgsVectorLayer(str(path), "out", "ogr")
    assert vl.isValid(), path
    return list(vl.getFeatures())


def strip_control():
    """Peshmerga holds x < 0, ISF x > 2 km (10 km tall, from X0, Y0): the unclaimed seam is the 2 × 10 km
    strip between them plus, with the 3 km seam distance, a lens at each end (points within 3 km of both
    districts' corners); all of it lies in [-5, 7] × [-5, 15] km."""
    return two_squares(10.0, 2.0)


EVERYWHERE = box(-5, -5, 7, 15)


def posts_layer(rows):
    """Posts at (x, y) km with range_m and schedule fields (values as given, None = empty)."""
    return layer(
        "Point",
        "posts",
        [(point(x, y), {"range_m": r, "active_from": a, "active_to": b, "sensor": s}) for x, y, r, a, b, s in rows],
        fields={"range_m": float, "active_from": str, "active_to": str, "sensor": str},
    )


def test_two_shifts_over_one_disc_leave_no_gap_then_dropping_one_opens_it_18_to_06(tmp_path, bordergaps_provider):
    # One rectangle over the whole seam, watched 06–18 by one source and 18–06 by another: no gap at any
    # hour. Without the night one, the whole seam S is a gap exactly from 18:00 to 06:00: 12 hourly
    # slices of S each, S = the 2 × 10 km strip + two lenses (checked against SEAM_AREA_KM2).
    control = strip_control()
    cover = [(EVERYWHERE, {"active_from": a, "active_to": b}) for a, b in (("06:00", "18:00"), ("18:00", "06:00"))]
    both = layer("Polygon", "cover", cover)
    result = run("bordergaps:gaptimeline", params(control, tmp_path / "both", [both]))
    assert result["WORST_GAP_KM2"] == 0.0
    assert result["ALWAYS_GAP_KM2"] == 0.0
    assert result["SLICE_COUNT"] == 24
    assert features(result["GAPS_BY_TIME"]) == []
    day_only = layer("Polygon", "cover", cover[:1])
    result = run("bordergaps:gaptimeline", params(control, tmp_path / "day", [day_only]))
    rows = table(result["SLICE_TABLE"])
    seam = result["SEAM_AREA_KM2"]
    # the lens of each end: two circles of radius 3 km with centres 2 km apart, cut at y = 0:
    # half the lens = 2·(r²·acos(d/2r) − (d/2)·√(r² − d²/4))/2, d = 2
    r, d = 3.0, 2.0
    lens = 2 * (r * r * math.acos(d / (2 * r)) - (d / 2) * math.sqrt(r * r - d * d / 4))
    assert seam == pytest.approx(20.0 + lens, rel=2e-3)  # two half lenses; the 64-gon buffers lose < 0.2 %
    gap = {int(r["slice_id"]) - 1: float(r["gap_km2"]) for r in rows}
    for hour in range(24):
        expected = seam if (hour >= 18 or hour < 6) else 0.0
        assert gap[hour] == pytest.approx(expected, abs=1e-6), hour
    assert result["WORST_GAP_KM2"] == pytest.approx(seam)
    assert result["WORST_SLICE"] == 0.0 and result["WORST_SLICE_LABEL"] == "00:00–01:00"  # earliest of equals
    hours = features(result["UNWATCHED_HOURS"])
    assert len(hours) == 1
    assert hours[0]["hours_unwatched"] == pytest.approx(12.0)
    assert hours[0]["unwatched_windows"] == "00:00–06:00, 18:00–24:00"
    assert hours[0]["area_km2"] == pytest.approx(seam)


def test_a_day_camera_covers_nothing_at_night_and_a_thermal_one_only_at_night(tmp_path, bordergaps_provider):
    control = strip_control()
    cover = layer(
        "Polygon",
        "cover",
        [
            (box(-5, -5, 7, 5), {"sensor": "day"}),  # the south half of the seam (symmetric) in daylight
            (box(-5, 5, 7, 15), {"sensor": "thermal"}),  # the north half at night
        ],
    )
    result = run("bordergaps:gaptimeline", params(control, tmp_path, [cover], DAY_START="07:00", DAY_END="19:00"))
    gap = {int(r["slice_id"]) - 1: float(r["gap_km2"]) for r in table(result["SLICE_TABLE"])}
    for hour in range(24):
        assert gap[hour] == pytest.approx(result["SEAM_AREA_KM2"] / 2, abs=2e-6), hour  # one half unwatched
    by_time = features(result["GAPS_BY_TIME"])
    night = [f for f in by_time if f["slice_id"] == 1]  # 00:00–01:00: the day camera's south half is the gap
    assert len(night) == 1
    assert night[0].geometry().boundingBox().yMaximum() == pytest.approx(4_005_000.0, abs=1e-3)
    noon = [f for f in by_time if f["slice_id"] == 13]
    assert noon[0].geometry().boundingBox().yMinimum() == pytest.approx(4_005_000.0, abs=1e-3)
    hours = sorted((f["hours_unwatched"], f["unwatched_windows"]) for f in features(result["UNWATCHED_HOURS"]))
    assert hours == [(12.0, "00:00–07:00, 19:00–24:00"), (12.0, "07:00–19:00")]
    assert result["ALWAYS_GAP_KM2"] == 0.0


def test_post_window_past_midnight_and_half_hour_slices(tmp_path, bordergaps_provider):
    # One post at the strip's centre, range 1.5 km, on duty 22:30–04:30 (4.5 hours as a number). Its disc
    # is cut by the strip's sides at x = 0 and x = 2 km; the gap when it is on duty is the seam less that
    # clipped disc. Slices of 30 minutes: 22:30–04:30 is 12 slices.
    control = strip_control()
    posts = posts_layer([(1.0, 5.0, 1500.0, "22:30", "4.5", None)])
    result = run("bordergaps:gaptimeline", params(control, tmp_path, posts=posts, TIME_STEP_MIN=30))
    rows = table(result["SLICE_TABLE"])
    assert len(rows) == 48
    seam = result["SEAM_AREA_KM2"]
    on = [i for i, r in enumerate(rows) if float(r["gap_km2"]) < seam - 0.01]
    assert on == list(range(0, 9)) + list(range(45, 48))  # 00:00–04:30 and 22:30–24:00
    # the disc clipped to the strip: a circle of radius r cut by two lines at distance d = 1 km from its
    # centre: area = πr² − 2·(r²·acos(d/r) − d·√(r² − d²)); the 64-gon is within 0.2 % of it
    r, d = 1500.0, 1000.0
    segment = r * r * math.acos(d / r) - d * math.sqrt(r * r - d * d)
    clipped = math.pi * r * r - 2 * segment
    assert seam - float(rows[0]["gap_km2"]) == pytest.approx(clipped / 1e6, rel=2e-3)
    assert polygon_area_of_disc(r) < math.pi * r * r
    hours = {round(f["hours_unwatched"], 3): f["unwatched_windows"] for f in features(result["UNWATCHED_HOURS"])}
    assert hours == {18.0: "04:30–22:30", 24.0: "00:00–24:00"}
    always = features(result["ALWAYS_GAP"])
    assert sum(f["area_km2"] for f in always) == pytest.approx(seam - clipped / 1e6, rel=1e-3)


def test_every_slice_equals_a_gapzones_run_on_the_coverage_active_then(tmp_path, bordergaps_provider):
    control, coverage = strip_scenario(160, seed=3)
    rng = np.random.default_rng(11)
    rows = []
    for feature in coverage.getFeatures():
        start = int(rng.integers(0, 24))
        length = int(rng.choice([6, 8, 12, 16, 24]))
        sensor = str(rng.choice(["day", "night", "any", "any"]))
        rows.append(
            (
                feature.geometry(),
                {
                    "kind": feature["kind"],
                    "active_from": f"{start:02d}:00",
                    "active_to": (start + length) % 24,
                    "sensor": sensor,
                },
            )
        )
    timed = layer(
        "Polygon", "coverage", rows, fields={"kind": str, "active_from": str, "active_to": int, "sensor": str}
    )
    result = run("bordergaps:gaptimeline", params(control, tmp_path, [timed], MIN_AREA=5000))
    slices = table(result["SLICE_TABLE"])
    by_time = features(result["GAPS_BY_TIME"])
    day = schedule.daylight("06:00", "18:00")
    masks = []
    for _, attrs in rows:
        masks.append(
            schedule.schedule_mask(attrs["active_from"], attrs["active_to"], attrs["sensor"], day, "x", ["a", "b", "c"])
        )
    for hour in (0, 5, 6, 11, 17, 18, 23):
        active = [g for (g, _), m in zip(rows, masks) if m[hour * 60 : hour * 60 + 60].all()]
        if not active:
            continue
        only = layer("Polygon", "active", [(g, {"kind": "x"}) for g in active])
        ref = run(
            "bordergaps:gapzones",
            {
                "CONTROL_AREAS": control,
                "FORCE_FIELD": "force",
                "FORCE_A": "Peshmerga",
                "FORCE_B": "ISF",
                "SEAM_DISTANCE": 3000,
                "MODE": 0,
                "MIN_AREA": 5000,
                "COVERAGE": [only],
                "OUTPUT": "memory:",
            },
        )
        ours = float(slices[hour]["gap_km2"])
        assert ours == pytest.approx(ref["GAP_AREA_KM2"], rel=1e-3), hour
        assert int(slices[hour]["gap_count"]) == ref["GAP_COUNT"], hour
        assert 0 < int(slices[hour]["active_sources"]) <= len(active)  # those reaching the seam
        mine = [f for f in by_time if f["slice_id"] == hour + 1]
        assert sum(f["area_km2"] for f in mine) == pytest.approx(ref["GAP_AREA_KM2"], rel=1e-3)
        assert [f["gap_id"] for f in mine] == list(range(1, len(mine) + 1))
        assert all(f.geometry().isGeosValid() for f in mine)
    # the unwatched-hours parts cover the analysed seam exactly, and never overlap
    hours = features(result["UNWATCHED_HOURS"])
    assert sum(f["area_km2"] for f in hours) == pytest.approx(result["SEAM_AREA_KM2"], rel=1e-6)
    assert all(f.geometry().isGeosValid() for f in hours)
    assert all(0.0 <= f["hours_unwatched"] <= 24.0 for f in hours)
    assert all(f["hours_unwatched"] + f["hours_watched"] == pytest.approx(24.0) for f in hours)


def test_the_temporal_controller_shows_one_slice(tmp_path, bordergaps_provider):
    from border_gaps.processing.gaptimeline import set_temporal

    control = strip_control()
    cover = layer("Polygon", "cover", [(EVERYWHERE, {"active_from": "06:00", "active_to": "18:00"})])
    result = run("bordergaps:gaptimeline", params(control, tmp_path, [cover]))
    vl = QgsVectorLayer(result["GAPS_BY_TIME"], "by time", "ogr")
    assert vl.featureCount() == 12
    vl.loadNamedStyle(str(tmp_path / "none.qml"))  # a style without temporal settings changes nothing
    set_temporal(vl, "slice_start", "slice_end")
    props = vl.temporalProperties()
    assert props.isActive()
    assert props.mode() == Qgis.VectorTemporalMode.FeatureDateTimeStartAndEndFromExpressions
    assert props.startExpression() == 'to_datetime("slice_start")'
    assert props.endExpression() == 'to_datetime("slice_end")'
    assert props.startField() == "slice_start" and props.endField() == "slice_end"
    assert props.limitMode() == Qgis.VectorTemporalLimitMode.IncludeBeginExcludeEnd
    frame = QgsDateTimeRange(QDateTime(DAY, QTime(20, 0)), QDateTime(DAY, QTime(21, 0)), True, False)
    shown = list(vl.getFeatures(QgsFeatureRequest().setFilterExpression(temporal_filter(vl, frame))))
    assert [f["slice_id"] for f in shown] == [21]
    assert shown[0]["slice_start"] == QDateTime(DAY, QTime(20, 0))
    assert props.isVisibleInTemporalRange(frame)
    noon = QgsDateTimeRange(QDateTime(DAY, QTime(12, 0)), QDateTime(DAY, QTime(13, 0)), True, False)
    assert list(vl.getFeatures(QgsFeatureRequest().setFilterExpression(temporal_filter(vl, noon)))) == []
    # every hour of the day, as the controller steps through it: the gap (18:00–06:00) of that
    # hour only, never the neighbouring slice that starts where the frame ends
    assert hourly_frames(vl) == [[h + 1] if h < 6 or h >= 18 else [] for h in range(24)]
    # the bundled style carries the same temporal settings, for layers styled without this code
    styled = QgsVectorLayer(result["GAPS_BY_TIME"], "styled", "ogr")
    from border_gaps.processing.seamzones import STYLES

    styled.loadNamedStyle(f"{STYLES}/gaps_by_time.qml")
    assert styled.temporalProperties().isActive() and styled.temporalProperties().endField() == "slice_end"
    assert styled.temporalProperties().startExpression() == 'to_datetime("slice_start")'
    assert hourly_frames(styled) == hourly_frames(vl)


def temporal_filter(vl, frame):
    context = QgsVectorLayerTemporalContext()
    context.setLayer(vl)
    return vl.temporalProperties().createFilterString(context, frame)


def hourly_frames(vl):
    """The slice_id of the features the provider returns for each frame [h:00, h+1:00) of DAY."""
    shown = []
    for h in range(24):
        start = QDateTime(DAY, QTime(0, 0)).addSecs(3600 * h)
        frame = QgsDateTimeRange(start, start.addSecs(3600), True, False)
        shown.append(
            sorted(
                f["slice_id"]
                for f in vl.getFeatures(QgsFeatureRequest().setFilterExpression(temporal_filter(vl, frame)))
            )
        )
    return shown


@pytest.mark.parametrize("stored", ["yyyy-MM-ddTHH:mm:ss", "yyyy-MM-ddTHH:mm:ss.zzz"])
def test_one_slice_per_frame_however_the_geopackage_stores_datetimes(tmp_path, bordergaps_provider, stored):
    """GeoPackage datetimes are text: GDAL 3.13 writes '2026-03-01T21:00:00', older GDAL
    '2026-03-01T21:00:00.000'. A filter compiled to SQL compares that text with QGIS's literal
    ('…T21:00:00.000'), so with the first form the slice starting at 21:00 passed
    slice_start < 21:00 (QGIS 3.44 showed two slices at once). Both forms must give one slice."""
    import sqlite3

    from osgeo import gdal

    from border_gaps.processing.gaptimeline import set_temporal

    result = run("bordergaps:gaptimeline", params(strip_control(), tmp_path))  # no coverage: a gap every hour
    path = result["GAPS_BY_TIME"]
    vl = QgsVectorLayer(path, "by time", "ogr")
    table_name = vl.dataProvider().uri().param("layerName") or "by_time"
    rows = [(f["slice_id"], f["slice_start"], f["slice_end"]) for f in vl.getFeatures()]
    del vl
    data = gdal.OpenEx(path, gdal.OF_VECTOR | gdal.OF_UPDATE)  # GDAL's SQLite has the GPKG triggers' functions
    for sid, start, end in rows:
        data.ExecuteSQL(
            f"UPDATE \"{table_name}\" SET slice_start = '{start.toString(stored)}', "
            f"slice_end = '{end.toString(stored)}' WHERE slice_id = {sid}"
        )
    data = None
    with sqlite3.connect(path) as db:
        text = db.execute(f'select slice_start from "{table_name}" where slice_id = 22').fetchone()[0]
    assert text == QDateTime(DAY, QTime(21, 0)).toString(stored)
    vl = QgsVectorLayer(path, "by time", "ogr")
    assert vl.getFeature(1)["slice_start"].isValid()
    set_temporal(vl, "slice_start", "slice_end")
    assert hourly_frames(vl) == [[h + 1] for h in range(24)]


def test_last_slice_ends_at_midnight_of_the_next_day(tmp_path, bordergaps_provider):
    result = run("bordergaps:gaptimeline", params(strip_control(), tmp_path, TIME_STEP_MIN=90))
    last = max(features(result["GAPS_BY_TIME"]), key=lambda f: f["slice_id"])
    assert last["slice_id"] == 16
    assert last["slice_start"] == QDateTime(DAY, QTime(22, 30))
    assert last["slice_end"] == QDateTime(DAY.addDays(1), QTime(0, 0))


@pytest.mark.parametrize(
    "rows, words",
    [
        ([(1, 5, 1000.0, "25:00", "06:00", None)], ["Feature", "'posts'", "'active_from'", "25:00", "HH:MM"]),
        ([(1, 5, 1000.0, "dawn", "06:00", None)], ["'active_from'", "dawn"]),
        ([(1, 5, 1000.0, "06:00", None, None)], ["'active_to' is empty"]),
        ([(1, 5, 1000.0, None, None, "radar")], ["'sensor'", "radar", "day, night"]),
    ],
)
def test_an_unreadable_schedule_names_the_feature_and_field(tmp_path, bordergaps_provider, rows, words):
    posts = posts_layer(rows)
    with pytest.raises(QgsProcessingException) as err:
        run("bordergaps:gaptimeline", params(strip_control(), tmp_path, posts=posts))
    for word in words:
        assert word in str(err.value)


def test_bad_parameters_are_named(tmp_path, bordergaps_provider):
    cover = layer("Polygon", "cover", [(box(-1, -1, 3, 11), {"kind": "x"})])
    for extra, words in (
        ({"DAY_START": "sunrise"}, ["DAY_START", "sunrise"]),
        ({"DAY_START": "06:00", "DAY_END": "06:00"}, ["DAY_START and DAY_END"]),
        ({"ACTIVE_FROM_FIELD": "starts"}, ["'starts'", "ACTIVE_FROM_FIELD", "kind"]),
        ({"ACTIVE_TO_FIELD": ""}, ["go together"]),
    ):
        with pytest.raises(QgsProcessingException) as err:
            run("bordergaps:gaptimeline", params(strip_control(), tmp_path, [cover], **extra))
        for word in words:
            assert word in str(err.value), (extra, str(err.value))


def test_times_and_windows_parse_as_documented():
    assert schedule.parse_time("06:00") == 360
    assert schedule.parse_time("6:30") == 390
    assert schedule.parse_time(18) == 1080
    assert schedule.parse_time(18.5) == 1110
    assert schedule.parse_time("1830") == 1110
    assert schedule.parse_time("24:00") == 1440
    assert schedule.parse_time(QTime(7, 15)) == 435
    assert schedule.parse_time("") is None and schedule.parse_time(None) is None
    for bad in ("24:30", "-1", "6:75", "noon", 25):
        with pytest.raises(ValueError):
            schedule.parse_time(bad)
    night = schedule.window_mask(18 * 60, 6 * 60)
    assert night.sum() == 12 * 60 and night[0] and night[18 * 60] and not night[12 * 60]
    assert schedule.window_mask(360, 360).all()  # documented: an end equal to the start is the whole day
    assert schedule.window_mask(0, 1440).all()
    assert schedule.windows_text(night) == "00:00–06:00, 18:00–24:00"
    assert schedule.parse_sensor("Thermal") == "night" and schedule.parse_sensor(None) == "any"
    with pytest.raises(BorderGapsError):
        schedule.day_slices(0)


@pytest.mark.parametrize("tile_pieces", [7, 40])
def test_a_tiled_arrangement_gives_the_gaps_of_an_untiled_one(qgis_app, tile_pieces):
    """The arrangement is built in tiles (ARRANGEMENT_TILE_PIECES coverage pieces each); faces either
    side of a cut are joined across it. Cut into many tiles, every slice's gaps, the unwatched parts
    and the never-watched land must be those of the arrangement built in one piece."""
    from border_gaps.analysis.timeline import analyse_timeline

    control, coverage = strip_scenario(160, seed=5)
    rng = np.random.default_rng(4)
    rows = []
    for feature in coverage.getFeatures():
        start = int(rng.integers(0, 24))
        rows.append(
            (
                feature.geometry(),
                {
                    "active_from": f"{start:02d}:00",
                    "active_to": f"{(start + int(rng.choice([4, 8, 12, 16]))) % 24:02d}:30",
                    "sensor": str(rng.choice(["day", "night", "any"])),
                },
            )
        )
    timed = layer("Polygon", "coverage", rows, fields={"active_from": str, "active_to": str, "sensor": str})

    logs = {}

    def analyse(pieces):
        logs[pieces] = lines = []
        return analyse_timeline(
            control,
            "control",
            "force",
            ["Peshmerga"],
            ["ISF"],
            3000.0,
            [(timed, "coverage")],
            log=lines.append,
            tile_pieces=pieces,
        )

    whole, tiled = analyse(10_000), analyse(tile_pieces)
    tiles = [int(re.search(r"in (\d+) tile", " ".join(logs[p])).group(1)) for p in (10_000, tile_pieces)]
    assert tiles[0] == 1 and tiles[1] > 1, tiles
    assert len(whole.slices) == len(tiled.slices) == 24
    for one, other in zip(whole.slices, tiled.slices):
        assert len(one.gaps) == len(other.gaps), one.slice
        assert sorted(g.area() for g in other.gaps) == pytest.approx(sorted(g.area() for g in one.gaps), rel=1e-9)
        assert all(g.isGeosValid() for g in other.gaps)
        # the same land: nothing of one slice's gaps lies outside the other's
        union = QgsGeometry.unaryUnion(one.gaps)
        assert QgsGeometry.unaryUnion(other.gaps).symDifference(union).area() <= 1e-6 * max(union.area(), 1.0)
    assert sum(g.area() for g, _ in tiled.unwatched) == pytest.approx(
        sum(g.area() for g, _ in whole.unwatched), rel=1e-9
    )
    by_hours = {}
    for g, mask in whole.unwatched:
        by_hours[int(mask.sum())] = by_hours.get(int(mask.sum()), 0.0) + g.area()
    for g, mask in tiled.unwatched:
        by_hours[int(mask.sum())] -= g.area()
    assert all(abs(v) <= 1e-3 for v in by_hours.values()), by_hours
    assert sorted(g.area() for g in tiled.always) == pytest.approx(sorted(g.area() for g in whole.always), rel=1e-9)
    assert tiled.faces >= whole.faces  # the cuts only add faces
