"""bordergaps:siteposts: choose K new post or drone sites that close the most gap, by lazy
greedy maximum coverage over candidate sites (a layer, a grid, or DEM high points)."""

import math

import numpy as np
import scipy.sparse as sp
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsFeature,
    QgsFeatureSink,
    QgsGeometry,
    QgsPointXY,
    QgsProcessing,
    QgsProcessingOutputNumber,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterMultipleLayers,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterLayer,
    QgsSpatialIndex,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QMetaType

from ..analysis import coverage, memory, siting
from ..analysis.crs import layer_extent, metric_crs_for
from ..analysis.errors import BorderGapsError
from ..analysis.geometry import POINT_TYPE, POLYGON_TYPE, valid_output
from ..analysis.inputs import read_features, source_crs
from .base import MAX_DISTANCE_M, MAX_HEIGHT_M, BorderGapsAlgorithm, distance_parameter, fields_of
from .postcoverage import dem_path

POINT = QgsWkbTypes.GeometryType.PointGeometry
POLYGON = QgsWkbTypes.GeometryType.PolygonGeometry


class SitePostsAlgorithm(BorderGapsAlgorithm):
    ID = "siteposts"
    DISPLAY_NAME = "Choose new post sites"
    GROUP_ID = "coverage"
    HELP = (
        "Chooses K new post or drone-orbit sites that close the most of the gaps.\n\n"
        "Target: the polygons of GAPS (e.g. the output of Unmonitored gap zones), or the SEAM minus the "
        "existing COVERAGE. Candidates (CANDIDATE_SOURCE): the points of CANDIDATES (e.g. pinch points of "
        "Crossing corridors, or hilltops you know), a grid every GRID_SPACING m inside the gaps, or the "
        "local high points of the DEM at least GRID_SPACING m apart near the gaps. A candidate covers the "
        "land within RANGE m; with a DEM, only the land it sees (terrain viewshed with OBSERVER_HEIGHT, "
        "TARGET_HEIGHT, curvature and refraction k = 0.13).\n\n"
        "Method: the gaps are cut into square cells (CELL_SIZE; automatic = RANGE/12, coarser if the gaps "
        "would exceed 2 million cells); a cell counts as covered when its centre is in range (and seen). "
        "Greedy maximum coverage then takes, K times, the candidate adding the most uncovered weight; the "
        "lazy variant re-evaluates a candidate only when its stale gain tops the queue, with the same "
        "picks. Greedy is guaranteed within 1 − 1/e (63 %) of the best possible choice of K sites.\n\n"
        "WEIGHT: none, every km² of gap counts the same; gap area, cells of larger gaps count more (weight "
        "= the gap's area in km²); settlements, a gap's cells count 1 + the number of SETTLEMENTS inside it.\n"
        "\nOutputs: OUTPUT_SITES (rank, candidate, marginal_km2 = gap newly covered, cumulative_km2, "
        "cumulative_pct of the gap area, gain_weight, and with CONTROL_AREAS the district and force the "
        "site falls in); OUTPUT_COVERAGE, the new coverage polygon of each site; OUTPUT_GAPS, what remains "
        "of the gaps. Areas are km² in the UTM zone of the data."
    )

    GAPS = "GAPS"
    SEAM = "SEAM"
    COVERAGE = "COVERAGE"
    CANDIDATE_SOURCE = "CANDIDATE_SOURCE"
    CANDIDATES = "CANDIDATES"
    GRID_SPACING = "GRID_SPACING"
    K = "K"
    RANGE = "RANGE"
    DEM = "DEM"
    OBSERVER_HEIGHT = "OBSERVER_HEIGHT"
    TARGET_HEIGHT = "TARGET_HEIGHT"
    CURVATURE = "CURVATURE"
    WEIGHT = "WEIGHT"
    SETTLEMENTS = "SETTLEMENTS"
    CONTROL_AREAS = "CONTROL_AREAS"
    FORCE_FIELD = "FORCE_FIELD"
    NAME_FIELD = "NAME_FIELD"
    CELL_SIZE = "CELL_SIZE"
    OUTPUT_SITES = "OUTPUT_SITES"
    OUTPUT_COVERAGE = "OUTPUT_COVERAGE"
    OUTPUT_GAPS = "OUTPUT_GAPS"

    SOURCES = ["Candidate layer (CANDIDATES)", "Grid inside the gaps (GRID_SPACING)", "Local high points of the DEM"]
    WEIGHTS = [
        "None: every km² of gap the same",
        "Gap area: larger gaps count more",
        "Settlements: 1 + settlements inside the gap",
    ]

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API name)
        add = self.add_parameter

        def number(name, label, default, minimum, help_text, integer=False, advanced=False, metres=None):
            if metres is not None:  # a metric distance, at most ``metres`` (base.distance_parameter)
                add(distance_parameter(name, self.tr(label), default, minimum, metres), help_text, advanced)
                return
            kind = QgsProcessingParameterNumber.Type.Integer if integer else QgsProcessingParameterNumber.Type.Double
            add(
                QgsProcessingParameterNumber(name, self.tr(label), kind, defaultValue=default, minValue=minimum),
                help_text,
                advanced,
            )

        polygon = [QgsProcessing.SourceType.TypeVectorPolygon]
        add(
            QgsProcessingParameterFeatureSource(self.GAPS, self.tr("Gap zones"), polygon, optional=True),
            "Polygons to close (e.g. the output of Unmonitored gap zones). Or give SEAM (and COVERAGE) instead.",
        )
        add(
            QgsProcessingParameterFeatureSource(self.SEAM, self.tr("Seam"), polygon, optional=True),
            "Used when GAPS is empty: the seam polygons (output of Seam between forces); the target is the "
            "seam minus COVERAGE.",
        )
        add(
            QgsProcessingParameterMultipleLayers(
                self.COVERAGE, self.tr("Existing coverage"), QgsProcessing.SourceType.TypeVectorPolygon, optional=True
            ),
            "Polygons already watched, removed from the SEAM (e.g. the merged output of Coverage from posts).",
        )
        add(
            QgsProcessingParameterEnum(
                self.CANDIDATE_SOURCE, self.tr("Candidate sites"), [self.tr(o) for o in self.SOURCES], defaultValue=0
            ),
            "0: the points of CANDIDATES; 1: a square grid every GRID_SPACING m inside the gaps; 2: local high "
            "points of the DEM, at least GRID_SPACING m apart, within RANGE/2 of the gaps.",
        )
        add(
            QgsProcessingParameterFeatureSource(
                self.CANDIDATES, self.tr("Candidate points"), [QgsProcessing.SourceType.TypeVectorPoint], optional=True
            ),
            "Possible sites (CANDIDATE_SOURCE 0): hilltops, pinch points of Crossing corridors, buildings.",
        )
        number(
            self.GRID_SPACING,
            "Grid spacing / high point spacing",
            1000.0,
            1.0,
            "Distance between grid candidates (source 1), or the least distance between DEM high points (source 2).",
            metres=MAX_DISTANCE_M,
        )
        number(self.K, "Number of sites (K)", 5, 1, "How many new sites to choose.", integer=True)
        number(
            self.RANGE,
            "Range of a new site",
            5000.0,
            1.0,
            "How far a new post or drone orbit sees, in metres (at most 500 km).",
            metres=MAX_DISTANCE_M,
        )
        add(
            QgsProcessingParameterRasterLayer(self.DEM, self.tr("Elevation model (DEM)"), optional=True),
            "With a DEM each candidate covers only the land it sees within RANGE (needs rasterio); needed for "
            "CANDIDATE_SOURCE 2.",
        )
        number(
            self.OBSERVER_HEIGHT,
            "Observer height",
            5.0,
            0.0,
            "Height of the new post's eye or camera above the ground (with a DEM).",
            metres=MAX_HEIGHT_M,
        )
        number(
            self.TARGET_HEIGHT,
            "Target height",
            1.7,
            0.0,
            "Height above the ground of what must be seen (with a DEM).",
            metres=MAX_HEIGHT_M,
        )
        add(
            QgsProcessingParameterBoolean(self.CURVATURE, self.tr("Earth curvature and refraction"), defaultValue=True),
            "With a DEM: lower distant ground by (1 − k)·d²/(2R), k = 0.13.",
        )
        add(
            QgsProcessingParameterEnum(
                self.WEIGHT, self.tr("Weight"), [self.tr(o) for o in self.WEIGHTS], defaultValue=0
            ),
            "0: every km² of gap the same; 1: a gap's cells weigh its area in km² (large gaps first); "
            "2: a gap's cells weigh 1 + the number of SETTLEMENTS inside it.",
        )
        add(
            QgsProcessingParameterFeatureSource(
                self.SETTLEMENTS, self.tr("Settlements"), [QgsProcessing.SourceType.TypeVectorPoint], optional=True
            ),
            "Villages and towns, counted inside each gap for WEIGHT 2.",
        )
        add(
            QgsProcessingParameterFeatureSource(self.CONTROL_AREAS, self.tr("Control areas"), polygon, optional=True),
            "Districts held by each force: each chosen site reports the district and force it falls in.",
        )
        add(
            QgsProcessingParameterField(
                self.FORCE_FIELD, self.tr("Force field"), parentLayerParameterName=self.CONTROL_AREAS, optional=True
            ),
            "Field of CONTROL_AREAS naming the force that holds each district.",
        )
        add(
            QgsProcessingParameterField(
                self.NAME_FIELD,
                self.tr("District name field"),
                parentLayerParameterName=self.CONTROL_AREAS,
                optional=True,
            ),
            "Field of CONTROL_AREAS naming each district.",
        )
        number(
            self.CELL_SIZE,
            "Cell size (0 = automatic)",
            0.0,
            0.0,
            "Side of the cells the gaps are counted in, in metres. Automatic: RANGE/12, coarser when the gaps "
            "would exceed 2 million cells.",
            advanced=True,
            metres=MAX_DISTANCE_M,
        )
        add(
            QgsProcessingParameterFeatureSink(
                self.OUTPUT_SITES, self.tr("Chosen sites"), QgsProcessing.SourceType.TypeVectorPoint
            ),
            "The K sites in the order chosen: rank, candidate, marginal_km2, cumulative_km2, cumulative_pct, "
            "gain_weight, district, force.",
        )
        add(
            QgsProcessingParameterFeatureSink(
                self.OUTPUT_COVERAGE, self.tr("New coverage"), QgsProcessing.SourceType.TypeVectorPolygon
            ),
            "What each chosen site covers (rank, area_km2, gap_km2).",
        )
        add(
            QgsProcessingParameterFeatureSink(
                self.OUTPUT_GAPS, self.tr("Remaining gaps"), QgsProcessing.SourceType.TypeVectorPolygon
            ),
            "The gaps minus the new coverage, one feature per part (gap_id, area_km2).",
        )
        for name, label in (
            ("TARGET_KM2", "Gap area (km²)"),
            ("COVERED_KM2", "Gap area closed (km²)"),
            ("COVERED_PCT", "Gap area closed (%)"),
            ("SITE_COUNT", "Sites chosen"),
        ):
            self.addOutput(QgsProcessingOutputNumber(name, self.tr(label)))

    def checkParameterValues(self, parameters, context):  # noqa: N802 (QGIS API name)
        ok, message = super().checkParameterValues(parameters, context)  # outputs vs inputs, geometry types
        if not ok:
            return ok, message
        if not parameters.get(self.GAPS) and not parameters.get(self.SEAM):
            return False, self.tr("Give GAPS (gap polygons) or SEAM (with COVERAGE) as the area to close.")
        source = self.parameterAsEnum(parameters, self.CANDIDATE_SOURCE, context)
        if source == 0 and not parameters.get(self.CANDIDATES):
            return False, self.tr(
                "CANDIDATE_SOURCE 0 needs CANDIDATES (a point layer of possible sites); or "
                "choose 1 (grid) or 2 (DEM high points)."
            )
        has_dem = bool(parameters.get(self.DEM))
        if source == 2 and not has_dem:
            return False, self.tr("CANDIDATE_SOURCE 2 (DEM high points) needs a DEM.")
        if has_dem and coverage.rasterio is None:
            return False, self.tr(coverage.RASTERIO_MISSING)
        if self.parameterAsEnum(parameters, self.WEIGHT, context) == 2 and not parameters.get(self.SETTLEMENTS):
            return False, self.tr("WEIGHT 2 (settlements) needs a SETTLEMENTS point layer.")
        if parameters.get(self.CONTROL_AREAS) and not parameters.get(self.FORCE_FIELD):
            return False, self.tr("CONTROL_AREAS needs FORCE_FIELD: choose the field naming each district's force.")
        return True, ""

    def execute(self, parameters, context, feedback):
        return self.site_posts(parameters, context, feedback)

    # --- reading -------------------------------------------------------------------------------
    def _read(self, source, metric, name, geometry_type, context, feedback):
        result = read_features(
            source,
            metric,
            name,
            geometry_type,
            is_canceled=feedback.isCanceled,
            transform_context=context.transformContext(),
        )
        for line in result.log_lines():
            feedback.pushInfo(line)
        return result.features

    def _target(self, parameters, context, feedback, metric):
        """Gap polygons (single parts) in ``metric``."""
        gaps_src = self.parameterAsSource(parameters, self.GAPS, context)
        if gaps_src is not None:
            parts = []
            for feature in self._read(gaps_src, metric, "GAPS", POLYGON, context, feedback):
                parts.extend(siting.split_parts(feature.geometry()))
            return parts
        seam_src = self.parameterAsSource(parameters, self.SEAM, context)
        seam = coverage.merge_coverage(
            f.geometry() for f in self._read(seam_src, metric, "SEAM", POLYGON, context, feedback)
        )
        covered = []
        for layer in self.parameterAsLayerList(parameters, self.COVERAGE, context) or []:
            covered.extend(f.geometry() for f in self._read(layer, metric, layer.name(), POLYGON, context, feedback))
        if covered and not seam.isEmpty():
            seam = seam.difference(coverage.merge_coverage(covered))
        return siting.split_parts(seam)

    def _candidates(self, parameters, context, feedback, metric, gaps, dem, range_m):
        """(labels, xs, ys) of the candidate sites in ``metric``."""
        source = self.parameterAsEnum(parameters, self.CANDIDATE_SOURCE, context)
        spacing = self.parameterAsDouble(parameters, self.GRID_SPACING, context)
        if source == 0:
            src = self.parameterAsSource(parameters, self.CANDIDATES, context)
            labels, xs, ys = [], [], []
            for feature in self._read(src, metric, "CANDIDATES", POINT, context, feedback):
                geom = feature.geometry()
                point = geom.asMultiPoint()[0] if geom.isMultipart() else geom.asPoint()
                labels.append(str(feature.id()))
                xs.append(point.x())
                ys.append(point.y())
            return labels, np.array(xs, dtype=float), np.array(ys, dtype=float)
        if source == 1:
            xs, ys = siting.grid_points_in(gaps, spacing)
            feedback.pushInfo(f"{xs.size} grid candidate(s) every {spacing:g} m inside the gaps.")
            return [f"grid {i + 1}" for i in range(xs.size)], xs, ys
        box = QgsGeometry.unaryUnion(list(gaps)).boundingBox()
        box.grow(range_m / 2)
        peaks = dem.high_points(
            (box.xMinimum(), box.yMinimum(), box.xMaximum(), box.yMaximum()), spacing, is_canceled=feedback.isCanceled
        )
        feedback.pushInfo(f"{len(peaks)} DEM high point(s) at least {spacing:g} m apart near the gaps.")
        return (
            [f"peak {i + 1} ({z:.0f} m)" for i, (_, _, z) in enumerate(peaks)],
            np.array([p[0] for p in peaks], dtype=float),
            np.array([p[1] for p in peaks], dtype=float),
        )

    # --- running -------------------------------------------------------------------------------
    def site_posts(self, parameters, context, feedback):
        area_src = self.parameterAsSource(parameters, self.GAPS, context) or self.parameterAsSource(
            parameters, self.SEAM, context
        )
        if area_src is None:
            raise BorderGapsError("Give GAPS (gap polygons) or SEAM (with COVERAGE) as the area to close.")
        out_crs = source_crs(area_src)
        if not out_crs.isValid():
            raise BorderGapsError(
                "The gap (or seam) layer has no coordinate reference system. Set its CRS in the "
                "layer properties (Source → Assigned CRS) and run again."
            )
        k = self.parameterAsInt(parameters, self.K, context)
        range_m = self.parameterAsDouble(parameters, self.RANGE, context)
        area_name = "GAPS" if parameters.get(self.GAPS) else "SEAM"
        metric = metric_crs_for(layer_extent(area_src, area_name), out_crs, area_name)
        dem = None
        dem_layer = self.parameterAsRasterLayer(parameters, self.DEM, context)
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
        try:
            return self._site(parameters, context, feedback, metric, out_crs, dem, k, range_m)
        finally:
            if dem is not None:
                dem.close()

    def _site(self, parameters, context, feedback, metric, out_crs, dem, k, range_m):
        feedback.pushInfo(f"Computing in {metric.authid() or metric.description()}.")
        gaps = self._target(parameters, context, feedback, metric)
        if not gaps:
            raise BorderGapsError(
                "There is no gap to close: the gap layer is empty (or the coverage covers the whole seam)."
            )
        total_area = sum(g.area() for g in gaps)
        factors = self._factors(parameters, context, feedback, metric, gaps)
        cell = self.parameterAsDouble(parameters, self.CELL_SIZE, context) or siting.auto_cell_size(total_area, range_m)
        # centres, weights and gap of each cell (about 48 bytes a cell), checked before numpy allocates them
        memory.require(
            total_area / cell**2 * 48,
            f"Counting {total_area / 1e6:,.1f} km² of gaps in cells of {cell:g} m",
            "Use a larger CELL_SIZE (0 = automatic).",
        )
        grid = siting.rasterise_target(gaps, cell, factors, feedback.isCanceled)
        if grid.size == 0:
            raise BorderGapsError(f"The gaps are smaller than one cell of {cell:g} m: set a smaller CELL_SIZE.")
        feedback.pushInfo(
            f"{len(gaps)} gap part(s), {total_area / 1e6:.3f} km², counted as {grid.size:,} cells of {cell:g} m."
        )
        feedback.setProgress(5)

        labels, xs, ys = self._candidates(parameters, context, feedback, metric, gaps, dem, range_m)
        if xs.size == 0:
            raise BorderGapsError(
                "There is no candidate site: give CANDIDATES, or a GRID_SPACING smaller than the "
                "gaps, or a DEM with high points near the gaps."
            )
        # each candidate's covered cells: an index and a flag per cell of its disc within the gaps
        per_candidate = min(grid.size, math.pi * range_m**2 / cell**2)
        memory.require(
            xs.size * per_candidate * 9,
            f"The coverage of {xs.size:,} candidates of {range_m:g} m range over {grid.size:,} cells",
            "Use fewer candidates (a larger GRID_SPACING), a larger CELL_SIZE or a smaller RANGE.",
        )
        sets = self._coverage_sets(grid, xs, ys, range_m, dem, feedback)
        if feedback.isCanceled():
            return {}
        feedback.setProgress(60)

        result = siting.greedy_max_coverage(
            sets,
            grid.weights,
            k,
            lazy=True,
            is_canceled=feedback.isCanceled,
            progress=lambda p: feedback.setProgress(60 + 20 * p),
        )
        feedback.pushInfo(
            f"Greedy chose {len(result.chosen)} site(s) with {result.evaluations:,} gain evaluations "
            f"for {xs.size:,} candidates."
        )
        if len(result.chosen) < k:
            feedback.pushWarning(
                f"Only {len(result.chosen)} of K = {k} sites add any coverage: the others would cover nothing new."
            )
        return self._write(
            parameters, context, feedback, metric, out_crs, gaps, grid, sets, result, labels, xs, ys, dem, range_m
        )

    def _factors(self, parameters, context, feedback, metric, gaps):
        weight = self.parameterAsEnum(parameters, self.WEIGHT, context)
        if weight == 1:
            return [g.area() / 1e6 for g in gaps]
        if weight == 2:
            src = self.parameterAsSource(parameters, self.SETTLEMENTS, context)
            points = [f.geometry() for f in self._read(src, metric, "SETTLEMENTS", POINT, context, feedback)]
            counts = [sum(1 for p in points if g.contains(p)) for g in gaps]
            feedback.pushInfo(f"Settlements inside the gaps: {sum(counts)}.")
            return [1.0 + c for c in counts]
        return None

    def _coverage_sets(self, grid, xs, ys, range_m, dem, feedback):
        in_range = siting.disc_sets(grid, xs, ys, range_m, feedback.isCanceled)
        if dem is None:
            return in_range
        rows, skipped = [], 0
        candidates = [coverage.Post(i, float(xs[i]), float(ys[i]), range_m) for i in range(xs.size)]
        for i, (_, seen) in enumerate(dem.visible_many(candidates, feedback.isCanceled)):
            cells = in_range[i].indices
            if isinstance(seen, coverage.SkippedPostError):
                skipped += 1
                rows.append(cells[:0])
            else:
                rows.append(cells[dem.visible_points(seen, grid.xs[cells], grid.ys[cells])])
            feedback.setProgress(5 + 55 * (i + 1) / xs.size)
        if feedback.isCanceled():
            return in_range
        if skipped:
            feedback.pushWarning(f"{skipped} candidate(s) lie outside the DEM or on no-data and cover nothing.")
        indptr = np.concatenate([[0], np.cumsum([r.size for r in rows])])
        indices = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
        return sp.csr_matrix((np.ones(indices.size, dtype=bool), indices, indptr), shape=(len(rows), grid.size))

    def _districts(self, parameters, context, feedback, metric):
        src = self.parameterAsSource(parameters, self.CONTROL_AREAS, context)
        if src is None:
            return None
        features = self._read(src, metric, "CONTROL_AREAS", POLYGON, context, feedback)
        index = QgsSpatialIndex()
        for i, feature in enumerate(features):
            f = QgsFeature(feature)
            f.setId(i)
            index.addFeature(f)
        return features, index

    def _write(
        self, parameters, context, feedback, metric, out_crs, gaps, grid, sets, result, labels, xs, ys, dem, range_m
    ):
        to_out = QgsCoordinateTransform(metric, out_crs, context.transformContext())
        force_field = self.parameterAsString(parameters, self.FORCE_FIELD, context)
        name_field = self.parameterAsString(parameters, self.NAME_FIELD, context)
        districts = self._districts(parameters, context, feedback, metric)

        site_fields = fields_of(
            ("rank", QMetaType.Type.Int),
            ("candidate", QMetaType.Type.QString),
            ("marginal_km2", QMetaType.Type.Double),
            ("cumulative_km2", QMetaType.Type.Double),
            ("cumulative_pct", QMetaType.Type.Double),
            ("gain_weight", QMetaType.Type.Double),
            ("district", QMetaType.Type.QString),
            ("force", QMetaType.Type.QString),
        )
        sites_sink, sites_id = self.parameterAsSink(
            parameters, self.OUTPUT_SITES, context, site_fields, QgsWkbTypes.Type.Point, out_crs
        )
        cov_fields = fields_of(
            ("rank", QMetaType.Type.Int), ("area_km2", QMetaType.Type.Double), ("gap_km2", QMetaType.Type.Double)
        )
        cov_sink, cov_id = self.parameterAsSink(
            parameters, self.OUTPUT_COVERAGE, context, cov_fields, QgsWkbTypes.Type.MultiPolygon, out_crs
        )
        gap_fields = fields_of(("gap_id", QMetaType.Type.Int), ("area_km2", QMetaType.Type.Double))
        gaps_sink, gaps_id = self.parameterAsSink(
            parameters, self.OUTPUT_GAPS, context, gap_fields, QgsWkbTypes.Type.MultiPolygon, out_crs
        )

        covered = np.zeros(grid.size, dtype=bool)
        total_cells_km2 = grid.size * grid.cell_area_m2 / 1e6
        cumulative = 0.0
        new_coverage = []
        for rank, (i, gain) in enumerate(zip(result.chosen, result.gains), start=1):
            if feedback.isCanceled():
                return {}
            cells = sets[i].indices
            new_km2 = float((~covered[cells]).sum()) * grid.cell_area_m2 / 1e6
            covered[cells] = True
            cumulative += new_km2
            district = force = None
            point = QgsGeometry.fromPointXY(QgsPointXY(float(xs[i]), float(ys[i])))
            if districts is not None:
                features, index = districts
                for fid in index.intersects(point.boundingBox()):
                    if features[fid].geometry().contains(point):
                        force = _str(features[fid][force_field]) if force_field else None
                        district = _str(features[fid][name_field]) if name_field else None
                        break
            site = QgsFeature(site_fields)
            site.setGeometry(valid_output(point, to_out, POINT_TYPE, multi=False) or QgsGeometry())
            site.setAttributes(
                [
                    rank,
                    labels[i],
                    round(new_km2, 6),
                    round(cumulative, 6),
                    round(100.0 * cumulative / total_cells_km2, 4),
                    float(gain),
                    district,
                    force,
                ]
            )
            sites_sink.addFeature(site, QgsFeatureSink.Flag.FastInsert)

            post = coverage.Post(rank, float(xs[i]), float(ys[i]), range_m)
            area = dem.post_coverage(post).geometry if dem is not None else coverage.range_coverage(post).geometry
            new_coverage.append(area)
            feature = QgsFeature(cov_fields)
            out = valid_output(area, to_out, POLYGON_TYPE)
            if out is None:
                feedback.pushWarning(f"Site {rank} covers no land in the output CRS: no OUTPUT_COVERAGE feature.")
                continue
            feature.setGeometry(out)
            feature.setAttributes(
                [rank, round(area.area() / 1e6, 6), round(float(cells.size) * grid.cell_area_m2 / 1e6, 6)]
            )
            cov_sink.addFeature(feature, QgsFeatureSink.Flag.FastInsert)
            feedback.setProgress(80 + 10 * rank / max(len(result.chosen), 1))

        merged = coverage.merge_coverage(new_coverage)
        gap_id = 0
        remaining_m2 = 0.0
        for gap in gaps:
            if feedback.isCanceled():
                return {}
            rest = gap.difference(merged) if not merged.isEmpty() and gap.intersects(merged) else gap
            for part in siting.split_parts(rest):
                gap_id += 1
                remaining_m2 += part.area()
                out = valid_output(part, to_out, POLYGON_TYPE)
                if out is None:
                    continue
                feature = QgsFeature(gap_fields)
                feature.setGeometry(out)
                feature.setAttributes([gap_id, round(part.area() / 1e6, 6)])
                gaps_sink.addFeature(feature, QgsFeatureSink.Flag.FastInsert)
        feedback.setProgress(100)
        total_km2 = sum(g.area() for g in gaps) / 1e6
        covered_pct = 100.0 * cumulative / total_cells_km2 if total_cells_km2 else 0.0
        feedback.pushInfo(
            f"{len(result.chosen)} site(s) close {cumulative:.3f} km² ({covered_pct:.1f} %) of "
            f"{total_km2:.3f} km² of gaps; {remaining_m2 / 1e6:.3f} km² remain (exact geometry)."
        )
        return {
            self.OUTPUT_SITES: sites_id,
            self.OUTPUT_COVERAGE: cov_id,
            self.OUTPUT_GAPS: gaps_id,
            "TARGET_KM2": total_km2,
            "COVERED_KM2": cumulative,
            "COVERED_PCT": covered_pct,
            "SITE_COUNT": len(result.chosen),
        }


def _str(value):
    if value is None or (hasattr(value, "isNull") and value.isNull()):
        return None
    return str(value)
