"""bordergaps:exportatlas: a briefing atlas, page 1 the map of all gaps, then a page per gap,
to one PDF or GeoPDF."""

from qgis.core import (
    QgsProcessing,
    QgsProcessingOutputNumber,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterMultipleLayers,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorLayer,
    QgsWkbTypes,
)

from ..analysis import atlas, maplayout
from ..analysis.errors import BorderGapsError
from .exportmap import ExportMapAlgorithm

# optional outputs of the other algorithms: key, parameter label, title on the map, geometry, what it is
ATLAS_INPUTS = [
    (
        "GAP_RESPONSE",
        "Gap Response",
        None,
        "polygon",
        "the gaps with answering posts and minutes (output of Coordination)",
    ),
    (
        "HANDOVER",
        "Handover",
        "Handover line (coordination)",
        "line",
        "the handover line between the forces (Coordination)",
    ),
    (
        "LINKS",
        "Links",
        "Answering links (coordination)",
        "line",
        "the links from answering posts to gaps (Coordination)",
    ),
    ("SORTIES", "Sorties", "Drone sorties", "line", "the sorties' paths (output of Drone sorties)"),
    ("LANES", "Lanes", "Survey lanes", "line", "the lanes flown over each gap (Drone sorties)"),
    (
        "SURVEYED",
        "Surveyed",
        "Surveyed by drone",
        "polygon",
        "the swaths each sortie watches over each gap (Drone sorties)",
    ),
    (
        "GAP_INCIDENTS",
        "Gap Incidents",
        None,
        "polygon",
        "the gaps with incidents, fatalities and rates (output of Incidents)",
    ),
    ("HOTSPOT_AREAS", "Hotspot Areas", "Incident hot spots", "polygon", "the densest incident areas (Incidents)"),
]
SOURCE_TYPES = {
    "polygon": QgsProcessing.SourceType.TypeVectorPolygon,
    "line": QgsProcessing.SourceType.TypeVectorLine,
}


class ExportAtlasAlgorithm(ExportMapAlgorithm):
    ID = "exportatlas"
    DISPLAY_NAME = "Export gap atlas (PDF/GeoPDF, a page per gap)"
    GROUP_ID = "maps"
    HELP = (
        "Writes a briefing atlas of a gap layer to one PDF: page 1 is the briefing map of Export gap map "
        "(all gaps, the overview of the border, legend, table of the largest gaps, sources); then one page "
        "per gap, highest priority (or largest area) first, zoomed to the gap with its coverage, posts, "
        "settlements and crossings, and — when you give them — the answering posts and handover line of "
        "Coordination, the sorties, lanes and surveyed swaths of Drone sorties and the incidents and hot spots "
        "of Incidents; a table of that gap's figures, an inset locating it on the border, page numbers, the "
        "date and the sources on every page.\n\n"
        "GEOPDF writes a georeferenced PDF (Avenza Maps and other tablet apps place you on it) whose map "
        "layers can be switched on and off, one switch per layer for all pages; it needs QGIS's GeoPDF "
        "support and the Python package pypdf, and is on by default where both are there.\n\n"
        "The pages come from one QGIS layout with an atlas over the gaps (resources/layouts/"
        "border_gaps_atlas_a4_*.qpt, editable in the layout designer). Your project and layers are not changed."
    )

    TOP_N = "TOP_N"
    GEOPDF = "GEOPDF"
    PAGE_COUNT = "PAGE_COUNT"

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API name)
        add = self.add_parameter
        add(
            QgsProcessingParameterVectorLayer(
                self.GAPS, self.tr("Gap zones"), [QgsProcessing.SourceType.TypeVectorPolygon]
            ),
            "The gap layer from Unmonitored gap zones (fields gap_id, area_km2, width_km, border_km, priority): "
            "a page for each gap.",
        )
        add(
            QgsProcessingParameterMultipleLayers(
                self.EXTRA_LAYERS,
                self.tr("Extra layers (control areas, coverage, posts)"),
                QgsProcessing.SourceType.TypeVectorAnyGeometry,
                optional=True,
            ),
            "Layers drawn with the gaps on every page: control areas, coverage polygons, posts.",
        )
        add(
            QgsProcessingParameterString(self.TITLE, self.tr("Title"), defaultValue="Unmonitored gap zones"),
            "The title of page 1; each gap page is titled by its gap.",
        )
        add(
            QgsProcessingParameterString(self.SUBTITLE, self.tr("Subtitle"), defaultValue="", optional=True),
            "A line under the title of page 1.",
        )
        add(
            QgsProcessingParameterEnum(
                self.PAGE, self.tr("Page"), [self.tr(p[0]) for p in maplayout.PAGES], defaultValue=0
            ),
            "Paper size and orientation of every page.",
        )
        add(
            QgsProcessingParameterNumber(
                self.DPI,
                self.tr("Resolution (dpi)"),
                QgsProcessingParameterNumber.Type.Integer,
                defaultValue=150,
                minValue=50,
                maxValue=600,
            ),
            "Dots per inch of any raster part of the PDF (hatching, transparency).",
        )
        add(
            QgsProcessingParameterEnum(
                self.SORT_KEY,
                self.tr("Order the gaps by"),
                [self.tr(k[0]) for k in maplayout.SORT_KEYS],
                defaultValue=0,
            ),
            "Which gap comes first: highest priority or largest area (ties by the other, then gap_id).",
        )
        add(
            QgsProcessingParameterNumber(
                self.TOP_N,
                self.tr("Pages for the first N gaps (0 = all)"),
                QgsProcessingParameterNumber.Type.Integer,
                defaultValue=0,
                minValue=0,
            ),
            "Only the first N gaps in that order get a page of their own; 0 gives every gap a page.",
        )
        add(
            QgsProcessingParameterBoolean(
                self.INCLUDE_BORDER_REGION, self.tr("Add the border-region layers"), defaultValue=True
            ),
            "Draw the bundled border, crossings, settlements, governorates and countries.",
        )
        for key, label, _title, geometry, what in ATLAS_INPUTS:
            add(
                QgsProcessingParameterVectorLayer(key, self.tr(label), [SOURCE_TYPES[geometry]], optional=True),
                f"Optional: {what}. "
                + (
                    "Its fields are matched to the gaps by gap_id and shown in each gap's table."
                    if _title is None
                    else "Drawn on the gap pages"
                    + (", and matched by gap_id for the table." if key in ("SURVEYED", "LANES") else ".")
                ),
            )
        add(
            QgsProcessingParameterBoolean(
                self.GEOPDF, self.tr("GeoPDF (georeferenced, layers switchable)"), defaultValue=atlas.geopdf_available()
            ),
            "Write a GeoPDF: every page georeferenced, the map layers switchable. Needs QGIS's GeoPDF support and "
            "the Python package pypdf; without them a plain PDF is written and the log says why.",
        )
        add(
            QgsProcessingParameterFileDestination(
                self.OUTPUT_PDF, self.tr("Atlas as PDF"), self.tr("PDF files (*.pdf)")
            ),
            "Where to write the atlas.",
        )
        self.addOutput(QgsProcessingOutputNumber(self.PAGE_COUNT, self.tr("Pages written")))

    def _outputs(self, parameters, context):
        return self.parameterAsFileOutput(parameters, self.OUTPUT_PDF, context) or "", ""

    def _problem(self, parameters, context):
        pdf, _png = self._outputs(parameters, context)
        if not pdf:
            return "Give OUTPUT_PDF (Atlas as PDF): the file the atlas is written to."
        problem = maplayout.output_path_problem(pdf, "atlas PDF")
        if problem:
            return problem
        if not pdf.lower().endswith(".pdf"):
            return f"The atlas PDF file '{pdf}' should end in .pdf: rename it."
        gaps = self.parameterAsVectorLayer(parameters, self.GAPS, context)
        if gaps is not None and gaps.geometryType() != QgsWkbTypes.GeometryType.PolygonGeometry:
            return (
                f"The gap layer '{gaps.name()}' does not hold polygons: give the polygon output of "
                "Unmonitored gap zones (bordergaps:gapzones) as GAPS."
            )
        if gaps is not None:
            missing = maplayout.missing_gap_fields(gaps)
            if missing:
                return (
                    f"The gap layer '{gaps.name()}' has no field {', '.join(repr(m) for m in missing)}: "
                    "give the output of Unmonitored gap zones (bordergaps:gapzones)."
                )
        return None

    def execute(self, parameters, context, feedback):
        problem = self._problem(parameters, context)
        if problem:
            raise BorderGapsError(problem)
        pdf, _png = self._outputs(parameters, context)
        dpi = self.parameterAsInt(parameters, self.DPI, context)
        page = self.parameterAsEnum(parameters, self.PAGE, context)
        geo = self.parameterAsBoolean(parameters, self.GEOPDF, context)
        if geo:
            reason = atlas.geopdf_unavailable_reason()
            if reason:
                feedback.reportError(f"GeoPDF is not available ({reason}): writing a plain PDF.", fatalError=False)
                geo = False
        prepared = self.prepare(parameters, context, feedback)
        if prepared is None:
            return {}
        project, overview_layout, spec = prepared
        if feedback.isCanceled():
            return {}
        if geo:
            gap_layout = atlas.build_gap_layout(project, spec, page)
            pages = atlas.export_geopdf(overview_layout, gap_layout, pdf, dpi, feedback, feedback.isCanceled)
            del gap_layout
        else:
            del overview_layout
            layout = atlas.build_atlas_layout(project, spec, page)
            pages = atlas.export_pdf(layout, pdf, dpi, feedback)
            del layout
        if feedback.isCanceled():
            return {}
        feedback.pushInfo(f"Wrote {pdf} ({pages} pages)")
        feedback.setProgress(100)
        return {self.OUTPUT_PDF: pdf, self.PAGE_COUNT: pages}

    def prepare(self, parameters, context, feedback):
        """(project, layout of page 1, AtlasSpec of the gap pages), or None when canceled."""
        assembled = self.assemble(parameters, context, feedback)
        if assembled is None:
            return None
        project, overview = assembled
        if not maplayout.has_geometry(overview.gaps):
            raise BorderGapsError(
                f"The gap layer '{overview.gaps.name()}' has no gap with a geometry: there is no page to make. "
                "Export gap map (bordergaps:exportmap) maps a result without gaps."
            )
        loaded_by_processing = {layer.id() for layer in context.temporaryLayerStore().mapLayers().values()}
        inputs = {}
        for key, _label, title, _geometry, _what in ATLAS_INPUTS:
            layer = self.parameterAsVectorLayer(parameters, key, context)
            if layer is None:
                continue
            clone = layer.clone()
            project.addMapLayer(clone, False)
            if layer.id() in loaded_by_processing:
                maplayout.style_by_role(clone)
            if title:
                clone.setName(title)
            inputs[key] = clone
            if clone.fields().indexOf("gap_id") < 0 and key in ("GAP_RESPONSE", "GAP_INCIDENTS", "SURVEYED", "LANES"):
                feedback.reportError(
                    f"{key} layer '{layer.name()}' has no field gap_id: it cannot be matched to the gaps.",
                    fatalError=False,
                )
        feedback.setProgress(35)

        crs, _extent = maplayout.map_frame(overview.gaps, project.transformContext())
        key_field = maplayout.SORT_KEYS[overview.sort_key][1]
        coverage = atlas.coverage_layer(
            overview.gaps,
            crs,
            project.transformContext(),
            key_field,
            self.parameterAsInt(parameters, self.TOP_N, context),
            [inputs.get("GAP_RESPONSE"), inputs.get("GAP_INCIDENTS")],
        )
        project.addMapLayer(coverage, False)
        facts = atlas.facts_layer(coverage, inputs.get("SURVEYED"), inputs.get("LANES"), project.transformContext())
        project.addMapLayer(facts, False)
        this_gap = atlas.this_gap_layer(coverage)
        project.addMapLayer(this_gap, False)

        gap_layers = self._gap_page_layers(overview, inputs, this_gap)
        for item in overview.main_layers + gap_layers:
            item.layer.setName(item.title)  # the GeoPDF's layer switches are named after the layers
        overview.page_text = f"Page 1 of {coverage.featureCount() + 1}"
        overview_layout = maplayout.build_layout(project, overview)
        inset_extent = overview_layout.itemById("overview_map").extent()
        shown = [i for i in gap_layers if i.in_attribution]
        spec = atlas.AtlasSpec(
            overview=overview,
            gap_layers=gap_layers,
            inset_layers=overview.overview_layers,
            coverage=coverage,
            facts=facts,
            crs=crs,
            inset_extent=inset_extent,
            sources=f"{maplayout.attribution_text(shown)}\nProjection: {crs.description()}.",
        )
        feedback.setProgress(45)
        feedback.pushInfo(f"Pages: 1 overview + {coverage.featureCount()} gaps")
        return project, overview_layout, spec

    @staticmethod
    def _gap_page_layers(overview, inputs, this_gap):
        """The gap pages' layers, top to bottom: this gap's outline, points, the new lines, the new
        polygons above the gaps (drone swaths, hot spots), then the briefing map's layers."""

        def item(key):
            layer = inputs.get(key)
            return [maplayout.MapLayer(layer, layer.name(), sources=maplayout.layer_sources(layer))] if layer else []

        main = list(overview.main_layers)
        points = [i for i in main if i.layer.geometryType() == QgsWkbTypes.GeometryType.PointGeometry]
        rest = [i for i in main if i not in points]
        lines = item("LINKS") + item("SORTIES") + item("LANES") + item("HANDOVER")
        polygons = item("SURVEYED") + item("HOTSPOT_AREAS")
        outline = maplayout.MapLayer(this_gap, atlas.THIS_GAP, in_attribution=False)
        return [outline] + points + lines + polygons + rest
