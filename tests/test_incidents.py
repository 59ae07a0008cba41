"""bordergaps:incidents: exact rate ratios, dates and ACLED exports, counting each incident once,
the density and its hot spots, the monthly trend, and what it refuses."""

import datetime
import math
import os
import random

import numpy as np
import pytest
from qgis.core import (
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsRasterLayer,
    QgsVectorLayer,
)
from scipy import optimize, stats

from bg_testing import incidents as sc
from bg_testing import robustness as rb
from border_gaps.analysis.errors import BorderGapsError
from border_gaps.analysis.incident_dates import parse_dates
from border_gaps.analysis.incident_stats import (
    format_p,
    poisson_trend,
    rate_ratio,
    ratio_sentence,
    trend_sentence,
)

ALG = "bordergaps:incidents"
ALPHA = 0.05


class LogFeedback(QgsProcessingFeedback):
    def __init__(self):
        super().__init__()
        self.lines = []

    def pushInfo(self, info):
        self.lines.append(info)
        super().pushInfo(info)

    def pushWarning(self, warning):
        self.lines.append(warning)
        super().pushWarning(warning)

    @property
    def text(self):
        return "\n".join(self.lines)


def run(tmp_path, incidents, gaps, feedback=None, chart=True, **params):
    from qgis import processing

    out = tmp_path / f"out{len(os.listdir(tmp_path)) if tmp_path.exists() else 0}"
    out.mkdir(parents=True, exist_ok=True)
    values = {
        "INCIDENTS": incidents,
        "GAPS": gaps,
        "GAP_INCIDENTS": str(out / "gap_incidents.gpkg"),
        "COMPARISON": str(out / "comparison.gpkg"),
        "HOTSPOTS": str(out / "hotspots.tif"),
        "HOTSPOT_AREAS": str(out / "hotspot_areas.gpkg"),
        "TREND": str(out / "trend.gpkg"),
    }
    if chart:
        values["TREND_CHART"] = str(out / "trend.png")
    values.update(params)
    return processing.run(ALG, values, feedback=feedback or LogFeedback())


def rows(path):
    layer = QgsVectorLayer(path, "t", "ogr")
    assert layer.isValid(), path
    return [{name: f[name] for name in layer.fields().names()} for f in layer.getFeatures()]


def by_zone(results):
    return {r["zone"]: r for r in rows(results["COMPARISON"])}


def clopper_pearson_theta(n1, e1, n0, e0):
    """The closed form of the conditional-binomial interval: Beta quantiles of π mapped to θ."""
    low = stats.beta.ppf(ALPHA / 2, n1, n0 + 1)
    high = stats.beta.ppf(1 - ALPHA / 2, n1 + 1, n0)
    return low / (1 - low) * e0 / e1, high / (1 - high) * e0 / e1


# ----------------------------------------------------------------------------- statistics
@pytest.mark.parametrize(("n1", "e1", "n0", "e0"), [(30, 10.0, 40, 100.0), (3, 27.0, 120, 173.0), (250, 5.0, 9, 80.0)])
def test_rate_ratio_interval_inverts_the_binomial_test(n1, e1, n0, e0):
    """At each bound θ the binomial tail of the observed n1 is exactly α/2 (the definition of the
    exact interval): P(X ≥ n1 | π(θ_L)) = α/2 and P(X ≤ n1 | π(θ_U)) = α/2, π(θ) = θe1/(θe1 + e0)."""
    rr = rate_ratio(n1, e1, n0, e0)
    n = n1 + n0
    assert rr.ratio == pytest.approx((n1 / e1) / (n0 / e0), rel=1e-12)

    def pi(theta):
        return theta * e1 / (theta * e1 + e0)

    assert stats.binom.sf(n1 - 1, n, pi(rr.low)) == pytest.approx(ALPHA / 2, rel=1e-6)
    assert stats.binom.cdf(n1, n, pi(rr.high)) == pytest.approx(ALPHA / 2, rel=1e-6)
    assert rr.low < rr.ratio < rr.high


def test_rate_ratio_bounds_when_one_count_is_zero():
    # n1 = 0: the upper bound of π solves (1 − π)^n = α/2, so π_U = 1 − (α/2)^(1/n), θ_U = π_U/(1 − π_U)·e0/e1
    rr = rate_ratio(0, 10.0, 20, 50.0)
    pi_u = 1 - (ALPHA / 2) ** (1 / 20)
    assert rr.low == 0.0 and rr.ratio == 0.0
    assert rr.high == pytest.approx(pi_u / (1 - pi_u) * 50.0 / 10.0, rel=1e-9)
    # n0 = 0: π_L = (α/2)^(1/n), no upper bound, no point estimate
    rr = rate_ratio(12, 10.0, 0, 50.0)
    pi_l = (ALPHA / 2) ** (1 / 12)
    assert rr.ratio is None and rr.high is None
    assert rr.low == pytest.approx(pi_l / (1 - pi_l) * 5.0, rel=1e-9)
    assert rr.p_value == pytest.approx(2 * (10.0 / 60.0) ** 12, rel=1e-9)  # P(all 12 in the gaps | θ = 1), doubled


def test_p_value_and_interval_agree():
    """p < 0.05 exactly when the 95 % interval leaves out 1 (both invert the same binomial test)."""
    for n1 in range(0, 41):
        rr = rate_ratio(n1, 10.0, 60, 90.0)
        excludes_one = rr.low > 1 or (rr.high is not None and rr.high < 1)
        assert (rr.p_value < ALPHA) == excludes_one, n1
        # the p-value is twice the smaller exact tail under θ = 1
        n, pi0 = n1 + 60, 10.0 / 100.0
        tails = min(stats.binom.cdf(n1, n, pi0), stats.binom.sf(n1 - 1, n, pi0))
        assert rr.p_value == pytest.approx(min(1.0, 2 * tails), rel=1e-9)


def test_exact_interval_covers_the_true_ratio_at_least_95_percent_of_the_time():
    rng = np.random.default_rng(11)
    e1, e0, lam1, lam0 = 8.0, 120.0, 1.5, 0.4  # true ratio 3.75
    hits = 0
    for _ in range(400):
        rr = rate_ratio(int(rng.poisson(lam1 * e1)), e1, int(rng.poisson(lam0 * e0)), e0)
        hits += rr.low <= lam1 / lam0 <= (rr.high or math.inf)
    assert hits / 400 >= 0.94  # exact intervals are conservative; 0.94 leaves room for 400 draws


def test_sentences():
    text = ratio_sentence(rate_ratio(60, 10.0, 100, 57.0))
    assert text.startswith("Incidents per km² are 3.4 times higher in the gaps than elsewhere (95 % CI ")
    assert text.endswith(", p < 0.001).")
    low = ratio_sentence(rate_ratio(10, 50.0, 100, 50.0))
    assert "10 times lower in the gaps" in low
    unclear = ratio_sentence(rate_ratio(6, 10.0, 50, 100.0))
    assert "do not show a real difference" in unclear and "p = " in unclear
    assert format_p(0.0004) == "p < 0.001" and format_p(0.0123) == "p = 0.012" and format_p(0.37) == "p = 0.37"


def test_trend_of_two_months_has_its_closed_form():
    """Two months of equal length at t = 0 and t = 1 year: the Poisson MLE is b = ln(y2/y1) and
    its standard error √(1/y1 + 1/y2) (no degrees of freedom left: no dispersion widening)."""
    trend = poisson_trend([20, 45], [30, 30], [0.0, 1.0])
    assert trend.slope == pytest.approx(math.log(45 / 20), rel=1e-9)
    assert trend.se == pytest.approx(math.sqrt(1 / 20 + 1 / 45), rel=1e-9)
    z = stats.norm.ppf(0.975)
    assert trend.change == pytest.approx(45 / 20 - 1, rel=1e-9)
    assert trend.low == pytest.approx(math.exp(math.log(2.25) - z * trend.se) - 1, rel=1e-9)
    assert trend.fitted == pytest.approx([20, 45], rel=1e-9)


def test_trend_matches_a_direct_maximum_likelihood_fit():
    rng = np.random.default_rng(3)
    days = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] * 3, dtype=float)
    days[0], days[-1] = 17, 12  # a period that starts and ends inside a month
    t = (np.cumsum(days) - days / 2) / 365.25
    y = rng.poisson(0.8 * days * np.exp(0.4 * t))
    trend = poisson_trend(y, days, t)

    def negative_log_likelihood(beta):
        eta = beta[0] + beta[1] * t + np.log(days)
        return float(np.sum(np.exp(eta) - y * eta))

    best = optimize.minimize(
        negative_log_likelihood,
        [0.0, 0.0],
        method="Nelder-Mead",
        options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 4000},
    )
    assert trend.slope == pytest.approx(best.x[1], abs=1e-5)
    assert trend.low < 0.4 < math.log1p(trend.high) or trend.low < math.expm1(0.4) < trend.high


def test_trend_rejects_a_flat_series_about_5_percent_of_the_time():
    rng = np.random.default_rng(5)
    days = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] * 2, dtype=float)
    t = (np.cumsum(days) - days / 2) / 365.25
    p = [poisson_trend(rng.poisson(days * 0.7), days, t).p_value for _ in range(600)]
    assert 0.02 <= np.mean(np.array(p) < 0.05) <= 0.08


def test_no_trend_without_counts_or_months():
    assert poisson_trend([0, 0, 0], [30, 30, 30], [0, 0.1, 0.2]) is None
    assert poisson_trend([5], [30], [0]) is None
    assert "no trend can be estimated" in trend_sentence(None, "in the gaps")


# ----------------------------------------------------------------------------- dates
def _label(i):
    return f"row {i + 1}"


def test_acled_date_formats():
    values = [
        "15 January 2024",
        "2024-01-16",
        "17-01-2024",
        "18 Jan 2024",
        "19-January-2024",
        "20/01/2024",
        "2024-01-21T00:00:00",
        "January 22, 2024",
        "23-Jan-24",
        None,
        " ",
    ]
    dates, note = parse_dates(values, _label, "event_date")
    assert dates[:9] == [datetime.date(2024, 1, d) for d in range(15, 24)]
    assert dates[9:] == [None, None]
    assert "day first" in note


def test_numeric_dates_are_day_first_unless_the_column_says_month_first():
    dates, _ = parse_dates(["03/04/2024", "13/04/2024"], _label, "d")
    assert dates == [datetime.date(2024, 4, 3), datetime.date(2024, 4, 13)]
    dates, note = parse_dates(["03/04/2024", "04/13/2024"], _label, "d")
    assert dates == [datetime.date(2024, 3, 4), datetime.date(2024, 4, 13)] and "month first" in note
    with pytest.raises(BorderGapsError, match=r"mixes day-first .*row 2.*month-first .*row 3"):
        parse_dates(["01/01/2024", "13/04/2024", "04/13/2024"], _label, "d")


def test_a_date_that_does_not_parse_names_its_row():
    with pytest.raises(BorderGapsError, match=r"row 2 is '31 Febtember 2024' in field 'event_date'"):
        parse_dates(["15 January 2024", "31 Febtember 2024"], _label, "event_date")
    with pytest.raises(BorderGapsError, match=r"row 1 is '2024-02-30'"):
        parse_dates(["2024-02-30"], _label, "event_date")


# ----------------------------------------------------------------------------- the algorithm
@pytest.fixture
def known(tmp_path, bordergaps_provider):
    """Incidents at 2 per km² a year in the gaps and 0.5 elsewhere, plus three on gap edges."""
    points = sc.draw(2.0, 0.5, seed=7)
    points += [(x, y, datetime.date(2023, 6, 1)) for x, y in sc.BOUNDARY_KM]
    sources = sc.save(
        {"incidents": sc.incident_layer(points), "gaps": sc.gap_layer(), "study": sc.study_layer()}, tmp_path
    )
    return points, sources


def _expected_counts(points):
    n1 = sum(sc.in_gap(x, y) for x, y, _d in points)
    return n1, len(points) - n1


def _params(sources):
    return dict(
        STUDY_AREA=sources["study"],
        DATE_FROM=sc.START.isoformat(),
        DATE_TO=sc.END.isoformat(),
        WEIGHT_FIELD="deaths",
    )


def test_rate_ratio_and_interval_of_known_intensities(known, tmp_path):
    points, sources = known
    feedback = LogFeedback()
    results = run(tmp_path, sources["incidents"], sources["gaps"], feedback, **_params(sources))
    n1, n0 = _expected_counts(points)
    e1, e0 = sc.GAP_AREA_KM2, sc.STUDY_AREA_KM2 - sc.GAP_AREA_KM2
    zones = by_zone(results)
    gaps = zones["in gaps"]
    assert gaps["incidents"] == n1 and gaps["reference_incidents"] == n0
    assert gaps["area_km2"] == pytest.approx(e1, rel=1e-9)
    assert gaps["reference_area_km2"] == pytest.approx(e0, rel=1e-9)
    # rate: n1 per 0.27 (hundreds of km²) per 731/365.25 years
    assert gaps["rate_per_100km2_year"] == pytest.approx(n1 / (e1 / 100) / sc.YEARS, rel=1e-9)
    assert results["RATE_RATIO"] == pytest.approx((n1 / e1) / (n0 / e0), rel=1e-9)
    low, high = clopper_pearson_theta(n1, e1, n0, e0)
    assert results["RATE_RATIO_LOW"] == pytest.approx(low, rel=1e-9)
    assert results["RATE_RATIO_HIGH"] == pytest.approx(high, rel=1e-9)
    assert gaps["ci_low"] == pytest.approx(low, rel=1e-9) and gaps["ci_high"] == pytest.approx(high, rel=1e-9)
    assert low < 4.0 < high  # the true ratio 2 / 0.5
    assert results["P_VALUE"] < 1e-6
    assert results["SENTENCE"] in feedback.text and results["SENTENCE"] == gaps["sentence"]
    assert (
        results["SENTENCE"].startswith("Incidents per km² are ")
        and "times higher in the gaps than elsewhere" in (results["SENTENCE"])
    )
    assert zones["whole study area"]["incidents"] == len(points)
    assert zones["whole study area"]["fatalities"] == len(points)  # one death each (WEIGHT_FIELD)


def test_incidents_on_gap_edges_are_counted_once(known, tmp_path):
    points, sources = known
    results = run(tmp_path, sources["incidents"], sources["gaps"], **_params(sources))
    gaps = {r["gap_id"]: r for r in rows(results["GAP_INCIDENTS"])}
    zones = by_zone(results)
    n1, n0 = _expected_counts(points)
    # every incident in exactly one place: the gaps' counts add up to the in-gaps row, and with the rest
    # of the study area to the whole
    assert sum(g["incidents"] for g in gaps.values()) == zones["in gaps"]["incidents"] == n1
    assert zones["in gaps"]["incidents"] + zones["rest of the study area"]["incidents"] == len(points)
    # the three edge points (counted in n1 by in_gap's closed rectangles) are in the gaps: gap 1 owns its
    # west edge and the edge it shares with gap 2 (the lower gap_id wins), gap 3 its corner
    inside = {k: sum(1 for x, y, _d in points if _in_rect(x, y, sc.GAPS_KM[k])) for k in sc.GAPS_KM}
    assert gaps[1]["incidents"] == inside[1]
    assert gaps[2]["incidents"] == inside[2] - 1  # (4, 3) lies on both and is gap 1's
    assert gaps[3]["incidents"] == inside[3]
    for gap in gaps.values():
        assert gap["rate_per_100km2_year"] == pytest.approx(
            gap["incidents"] / (gap["area_km2"] / 100) / sc.YEARS, rel=1e-9
        )
        assert gap["first_date"] <= gap["last_date"]


def _in_rect(x, y, rect):
    x0, y0, x1, y1 = rect
    return x0 <= x <= x1 and y0 <= y <= y1


def test_every_output_geometry_is_valid_and_the_density_integrates_to_the_count(known, tmp_path):
    points, sources = known
    feedback = LogFeedback()
    results = run(tmp_path, sources["incidents"], sources["gaps"], feedback, **_params(sources))
    raster = QgsRasterLayer(results["HOTSPOTS"], "density")
    assert raster.isValid() and raster.crs().authid() == "EPSG:32638"  # the UTM zone of the data
    cell_km2 = raster.rasterUnitsPerPixelX() * raster.rasterUnitsPerPixelY() / 1e6
    assert raster.rasterUnitsPerPixelX() == pytest.approx(500.0)
    total = raster.dataProvider().bandStatistics(1).sum * cell_km2
    assert total == pytest.approx(len(points), rel=0.01)
    assert "The density integrates to" in feedback.text
    for name in ("GAP_INCIDENTS", "HOTSPOT_AREAS"):
        layer = QgsVectorLayer(results[name], name, "ogr")
        assert layer.featureCount() > 0
        for feature in layer.getFeatures():
            assert feature.geometry().isGeosValid(), (name, feature.id())


def test_hot_spots_cover_the_densest_share_of_the_study_area(known, tmp_path):
    points, sources = known
    results = run(tmp_path, sources["incidents"], sources["gaps"], HOTSPOT_PCT=10, **_params(sources))
    spots = rows(results["HOTSPOT_AREAS"])
    area = sum(s["area_km2"] for s in spots)
    # whole 500 m cells (0.25 km²) at or above the 90th percentile of the study area's 800 cells
    assert 0.09 * sc.STUDY_AREA_KM2 <= area <= 0.11 * sc.STUDY_AREA_KM2
    assert results["HOTSPOT_COUNT"] == len(spots) and sorted(s["hotspot_id"] for s in spots) == list(
        range(1, len(spots) + 1)
    )
    # the gaps are four times as dense: the hot spots lie mostly in them and name them
    assert sum(s["gap_area_km2"] for s in spots) > 0.5 * area
    assert any("1" in (s["gap_ids"] or "").split(", ") for s in spots)
    layer = QgsVectorLayer(results["HOTSPOT_AREAS"], "h", "ogr")
    held = 0
    for x, y, _d in points:
        from qgis.core import QgsGeometry, QgsPointXY

        point = QgsGeometry.fromPointXY(QgsPointXY(sc.X0 + x * 1000, sc.Y0 + y * 1000))
        held += any(f.geometry().intersects(point) for f in layer.getFeatures())
    assert sum(s["incidents"] for s in spots) == held


def test_density_is_qgis_heatmap_scaled_to_incidents_per_km2(known, tmp_path):
    """QGIS's heatmap with raw output gives Σ (1 − d²/r²)² per cell; ours is that × 3/(π r²) per m²
    (× 10⁶ per km²), so both integrate to the same count and peak in the same place."""
    from qgis import processing

    points, sources = known
    results = run(tmp_path, sources["incidents"], sources["gaps"], **_params(sources))
    qgis_path = str(tmp_path / "qgis_heatmap.tif")
    processing.run(
        "qgis:heatmapkerneldensityestimation",
        {
            "INPUT": sources["incidents"],
            "RADIUS": 5000,
            "PIXEL_SIZE": 500,
            "KERNEL": 0,
            "OUTPUT_VALUE": 0,
            "OUTPUT": qgis_path,
        },
    )
    ours = QgsRasterLayer(results["HOTSPOTS"], "ours")
    theirs = QgsRasterLayer(qgis_path, "qgis")
    scale = 3.0 / (math.pi * 5000.0**2) * 1e6
    their_stats = theirs.dataProvider().bandStatistics(1)
    our_stats = ours.dataProvider().bandStatistics(1)
    assert their_stats.sum * scale * 0.25 == pytest.approx(len(points), rel=0.01)
    assert our_stats.sum * 0.25 == pytest.approx(their_stats.sum * scale * 0.25, rel=0.01)
    assert our_stats.maximumValue == pytest.approx(their_stats.maximumValue * scale, rel=0.05)
    # cell by cell, sampled at our cell centres: the same surface within a cell's shift
    ext, width = ours.extent(), ours.width()
    ours_values, theirs_values = [], []
    for row in range(0, ours.height(), 3):
        for col in range(0, width, 3):
            from qgis.core import QgsPointXY

            p = QgsPointXY(ext.xMinimum() + (col + 0.5) * 500, ext.yMaximum() - (row + 0.5) * 500)
            a, ok_a = ours.dataProvider().sample(p, 1)
            b, ok_b = theirs.dataProvider().sample(p, 1)
            if ok_a and ok_b:
                ours_values.append(a)
                theirs_values.append(b * scale)
    assert len(ours_values) > 100
    assert np.corrcoef(ours_values, theirs_values)[0, 1] > 0.98


def test_results_do_not_depend_on_feature_order(known, tmp_path):
    points, sources = known
    first = run(tmp_path, sources["incidents"], sources["gaps"], chart=False, **_params(sources))
    shuffled = list(points)
    random.Random(4).shuffle(shuffled)
    other = sc.save(
        {"incidents": sc.incident_layer(shuffled), "gaps": sc.gap_layer([3, 2, 1])}, tmp_path, "shuffled.gpkg"
    )
    second = run(tmp_path, other["incidents"], other["gaps"], chart=False, **_params(sources))
    for key in ("RATE_RATIO", "RATE_RATIO_LOW", "RATE_RATIO_HIGH", "P_VALUE", "GAP_TREND_PCT_YEAR", "HOTSPOT_COUNT"):
        assert second[key] == pytest.approx(first[key], rel=1e-9), key
    a = {r["gap_id"]: r["incidents"] for r in rows(first["GAP_INCIDENTS"])}
    b = {r["gap_id"]: r["incidents"] for r in rows(second["GAP_INCIDENTS"])}
    assert a == b
    assert rows(first["TREND"]) == rows(second["TREND"])


def test_results_do_not_depend_on_the_input_crs(known, tmp_path):
    """The same incidents, gaps and study area in lon/lat: the computation runs in UTM 38N either way."""
    from qgis import processing

    points, sources = known
    first = run(tmp_path, sources["incidents"], sources["gaps"], chart=False, **_params(sources))
    wgs = {}
    for name in ("incidents", "gaps", "study"):
        wgs[name] = processing.run(
            "native:reprojectlayer", {"INPUT": sources[name], "TARGET_CRS": "EPSG:4326", "OUTPUT": "memory:"}
        )["OUTPUT"]
    saved = sc.save(wgs, tmp_path, "wgs84.gpkg")
    params = _params(sources)
    params["STUDY_AREA"] = saved["study"]
    second = run(tmp_path, saved["incidents"], saved["gaps"], chart=False, **params)
    assert QgsVectorLayer(second["GAP_INCIDENTS"], "g", "ogr").crs().authid() == "EPSG:4326"
    z1, z2 = by_zone(first), by_zone(second)
    assert z2["in gaps"]["area_km2"] == pytest.approx(z1["in gaps"]["area_km2"], rel=1e-3)
    # straight edges in lon/lat are not quite straight in UTM: a point within metres of an edge may move
    assert abs(z2["in gaps"]["incidents"] - z1["in gaps"]["incidents"]) <= 1
    assert second["RATE_RATIO"] == pytest.approx(first["RATE_RATIO"], rel=0.02)


def test_monthly_trend_of_a_rising_rate(tmp_path, bordergaps_provider):
    """Gaps at 3 per km² a year rising e^0.5 = 65 % a year, the rest flat at 0.5."""
    points = sc.draw(3.0, 0.5, seed=21, trend_gaps=0.5)
    sources = sc.save(
        {"incidents": sc.incident_layer(points), "gaps": sc.gap_layer(), "study": sc.study_layer()}, tmp_path
    )
    feedback = LogFeedback()
    results = run(tmp_path, sources["incidents"], sources["gaps"], feedback, **_params(sources))
    months = rows(results["TREND"])
    assert [m["month"] for m in months] == [f"{y}-{m:02d}" for y in (2023, 2024) for m in range(1, 13)]
    assert sum(m["days"] for m in months) == 731
    n1, n0 = _expected_counts(points)
    assert sum(m["in_gaps"] for m in months) == n1 and sum(m["outside"] for m in months) == n0
    assert results["GAP_TREND_LOW_PCT"] < 100 * math.expm1(0.5) < results["GAP_TREND_HIGH_PCT"]
    assert results["GAP_TREND_LOW_PCT"] > 0  # a rise the data show
    assert results["OUTSIDE_TREND_LOW_PCT"] < 0 < results["OUTSIDE_TREND_HIGH_PCT"]
    assert "In the gaps incidents rose by" in results["TREND_SENTENCE"] and results["TREND_SENTENCE"] in feedback.text
    # the fitted values are the Poisson fit's: they add up to the observed counts (the MLE's score equation)
    assert sum(m["fitted_in_gaps"] for m in months) == pytest.approx(n1, rel=1e-6)
    with open(results["TREND_CHART"], "rb") as fh:
        assert fh.read(8) == b"\x89PNG\r\n\x1a\n"


def test_no_chart_unless_asked(known, tmp_path):
    _points, sources = known
    results = run(tmp_path, sources["incidents"], sources["gaps"], chart=False, **_params(sources))
    assert results["TREND_CHART"] is None
    assert not any(name.endswith(".png") for name in os.listdir(os.path.dirname(results["TREND"])))


def test_seam_and_abandoned_villages_rows(known, tmp_path):
    points, sources = known
    # the seam: x from 1 to 14 km (it holds the gaps); its zone='seam' feature counts, 'unclaimed' is ignored
    seam = rb.memory_layer(
        "Polygon",
        [("zone", "string")],
        [(sc.rect_wkt(1, 0, 14, 10), ["seam"]), (sc.rect_wkt(2, 2, 3, 3), ["unclaimed"])],
        "seam",
        sc.UTM,
    )
    villages = rb.memory_layer(
        "Point",
        [("name", "string"), ("status", "string")],
        [
            (f"POINT({sc.X0 + 3000} {sc.Y0 + 5000})", ["A", "abandoned"]),
            (f"POINT({sc.X0 + 17000} {sc.Y0 + 5000})", ["B", "inhabited"]),
        ],
        "villages",
        sc.UTM,
    )
    extra = sc.save({"seam": seam, "villages": villages}, tmp_path, "extra.gpkg")
    results = run(
        tmp_path,
        sources["incidents"],
        sources["gaps"],
        SEAM=extra["seam"],
        SETTLEMENTS=extra["villages"],
        chart=False,
        **_params(sources),
    )
    zones = by_zone(results)
    seam_rest = [(x, y) for x, y, _d in points if 1 <= x <= 14 and not sc.in_gap(x, y)]
    assert zones["covered seam"]["incidents"] == len(seam_rest)
    assert zones["covered seam"]["area_km2"] == pytest.approx(130 - sc.GAP_AREA_KM2, rel=1e-9)
    assert zones["rest of the study area"]["area_km2"] == pytest.approx(70.0, rel=1e-9)
    assert zones["covered seam"]["reference"] == "the rest of the study area (outside the seam)"
    assert zones["in gaps"]["incidents"] + zones["covered seam"]["incidents"] + zones["rest of the study area"][
        "incidents"
    ] == len(points)
    near = sum(1 for x, y, _d in points if math.hypot(x - 3, y - 5) <= 2)
    village = zones["within 2 km of an abandoned village"]
    assert village["incidents"] == near  # only the abandoned one
    assert village["area_km2"] == pytest.approx(math.pi * 4, rel=2e-3)  # a 16-segments-a-quarter disc


def test_an_acled_csv_export_is_recognised(tmp_path, bordergaps_provider):
    """A small CSV in the real export's columns, opened without geometry: positions from latitude and
    longitude, dates in ACLED's format, geo_precision 3 left out and counted."""
    lon0, lat0 = rb.LON0, rb.LAT0
    rows_ = [
        sc.acled_row(
            "IRQ1001",
            "15 January 2024",
            "Explosions/Remote violence",
            "Remote explosive/landmine/IED",
            lat0 + 2 * rb.KM_LAT,
            lon0 + 1 * rb.KM_LON,
            1,
            2,
        ),
        sc.acled_row(
            "IRQ1002", "03 February 2024", "Battles", "Armed clash", lat0 - 3 * rb.KM_LAT, lon0 + 0.5 * rb.KM_LON, 2, 0
        ),
        sc.acled_row(
            "IRQ1003", "21 March 2024", "Battles", "Armed clash", lat0 + 4 * rb.KM_LAT, lon0 - 6 * rb.KM_LON, 1, 1
        ),
        sc.acled_row(
            "IRQ1004", "09 April 2024", "Violence against civilians", "Attack", lat0, lon0 + 8 * rb.KM_LON, 3, 4
        ),
        sc.acled_row(
            "IRQ1005",
            "30 May 2024",
            "Explosions/Remote violence",
            "Shelling/artillery/missile attack",
            lat0 + 8 * rb.KM_LAT,
            lon0 + 1.5 * rb.KM_LON,
            1,
            0,
        ),
    ]
    csv_path = sc.write_acled_csv(tmp_path / "acled_export.csv", rows_)
    gaps = rb.memory_layer("Polygon", [("gap_id", "integer")], [(rb.box(0, -10, 2, 10), [1])], "gaps")
    study = rb.memory_layer("Polygon", [("name", "string")], [(rb.box(-12, -10, 14, 10), ["s"])], "study")
    saved = rb.save_gpkg({"gaps": gaps, "study": study}, str(tmp_path / "g.gpkg"))
    feedback = LogFeedback()
    results = run(tmp_path, csv_path, saved["gaps"], feedback, STUDY_AREA=saved["study"])
    assert "ACLED export recognised" in feedback.text
    assert "1 placed only at region level" in feedback.text  # IRQ1004, geo_precision 3
    assert results["INCIDENTS_USED"] == 4 and results["INCIDENTS_IN_GAPS"] == 3
    zones = by_zone(results)
    assert zones["whole study area"]["fatalities"] == 3  # 2 + 0 + 1 + 0: fatalities summed, IRQ1004 left out
    assert rows(results["GAP_INCIDENTS"])[0]["first_date"].toPyDate() == datetime.date(2024, 1, 15)
    # MAX_PRECISION 3 keeps it; TYPES filters by event_type or sub_event_type
    again = run(tmp_path, csv_path, saved["gaps"], STUDY_AREA=saved["study"], MAX_PRECISION=3, chart=False)
    assert again["INCIDENTS_USED"] == 5
    clashes = run(tmp_path, csv_path, saved["gaps"], STUDY_AREA=saved["study"], TYPES="armed clash", chart=False)
    assert clashes["INCIDENTS_USED"] == 2
    # the same export loaded as a delimited-text point layer gives the same numbers
    uri = f"file://{csv_path}?type=csv&xField=longitude&yField=latitude&crs=EPSG:4326"
    layer = QgsVectorLayer(uri, "acled", "delimitedtext")
    assert layer.isValid() and layer.featureCount() == 5
    as_points = run(tmp_path, layer, saved["gaps"], STUDY_AREA=saved["study"], chart=False)
    for key in ("INCIDENTS_USED", "INCIDENTS_IN_GAPS", "RATE_RATIO", "RATE_RATIO_LOW", "P_VALUE"):
        assert as_points[key] == pytest.approx(results[key], rel=1e-9), key


def test_a_bad_date_in_a_csv_names_its_line(tmp_path, bordergaps_provider):
    rows_ = [
        sc.acled_row("IRQ2001", "15 January 2024", "Battles", "Armed clash", rb.LAT0, rb.LON0 + rb.KM_LON, 1, 0),
        sc.acled_row("IRQ2002", "2024-14-02", "Battles", "Armed clash", rb.LAT0, rb.LON0 + rb.KM_LON, 1, 0),
    ]
    csv_path = sc.write_acled_csv(tmp_path / "bad_dates.csv", rows_)
    gaps = rb.save_gpkg(
        {"gaps": rb.memory_layer("Polygon", [("gap_id", "integer")], [(rb.box(0, -10, 2, 10), [1])])},
        str(tmp_path / "g.gpkg"),
    )["gaps"]
    with pytest.raises(QgsProcessingException) as err:
        run(tmp_path, csv_path, gaps)
    message = str(err.value)
    assert "row 2 (line 3) of 'bad_dates' (event IRQ2002)" in message and "'2024-14-02'" in message
    assert "Traceback" not in message


def test_no_date_field_is_refused_with_the_fields_listed(tmp_path, bordergaps_provider):
    layer = rb.memory_layer("Point", [("kind", "string")], [(rb.point(1, 1), ["attack"])], "log")
    gaps = rb.memory_layer("Polygon", [("gap_id", "integer")], [(rb.box(0, -10, 2, 10), [1])], "gaps")
    saved = rb.save_gpkg({"log": layer, "gaps": gaps}, str(tmp_path / "in.gpkg"))
    with pytest.raises(QgsProcessingException, match=r"no date field.*'kind'.*DATE_FIELD"):
        run(tmp_path, saved["log"], saved["gaps"])
    with pytest.raises(QgsProcessingException, match=r"Field 'when' \(DATE_FIELD\) is not in layer"):
        run(tmp_path, saved["log"], saved["gaps"], DATE_FIELD="when")


def test_no_incident_in_the_range_is_an_error_not_an_empty_success(known, tmp_path):
    _points, sources = known
    out_before = set(os.listdir(tmp_path))
    with pytest.raises(QgsProcessingException) as err:
        run(
            tmp_path,
            sources["incidents"],
            sources["gaps"],
            STUDY_AREA=sources["study"],
            DATE_FROM="2019-01-01",
            DATE_TO="2019-12-31",
        )
    message = str(err.value)
    assert "No incident of layer 'incidents' is left to analyse" in message
    assert "outside DATE_FROM–DATE_TO" in message and "widen DATE_FROM/DATE_TO" in message
    new = set(os.listdir(tmp_path)) - out_before
    for folder in new:  # the run's output folder holds no layer called a result
        assert not [f for f in os.listdir(tmp_path / folder) if f.endswith((".gpkg", ".tif", ".png"))]


def test_unknown_types_and_bad_numbers_are_refused(known, tmp_path):
    _points, sources = known
    with pytest.raises(QgsProcessingException, match=r"TYPES names 'ambush'.*Types found: 'attack', 'clash'"):
        run(tmp_path, sources["incidents"], sources["gaps"], TYPE_FIELD="kind", TYPES="clash, ambush")
    with pytest.raises(QgsProcessingException, match=r"BANDWIDTH_M \(600 m\) must be at least twice CELL_SIZE"):
        run(tmp_path, sources["incidents"], sources["gaps"], BANDWIDTH_M=600)
    with pytest.raises(QgsProcessingException, match=r"DATE_FROM \(2024-06-01\) is after DATE_TO"):
        run(tmp_path, sources["incidents"], sources["gaps"], DATE_FROM="2024-06-01", DATE_TO="2024-01-01")


def test_polygons_as_incidents_are_refused(tmp_path, bordergaps_provider):
    gaps = rb.memory_layer("Polygon", [("event_date", "string")], [(rb.box(0, -10, 2, 10), ["2024-01-01"])], "g")
    saved = rb.save_gpkg({"gaps": gaps}, str(tmp_path / "in.gpkg"))
    with pytest.raises(QgsProcessingException, match=r"has polygon geometries: incidents must be points"):
        run(tmp_path, saved["gaps"], saved["gaps"])


def test_exportmap_shows_the_hot_spots_and_the_sentence(known, tmp_path):
    """GAP_INCIDENTS as the gap layer, HOTSPOT_AREAS styled by resources/styles/hotspot_areas.qml, and the
    comparison sentence in NOTE, as `make demo` does."""
    from qgis import processing

    from bg_testing.maps import pdf_text

    _points, sources = known
    results = run(tmp_path, sources["incidents"], sources["gaps"], chart=False, **_params(sources))
    folder = tmp_path / "map"
    folder.mkdir()
    hot = folder / "hotspot_areas.gpkg"
    import shutil

    shutil.copy(results["HOTSPOT_AREAS"], hot)
    pdf = folder / "map.pdf"
    feedback = LogFeedback()
    processing.run(
        "bordergaps:exportmap",
        {
            "GAPS": results["GAP_INCIDENTS"],
            "EXTRA_LAYERS": [str(hot)],
            "TITLE": "Incidents",
            "NOTE": results["SENTENCE"],
            "INCLUDE_BORDER_REGION": False,
            "DPI": 50,
            "OUTPUT_PDF": str(pdf),
        },
        feedback=feedback,
    )
    text = " ".join(pdf_text(pdf).split())
    assert "Incidents per km² are" in text and "times higher in the gaps than elsewhere" in text
    assert "Hotspot areas" in feedback.text  # in the legend, by the file's name
    assert "Hot spot 1" in text  # labelled by its style
    layer = QgsVectorLayer(str(hot), "h", "ogr")
    from border_gaps.analysis import maplayout

    maplayout.style_by_role(layer)
    assert layer.renderer().symbol().symbolLayer(0).strokeColor().name() == "#ae017e"


def test_incidents_outside_the_study_area_are_left_out_and_counted(known, tmp_path):
    points, sources = known
    extra = points + [(25.0, 5.0, datetime.date(2023, 3, 3)), (-3.0, 2.0, datetime.date(2023, 4, 4))]
    other = sc.save({"incidents": sc.incident_layer(extra)}, tmp_path, "extra.gpkg")
    feedback = LogFeedback()
    results = run(tmp_path, other["incidents"], sources["gaps"], feedback, chart=False, **_params(sources))
    assert results["INCIDENTS_USED"] == len(points)
    assert "2 outside the study area" in feedback.text


def test_the_default_study_area_is_the_gaps_grown_by_buffer(known, tmp_path):
    _points, sources = known
    feedback = LogFeedback()
    params = _params(sources)
    del params["STUDY_AREA"]
    results = run(tmp_path, sources["incidents"], sources["gaps"], feedback, chart=False, BUFFER_M=1000, **params)
    assert "the gaps grown by 1,000 m" in feedback.text
    zones = by_zone(results)
    # gaps 1 + 2 make an L (area 18 km², perimeter 20 km, one reflex corner), gap 3 a 3 × 3 km square;
    # grown by r = 1 km: A + P·r + π r², less r²(1 − π/4) at the L's inner corner
    expected = (18 + 20 + math.pi - (1 - math.pi / 4)) + (9 + 12 + math.pi)
    assert zones["whole study area"]["area_km2"] == pytest.approx(expected, rel=2e-3)


# ----------------------------------------------------------------------------- the fast paths
def test_locate_agrees_with_geos_on_every_point(qgis_app):
    """The crossing rule with GEOS near edges gives what GEOS alone gives, point by point: random points,
    points on vertices and edges, in a hole, on a hole's edge, in a second part."""
    from qgis.core import QgsGeometry, QgsPoint

    from border_gaps.analysis.incidents import locate

    polygons = [
        QgsGeometry.fromWkt("POLYGON((0 0, 10 0, 10 10, 0 10, 0 0), (3 3, 7 3, 7 7, 3 7, 3 3))"),
        QgsGeometry.fromWkt("MULTIPOLYGON(((10 0, 14 2, 10 4, 10 0)), ((20 0, 25 5, 20 10, 22 5, 20 0)))"),
        QgsGeometry.fromWkt("POLYGON((3 3, 7 3, 5 5.5, 7 7, 3 7, 3 3))"),  # in the first one's hole
    ]
    rng = np.random.default_rng(9)
    xs = list(rng.uniform(-2, 27, 4000))
    ys = list(rng.uniform(-2, 12, 4000))
    special = [
        (0, 0),
        (10, 5),
        (5, 3),
        (3, 5),
        (7, 7),
        (10, 2),
        (12, 3),
        (22, 5),
        (25, 5),
        (5, 5.5),
        (20, 5),
        (0.1 + 1e-9, 0),
        (5, 10),
        (1e-12, 5),
        (14, 2),
    ]
    xs += [float(x) for x, _y in special]
    ys += [float(y) for _x, y in special]
    got = locate(np.array(xs), np.array(ys), polygons)
    for x, y, k in zip(xs, ys, got):
        expected = next((i for i, p in enumerate(polygons) if p.intersects(QgsGeometry(QgsPoint(x, y)))), -1)
        assert k == expected, (x, y)
    assert (got == 2).any() and (got == 1).any() and (got == -1).any()


def test_gdal_and_qgis_readers_give_the_same_incidents(tmp_path, qgis_app):
    """The Arrow-stream reader (plain file layers) and PyQGIS's iterator agree on every value, nulls
    and a date field included; so do the two for a CSV opened without geometry."""
    from qgis.core import QgsCoordinateReferenceSystem, QgsFeature, QgsGeometry, QgsPointXY
    from qgis.PyQt.QtCore import QDate

    from border_gaps.analysis.incidents import file_hint, incident_fields, read_incidents

    layer = QgsVectorLayer(
        "Point?crs=EPSG:4326&field=event_date:date&field=event_type:string&field=fatalities:integer"
        "&field=geo_precision:integer",
        "mixed",
        "memory",
    )
    features = []
    for i in range(300):
        feature = QgsFeature(layer.fields())
        if i % 17:
            feature.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(41.8 + i * 1e-3, 36.3 + (i % 7) * 1e-3)))
        date = QDate(2024, 1 + i % 12, 1 + i % 28) if i % 11 else QDate()
        feature.setAttributes([date, "Battles" if i % 3 else None, i % 4 if i % 5 else None, 1 + i % 3])
        features.append(feature)
    layer.dataProvider().addFeatures(features)
    path = rb.save_gpkg({"mixed": layer}, str(tmp_path / "mixed.gpkg"))["mixed"]
    saved = QgsVectorLayer(path, "mixed", "ogr")
    crs = QgsCoordinateReferenceSystem("EPSG:32638")
    fields = incident_fields(saved.fields(), "mixed", weight_field="fatalities")
    hint = file_hint(saved)
    assert hint is not None
    fast = read_incidents(saved, "mixed", crs, fields, max_precision=2, hint=hint)
    slow = read_incidents(saved, "mixed", crs, fields, max_precision=2)
    assert len(fast) == len(slow) > 100
    for name in ("x", "y", "day", "weight"):
        assert np.array_equal(getattr(fast, name), getattr(slow, name)), name
    assert fast.left_out == slow.left_out and fast.left_out["no position"] and fast.left_out["no date"]
    assert fast.left_out["imprecise"]
    rows_ = [
        sc.acled_row(f"IRQ{i}", f"{1 + i % 28:02d} March 2024", "Battles", "Armed clash", 36.3 + i * 1e-3, 41.8, 1, i)
        for i in range(50)
    ]
    csv_layer = QgsVectorLayer(sc.write_acled_csv(tmp_path / "a.csv", rows_), "a", "ogr")
    fields = incident_fields(csv_layer.fields(), "a")
    fast = read_incidents(csv_layer, "a", crs, fields, hint=file_hint(csv_layer))
    slow = read_incidents(csv_layer, "a", crs, fields)
    for name in ("x", "y", "day", "weight"):
        assert np.array_equal(getattr(fast, name), getattr(slow, name)), name
    assert len(fast) == 50 and fast.weight.sum() == sum(range(50))


def test_null_empty_multi_and_zm_points_are_read_alike_by_both_readers(tmp_path, qgis_app):
    """Awkward geometries through GDAL's Arrow stream and through PyQGIS give the same incidents: a feature
    with no geometry and an empty point have no position (left out, counted); a point with Z and M is kept
    at its x, y; a multi-point of two parts is one incident at their centroid, and the log says so."""
    from qgis.core import QgsCoordinateReferenceSystem, QgsFeature, QgsGeometry
    from qgis.PyQt.QtCore import QDate

    from border_gaps.analysis.incidents import _arrow_columns, file_hint, incident_fields, read_incidents

    utm = QgsCoordinateReferenceSystem("EPSG:32638")
    shapes = {
        "Point": [None, "POINT EMPTY", "POINT(300000 4000000)", "POINT(301000 4001000)"],
        "MultiPointZM": [
            None,
            "MULTIPOINT EMPTY",
            "MULTIPOINT ZM ((300000 4000000 5 1))",
            "MULTIPOINT ZM ((300000 4000000 0 0), (302000 4002000 0 0))",  # centroid 301000, 4001000
            "POINT ZM (303000 4003000 420 5)",
        ],
    }
    for kind, wkts in shapes.items():
        layer = QgsVectorLayer(f"{kind}?crs=EPSG:32638&field=event_date:date", kind, "memory")
        features = []
        for i, wkt in enumerate(wkts):
            feature = QgsFeature(layer.fields())
            feature.setAttributes([QDate(2024, 1, 1 + i)])
            if wkt is not None:
                feature.setGeometry(QgsGeometry.fromWkt(wkt))
            features.append(feature)
        assert layer.dataProvider().addFeatures(features)[0]
        saved = QgsVectorLayer(rb.save_gpkg({kind: layer}, str(tmp_path / f"{kind}.gpkg"))[kind], kind, "ogr")
        assert saved.featureCount() == len(wkts)
        fields = incident_fields(saved.fields(), kind)
        hint = file_hint(saved)
        assert hint is not None
        fast = read_incidents(saved, kind, utm, fields, hint=hint)
        slow = read_incidents(saved, kind, utm, fields)
        for name in ("x", "y", "day", "weight"):
            assert np.array_equal(getattr(fast, name), getattr(slow, name)), (kind, name)
        assert fast.left_out == slow.left_out and fast.left_out["no position"] == 2, kind
        assert fast.notes == slow.notes
        if kind == "Point":  # plain 2D points: GDAL's stream is used, the null and the empty one included
            assert _arrow_columns(hint, ["event_date"], True, saved.featureCount()) is not None
            assert sorted(zip(fast.x.tolist(), fast.y.tolist())) == [(300000, 4000000), (301000, 4001000)]
            assert not any("several points" in n for n in fast.notes)
        else:  # multi-part and Z/M blobs: the Arrow reader hands the layer to QGIS
            assert _arrow_columns(hint, ["event_date"], True, saved.featureCount()) is None
            assert sorted(zip(fast.x.tolist(), fast.y.tolist())) == [
                (300000, 4000000),
                (301000, 4001000),
                (303000, 4003000),
            ]
            assert any(n.startswith("1 incident(s) of layer 'MultiPointZM' are drawn as several") for n in fast.notes)
