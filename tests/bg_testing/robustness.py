"""Small layers made in code for the robustness tests (bad inputs, PostGIS, offline, fuzzing):
memory layers from WKT, GeoPackages written from them, and file checksums."""

import hashlib
import os

from qgis.core import (
    QgsCoordinateTransformContext,
    QgsFeature,
    QgsGeometry,
    QgsVectorFileWriter,
    QgsVectorLayer,
)

# Two forces' districts near Sinjar (lon/lat), with a 2 km strip of unclaimed land between
# them, two posts and a coverage disc: enough for every algorithm to have a seam and gaps.
LON0, LAT0 = 41.80, 36.30
KM_LON = 1 / 89.6  # degrees of longitude per km at 36.3°N
KM_LAT = 1 / 110.9


def box(x0_km, y0_km, x1_km, y1_km, lon0=LON0, lat0=LAT0):
    """WKT of a lon/lat rectangle given in km from (lon0, lat0)."""
    xa, xb = lon0 + x0_km * KM_LON, lon0 + x1_km * KM_LON
    ya, yb = lat0 + y0_km * KM_LAT, lat0 + y1_km * KM_LAT
    return f"POLYGON(({xa} {ya}, {xb} {ya}, {xb} {yb}, {xa} {yb}, {xa} {ya}))"


def point(x_km, y_km, lon0=LON0, lat0=LAT0):
    return f"POINT({lon0 + x_km * KM_LON} {lat0 + y_km * KM_LAT})"


def line(points_km, lon0=LON0, lat0=LAT0):
    coords = ", ".join(f"{lon0 + x * KM_LON} {lat0 + y * KM_LAT}" for x, y in points_km)
    return f"LINESTRING({coords})"


def memory_layer(geometry, fields, rows, name="layer", crs="EPSG:4326"):
    """A memory layer: ``geometry`` e.g. "Polygon", ``fields`` [(name, "string"|"integer"|"double")],
    ``rows`` [(wkt or None, [values])]. ``crs`` None makes a layer without CRS."""
    spec = geometry
    params = []
    if crs:
        params.append(f"crs={crs}")
    params += [f"field={fname}:{ftype}" for fname, ftype in fields]
    if params:
        spec += "?" + "&".join(params)
    layer = QgsVectorLayer(spec, name, "memory")
    assert layer.isValid(), spec
    features = []
    for wkt, values in rows:
        feature = QgsFeature(layer.fields())
        if wkt is not None:
            feature.setGeometry(QgsGeometry.fromWkt(wkt))
        feature.setAttributes(list(values))
        features.append(feature)
    assert layer.dataProvider().addFeatures(features)[0]
    layer.updateExtents()
    return layer


def control_rows(force_a="Peshmerga", force_b="ISF"):
    """Districts: A west of x=0, B east of x=2 (km), a 2 km unclaimed strip between."""
    return [
        (box(-12, -10, -6, 10), ["Sinjar west", force_a]),
        (box(-6, -10, 0, 10), ["Sinjar east", force_a]),
        (box(2, -10, 14, 10), ["Tal Afar west", force_b]),
    ]


def control_layer(rows=None, crs="EPSG:4326", name="control_areas", geometry="Polygon"):
    return memory_layer(geometry, [("name", "string"), ("force", "string")], rows or control_rows(), name, crs)


def posts_layer(crs="EPSG:4326", name="posts"):
    return memory_layer(
        "Point",
        [("kind", "string"), ("range_m", "double"), ("force", "string")],
        [(point(1, 5), ["checkpoint", 1500.0, "ISF"]), (point(1, -6), ["tower", 800.0, "Peshmerga"])],
        name,
        crs,
    )


def coverage_layer(crs="EPSG:4326", name="coverage"):
    disc = QgsGeometry.fromWkt(point(1, 0)).buffer(1.2 * KM_LAT, 32).asWkt()
    return memory_layer("Polygon", [("kind", "string"), ("force", "string")], [(disc, ["drone", "ISF"])], name, crs)


def border_layer(crs="EPSG:4326", name="border"):
    return memory_layer("LineString", [("name", "string")], [(line([(1, -15), (1.3, 15)]), ["Iraq–Syria"])], name, crs)


def settlements_layer(crs="EPSG:4326", name="settlements"):
    return memory_layer(
        "Point",
        [("name", "string"), ("name_ar", "string"), ("status", "string")],
        [(point(1, 2), ["Khanasor", "خانصور", "inhabited"]), (point(0.5, -8), ["Sinune", "سنوني", "abandoned"])],
        name,
        crs,
    )


def study_area_layer(crs="EPSG:4326", name="study_area"):
    return memory_layer("Polygon", [("name", "string")], [(box(-12, -10, 14, 10), ["Sinjar"])], name, crs)


def countries_layer(crs="EPSG:4326", name="countries"):
    """Syria west of the border line (x = 1 km), Iraq east of it."""
    return memory_layer(
        "Polygon",
        [("name", "string"), ("name_ar", "string"), ("iso_a2", "string")],
        [(box(-40, -40, 1, 40), ["Syria", "سوريا", "SY"]), (box(1, -40, 40, 40), ["Iraq", "العراق", "IQ"])],
        name,
        crs,
    )


def origins_layer(crs="EPSG:4326", name="origins"):
    return memory_layer(
        "Point", [("name", "string")], [(point(-8, 4), ["Al-Hol side"]), (point(-9, -5), ["Tal Safuk"])], name, crs
    )


def destinations_layer(crs="EPSG:4326", name="destinations"):
    return memory_layer(
        "Point", [("name", "string")], [(point(10, 3), ["Khanasor"]), (point(11, -6), ["Sinune"])], name, crs
    )


def roads_layer(crs="EPSG:4326", name="roads"):
    return memory_layer("LineString", [("name", "string")], [(line([(-10, 0), (12, 1)]), ["Sinjar road"])], name, crs)


# Incidents as an ACLED export holds them: half in the strip's gaps (x 0–2 km, clear of the coverage
# and post discs), half in the districts either side; one placed at region level only (geo_precision 3).
INCIDENT_POINTS = [
    ((1.0, 2.5), "15 January 2023", 2, 1),
    ((0.5, -3.0), "02 March 2023", 0, 1),
    ((1.5, 8.0), "19 May 2023", 1, 2),
    ((1.0, -8.5), "07 August 2023", 0, 1),
    ((0.3, -2.0), "30 October 2023", 3, 1),
    ((1.7, 2.0), "11 December 2023", 0, 1),
    ((0.8, 9.0), "04 February 2024", 1, 1),
    ((1.2, -4.0), "21 April 2024", 0, 2),
    ((0.6, 7.0), "09 July 2024", 2, 1),
    ((1.4, -9.0), "28 September 2024", 0, 1),
    ((-5.0, 3.0), "20 January 2023", 0, 1),
    ((6.0, -4.0), "14 April 2023", 1, 1),
    ((10.0, 7.0), "03 September 2023", 0, 2),
    ((-9.0, -8.0), "25 November 2023", 0, 1),
    ((4.0, 1.0), "17 March 2024", 2, 1),
    ((-3.0, -6.0), "06 June 2024", 0, 1),
    ((12.0, -2.0), "13 November 2024", 0, 1),
    ((-7.0, 6.0), "01 December 2024", 5, 3),
]


def incidents_layer(crs="EPSG:4326", name="incidents"):
    rows = []
    for i, ((x, y), date, fatalities, precision) in enumerate(INCIDENT_POINTS, start=1):
        wkt = point(x, y)
        lon, lat = LON0 + x * KM_LON, LAT0 + y * KM_LAT
        kind = ("Explosions/Remote violence", "Remote explosive/landmine/IED") if i % 3 else ("Battles", "Armed clash")
        rows.append((wkt, [f"IRQ{i:04d}", date, kind[0], kind[1], fatalities, lat, lon, precision]))
    fields = [
        ("event_id_cnty", "string"),
        ("event_date", "string"),
        ("event_type", "string"),
        ("sub_event_type", "string"),
        ("fatalities", "integer"),
        ("latitude", "double"),
        ("longitude", "double"),
        ("geo_precision", "integer"),
    ]
    return memory_layer("Point", fields, rows, name, crs)


def save_gpkg(layers, path):
    """Write ``{name: layer}`` into one GeoPackage; returns ``{name: "path|layername=name"}``."""
    out = {}
    for index, (name, layer) in enumerate(layers.items()):
        options = QgsVectorFileWriter.SaveVectorOptions()
        options.driverName = "GPKG"
        options.layerName = name
        options.fileEncoding = "UTF-8"
        if index:
            options.actionOnExistingFile = QgsVectorFileWriter.ActionOnExistingFile.CreateOrOverwriteLayer
        result = QgsVectorFileWriter.writeAsVectorFormatV3(layer, str(path), QgsCoordinateTransformContext(), options)
        assert result[0] == QgsVectorFileWriter.WriterError.NoError, result
        out[name] = f"{path}|layername={name}"
    return out


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def checksums(paths):
    return {str(p): sha256(p) for p in paths if os.path.exists(p)}


def geometries_wkt(layer, precision=6):
    return sorted(f.geometry().asWkt(precision) for f in layer.getFeatures())
