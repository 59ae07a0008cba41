"""The bundled border-region and demo layers: names, titles, styles, drawing order, fields,
and their sources' attribution, with functions that open one as a styled QgsVectorLayer."""

import os
import threading
from dataclasses import dataclass
from typing import Dict, List, Tuple

from qgis.core import QgsLayerMetadata, QgsVectorLayer

PLUGIN_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA_DIR = os.path.join(PLUGIN_DIR, "resources", "data")
STYLES_DIR = os.path.join(PLUGIN_DIR, "resources", "styles")
BORDER_REGION_GPKG = os.path.join(DATA_DIR, "border_region.gpkg")
DEMO_SCENARIO_GPKG = os.path.join(DATA_DIR, "demo_scenario.gpkg")
SOURCES_MD = os.path.join(DATA_DIR, "SOURCES.md")

GROUP_NAME = "Border region"
LAYER_PROPERTY = "border_gaps/catalogue_name"  # custom property marking a layer added from here
#: Custom property marking the output of bordergaps:importsettlements: the dock offers it as a source.
IMPORTED_PROPERTY = "border_gaps/imported_settlements"

#: Held while this plugin opens an OGR layer. QGIS 3.22's OGR provider can deadlock, or crash,
#: when two threads create providers on layers of one GeoPackage at once (QGIS PRs #58337 and
#: #66471); our algorithms open their inputs under this lock in the thread that starts the run.
OPEN_LOCK = threading.RLock()

# The village bands named in the source article (km from the border line).
IRAQ_BAND = (10.0, 25.0)
SYRIA_BAND = (2.0, 10.0)

DEMO_SOURCE = "Border Gaps synthetic demo"
WOF = "Who's On First"
# The licence text Who's On First asks users to link back to (its LICENSE.md, as whosonfirst-sources gives it).
WOF_LICENSE_URL = "https://github.com/whosonfirst-data/whosonfirst-data/blob/master/LICENSE.md"

# Each source's attribution exactly as resources/data/SOURCES.md gives it, and its licence.
ATTRIBUTION = {
    "Natural Earth": "Made with Natural Earth",
    "GeoNames": "GeoNames, www.geonames.org",
    "Wikipedia": "Wikipedia contributors",
    WOF: f"Data from Who's On First. License: {WOF_LICENSE_URL}",
    "Quattroshapes": "Includes data from foursquare quattroshapes (github.com/foursquare/quattroshapes)",
    "Mesoshapes": "District shapes: Mesoshapes (Mapzen); Iraq from ESOC (Empirical Studies of Conflict)",
    "OpenStreetMap": "© OpenStreetMap contributors",
    "NGA GNS": "Toponymic information is based on the Geographic Names Database, containing official standard names "
    "approved by the United States Board on Geographic Names and maintained by the National Geospatial-Intelligence "
    "Agency",
    DEMO_SOURCE: "Synthetic demo data made by Border Gaps: not real positions",
}
LICENCE = {
    "Natural Earth": "Public domain",
    "GeoNames": "CC BY 4.0",
    "Wikipedia": "CC BY-SA 4.0",
    WOF: "CC0, and its sources' licences",
    "Quattroshapes": "CC BY 2.0",
    "Mesoshapes": "CC BY (Syria: CC0)",
    "OpenStreetMap": "ODbL 1.0",
    "NGA GNS": "US Government work, no copyright in the US; the credit line above is requested",
    DEMO_SOURCE: "GPL-2.0-or-later (part of Border Gaps)",
}

# Fields of each layer (fiona types, as scripts/build_data.py writes them).
FIELDS: Dict[str, List[Tuple[str, str]]] = {
    "border": [
        ("name", "str"),
        ("name_ar", "str"),
        ("length_km", "float"),
        ("source", "str"),
        ("source_id", "str"),
        ("note", "str"),
    ],
    "countries": [("name", "str"), ("iso_a2", "str"), ("iso_a3", "str"), ("source", "str"), ("source_id", "str")],
    "governorates": [("name", "str"), ("country", "str"), ("name_alt", "str"), ("source", "str"), ("source_id", "str")],
    "crossings": [
        ("name", "str"),
        ("name_ar", "str"),
        ("side", "str"),
        ("pair", "str"),
        ("kind", "str"),
        ("status", "str"),
        ("status_date", "str"),
        ("status_note", "str"),
        ("precision", "str"),
        ("border_km", "float"),
        ("source", "str"),
        ("source_id", "str"),
        ("note", "str"),
    ],
    "settlements": [
        ("name", "str"),
        ("name_ar", "str"),
        ("alt_names", "str"),
        ("side", "str"),
        ("governorate", "str"),
        ("district", "str"),
        ("population", "int"),
        ("border_km", "float"),
        ("status", "str"),
        ("precision", "str"),
        ("kind", "str"),
        ("source", "str"),
        ("source_id", "str"),
        ("other_sources", "str"),
        ("note", "str"),
    ],
    "districts": [
        ("name", "str"),
        ("name_ar", "str"),
        ("side", "str"),
        ("governorate", "str"),
        ("area_km2", "float"),
        ("max_shift_m", "float"),
        ("source", "str"),
        ("source_id", "str"),
        ("note", "str"),
    ],
    "border_bands": [
        ("side", "str"),
        ("band", "str"),
        ("min_km", "float"),
        ("max_km", "float"),
        ("area_km2", "float"),
        ("source", "str"),
        ("source_id", "str"),
    ],
    "control_areas": [("name", "str"), ("force", "str"), ("synthetic", "int"), ("source", "str")],
    "posts": [
        ("name", "str"),
        ("kind", "str"),
        ("range_m", "float"),
        ("force", "str"),
        ("synthetic", "int"),
        ("source", "str"),
        ("active_from", "str"),
        ("active_to", "str"),
        ("sensor", "str"),
    ],
    "coverage": [
        ("name", "str"),
        ("kind", "str"),
        ("force", "str"),
        ("synthetic", "int"),
        ("source", "str"),
        ("active_from", "str"),
        ("active_to", "str"),
        ("sensor", "str"),
    ],
    "abandoned_villages": [("name", "str"), ("status", "str"), ("synthetic", "int"), ("source", "str")],
    "incidents": [
        ("event_id_cnty", "str"),
        ("event_date", "date"),
        ("year", "int"),
        ("event_type", "str"),
        ("sub_event_type", "str"),
        ("fatalities", "int"),
        ("latitude", "float"),
        ("longitude", "float"),
        ("geo_precision", "int"),
        ("notes", "str"),
        ("synthetic", "int"),
        ("source", "str"),
    ],
}

FORCES = ("Peshmerga", "ISF", "PMF", "YBS")


@dataclass(frozen=True)
class CatalogueEntry:
    """One layer: ``order`` is its place from the top of its group (0 = drawn on top)."""

    name: str
    title: str
    style: str
    order: int
    gpkg: str
    sources: Tuple[str, ...]
    abstract: str

    @property
    def style_path(self) -> str:
        return os.path.join(STYLES_DIR, self.style)

    @property
    def uri(self) -> str:
        # IMMUTABLE: opened read-only, so that QGIS never rewrites the bundled file (by default
        # it switches a GeoPackage to WAL journaling on open, which changes the file's bytes).
        return f"{self.gpkg}|layername={self.name}|option:IMMUTABLE=YES"


_NE = "Natural Earth 1:10m (admin-0/admin-1 v4.1.0) as QGIS ships it in resources/data/world_map.gpkg."
BUNDLED: Tuple[CatalogueEntry, ...] = (
    CatalogueEntry(
        "crossings",
        "Border crossings",
        "crossings.qml",
        0,
        BORDER_REGION_GPKG,
        ("Wikipedia", "GeoNames", "Natural Earth"),
        "Official and informal Iraq–Syria border crossings, paired across the line (field pair), with dated "
        "status. Coordinates from the Wikipedia pages and GeoNames records cited in source/source_id; "
        "precision=approximate marks a placed point (see note and SOURCES.md). border_km is geodesic.",
    ),
    CatalogueEntry(
        "settlements",
        "Settlements",
        "settlements.qml",
        1,
        BORDER_REGION_GPKG,
        (WOF, "GeoNames", "Quattroshapes", "Wikipedia", "Natural Earth"),
        "Every Who's On First locality of Iraq and Syria within 50 km of the border (positions from GeoNames), "
        "merged with the GeoNames cities500 records (population, alternate names), plus the places named in the "
        "mission's source article. border_km: geodesic distance to the border line; governorate: the Natural "
        "Earth admin-1 polygon holding the point; district: the bundled WOF admin-2 district. status is unknown "
        "unless a dated source says more; other_sources lists the records merged into each place.",
    ),
    CatalogueEntry(
        "border",
        "Iraq–Syria border",
        "border.qml",
        2,
        BORDER_REGION_GPKG,
        ("Natural Earth",),
        "The Iraq–Syria border: the shared edge of the Natural Earth Iraq and Syria polygons, from the "
        "Iraq–Syria–Turkey tripoint to the Iraq–Syria–Jordan tripoint, densified along geodesics. "
        "length_km is geodesic (WGS 84 ellipsoid). " + _NE,
    ),
    CatalogueEntry(
        "border_bands",
        "Border village bands",
        "border_bands.qml",
        3,
        BORDER_REGION_GPKG,
        ("Natural Earth",),
        "The Iraqi 10–25 km and Syrian 2–10 km village bands from the border line, clipped to each country; "
        "computed by Border Gaps (analysis/bands.py) from the Natural Earth border.",
    ),
    CatalogueEntry(
        "districts",
        "Districts",
        "districts.qml",
        4,
        BORDER_REGION_GPKG,
        (WOF, "Mesoshapes"),
        "The admin-2 districts of Iraq (qada) and Syria (mantiqah) from Who's On First, geometry from Mesoshapes, "
        "simplified in each district's UTM zone to within 100 m of the WOF shape (max_shift_m: the Hausdorff "
        "distance of each); Arabic names from Mesoshapes (Iraq) and WOF (Syria).",
    ),
    CatalogueEntry(
        "governorates",
        "Governorates",
        "governorates.qml",
        5,
        BORDER_REGION_GPKG,
        ("Natural Earth",),
        "Governorates (admin-1) of Iraq and Syria. " + _NE,
    ),
    CatalogueEntry(
        "countries",
        "Countries",
        "countries.qml",
        6,
        BORDER_REGION_GPKG,
        ("Natural Earth",),
        "Iraq, Syria and their neighbours (admin-0). " + _NE,
    ),
)

_SYNTHETIC = (
    "SYNTHETIC demo data: invented for the Border Gaps demo around Sinjar, Rabia, Zumar and Tal Afar; "
    "it shows no real force positions. Every feature has synthetic = 1. "
)
DEMO: Tuple[CatalogueEntry, ...] = (
    CatalogueEntry(
        "posts",
        "Posts (synthetic demo)",
        "posts.qml",
        0,
        DEMO_SCENARIO_GPKG,
        (DEMO_SOURCE,),
        _SYNTHETIC + "Posts with their range (range_m) and force, and invented shift windows (active_from, "
        "active_to; empty = always manned) and sensor kinds (sensor: day, night, any).",
    ),
    CatalogueEntry(
        "coverage",
        "Coverage (synthetic demo)",
        "coverage.qml",
        1,
        DEMO_SCENARIO_GPKG,
        (DEMO_SOURCE,),
        _SYNTHETIC + "Areas watched by patrols, cameras and drones (kind, force), with invented shift windows "
        "(active_from, active_to) and sensor kinds (sensor: day, night, any).",
    ),
    CatalogueEntry(
        "control_areas",
        "Control areas (synthetic demo)",
        "control_areas.qml",
        2,
        DEMO_SCENARIO_GPKG,
        (DEMO_SOURCE, WOF, "Mesoshapes", "Natural Earth"),
        _SYNTHETIC + "Real district shapes (the bundled Who's On First districts) with an invented force for each: "
        "Peshmerga, ISF, PMF and YBS, with an unclaimed belt 1–6 km wide cut between the Peshmerga and ISF "
        "lines; clipped to the Natural Earth Iraq polygon.",
    ),
    CatalogueEntry(
        "incidents",
        "Incidents (synthetic demo)",
        "incidents.qml",
        3,
        DEMO_SCENARIO_GPKG,
        (DEMO_SOURCE,),
        _SYNTHETIC + "Invented incidents 2023–2025 in the columns of an ACLED export (event_date, event_type, "
        "sub_event_type, fatalities, latitude, longitude, geo_precision), drawn from known intensities that are "
        "higher in the gaps and near the abandoned villages (scripts/demo_incidents.py); not real events.",
    ),
    CatalogueEntry(
        "abandoned_villages",
        "Abandoned villages (synthetic demo)",
        "abandoned_villages.qml",
        4,
        DEMO_SCENARIO_GPKG,
        (DEMO_SOURCE,),
        _SYNTHETIC + "Four invented abandoned hamlets (status = abandoned), two in the gaps; not real places.",
    ),
)

CATALOGUE: Dict[str, CatalogueEntry] = {entry.name: entry for entry in BUNDLED + DEMO}


def entry(name: str) -> CatalogueEntry:
    try:
        return CATALOGUE[name]
    except KeyError:
        raise KeyError(f"No bundled layer named '{name}'; known: {', '.join(sorted(CATALOGUE))}") from None


def layer_metadata(item: CatalogueEntry) -> QgsLayerMetadata:
    """Title, abstract, rights (the attribution each source requires) and licences."""
    meta = QgsLayerMetadata()
    meta.setIdentifier(f"border_gaps:{item.name}")
    meta.setTitle(item.title)
    meta.setAbstract(item.abstract)
    meta.setRights([ATTRIBUTION[src] for src in item.sources])
    meta.setLicenses([f"{src}: {LICENCE[src]}" for src in item.sources])
    meta.setKeywords({"Border Gaps": ["Iraq", "Syria", "border"]})
    return meta


def _open(item: CatalogueEntry) -> QgsVectorLayer:
    """The bundled files are read, never written: the layer is read-only (no editing, so QGIS never
    opens the GeoPackage for update to save edits into the plugin's folder), and where QGIS offers it
    (3.28+) the provider itself opens the file read-only. Never give a bundled layer a subset string:
    QGIS 3.22's OGR provider reopens the GeoPackage for update to apply one and switches its journal
    to WAL and back, which rewrites the file's header (filter with a QgsFeatureRequest instead)."""
    options = QgsVectorLayer.LayerOptions()
    if hasattr(options, "forceReadOnly"):
        options.forceReadOnly = True
    with OPEN_LOCK:
        layer = QgsVectorLayer(item.uri, item.title, "ogr", options)
    layer.setReadOnly(True)
    if not layer.isValid():
        raise RuntimeError(
            f"The bundled layer '{item.name}' could not be opened from {item.gpkg}; "
            "reinstall the plugin or run `make data`."
        )
    if os.path.isfile(item.style_path):
        message, ok = layer.loadNamedStyle(item.style_path)
        if not ok:
            raise RuntimeError(f"The style {item.style_path} of layer '{item.name}' could not be loaded: {message}")
    meta = layer_metadata(item)
    meta.setCrs(layer.crs())
    layer.setMetadata(meta)
    layer.setCustomProperty(LAYER_PROPERTY, item.name)
    return layer


def bundled_layer(name: str) -> QgsVectorLayer:
    """A styled layer of border_region.gpkg with its metadata; not added to any project."""
    item = entry(name)
    if item.gpkg != BORDER_REGION_GPKG:
        raise KeyError(f"'{name}' is a demo layer: use demo_layer('{name}')")
    return _open(item)


def demo_layer(name: str) -> QgsVectorLayer:
    """A styled layer of the synthetic demo_scenario.gpkg with its metadata; not added to any project."""
    item = entry(name)
    if item.gpkg != DEMO_SCENARIO_GPKG:
        raise KeyError(f"'{name}' is a bundled border-region layer: use bundled_layer('{name}')")
    return _open(item)
