"""bordergaps:corridors: least-cost crossing routes from the Syrian side to the Iraqi side,
their density and the pinch points where one post would cut the most routes."""

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsFeature,
    QgsFeatureRequest,
    QgsFeatureSink,
    QgsFields,
    QgsGeometry,
    QgsPointXY,
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingParameterEnum,
    QgsProcessingParameterExtent,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterMultipleLayers,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterDestination,
    QgsProcessingParameterRasterLayer,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorLayer,
    QgsRectangle,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QMetaType

from ..analysis import corridors
from ..analysis.compat import new_field, null_rectangle
from ..analysis.crs import extent_in_wgs84, layer_extent, metric_crs_for, wgs84
from ..analysis.errors import BorderGapsError
from ..analysis.geometry import LINE_TYPE, POINT_TYPE, valid_output
from ..analysis.inputs import iter_features, read_features, source_crs
from .base import BorderGapsAlgorithm, distance_parameter, fields_of

POINT = QgsWkbTypes.GeometryType.PointGeometry
LINE = QgsWkbTypes.GeometryType.LineGeometry
POLYGON = QgsWkbTypes.GeometryType.PolygonGeometry


class CorridorsAlgorithm(BorderGapsAlgorithm):
    ID = "corridors"
    BUNDLED = ("border",)
    DISPLAY_NAME = "Crossing corridors"
    GROUP_ID = "corridors"
    HELP = (
        "Traces the routes that smugglers or infiltrators would take from origins on the Syrian side "
        "(towns, crossings) to destinations on the Iraqi side (villages, towns): least-cost paths over a "
        "cost raster where open flat ground costs 1 per metre, slope raises the cost (Tobler's hiking "
        "function, from the DEM), roads lower it (ROAD_FACTOR) and coverage raises it (DETECTION_FACTOR) "
        "or blocks it (COVERAGE_MODE).\n\n"
        "Outputs: ROUTES, the K cheapest routes to each destination, each from a different origin, with "
        "their cost (equivalent metres of open flat ground), length, km inside gap zones and inside "
        "coverage, and where they cross the border; DENSITY, a GeoTIFF of how many routes pass each cell; "
        "PINCH_POINTS, the cells most routes pass through (fields rank, routes), usable as candidate "
        "sites for Choose new post sites.\n\n"
        "The grid covers the origins and destinations plus MARGIN (or EXTENT), in the UTM zone of the "
        "data; its size is logged, and a grid above MAX_CELLS is refused before any memory is used. "
        "With K = 1 one search from all origins at once finds every route; K = 2 needs 2 ⌈log2(origins)⌉ "
        "searches (14 for 100 origins), each from a group of origins at once; K > 2 needs one search per "
        "origin (or per destination, whichever are fewer). The log says how many.\n\n"
        "Points outside the grid, in an impassable cell, or on the wrong side of the border (checked "
        "against COUNTRIES when given, else against the BORDER line: the side most origins are on, and "
        "most destinations are not, is the origin side) are skipped with a warning naming each one; the "
        "run stops only when no origin or no destination is left. Without BORDER the bundled Iraq–Syria "
        "border is used when it crosses the grid. A route whose origin and destination coincide, or fall "
        "in one cell, is left out of ROUTES (no crossing lies between them) and named in the log; the "
        "destination's other routes keep their ranks from 1. Distances are in metres, at most 500 km, and "
        "a grid larger than the free memory is refused with the sizes."
    )

    ORIGINS = "ORIGINS"
    ORIGIN_FIELD = "ORIGIN_FIELD"
    DESTINATIONS = "DESTINATIONS"
    DESTINATION_FIELD = "DESTINATION_FIELD"
    CELL_SIZE = "CELL_SIZE"
    K = "K"
    DEM = "DEM"
    COVERAGE = "COVERAGE"
    POSTS = "POSTS"
    RANGE_FIELD = "RANGE_FIELD"
    DEFAULT_RANGE = "DEFAULT_RANGE"
    COVERAGE_MODE = "COVERAGE_MODE"
    DETECTION_FACTOR = "DETECTION_FACTOR"
    ROADS = "ROADS"
    ROAD_FACTOR = "ROAD_FACTOR"
    GAPS = "GAPS"
    GAP_FACTOR = "GAP_FACTOR"
    BORDER = "BORDER"
    COUNTRIES = "COUNTRIES"
    COUNTRY_FIELD = "COUNTRY_FIELD"
    ORIGIN_COUNTRY = "ORIGIN_COUNTRY"
    DESTINATION_COUNTRY = "DESTINATION_COUNTRY"
    EXTENT = "EXTENT"
    MARGIN = "MARGIN"
    MAX_CELLS = "MAX_CELLS"
    PINCH_COUNT = "PINCH_COUNT"
    PINCH_SPACING = "PINCH_SPACING"
    ROUTES = "ROUTES"
    DENSITY = "DENSITY"
    PINCH_POINTS = "PINCH_POINTS"

    MODES = ["Multiply the cost by DETECTION_FACTOR", "Impassable"]

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API name)
        add = self.add_parameter

        def number(name, label, default, minimum, help_text, integer=False, maximum=None, metres=False):
            if metres:  # a metric distance (base.distance_parameter: metres in the dialog, at most 500 km)
                add(distance_parameter(name, self.tr(label), default, minimum), help_text)
                return
            kind = QgsProcessingParameterNumber.Type.Integer if integer else QgsProcessingParameterNumber.Type.Double
            param = QgsProcessingParameterNumber(name, self.tr(label), kind, defaultValue=default, minValue=minimum)
            if maximum is not None:
                param.setMaximum(maximum)
            add(param, help_text)

        add(
            QgsProcessingParameterFeatureSource(
                self.ORIGINS, self.tr("Origins (Syrian side)"), [QgsProcessing.SourceType.TypeVectorPoint]
            ),
            "Points where routes start: towns, crossings or staging areas on the Syrian side.",
        )
        add(
            QgsProcessingParameterField(
                self.ORIGIN_FIELD, self.tr("Origin name field"), parentLayerParameterName=self.ORIGINS, optional=True
            ),
            "Field whose value names an origin in the routes layer; without it the feature id is used.",
        )
        add(
            QgsProcessingParameterFeatureSource(
                self.DESTINATIONS, self.tr("Destinations (Iraqi side)"), [QgsProcessing.SourceType.TypeVectorPoint]
            ),
            "Points where routes end: villages and towns on the Iraqi side.",
        )
        add(
            QgsProcessingParameterField(
                self.DESTINATION_FIELD,
                self.tr("Destination name field"),
                parentLayerParameterName=self.DESTINATIONS,
                optional=True,
            ),
            "Field whose value names a destination in the routes layer; without it the feature id is used.",
        )
        number(
            self.CELL_SIZE,
            "Cell size",
            100.0,
            1.0,
            "Side of a cost-raster cell in metres. Smaller cells follow terrain and roads more closely "
            "but the grid grows with the square: halving the cell size quadruples time and memory.",
            metres=True,
        )
        number(
            self.K,
            "Routes per destination (K)",
            1,
            1,
            "How many routes to keep per destination: the K cheapest, each from a different origin. "
            "K = 1 needs one search from all origins at once, K = 2 about 2 log2(origins) searches, K > 2 "
            "one search per origin (or per destination if fewer).",
            integer=True,
            maximum=100,
        )
        add(
            QgsProcessingParameterRasterLayer(self.DEM, self.tr("Elevation model (DEM)"), optional=True),
            "A GDAL-readable elevation raster in metres. Slope raises the cost as walking time does "
            "(Tobler: exp(3.5 × slope)). Cells the DEM does not cover count as flat.",
        )
        add(
            QgsProcessingParameterMultipleLayers(
                self.COVERAGE, self.tr("Coverage polygons"), QgsProcessing.SourceType.TypeVectorPolygon, optional=True
            ),
            "Areas watched by posts, cameras, patrols or drones. See COVERAGE_MODE.",
        )
        add(
            QgsProcessingParameterFeatureSource(
                self.POSTS, self.tr("Posts"), [QgsProcessing.SourceType.TypeVectorPoint], optional=True
            ),
            "Observation posts; each covers a disc of its range (RANGE_FIELD or DEFAULT_RANGE).",
        )
        add(
            QgsProcessingParameterField(
                self.RANGE_FIELD,
                self.tr("Post range field (m)"),
                parentLayerParameterName=self.POSTS,
                type=QgsProcessingParameterField.DataType.Numeric,
                optional=True,
            ),
            "Numeric field of POSTS with each post's range in metres; empty values use DEFAULT_RANGE.",
        )
        number(
            self.DEFAULT_RANGE,
            "Default post range",
            3000.0,
            0.0,
            "Range in metres of posts without a value in RANGE_FIELD.",
            metres=True,
        )
        add(
            QgsProcessingParameterEnum(
                self.COVERAGE_MODE, self.tr("Inside coverage"), [self.tr(o) for o in self.MODES], defaultValue=0
            ),
            "0: crossing a covered cell costs DETECTION_FACTOR times more; 1: covered cells cannot be crossed at all.",
        )
        number(
            self.DETECTION_FACTOR,
            "Detection factor",
            5.0,
            1.0,
            "Cost multiplier inside coverage (COVERAGE_MODE 0): 5 means one covered kilometre weighs as "
            "much as five open ones.",
        )
        add(
            QgsProcessingParameterMultipleLayers(
                self.ROADS, self.tr("Roads and tracks"), QgsProcessing.SourceType.TypeVectorLine, optional=True
            ),
            "Lines along which moving is easier (roads, tracks, wadis used as conduits).",
        )
        number(
            self.ROAD_FACTOR,
            "Road factor",
            0.3,
            0.001,
            "Cost multiplier on cells a road passes through: 0.3 means a road kilometre costs as much as "
            "300 m of open ground.",
            maximum=1.0,
        )
        add(
            QgsProcessingParameterFeatureSource(
                self.GAPS, self.tr("Gap zones"), [QgsProcessing.SourceType.TypeVectorPolygon], optional=True
            ),
            "Unmonitored gap zones (output of Unmonitored gap zones): the km of each route inside them is "
            "reported (gaps_km), and GAP_FACTOR changes the cost inside them.",
        )
        number(
            self.GAP_FACTOR,
            "Gap factor",
            1.0,
            0.001,
            "Cost multiplier inside gap zones; 1 leaves the cost alone, below 1 makes routes prefer gaps.",
        )
        add(
            QgsProcessingParameterVectorLayer(
                self.BORDER, self.tr("Border line"), [QgsProcessing.SourceType.TypeVectorLine], optional=True
            ),
            "The border the routes cross: gives each route's crossing point (cross_lon, cross_lat) and, "
            "without COUNTRIES, the side check. Empty: the bundled Iraq–Syria border, if it crosses the grid.",
        )
        add(
            QgsProcessingParameterVectorLayer(
                self.COUNTRIES, self.tr("Countries"), [QgsProcessing.SourceType.TypeVectorPolygon], optional=True
            ),
            "Country polygons (e.g. the bundled 'countries' layer) for checking that every origin lies in "
            "ORIGIN_COUNTRY and every destination in DESTINATION_COUNTRY.",
        )
        add(
            QgsProcessingParameterField(
                self.COUNTRY_FIELD,
                self.tr("Country name field"),
                parentLayerParameterName=self.COUNTRIES,
                optional=True,
            ),
            "Field of COUNTRIES holding the names compared with ORIGIN_COUNTRY and DESTINATION_COUNTRY.",
        )
        add(
            QgsProcessingParameterString(
                self.ORIGIN_COUNTRY, self.tr("Origin country"), defaultValue="Syria", optional=True
            ),
            "Value of COUNTRY_FIELD where origins must lie (compared ignoring case).",
        )
        add(
            QgsProcessingParameterString(
                self.DESTINATION_COUNTRY, self.tr("Destination country"), defaultValue="Iraq", optional=True
            ),
            "Value of COUNTRY_FIELD where destinations must lie (compared ignoring case).",
        )
        add(
            QgsProcessingParameterExtent(self.EXTENT, self.tr("Limit the grid to this extent"), optional=True),
            "Optional: the grid never extends beyond this rectangle; points outside it are skipped.",
        )
        number(
            self.MARGIN,
            "Margin around the points",
            10000.0,
            0.0,
            "The grid covers the origins and destinations plus this margin (metres), so routes can bend around "
            "obstacles.",
            metres=True,
        )
        number(
            self.MAX_CELLS,
            "Maximum grid cells",
            float(corridors.DEFAULT_MAX_CELLS),
            1.0,
            f"Largest grid accepted (about {corridors.SWEEP_BYTES_PER_CELL} bytes of memory per cell from "
            f"{corridors.SWEEP_FROM_CELLS:,} cells up, {corridors.BYTES_PER_CELL} below and with K > 2 up to "
            f"{corridors.MCP_MAX_CELLS:,} cells). A larger "
            "grid is refused before it is allocated; use a larger CELL_SIZE or a smaller area.",
        )
        number(self.PINCH_COUNT, "Number of pinch points", 20, 0, "How many pinch points to report.", integer=True)
        number(
            self.PINCH_SPACING,
            "Pinch point spacing",
            2000.0,
            0.0,
            "Pinch points are at least this far (metres) from each other and from every origin and destination "
            "(where routes gather trivially).",
            metres=True,
        )
        add(
            QgsProcessingParameterFeatureSink(self.ROUTES, self.tr("Routes"), QgsProcessing.SourceType.TypeVectorLine),
            "The K cheapest routes per destination: origin, destination, rank, cost, length_km, gaps_km, "
            "coverage_km, cross_lon, cross_lat.",
        )
        add(
            QgsProcessingParameterRasterDestination(self.DENSITY, self.tr("Corridor density")),
            "GeoTIFF (UTM) counting the routes through each cell.",
        )
        add(
            QgsProcessingParameterFeatureSink(
                self.PINCH_POINTS, self.tr("Pinch points"), QgsProcessing.SourceType.TypeVectorPoint
            ),
            "Cells most routes pass through, ranked (fields rank, routes): candidate sites for new posts.",
        )
        for name, label in (
            ("ROUTE_COUNT", "Number of routes"),
            ("PINCH_POINT_COUNT", "Number of pinch points found"),
            ("GRID_COLUMNS", "Grid columns"),
            ("GRID_ROWS", "Grid rows"),
        ):
            self.addOutput(QgsProcessingOutputNumber(name, self.tr(label)))

    def checkParameterValues(self, parameters, context):  # noqa: N802 (QGIS API name)
        problem = corridors.missing_dependencies() or self._input_problem(parameters, context)
        if problem:
            return False, self.tr(problem)
        return super().checkParameterValues(parameters, context)

    # layer parameters, the geometry each must have, and whether several layers may be given
    LAYER_GEOMETRY = (
        ("ORIGINS", POINT, False),
        ("DESTINATIONS", POINT, False),
        ("POSTS", POINT, False),
        ("COVERAGE", POLYGON, True),
        ("ROADS", LINE, True),
        ("GAPS", POLYGON, False),
        ("BORDER", LINE, False),
        ("COUNTRIES", POLYGON, False),
    )
    FIELD_LAYERS = (
        ("ORIGIN_FIELD", "ORIGINS"),
        ("DESTINATION_FIELD", "DESTINATIONS"),
        ("RANGE_FIELD", "POSTS"),
        ("COUNTRY_FIELD", "COUNTRIES"),
    )
    GEOMETRY_WORDS = {POINT: "points", LINE: "lines", POLYGON: "polygons"}

    def _input_problem(self, parameters, context):
        """A sentence about the first input that cannot work (cheap checks only), or None."""
        layers = {}
        for name, geometry, several in self.LAYER_GEOMETRY:
            found = (
                (self.parameterAsLayerList(parameters, name, context) or [])
                if several
                else [self.parameterAsVectorLayer(parameters, name, context)]
            )
            layers[name] = [layer for layer in found if layer is not None]
            for layer in layers[name]:
                kind = layer.geometryType() if hasattr(layer, "geometryType") else None
                if kind is not None and kind != geometry:
                    return (
                        f"{name} layer '{layer.name()}' has {self.GEOMETRY_WORDS.get(kind, 'no')} geometries: "
                        f"give {self.GEOMETRY_WORDS[geometry]}."
                    )
        for field_param, layer_param in self.FIELD_LAYERS:
            field = self.parameterAsString(parameters, field_param, context)
            if field and layers[layer_param] and layers[layer_param][0].fields().indexOf(field) < 0:
                names = ", ".join(layers[layer_param][0].fields().names()) or "none"
                return (
                    f"{field_param} '{field}' is not a field of {layer_param} '{layers[layer_param][0].name()}' "
                    f"(its fields: {names})."
                )
        if layers["COUNTRIES"] and not self.parameterAsString(parameters, self.COUNTRY_FIELD, context):
            return (
                "COUNTRIES needs COUNTRY_FIELD: choose the field of the countries layer that holds the names "
                "(e.g. 'name'), or leave COUNTRIES empty."
            )
        for name in ("ORIGINS", "DESTINATIONS"):
            for layer in layers[name]:
                crs = layer.crs()
                box = _sample_extent(layer)
                if (
                    crs.isValid()
                    and crs.isGeographic()
                    and not box.isNull()
                    and (
                        abs(box.xMinimum()) > 180
                        or abs(box.xMaximum()) > 180
                        or abs(box.yMinimum()) > 90
                        or abs(box.yMaximum()) > 90
                    )
                ):
                    return (
                        f"{name} layer '{layer.name()}' is declared in {crs.authid()} (lon/lat degrees) but its "
                        "coordinates are far outside ±180/±90: they look like metres. Set the layer's real "
                        "CRS (Layer Properties → Source) and run again."
                    )
        return None

    # --- reading -------------------------------------------------------------------------
    @staticmethod
    def _points(source, metric, name, field, context, feedback):
        """(label, fid, x, y) of every point feature of ``source`` in the metric CRS."""
        result = read_features(
            source, metric, name, POINT, is_canceled=feedback.isCanceled, transform_context=context.transformContext()
        )
        for line in result.log_lines():
            feedback.pushInfo(line)
        points, multi = [], 0
        for feature in result.features:
            geom = feature.geometry()
            parts = geom.asMultiPoint() if geom.isMultipart() else [geom.asPoint()]
            multi += len(parts) > 1
            label = feature[field] if field else None
            label = f"#{feature.id()}" if label in (None, "") or str(label) == "NULL" else str(label)
            points.append((label, feature.id(), parts[0].x(), parts[0].y()))
        if multi:
            feedback.pushWarning(f"{name}: {multi} multi-point feature(s); only the first point of each is used.")
        return points

    @staticmethod
    def _geometries(source, metric, name, geometry_type, grid_extent, context, feedback):
        """Geometries of ``source`` near the grid, in the metric CRS."""
        crs = source_crs(source)
        request = QgsFeatureRequest()
        if crs.isValid():
            to_source = QgsCoordinateTransform(metric, crs, context.transformContext())
            request.setFilterRect(to_source.transformBoundingBox(grid_extent))
        result = read_features(
            source,
            metric,
            name,
            geometry_type,
            request=request,
            is_canceled=feedback.isCanceled,
            transform_context=context.transformContext(),
        )
        for line in result.log_lines():
            feedback.pushInfo(line)
        return result.features

    def _bundled_border(self, feedback):
        try:
            layer = self.bundled("border")
        except BorderGapsError as err:  # the bundled data is optional for this algorithm
            feedback.pushInfo(f"The bundled border is not available ({err}); no border is used.")
            return None
        if layer is None or not layer.isValid():
            feedback.pushInfo("The bundled border is not available; no border is used.")
            return None
        return layer

    # --- running -------------------------------------------------------------------------
    def execute(self, parameters, context, feedback):
        return self.trace_corridors(parameters, context, feedback)

    def trace_corridors(self, parameters, context, feedback):
        problem = corridors.missing_dependencies() or self._input_problem(parameters, context)
        if problem:  # also when run without checkParameterValues
            raise BorderGapsError(problem)
        origins_src = self.parameterAsSource(parameters, self.ORIGINS, context)
        destinations_src = self.parameterAsSource(parameters, self.DESTINATIONS, context)
        if origins_src is None or destinations_src is None:
            raise BorderGapsError("ORIGINS and DESTINATIONS must both be point layers that can be read.")
        cell_size = self.parameterAsDouble(parameters, self.CELL_SIZE, context)
        k = self.parameterAsInt(parameters, self.K, context)
        margin = self.parameterAsDouble(parameters, self.MARGIN, context)
        max_cells = int(self.parameterAsDouble(parameters, self.MAX_CELLS, context))

        # the grid is planned from the points alone: one too large is refused before the other layers are
        # read or anything is allocated
        o_crs, d_crs = origins_src.sourceCrs(), destinations_src.sourceCrs()
        for src, crs, name in ((origins_src, o_crs, "ORIGINS"), (destinations_src, d_crs, "DESTINATIONS")):
            if not crs.isValid():
                raise BorderGapsError(
                    f"Layer {name} has no coordinate reference system. Set its CRS in the layer "
                    "properties (Source → Assigned CRS) and run again."
                )
            if src.featureCount() == 0:
                raise BorderGapsError(f"Layer {name} has no features: give at least one point.")
        lonlat = extent_in_wgs84(layer_extent(origins_src, "ORIGINS"), o_crs)
        lonlat.combineExtentWith(extent_in_wgs84(layer_extent(destinations_src, "DESTINATIONS"), d_crs))
        metric = metric_crs_for(lonlat, wgs84())
        feedback.pushInfo(f"Computing in {metric.authid()} ({metric.description()}).")
        origins = self._points(
            origins_src,
            metric,
            "ORIGINS",
            self.parameterAsString(parameters, self.ORIGIN_FIELD, context),
            context,
            feedback,
        )
        destinations = self._points(
            destinations_src,
            metric,
            "DESTINATIONS",
            self.parameterAsString(parameters, self.DESTINATION_FIELD, context),
            context,
            feedback,
        )
        if not origins or not destinations:
            raise BorderGapsError("ORIGINS and DESTINATIONS must each hold at least one point with a geometry.")
        extent = null_rectangle()
        for _, _, x, y in origins + destinations:
            extent.combineExtentWith(x, y)
        limit = None
        if parameters.get(self.EXTENT):
            limit = self.parameterAsExtent(parameters, self.EXTENT, context, metric)
            limit = None if limit.isNull() else limit
        grid = corridors.plan_grid(extent, cell_size, margin, max_cells, limit, k=k)
        feedback.pushInfo(f"Cost grid: {grid.describe(k)}.")
        feedback.setProgress(5)

        model = self._cost_model(parameters, context, feedback, metric, grid)
        border = self._border(parameters, context, feedback, metric, grid)
        if feedback.isCanceled():
            return {}
        result = corridors.trace_corridors(
            grid,
            model,
            origins,
            destinations,
            k,
            border=border,
            countries=self._countries(parameters, context, feedback, metric, grid),
            origin_country=self.parameterAsString(parameters, self.ORIGIN_COUNTRY, context),
            destination_country=self.parameterAsString(parameters, self.DESTINATION_COUNTRY, context),
            info=feedback.pushInfo,
            warn=feedback.pushWarning,
            progress=lambda f: feedback.setProgress(15 + 65 * f),
            is_canceled=feedback.isCanceled,
        )
        if feedback.isCanceled():
            return {}
        return self._write(
            parameters,
            context,
            feedback,
            metric,
            grid,
            result.routes,
            result.origins,
            result.destinations,
            model,
            border,
            o_crs,
        )

    def _cost_model(self, parameters, context, feedback, metric, grid):
        """The layers of the cost model read near the grid, handed to corridors.build_cost_model."""
        grid_extent = grid.extent
        coverage = []
        for layer in self.parameterAsLayerList(parameters, self.COVERAGE, context):
            coverage += [
                f.geometry()
                for f in self._geometries(
                    layer, metric, f"COVERAGE '{layer.name()}'", POLYGON, grid_extent, context, feedback
                )
            ]
        discs = []
        posts = self.parameterAsSource(parameters, self.POSTS, context)
        if posts is not None:
            range_field = self.parameterAsString(parameters, self.RANGE_FIELD, context)
            default_range = self.parameterAsDouble(parameters, self.DEFAULT_RANGE, context)
            grown = QgsRectangle(grid_extent)
            grown.grow(max(default_range, 0.0) + 50_000)  # posts outside the grid can still cover it
            for feature in self._geometries(posts, metric, "POSTS", POINT, grown, context, feedback):
                geom = feature.geometry()
                reach = corridors.post_reach(
                    feature[range_field] if range_field else None, default_range, range_field, feature.id()
                )
                for point in geom.asMultiPoint() if geom.isMultipart() else [geom.asPoint()]:
                    discs.append((point.x(), point.y(), reach))
            feedback.pushInfo(f"POSTS: {sum(1 for *_, reach in discs if reach > 0)} coverage disc(s).")
        roads = []
        for layer in self.parameterAsLayerList(parameters, self.ROADS, context):
            roads += [
                f.geometry()
                for f in self._geometries(
                    layer, metric, f"ROADS '{layer.name()}'", LINE, grid_extent, context, feedback
                )
            ]
        gaps = self.parameterAsSource(parameters, self.GAPS, context)
        gap_geometries = (
            [f.geometry() for f in self._geometries(gaps, metric, "GAPS", POLYGON, grid_extent, context, feedback)]
            if gaps is not None
            else []
        )
        dem = self.parameterAsRasterLayer(parameters, self.DEM, context)
        slope = (
            corridors.dem_slope(dem.source(), dem.name(), grid, metric.toWkt(), feedback.pushWarning)
            if dem is not None
            else None
        )
        return corridors.build_cost_model(
            slope=slope,
            roads=roads,
            road_factor=self.parameterAsDouble(parameters, self.ROAD_FACTOR, context),
            coverage=coverage,
            post_discs=discs,
            coverage_impassable=self.parameterAsEnum(parameters, self.COVERAGE_MODE, context) == 1,
            detection_factor=self.parameterAsDouble(parameters, self.DETECTION_FACTOR, context),
            gaps=gap_geometries,
            gap_factor=self.parameterAsDouble(parameters, self.GAP_FACTOR, context),
        )

    def _border(self, parameters, context, feedback, metric, grid):
        layer = self.parameterAsVectorLayer(parameters, self.BORDER, context)
        bundled = layer is None
        if bundled:
            layer = self._bundled_border(feedback)
            if layer is None:
                return None
        lines = [f.geometry() for f in self._geometries(layer, metric, "BORDER", LINE, grid.extent, context, feedback)]
        if not lines:
            if not bundled:
                feedback.pushWarning("BORDER has no line inside the grid: no crossing points, no side check.")
            return None
        border = QgsGeometry.unaryUnion(lines)
        if bundled:
            if not border.intersects(QgsGeometry.fromRect(grid.extent)):
                return None
            feedback.pushInfo("Using the bundled Iraq–Syria border.")
        return border

    def _countries(self, parameters, context, feedback, metric, grid):
        """(name, polygon) of each COUNTRIES feature near the grid, or None without COUNTRIES."""
        layer = self.parameterAsVectorLayer(parameters, self.COUNTRIES, context)
        polygons = None
        if layer is not None:
            field = self.parameterAsString(parameters, self.COUNTRY_FIELD, context)
            if layer.fields().indexOf(field) < 0:
                raise BorderGapsError(f"COUNTRY_FIELD '{field}' is not a field of COUNTRIES '{layer.name()}'.")
            polygons = [
                (str(f[field]), f.geometry())
                for f in self._geometries(layer, metric, "COUNTRIES", POLYGON, grid.extent, context, feedback)
            ]
        return polygons

    # --- writing -------------------------------------------------------------------------
    def _write(
        self, parameters, context, feedback, metric, grid, routes, origins, destinations, model, border, out_crs
    ):
        fields = fields_of(
            ("origin", QMetaType.Type.QString),
            ("destination", QMetaType.Type.QString),
            ("origin_fid", QMetaType.Type.LongLong),
            ("destination_fid", QMetaType.Type.LongLong),
            ("rank", QMetaType.Type.Int),
            ("cost", QMetaType.Type.Double),
            ("length_km", QMetaType.Type.Double),
            ("gaps_km", QMetaType.Type.Double),
            ("coverage_km", QMetaType.Type.Double),
            ("cross_lon", QMetaType.Type.Double),
            ("cross_lat", QMetaType.Type.Double),
        )
        sink, routes_id = self.parameterAsSink(
            parameters, self.ROUTES, context, fields, QgsWkbTypes.Type.LineString, out_crs
        )
        if sink is None:
            raise QgsProcessingException(self.invalidSinkError(parameters, self.ROUTES))
        to_out = QgsCoordinateTransform(metric, out_crs, context.transformContext())
        to_lonlat = QgsCoordinateTransform(
            metric, QgsCoordinateReferenceSystem("EPSG:4326"), context.transformContext()
        )
        in_gaps = corridors.LengthInside(model.gaps)
        in_coverage = corridors.LengthInside(model.coverage)
        for n, route in enumerate(routes, start=1):
            if feedback.isCanceled():
                return {}
            line = route.geometry()
            crossing = corridors.first_crossing(line, border)
            lon = lat = None
            if crossing is not None:
                lonlat = to_lonlat.transform(crossing)
                lon, lat = round(lonlat.x(), 6), round(lonlat.y(), 6)
            origin, destination = origins[route.origin], destinations[route.destination]
            feature = QgsFeature(fields)
            feature.setAttributes(
                [
                    origin[0],
                    destination[0],
                    origin[1],
                    destination[1],
                    route.rank,
                    round(route.cost, 1),
                    line.length() / 1000,
                    in_gaps.length(line) / 1000,
                    in_coverage.length(line) / 1000,
                    lon,
                    lat,
                ]
            )
            out = valid_output(line, to_out, LINE_TYPE, multi=False)
            if out is None:
                feedback.pushWarning(f"The route to '{destination[0]}' has no valid line in the output CRS: left out.")
                continue
            feature.setGeometry(out)
            sink.addFeature(feature, QgsFeatureSink.Flag.FastInsert)
            feedback.setProgress(80 + 15 * n / max(1, len(routes)))

        density = corridors.route_density(grid, routes, feedback.isCanceled)
        density_path = self.parameterAsOutputLayer(parameters, self.DENSITY, context)
        corridors.write_density(density_path, grid, density, metric.authid())
        feedback.pushInfo(f"Density raster: {density_path} (most routes through one cell: {int(density.max())}).")

        pinch_fields = QgsFields()
        pinch_fields.append(new_field("rank", QMetaType.Type.Int))
        pinch_fields.append(new_field("routes", QMetaType.Type.Int))
        pinch_sink, pinch_id = self.parameterAsSink(
            parameters, self.PINCH_POINTS, context, pinch_fields, QgsWkbTypes.Type.Point, out_crs
        )
        if pinch_sink is None:
            raise QgsProcessingException(self.invalidSinkError(parameters, self.PINCH_POINTS))
        ends = [(x, y) for _, _, x, y in origins + destinations]
        pinches = corridors.pinch_points(
            grid,
            density,
            self.parameterAsInt(parameters, self.PINCH_COUNT, context),
            self.parameterAsDouble(parameters, self.PINCH_SPACING, context),
            ends,
        )
        for rank, (x, y, count) in enumerate(pinches, start=1):
            feature = QgsFeature(pinch_fields)
            feature.setAttributes([rank, count])
            point = valid_output(QgsGeometry.fromPointXY(QgsPointXY(x, y)), to_out, POINT_TYPE, multi=False)
            if point is None:
                continue
            feature.setGeometry(point)
            pinch_sink.addFeature(feature, QgsFeatureSink.Flag.FastInsert)
        feedback.setProgress(100)
        return {
            self.ROUTES: routes_id,
            self.DENSITY: density_path,
            self.PINCH_POINTS: pinch_id,
            "ROUTE_COUNT": len(routes),
            "PINCH_POINT_COUNT": len(pinches),
            "GRID_COLUMNS": grid.cols,
            "GRID_ROWS": grid.rows,
        }


def _sample_extent(layer, limit=1000):
    """Bounding box of the first ``limit`` geometries (a layer's own extent can be empty when its
    coordinates are impossible for its CRS, which is what the caller looks for)."""
    box = null_rectangle()
    request = QgsFeatureRequest().setNoAttributes().setLimit(limit)
    for feature in iter_features(layer, request):
        if feature.hasGeometry():
            box.combineExtentWith(feature.geometry().boundingBox())
    return box
