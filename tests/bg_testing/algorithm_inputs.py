"""Valid small inputs for any registered Border Gaps algorithm, built from its parameter
definitions: the bad-input, offline, PostGIS, cancel and concurrency tests start from these
and change one thing at a time.

Inputs are GeoPackage files (so a checksum proves they were not modified) around Sinjar:
two forces' districts with an unclaimed strip, posts, coverage, border line, settlements,
study area and a small DEM.
"""

import atexit
import os
import shutil
import tempfile

import numpy as np
from qgis.core import QgsProcessingContext, QgsProcessingFeedback, QgsProject, QgsVectorLayer

from . import robustness as rb

POLYGON, POINT, LINE, ANY = "polygon", "point", "line", "any"
LAYER_GEOMETRY = {
    "control_areas": POLYGON,
    "posts": POINT,
    "coverage": POLYGON,
    "border": LINE,
    "settlements": POINT,
    "study_area": POLYGON,
    "gaps": POLYGON,
    "countries": POLYGON,
    "origins": POINT,
    "destinations": POINT,
    "roads": LINE,
    "incidents": POINT,
}
FORCE_VALUES = {"FORCE_A": "Peshmerga", "FORCE_B": "ISF"}
# Field parameters: a word in the parameter name → field of our layers
FIELD_WORDS = (
    ("FORCE", "force"),
    ("RANGE", "range_m"),
    ("NAME", "name"),
    ("STATUS", "status"),
    ("KIND", "kind"),
    ("PRIORITY", "priority"),
    ("AREA", "area_km2"),
    ("COUNTRY", "name"),
    ("ORIGIN", "name"),
    ("DESTINATION", "name"),
    ("SIDE", "iso_a2"),
)


# DESIGN.md "Gap layer fields", for a gap layer made without bordergaps:gapzones
GAP_FIELDS = [
    ("gap_id", "integer"),
    ("area_km2", "double"),
    ("area_m2", "double"),
    ("perimeter_km", "double"),
    ("width_km", "double"),
    ("force_a_adj", "string"),
    ("force_b_adj", "string"),
    ("border_km", "double"),
    ("settlements", "integer"),
    ("abandoned", "integer"),
    ("post_km", "double"),
    ("priority", "double"),
]
GAP_ROWS = [
    (rb.box(0, 2, 2, 10), [1, 16.0, 16.0e6, 20.0, 2.0, "Sinjar east", "Tal Afar west", 0.2, 1, 0, 1.5, 70.0]),
    (rb.box(0, -10, 2, -3), [2, 14.0, 14.0e6, 18.0, 2.0, "Sinjar east", "Tal Afar west", 0.1, 1, 1, 2.0, 55.0]),
]


def _int(value):
    return int(getattr(value, "value", value))


def data_types(param):
    """The wanted geometry (POLYGON/POINT/LINE/ANY) of a layer parameter."""
    from qgis.core import QgsProcessing

    if param.type() == "multilayer":
        types = [_int(param.layerType())]
    else:
        types = [_int(t) for t in param.dataTypes()] if hasattr(param, "dataTypes") else []
    mapping = {
        _int(QgsProcessing.TypeVectorPolygon): POLYGON,
        _int(QgsProcessing.TypeVectorPoint): POINT,
        _int(QgsProcessing.TypeVectorLine): LINE,
    }
    kinds = {mapping[t] for t in types if t in mapping}
    if len(kinds) == 1:
        return kinds.pop()
    return ANY


def layer_for(param):
    """Name of our layer that fits a layer parameter, by its name, then by geometry type."""
    name = param.name().upper()
    for word, layer in (
        ("INCIDENT", "incidents"),
        ("ORIGIN", "origins"),
        ("DESTINATION", "destinations"),
        ("COUNTR", "countries"),
        ("ROAD", "roads"),
        ("TRACK", "roads"),
        ("CONTROL", "control_areas"),
        ("DISTRICT", "control_areas"),
        ("POST", "posts"),
        ("COVERAGE", "coverage"),
        ("BORDER", "border"),
        ("SETTLEMENT", "settlements"),
        ("VILLAGE", "settlements"),
        ("STUDY", "study_area"),
        ("GAP", "gaps"),
        ("SITE", "posts"),
        ("CANDIDATE", "posts"),
    ):
        if word in name:
            return layer
    return {POLYGON: "control_areas", POINT: "posts", LINE: "border", ANY: "control_areas"}[data_types(param)]


def make_dem(path, lon0=rb.LON0, lat0=rb.LAT0, size=240, pixel_deg=0.0015):
    """A small hilly DEM (GeoTIFF, EPSG:4326) covering the scenario."""
    import rasterio
    from rasterio.transform import from_origin

    yy, xx = np.mgrid[0:size, 0:size]
    height = 400 + 60 * np.sin(xx / 9.0) + 40 * np.cos(yy / 7.0)
    transform = from_origin(lon0 - size * pixel_deg / 2, lat0 + size * pixel_deg / 2, pixel_deg, pixel_deg)
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        width=size,
        height=size,
        count=1,
        dtype="float32",
        crs="EPSG:4326",
        transform=transform,
        nodata=-9999,
    ) as dst:
        dst.write(height.astype("float32"), 1)
    return str(path)


_TEMPLATE = {}


class Scenario:
    """The small input files of one test, and valid parameters for any algorithm.

    The default files are written once per session and copied into each test's folder
    (writing ten GeoPackage layers takes seconds, copying them milliseconds).
    """

    def __init__(self, folder, layers=None, crs="EPSG:4326"):
        self.folder = str(folder)
        self._outputs = 0
        if layers is None and crs == "EPSG:4326":
            if "default" not in _TEMPLATE:
                _TEMPLATE["default"] = Scenario(tempfile.mkdtemp(prefix="bg-scenario-"), {}, crs)
                atexit.register(shutil.rmtree, _TEMPLATE["default"].folder, True)
            template = _TEMPLATE["default"]
            shutil.copytree(template.folder, self.folder, dirs_exist_ok=True)
            self.gpkg = os.path.join(self.folder, "inputs.gpkg")
            self.dem = os.path.join(self.folder, "dem.tif")
            self.sources = {
                k: v.replace(template.folder, self.folder) for k, v in template.sources.items() if k != "gaps"
            }
            return
        os.makedirs(self.folder, exist_ok=True)
        self.gpkg = os.path.join(self.folder, "inputs.gpkg")
        made = (
            layers
            if layers
            else {
                "control_areas": rb.control_layer(crs=crs),
                "posts": rb.posts_layer(crs=crs),
                "coverage": rb.coverage_layer(crs=crs),
                "border": rb.border_layer(crs=crs),
                "settlements": rb.settlements_layer(crs=crs),
                "study_area": rb.study_area_layer(crs=crs),
                "countries": rb.countries_layer(crs=crs),
                "origins": rb.origins_layer(crs=crs),
                "destinations": rb.destinations_layer(crs=crs),
                "roads": rb.roads_layer(crs=crs),
                "incidents": rb.incidents_layer(crs=crs),
            }
        )
        self.sources = rb.save_gpkg(made, self.gpkg)
        self.dem = make_dem(os.path.join(self.folder, "dem.tif"))

    # -- files whose checksums must not change ---------------------------------
    def input_files(self):
        return [self.gpkg, self.dem] + [p for p in self.extra_files()]

    def extra_files(self):
        return [os.path.join(self.folder, f) for f in os.listdir(self.folder) if f.startswith("extra_")]

    def checksums(self):
        return rb.checksums(self.input_files())

    # -- layers -------------------------------------------------------------------
    def source(self, name):
        if name == "gaps" and name not in self.sources:
            self.sources["gaps"] = self._make_gaps()
        return self.sources[name]

    def layer(self, name):
        return QgsVectorLayer(self.source(name), name, "ogr")

    def fields_of(self, name):
        return self.layer(name).fields()

    def _make_gaps(self):
        """A gap layer as bordergaps:gapzones makes it, or a plain strip when it is not registered."""
        from qgis.core import QgsApplication

        path = os.path.join(self.folder, "extra_gaps.gpkg")
        alg = QgsApplication.processingRegistry().algorithmById("bordergaps:gapzones")
        if alg is not None:
            params = self.parameters(alg, include_optional=False)
            params["OUTPUT"] = path
            from qgis import processing

            processing.run("bordergaps:gapzones", params, context=new_context(), feedback=QgsProcessingFeedback())
            return path
        rb.save_gpkg({"gaps": rb.memory_layer("Polygon", GAP_FIELDS, GAP_ROWS, "gaps")}, path)
        return f"{path}|layername=gaps"

    # -- parameters ----------------------------------------------------------------
    def output_path(self, alg_name, param):
        self._outputs += 1
        stem = os.path.join(self.folder, "out", f"{alg_name}_{param.name().lower()}_{self._outputs}")
        os.makedirs(os.path.dirname(stem), exist_ok=True)
        kind = param.type()
        if kind in ("sink", "vectorDestination"):
            return stem + ".gpkg"
        if kind == "rasterDestination":
            return stem + ".tif"
        if kind == "folderDestination":
            os.makedirs(stem, exist_ok=True)
            return stem
        ext = param.defaultFileExtension() if hasattr(param, "defaultFileExtension") else "txt"
        return f"{stem}.{ext or 'txt'}"

    def parameters(self, alg, include_optional=True, layer_source=None):
        """Valid parameters for ``alg``. ``layer_source(name)`` may give other layer strings
        (e.g. PostGIS uris) than the GeoPackage ones."""
        from qgis.core import QgsProcessingParameterDefinition

        get_source = layer_source or self.source
        params = {}
        layer_of = {}
        for param in alg.parameterDefinitions():
            optional = bool(param.flags() & QgsProcessingParameterDefinition.FlagOptional)
            kind = param.type()
            value = None
            if kind in ("source", "vector", "layer"):
                name = layer_for(param)
                if optional and not include_optional:
                    continue
                layer_of[param.name()] = name
                value = get_source(name)
            elif kind == "multilayer":
                if optional and not include_optional:
                    continue
                if _int(param.layerType()) == 4:  # files (gazetteers): only tests that write them give some
                    continue
                if _int(param.layerType()) == 3:  # rasters
                    value = [self.dem]
                else:
                    name = layer_for(param)
                    layer_of[param.name()] = name
                    value = [get_source(name)]
            elif kind == "raster":
                if optional and not include_optional:
                    continue
                value = self.dem
            elif kind == "field":
                parent = layer_of.get(param.parentLayerParameterName())
                value = self._field_for(param, parent)
                if value is None and optional:
                    continue
            elif kind == "string":
                value = FORCE_VALUES.get(param.name(), param.defaultValue())
            elif kind in ("number", "distance", "scale", "duration"):
                value = param.defaultValue()
                if param.name().upper() in ("DPI", "RESOLUTION"):
                    value = max(param.minimum(), 30)  # a map at the lowest useful resolution: fast tests
                if value is None:
                    value = max(1000.0, param.minimum()) if hasattr(param, "minimum") else 1000.0
            elif kind in ("enum", "boolean", "crs", "extent", "point", "expression", "color", "band", "file"):
                value = param.defaultValue()
            elif param.isDestination():
                value = self.output_path(alg.name().split(":")[-1], param)
            else:
                value = param.defaultValue()
            if value is None:
                if optional:
                    continue
                raise AssertionError(
                    f"No test value for required parameter {param.name()} ({kind}) of "
                    f"{alg.id()}: teach bg_testing/algorithm_inputs.py this type."
                )
            params[param.name()] = value
        return params

    def _field_for(self, param, parent):
        if parent is None:
            return None
        names = self.fields_of(parent).names()
        for word, field_name in FIELD_WORDS:
            if word in param.name().upper() and field_name in names:
                return field_name
        if param.flags() & 0x1 == 0:  # required: any field will do
            usable = [n for n in names if n != "fid"]
            return usable[0] if usable else None
        return None


def new_context(project=None):
    context = QgsProcessingContext()
    context.setProject(project or QgsProject.instance())
    return context


def registered_algorithms():
    """(id, class) of every algorithm the provider module lists, without needing the registry."""
    from border_gaps.processing.provider import algorithm_classes

    return [(f"bordergaps:{cls.ID}", cls) for cls in algorithm_classes()]


def output_layer_params(alg):
    return [p.name() for p in alg.destinationParameterDefinitions() if p.type() in ("sink", "vectorDestination")]


def run(alg_id, params, feedback=None, context=None):
    from qgis import processing

    return processing.run(
        alg_id, params, context=context or new_context(), feedback=feedback or QgsProcessingFeedback()
    )
