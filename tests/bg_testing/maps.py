"""Small layers for the map-export tests: gap zones with the gapzones fields, control
areas of two forces, and helpers to read PDFs and PNGs."""

import subprocess

import numpy as np
from qgis.core import QgsFeature, QgsGeometry, QgsVectorLayer
from qgis.PyQt.QtGui import QColor, QImage

GAP_FIELDS = (
    "field=gap_id:integer&field=area_km2:double&field=width_km:double&field=border_km:double&field=priority:double"
)


def square(x0, y0, size):
    return QgsGeometry.fromWkt(
        f"POLYGON(({x0} {y0},{x0 + size} {y0},{x0 + size} {y0 + size},{x0} {y0 + size},{x0} {y0}))"
    )


def gap_layer(rows, name="gaps", crs="EPSG:4326"):
    """A memory gap layer; ``rows`` are (gap_id, area_km2, width_km, border_km, priority,
    geometry). Areas are the caller's: the map only displays them."""
    layer = QgsVectorLayer(f"Polygon?crs={crs}&{GAP_FIELDS}", name, "memory")
    features = []
    for gap_id, area, width, border, priority, geometry in rows:
        feature = QgsFeature(layer.fields())
        feature.setAttributes([gap_id, area, width, border, priority])
        feature.setGeometry(geometry)
        features.append(feature)
    assert layer.dataProvider().addFeatures(features)
    layer.updateExtents()
    return layer


def sinjar_gaps():
    """Four gaps west of Sinjar (lon/lat), priorities and areas in different orders."""
    return gap_layer(
        [
            (1, 4.0, 0.8, 12.0, 35.0, square(41.70, 36.30, 0.02)),
            (2, 9.5, 1.6, 3.0, 91.0, square(41.76, 36.36, 0.03)),
            (3, 22.0, 2.9, 25.0, 20.0, square(41.84, 36.28, 0.05)),
            (4, 1.2, 0.4, 7.5, 64.0, square(41.92, 36.40, 0.01)),
        ]
    )


def control_areas():
    """Two districts 0.14° square, Peshmerga and ISF, with a strip 0.05° (4.5 km) wide held
    by neither between them."""
    layer = QgsVectorLayer("Polygon?crs=EPSG:4326&field=name:string&field=force:string", "districts", "memory")
    features = []
    for name, force, x0 in (("Sinjar", "Peshmerga", 41.62), ("Baaj", "ISF", 41.81)):
        feature = QgsFeature(layer.fields())
        feature.setAttributes([name, force])
        feature.setGeometry(square(x0, 36.20, 0.14))
        features.append(feature)
    layer.dataProvider().addFeatures(features)
    layer.updateExtents()
    return layer


def pdf_pages(path):
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in out.splitlines() if line.startswith("Pages:")))


def pdf_text(path):
    """The PDF's text with every run of white space (line breaks of wrapped labels) as one space."""
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(text.split())


def image_array(path):
    """The image at ``path`` as an (height, width, 3) uint8 RGB array."""
    image = QImage(str(path))
    assert not image.isNull(), path
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    bits = image.constBits()
    bits.setsize(image.height() * image.bytesPerLine())
    rows = np.frombuffer(bits, np.uint8).reshape(image.height(), image.bytesPerLine())
    bgra = rows[:, : image.width() * 4].reshape(image.height(), image.width(), 4)
    return bgra[:, :, 2::-1].copy()


def count_colour(path, colour, tolerance=8):
    """Pixels of the image at ``path`` within ``tolerance`` (per channel) of ``colour``."""
    target = QColor(colour)
    rgb = np.array([target.red(), target.green(), target.blue()], dtype=np.int16)
    diff = np.abs(image_array(path).astype(np.int16) - rgb)
    return int(np.count_nonzero(diff.max(axis=2) <= tolerance))
