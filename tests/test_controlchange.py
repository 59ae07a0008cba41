"""bordergaps:controlchange: a district handed over (hand-solved areas), identical maps, dated snapshots."""

import pytest
from qgis.core import QgsProcessingException, QgsVectorLayer
from qgis.PyQt.QtCore import QDate, QDateTime, QTime

from bg_testing.algorithm_inputs import run
from bg_testing.gaps import box, layer


def districts(rows, with_date=False):
    fields = {"name": str, "force": str}
    if with_date:
        fields["date"] = str
    return layer(
        "Polygon",
        "districts",
        [
            (wkt, {"name": n, "force": f, **({"date": d} if with_date else {})})
            for wkt, f, n, *rest in rows
            for d in (rest or [None])
        ],
        fields=fields,
    )


# Before: Peshmerga holds W = [-10, 0] × [0, 10] km, ISF holds M = [2, 4] × [0, 10] and E = [4, 14] × [0, 10].
# After: M is handed to the PMF (neither force A nor B). Seam distance 3 km, MODE 0, no coverage, the seam
# clipped to the study area [-5, 15] × [0, 10] (no rounded ends): the unclaimed seam (= the gaps) is
# before: x ∈ [0, 2] (within 3 km of W: x ≤ 3; of M: x ≥ -1; outside both), 2 × 10 = 20 km²;
# after:  x ∈ [1, 3] (within 3 km of W: x ≤ 3; of E: x ≥ 1; M is no longer force B's), 20 km².
# So opened = [2, 3] × [0, 10] = 10 km², closed = [0, 1] × [0, 10] = 10 km², persisted = [1, 2] × [0, 10].
BEFORE = [
    (box(-10, 0, 0, 10), "Peshmerga", "Sinjar"),
    (box(2, 0, 4, 10), "ISF", "Wana"),
    (box(4, 0, 14, 10), "ISF", "Tal Afar"),
]
AFTER = [BEFORE[0], (box(2, 0, 4, 10), "PMF", "Wana"), BEFORE[2]]


def params(tmp_path, control, **extra):
    tmp_path.mkdir(parents=True, exist_ok=True)
    study = layer("Polygon", "study", [(box(-5, 0, 15, 10), {"id": 1})])
    p = {
        "CONTROL_AREAS": control,
        "FORCE_FIELD": "force",
        "FORCE_A": "Peshmerga",
        "FORCE_B": "ISF",
        "SEAM_DISTANCE": 3000,
        "MODE": 0,
        "MIN_AREA": 0,
        "STUDY_AREA": study,
        "CHANGED_DISTRICTS": str(tmp_path / "districts.gpkg"),
        "SEAMS": str(tmp_path / "seams.gpkg"),
        "GAP_CHANGE": str(tmp_path / "change.gpkg"),
        "GAPS_BY_DATE": str(tmp_path / "gaps.gpkg"),
    }
    p.update(extra)
    return p


def features(path):
    vl = QgsVectorLayer(str(path), "out", "ogr")
    assert vl.isValid(), path
    return list(vl.getFeatures())


def test_a_district_handed_over_opens_a_known_gap(tmp_path, bordergaps_provider):
    result = run(
        "bordergaps:controlchange",
        params(
            tmp_path,
            districts(BEFORE),
            CONTROL_AREAS_AFTER=districts(AFTER),
            DATE_BEFORE="2025-01-01",
            DATE_AFTER="2026-01-01",
        ),
    )
    assert result["OPENED_KM2"] == pytest.approx(10.0, rel=1e-9)
    assert result["CLOSED_KM2"] == pytest.approx(10.0, rel=1e-9)
    assert result["PERSISTED_KM2"] == pytest.approx(10.0, rel=1e-9)
    change = {f["change"]: f for f in features(result["GAP_CHANGE"])}
    assert sorted(change) == ["closed", "opened", "persisted"]
    opened = change["opened"].geometry().boundingBox()
    assert (opened.xMinimum(), opened.xMaximum()) == pytest.approx((302_000.0, 303_000.0), abs=1e-3)
    assert all(f.geometry().isGeosValid() for f in change.values())
    (moved,) = features(result["CHANGED_DISTRICTS"])
    assert (moved["name"], moved["force_before"], moved["force_after"]) == ("Wana", "ISF", "PMF")
    assert moved["area_km2"] == pytest.approx(20.0)
    assert result["CHANGED_DISTRICT_COUNT"] == 1 and result["DATE_COUNT"] == 2
    seams = {(f["date"], f["zone"]): f["area_km2"] for f in features(result["SEAMS"])}
    assert seams[("2025-01-01", "unclaimed")] == pytest.approx(20.0)
    assert seams[("2026-01-01", "unclaimed")] == pytest.approx(20.0)
    assert seams[("2025-01-01", "seam")] == pytest.approx(40.0)  # x ∈ [-1, 3]
    gaps = features(result["GAPS_BY_DATE"])
    assert sorted(f["date"] for f in gaps) == ["2025-01-01", "2026-01-01"]
    first = next(f for f in gaps if f["date"] == "2025-01-01")
    assert first["date_start"] == QDateTime(QDate(2025, 1, 1), QTime(0, 0))
    assert first["date_end"] == QDateTime(QDate(2026, 1, 1), QTime(0, 0))


def test_identical_maps_change_nothing(tmp_path, bordergaps_provider):
    result = run("bordergaps:controlchange", params(tmp_path, districts(BEFORE), CONTROL_AREAS_AFTER=districts(BEFORE)))
    assert result["OPENED_KM2"] == 0.0 and result["CLOSED_KM2"] == 0.0
    assert result["PERSISTED_KM2"] == pytest.approx(20.0)
    assert features(result["CHANGED_DISTRICTS"]) == []
    assert {f["change"] for f in features(result["GAP_CHANGE"])} == {"persisted"}


def test_dated_snapshots_give_every_date_with_temporal_ranges(tmp_path, bordergaps_provider):
    from border_gaps.processing.gaptimeline import set_temporal

    # three dates: the handover in 2025 and back again in 2026
    rows = (
        [r + ("2024-06-01",) for r in BEFORE]
        + [r + ("2025-06-01",) for r in AFTER]
        + [r + ("2026-06-01",) for r in BEFORE]
    )
    result = run("bordergaps:controlchange", params(tmp_path, districts(rows, with_date=True), DATE_FIELD="date"))
    assert result["DATE_COUNT"] == 3
    assert result["OPENED_KM2"] == pytest.approx(20.0)  # 10 km² each way
    assert result["CHANGED_DISTRICT_COUNT"] == 2
    vl = QgsVectorLayer(result["GAPS_BY_DATE"], "gaps", "ogr")
    set_temporal(vl, "date_start", "date_end")
    spans = sorted(
        (f["date_start"].date().toString("yyyy-MM-dd"), f["date_end"].date().toString("yyyy-MM-dd"))
        for f in vl.getFeatures()
    )
    assert spans == [("2024-06-01", "2025-06-01"), ("2025-06-01", "2026-06-01"), ("2026-06-01", "2026-06-02")]
    only = run(
        "bordergaps:controlchange",
        params(
            tmp_path / "two",
            districts(rows, with_date=True),
            DATE_FIELD="date",
            DATE_BEFORE="2024-06-01",
            DATE_AFTER="2026-06-01",
        ),
    )
    assert only["DATE_COUNT"] == 2 and only["OPENED_KM2"] == 0.0


@pytest.mark.parametrize(
    "extra, words",
    [
        ({}, ["CONTROL_AREAS_AFTER", "DATE_FIELD"]),
        ({"DATE_FIELD": "date", "DATE_BEFORE": "2024-06-01"}, ["go together"]),
        ({"DATE_FIELD": "date", "DATE_BEFORE": "2024-06-01", "DATE_AFTER": "1999-01-01"}, ["1999-01-01", "2024-06-01"]),
        ({"DATE_FIELD": "date", "DATE_BEFORE": "yesterday", "DATE_AFTER": "2024-06-01"}, ["DATE_BEFORE", "yesterday"]),
    ],
)
def test_bad_dates_are_named(tmp_path, bordergaps_provider, extra, words):
    (tmp_path / "o").mkdir()
    rows = [r + ("2024-06-01",) for r in BEFORE] + [r + ("2025-06-01",) for r in AFTER]
    with pytest.raises(QgsProcessingException) as err:
        run("bordergaps:controlchange", params(tmp_path / "o", districts(rows, with_date=True), **extra))
    for word in words:
        assert word in str(err.value), str(err.value)


def test_an_unreadable_date_names_the_feature(tmp_path, bordergaps_provider):
    rows = [r + ("2024-06-01",) for r in BEFORE] + [BEFORE[0] + ("soon",)]
    with pytest.raises(QgsProcessingException) as err:
        run("bordergaps:controlchange", params(tmp_path, districts(rows, with_date=True), DATE_FIELD="date"))
    assert "'date'" in str(err.value) and "soon" in str(err.value) and "Feature" in str(err.value)
