"""Writes resources/styles/*.qml for the bundled border-region and demo layers, and for outputs of
the algorithms that have no bundled layer (OUTPUT_STYLERS), with PyQGIS.

Usage: python -P scripts/build_styles.py [NAME ...] (PYTHONPATH=build/pkg): every style, or only
those named. The QML files are committed; this script is how they were made and how to remake
them after a change here.
"""

import os
import sys

from qgis.core import (
    QgsApplication,
    QgsCategorizedSymbolRenderer,
    QgsFillSymbol,
    QgsLineSymbol,
    QgsMarkerSymbol,
    QgsPalLayerSettings,
    QgsProperty,
    QgsRendererCategory,
    QgsRuleBasedLabeling,
    QgsRuleBasedRenderer,
    QgsSimpleFillSymbolLayer,
    QgsSingleSymbolRenderer,
    QgsSymbolLayer,
    QgsTextBufferSettings,
    QgsTextFormat,
    QgsUnitTypes,
    QgsVectorLayer,
    QgsVectorLayerSimpleLabeling,
)
from qgis.PyQt.QtGui import QColor, QFont

from border_gaps.layers import catalogue

FORCE_COLOURS = {"Peshmerga": "#d9a400", "ISF": "#2f6db5", "PMF": "#3a8f3a", "YBS": "#b03a7a"}
STATUS_COLOURS = [
    ("open", "#2e9e44", "open"),
    ("reopening ordered", "#f28e1c", "reopening ordered"),
    ("intermittent", "#e8d13a", "intermittent"),
    ("closed", "#d7301f", "closed"),
    ("unknown", "#8c8c8c", "unknown"),
]


def text_format(
    size: float, colour: str = "#202020", bold: bool = False, italic: bool = False, buffer: float = 0.8
) -> QgsTextFormat:
    fmt = QgsTextFormat()
    font = QFont()
    font.setBold(bold)
    font.setItalic(italic)
    fmt.setFont(font)
    fmt.setSize(size)
    fmt.setSizeUnit(QgsUnitTypes.RenderPoints)
    fmt.setColor(QColor(colour))
    if buffer:
        buf = QgsTextBufferSettings()
        buf.setEnabled(True)
        buf.setSize(buffer)
        buf.setColor(QColor(255, 255, 255, 220))
        fmt.setBuffer(buf)
    return fmt


def labels(
    layer, expression: str, fmt: QgsTextFormat, max_scale_denominator: float = 0.0, placement=None, priority: int = 5
):
    """Label ``layer`` by ``expression``; shown only at scales larger than 1:max_scale_denominator."""
    settings = QgsPalLayerSettings()
    settings.fieldName = expression
    settings.isExpression = True
    settings.setFormat(fmt)
    settings.priority = priority
    if placement is not None:
        settings.placement = placement
    if max_scale_denominator:
        settings.scaleVisibility = True
        settings.minimumScale = max_scale_denominator  # the most zoomed-out scale shown
        settings.maximumScale = 0
    layer.setLabeling(QgsVectorLayerSimpleLabeling(settings))
    layer.setLabelsEnabled(True)


def fill(colour: str, alpha: int, outline: str, width: float, style: str = "solid", outline_style="solid"):
    return QgsFillSymbol.createSimple(
        {
            "color": _rgba(colour, alpha),
            "style": style,
            "outline_color": outline,
            "outline_width": str(width),
            "outline_width_unit": "MM",
            "outline_style": outline_style,
        }
    )


def _rgba(colour: str, alpha: int) -> str:
    c = QColor(colour)
    return f"{c.red()},{c.green()},{c.blue()},{alpha}"


def categorized(field: str, items, make_symbol, other=None):
    cats = [QgsRendererCategory(value, make_symbol(colour), label) for value, colour, label in items]
    if other is not None:
        cats.append(QgsRendererCategory(None, make_symbol(other), "other"))
    return QgsCategorizedSymbolRenderer(field, cats)


def style_countries(layer):
    layer.setRenderer(
        categorized(
            "iso_a2",
            [("IQ", "#f3ecd9", "Iraq"), ("SY", "#e9eedf", "Syria")],
            lambda c: fill(c, 255, "#8a8a8a", 0.4),
            other="#e4e4e4",
        )
    )
    labels(layer, '"name"', text_format(11, "#6b6b6b", bold=True, buffer=0.6), priority=2)


def style_governorates(layer):
    layer.setRenderer(QgsSingleSymbolRenderer(fill("#ffffff", 0, "#9c7b5b", 0.3, style="no", outline_style="dash")))
    labels(layer, '"name"', text_format(8.5, "#7a5c3e", italic=True, buffer=0.6), max_scale_denominator=6e6, priority=1)


def style_border(layer):
    symbol = QgsLineSymbol.createSimple(
        {
            "line_color": "255,255,255,230",
            "line_width": "2.2",
            "line_width_unit": "MM",
            "capstyle": "round",
            "joinstyle": "round",
        }
    )
    top = QgsLineSymbol.createSimple(
        {
            "line_color": "#8b0000",
            "line_width": "1.0",
            "line_width_unit": "MM",
            "customdash": "5;1.5",
            "use_custom_dash": "1",
            "capstyle": "flat",
        }
    )
    symbol.appendSymbolLayer(top.symbolLayer(0).clone())
    layer.setRenderer(QgsSingleSymbolRenderer(symbol))


def style_border_bands(layer):
    layer.setRenderer(
        categorized(
            "side",
            [("IQ", "#e8892b", "Iraqi side"), ("SY", "#7b52ae", "Syrian side")],
            lambda c: fill(c, 70, _rgba(c, 160), 0.2),
        )
    )


def style_crossings(layer):
    def marker(colour):
        return QgsMarkerSymbol.createSimple(
            {"name": "diamond", "color": colour, "size": "4.2", "outline_color": "#1a1a1a", "outline_width": "0.4"}
        )

    renderer = categorized("status", STATUS_COLOURS, marker, other="#8c8c8c")
    layer.setRenderer(renderer)
    labels(
        layer,
        '"name" || if("name_ar" IS NOT NULL, \'\\n\' || "name_ar", \'\')',
        text_format(9, "#1a1a1a", bold=True),
        priority=10,
    )


#: Marker size (mm) of a plain village beyond 1:1,000,000, where 1,700 full-size dots would hide the map.
VILLAGE_SIZE_SMALL_SCALES = 1.1


def style_settlements(layer):
    root = QgsRuleBasedRenderer.Rule(None)
    for label, expression, props in (
        (
            "approximate position",
            "\"precision\" = 'approximate'",
            {
                "name": "circle",
                "color": "255,255,255,0",
                "size": "2.6",
                "outline_color": "#404040",
                "outline_width": "0.5",
                "outline_style": "dash",
            },
        ),
        (
            "camp, garrison or post",
            "\"kind\" IN ('camp', 'garrison', 'border post')",
            {"name": "square", "color": "#5a5a5a", "size": "2.4", "outline_color": "#ffffff", "outline_width": "0.3"},
        ),
        (
            "town (population ≥ 20 000)",
            'coalesce("population", 0) >= 20000',
            {"name": "circle", "color": "#303030", "size": "3.0", "outline_color": "#ffffff", "outline_width": "0.4"},
        ),
        (
            "abandoned",
            "\"status\" = 'abandoned'",
            {
                "name": "circle",
                "color": "255,255,255,0",
                "size": "3.4",
                "outline_color": "#c0262d",
                "outline_width": "0.6",
            },
        ),
        (
            "partly returned",
            "\"status\" = 'partly returned'",
            {
                "name": "circle",
                "color": "255,255,255,0",
                "size": "3.4",
                "outline_color": "#e08a1e",
                "outline_width": "0.6",
            },
        ),
        (
            "village or town",
            "ELSE",
            {"name": "circle", "color": "#5a5a5a", "size": "2.0", "outline_color": "#ffffff", "outline_width": "0.3"},
        ),
    ):
        symbol = QgsMarkerSymbol.createSimple(props)
        if expression == "ELSE":
            # 1,700 plain villages: full size from 1:1,000,000 in, smaller at the scale of the whole border
            # (the legend keeps the full-size symbol)
            symbol.symbolLayer(0).setDataDefinedProperty(
                QgsSymbolLayer.Property.PropertySize,
                QgsProperty.fromExpression(f"if(@map_scale > 1000000, {VILLAGE_SIZE_SMALL_SCALES}, {props['size']})"),
            )
        rule = QgsRuleBasedRenderer.Rule(symbol, 0, 0, "" if expression == "ELSE" else expression, label)
        if expression == "ELSE":
            rule.setIsElse(True)
        root.appendChild(rule)
    layer.setRenderer(QgsRuleBasedRenderer(root))
    # 1,700 places: towns and the named places are labelled from 1:4,000,000, villages only from 1:300,000.
    text = '"name" || if("name_ar" IS NOT NULL, \'\\n\' || "name_ar", \'\')'
    town = (
        "coalesce(\"population\", 0) >= 20000 OR \"kind\" IN ('district seat', 'governorate seat', 'capital', 'city', "
        "'town', 'subdistrict', 'camp', 'garrison', 'border post')"
    )
    label_root = QgsRuleBasedLabeling.Rule(None)
    for expression, scale, size, priority, description in (
        (town, 4e6, 8, 6, "towns and named places"),
        ("ELSE", 3e5, 7, 4, "villages"),
    ):
        settings = QgsPalLayerSettings()
        settings.fieldName = text
        settings.isExpression = True
        settings.setFormat(text_format(size, "#202020"))
        settings.priority = priority
        rule = QgsRuleBasedLabeling.Rule(settings, 0, 0, "" if expression == "ELSE" else expression, description)
        if expression == "ELSE":
            rule.setIsElse(True)
        rule.setMaximumScale(0)
        rule.setMinimumScale(scale)
        label_root.appendChild(rule)
    layer.setLabeling(QgsRuleBasedLabeling(label_root))
    layer.setLabelsEnabled(True)


def style_districts(layer):
    layer.setRenderer(QgsSingleSymbolRenderer(fill("#ffffff", 0, "#8f8f8f", 0.2, style="no", outline_style="dot")))
    labels(
        layer,
        '"name" || if("name_ar" IS NOT NULL, \' \' || "name_ar", \'\')',
        # upright: an italic face of the Arabic name draws empty boxes where the fonts have no
        # italic Arabic (DejaVu, the only Arabic font of a plain Debian or Ubuntu desktop)
        text_format(7, "#6f6f6f", buffer=0.5),
        max_scale_denominator=1.5e6,
        priority=1,
    )


def style_control_areas(layer):
    layer.setRenderer(
        categorized(
            "force", [(f, c, f) for f, c in FORCE_COLOURS.items()], lambda c: fill(c, 90, c, 0.6), other="#999999"
        )
    )
    labels(layer, '"name"', text_format(8, "#202020", italic=True), max_scale_denominator=2e6, priority=3)


def style_posts(layer):
    def marker(colour):
        symbol = QgsMarkerSymbol.createSimple(
            {"name": "triangle", "color": colour, "size": "3.2", "outline_color": "#1a1a1a", "outline_width": "0.3"}
        )
        return symbol

    layer.setRenderer(categorized("force", [(f, c, f) for f, c in FORCE_COLOURS.items()], marker, other="#999999"))


def style_coverage(layer):
    def symbol(colour):
        sym = fill(colour, 45, colour, 0.4, outline_style="dash")
        hatch = QgsSimpleFillSymbolLayer.create(
            {"color": _rgba(colour, 150), "style": "b_diagonal", "outline_style": "no"}
        )
        sym.appendSymbolLayer(hatch)
        return sym

    layer.setRenderer(categorized("force", [(f, c, f) for f, c in FORCE_COLOURS.items()], symbol, other="#999999"))


EVENT_COLOURS = [
    ("Explosions/Remote violence", "#d7301f", "Explosions / remote violence"),
    ("Battles", "#7a0177", "Battles"),
    ("Violence against civilians", "#fd8d3c", "Violence against civilians"),
    ("Strategic developments", "#525252", "Strategic developments"),
]


def style_incidents(layer):
    """ACLED-style incidents: small dots coloured by event type."""

    def marker(colour):
        return QgsMarkerSymbol.createSimple(
            {
                "name": "circle",
                "color": _rgba(colour, 190),
                "size": "1.2",
                "outline_color": "#ffffff",
                "outline_width": "0.15",
            }
        )

    layer.setRenderer(categorized("event_type", EVENT_COLOURS, marker, other="#8c8c8c"))


def style_abandoned_villages(layer):
    symbol = QgsMarkerSymbol.createSimple(
        {"name": "square", "color": "0,0,0,0", "size": "3.0", "outline_color": "#3d3d3d", "outline_width": "0.6"}
    )
    cross = QgsMarkerSymbol.createSimple(
        {"name": "cross2", "color": "#3d3d3d", "size": "2.2", "outline_color": "#3d3d3d", "outline_width": "0.4"}
    )
    symbol.appendSymbolLayer(cross.symbolLayer(0).clone())
    layer.setRenderer(QgsSingleSymbolRenderer(symbol))
    labels(layer, '"name"', text_format(7, "#3d3d3d", italic=True), max_scale_denominator=1e6)


def style_hotspot_areas(layer):
    """Hot spots drawn over the gaps: a bold dashed magenta outline and a light hatch, so the gaps'
    colours stay readable underneath (exportmap draws EXTRA_LAYERS polygons under the gaps)."""
    symbol = fill("#ae017e", 0, "#ae017e", 0.9, outline_style="dash")
    hatch = QgsSimpleFillSymbolLayer.create({"color": _rgba("#ae017e", 120), "style": "dense6", "outline_style": "no"})
    symbol.appendSymbolLayer(hatch)
    layer.setRenderer(QgsSingleSymbolRenderer(symbol))
    labels(layer, "'Hot spot ' || \"hotspot_id\" || ': ' || \"incidents\"", text_format(7, "#7a0177", bold=True))


def style_gap_incidents(layer):
    """Gaps by incidents per 100 km² a year (five reds), labelled with their incidents."""
    from qgis.core import QgsGraduatedSymbolRenderer, QgsRendererRange

    classes = [
        (0, 1, "#fee5d9", "under 1"),
        (1, 5, "#fcae91", "1–5"),
        (5, 20, "#fb6a4a", "5–20"),
        (20, 50, "#de2d26", "20–50"),
        (50, 1e9, "#a50f15", "50 and more"),
    ]
    ranges = [
        QgsRendererRange(lo, hi, fill(c, 200, "#3d0008", 0.35), f"{text} incidents / 100 km² / year")
        for lo, hi, c, text in classes
    ]
    layer.setRenderer(QgsGraduatedSymbolRenderer("rate_per_100km2_year", ranges))
    labels(layer, "'Gap ' || \"gap_id\" || ': ' || \"incidents\"", text_format(7, "#3d0008", bold=True))


GAP_RESPONSE_TIP = (
    '<b>Gap [% "gap_id" %]</b>: [% CASE WHEN "a_minutes" IS NULL THEN \'outside the study area, no answer\' '
    "WHEN \"joint\" THEN 'joint' WHEN \"orphan\" THEN 'orphan' ELSE 'one force in time' END %]<br>"
    "Force A: [% coalesce(\"a_post\", '–') %], [% coalesce(format_number(\"a_minutes\", 1), '–') %] min<br>"
    "Force B: [% coalesce(\"b_post\", '–') %], [% coalesce(format_number(\"b_minutes\", 1), '–') %] min"
)


def style_gap_response(layer):
    """bordergaps:coordination GAP_RESPONSE: orphan gaps red and hatched, joint gaps green, gaps only
    one force reaches in time amber; labelled with both forces' minutes."""
    root = QgsRuleBasedRenderer.Rule(None)
    for label, expression, colour, hatch in (
        ("orphan: neither force within the maximum response time", '"orphan"', "#d7301f", True),
        ("joint: both forces within the maximum response time", '"joint"', "#2e9e44", False),
        ("one force within the maximum response time", "ELSE", "#f28e1c", False),
    ):
        symbol = fill(colour, 110, colour, 0.6)
        if hatch:
            symbol.appendSymbolLayer(
                QgsSimpleFillSymbolLayer.create(
                    {"color": _rgba("#7a0c00", 200), "style": "f_diagonal", "outline_style": "no"}
                )
            )
        rule = QgsRuleBasedRenderer.Rule(symbol, 0, 0, "" if expression == "ELSE" else expression, label)
        if expression == "ELSE":
            rule.setIsElse(True)
        root.appendChild(rule)
    layer.setRenderer(QgsRuleBasedRenderer(root))
    labels(
        layer,
        "'A ' || coalesce(format_number(\"a_minutes\", 0), '–') || ' · B ' || "
        "coalesce(format_number(\"b_minutes\", 0), '–') || ' min'",
        text_format(7.5, "#202020", bold=True),
        priority=8,
    )
    # the two answering posts, where an analyst points at a gap (map tips) or identifies it
    layer.setDisplayExpression(
        "'gap ' || \"gap_id\" || ': ' || coalesce(\"a_post\", '–') || ' | ' || coalesce(\"b_post\", '–')"
    )
    layer.setMapTipTemplate(GAP_RESPONSE_TIP)


def style_responsibility(layer):
    """bordergaps:coordination RESPONSIBILITY: each post's area in its force's colour, pale."""
    layer.setRenderer(
        categorized("force", [(f, c, f) for f, c in FORCE_COLOURS.items()], lambda c: fill(c, 40, c, 0.3), "#999999")
    )
    labels(layer, '"post"', text_format(7, "#404040", italic=True), max_scale_denominator=1.5e6, priority=2)


def style_handover(layer):
    """bordergaps:coordination HANDOVER: a dark magenta dashed line on a white halo."""
    symbol = QgsLineSymbol.createSimple({"line_color": "255,255,255,220", "line_width": "1.8", "line_width_unit": "MM"})
    top = QgsLineSymbol.createSimple(
        {
            "line_color": "#8e0152",
            "line_width": "0.9",
            "line_width_unit": "MM",
            "customdash": "4;1.2",
            "use_custom_dash": "1",
        }
    )
    symbol.appendSymbolLayer(top.symbolLayer(0).clone())
    layer.setRenderer(QgsSingleSymbolRenderer(symbol))


def style_links(layer):
    """bordergaps:coordination LINKS: a thin dotted line between the two posts, wider for more gaps."""
    symbol = QgsLineSymbol.createSimple(
        {
            "line_color": "#4a1486",
            "line_width": "0.5",
            "line_width_unit": "MM",
            "line_style": "dot",
            "capstyle": "round",
        }
    )
    layer.setRenderer(QgsSingleSymbolRenderer(symbol))
    labels(layer, "\"gaps\" || ' gap' || if(\"gaps\" > 1, 's', '')", text_format(6.5, "#4a1486"), priority=4)


# styles of algorithm outputs (no bundled layer): a memory layer with the output's fields is styled
OUTPUT_STYLERS = {
    "gap_response": (
        style_gap_response,
        "MultiPolygon",
        "gap_id:integer&field=a_post:string&field=a_minutes:double&field=b_post:string&field=b_minutes:double"
        "&field=joint:boolean&field=orphan:boolean",
    ),
    "responsibility": (style_responsibility, "MultiPolygon", "post:string&field=force:string"),
    "handover": (style_handover, "MultiLineString", "post_a:string&field=post_b:string"),
    "links": (style_links, "LineString", "post_a:string&field=post_b:string&field=gaps:integer"),
    "hotspot_areas": (style_hotspot_areas, "MultiPolygon", "hotspot_id:integer&field=incidents:integer"),
    "gap_incidents": (
        style_gap_incidents,
        "MultiPolygon",
        "gap_id:integer&field=incidents:integer&field=rate_per_100km2_year:double",
    ),
}


STYLERS = {
    "countries": style_countries,
    "governorates": style_governorates,
    "border": style_border,
    "border_bands": style_border_bands,
    "crossings": style_crossings,
    "settlements": style_settlements,
    "districts": style_districts,
    "control_areas": style_control_areas,
    "posts": style_posts,
    "coverage": style_coverage,
    "incidents": style_incidents,
    "abandoned_villages": style_abandoned_villages,
}


def main() -> int:
    app = QgsApplication([], False)
    app.initQgis()
    os.makedirs(catalogue.STYLES_DIR, exist_ok=True)

    wanted = set(sys.argv[1:])  # names to rebuild; none: all
    for name, (styler, geometry, fields) in OUTPUT_STYLERS.items():
        if wanted and name not in wanted:
            continue
        layer = QgsVectorLayer(f"{geometry}?crs=EPSG:4326&field={fields}", name, "memory")
        styler(layer)
        path = os.path.join(catalogue.STYLES_DIR, f"{name}.qml")
        message, ok = layer.saveNamedStyle(path)
        if not ok:
            sys.exit(f"build_styles: could not write {path}: {message}")
        print(f"  {os.path.relpath(path, catalogue.PLUGIN_DIR)}")
    for name, styler in STYLERS.items():
        if wanted and name not in wanted:
            continue
        item = catalogue.entry(name)
        layer = QgsVectorLayer(item.uri, item.title, "ogr")
        if not layer.isValid():
            sys.exit(f"build_styles: cannot open {item.uri}; run scripts/build_data.py first")
        styler(layer)
        message, ok = layer.saveNamedStyle(item.style_path)
        if not ok:
            sys.exit(f"build_styles: could not write {item.style_path}: {message}")
        print(f"  {os.path.relpath(item.style_path, catalogue.PLUGIN_DIR)}")
    app.exitQgis()
    return 0


if __name__ == "__main__":
    sys.exit(main())
