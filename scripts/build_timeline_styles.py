"""Writes the QML styles of the gaptimeline and controlchange outputs (resources/styles) with PyQGIS.

Usage: python -P scripts/build_timeline_styles.py (PYTHONPATH=build/pkg). The QML files are committed;
this script is how they were made. gaps_by_time.qml and gaps_by_date.qml carry the temporal settings
(a range [start, end) per feature from two fields, read with to_datetime(): see
processing/gaptimeline.temporal_expression) besides the symbols, so a layer styled with them is animated
by QGIS's temporal controller.
"""

import os

from qgis.core import (
    QgsApplication,
    QgsCategorizedSymbolRenderer,
    QgsFillSymbol,
    QgsGraduatedSymbolRenderer,
    QgsMapLayer,
    QgsRendererCategory,
    QgsRendererRange,
    QgsVectorLayer,
)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STYLES = os.path.join(ROOT, "resources", "styles")
CATEGORIES = QgsMapLayer.StyleCategory.Symbology | QgsMapLayer.StyleCategory.Labeling
TEMPORAL = CATEGORIES | QgsMapLayer.StyleCategory.Temporal


def fill(colour, outline="122,31,31,255", width="0.26", style="solid"):
    return QgsFillSymbol.createSimple(
        {"color": colour, "outline_color": outline, "outline_width": width, "style": style}
    )


def layer(fields):
    spec = "&".join(f"field={name}:{kind}" for name, kind in fields)
    return QgsVectorLayer(f"MultiPolygon?crs=EPSG:4326&{spec}", "style", "memory")


def temporal(vl, start, end):
    from border_gaps.processing.gaptimeline import set_temporal  # the settings the plugin applies on load

    set_temporal(vl, start, end)


def save(vl, name, categories=CATEGORIES):
    path = os.path.join(STYLES, name)
    message, ok = vl.saveNamedStyle(path, categories)
    if not ok:
        raise SystemExit(f"{name}: {message}")
    print("wrote", path)


def main():
    app = QgsApplication([], False)
    app.initQgis()
    gap_fields = [("gap_id", "integer"), ("area_km2", "double"), ("priority", "double")]
    by_time = layer([("slice_start", "datetime"), ("slice_end", "datetime")] + gap_fields)
    by_time.loadNamedStyle(os.path.join(STYLES, "gap_zones.qml"))  # graded by priority, as gapzones
    temporal(by_time, "slice_start", "slice_end")
    save(by_time, "gaps_by_time.qml", TEMPORAL)

    by_date = layer([("date_start", "datetime"), ("date_end", "datetime")] + gap_fields)
    by_date.loadNamedStyle(os.path.join(STYLES, "gap_zones.qml"))
    temporal(by_date, "date_start", "date_end")
    save(by_date, "gaps_by_date.qml", TEMPORAL)

    always = layer(gap_fields)
    always.setRenderer(
        QgsCategorizedSymbolRenderer(
            "'never watched'",
            [QgsRendererCategory("never watched", fill("178,24,43,180", "103,0,31,255", "0.4"), "Never watched")],
        )
    )
    save(always, "always_gap.qml")

    hours = layer([("hours_unwatched", "double")])
    ranges = []
    for lower, upper, colour, label in (
        (0.0, 0.0, "255,255,255,0", "Watched all day"),
        (0.0001, 6.0, "254,224,139,150", "Up to 6 h unwatched"),
        (6.0, 12.0, "253,174,97,170", "6–12 h"),
        (12.0, 18.0, "244,109,67,180", "12–18 h"),
        (18.0, 23.999, "215,48,39,190", "18–24 h"),
        (23.999, 24.0, "103,0,31,200", "Never watched"),
    ):
        ranges.append(QgsRendererRange(lower, upper, fill(colour, "128,128,128,128", "0.1"), label))
    hours.setRenderer(QgsGraduatedSymbolRenderer("hours_unwatched", ranges))
    save(hours, "unwatched_hours.qml")

    change = layer([("change", "string")])
    change.setRenderer(
        QgsCategorizedSymbolRenderer(
            "change",
            [
                QgsRendererCategory("opened", fill("215,48,31,200", "127,0,0,255"), "Opened (new gap)"),
                QgsRendererCategory("closed", fill("26,152,80,170", "0,68,27,255"), "Closed (covered or held now)"),
                QgsRendererCategory("persisted", fill("253,174,97,170", "127,59,8,255"), "Persisted"),
            ],
        )
    )
    save(change, "gap_change.qml")

    districts = layer([("force_after", "string")])
    districts.setRenderer(
        QgsCategorizedSymbolRenderer(
            "'changed'",
            [
                QgsRendererCategory(
                    "changed", fill("106,61,154,85", "106,61,154,255", "0.8", "b_diagonal"), "Changed hands"
                )
            ],
        )
    )
    save(districts, "changed_districts.qml")
    app.exitQgis()


if __name__ == "__main__":
    main()
