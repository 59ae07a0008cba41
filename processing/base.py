"""What every Border Gaps algorithm shares: groups, help, icon, the safety checks on
inputs and outputs, and turning our errors into ``QgsProcessingException`` with a
sentence the analyst can act on."""

import os

from qgis.core import (
    QgsFields,
    QgsMapLayer,
    QgsProcessing,
    QgsProcessingAlgorithm,
    QgsProcessingException,
    QgsProcessingFeatureSourceDefinition,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterMultipleLayers,
    QgsProcessingParameterVectorLayer,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtGui import QIcon

from ..analysis.compat import new_field
from ..analysis.errors import BorderGapsError
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


def _file_of(source: str) -> str:
    """The real path of the file behind a layer source or output string, or ''."""
    path = (source or "").split("|")[0]
    if path.startswith("ogr:"):
        path = path[4:]
    return os.path.realpath(path) if path and os.path.isabs(path) else ""


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
        problem = self.output_overwrites_input(parameters, context) or self.wrong_geometry(parameters, context)
        if problem:
            return False, problem
        return super().checkParameterValues(parameters, context)

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
        """A sentence when an output file is one of the input files, else None."""
        inputs = {}
        for definition in self.parameterDefinitions():
            if definition.type() in _LAYER_PARAMETER_TYPES and parameters.get(definition.name()):
                for source in self._input_sources(parameters[definition.name()], context):
                    path = _file_of(source)
                    if path:
                        inputs.setdefault(path, definition.name())
        for definition in self.destinationParameterDefinitions():
            if not parameters.get(definition.name()):
                continue
            if definition.type() in ("sink", "vectorDestination", "rasterDestination"):
                target = self.parameterAsOutputLayer(parameters, definition.name(), context)
            else:
                target = self.parameterAsFileOutput(parameters, definition.name(), context)
            path = _file_of(target)
            if path and path in inputs:
                return (
                    f"{definition.name()} is the same file as input {inputs[path]} ({path}): "
                    "writing it would overwrite the input. Choose another output file."
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
            return results
        except BorderGapsError as err:
            if err.details:
                feedback.pushDebugInfo(err.details)
            raise QgsProcessingException(err.message) from err

    def execute(self, parameters, context, feedback):
        raise NotImplementedError
