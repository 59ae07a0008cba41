"""``bordergaps:importsettlements``: settlements of the border region from any gazetteer the agency has."""

import os

from qgis.core import (
    NULL,
    QgsCoordinateTransform,
    QgsFeature,
    QgsFeatureSink,
    QgsGeometry,
    QgsLayerMetadata,
    QgsProcessing,
    QgsProcessingLayerPostProcessorInterface,
    QgsProcessingOutputNumber,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterDistance,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterFile,
    QgsProcessingParameterMultipleLayers,
    QgsProcessingParameterString,
    QgsUnitTypes,
    QgsVectorLayer,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QMetaType

from ..analysis import bands, gazetteer, settlements
from ..analysis.errors import BorderGapsError
from ..analysis.fieldmap import FieldMapping, load_mapping
from ..analysis.geometry import MAX_DISTANCE_M, POINT_TYPE, check_canceled, valid_output
from ..analysis.inputs import iter_features, read_features
from ..analysis.settlements import Place
from ..layers import catalogue
from .base import BorderGapsAlgorithm, fields_of, with_help

INPUT = "INPUT"
ALTERNATE_NAMES = "ALTERNATE_NAMES"
FORMAT = "FORMAT"
SETTLEMENT_LAYERS = "SETTLEMENT_LAYERS"
INCLUDE_BUNDLED = "INCLUDE_BUNDLED"
STATUS_VALUES = "STATUS_VALUES"
MAX_DISTANCE = "MAX_DISTANCE"
DUPLICATE_DISTANCE = "DUPLICATE_DISTANCE"
BORDER = "BORDER"
OUTPUT = "OUTPUT"
# Field mapping parameters: role (analysis/fieldmap.py) -> parameter key.
FIELD_PARAMETERS = {
    "name": "NAME_FIELD",
    "name_ar": "NAME_AR_FIELD",
    "alt_names": "ALT_NAMES_FIELD",
    "status": "STATUS_FIELD",
    "population": "POPULATION_FIELD",
    "kind": "KIND_FIELD",
    "side": "SIDE_FIELD",
    "source_id": "SOURCE_ID_FIELD",
    "x": "X_FIELD",
    "y": "Y_FIELD",
}
NUMERIC_OUTPUTS = ("SETTLEMENT_COUNT", "IRAQ_COUNT", "SYRIA_COUNT", "ABANDONED_COUNT", "MERGED_COUNT")
_TYPES = {"str": QMetaType.Type.QString, "int": QMetaType.Type.Int, "float": QMetaType.Type.Double}


def output_fields():
    """The bundled settlements schema (layers/catalogue.py), so the dock and gapzones read both alike."""
    return fields_of(*[(name, _TYPES[kind]) for name, kind in catalogue.FIELDS["settlements"]])


class _SettlementsOnLoad(QgsProcessingLayerPostProcessorInterface):
    """Styles the output like the bundled settlements, gives it the attribution of its sources and marks it
    for the dock."""

    _alive = []  # Processing keeps only a raw pointer to the post-processor

    def __init__(self, sources):
        super().__init__()
        self.sources = sources
        _SettlementsOnLoad._alive.append(self)

    def postProcessLayer(self, layer, context, feedback):  # noqa: N802 (QGIS API name)
        if not isinstance(layer, QgsVectorLayer):
            return
        layer.loadNamedStyle(catalogue.entry("settlements").style_path)
        meta = QgsLayerMetadata()
        meta.setTitle(layer.name())
        meta.setAbstract(
            "Settlements imported by Border Gaps (bordergaps:importsettlements) from: "
            + ", ".join(self.sources)
            + ". border_km is geodesic; side, governorate and district from the bundled layers."
        )
        known = [s for s in self.sources if s in catalogue.ATTRIBUTION]
        meta.setRights([catalogue.ATTRIBUTION[s] for s in known] + [s for s in self.sources if s not in known])
        meta.setLicenses([f"{s}: {catalogue.LICENCE[s]}" for s in known])
        meta.setCrs(layer.crs())
        layer.setMetadata(meta)
        layer.setCustomProperty(catalogue.IMPORTED_PROPERTY, "1")
        layer.triggerRepaint()


class ImportSettlementsAlgorithm(BorderGapsAlgorithm):
    ID = "importsettlements"
    DISPLAY_NAME = "Import settlements from a gazetteer"
    GROUP_ID = "region"
    BUNDLED = ("border", "countries", "governorates", "districts", "settlements")
    HELP = (
        "Settlements of the border region from the gazetteers an agency has, in the bundled settlements "
        "schema (name, name_ar, alt_names, side, governorate, district, population, border_km, status, "
        "precision, kind, source, source_id, other_sources), ready for the Border region dock and for "
        "gapzones' SETTLEMENTS.\n\n"
        "INPUT: one or more files, each detected by its content (or FORMAT): a GeoNames dump (IQ.txt, SY.txt, "
        "allCountries.txt or its ZIP: feature class P, the feature code in kind, PPLQ/PPLW give status "
        "abandoned; Arabic from the alternate names, or from ALTERNATE_NAMES = alternateNamesV2.txt or its "
        "ZIP), an NGA GNS country file (FC = P; the conventional or approved name, the Arabic-script name, "
        "variants), an OpenStreetMap extract (.osm or .osm.pbf through GDAL's OSM driver: place = city, town, "
        "village, hamlet, isolated_dwelling, locality; name, name:ar, name:en, population; abandoned:place "
        "gives status abandoned), or a CSV table with a header row and WGS 84 longitude/latitude (or WKT) "
        "columns. SETTLEMENT_LAYERS: point layers of the project (any CRS). For tables and layers, the "
        "*_FIELD parameters say which column holds what; left empty, the dock's remembered mapping of the "
        "layer (Fields…) or a guess from the column names is used. STATUS_FIELD values are read as inhabited, "
        "abandoned, partly returned or unknown (English, French and Arabic words are known: deserted, مهجورة, "
        "partial return…); STATUS_VALUES maps other codes, e.g. '1=inhabited; 2=abandoned; 3=partly "
        "returned'.\n\n"
        "Places within MAX_DISTANCE (geodesic) of the border on the Iraqi and Syrian sides are kept; "
        "border_km, side (the bundled country polygons; the source's country within 5 km of the line), "
        "governorate and district (bundled layers) are computed. Records of one place from different sources "
        "(the same name or Arabic name in the dock's search form, within DUPLICATE_DISTANCE) are merged: the "
        "richer record wins, takes the others' Arabic name, population, kind and status where it has none, "
        "and lists them in other_sources. INCLUDE_BUNDLED merges the bundled settlements in too.\n\n"
        "Files are streamed in blocks, never read whole (allCountries: 12 million lines); memory follows the "
        "places kept. The log gives the counts per side and distance band and per status."
    )

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API name)
        self.addParameter(
            with_help(
                QgsProcessingParameterMultipleLayers(
                    INPUT,
                    self.tr("Gazetteer files (GeoNames, GNS, OSM, CSV)"),
                    QgsProcessing.SourceType.TypeFile,
                    optional=True,
                ),
                self.tr(
                    "GeoNames dumps (.txt or .zip), NGA GNS country files, OpenStreetMap extracts (.osm, .osm.pbf) "
                    "or CSV tables; several files are merged and their duplicates removed."
                ),
            )
        )
        self.addParameter(
            with_help(
                QgsProcessingParameterEnum(
                    FORMAT,
                    self.tr("File format"),
                    [
                        self.tr("Detect from the file"),
                        self.tr("GeoNames dump"),
                        self.tr("NGA GNS country file"),
                        self.tr("OpenStreetMap extract"),
                        self.tr("CSV table"),
                    ],
                    defaultValue=0,
                ),
                self.tr("0 detects each file's format from its content; otherwise every INPUT file is read as this."),
            )
        )
        self.addParameter(
            with_help(
                QgsProcessingParameterFile(
                    ALTERNATE_NAMES,
                    self.tr("GeoNames alternate names (alternateNamesV2)"),
                    optional=True,
                    fileFilter="GeoNames alternate names (*.txt *.zip)",
                ),
                self.tr("Optional alternateNamesV2.txt or its ZIP: Arabic and other names of the GeoNames places."),
            )
        )
        self.addParameter(
            with_help(
                QgsProcessingParameterMultipleLayers(
                    SETTLEMENT_LAYERS, self.tr("Point layers"), QgsProcessing.SourceType.TypeVectorPoint, optional=True
                ),
                self.tr("Point layers with settlements (an agency spreadsheet, OCHA/HDX populated places…), any CRS."),
            )
        )
        labels = {
            "name": "Name field",
            "name_ar": "Arabic name field",
            "alt_names": "Alternate names field (';'-separated)",
            "status": "Status field",
            "population": "Population field",
            "kind": "Kind field",
            "side": "Country field (IQ/SY)",
            "source_id": "Identifier field",
            "x": "Longitude column (CSV)",
            "y": "Latitude column (CSV)",
        }
        for role, key in FIELD_PARAMETERS.items():
            self.add_parameter(
                QgsProcessingParameterString(key, self.tr(labels[role]), optional=True),
                "Column or field holding this for CSV tables and SETTLEMENT_LAYERS; empty: the dock's mapping or a "
                "guess.",
                advanced=role not in ("name", "name_ar", "status"),
            )
        self.add_parameter(
            QgsProcessingParameterString(STATUS_VALUES, self.tr("Status values"), optional=True, multiLine=False),
            "VALUE=STATUS pairs for codes the built-in words do not know, e.g. '1=inhabited; 2=abandoned; "
            "3=partly returned'. Statuses: inhabited, abandoned, partly returned, unknown.",
        )
        for key, label, default, maximum, text in (
            (
                MAX_DISTANCE,
                "Keep places within (of the border)",
                50000.0,
                1000000.0,  # geodesic, on the ellipsoid: 1,000 km reaches Basra
                "Geodesic distance to the border line.",
            ),
            (
                DUPLICATE_DISTANCE,
                "Merge records of one name within",
                1000.0,
                MAX_DISTANCE_M,
                "Records of different sources with the same name (search form) this close are one place.",
            ),
        ):
            param = QgsProcessingParameterDistance(key, self.tr(label), default, minValue=0.0, maxValue=maximum)
            param.setDefaultUnit(QgsUnitTypes.DistanceUnit.DistanceMeters)
            self.add_parameter(param, text)
        self.add_parameter(
            QgsProcessingParameterBoolean(INCLUDE_BUNDLED, self.tr("Merge the bundled settlements in"), False),
            "Also take the bundled Who's On First settlements, de-duplicated against the imported ones.",
        )
        self.add_parameter(
            QgsProcessingParameterFeatureSource(
                BORDER,
                self.tr("Border line (empty: bundled Iraq–Syria border)"),
                [QgsProcessing.SourceType.TypeVectorLine],
                optional=True,
            ),
            "Line for border_km; empty: the bundled Natural Earth Iraq–Syria border.",
            advanced=True,
        )
        self.addParameter(
            QgsProcessingParameterFeatureSink(OUTPUT, self.tr("Settlements"), QgsProcessing.SourceType.TypeVectorPoint)
        )
        for key, label in zip(
            NUMERIC_OUTPUTS,
            ("Settlements", "On the Iraqi side", "On the Syrian side", "Abandoned", "Duplicates merged"),
        ):
            self.addOutput(QgsProcessingOutputNumber(key, self.tr(label)))

    # -- checks -------------------------------------------------------------------
    def _status_map(self, parameters, context):
        try:
            return settlements.parse_status_map(self.parameterAsString(parameters, STATUS_VALUES, context))
        except ValueError as err:
            raise BorderGapsError(str(err)) from err

    def _files(self, parameters, context):
        value = parameters.get(INPUT)
        if not value:
            return []
        files = self.parameterAsFileList(parameters, INPUT, context)
        for path in files:
            if not os.path.isfile(path):
                raise BorderGapsError(f"INPUT: file '{path}' does not exist or is not a file.")
        return files

    def checkParameterValues(self, parameters, context):  # noqa: N802 (QGIS API name)
        ok, message = super().checkParameterValues(parameters, context)
        if not ok:
            return ok, message
        try:
            self._status_map(parameters, context)
            files = self._files(parameters, context)
            layers = self.parameterAsLayerList(parameters, SETTLEMENT_LAYERS, context) or []
            if not files and not layers and not self.parameterAsBoolean(parameters, INCLUDE_BUNDLED, context):
                raise BorderGapsError(
                    "Nothing to import: give gazetteer files in INPUT or point layers in SETTLEMENT_LAYERS "
                    "(or INCLUDE_BUNDLED=true)."
                )
        except BorderGapsError as err:
            return False, err.message
        return True, ""

    # -- running ------------------------------------------------------------------
    def execute(self, parameters, context, feedback):
        status_map = self._status_map(parameters, context)
        files = self._files(parameters, context)
        layers = [
            lyr for lyr in (self.parameterAsLayerList(parameters, SETTLEMENT_LAYERS, context) or []) if lyr is not None
        ]
        include_bundled = self.parameterAsBoolean(parameters, INCLUDE_BUNDLED, context)
        if not files and not layers and not include_bundled:
            raise BorderGapsError(
                "Nothing to import: give gazetteer files in INPUT or point layers in SETTLEMENT_LAYERS "
                "(or INCLUDE_BUNDLED=true)."
            )
        fmt = gazetteer.FORMATS[self.parameterAsEnum(parameters, FORMAT, context)]
        alternates = self.parameterAsFile(parameters, ALTERNATE_NAMES, context)
        max_km = self.parameterAsDouble(parameters, MAX_DISTANCE, context) / 1000.0
        duplicate_m = self.parameterAsDouble(parameters, DUPLICATE_DISTANCE, context)
        given = {
            role: self.parameterAsString(parameters, key, context).strip() for role, key in FIELD_PARAMETERS.items()
        }

        border, border_name = self._border(parameters, context, feedback)
        meter = settlements.BorderMeter(border)
        locator = self._locator(feedback)
        box = meter.search_box(max_km)
        feedback.pushInfo(
            f"Border: {border_name}. Keeping places within {max_km:g} km (geodesic) on the Iraqi and Syrian "
            f"sides; first filter: lon {box.xMinimum():.2f}–{box.xMaximum():.2f}, lat "
            f"{box.yMinimum():.2f}–{box.yMaximum():.2f}."
        )

        sizes = [max(os.path.getsize(p), 1) for p in files]
        total = float(sum(sizes)) or 1.0
        reading_share = 80.0 if (files or layers) else 0.0
        done = 0.0
        candidates = []
        sources = []
        order = 0
        geonames_places = []
        for path, size in zip(files, sizes):
            check_canceled(feedback)
            start, span = done, reading_share * size / total * (0.9 if layers else 1.0)

            def progress(fraction, start=start, span=span):
                feedback.setProgress(int(start + span * fraction))

            places, stats = gazetteer.read_file(
                path, fmt, box, given, status_map, progress, feedback.isCanceled, order=order
            )
            done += span
            for line in stats.log_lines():
                feedback.pushInfo(line)
            if stats.format == gazetteer.GEONAMES:
                geonames_places.extend(places)
            source = gazetteer.SOURCE_NAMES.get(stats.format, os.path.splitext(os.path.basename(path))[0])
            if source not in sources:
                sources.append(source)
            candidates.extend(places)
            order += 1
        for layer in layers:
            check_canceled(feedback)
            places, stats = self._read_layer(layer, given, status_map, box, context, feedback, order)
            for line in stats.log_lines():
                feedback.pushInfo(line)
            candidates.extend(places)
            if layer.name() not in sources:
                sources.append(layer.name())
            order += 1
        feedback.setProgress(int(reading_share))

        located_counts = settlements.PlaceFilter()
        located = settlements.locate(candidates, meter, locator, max_km, located_counts)
        if alternates:
            if not geonames_places:
                feedback.pushWarning(
                    f"ALTERNATE_NAMES is given but no INPUT file is a GeoNames dump: {alternates} unused."
                )
            else:
                kept = [p for p in located if p.source == "GeoNames"]
                stats = gazetteer.ReadStats(alternates, format=gazetteer.ALTERNATE_NAMES)
                gazetteer.apply_alternate_names(
                    alternates,
                    kept,
                    stats,
                    lambda f: feedback.setProgress(int(reading_share + 10.0 * f)),
                    feedback.isCanceled,
                )
                feedback.pushInfo(
                    f"{os.path.basename(alternates)}: Arabic names of {stats.arabic_from_alternates:,} of "
                    f"{len(kept):,} GeoNames places."
                )
        if include_bundled:
            bundled = [p for p in self._bundled_places(order) if p.border_km is None or p.border_km <= max_km]
            located.extend(bundled)
            for source in sorted({p.source for p in bundled}):
                if source not in sources:
                    sources.append(source)
            feedback.pushInfo(f"Bundled settlements: {len(bundled):,} merged in.")
        feedback.pushInfo(
            f"{located_counts.kept:,} place(s) within {max_km:g} km; {located_counts.too_far:,} farther left out"
            + (
                f", {located_counts.other_country:,} outside Iraq and Syria left out"
                if located_counts.other_country
                else ""
            )
            + (
                f"; {located_counts.side_from_source:,} near the line take the side their source gives"
                if located_counts.side_from_source
                else ""
            )
            + "."
        )
        check_canceled(feedback)
        result = settlements.deduplicate(located, duplicate_m)
        for conflict in result.status_conflicts[:20]:
            feedback.pushWarning(f"Status differs between sources: {conflict}.")
        feedback.pushInfo(
            f"{result.merged:,} duplicate record(s) merged (same name within {duplicate_m:g} m, different sources); "
            f"{len(result.places):,} settlement(s) written."
        )
        for line in settlements.band_table(result.places):
            feedback.pushInfo(line)
        feedback.setProgress(95)

        fields = output_fields()
        sink, dest_id = self.parameterAsSink(parameters, OUTPUT, context, fields, QgsWkbTypes.Type.Point, bands.WGS84)
        if sink is None:
            raise BorderGapsError("The OUTPUT layer could not be created. Check the output path.")
        places = sorted(result.places, key=lambda p: (p.side or "", p.border_km or 0.0, p.name, p.source_id))
        names = [name for name, _kind in catalogue.FIELDS["settlements"]]
        written = []
        for i, place in enumerate(places):
            if i % 1000 == 0:
                check_canceled(feedback)
            point = valid_output(QgsGeometry.fromPointXY(place.point), None, POINT_TYPE, multi=False)
            if point is None:  # coordinates that are not numbers: no valid point to write
                continue
            written.append(place)
            feature = QgsFeature(fields)
            feature.setGeometry(point)
            row = _row(place)
            feature.setAttributes([NULL if row.get(n) is None else row[n] for n in names])
            sink.addFeature(feature, QgsFeatureSink.Flag.FastInsert)
        if len(written) < len(places):
            feedback.pushWarning(f"{len(places) - len(written):,} settlement(s) without valid coordinates left out.")
            places = written
        feedback.setProgress(100)
        if context.willLoadLayerOnCompletion(dest_id):
            context.layerToLoadOnCompletionDetails(dest_id).setPostProcessor(_SettlementsOnLoad(sources))
        counts = {
            "SETTLEMENT_COUNT": len(places),
            "IRAQ_COUNT": sum(p.side == "IQ" for p in places),
            "SYRIA_COUNT": sum(p.side == "SY" for p in places),
            "ABANDONED_COUNT": sum(p.status == "abandoned" for p in places),
            "MERGED_COUNT": result.merged,
        }
        return {OUTPUT: dest_id, **counts}

    # -- inputs -------------------------------------------------------------------
    def _border(self, parameters, context, feedback):
        source = self.parameterAsSource(parameters, BORDER, context)
        if source is None:
            layer = self.bundled("border")
            name = "bundled Iraq–Syria border"
        else:
            layer = source
            name = source.sourceName()
        lines = read_features(
            layer,
            bands.WGS84,
            name,
            QgsWkbTypes.GeometryType.LineGeometry,
            is_canceled=feedback.isCanceled,
            transform_context=context.transformContext(),
        )
        for line in lines.log_lines():
            feedback.pushInfo(line)
        if not lines.features:
            raise BorderGapsError(f"BORDER layer '{name}' has no line to measure from: choose the border line layer.")
        return QgsGeometry.unaryUnion([f.geometry() for f in lines.features]).mergeLines(), name

    def _locator(self, feedback):
        def polygons(name, *fields):
            layer = self.bundled(name)
            out = []
            for feature in iter_features(layer):
                if feature.hasGeometry():
                    out.append(tuple(feature[f] for f in fields) + (QgsGeometry(feature.geometry()),))
            return out

        countries = [(code, geom) for code, geom in polygons("countries", "iso_a2")]
        governorates = polygons("governorates", "name", "country")
        districts = polygons("districts", "name", "side")
        return settlements.Locator(countries, governorates, districts)

    def _read_layer(self, layer, given, status_map, box, context, feedback, order):
        stats = gazetteer.ReadStats(layer.source(), format=gazetteer.TABLE)
        stats.path = layer.name()
        names = layer.fields().names()
        remembered = load_mapping(layer) if isinstance(layer, QgsVectorLayer) else FieldMapping()
        for role in FieldMapping.roles():
            if not given.get(role):
                given_role = remembered.get(role)
                if given_role:
                    given = dict(given, **{role: given_role})
        mapping = gazetteer.table_mapping(
            names, {k: v for k, v in given.items() if k not in ("x", "y")}, f"layer {layer.name()}", False
        )
        crs = layer.crs()
        if not crs.isValid():
            raise BorderGapsError(
                f"Layer '{layer.name()}' has no coordinate reference system. Set its CRS in the layer properties "
                "(Source → Assigned CRS) and run again."
            )
        transform = QgsCoordinateTransform(crs, bands.WGS84, context.transformContext())
        places = []
        total = max(layer.featureCount(), 1)
        for i, feature in enumerate(iter_features(layer)):
            if i % 2000 == 0:
                check_canceled(feedback)
            stats.lines += 1
            geometry = feature.geometry()
            if geometry is None or geometry.isEmpty():
                stats.malformed += 1
                continue
            geometry = QgsGeometry(geometry)
            try:
                geometry.transform(transform)
            except Exception:  # noqa: BLE001 - QgsCsException: coordinates that do not fit the CRS
                stats.malformed += 1
                continue
            point = geometry.centroid().asPoint() if geometry.isMultipart() else geometry.asPoint()
            if not (-180.0 <= point.x() <= 180.0 and -90.0 <= point.y() <= 90.0):
                stats.malformed += 1
                continue
            stats.settlements += 1
            if not box.contains(point):
                continue
            values = {name: feature[name] for name in names}
            place = gazetteer.place_from_values(
                values,
                mapping.fields,
                point.x(),
                point.y(),
                layer.name(),
                f"fid {feature.id()}",
                status_map,
                stats,
                order,
            )
            if place is None:
                stats.malformed += 1
                continue
            places.append(place)
            if i % 500 == 0:
                feedback.setProgress(min(79, int(80.0 * i / total)))
        stats.in_box = len(places)
        if stats.malformed:
            stats.notes.append(
                f"{layer.name()}: {stats.malformed} feature(s) skipped (no geometry, coordinates outside the CRS, "
                "or no name)."
            )
        return places, stats

    def _bundled_places(self, order):
        layer = self.bundled("settlements")
        out = []
        for feature in iter_features(layer):
            if not feature.hasGeometry() or feature.geometry().isEmpty():
                continue
            point = feature.geometry().asPoint()

            def text(name, feature=feature):
                value = feature[name]
                return None if value is None or value == NULL else str(value)

            population = feature["population"]
            out.append(
                Place(
                    name=text("name") or "",
                    lon=point.x(),
                    lat=point.y(),
                    name_ar=text("name_ar"),
                    alt_names=[n for n in (text("alt_names") or "").split(";") if n],
                    population=None if population in (None, NULL) else int(population),
                    kind=text("kind"),
                    status=text("status") or settlements.UNKNOWN,
                    precision=text("precision") or "exact",
                    source=text("source") or "bundled",
                    source_id=text("source_id") or "",
                    note=text("note"),
                    side=text("side"),
                    governorate=text("governorate"),
                    district=text("district"),
                    border_km=feature["border_km"],
                    other_sources=[n for n in (text("other_sources") or "").split(";") if n],
                    order=order,
                )
            )
        return out


def _row(place: Place) -> dict:
    note = "; ".join(n for n in (place.note, f"status from {place.status_note}" if place.status_note else None) if n)
    return {
        "name": place.name,
        "name_ar": place.name_ar,
        "alt_names": ";".join(place.alt_names) or None,
        "side": place.side,
        "governorate": place.governorate,
        "district": place.district,
        "population": place.population,
        "border_km": place.border_km,
        "status": place.status,
        "precision": place.precision,
        "kind": place.kind,
        "source": place.source,
        "source_id": place.source_id,
        "other_sources": ";".join(place.other_sources) or None,
        "note": note or None,
    }
