"""What every Border Gaps algorithm shares: groups, help, icon, the safety checks on
inputs and outputs, and turning our errors into ``QgsProcessingException`` with a
sentence the analyst can act on."""

import os
import re
from typing import List, Optional, Tuple

from qgis.core import (
    QgsDataSourceUri,
    QgsFields,
    QgsMapLayer,
    QgsProcessing,
    QgsProcessingAlgorithm,
    QgsProcessingException,
    QgsProcessingFeatureSourceDefinition,
    QgsProcessingOutputLayerDefinition,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterDistance,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterMultipleLayers,
    QgsProcessingParameterVectorLayer,
    QgsProviderRegistry,
    QgsUnitTypes,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QCoreApplication, QUrl
from qgis.PyQt.QtGui import QIcon

from ..analysis.compat import new_field
from ..analysis.errors import BorderGapsError
from ..analysis.geometry import MAX_DISTANCE_M
from ..layers import catalogue
from .constants import GROUPS, ICON

GEOMETRY_NAMES = {
    QgsWkbTypes.GeometryType.PointGeometry: "point",
    QgsWkbTypes.GeometryType.LineGeometry: "line",
    QgsWkbTypes.GeometryType.PolygonGeometry: "polygon",
    QgsWkbTypes.GeometryType.NullGeometry: "no",
    QgsWkbTypes.GeometryType.UnknownGeometry: "unknown",
}

# Processing's data types of a vector parameter -> the one geometry type they demand.
_DEMANDED = {
    QgsProcessing.SourceType.TypeVectorPoint: QgsWkbTypes.GeometryType.PointGeometry,
    QgsProcessing.SourceType.TypeVectorLine: QgsWkbTypes.GeometryType.LineGeometry,
    QgsProcessing.SourceType.TypeVectorPolygon: QgsWkbTypes.GeometryType.PolygonGeometry,
}

_LAYER_PARAMETER_TYPES = {"source", "vector", "raster", "multilayer", "layer", "mesh"}

# The parameterAs… calls that load the layer(s) of an input parameter, by parameter type: all of
# them are made once in prepareAlgorithm (see BorderGapsAlgorithm.prepareAlgorithm).
_LOADERS = {
    "source": ("parameterAsSource", "parameterAsVectorLayer", "parameterAsLayer"),
    "vector": ("parameterAsVectorLayer", "parameterAsSource", "parameterAsLayer"),
    "raster": ("parameterAsRasterLayer", "parameterAsLayer"),
    "multilayer": ("parameterAsLayerList",),
    "layer": ("parameterAsLayer",),
}


def with_help(param, text: str, advanced: bool = False):
    """``param`` with its help text (and the Advanced flag): every parameter has one."""
    param.setHelp(text)
    if advanced:
        param.setFlags(param.flags() | QgsProcessingParameterDefinition.Flag.FlagAdvanced)
    return param


def fields_of(*spec) -> QgsFields:
    """QgsFields from (name, QVariant type) pairs: the output schema of an algorithm (typed for
    the running QGIS: analysis.compat.new_field)."""
    fields = QgsFields()
    for name, kind in spec:
        fields.append(new_field(name, kind))
    return fields


#: Upper bound of observer and target heights (m): a tethered aerostat or a high drone, no more.
MAX_HEIGHT_M = 20_000.0


def distance_parameter(name, label, default, minimum=None, maximum=MAX_DISTANCE_M, optional=False):
    """A metric distance: metres whatever the CRS of the layers. Not linked to a layer on purpose:
    QGIS's dialog labels (and converts) a distance linked to a layer in that layer's units, degrees for
    EPSG:4326, while our algorithms always read metres; with only a default unit the dialog shows
    metres and converts kilometres, feet or miles typed by the analyst to metres."""
    param = QgsProcessingParameterDistance(name, label, default, optional=optional, maxValue=maximum)
    if minimum is not None:  # None: the algorithm checks the lower end with a sentence of its own
        param.setMinimum(minimum)
    param.setDefaultUnit(QgsUnitTypes.DistanceUnit.DistanceMeters)
    return param


# "ogr:dbname='x.gpkg' table=..." (a Processing sink), "ogr:///path" (a provider-prefixed layer
# string), but not "C:/path" (a drive letter is one character)
_PREFIXED = re.compile(r"^([A-Za-z_][A-Za-z0-9_]{2,}):(?://)?(.*)$", re.DOTALL)
_FILE_PROVIDERS = {"ogr", "gdal", "spatialite", "delimitedtext", "file"}


def file_target(value, cwd: Optional[str] = None) -> Optional[Tuple[str, Optional[str]]]:
    """(real path, layer name or None) of the file a layer source or output string names, or None when
    it names no file (memory layer, temporary output, database).

    Resolved as QGIS and GDAL open it: a relative path against the working folder of the process
    (``cwd``), ``~`` expanded, symbolic links followed; the forms ``path|layername=x``,
    ``ogr:dbname='path' table="x" (geom)``, ``ogr:///path``, ``spatialite:dbname=…`` and ``file://`` URLs
    are understood. Case is folded where the file system ignores it (Windows).
    """
    text = str(value or "").strip()
    if not text or text == "TEMPORARY_OUTPUT" or text.startswith("memory:"):
        return None
    provider = "ogr"
    match = _PREFIXED.match(text)
    if match:
        provider, text = match.group(1).lower(), match.group(2)
        if provider not in _FILE_PROVIDERS:
            return None  # postgres, mssql, wfs…: not a file
        if provider == "file":
            text = QUrl("file://" + text).toLocalFile()
            provider = "ogr"
    if "dbname=" in text:
        uri = QgsDataSourceUri(text)
        path, layer = uri.database(), uri.table() or None
    else:
        parts = QgsProviderRegistry.instance().decodeUri(provider if provider != "file" else "ogr", text) or {}
        path = parts.get("path") or text.split("|")[0]
        layer = parts.get("layerName") or None
        if not isinstance(layer, str):
            layer = None
    if isinstance(path, str) and path.startswith("file:"):
        path = QUrl(path).toLocalFile()
    if not isinstance(path, str) or not path or path.startswith("/vsi"):
        return None
    path = os.path.expanduser(path)
    real = os.path.realpath(os.path.join(cwd or os.getcwd(), path))
    return os.path.normcase(real), layer


def _same_file(a: str, b: str) -> bool:
    if a == b:
        return True
    try:  # hard links, bind mounts, a case-insensitive volume
        return os.path.samefile(a, b)
    except OSError:
        return False


def _first_layer_name(path: str) -> Optional[str]:
    """The layer GDAL opens from a multi-layer file given without a layer name (its first)."""
    try:
        from osgeo import ogr

        dataset = ogr.Open(path)
        if dataset is not None and dataset.GetLayerCount():
            return dataset.GetLayer(0).GetName()
    except Exception:  # noqa: BLE001 (any GDAL failure: we then cannot tell, and say so)
        return None
    return None


class BorderGapsAlgorithm(QgsProcessingAlgorithm):
    """Base class: subclasses set ``ID``, ``DISPLAY_NAME``, ``GROUP_ID`` and ``HELP`` and
    implement ``initAlgorithm`` and ``execute(parameters, context, feedback)``.

    ``execute`` may raise :class:`BorderGapsError`; it reaches the user as a
    ``QgsProcessingException`` with the same sentence. Before anything runs, every
    algorithm refuses an output file that is one of its input files (QGIS would replace
    the whole file and destroy the input) and a layer of the wrong geometry type.
    """

    ID = ""
    DISPLAY_NAME = ""
    GROUP_ID = ""
    HELP = ""
    #: Bundled border-region layers (catalogue names) the algorithm may fall back on.
    BUNDLED = ()

    @staticmethod
    def tr(text):
        return QCoreApplication.translate("BorderGaps", text)

    def name(self):
        return self.ID

    def displayName(self):  # noqa: N802 (QGIS API name)
        return self.tr(self.DISPLAY_NAME)

    def group(self):
        return self.tr(GROUPS[self.GROUP_ID])

    def groupId(self):  # noqa: N802 (QGIS API name)
        return self.GROUP_ID

    def shortHelpString(self):  # noqa: N802 (QGIS API name)
        return self.tr(self.HELP)

    def icon(self):
        return QIcon(ICON)

    def createInstance(self):  # noqa: N802 (QGIS API name)
        return type(self)()

    def add_parameter(self, param, help_text: str, advanced: bool = False):
        """Add ``param`` with its (translated) help text."""
        self.addParameter(with_help(param, self.tr(help_text), advanced))
        return param

    # -- checks shared by every algorithm --------------------------------------
    def checkParameterValues(self, parameters, context):  # noqa: N802 (QGIS API name)
        problem = (
            self.output_overwrites_input(parameters, context)
            or self.out_of_range(parameters, context)
            or self.wrong_geometry(parameters, context)
            or self.missing_crs(parameters, context)
        )
        if problem:
            return False, problem
        return super().checkParameterValues(parameters, context)

    def out_of_range(self, parameters, context):
        """A sentence for the first number or distance outside its parameter's bounds, else None."""
        for definition in self.parameterDefinitions():
            if definition.type() not in ("number", "distance") or parameters.get(definition.name()) in (None, ""):
                continue
            value = self.parameterAsDouble(parameters, definition.name(), context)
            unit = " m" if definition.type() == "distance" else ""
            if value != value:  # NaN
                return f"{definition.name()} ({definition.description()}) is not a number."
            if value < definition.minimum():
                return (
                    f"{definition.name()} ({definition.description()}) must be at least "
                    f"{definition.minimum():g}{unit} (got {value:g}{unit})."
                )
            if value > definition.maximum():
                why = (
                    " Distances are computed in the UTM zone of the data, which is true to 1 % only within "
                    f"about {MAX_DISTANCE_M / 1000:g} km."
                    if definition.type() == "distance" and definition.maximum() == MAX_DISTANCE_M
                    else ""
                )
                return (
                    f"{definition.name()} ({definition.description()}) must be at most "
                    f"{definition.maximum():g}{unit} (got {value:g}{unit}).{why}"
                )
        return None

    def missing_crs(self, parameters, context):
        """A sentence for the first input layer with geometries but no coordinate reference system."""
        for definition in self.parameterDefinitions():
            if definition.type() not in _LAYER_PARAMETER_TYPES or not parameters.get(definition.name()):
                continue
            for layer in self._layers_of(parameters, definition.name(), context):
                if not hasattr(layer, "crs") or layer.crs().isValid():
                    continue
                if hasattr(layer, "geometryType") and layer.geometryType() in (
                    QgsWkbTypes.GeometryType.NullGeometry,
                    QgsWkbTypes.GeometryType.UnknownGeometry,
                ):
                    continue  # a table without geometries needs no CRS
                return (
                    f"{definition.name()} layer '{layer.name()}' has no coordinate reference system: its CRS "
                    "is missing (e.g. a shapefile without its .prj file), so its coordinates cannot be placed "
                    "on the earth. Set it in Layer Properties → Source → Assigned Coordinate Reference System "
                    "and run again."
                )
        return None

    def _layers_of(self, parameters, name, context):
        definition = self.parameterDefinition(name)
        if definition.type() == "multilayer":
            return [lyr for lyr in (self.parameterAsLayerList(parameters, name, context) or []) if lyr is not None]
        layer = self.parameterAsLayer(parameters, name, context)
        return [layer] if layer is not None else []

    @staticmethod
    def _input_sources(value, context):
        """The source strings an input parameter value names, without loading any layer.

        Loading layers from path strings here (parameterAsLayer) would also run in
        Processing's worker thread, where two algorithms doing it at once deadlocked.
        """
        values = value if isinstance(value, (list, tuple)) else [value]
        sources = []
        for item in values:
            if isinstance(item, QgsProcessingFeatureSourceDefinition):
                item = item.source.staticValue()
            elif isinstance(item, QgsProcessingOutputLayerDefinition):  # an earlier step of a model
                item = item.sink.staticValue()
            if isinstance(item, QgsMapLayer):
                sources.append(item.source())
            elif isinstance(item, str) and item:
                project = context.project()
                layer = (
                    project.mapLayer(item) if project is not None else None
                ) or context.temporaryLayerStore().mapLayer(item)
                sources.append(layer.source() if layer is not None else item)
        return sources

    def output_overwrites_input(self, parameters, context):
        """A sentence when an output would replace an input file or layer, else None.

        Paths are compared as files (resolved real paths, then the file's identity), not as strings,
        so a relative path, a symbolic link, ``path|layername=``, ``ogr:dbname=`` and the others of
        :func:`file_target` all name the same file. An output that is a whole file (``x.gpkg``)
        replaces every layer of it; one that names a layer (``ogr:dbname='x.gpkg' table="gaps"``)
        replaces only that layer, so writing a new layer into an input GeoPackage is allowed.
        """
        inputs: List[Tuple[str, Optional[str], str]] = []
        for definition in self.parameterDefinitions():
            if definition.type() in _LAYER_PARAMETER_TYPES and parameters.get(definition.name()):
                for source in self._input_sources(parameters[definition.name()], context):
                    target = file_target(source)
                    if target:
                        inputs.append((target[0], target[1], definition.name()))
        if not inputs:
            return None
        for definition in self.destinationParameterDefinitions():
            if not parameters.get(definition.name()):
                continue
            if definition.type() in ("sink", "vectorDestination", "rasterDestination"):
                value = self.parameterAsOutputLayer(parameters, definition.name(), context)
            else:
                value = self.parameterAsFileOutput(parameters, definition.name(), context)
            target = file_target(value)
            if not target:
                continue
            path, layer = target
            for in_path, in_layer, in_name in inputs:
                if not _same_file(path, in_path):
                    continue
                if layer is None:
                    return (
                        f"{definition.name()} is the same file as input {in_name} ({value} is {path}): writing "
                        "it would replace the whole file and destroy the input. Choose another output file."
                    )
                name = in_layer or _first_layer_name(in_path)
                if name is None or name.casefold() == layer.casefold():
                    return (
                        f"{definition.name()} would write layer '{layer}' of {path}, which is input {in_name}: "
                        "writing it would overwrite the input. Choose another layer name or file."
                    )
        return None

    def wrong_geometry(self, parameters, context):
        """A sentence for the first vector input whose geometry type the parameter does not take."""
        for definition in self.parameterDefinitions():
            if not isinstance(
                definition,
                (
                    QgsProcessingParameterFeatureSource,
                    QgsProcessingParameterVectorLayer,
                    QgsProcessingParameterMultipleLayers,
                ),
            ):
                continue
            if not parameters.get(definition.name()):
                continue
            types = definition.dataTypes() if hasattr(definition, "dataTypes") else [definition.layerType()]
            demanded = {_DEMANDED[t] for t in types if t in _DEMANDED}
            if len(demanded) != 1:
                continue  # any geometry, or several allowed
            wanted = demanded.pop()
            for layer in self._layers_of(parameters, definition.name(), context):
                if not hasattr(layer, "geometryType"):
                    continue
                found = layer.geometryType()
                if found != wanted:
                    return (
                        f"{definition.name()} layer '{layer.name()}' has {GEOMETRY_NAMES.get(found, 'other')} "
                        f"geometries, but {GEOMETRY_NAMES[wanted]} features are needed: choose a "
                        f"{GEOMETRY_NAMES[wanted]} layer."
                    )
        return None

    # -- loading inputs -----------------------------------------------------------
    def prepareAlgorithm(self, parameters, context, feedback):  # noqa: N802 (QGIS API name)
        """Open every input layer (and the bundled layers in ``BUNDLED``) here, once.

        QGIS calls prepareAlgorithm in the thread that starts the run (the main thread for a
        background task) and processAlgorithm in a worker thread. QGIS 3.22's OGR provider
        deadlocks, or crashes, when two worker threads open layers of one GeoPackage at once
        (two of our algorithms running side by side did both); opened here, under one lock,
        the worker threads only read features. The parameterAs… overrides below return these.
        """
        cache = {}
        with catalogue.OPEN_LOCK:
            for definition in self.parameterDefinitions():
                if definition.isDestination():
                    continue
                if definition.type() == "multilayer" and definition.layerType() == QgsProcessing.SourceType.TypeFile:
                    continue  # a list of files the algorithm reads itself: never opened as layers
                for method in _LOADERS.get(definition.type(), ()):
                    cache[(method, definition.name())] = getattr(QgsProcessingAlgorithm, method)(
                        self, parameters, definition.name(), context
                    )
            for name in self.BUNDLED:
                try:
                    cache[("bundled", name)] = self._open_bundled(name)
                except BorderGapsError as err:  # raised when (and if) the run needs the layer
                    cache[("bundled", name)] = err
        self._preloaded = cache
        return True

    def postProcessAlgorithm(self, context, feedback):  # noqa: N802 (QGIS API name)
        self._preloaded = None  # in the run's own thread: layers are not released in a worker
        return {}

    def _loaded(self, method, parameters, name, context, *args):
        cache = getattr(self, "_preloaded", None)
        if cache is not None and not args and (method, name) in cache:
            return cache[(method, name)]
        with catalogue.OPEN_LOCK:
            return getattr(QgsProcessingAlgorithm, method)(self, parameters, name, context, *args)

    def parameterAsSource(self, parameters, name, context):  # noqa: N802 (QGIS API name)
        return self._loaded("parameterAsSource", parameters, name, context)

    def parameterAsVectorLayer(self, parameters, name, context):  # noqa: N802 (QGIS API name)
        return self._loaded("parameterAsVectorLayer", parameters, name, context)

    def parameterAsRasterLayer(self, parameters, name, context):  # noqa: N802 (QGIS API name)
        return self._loaded("parameterAsRasterLayer", parameters, name, context)

    def parameterAsLayer(self, parameters, name, context, *args):  # noqa: N802 (QGIS API name)
        return self._loaded("parameterAsLayer", parameters, name, context, *args)

    def parameterAsLayerList(self, parameters, name, context, *args):  # noqa: N802 (QGIS API name)
        return self._loaded("parameterAsLayerList", parameters, name, context, *args)

    def bundled(self, name):
        """The bundled layer ``name`` (one of ``BUNDLED``): opened in prepareAlgorithm when the
        run was prepared, else now. Raises BorderGapsError when it cannot be opened."""
        cache = getattr(self, "_preloaded", None)
        layer = cache.get(("bundled", name)) if cache is not None else None
        if isinstance(layer, BorderGapsError):
            raise layer
        return layer if layer is not None else self._open_bundled(name)

    @staticmethod
    def _open_bundled(name):
        try:
            return catalogue.bundled_layer(name)
        except (RuntimeError, KeyError) as err:
            raise BorderGapsError(err.args[0] if err.args else repr(err)) from err

    # -- running ------------------------------------------------------------------
    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 (QGIS API name)
        results, message = self._run_or_message(parameters, context, feedback)
        if message is None:
            return results
        # QGIS never releases the QgsProcessingException of a failed run (its
        # processing_exception_handler, python/core/core.sip.in, fetches it and never
        # decrements it): the exception, its traceback and each frame in it with their
        # locals stay for the rest of the session. So it is raised here, outside the
        # ``except`` that caught our error (no __context__ to keep that error's frames),
        # from a frame that holds nothing but the message: the algorithm, with the layers
        # it opened in prepareAlgorithm, and the caller's parameters are let go of; the
        # layers are released when QGIS deletes this run's algorithm, in its own thread.
        del self, parameters, context, feedback, results
        raise QgsProcessingException(message)

    def _run_or_message(self, parameters, context, feedback):
        """(results, None) for a run that finished, (None, message) for one that failed
        with our error or ran out of memory; any other exception (a bug) goes through with
        its traceback."""
        try:
            # Also here: a caller may run the algorithm without checkParameterValues.
            problem = self.output_overwrites_input(parameters, context)
            if problem:
                raise BorderGapsError(problem)
            results = self.execute(parameters, context, feedback)
            if feedback is not None and feedback.isCanceled():
                # An algorithm that stopped early returns what it had; a half-written layer must
                # never be registered (and loaded) as the result.
                raise BorderGapsError(
                    f"{self.displayName()} was canceled: its outputs are incomplete and were "
                    "not loaded. Run it again to get them."
                )
            return results, None
        except BorderGapsError as err:
            if err.details and feedback is not None:
                feedback.pushDebugInfo(err.details)
            return None, err.message
        except QgsProcessingException as err:  # raised by QGIS's own helpers (invalidSinkError, …)
            return None, err.args[0] if err.args else str(err)
        except MemoryError as err:  # numpy's "Unable to allocate …", also from a worker thread
            return None, (
                f"{self.displayName()} ran out of memory ({err}): the inputs and parameters ask for more than "
                "this computer has. Use a coarser cell size, a smaller range, margin or extent, or fewer "
                "features, and run again."
            )

    def execute(self, parameters, context, feedback):
        raise NotImplementedError
