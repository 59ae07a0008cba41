"""Incident scenarios with known intensities for the tests of bordergaps:incidents: a 20 × 10 km
study area in UTM 38N, three rectangular gaps (two sharing an edge), points drawn from a seeded
Poisson process, and ACLED CSV files written in the real export's columns."""

import csv
import datetime
import os

import numpy as np
from qgis.core import QgsFeature, QgsGeometry, QgsPointXY, QgsVectorLayer
from qgis.PyQt.QtCore import QDate

from . import robustness as rb

UTM = "EPSG:32638"
X0, Y0 = 400_000.0, 4_000_000.0  # south-west corner of the study area, near Tal Afar
STUDY_KM = (0.0, 0.0, 20.0, 10.0)
# gap_id → rectangle in km from (X0, Y0); gaps 1 and 2 share the edge x = 4 km, 2 ≤ y ≤ 5
GAPS_KM = {1: (2.0, 2.0, 4.0, 8.0), 2: (4.0, 2.0, 6.0, 5.0), 3: (10.0, 1.0, 13.0, 4.0)}
GAP_AREA_KM2 = 12.0 + 6.0 + 9.0
STUDY_AREA_KM2 = 200.0
START = datetime.date(2023, 1, 1)
END = datetime.date(2024, 12, 31)
YEARS = ((END - START).days + 1) / 365.25
# incidents exactly on edges: on gap 1's west edge, on the edge gaps 1 and 2 share, on gap 3's corner
BOUNDARY_KM = [(2.0, 5.0), (4.0, 3.0), (13.0, 4.0)]


def rect_wkt(x0, y0, x1, y1):
    xa, ya, xb, yb = X0 + x0 * 1000, Y0 + y0 * 1000, X0 + x1 * 1000, Y0 + y1 * 1000
    return f"POLYGON(({xa} {ya}, {xb} {ya}, {xb} {yb}, {xa} {yb}, {xa} {ya}))"


def in_gap(x_km, y_km):
    return any(x0 <= x_km <= x1 and y0 <= y_km <= y1 for x0, y0, x1, y1 in GAPS_KM.values())


def gap_layer(order=None, crs=UTM):
    """The gaps with the fields of a gapzones output that the map needs (widths and priorities made up)."""
    ids = list(GAPS_KM) if order is None else order
    rows = []
    for i in ids:
        x0, y0, x1, y1 = GAPS_KM[i]
        rows.append(
            (rect_wkt(x0, y0, x1, y1), [i, (x1 - x0) * (y1 - y0), min(x1 - x0, y1 - y0), 5.0 * i, 90.0 - 20 * i])
        )
    fields = [
        ("gap_id", "integer"),
        ("area_km2", "double"),
        ("width_km", "double"),
        ("border_km", "double"),
        ("priority", "double"),
    ]
    return rb.memory_layer("Polygon", fields, rows, "gaps", crs)


def study_layer(crs=UTM):
    return rb.memory_layer("Polygon", [("name", "string")], [(rect_wkt(*STUDY_KM), ["study"])], "study", crs)


def draw(rate_gaps, rate_rest, seed=7, trend_gaps=0.0):
    """Points (x_km, y_km, date) of a Poisson process: ``rate_gaps`` and ``rate_rest`` incidents per
    km² per year (the gaps' rate × e^(trend·t), t in years from START), over START–END."""
    rng = np.random.default_rng(seed)
    top = max(rate_gaps * np.exp(max(trend_gaps, 0.0) * YEARS), rate_rest)
    n = rng.poisson(top * STUDY_AREA_KM2 * YEARS)
    xs, ys = rng.uniform(0, 20, n), rng.uniform(0, 10, n)
    ts, us = rng.uniform(0, YEARS, n), rng.uniform(0, top, n)
    points = []
    for x, y, t, u in zip(xs, ys, ts, us):
        rate = rate_gaps * np.exp(trend_gaps * t) if in_gap(x, y) else rate_rest
        if u < rate:
            day = min(END, START + datetime.timedelta(days=int(t * 365.25)))
            points.append((float(x), float(y), day))
    return points


def incident_layer(points, crs=UTM, name="incidents", fatalities=None):
    """Points with a date field 'event_date' (QDate), 'kind' and 'deaths'; positions in km from (X0, Y0)."""
    layer = QgsVectorLayer(
        f"Point?crs={crs}&field=event_date:date&field=kind:string&field=deaths:integer", name, "memory"
    )
    features = []
    for i, (x, y, day) in enumerate(points):
        feature = QgsFeature(layer.fields())
        feature.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(X0 + x * 1000.0, Y0 + y * 1000.0)))
        kind = "attack" if i % 2 else "clash"
        feature.setAttributes([QDate(day.year, day.month, day.day), kind, 1 if fatalities is None else fatalities[i]])
        features.append(feature)
    assert layer.dataProvider().addFeatures(features)[0]
    layer.updateExtents()
    return layer


def save(layers, folder, name="inputs.gpkg"):
    return rb.save_gpkg(layers, os.path.join(str(folder), name))


# The columns of an ACLED export (Data Export Tool, 2023 and later), in their order.
ACLED_HEADER = [
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
]


def acled_row(event_id, date, event_type, sub_type, lat, lon, precision, fatalities, location="Sinjar"):
    values = {
        "event_id_cnty": event_id,
        "event_date": date,
        "year": date[-4:] if date[-4:].isdigit() else date[:4],
        "time_precision": "1",
        "disorder_type": "Political violence",
        "event_type": event_type,
        "sub_event_type": sub_type,
        "actor1": "Unidentified Armed Group (Iraq)",
        "assoc_actor_1": "",
        "inter1": "3",
        "actor2": "Civilians (Iraq)",
        "assoc_actor_2": "Yazidi Ethnic Group (Iraq)",
        "inter2": "7",
        "interaction": "37",
        "civilian_targeting": "",
        "iso": "368",
        "region": "Middle East",
        "country": "Iraq",
        "admin1": "Ninewa",
        "admin2": "Sinjar",
        "admin3": "Markaz Sinjar",
        "location": location,
        "latitude": f"{lat:.4f}",
        "longitude": f"{lon:.4f}",
        "geo_precision": str(precision),
        "source": "Test source",
        "source_scale": "National",
        "notes": "Test row, not a real event.",
        "fatalities": str(fatalities),
        "tags": "",
        "timestamp": "1700000000",
    }
    return [values[c] for c in ACLED_HEADER]


def write_acled_csv(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(ACLED_HEADER)
        writer.writerows(rows)
    return str(path)
