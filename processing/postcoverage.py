"""bordergaps:postcoverage: what each post covers (range disc, sector, or terrain viewshed
over a DEM), per post and merged, with an optional count-of-posts raster."""

import math

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsFeature,
    QgsFeatureSink,
    QgsProcessing,
    QgsProcessingOutputNumber,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterRasterDestination,
    QgsProcessingParameterRasterLayer,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QMetaType

from ..analysis import coverage
from ..analysis.crs import layer_extent, metric_crs_for
from ..analysis.errors import BorderGapsError
from ..analysis.geometry import MAX_DISTANCE_M, POLYGON_TYPE, valid_output
from ..analysis.inputs import read_features, source_crs
from .base import MAX_HEIGHT_M, BorderGapsAlgorithm, distance_parameter, fields_of

POINT = QgsWkbTypes.GeometryType.PointGeometry


def _number(value):
    """A float from an attribute, or None for NULL/empty/non-numeric."""
    if value is None or (hasattr(value, "isNull") and value.isNull()):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def dem_path(layer) -> str:
    """The file of a raster layer that rasterio can open, or a BorderGapsError."""
    if layer.providerType() != "gdal":
        raise BorderGapsError(
            f"The DEM '{layer.name()}' is not a GDAL raster file (provider "
            f"'{layer.providerType()}'). Save it as a GeoTIFF and choose that file."
        )
    return layer.source().split("|")[0]


def read_posts(
    source, metric, range_field, default_range, start_field, end_field, context, feedback, layer_name="POSTS"
):
    """Posts of ``source`` in ``metric`` as analysis.coverage.Post, with warnings for skipped ones."""
    result = read_features(
        source, metric, layer_name, POINT, is_canceled=feedback.isCanceled, transform_context=context.transformContext()
    )
    for line in result.log_lines():
        feedback.pushInfo(line)
    names = source.fields().names()
    posts, no_range, too_far = [], [], []
    for feature in result.features:
        point = (
            feature.geometry().asMultiPoint()[0] if feature.geometry().isMultipart() else feature.geometry().asPoint()
        )
        range_m = _number(feature[range_field]) if range_field else None
        if range_m is None or range_m <= 0:
            range_m = default_range
        if range_m <= 0:
            no_range.append(str(feature.id()))
            continue
        if range_m > MAX_DISTANCE_M:
            too_far.append(str(feature.id()))
            continue
        sector = None
        if start_field and end_field:
            start, end = _number(feature[start_field]), _number(feature[end_field])
            if start is not None and end is not None:
                sector = (start, end)
        attributes = {key: feature[key] for key in ("kind", "force") if key in names}
        posts.append(coverage.Post(int(feature.id()), point.x(), point.y(), range_m, sector, attributes))
    if no_range:
        feedback.pushWarning(
            f"{layer_name}: skipped {len(no_range)} post(s) with no range (ids "
            f"{', '.join(no_range[:10])}{'…' if len(no_range) > 10 else ''}): fill "
            "RANGE_FIELD or set DEFAULT_RANGE above 0."
        )
    if too_far:
        feedback.pushWarning(
            f"{layer_name}: skipped {len(too_far)} post(s) whose {range_field} is above {MAX_DISTANCE_M / 1000:g} km "
            f"(ids {', '.join(too_far[:10])}{'…' if len(too_far) > 10 else ''}): ranges are computed in the UTM "
            "zone of the data, true only within about that distance."
        )
    return posts


class PostCoverageAlgorithm(BorderGapsAlgorithm):
    ID = "postcoverage"
    DISPLAY_NAME = "Coverage from posts"
    GROUP_ID = "coverage"
    HELP = (
        "What each observation post covers. Without a DEM: a disc of the post's range, or the sector "
        "between two azimuths (degrees clockwise from north, from SECTOR_START_FIELD clockwise to "
        "SECTOR_END_FIELD; equal values or empty ones mean the full circle). With a DEM: the terrain "
        "viewshed within that range and sector, for an observer OBSERVER_HEIGHT m above the ground and a "
        "target TARGET_HEIGHT m above the ground, with earth curvature and refraction (k = 0.13) when "
        "CURVATURE is on.\n\n"
        "The viewshed is the reference-plane sweep (Wang, Robinson & White 2000; the algorithm of GDAL's "
        "viewshed), run on a window of the DEM clipped to each post's range: the DEM is never read whole. "
        "A DEM in a geographic CRS is warped to the UTM zone of the posts on the fly. Posts outside the DEM "
        "or standing on a no-data cell are skipped with a warning. The DEM path needs the Python package "
        "rasterio; without it the algorithm says what to install, and range discs still work.\n\n"
        "Outputs: OUTPUT_PER_POST, one (multi)polygon per post (post_id, kind, force, range_m, sector, "
        "method, area_km2); OUTPUT_MERGED, the union of all coverage as one feature (posts, area_km2), "
        "ready for the COVERAGE input of Unmonitored gap zones; OUTPUT_COUNT (with a DEM), a GeoTIFF "
        "counting the posts that see each cell. Areas are km² in the UTM zone of the data (the DEM's own "
        "projected CRS when it has one)."
    )

    POSTS = "POSTS"
    RANGE_FIELD = "RANGE_FIELD"
    DEFAULT_RANGE = "DEFAULT_RANGE"
    SECTOR_START_FIELD = "SECTOR_START_FIELD"
    SECTOR_END_FIELD = "SECTOR_END_FIELD"
    DEM = "DEM"
    OBSERVER_HEIGHT = "OBSERVER_HEIGHT"
    TARGET_HEIGHT = "TARGET_HEIGHT"
    CURVATURE = "CURVATURE"
    OUTPUT_PER_POST = "OUTPUT_PER_POST"
    OUTPUT_MERGED = "OUTPUT_MERGED"
    OUTPUT_COUNT = "OUTPUT_COUNT"

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API name)
        add = self.add_parameter

        add(
            QgsProcessingParameterFeatureSource(
                self.POSTS, self.tr("Posts"), [QgsProcessing.SourceType.TypeVectorPoint]
            ),
            "Observation posts (points). Fields 'kind' and 'force', when present, are copied to the output.",
        )
        add(
            QgsProcessingParameterField(
                self.RANGE_FIELD,
                self.tr("Range field (m)"),
                parentLayerParameterName=self.POSTS,
                type=QgsProcessingParameterField.DataType.Numeric,
                optional=True,
            ),
            "Numeric field with each post's range in metres; empty or non-positive values use DEFAULT_RANGE.",
        )
        add(
            distance_parameter(self.DEFAULT_RANGE, self.tr("Default range"), 5000.0, 0.0),
            "Range in metres of posts without a value in RANGE_FIELD (at most 500 km).",
        )
        add(
            QgsProcessingParameterField(
                self.SECTOR_START_FIELD,
                self.tr("Sector start azimuth field (°)"),
                parentLayerParameterName=self.POSTS,
                type=QgsProcessingParameterField.DataType.Numeric,
                optional=True,
            ),
            "Numeric field: azimuth where the post's field of view starts, degrees clockwise from north. "
            "The sector runs clockwise from start to end. Needs SECTOR_END_FIELD.",
        )
        add(
            QgsProcessingParameterField(
                self.SECTOR_END_FIELD,
                self.tr("Sector end azimuth field (°)"),
                parentLayerParameterName=self.POSTS,
                type=QgsProcessingParameterField.DataType.Numeric,
                optional=True,
            ),
            "Numeric field: azimuth where the post's field of view ends, degrees clockwise from north.",
        )
        add(
            QgsProcessingParameterRasterLayer(self.DEM, self.tr("Elevation model (DEM)"), optional=True),
            "A GDAL raster file of ground heights in metres (e.g. SRTM, Copernicus DEM). Empty: range discs "
            "and sectors, ignoring terrain.",
        )
        add(
            distance_parameter(self.OBSERVER_HEIGHT, self.tr("Observer height"), 5.0, 0.0, MAX_HEIGHT_M),
            "Height of the observer's eye or camera above the ground at the post, in metres.",
        )
        add(
            distance_parameter(self.TARGET_HEIGHT, self.tr("Target height"), 1.7, 0.0, MAX_HEIGHT_M),
            "Height above the ground of what must be seen (1.7 m: a standing person; 0: the ground itself).",
        )
        add(
            QgsProcessingParameterBoolean(self.CURVATURE, self.tr("Earth curvature and refraction"), defaultValue=True),
            "Lower distant ground by (1 − k)·d²/(2R), refraction k = 0.13: an eye 5 m up sees flat ground to "
            "about 8.6 km.",
        )
        add(
            QgsProcessingParameterFeatureSink(
                self.OUTPUT_PER_POST, self.tr("Coverage per post"), QgsProcessing.SourceType.TypeVectorPolygon
            ),
            "One (multi)polygon per post: post_id (the post's feature id), kind, force, range_m, sector, "
            "method (range or viewshed), area_km2.",
        )
        add(
            QgsProcessingParameterFeatureSink(
                self.OUTPUT_MERGED, self.tr("Merged coverage"), QgsProcessing.SourceType.TypeVectorPolygon
            ),
            "The union of all posts' coverage as one feature (kind, posts, area_km2).",
        )
        count = QgsProcessingParameterRasterDestination(
            self.OUTPUT_COUNT, self.tr("Posts seeing each cell"), optional=True, createByDefault=False
        )
        add(count, "With a DEM: a GeoTIFF (uint16) on the DEM's grid counting the posts that see each cell.")
        for name, label in (
            ("POST_COUNT", "Posts computed"),
            ("SKIPPED_COUNT", "Posts skipped"),
            ("MERGED_AREA_KM2", "Merged coverage area (km²)"),
        ):
            self.addOutput(QgsProcessingOutputNumber(name, self.tr(label)))

    def checkParameterValues(self, parameters, context):  # noqa: N802 (QGIS API name)
        ok, message = super().checkParameterValues(parameters, context)  # outputs vs inputs, geometry types
        if not ok:
            return ok, message
        start = self.parameterAsString(parameters, self.SECTOR_START_FIELD, context)
        end = self.parameterAsString(parameters, self.SECTOR_END_FIELD, context)
        if bool(start) != bool(end):
            return False, self.tr(
                "A sector needs both SECTOR_START_FIELD and SECTOR_END_FIELD; choose the "
                "other one too, or neither for full circles."
            )
        dem = self.parameterAsRasterLayer(parameters, self.DEM, context)
        if dem is not None and coverage.rasterio is None:
            return False, self.tr(coverage.RASTERIO_MISSING)
        default_range = self.parameterAsDouble(parameters, self.DEFAULT_RANGE, context)
        if not self.parameterAsString(parameters, self.RANGE_FIELD, context) and default_range <= 0:
            return False, self.tr("DEFAULT_RANGE is 0 and no RANGE_FIELD is chosen: give the posts' range in metres.")
        return True, ""

    def execute(self, parameters, context, feedback):
        return self.post_coverage(parameters, context, feedback)

    def post_coverage(self, parameters, context, feedback):
        source = self.parameterAsSource(parameters, self.POSTS, context)
        if source is None:
            raise BorderGapsError("POSTS must be a point layer that can be read.")
        crs = source_crs(source)
        if not crs.isValid():
            raise BorderGapsError(
                "Layer POSTS has no coordinate reference system. Set its CRS in the layer "
                "properties (Source → Assigned CRS) and run again."
            )
        if source.featureCount() == 0:
            raise BorderGapsError("Layer POSTS has no features: give at least one post.")
        range_field = self.parameterAsString(parameters, self.RANGE_FIELD, context)
        default_range = self.parameterAsDouble(parameters, self.DEFAULT_RANGE, context)
        start_field = self.parameterAsString(parameters, self.SECTOR_START_FIELD, context)
        end_field = self.parameterAsString(parameters, self.SECTOR_END_FIELD, context)
        if bool(start_field) != bool(end_field):
            raise BorderGapsError("A sector needs both SECTOR_START_FIELD and SECTOR_END_FIELD.")
        dem_layer = self.parameterAsRasterLayer(parameters, self.DEM, context)
        metric = metric_crs_for(layer_extent(source, "POSTS"), crs, "POSTS")

        dem = None
        if dem_layer is not None:
            coverage.require_rasterio()
            dem = coverage.DemCoverage(
                dem_path(dem_layer),
                observer_height=self.parameterAsDouble(parameters, self.OBSERVER_HEIGHT, context),
                target_height=self.parameterAsDouble(parameters, self.TARGET_HEIGHT, context),
                curvature=self.parameterAsBoolean(parameters, self.CURVATURE, context),
                metric_epsg=int(metric.authid().split(":")[1]),
                layer_name=dem_layer.name(),
            )
            metric = QgsCoordinateReferenceSystem.fromWkt(dem.crs_wkt)
            if dem.warped:
                feedback.pushInfo(
                    f"The DEM is not in metres: warping it to {dem_layer.name()} → "
                    f"{metric.authid() or metric.description()} window by window."
                )
        try:
            return self._compute(
                parameters,
                context,
                feedback,
                source,
                crs,
                metric,
                dem,
                range_field,
                default_range,
                start_field,
                end_field,
            )
        finally:
            if dem is not None:
                dem.close()

    def _compute(
        self,
        parameters,
        context,
        feedback,
        source,
        crs,
        metric,
        dem,
        range_field,
        default_range,
        start_field,
        end_field,
    ):
        feedback.pushInfo(f"Computing in {metric.authid() or metric.description()}.")
        posts = read_posts(source, metric, range_field, default_range, start_field, end_field, context, feedback)
        if not posts:
            raise BorderGapsError("No post of POSTS can be used (none has a geometry and a range).")
        to_output = QgsCoordinateTransform(metric, crs, context.transformContext())

        per_fields = fields_of(
            ("post_id", QMetaType.Type.LongLong),
            ("kind", QMetaType.Type.QString),
            ("force", QMetaType.Type.QString),
            ("range_m", QMetaType.Type.Double),
            ("sector", QMetaType.Type.QString),
            ("method", QMetaType.Type.QString),
            ("area_km2", QMetaType.Type.Double),
        )
        per_sink, per_id = self.parameterAsSink(
            parameters, self.OUTPUT_PER_POST, context, per_fields, QgsWkbTypes.Type.MultiPolygon, crs
        )
        merged_fields = fields_of(
            ("kind", QMetaType.Type.QString), ("posts", QMetaType.Type.Int), ("area_km2", QMetaType.Type.Double)
        )
        merged_sink, merged_id = self.parameterAsSink(
            parameters, self.OUTPUT_MERGED, context, merged_fields, QgsWkbTypes.Type.MultiPolygon, crs
        )

        count_path = (
            self.parameterAsOutputLayer(parameters, self.OUTPUT_COUNT, context)
            if parameters.get(self.OUTPUT_COUNT)
            else None
        )
        counter = mosaic = None
        if count_path and dem is None:
            feedback.pushWarning("OUTPUT_COUNT needs a DEM; no count raster is written.")
        if dem is not None:
            bounds = coverage.window_bounds(dem, posts)
            if count_path:
                counter = coverage.CountRaster(count_path, dem, bounds)
            if coverage.CoverageMosaic.fits(bounds):
                mosaic = coverage.CoverageMosaic(dem, bounds)

        method = "viewshed" if dem is not None else "range"
        done, skipped = [], []
        try:
            results = (
                ((post, None) for post in posts)
                if dem is None
                else dem.visible_many(posts, feedback.isCanceled, polygons=True)
            )
            for i, (post, covered) in enumerate(results):
                if feedback.isCanceled():
                    return {}
                if dem is None:
                    covered = coverage.range_coverage(post)
                elif isinstance(covered, coverage.SkippedPostError):
                    skipped.append(str(covered))
                    feedback.pushWarning(f"Skipped: {covered}.")
                    continue
                else:
                    if counter is not None:
                        counter.add(covered.window)
                    if mosaic is not None:
                        mosaic.add(covered.window)
                done.append(covered)
                geom = valid_output(covered.geometry, to_output, POLYGON_TYPE)
                if geom is None:  # never a feature with an empty geometry, which would read as a real one
                    feedback.pushWarning(f"Post {post.post_id} covers no land in the output CRS: not written.")
                    continue
                feature = QgsFeature(per_fields)
                feature.setGeometry(geom)
                sector = f"{post.sector[0]:g}-{post.sector[1]:g}" if post.sector else None
                feature.setAttributes(
                    [
                        post.post_id,
                        _str(post.attributes.get("kind")),
                        _str(post.attributes.get("force")),
                        post.range_m,
                        sector,
                        method,
                        round(covered.area_km2, 6),
                    ]
                )
                per_sink.addFeature(feature, QgsFeatureSink.Flag.FastInsert)
                feedback.setProgress(90.0 * (i + 1) / len(posts))
        finally:
            if counter is not None:
                counter.close()
        if skipped:
            feedback.pushWarning(
                f"{len(skipped)} of {len(posts)} post(s) skipped: they lie outside the DEM or "
                "on no-data cells. Use a DEM that covers every post."
            )
        if not done:
            raise BorderGapsError(
                "No post could be computed: every post lies outside the DEM or on no-data. "
                "Check that the DEM covers the posts (and that both have the right CRS)."
            )

        feedback.pushInfo(f"Merging the coverage of {len(done)} post(s)…")
        if mosaic is not None:
            merged = mosaic.geometry()
            merged_area = mosaic.area_km2()
        else:
            merged = coverage.merge_coverage(c.geometry for c in done)
            merged_area = merged.area() / 1e6 if not merged.isEmpty() else 0.0
        geom = valid_output(merged, to_output, POLYGON_TYPE)
        if geom is not None:
            feature = QgsFeature(merged_fields)
            feature.setGeometry(geom)
            feature.setAttributes([method, len(done), round(merged_area, 6)])
            merged_sink.addFeature(feature, QgsFeatureSink.Flag.FastInsert)
        else:
            feedback.pushWarning("The merged coverage is empty: OUTPUT_MERGED has no feature.")
        feedback.setProgress(100)
        feedback.pushInfo(f"{len(done)} post(s) cover {merged_area:.3f} km² in all.")
        results = {
            self.OUTPUT_PER_POST: per_id,
            self.OUTPUT_MERGED: merged_id,
            "POST_COUNT": len(done),
            "SKIPPED_COUNT": len(skipped),
            "MERGED_AREA_KM2": merged_area,
        }
        if counter is not None:
            results[self.OUTPUT_COUNT] = count_path
        return results


def _str(value):
    if value is None or (hasattr(value, "isNull") and value.isNull()):
        return None
    return str(value)
