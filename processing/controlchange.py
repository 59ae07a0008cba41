"""``bordergaps:controlchange``: what changed between dated control maps."""

from qgis.core import (
    QgsFeature,
    QgsFeatureSink,
    QgsProcessing,
    QgsProcessingOutputNumber,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterString,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QDateTime, QMetaType, QTime

from ..analysis.control_change import Snapshot, compare_control, date_snapshots, parse_date
from ..analysis.errors import BorderGapsError
from ..analysis.gaps import POLYGON, check_control_areas, check_field, check_layer_type, force_values
from ..analysis.geometry import POLYGON_TYPE, output_geometry
from .base import fields_of
from .gaptimeline import _gap_values, style_temporal_output
from .gapzones import (
    BORDER,
    COVERAGE,
    DEFAULT_RANGE,
    MIN_AREA,
    MODE,
    NUMERIC_OUTPUTS,
    POSTS,
    RANGE_FIELD,
    SETTLEMENTS,
    GapZonesAlgorithm,
    gap_fields,
)
from .seamzones import (
    CONTROL_AREAS,
    FORCE_A,
    FORCE_B,
    FORCE_FIELD,
    NAME_FIELD,
    OUTPUT,
    SEAM_DISTANCE,
    STUDY_AREA,
    display_name,
    layer_name,
    style_output,
)

CONTROL_AREAS_AFTER = "CONTROL_AREAS_AFTER"
DATE_FIELD = "DATE_FIELD"
DATE_BEFORE = "DATE_BEFORE"
DATE_AFTER = "DATE_AFTER"
CHANGED_DISTRICTS = "CHANGED_DISTRICTS"
SEAMS = "SEAMS"
GAP_CHANGE = "GAP_CHANGE"
GAPS_BY_DATE = "GAPS_BY_DATE"


class ControlChangeAlgorithm(GapZonesAlgorithm):
    """gapzones' parameters (less its OUTPUT), a second control map or a date field, and the changes."""

    ID = "controlchange"
    DISPLAY_NAME = "Change between dated control maps"
    GROUP_ID = "gaps"
    HELP = (
        "What changed between two control maps: either CONTROL_AREAS (before) and CONTROL_AREAS_AFTER, or one "
        "layer of dated snapshots with DATE_FIELD (every date in it, oldest first, or only DATE_BEFORE and "
        "DATE_AFTER when given). The seam and gap zones of each date are those of gapzones with the same "
        "parameters (forces, SEAM_DISTANCE, MODE, MIN_AREA, the optional COVERAGE and POSTS, which count at "
        "every date).\n\n"
        "Outputs: CHANGED_DISTRICTS, the land whose force differs between consecutive dates, one feature per "
        "district after and force before (name, name_before, force_before, force_after, date_before, "
        "date_after, area_km2); SEAMS, the seam and its unclaimed part at each date (date, zone, area_km2); "
        "GAP_CHANGE, the gap land from one date to the next classified opened (a gap now, not before), closed "
        "(a gap before, not now) or persisted, with area_km2 and area_m2 (parts under MIN_AREA, or 1 m², "
        "dropped); GAPS_BY_DATE, the gap zones of every date with the gapzones fields. Each feature of SEAMS "
        "and GAPS_BY_DATE has date_start and date_end (the date and the next date; the last date lasts one "
        "day) and the layers' temporal properties are set, so QGIS's temporal controller steps through the "
        "dates. Dates: a date field or ISO text (2025-06-14); with two layers, DATE_BEFORE and DATE_AFTER "
        "date them (without dates, the features are labelled 'before' and 'after' and have no time range).\n\n"
        "Numeric outputs: OPENED_KM2, CLOSED_KM2, PERSISTED_KM2 (summed over the consecutive comparisons), "
        "CHANGED_DISTRICT_COUNT, DATE_COUNT."
    )

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API name)
        self._skip = {OUTPUT, *NUMERIC_OUTPUTS}
        try:
            super().initAlgorithm(config)
        finally:
            self._skip = set()
        self.add_parameter(
            QgsProcessingParameterFeatureSource(
                CONTROL_AREAS_AFTER,
                self.tr("Control areas at the later date"),
                [QgsProcessing.SourceType.TypeVectorPolygon],
                optional=True,
            ),
            "The later control map (same FORCE_FIELD and NAME_FIELD as CONTROL_AREAS). Or leave it empty and give "
            "DATE_FIELD.",
        )
        self.add_parameter(
            QgsProcessingParameterField(
                DATE_FIELD, self.tr("Date field (dated snapshots)"), None, CONTROL_AREAS, optional=True
            ),
            "Field of CONTROL_AREAS with the date of each snapshot: every date is a control map of its own.",
        )
        self.add_parameter(
            QgsProcessingParameterString(DATE_BEFORE, self.tr("Earlier date (YYYY-MM-DD)"), optional=True),
            "With DATE_FIELD: the earlier date to compare (empty: every date). With two layers: the date of "
            "CONTROL_AREAS.",
        )
        self.add_parameter(
            QgsProcessingParameterString(DATE_AFTER, self.tr("Later date (YYYY-MM-DD)"), optional=True),
            "With DATE_FIELD: the later date to compare. With two layers: the date of CONTROL_AREAS_AFTER.",
        )
        for key, label in (
            (CHANGED_DISTRICTS, "Districts that changed hands"),
            (SEAMS, "Seam at each date"),
            (GAP_CHANGE, "Gap change (opened, closed, persisted)"),
            (GAPS_BY_DATE, "Gap zones at each date"),
        ):
            self.addParameter(
                QgsProcessingParameterFeatureSink(key, self.tr(label), QgsProcessing.SourceType.TypeVectorPolygon)
            )
        for key, label in (
            ("OPENED_KM2", "Opened gap area (km²)"),
            ("CLOSED_KM2", "Closed gap area (km²)"),
            ("PERSISTED_KM2", "Persisted gap area (km²)"),
            ("CHANGED_DISTRICT_COUNT", "Districts that changed hands"),
            ("DATE_COUNT", "Number of dates"),
        ):
            self.addOutput(QgsProcessingOutputNumber(key, self.tr(label)))

    def addParameter(self, param, createOutput=True):  # noqa: N802 (QGIS API name)
        if param.name() in getattr(self, "_skip", ()):
            return True
        return super().addParameter(param, createOutput)

    def addOutput(self, output):  # noqa: N802 (QGIS API name)
        if output.name() in getattr(self, "_skip", ()):
            return True
        return super().addOutput(output)

    def checkParameterValues(self, parameters, context):  # noqa: N802 (QGIS API name)
        ok, message = super().checkParameterValues(parameters, context)
        if not ok:
            return ok, message
        try:
            self._check_dates(parameters, context)
        except BorderGapsError as err:
            return False, err.message
        return True, ""

    def _check_dates(self, parameters, context):
        after = self.parameterAsSource(parameters, CONTROL_AREAS_AFTER, context)
        date_field = self.parameterAsString(parameters, DATE_FIELD, context)
        if after is None and not date_field:
            raise BorderGapsError(
                "Give the later control map in CONTROL_AREAS_AFTER, or a DATE_FIELD of CONTROL_AREAS with the date "
                "of each snapshot."
            )
        if after is not None and date_field:
            raise BorderGapsError(
                "Give either CONTROL_AREAS_AFTER or DATE_FIELD, not both: with a date field, every date of "
                "CONTROL_AREAS is a control map."
            )
        for key in (DATE_BEFORE, DATE_AFTER):
            text = self.parameterAsString(parameters, key, context).strip()
            if text and parse_date(text) is None:
                raise BorderGapsError(f"{key} '{text}' is not a date: use YYYY-MM-DD, e.g. 2025-06-14.")
        if date_field and bool(self.parameterAsString(parameters, DATE_BEFORE, context).strip()) != bool(
            self.parameterAsString(parameters, DATE_AFTER, context).strip()
        ):
            raise BorderGapsError("DATE_BEFORE and DATE_AFTER go together: give both dates, or neither (every date).")
        return after, date_field

    def execute(self, parameters, context, feedback):
        after, date_field = self._check_dates(parameters, context)
        source = self.parameterAsSource(parameters, CONTROL_AREAS, context)
        if source is None:
            raise BorderGapsError("CONTROL_AREAS could not be read. Choose a polygon layer of districts.")
        name = layer_name(self, parameters, CONTROL_AREAS, context, source)
        force_field = self.parameterAsString(parameters, FORCE_FIELD, context)
        force_a = force_values(self.parameterAsString(parameters, FORCE_A, context))
        force_b = force_values(self.parameterAsString(parameters, FORCE_B, context))
        name_field = self.parameterAsString(parameters, NAME_FIELD, context)
        if not name_field and source.fields().lookupField("name") >= 0:
            name_field = "name"
        texts = [self.parameterAsString(parameters, k, context).strip() for k in (DATE_BEFORE, DATE_AFTER)]
        if date_field:
            snapshots = date_snapshots(source, name, date_field, [t for t in texts if t], feedback)
        else:
            after_name = layer_name(self, parameters, CONTROL_AREAS_AFTER, context, after)
            check_layer_type(after, after_name, CONTROL_AREAS_AFTER, POLYGON)
            check_control_areas(after, after_name, force_field, force_a, force_b)
            if name_field:
                check_field(after, after_name, name_field, NAME_FIELD)
            snapshots = [
                Snapshot(texts[0] or "before", parse_date(texts[0]), source, name),
                Snapshot(texts[1] or "after", parse_date(texts[1]), after, after_name),
            ]
        coverage = [(layer, display_name(layer)) for layer in self.parameterAsLayerList(parameters, COVERAGE, context)]
        optional = {}
        for key in (POSTS, STUDY_AREA, SETTLEMENTS, BORDER):
            layer = self.parameterAsSource(parameters, key, context)
            optional[key] = (layer, layer_name(self, parameters, key, context, layer) if layer is not None else "")
        change = compare_control(
            snapshots,
            force_field,
            force_a,
            force_b,
            self.parameterAsDouble(parameters, SEAM_DISTANCE, context),
            name_field or None,
            coverage,
            optional[POSTS][0],
            optional[POSTS][1],
            self.parameterAsString(parameters, RANGE_FIELD, context) or None,
            self.parameterAsDouble(parameters, DEFAULT_RANGE, context),
            self.parameterAsEnum(parameters, MODE, context) == 1,
            self.parameterAsDouble(parameters, MIN_AREA, context),
            optional[STUDY_AREA][0],
            optional[STUDY_AREA][1],
            optional[SETTLEMENTS][0],
            optional[SETTLEMENTS][1],
            optional[BORDER][0],
            optional[BORDER][1],
            feedback,
            feedback.pushInfo,
        )
        crs_out = source.sourceCrs()

        def out_geometry(geom, crs):
            # valid for GEOS in the output CRS, multi-part; None when nothing is left (not written)
            return output_geometry(geom, crs, crs_out, context.transformContext(), POLYGON_TYPE)

        def span(k):
            """(date_start, date_end) of snapshot k: its date to the next one's (the last: one day)."""
            date = snapshots[k].date
            if date is None:
                return None, None
            following = snapshots[k + 1].date if k + 1 < len(snapshots) else None
            end = following if following is not None and following > date else date.addDays(1)
            return QDateTime(date, QTime(0, 0)), QDateTime(end, QTime(0, 0))

        district_fields = fields_of(
            ("name", QMetaType.Type.QString),
            ("name_before", QMetaType.Type.QString),
            ("force_before", QMetaType.Type.QString),
            ("force_after", QMetaType.Type.QString),
            ("date_before", QMetaType.Type.QString),
            ("date_after", QMetaType.Type.QString),
            ("area_km2", QMetaType.Type.Double),
        )
        sink, districts_id = self._sink(parameters, CHANGED_DISTRICTS, context, district_fields, crs_out)
        for d in change.districts:
            out = out_geometry(d.geometry, change.crs)
            if out is None:  # nothing to draw: never an empty feature
                continue
            feature = QgsFeature(district_fields)
            feature.setGeometry(out)
            feature.setAttributes(
                [
                    d.name,
                    d.name_before,
                    d.force_before,
                    d.force_after,
                    d.label_before,
                    d.label_after,
                    d.geometry.area() / 1e6,
                ]
            )
            sink.addFeature(feature, QgsFeatureSink.Flag.FastInsert)

        dated = fields_of(
            ("date", QMetaType.Type.QString),
            ("date_start", QMetaType.Type.QDateTime),
            ("date_end", QMetaType.Type.QDateTime),
        )
        seam_fields = fields_of(
            *[(f.name(), f.type()) for f in dated],
            ("zone", QMetaType.Type.QString),
            ("area_km2", QMetaType.Type.Double),
        )
        sink, seams_id = self._sink(parameters, SEAMS, context, seam_fields, crs_out)
        for k, (snap, analysis) in enumerate(zip(snapshots, change.analyses)):
            start, end = span(k)
            for zone, geom in (("seam", analysis.seam.seam), ("unclaimed", analysis.seam.unclaimed)):
                out = out_geometry(geom, analysis.crs)
                if out is None:  # nothing to draw: never an empty feature
                    continue
                feature = QgsFeature(seam_fields)
                feature.setGeometry(out)
                feature.setAttributes(
                    [snap.label, start, end, zone, (geom.area() if not geom.isEmpty() else 0.0) / 1e6]
                )
                sink.addFeature(feature, QgsFeatureSink.Flag.FastInsert)

        change_fields = fields_of(
            ("date_before", QMetaType.Type.QString),
            ("date_after", QMetaType.Type.QString),
            ("change", QMetaType.Type.QString),
            ("area_km2", QMetaType.Type.Double),
            ("area_m2", QMetaType.Type.Double),
        )
        sink, change_id = self._sink(parameters, GAP_CHANGE, context, change_fields, crs_out)
        for k, kind, geom in change.changes:
            out = out_geometry(geom, change.crs)
            if out is None:  # nothing to draw: never an empty feature
                continue
            feature = QgsFeature(change_fields)
            feature.setGeometry(out)
            feature.setAttributes([snapshots[k - 1].label, snapshots[k].label, kind, geom.area() / 1e6, geom.area()])
            sink.addFeature(feature, QgsFeatureSink.Flag.FastInsert)

        by_date_fields = fields_of(*[(f.name(), f.type()) for f in list(dated) + list(gap_fields())])
        sink, by_date_id = self._sink(parameters, GAPS_BY_DATE, context, by_date_fields, crs_out)
        for k, (snap, analysis) in enumerate(zip(snapshots, change.analyses)):
            start, end = span(k)
            for gap_id, (geom, m) in enumerate(zip(analysis.result.gaps, analysis.metrics), start=1):
                if feedback.isCanceled():
                    break
                out = out_geometry(geom, analysis.crs)
                if out is None:  # nothing to draw: never an empty feature
                    continue
                feature = QgsFeature(by_date_fields)
                feature.setGeometry(out)
                feature.setAttributes([snap.label, start, end] + _gap_values(gap_id, m))
                sink.addFeature(feature, QgsFeatureSink.Flag.FastInsert)

        totals = {kind: change.total(kind) / 1e6 for kind in ("opened", "closed", "persisted")}
        feedback.pushInfo(
            f"{len(change.districts)} district(s) changed hands; gaps opened {totals['opened']:.3f} km², closed "
            f"{totals['closed']:.3f} km², persisted {totals['persisted']:.3f} km²."
        )
        feedback.setProgress(100)
        style_output(context, districts_id, "changed_districts.qml")
        style_output(context, change_id, "gap_change.qml")
        if all(s.date is not None for s in snapshots):
            style_temporal_output(context, by_date_id, "gaps_by_date.qml", "date_start", "date_end")
            style_temporal_output(context, seams_id, "seam_zones.qml", "date_start", "date_end")
        else:
            style_output(context, by_date_id, "gap_zones.qml")
            style_output(context, seams_id, "seam_zones.qml")
        return {
            CHANGED_DISTRICTS: districts_id,
            SEAMS: seams_id,
            GAP_CHANGE: change_id,
            GAPS_BY_DATE: by_date_id,
            "OPENED_KM2": totals["opened"],
            "CLOSED_KM2": totals["closed"],
            "PERSISTED_KM2": totals["persisted"],
            "CHANGED_DISTRICT_COUNT": len(change.districts),
            "DATE_COUNT": len(snapshots),
        }

    def _sink(self, parameters, key, context, fields, crs):
        sink, dest_id = self.parameterAsSink(parameters, key, context, fields, QgsWkbTypes.Type.MultiPolygon, crs)
        if sink is None:
            raise BorderGapsError(f"The {key} layer could not be created. Check the output path.")
        return sink, dest_id
