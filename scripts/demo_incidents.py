"""SYNTHETIC incidents and abandoned villages for the demo scenario (demo_scenario.gpkg), made by
scripts/build_data.py: an inhomogeneous Poisson process around the synthetic Peshmerga | ISF front
with known intensities, written in the columns of an ACLED export. None of it is a real event.

Intensities (incidents per km² per year) in the land within 15 km of the 5 km seam, inside Iraq:
- 0.05 everywhere (the background);
- 0.25 in the covered seam (the seam minus the gaps);
- 0.45 · 1.3^(t − 2023) in the gaps (the unclaimed seam no post, patrol or camera covers), rising
  30 % a year;
- plus 1.2 within 2 km of each of the four abandoned villages.
The gaps here are those bordergaps:gapzones finds with the demo's parameters (seam 5 km, MODE 0,
posts' range_m); the study area of the demo run is the seam grown by 10 km, so the process covers it.
Drawn by thinning (Lewis–Shedler): uniform candidates at the largest intensity, each kept with
probability λ(x, t) / λmax, from a fixed seed, so `make data` rebuilds the same points.
"""

import datetime
import math
from typing import Dict, List, Tuple

import numpy as np
from qgis.core import Qgis, QgsCoordinateTransform, QgsGeometry, QgsPoint, QgsPointXY

SEED = 20230101
START = datetime.date(2023, 1, 1)
END = datetime.date(2025, 12, 31)
SEAM_M = 5000.0
REACH_M = 15000.0
BACKGROUND = 0.05
COVERED_SEAM = 0.25
GAPS = 0.45
GAP_GROWTH = 1.30  # a year
VILLAGE = 1.2
VILLAGE_RADIUS_M = 2000.0
# ACLED's event and sub-event types, with the share of each among the synthetic incidents
TYPES = [
    ("Explosions/Remote violence", "Remote explosive/landmine/IED", 0.38),
    ("Explosions/Remote violence", "Shelling/artillery/missile attack", 0.10),
    ("Battles", "Armed clash", 0.27),
    ("Violence against civilians", "Attack", 0.12),
    ("Violence against civilians", "Abduction/forced disappearance", 0.05),
    ("Strategic developments", "Looting/property destruction", 0.08),
]
PRECISION = [(1, 0.70), (2, 0.22), (3, 0.08)]  # ACLED geo_precision and its share
# Abandoned villages: two in the largest gaps, one in the ISF and one in the Peshmerga districts
VILLAGES = [
    "Abandoned hamlet A (synthetic)",
    "Abandoned hamlet B (synthetic)",
    "Abandoned hamlet C (synthetic)",
    "Abandoned hamlet D (synthetic)",
]


def _union(geometries):
    return QgsGeometry.unaryUnion([g for g in geometries if g is not None and not g.isEmpty()])


def demo_incidents(layout: Dict[str, List[dict]], to_utm: QgsCoordinateTransform) -> List[Tuple[str, str, List[dict]]]:
    """[(layer, geometry type, rows)] of the abandoned villages and the incidents, in lon/lat."""

    def metric(geom):
        out = QgsGeometry(geom)
        out.transform(to_utm)
        return out

    def lonlat(x, y):
        p = to_utm.transform(QgsPointXY(x, y), Qgis.TransformDirection.Reverse)
        return p

    control = [(row["force"], metric(row["_geometry"]), row["name"]) for row in layout["control_areas"]]
    peshmerga = _union([g for f, g, _n in control if f == "Peshmerga"])
    isf = _union([g for f, g, _n in control if f == "ISF"])
    land = _union([g for _f, g, _n in control])
    seam = peshmerga.buffer(SEAM_M, 16).intersection(isf.buffer(SEAM_M, 16))
    unclaimed = seam.difference(peshmerga.combine(isf))
    cover = [metric(row["_geometry"]) for row in layout["coverage"]]
    for post in layout["posts"]:
        cover.append(metric(post["_geometry"]).buffer(post["range_m"], 16))
    gaps = unclaimed.difference(_union(cover))
    gap_parts = sorted((QgsGeometry(p.clone()) for p in gaps.constParts()), key=lambda g: -g.area())
    region = seam.buffer(REACH_M, 16).intersection(land.combine(unclaimed))

    # villages: two in the largest gaps, two inside the districts 6 km behind the seam
    villages = [gap_parts[0].pointOnSurface(), gap_parts[1].pointOnSurface()]
    for side in (isf, peshmerga):
        inner = side.difference(seam.buffer(6000.0, 16))
        target = gap_parts[2].pointOnSurface() if len(gap_parts) > 2 else gap_parts[0].pointOnSurface()
        villages.append(inner.nearestPoint(target))
    village_zone = _union([v.buffer(VILLAGE_RADIUS_M, 32) for v in villages])

    def prepared(geom):
        engine = QgsGeometry.createGeometryEngine(geom.constGet())
        engine.prepareGeometry()
        return engine

    tests = {
        name: prepared(g) for name, g in (("region", region), ("seam", seam), ("gaps", gaps), ("village", village_zone))
    }
    years = ((END - START).days + 1) / 365.25
    top = GAPS * GAP_GROWTH**years + VILLAGE + COVERED_SEAM
    box = region.boundingBox()
    rng = np.random.default_rng(SEED)
    n = rng.poisson(top * box.area() / 1e6 * years)
    xs = rng.uniform(box.xMinimum(), box.xMaximum(), n)
    ys = rng.uniform(box.yMinimum(), box.yMaximum(), n)
    ts = rng.uniform(0.0, years, n)
    us = rng.uniform(0.0, top, n)
    kinds = rng.choice(len(TYPES), n, p=[t[2] for t in TYPES])
    precisions = rng.choice(len(PRECISION), n, p=[p[1] for p in PRECISION])
    deaths = rng.poisson(0.7, n)
    districts = [(name, g, prepared(g), g.centroid().asPoint()) for _f, g, name in control]
    incidents = []
    for i in range(n):
        point = QgsPoint(xs[i], ys[i])
        if not tests["region"].intersects(point):
            continue
        rate = BACKGROUND
        if tests["gaps"].intersects(point):
            rate = GAPS * GAP_GROWTH ** ts[i]
        elif tests["seam"].intersects(point):
            rate = COVERED_SEAM
        if tests["village"].intersects(point):
            rate += VILLAGE
        if us[i] >= rate:
            continue
        precision = PRECISION[precisions[i]][0]
        x, y = xs[i], ys[i]
        if precision == 3:  # placed only at region level: ACLED puts it at the district's centre
            for _name, _g, engine, centre in districts:
                if engine.intersects(point):
                    x, y = centre.x(), centre.y()
                    break
        day = START + datetime.timedelta(days=int(math.floor(ts[i] * 365.25)))
        day = min(day, END)
        incidents.append((day, x, y, TYPES[kinds[i]], precision, int(deaths[i] if kinds[i] < 5 else 0)))
    incidents.sort(key=lambda item: (item[0], round(item[1], 1), round(item[2], 1)))
    rows = []
    for number, (day, x, y, (event_type, sub_type, _share), precision, fatalities) in enumerate(incidents, start=1):
        p = lonlat(x, y)
        lon, lat = round(p.x(), 6), round(p.y(), 6)
        rows.append(
            {
                "_geometry": QgsGeometry.fromPointXY(QgsPointXY(lon, lat)),
                "event_id_cnty": f"SYN{number:05d}",
                "event_date": day.isoformat(),
                "year": day.year,
                "event_type": event_type,
                "sub_event_type": sub_type,
                "fatalities": fatalities,
                "latitude": lat,
                "longitude": lon,
                "geo_precision": precision,
                "notes": "SYNTHETIC incident of the Border Gaps demo: not a real event.",
            }
        )
    village_rows = []
    for name, point in zip(VILLAGES, villages):
        p = lonlat(point.asPoint().x(), point.asPoint().y())
        village_rows.append(
            {
                "_geometry": QgsGeometry.fromPointXY(QgsPointXY(round(p.x(), 6), round(p.y(), 6))),
                "name": name,
                "status": "abandoned",
            }
        )
    return [("abandoned_villages", "Point", village_rows), ("incidents", "Point", rows)]
