"""``bordergaps:coordination``: who answers for each gap (the post of each force that reaches every
point of it soonest, and in how many minutes), the areas each post reaches first, the handover
line between the two forces and the links between posts that share a gap."""

from collections import defaultdict

from qgis.core import (
    NULL,
    QgsCoordinateTransform,
    QgsFeature,
    QgsFeatureRequest,
    QgsFeatureSink,
    QgsField,
    QgsFields,
    QgsGeometry,
    QgsPointXY,
    QgsProcessing,
    QgsProcessingOutputNumber,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterMultipleLayers,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterLayer,
    QgsProcessingParameterString,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QMetaType

from ..analysis import coordination, costgrid
from ..analysis.compat import new_field
from ..analysis.crs import metric_crs_for
from ..analysis.errors import BorderGapsError
from ..analysis.gaps import force_values
from ..analysis.inputs import read_features, source_crs
from .base import BorderGapsAlgorithm, distance_parameter, fields_of
from .postcoverage import dem_path
from .seamzones import display_name, style_output

POINT = QgsWkbTypes.GeometryType.PointGeometry
LINE = QgsWkbTypes.GeometryType.LineGeometry
POLYGON = QgsWkbTypes.GeometryType.PolygonGeometry
NUMBER = QgsProcessingParameterNumber.Type.Double
RESPONSE_FIELDS = ("a_post", "a_minutes", "b_post", "b_minutes", "first_force", "joint", "orphan")


class CoordinationAlgorithm(BorderGapsAlgorithm):
    ID = "coordination"
    DISPLAY_NAME = "Who answers for each gap"
    GROUP_ID = "coordination"
    HELP = (
        "For every gap, the post of each force (FORCE_A, FORCE_B) that reaches every point of it soonest "
        "and how long its worst corner takes; the areas each post reaches before any other; the handover "
        "line where force A's responsibility passes to force B's; and the pairs of posts across that line "
        "that share a gap and must talk to each other.\n\n"
        "Time: without ROADS and DEM, straight-line travel at SPEED_KMH (off road), and the answer is "
        "exact: a gap's farthest point from a post is a vertex of its convex hull, the areas are the "
        "Voronoi cells of the posts (GEOS) and the handover line their edges between the two forces. With "
        "ROADS (faster, ROAD_SPEED_KMH) or a DEM (slope slows movement, Tobler's hiking function as in "
        "Crossing corridors), time is a least-cost search over a grid of CELL_SIZE cells with the cost "
        "model and search of Crossing corridors: one search from all the posts of a force at once labels "
        "every cell with its nearest post; where a gap straddles two posts' areas a few searches from "
        "single posts, stopped as soon as they can be, settle which post's worst point is soonest. Every "
        "time is that of the better of the grid path and the straight line, so on open ground the grid "
        "gives the straight-line answer.\n\n"
        "STUDY_AREA: the land the areas and handover line cover; by default the gaps' extent grown by the "
        "distance covered in MAX_RESPONSE_MIN at the fastest speed. Posts outside it are skipped (each "
        "named in a warning), gaps outside it get no answer, gaps partly outside are answered for the part "
        "inside. Posts of other forces take no part.\n\n"
        "Outputs: GAP_RESPONSE, the gaps with a_post, a_minutes, b_post, b_minutes (the minimax time: to "
        "the gap's worst point from that post), first_force, joint (both within MAX_RESPONSE_MIN), orphan "
        "(neither); RESPONSIBILITY (post, force, max_minutes, area_km2), dissolved per post; HANDOVER "
        "(post_a, post_b, length_km); LINKS, a line per pair of posts of the two forces that share a gap "
        "(both answer it within MAX_RESPONSE_MIN, or the handover line between them crosses it): post_a, "
        "post_b, gaps, gap_ids, gap_km2, distance_km. Numbers: ORPHAN_GAPS, ORPHAN_KM2, JOINT_GAPS, "
        "LINK_COUNT, WORST_MINUTES (the longest first response of any gap)."
    )

    GAPS = "GAPS"
    POSTS = "POSTS"
    FORCE_FIELD = "FORCE_FIELD"
    FORCE_A = "FORCE_A"
    FORCE_B = "FORCE_B"
    POST_NAME_FIELD = "POST_NAME_FIELD"
    SPEED_KMH = "SPEED_KMH"
    ROADS = "ROADS"
    ROAD_SPEED_KMH = "ROAD_SPEED_KMH"
    DEM = "DEM"
    CELL_SIZE = "CELL_SIZE"
    MAX_RESPONSE_MIN = "MAX_RESPONSE_MIN"
    STUDY_AREA = "STUDY_AREA"
    MAX_CELLS = "MAX_CELLS"
    GAP_RESPONSE = "GAP_RESPONSE"
    RESPONSIBILITY = "RESPONSIBILITY"
    HANDOVER = "HANDOVER"
    LINKS = "LINKS"
    NUMBERS = (
        ("ORPHAN_GAPS", "Gaps neither force reaches within the maximum response time"),
        ("ORPHAN_KM2", "Area of those gaps (km²)"),
        ("JOINT_GAPS", "Gaps both forces reach within the maximum response time"),
        ("LINK_COUNT", "Links between posts of the two forces"),
        ("WORST_MINUTES", "Longest first response to any gap (minutes)"),
    )

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API name)
        add = self.add_parameter

        def number(name, label, default, minimum, help_text, advanced=False):
            param = QgsProcessingParameterNumber(name, self.tr(label), NUMBER, defaultValue=default, minValue=minimum)
            add(param, help_text, advanced)

        add(
            QgsProcessingParameterFeatureSource(
                self.GAPS, self.tr("Gap zones"), [QgsProcessing.SourceType.TypeVectorPolygon]
            ),
            "Polygons of the gaps, e.g. the output of Unmonitored gap zones (its gap_id names them).",
        )
        add(
            QgsProcessingParameterFeatureSource(
                self.POSTS, self.tr("Posts"), [QgsProcessing.SourceType.TypeVectorPoint]
            ),
            "Points of the posts of both forces (and others, which take no part).",
        )
        add(
            QgsProcessingParameterField(self.FORCE_FIELD, self.tr("Force field"), "force", self.POSTS),
            "Field of POSTS naming the force that holds each post.",
        )
        add(
            QgsProcessingParameterString(self.FORCE_A, self.tr("Force A value(s), comma-separated"), "Peshmerga"),
            "Value(s) of FORCE_FIELD for force A, e.g. 'Peshmerga' (compared without regard to case).",
        )
        add(
            QgsProcessingParameterString(self.FORCE_B, self.tr("Force B value(s), comma-separated"), "ISF"),
            "Value(s) of FORCE_FIELD for force B, e.g. 'ISF, PMF'.",
        )
        add(
            QgsProcessingParameterField(
                self.POST_NAME_FIELD, self.tr("Post name field"), None, self.POSTS, optional=True
            ),
            "Field naming each post in the outputs. Empty: the field 'name' when there is one, else the force "
            "and the feature id.",
        )
        number(
            self.SPEED_KMH,
            "Off-road speed (km/h)",
            15.0,
            0.0,
            "How fast a response team crosses open flat ground, km/h; more than 0.",
        )
        add(
            QgsProcessingParameterMultipleLayers(
                self.ROADS, self.tr("Roads and tracks"), QgsProcessing.SourceType.TypeVectorLine, optional=True
            ),
            "Lines along which a team moves at ROAD_SPEED_KMH. With ROADS (or a DEM) time is measured over a grid.",
        )
        number(
            self.ROAD_SPEED_KMH,
            "Road speed (km/h)",
            50.0,
            0.0,
            "Speed on ROADS, km/h; more than 0 (and usually more than SPEED_KMH).",
        )
        add(
            QgsProcessingParameterRasterLayer(self.DEM, self.tr("Elevation model (DEM)"), optional=True),
            "A GDAL elevation raster in metres: slope slows movement (time × exp(3.5 × slope), as in "
            "Crossing corridors). Cells it does not cover count as flat.",
        )
        # metres whatever the layers' CRS: not linked to GAPS, whose units the dialog would show (degrees)
        cell = distance_parameter(self.CELL_SIZE, self.tr("Cell size"), 100.0, minimum=1.0)
        add(
            cell,
            "Side of a grid cell in metres, used only with ROADS or a DEM. Halving it quadruples time and memory.",
        )
        number(
            self.MAX_RESPONSE_MIN,
            "Maximum response time (minutes)",
            60.0,
            0.0,
            "A force answers for a gap when its post reaches every point of it within this many minutes: both "
            "do for a joint gap, neither for an orphan gap.",
        )
        add(
            QgsProcessingParameterFeatureSource(
                self.STUDY_AREA,
                self.tr("Study area"),
                [QgsProcessing.SourceType.TypeVectorPolygon],
                optional=True,
            ),
            "Polygons the responsibility areas and the handover line cover. Empty: the gaps' extent grown by "
            "the distance covered in MAX_RESPONSE_MIN at the fastest speed.",
        )
        number(
            self.MAX_CELLS,
            "Maximum grid cells",
            float(costgrid.DEFAULT_MAX_CELLS),
            1.0,
            "Largest grid accepted (with ROADS or a DEM); a larger one is refused before memory is used.",
            advanced=True,
        )
        for key, label, kind, text in (
            (
                self.GAP_RESPONSE,
                "Gap response",
                QgsProcessing.SourceType.TypeVectorPolygon,
                "The gaps with the answering post of each force and its minutes, first_force, joint, orphan.",
            ),
            (
                self.RESPONSIBILITY,
                "Responsibility areas",
                QgsProcessing.SourceType.TypeVectorPolygon,
                "The land each post reaches first: post, force, max_minutes, area_km2.",
            ),
            (
                self.HANDOVER,
                "Handover line",
                QgsProcessing.SourceType.TypeVectorLine,
                "Where responsibility passes from a force-A post to a force-B post: post_a, post_b, length_km.",
            ),
            (
                self.LINKS,
                "Links between posts",
                QgsProcessing.SourceType.TypeVectorLine,
                "A line per pair of posts of the two forces that share gaps: post_a, post_b, gaps, gap_ids, "
                "gap_km2, distance_km.",
            ),
        ):
            add(QgsProcessingParameterFeatureSink(key, self.tr(label), kind), text)
        for key, label in self.NUMBERS:
            self.addOutput(QgsProcessingOutputNumber(key, self.tr(label)))

    # --- checks ---------------------------------------------------------------------------------
    def checkParameterValues(self, parameters, context):  # noqa: N802 (QGIS API name)
        ok, message = super().checkParameterValues(parameters, context)
        if not ok:
            return ok, message
        try:
            self._check(parameters, context)
        except BorderGapsError as err:
            return False, err.message
        return True, ""

    def _uses_grid(self, parameters, context):
        return bool(self.parameterAsLayerList(parameters, self.ROADS, context)) or (
            self.parameterAsRasterLayer(parameters, self.DEM, context) is not None
        )

    def _check(self, parameters, context):
        """Cheap checks, before anything is read: speeds, times, fields and force values."""
        for key, what in ((self.SPEED_KMH, "off-road speed"), (self.MAX_RESPONSE_MIN, "maximum response time")):
            value = self.parameterAsDouble(parameters, key, context)
            if not value > 0:
                raise BorderGapsError(f"{key} must be more than 0 (got {value:g}): it is the {what}.")
        grid = self._uses_grid(parameters, context)
        if grid:
            road = self.parameterAsDouble(parameters, self.ROAD_SPEED_KMH, context)
            if not road > 0:
                raise BorderGapsError(f"ROAD_SPEED_KMH must be more than 0 (got {road:g}): it is the speed on ROADS.")
            problem = costgrid.missing_dependencies("Coordination with ROADS or a DEM")
            if problem:
                raise BorderGapsError(problem + " Without ROADS and DEM it needs neither.")
        posts = self.parameterAsSource(parameters, self.POSTS, context)
        if posts is None:
            raise BorderGapsError("POSTS could not be read. Choose a point layer of the posts.")
        name = self._name(parameters, self.POSTS, context, posts)
        for key in (self.FORCE_FIELD, self.POST_NAME_FIELD):
            field = self.parameterAsString(parameters, key, context)
            if (field or key == self.FORCE_FIELD) and posts.fields().lookupField(field) < 0:
                names = ", ".join(f"'{f.name()}'" for f in posts.fields()) or "none"
                raise BorderGapsError(
                    f"Field '{field}' ({key}) is not in layer '{name}'. Its fields are: {names}. Choose one of them."
                )
        force_field = self.parameterAsString(parameters, self.FORCE_FIELD, context)
        coordination.check_forces(
            posts.uniqueValues(posts.fields().lookupField(force_field)),
            name,
            force_field,
            force_values(self.parameterAsString(parameters, self.FORCE_A, context)),
            force_values(self.parameterAsString(parameters, self.FORCE_B, context)),
        )
        gaps = self.parameterAsSource(parameters, self.GAPS, context)
        if gaps is None:
            raise BorderGapsError("GAPS could not be read. Choose a polygon layer of gap zones.")

    def _name(self, parameters, key, context, source):
        layer = self.parameterAsVectorLayer(parameters, key, context)
        return display_name(layer) if layer is not None else (source.sourceName() if source else key)

    # --- running --------------------------------------------------------------------------------
    def execute(self, parameters, context, feedback):
        self._check(parameters, context)  # also when run without checkParameterValues
        gaps_src = self.parameterAsSource(parameters, self.GAPS, context)
        posts_src = self.parameterAsSource(parameters, self.POSTS, context)
        gaps_name = self._name(parameters, self.GAPS, context, gaps_src)
        posts_name = self._name(parameters, self.POSTS, context, posts_src)
        speed = self.parameterAsDouble(parameters, self.SPEED_KMH, context)
        max_minutes = self.parameterAsDouble(parameters, self.MAX_RESPONSE_MIN, context)
        use_grid = self._uses_grid(parameters, context)
        road_speed = self.parameterAsDouble(parameters, self.ROAD_SPEED_KMH, context)
        out_crs = gaps_src.sourceCrs()
        if not out_crs.isValid():
            raise BorderGapsError(
                f"Layer '{gaps_name}' (GAPS) has no coordinate reference system. Set its CRS in the layer "
                "properties (Source → Assigned CRS) and run again."
            )
        if gaps_src.featureCount() == 0:
            raise BorderGapsError(f"Layer '{gaps_name}' (GAPS) has no features: give the gap polygons to answer for.")
        metric = metric_crs_for(gaps_src.sourceExtent(), out_crs)
        feedback.pushInfo(f"Computing in {metric.authid()} ({metric.description()}).")

        gap_features = self._read(gaps_src, metric, gaps_name, POLYGON, context, feedback)
        if not gap_features:
            raise BorderGapsError(
                f"Layer '{gaps_name}' (GAPS) has no polygon with a usable geometry (see the log): nothing to "
                "answer for."
            )
        posts = self._posts(parameters, context, feedback, posts_src, posts_name, metric)
        feedback.setProgress(5)
        fastest = max(speed, road_speed if self.parameterAsLayerList(parameters, self.ROADS, context) else 0.0)
        study = self._study_area(parameters, context, feedback, metric, gap_features, fastest, max_minutes)
        posts = self._posts_inside(posts, study, posts_name, feedback)
        self._log_shared_places(posts, feedback)
        gaps = self._gaps_inside(gap_features, study, feedback)
        if feedback.isCanceled():
            return {}

        grid = cost = None
        if use_grid:
            grid, cost = self._cost_grid(parameters, context, feedback, metric, study, speed, road_speed)
        feedback.setProgress(10)
        result = coordination.coordinate(
            gaps,
            posts,
            study,
            speed,
            max_minutes,
            grid,
            cost,
            progress=lambda f: feedback.setProgress(10 + 80 * f),
            is_canceled=feedback.isCanceled,
            log=feedback.pushInfo,
        )
        if result is None or feedback.isCanceled():
            return {}
        return self._write(
            parameters, context, feedback, metric, out_crs, gap_features, gaps, posts, result, max_minutes
        )

    @staticmethod
    def _read(source, metric, name, geometry_type, context, feedback, request=None):
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

    def _posts(self, parameters, context, feedback, source, name, metric):
        force_field = self.parameterAsString(parameters, self.FORCE_FIELD, context)
        force_a = force_values(self.parameterAsString(parameters, self.FORCE_A, context))
        force_b = force_values(self.parameterAsString(parameters, self.FORCE_B, context))
        name_field = self.parameterAsString(parameters, self.POST_NAME_FIELD, context)
        if not name_field and source.fields().lookupField("name") >= 0:
            name_field = "name"
        rows, others = [], {}
        for feature in self._read(source, metric, name, POINT, context, feedback):
            force = feature[force_field]
            side = coordination.side_of(force, force_a, force_b)
            if side is None:
                key = "no value" if force in (None, NULL, "") else str(force)
                others[key] = others.get(key, 0) + 1
                continue
            label = feature[name_field] if name_field else None
            if label in (None, NULL) or str(label).strip() == "":
                label = f"{force} #{feature.id()}"
            geom = feature.geometry()
            point = geom.asMultiPoint()[0] if geom.isMultipart() else geom.asPoint()
            rows.append((str(label), str(force), side, point.x(), point.y(), feature.id()))
        if others:
            listed = ", ".join(f"{n} {force}" for force, n in sorted(others.items()))
            feedback.pushInfo(f"POSTS: {sum(others.values())} post(s) of other forces take no part ({listed}).")
        labels = coordination.unique_labels([r[0] for r in rows], [r[5] for r in rows])
        posts = [coordination.Post(label, r[1], r[2], r[3], r[4]) for label, r in zip(labels, rows)]
        for side, key in ((0, self.FORCE_A), (1, self.FORCE_B)):
            if not any(p.side == side for p in posts):
                raise BorderGapsError(
                    f"No post of force {key[-1]} ({key}) in layer '{name}' has a usable geometry (see the log)."
                )
        return posts

    def _study_area(self, parameters, context, feedback, metric, gap_features, fastest, max_minutes):
        source = self.parameterAsSource(parameters, self.STUDY_AREA, context)
        if source is None:
            margin = coordination.metres_per_minute(fastest) * max_minutes
            feedback.pushInfo(
                f"Study area: the gaps' extent grown by {margin / 1000:.1f} km (MAX_RESPONSE_MIN at {fastest:g} km/h)."
            )
            return coordination.default_study_area([f.geometry() for f in gap_features], margin)
        name = self._name(parameters, self.STUDY_AREA, context, source)
        parts = [f.geometry() for f in self._read(source, metric, name, POLYGON, context, feedback)]
        if not parts:
            raise BorderGapsError(
                f"STUDY_AREA '{name}' has no polygon with a usable geometry: give one, or leave it empty."
            )
        study = QgsGeometry.unaryUnion(parts)
        return study if study.isGeosValid() else study.makeValid()

    @staticmethod
    def _posts_inside(posts, study, posts_name, feedback):
        engine = QgsGeometry.createGeometryEngine(study.constGet())
        engine.prepareGeometry()
        inside, outside = [], []
        for post in posts:
            point = QgsGeometry.fromPointXY(QgsPointXY(post.x, post.y))  # held: constGet() of a temporary dangles
            (inside if engine.intersects(point.constGet()) else outside).append(post)
        outside = [p.label for p in outside]
        if outside:
            feedback.pushWarning(
                f"POSTS: {len(outside)} post(s) of layer '{posts_name}' lie outside the study area and are skipped: "
                f"{coordination.named_list(outside)}. Give a STUDY_AREA that holds them to count them."
            )
        for side, key in ((0, "FORCE_A"), (1, "FORCE_B")):
            if not any(p.side == side for p in inside):
                raise BorderGapsError(
                    f"No post of force {key[-1]} ({key}) lies in the study area, so no time to the gaps can be "
                    "given for that force: give a STUDY_AREA that holds its posts (or a larger MAX_RESPONSE_MIN)."
                )
        return inside

    @staticmethod
    def _log_shared_places(posts, feedback):
        """Name the posts that stand at one place (a joint checkpoint): they share one area."""
        places = defaultdict(list)
        for post in posts:
            places[(round(post.x, 3), round(post.y, 3))].append(post.label)
        shared = [" = ".join(sorted(labels)) for labels in places.values() if len(labels) > 1]
        if shared:
            feedback.pushInfo(
                f"POSTS: {len(shared)} place(s) hold more than one post, which share one responsibility area "
                f"named after one of them: {coordination.named_list(shared)}."
            )

    @staticmethod
    def _gap_label(feature):
        index = feature.fields().lookupField("gap_id")
        value = feature.attribute(index) if index >= 0 else None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return f"gap {value}" if value not in (None, NULL) else f"feature {feature.id()}"

    def _gaps_inside(self, features, study, feedback):
        engine = QgsGeometry.createGeometryEngine(study.constGet())
        engine.prepareGeometry()
        gaps, outside, partly = [], [], 0
        for feature in features:
            geom = feature.geometry()
            if engine.contains(geom.constGet()):
                gaps.append(geom)
                continue
            clipped = coordination.polygon_parts(geom.intersection(study))
            if clipped.isEmpty():
                outside.append(self._gap_label(feature))
                gaps.append(None)
            else:
                partly += 1
                gaps.append(clipped)
        if outside:
            feedback.pushWarning(
                f"GAPS: {len(outside)} gap(s) lie outside the study area and get no answer: "
                f"{coordination.named_list(outside)}."
            )
        if partly:
            feedback.pushInfo(f"GAPS: {partly} gap(s) reach beyond the study area: answered for the part inside.")
        return gaps

    def _cost_grid(self, parameters, context, feedback, metric, study, speed, road_speed):
        grid = costgrid.plan_grid(
            study.boundingBox(),
            self.parameterAsDouble(parameters, self.CELL_SIZE, context),
            0.0,
            int(self.parameterAsDouble(parameters, self.MAX_CELLS, context)),
            smaller_area_hint="a smaller STUDY_AREA",
        )
        feedback.pushInfo(f"Cost grid: {grid.describe()}.")
        roads = []
        for layer in self.parameterAsLayerList(parameters, self.ROADS, context):
            request = QgsFeatureRequest()
            crs = source_crs(layer)
            if crs.isValid():
                to_layer = QgsCoordinateTransform(metric, crs, context.transformContext())
                request.setFilterRect(to_layer.transformBoundingBox(grid.extent))
            name = f"ROADS '{display_name(layer)}'"
            roads += [f.geometry() for f in self._read(layer, metric, name, LINE, context, feedback, request)]
        dem = self.parameterAsRasterLayer(parameters, self.DEM, context)
        slope = None
        if dem is not None:
            slope = costgrid.dem_slope(dem_path(dem), dem.name(), grid, metric.toWkt(), feedback.pushWarning)
        model = costgrid.build_cost_model(slope=slope, roads=roads, road_factor=speed / road_speed)
        cost = costgrid.cost_surface(grid, model)
        feedback.pushInfo(
            f"Cost model: {len(roads)} road line(s) at {road_speed:g} km/h (cost × {speed / road_speed:.3g}), "
            f"{'slope from the DEM' if slope is not None else 'no DEM'}; off road {speed:g} km/h."
        )
        return grid, cost

    # --- writing --------------------------------------------------------------------------------
    def _sink(self, parameters, key, context, fields, wkb, crs):
        sink, dest = self.parameterAsSink(parameters, key, context, fields, wkb, crs)
        if sink is None:
            raise BorderGapsError(f"The {key} layer could not be created. Check the output path.")
        return sink, dest

    @staticmethod
    def _add(sink, fields, geometry, attributes, to_out):
        """Write one feature, its geometry taken to the output CRS and valid for GEOS; False (nothing
        written) when no geometry of the sink's type is left, e.g. a link between two posts at one place."""
        out = QgsGeometry(geometry)
        out.transform(to_out)
        if not out.isGeosValid():
            out = out.makeValid()
            if geometry.type() == POLYGON:  # only the polygons a repair leaves
                out = coordination.polygon_parts(out)
            if geometry.isMultipart():
                out.convertToMultiType()
        if out.isEmpty() or out.type() != geometry.type() or not out.isGeosValid():
            return False
        feature = QgsFeature(fields)
        feature.setGeometry(out)
        feature.setAttributes(attributes)
        return sink.addFeature(feature, QgsFeatureSink.Flag.FastInsert)

    def _write(self, parameters, context, feedback, metric, out_crs, gap_features, gaps, posts, result, max_minutes):
        to_out = QgsCoordinateTransform(metric, out_crs, context.transformContext())
        source_fields = gap_features[0].fields()
        fields = QgsFields()
        for f in source_fields:
            if f.name() not in RESPONSE_FIELDS and f.name().lower() != "fid":
                fields.append(QgsField(f))
        has_gap_id = fields.lookupField("gap_id") >= 0
        if not has_gap_id:
            fields.append(new_field("gap_id", QMetaType.Type.LongLong))
        for field in fields_of(
            ("a_post", QMetaType.Type.QString),
            ("a_minutes", QMetaType.Type.Double),
            ("b_post", QMetaType.Type.QString),
            ("b_minutes", QMetaType.Type.Double),
            ("first_force", QMetaType.Type.QString),
            ("joint", QMetaType.Type.Bool),
            ("orphan", QMetaType.Type.Bool),
        ):
            fields.append(field)
        sink, gaps_id = self._sink(
            parameters, self.GAP_RESPONSE, context, fields, QgsWkbTypes.Type.MultiPolygon, out_crs
        )
        kept = [f.name() for f in fields if source_fields.lookupField(f.name()) >= 0]
        orphans, orphan_m2, joint_count, worst = 0, 0.0, 0, None
        for feature, answer in zip(gap_features, result.answers):
            if feedback.isCanceled():
                return {}
            values = [feature[name] for name in kept] + ([] if has_gap_id else [feature.id()])
            if answer is None:
                values += [NULL] * len(RESPONSE_FIELDS)
            else:
                within = [m is not None and m <= max_minutes for m in answer.minutes]
                first = answer.first_side()
                values += [
                    posts[answer.post[0]].label if answer.post[0] is not None else NULL,
                    round(answer.minutes[0], 2) if answer.minutes[0] is not None else NULL,
                    posts[answer.post[1]].label if answer.post[1] is not None else NULL,
                    round(answer.minutes[1], 2) if answer.minutes[1] is not None else NULL,
                    posts[answer.post[first]].force if first is not None else NULL,
                    all(within),
                    not any(within),
                ]
                joint_count += all(within)
                if not any(within):
                    orphans += 1
                    orphan_m2 += feature.geometry().area()
                if first is not None:
                    soonest = answer.minutes[first]
                    worst = soonest if worst is None else max(worst, soonest)
            geometry = QgsGeometry(feature.geometry())
            geometry.convertToMultiType()
            self._add(sink, fields, geometry, values, to_out)
        feedback.setProgress(93)

        area_fields = fields_of(
            ("post", QMetaType.Type.QString),
            ("force", QMetaType.Type.QString),
            ("max_minutes", QMetaType.Type.Double),
            ("area_km2", QMetaType.Type.Double),
        )
        sink, areas_id = self._sink(
            parameters, self.RESPONSIBILITY, context, area_fields, QgsWkbTypes.Type.MultiPolygon, out_crs
        )
        for area in result.areas:
            geometry = QgsGeometry(area.geometry)
            geometry.convertToMultiType()
            post = posts[area.post]
            self._add(
                sink, area_fields, geometry, [post.label, post.force, round(area.max_minutes, 2), area.area_km2], to_out
            )

        line_fields = fields_of(
            ("post_a", QMetaType.Type.QString), ("post_b", QMetaType.Type.QString), ("length_km", QMetaType.Type.Double)
        )
        sink, handover_id = self._sink(
            parameters, self.HANDOVER, context, line_fields, QgsWkbTypes.Type.MultiLineString, out_crs
        )
        for line in result.handover:
            geometry = QgsGeometry(line.geometry)
            geometry.convertToMultiType()
            attributes = [posts[line.post_a].label, posts[line.post_b].label, line.geometry.length() / 1000]
            self._add(sink, line_fields, geometry, attributes, to_out)

        link_fields = fields_of(
            ("post_a", QMetaType.Type.QString),
            ("post_b", QMetaType.Type.QString),
            ("gaps", QMetaType.Type.Int),
            ("gap_ids", QMetaType.Type.QString),
            ("gap_km2", QMetaType.Type.Double),
            ("distance_km", QMetaType.Type.Double),
        )
        sink, links_id = self._sink(parameters, self.LINKS, context, link_fields, QgsWkbTypes.Type.LineString, out_crs)
        gap_ids = [self._gap_label(f).split(" ", 1)[1] for f in gap_features]
        links, at_one_place = 0, []
        for link in result.links:
            a, b = posts[link.post_a], posts[link.post_b]
            geometry = QgsGeometry.fromPolylineXY([QgsPointXY(a.x, a.y), QgsPointXY(b.x, b.y)])
            attributes = [
                a.label,
                b.label,
                len(link.gaps),
                ", ".join(gap_ids[g] for g in link.gaps),
                link.gap_m2 / 1e6,
                link.distance_m / 1000,
            ]
            if self._add(sink, link_fields, geometry, attributes, to_out):
                links += 1
            else:
                at_one_place.append(f"{a.label} | {b.label}")
        if at_one_place:
            feedback.pushWarning(
                f"LINKS: {len(at_one_place)} pair(s) of posts share gaps but stand at one place, so no line can be "
                f"drawn between them and they are not counted as links: {coordination.named_list(at_one_place)}."
            )

        feedback.pushInfo(
            f"{len(gap_features)} gap(s): {joint_count} joint, {orphans} orphan (beyond {max_minutes:g} min for both "
            f"forces); {len(result.areas)} responsibility area(s), {len(result.handover)} handover line(s), "
            f"{links} link(s)."
        )
        for key, qml in (
            (gaps_id, "gap_response.qml"),
            (areas_id, "responsibility.qml"),
            (handover_id, "handover.qml"),
            (links_id, "links.qml"),
        ):
            style_output(context, key, qml)
        feedback.setProgress(100)
        return {
            self.GAP_RESPONSE: gaps_id,
            self.RESPONSIBILITY: areas_id,
            self.HANDOVER: handover_id,
            self.LINKS: links_id,
            "ORPHAN_GAPS": orphans,
            "ORPHAN_KM2": orphan_m2 / 1e6,
            "JOINT_GAPS": joint_count,
            "LINK_COUNT": links,
            "WORST_MINUTES": round(worst, 2) if worst is not None else None,
        }
