"""bordergaps:exportfield: the gaps, posts, crossings, settlements and sorties as a KMZ and a GPX
file for field devices."""

from qgis.core import (
    QgsProcessing,
    QgsProcessingOutputNumber,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorLayer,
    QgsWkbTypes,
)

from ..analysis import fieldexport, maplayout
from ..analysis.errors import BorderGapsError
from .base import BorderGapsAlgorithm, distance_parameter


class ExportFieldAlgorithm(BorderGapsAlgorithm):
    ID = "exportfield"
    DISPLAY_NAME = "Export for field devices (KMZ, GPX)"
    GROUP_ID = "maps"
    HELP = (
        "Writes what a patrol takes along: a KMZ for Google Earth and phone apps, with a folder for each "
        "kind of thing (gap zones coloured by priority with their figures in the description, posts, border "
        "crossings, settlements with their English and Arabic names, drone sorties as lines), and a GPX 1.1 "
        "file for handheld GPS units (waypoints: posts, each gap's innermost point named 'Gap N', crossings; "
        "routes: the sorties). Coordinates are WGS 84, names UTF-8; every line and polygon is simplified to "
        "SIMPLIFY metres first, so the files carry no more detail than the field needs (GPS units often take "
        "at most 250 points a route). Crossings and settlements are those within NEAR_DISTANCE of a gap."
    )
    BUNDLED = ("crossings", "settlements")

    GAPS = "GAPS"
    POSTS = "POSTS"
    CROSSINGS = "CROSSINGS"
    SETTLEMENTS = "SETTLEMENTS"
    SORTIES = "SORTIES"
    INCLUDE_BORDER_REGION = "INCLUDE_BORDER_REGION"
    NEAR_DISTANCE = "NEAR_DISTANCE"
    SIMPLIFY = "SIMPLIFY"
    TITLE = "TITLE"
    OUTPUT_KMZ = "OUTPUT_KMZ"
    OUTPUT_GPX = "OUTPUT_GPX"

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API name)
        add = self.add_parameter
        add(
            QgsProcessingParameterVectorLayer(
                self.GAPS, self.tr("Gap zones"), [QgsProcessing.SourceType.TypeVectorPolygon]
            ),
            "The gap layer from Unmonitored gap zones; its figures (and any answering posts or incidents the layer "
            "carries) go into each gap's description.",
        )
        add(
            QgsProcessingParameterVectorLayer(
                self.POSTS, self.tr("Posts"), [QgsProcessing.SourceType.TypeVectorPoint], optional=True
            ),
            "Posts: waypoints named by their 'name' field (else Post N), with force, kind and range.",
        )
        add(
            QgsProcessingParameterVectorLayer(
                self.CROSSINGS, self.tr("Border crossings"), [QgsProcessing.SourceType.TypeVectorPoint], optional=True
            ),
            "Crossings (fields name, name_ar, status …); the bundled ones when empty and the border region is on.",
        )
        add(
            QgsProcessingParameterVectorLayer(
                self.SETTLEMENTS, self.tr("Settlements"), [QgsProcessing.SourceType.TypeVectorPoint], optional=True
            ),
            "Settlements (fields name, name_ar …); the bundled ones when empty and the border region is on.",
        )
        add(
            QgsProcessingParameterVectorLayer(
                self.SORTIES, self.tr("Drone sorties"), [QgsProcessing.SourceType.TypeVectorLine], optional=True
            ),
            "The sorties of Drone sorties (field sortie): lines in the KMZ, routes in the GPX.",
        )
        add(
            QgsProcessingParameterBoolean(
                self.INCLUDE_BORDER_REGION, self.tr("Use the bundled crossings and settlements"), defaultValue=True
            ),
            "Take the bundled border crossings and settlements where CROSSINGS or SETTLEMENTS is not given.",
        )
        near = distance_parameter(self.NEAR_DISTANCE, self.tr("Crossings and settlements within (m)"), 25000.0, 0.0)
        add(near, "Only crossings and settlements this close to a gap are written (0 = only those inside a gap).")
        simplify = distance_parameter(self.SIMPLIFY, self.tr("Simplify to (m)"), 20.0, 0.0)
        add(
            simplify,
            "Tolerance of the simplification of gaps and sorties (Douglas–Peucker, metres; 0 keeps every vertex).",
        )
        add(
            QgsProcessingParameterString(self.TITLE, self.tr("Title"), defaultValue="Border Gaps", optional=True),
            "The name of the KMZ document and of the GPX file's metadata.",
        )
        add(
            QgsProcessingParameterFileDestination(
                self.OUTPUT_KMZ, self.tr("KMZ"), self.tr("KMZ files (*.kmz)"), optional=True, createByDefault=False
            ),
            "Where to write the KMZ. Give this, the GPX, or both.",
        )
        add(
            QgsProcessingParameterFileDestination(
                self.OUTPUT_GPX, self.tr("GPX"), self.tr("GPX files (*.gpx)"), optional=True, createByDefault=False
            ),
            "Where to write the GPX.",
        )
        for key, name in (
            ("GAP_COUNT", "Gaps written"),
            ("WAYPOINT_COUNT", "GPX waypoints"),
            ("ROUTE_COUNT", "GPX routes"),
        ):
            self.addOutput(QgsProcessingOutputNumber(key, self.tr(name)))

    def _outputs(self, parameters, context):
        kmz = self.parameterAsFileOutput(parameters, self.OUTPUT_KMZ, context) or ""
        gpx = self.parameterAsFileOutput(parameters, self.OUTPUT_GPX, context) or ""
        return kmz, gpx

    def checkParameterValues(self, parameters, context):  # noqa: N802 (QGIS API name)
        ok, message = super().checkParameterValues(parameters, context)
        if not ok:
            return ok, message
        problem = self._problem(parameters, context)
        return (False, problem) if problem else (True, "")

    def _problem(self, parameters, context):
        kmz, gpx = self._outputs(parameters, context)
        if not kmz and not gpx:
            return "Give an output file: OUTPUT_KMZ, OUTPUT_GPX or both."
        if kmz and gpx and kmz == gpx:
            return f"The KMZ and the GPX are both set to '{kmz}': give them different file names."
        for path, what, suffix in ((kmz, "KMZ", ".kmz"), (gpx, "GPX", ".gpx")):
            if not path:
                continue
            problem = maplayout.output_path_problem(path, what)
            if problem:
                return problem
            if not path.lower().endswith(suffix):
                return f"The {what} file '{path}' should end in {suffix}: rename it."
        return None

    def execute(self, parameters, context, feedback):
        problem = self._problem(parameters, context)
        if problem:
            raise BorderGapsError(problem)
        kmz, gpx = self._outputs(parameters, context)
        gaps = self.parameterAsVectorLayer(parameters, self.GAPS, context)
        if gaps.geometryType() != QgsWkbTypes.GeometryType.PolygonGeometry:
            raise BorderGapsError(f"The gap layer '{gaps.name()}' does not hold polygons: give the output of gapzones.")
        if gaps.featureCount() == 0 or not maplayout.has_geometry(gaps):
            raise BorderGapsError(
                f"The gap layer '{gaps.name()}' has no gap with a geometry: there is nothing to export."
            )
        maplayout.map_frame(gaps, context.transformContext())  # refuses coordinates that do not fit the CRS
        region = self.parameterAsBoolean(parameters, self.INCLUDE_BORDER_REGION, context)
        layers = {}
        for key, bundled in ((self.CROSSINGS, "crossings"), (self.SETTLEMENTS, "settlements")):
            layer = self.parameterAsVectorLayer(parameters, key, context)
            if layer is None and region:
                try:
                    layer = self.bundled(bundled)
                except BorderGapsError as err:
                    feedback.reportError(f"The bundled {bundled} are not available ({err}).", fatalError=False)
            layers[key] = layer
        feedback.setProgress(10)
        data = fieldexport.read_field_data(
            self.parameterAsString(parameters, self.TITLE, context) or "Border Gaps",
            gaps,
            context.transformContext(),
            self.parameterAsDouble(parameters, self.SIMPLIFY, context),
            posts=self.parameterAsVectorLayer(parameters, self.POSTS, context),
            crossings=layers[self.CROSSINGS],
            settlements=layers[self.SETTLEMENTS],
            sorties=self.parameterAsVectorLayer(parameters, self.SORTIES, context),
            near_m=self.parameterAsDouble(parameters, self.NEAR_DISTANCE, context),
            feedback=feedback,
        )
        if feedback.isCanceled():
            return {}
        feedback.setProgress(70)
        if kmz:
            fieldexport.write_kmz(data, kmz)
            feedback.pushInfo(
                f"Wrote {kmz}: {len(data.gaps)} gaps, {len(data.posts)} posts, {len(data.crossings)} crossings, "
                f"{len(data.settlements)} settlements, {len(data.sorties)} sorties"
            )
        waypoint_count = len(fieldexport.waypoints(data))
        if gpx:
            fieldexport.write_gpx(data, gpx)
            feedback.pushInfo(f"Wrote {gpx}: {waypoint_count} waypoints, {len(data.sorties)} routes")
        feedback.setProgress(100)
        return {
            self.OUTPUT_KMZ: kmz or None,
            self.OUTPUT_GPX: gpx or None,
            "GAP_COUNT": len(data.gaps),
            "WAYPOINT_COUNT": waypoint_count,
            "ROUTE_COUNT": len(data.sorties),
        }
