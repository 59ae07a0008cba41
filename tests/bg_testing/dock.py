"""Point and polygon layers for the dock tests, made in memory, with Arabic names."""

from qgis.core import QgsFeature, QgsGeometry, QgsPointXY, QgsVectorLayer

SETTLEMENT_FIELDS = (
    "field=name:string&field=name_ar:string&field=alt_names:string&field=side:string"
    "&field=governorate:string&field=population:integer&field=border_km:double&field=status:string"
)
CROSSING_FIELDS = (
    "field=name:string&field=name_ar:string&field=side:string&field=pair:string&field=kind:string"
    "&field=status:string&field=status_date:string"
)

# name, name_ar, alt_names, side, governorate, population, border_km, status, lon, lat
SETTLEMENTS = [
    ("Al-Ba'aj", "البعاج", "Baaj;Al Ba`aj;Ba'aj;البَعّاج", "IQ", "Ninawa", 21000, 28.0, "inhabited", 41.727, 36.037),
    ("Sinjar", "سنجار", "Shingal;Şengal", "IQ", "Ninawa", 38000, 45.0, "inhabited", 41.868, 36.321),
    ("Rabia", "ربيعة", "Rabi'a;Rabiah", "IQ", "Ninawa", 10000, 2.0, "abandoned", 42.102, 36.802),
    ("Al-Qa'im", "القائم", "Husaybah;Al Qaim", "IQ", "Anbar", 75000, 3.0, "inhabited", 41.024, 34.371),
    ("Abu Kamal", "البوكمال", "Albu Kamal;Al-Bukamal", "SY", "Deir ez-Zor", 57000, 1.5, "inhabited", 40.917, 34.453),
    ("Al-Hawl", "الهول", "Hol;El Hol", "SY", "Al-Hasakah", 3000, 12.0, "unknown", 41.149, 36.387),
    ("Tall Safuk", "تل صفوك", "", "SY", "Al-Hasakah", None, 6.0, "abandoned", 41.38, 36.2),
    ("Nameless", None, None, None, None, None, None, None, 41.5, 35.5),
]

# name, name_ar, side, pair, kind, status, status_date, lon, lat
CROSSINGS = [
    ("Al-Walid", "الوليد", "IQ", "Al-Tanf", "official", "closed", "2024-01-01", 38.78, 33.39),
    ("Al-Tanf", "التنف", "SY", "Al-Walid", "official", "closed", "2024-01-01", 38.75, 33.41),
    ("Al-Qa'im crossing", "منفذ القائم", "IQ", "Abu Kamal crossing", "official", "open", "2019-09-30", 41.00, 34.38),
    ("Faysh Khabur", "فيشخابور", "IQ", "Semalka", "informal", "open", "2023-05-01", 42.38, 37.07),
]


def point_layer(fields: str, rows, name="points", crs="EPSG:4326") -> QgsVectorLayer:
    """A memory point layer; each row is the attribute values followed by lon, lat."""
    layer = QgsVectorLayer(f"Point?crs={crs}&{fields}", name, "memory")
    assert layer.isValid()
    features = []
    for row in rows:
        feature = QgsFeature(layer.fields())
        feature.setAttributes(list(row[:-2]))
        feature.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(row[-2], row[-1])))
        features.append(feature)
    assert layer.dataProvider().addFeatures(features)
    layer.updateExtents()
    return layer


def settlements_layer(name="settlements") -> QgsVectorLayer:
    return point_layer(SETTLEMENT_FIELDS, SETTLEMENTS, name)


def crossings_layer(name="crossings") -> QgsVectorLayer:
    return point_layer(CROSSING_FIELDS, CROSSINGS, name)


def polygon_layer(wkts, name="gap zones", crs="EPSG:4326") -> QgsVectorLayer:
    layer = QgsVectorLayer(f"Polygon?crs={crs}&field=gap_id:integer", name, "memory")
    features = []
    for i, wkt in enumerate(wkts, start=1):
        feature = QgsFeature(layer.fields())
        feature.setAttributes([i])
        feature.setGeometry(QgsGeometry.fromWkt(wkt))
        features.append(feature)
    assert layer.dataProvider().addFeatures(features)
    return layer


def fid_of(layer: QgsVectorLayer, name: str) -> int:
    return next(f.id() for f in layer.getFeatures() if f["name"] == name)
