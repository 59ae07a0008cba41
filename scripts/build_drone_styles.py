"""Writes resources/styles/sorties.qml, lanes.qml and surveyed.qml, the styles of the outputs of
bordergaps:dronesorties (applied on load, and by exportmap to files named sorties/lanes/surveyed).

Usage: python -P scripts/build_drone_styles.py (PYTHONPATH=build/pkg). The QML files are committed;
this script is how they were made.
"""

import os
import sys

from qgis.core import (
    QgsApplication,
    QgsFillSymbol,
    QgsLineSymbol,
    QgsMarkerLineSymbolLayer,
    QgsMarkerSymbol,
    QgsSimpleFillSymbolLayer,
    QgsSingleSymbolRenderer,
    QgsVectorLayer,
)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from build_styles import labels, text_format  # noqa: E402

from border_gaps.layers import catalogue  # noqa: E402

SORTIE = "#6a1b9a"  # deep purple: reads on the pale countries, the force colours and the gaps
LANE = "#00838f"
SWATH = "#26a69a"


def style_sorties(layer):
    symbol = QgsLineSymbol.createSimple(
        {"line_color": "255,255,255,200", "line_width": "1.4", "line_width_unit": "MM", "joinstyle": "round"}
    )
    top = QgsLineSymbol.createSimple(
        {"line_color": SORTIE, "line_width": "0.6", "line_width_unit": "MM", "joinstyle": "round"}
    )
    symbol.appendSymbolLayer(top.symbolLayer(0).clone())
    arrows = QgsMarkerLineSymbolLayer(True, 25)  # an arrowhead every 25 mm, pointing along the flight
    head = QgsMarkerSymbol.createSimple(
        {"name": "arrowhead", "color": SORTIE, "outline_color": SORTIE, "size": "2.2", "outline_width": "0.4"}
    )
    arrows.setSubSymbol(head)
    symbol.appendSymbolLayer(arrows)
    layer.setRenderer(QgsSingleSymbolRenderer(symbol))
    labels(layer, "'Sortie ' || \"sortie\" || ' (' || \"base\" || ')'", text_format(7.5, SORTIE, bold=True), priority=7)


def style_lanes(layer):
    symbol = QgsLineSymbol.createSimple(
        {"line_color": LANE, "line_width": "0.35", "line_width_unit": "MM", "capstyle": "flat"}
    )
    layer.setRenderer(QgsSingleSymbolRenderer(symbol))


def style_surveyed(layer):
    symbol = QgsFillSymbol.createSimple(
        {"color": "38,166,154,70", "outline_color": SWATH, "outline_width": "0.2", "outline_width_unit": "MM"}
    )
    hatch = QgsSimpleFillSymbolLayer.create({"color": "0,131,143,110", "style": "horizontal", "outline_style": "no"})
    symbol.appendSymbolLayer(hatch)
    layer.setRenderer(QgsSingleSymbolRenderer(symbol))


OUTPUTS = {
    "sorties": ("LineString", "field=sortie:integer&field=base:string&field=length_km:double", style_sorties),
    "lanes": ("LineString", "field=sortie:integer&field=gap_id:integer&field=seq:integer", style_lanes),
    "surveyed": ("MultiPolygon", "field=sortie:integer&field=gap_id:integer&field=area_km2:double", style_surveyed),
}


def main() -> int:
    app = QgsApplication([], False)
    app.initQgis()
    for name, (geometry, fields, styler) in OUTPUTS.items():
        layer = QgsVectorLayer(f"{geometry}?crs=EPSG:4326&{fields}", name, "memory")
        styler(layer)
        path = os.path.join(catalogue.STYLES_DIR, f"{name}.qml")
        message, ok = layer.saveNamedStyle(path)
        if not ok:
            sys.exit(f"build_drone_styles: could not write {path}: {message}")
        print(f"  {os.path.relpath(path, catalogue.PLUGIN_DIR)}")
    app.exitQgis()
    return 0


if __name__ == "__main__":
    sys.exit(main())
