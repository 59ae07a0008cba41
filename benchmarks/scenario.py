"""Seeded synthetic gap scenarios for the benchmarks: two forces' districts either side of an
irregular no-man's strip in UTM 38N, and N coverage polygons (post discs, patrol corridors)."""

import math
import os
from dataclasses import dataclass, field
from typing import List, Tuple

import numpy as np
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransformContext,
    QgsFeature,
    QgsFields,
    QgsGeometry,
    QgsLineString,
    QgsPoint,
    QgsPointXY,
    QgsPolygon,
    QgsVectorFileWriter,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QVariant

from border_gaps.analysis.compat import new_field

CRS = QgsCoordinateReferenceSystem("EPSG:32638")  # WGS 84 / UTM 38N: Sinjar to Tal Afar
LENGTH_M = 150_000.0
Y0 = 3_960_000.0
X0 = 330_000.0
DEPTH_M = 30_000.0  # how far each force's districts reach from the strip


@dataclass
class Scenario:
    seed: int
    n: int
    districts: List[Tuple[str, str, QgsGeometry]] = field(default_factory=list)  # (name, force, geometry)
    coverage: List[Tuple[str, QgsGeometry]] = field(default_factory=list)  # (kind, geometry)


def strip_edges(rng: np.random.Generator, step: float = 500.0):
    """The west (force A) and east (force B) edges of the no-man's strip: x at each y."""
    y = np.arange(0.0, LENGTH_M + step, step)
    centre = np.zeros_like(y)
    width = np.zeros_like(y)
    for wavelength, amplitude in ((60_000, 4_000), (21_000, 1_500), (7_000, 400)):
        centre += amplitude * np.sin(2 * math.pi * y / wavelength + rng.uniform(0, 2 * math.pi))
    for wavelength in (45_000, 13_000):
        width += np.sin(2 * math.pi * y / wavelength + rng.uniform(0, 2 * math.pi))
    width = 1_000.0 + 7_000.0 * (width - width.min()) / (width.max() - width.min())  # 1–8 km
    centre += X0
    return Y0 + y, centre - width / 2, centre + width / 2


def make_scenario(n: int, seed: int = 38) -> Scenario:
    rng = np.random.default_rng(seed + n)
    ys, west, east = strip_edges(rng)
    scenario = Scenario(seed, n)
    cuts = [0]
    while cuts[-1] < len(ys) - 1:
        cuts.append(min(len(ys) - 1, cuts[-1] + int(rng.integers(30, 60))))  # 15–30 km districts
    for force, edge, sign in (("Peshmerga", west, -1.0), ("ISF", east, 1.0)):
        for k, (i0, i1) in enumerate(zip(cuts[:-1], cuts[1:])):
            along = [QgsPoint(float(edge[i]), float(ys[i])) for i in range(i0, i1 + 1)]
            back = [QgsPoint(float(edge[i]) + sign * DEPTH_M, float(ys[i])) for i in (i1, i0)]
            ring = along + back + [along[0]]
            if sign > 0:
                ring.reverse()
            polygon = QgsPolygon(QgsLineString(ring))
            scenario.districts.append((f"{force} district {k + 1}", force, QgsGeometry(polygon)))
    scale = math.sqrt(1000.0 / n)  # keeps the covered share of the strip near two thirds at any N
    for _ in range(n):
        i = int(rng.integers(0, len(ys)))
        half = (east[i] - west[i]) / 2 + 4_000.0
        x = (west[i] + east[i]) / 2 + rng.uniform(-half, half)
        y = ys[i] + rng.uniform(-250, 250)
        if rng.random() < 0.6:
            radius = rng.uniform(500, 1_300) * scale
            geom = QgsGeometry.fromPointXY(QgsPointXY(x, y)).buffer(radius, 8)
            scenario.coverage.append(("post", geom))
        else:
            length = rng.uniform(2_000, 6_000) * scale
            angle = rng.normal(math.pi / 2, 0.5)  # patrols mostly run along the strip
            dx, dy = math.cos(angle) * length / 2, math.sin(angle) * length / 2
            line = QgsGeometry.fromPolylineXY([QgsPointXY(x - dx, y - dy), QgsPointXY(x + dx, y + dy)])
            scenario.coverage.append(("patrol", line.buffer(rng.uniform(100, 300) * scale, 8)))
    return scenario


def write_gpkg(scenario: Scenario, path: str) -> str:
    """Writes layers ``control_areas`` (name, force) and ``coverage`` (kind) to ``path``."""
    if os.path.exists(path):
        os.remove(path)
    _write(
        path,
        "control_areas",
        [("name", QVariant.String), ("force", QVariant.String)],
        [(name, force, geom) for name, force, geom in scenario.districts],
        create=True,
    )
    _write(path, "coverage", [("kind", QVariant.String)], scenario.coverage, create=False)
    return path


def _write(path, layer, field_specs, rows, create):
    fields = QgsFields()
    for name, kind in field_specs:
        fields.append(new_field(name, kind))
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    options.layerName = layer
    options.actionOnExistingFile = (
        QgsVectorFileWriter.ActionOnExistingFile.CreateOrOverwriteFile
        if create
        else QgsVectorFileWriter.ActionOnExistingFile.CreateOrOverwriteLayer
    )
    writer = QgsVectorFileWriter.create(
        path, fields, QgsWkbTypes.Type.MultiPolygon, CRS, QgsCoordinateTransformContext(), options
    )
    if writer.hasError():
        raise RuntimeError(writer.errorMessage())
    for row in rows:
        feature = QgsFeature(fields)
        feature.setAttributes(list(row[:-1]))
        feature.setGeometry(row[-1])
        writer.addFeature(feature)
    del writer
