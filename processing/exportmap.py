"""bordergaps:exportmap: a styled, sourced briefing map of a gap layer, to PDF and/or PNG."""

import os

from qgis.core import (
    Qgis,
    QgsProcessing,
    QgsProcessingAlgorithm,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterMultipleLayers,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorLayer,
    QgsProject,
    QgsProviderRegistry,
    QgsWkbTypes,
)

from ..analysis import layoutfit, maplayout
from ..analysis.errors import BorderGapsError
from .base import BorderGapsAlgorithm

# the border-region layers under the analysis layers, top to bottom
REGION_LAYERS = ["crossings", "settlements", "border", "border_bands", "governorates", "countries"]
OVERVIEW_REGION_LAYERS = ["border", "countries"]
UNLISTED_REGION_LAYERS = {"countries", "governorates"}


class ExportMapAlgorithm(BorderGapsAlgorithm):
    ID = "exportmap"
    DISPLAY_NAME = "Export gap map (PDF/PNG)"
    GROUP_ID = "maps"
    HELP = (
        "Makes a briefing map of a gap layer (the output of Unmonitored gap zones) and writes it to PDF "
        "and/or PNG: title, date, the gaps graded by priority with a margin around them, your extra layers "
        "(control areas, coverage, posts), unclaimed land between the control areas hatched, the bundled "
        "border, crossings and settlements, an overview of the whole border with the map's extent marked, "
        "a legend of the layers shown, a scale bar in km, a north arrow, a table of the largest gaps and "
        "the sources of every layer.\n\n"
        "The map is built in a project of its own: your project and layers are not changed. Layers you "
        "pass keep their style; layers loaded from files (qgis_process) get the Border Gaps styles. Only "
        "the files you name are written. The layout comes from resources/layouts/*.qpt (editable in the "
        "layout designer)."
    )

    GAPS = "GAPS"
    EXTRA_LAYERS = "EXTRA_LAYERS"
    TITLE = "TITLE"
    SUBTITLE = "SUBTITLE"
    PAGE = "PAGE"
    OUTPUT_PDF = "OUTPUT_PDF"
    OUTPUT_PNG = "OUTPUT_PNG"
    DPI = "DPI"
    SORT_KEY = "SORT_KEY"
    INCLUDE_BORDER_REGION = "INCLUDE_BORDER_REGION"
    NOTE = "NOTE"

    def flags(self):
        # Layout rendering (fonts, pictures, the legend) is only safe in the main thread.
        no_threading = (
            Qgis.ProcessingAlgorithmFlag.NoThreading
            if hasattr(Qgis, "ProcessingAlgorithmFlag")
            else QgsProcessingAlgorithm.Flag.FlagNoThreading
        )  # QGIS < 3.36
        return super().flags() | no_threading

    def initAlgorithm(self, config=None):
        add = self.add_parameter

        add(
            QgsProcessingParameterVectorLayer(
                self.GAPS, self.tr("Gap zones"), [QgsProcessing.SourceType.TypeVectorPolygon]
            ),
            "The gap layer from Unmonitored gap zones (fields gap_id, area_km2, width_km, border_km, "
            "priority). The map is zoomed to it.",
        )
        add(
            QgsProcessingParameterMultipleLayers(
                self.EXTRA_LAYERS,
                self.tr("Extra layers (control areas, coverage, posts)"),
                QgsProcessing.SourceType.TypeVectorAnyGeometry,
                optional=True,
            ),
            "Layers drawn with the gaps: control areas (a polygon layer with a 'force' field; unclaimed land "
            "between them is hatched), coverage polygons, posts.",
        )
        add(
            QgsProcessingParameterString(self.TITLE, self.tr("Title"), defaultValue="Unmonitored gap zones"),
            "The map's title.",
        )
        add(
            QgsProcessingParameterString(self.SUBTITLE, self.tr("Subtitle"), defaultValue="", optional=True),
            "A line under the title, e.g. the area, the forces and the seam distance.",
        )
        add(
            QgsProcessingParameterEnum(
                self.PAGE, self.tr("Page"), [self.tr(p[0]) for p in maplayout.PAGES], defaultValue=0
            ),
            "Paper size and orientation.",
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
            "Dots per inch of the PNG (and of any raster part of the PDF).",
        )
        add(
            QgsProcessingParameterEnum(
                self.SORT_KEY,
                self.tr("Order the gap table by"),
                [self.tr(k[0]) for k in maplayout.SORT_KEYS],
                defaultValue=0,
            ),
            "Which gaps the table lists first: highest priority or largest area.",
        )
        add(
            QgsProcessingParameterBoolean(
                self.INCLUDE_BORDER_REGION, self.tr("Add the border-region layers"), defaultValue=True
            ),
            "Draw the bundled border, crossings, settlements, governorates and countries under the analysis "
            "layers, and the whole border in the overview.",
        )
        add(
            QgsProcessingParameterString(
                self.NOTE, self.tr("Note on the map"), defaultValue="", multiLine=True, optional=True
            ),
            "Optional text in a box in the map's lower right corner, e.g. the SENTENCE output of Incidents "
            "against gap zones (bordergaps:incidents): 'Incidents per km² are 3.4 times higher in the gaps…'.",
        )
        add(
            QgsProcessingParameterFileDestination(
                self.OUTPUT_PDF,
                self.tr("Map as PDF"),
                self.tr("PDF files (*.pdf)"),
                optional=True,
                createByDefault=False,
            ),
            "Where to write the one-page PDF. Give this, the PNG, or both.",
        )
        add(
            QgsProcessingParameterFileDestination(
                self.OUTPUT_PNG,
                self.tr("Map as PNG"),
                self.tr("PNG images (*.png)"),
                optional=True,
                createByDefault=False,
            ),
            "Where to write the PNG image, at the resolution above.",
        )

    def _outputs(self, parameters, context):
        pdf = self.parameterAsFileOutput(parameters, self.OUTPUT_PDF, context) or ""
        png = self.parameterAsFileOutput(parameters, self.OUTPUT_PNG, context) or ""
        return pdf, png

    def checkParameterValues(self, parameters, context):
        ok, message = super().checkParameterValues(parameters, context)
        if not ok:
            return ok, message
        problem = self._problem(parameters, context)
        return (False, problem) if problem else (True, "")

    def _problem(self, parameters, context):
        pdf, png = self._outputs(parameters, context)
        if not pdf and not png:
            return (
                "Give an output file: OUTPUT_PDF (Map as PDF), OUTPUT_PNG (Map as PNG) or both; "
                "without one the map has nowhere to go."
            )
        if pdf and png and pdf == png:
            return f"The PDF and the PNG are both set to '{pdf}': give them different file names."
        for path, what, suffix in ((pdf, "PDF map", ".pdf"), (png, "PNG map", ".png")):
            problem = maplayout.output_path_problem(path, what) if path else None
            if problem:
                return problem
            if path and not path.lower().endswith(suffix):
                return f"The {what} file '{path}' should end in {suffix}: rename it."
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
        return self.export_map(parameters, context, feedback)

    def export_map(self, parameters, context, feedback):
        problem = self._problem(parameters, context)  # also when called without checkParameterValues
        if problem:
            raise BorderGapsError(problem)
        pdf, png = self._outputs(parameters, context)
        dpi = self.parameterAsInt(parameters, self.DPI, context)
        assembled = self.assemble(parameters, context, feedback)
        if assembled is None:
            return {}
        project, spec = assembled
        layout = maplayout.build_layout(project, spec)
        feedback.setProgress(50)
        feedback.pushInfo(f"Legend: {', '.join(i.title for i in spec.main_layers)}")
        for problem in layoutfit.layout_problems(layout):
            feedback.reportError(f"The map's {problem}: it may be cut off on the page.", fatalError=False)
        if feedback.isCanceled():
            return {}
        written = maplayout.export_layout(layout, pdf, png, dpi, feedback.isCanceled)
        for path in written:
            feedback.pushInfo(f"Wrote {path}")
        feedback.setProgress(100)
        del layout  # before the project it refers to
        return {self.OUTPUT_PDF: pdf or None, self.OUTPUT_PNG: png or None}

    def assemble(self, parameters, context, feedback):
        """(project, MapSpec) of the briefing map: the layers cloned into a project of their own,
        styled, in map order, with titles and sources; None when canceled. Shared with
        bordergaps:exportatlas, whose first page is this map."""
        gaps = self.parameterAsVectorLayer(parameters, self.GAPS, context)
        extras = self.parameterAsLayerList(parameters, self.EXTRA_LAYERS, context) or []
        page = self.parameterAsEnum(parameters, self.PAGE, context)
        include_region = self.parameterAsBoolean(parameters, self.INCLUDE_BORDER_REGION, context)

        # A project of our own, so the user's project, layers and styles are never touched.
        project = QgsProject()
        project.setTransformContext(context.transformContext())
        loaded_by_processing = {layer.id() for layer in context.temporaryLayerStore().mapLayers().values()}

        def adopt(layer):
            clone = layer.clone()
            project.addMapLayer(clone, False)
            return clone

        gap_layer = adopt(gaps)
        maplayout.style_gap_layer(gap_layer)
        gap_sources = maplayout.layer_sources(gaps)
        if gap_sources == ["user data"]:
            gap_sources = ["Border Gaps gap analysis of the layers shown"]
        gap_item = maplayout.MapLayer(gap_layer, "Gap zones by priority", sources=gap_sources)
        feedback.setProgress(5)

        points, lines, polygons, controls = [], [], [], []
        for layer in extras:
            if feedback.isCanceled():
                return None
            if layer.id() == gaps.id():
                continue
            clone = adopt(layer)
            title = layer.name()
            if layer.id() in loaded_by_processing:
                # Loaded from a file by Processing, so unstyled: the catalogue's style and
                # metadata for our bundled files, a style by what it holds for others.
                title = self._style_from_catalogue(clone) or self._style_by_role(clone)
            item = maplayout.MapLayer(clone, title, sources=maplayout.layer_sources(clone))
            geometry = clone.geometryType() if hasattr(clone, "geometryType") else None
            if geometry == QgsWkbTypes.GeometryType.PointGeometry:
                points.append(item)
            elif geometry == QgsWkbTypes.GeometryType.LineGeometry:
                lines.append(item)
            elif maplayout.is_control_layer(clone):
                controls.append(item)
            else:
                polygons.append(item)
        feedback.setProgress(15)

        region = self._region_layers(project, feedback) if include_region else {}
        feedback.setProgress(30)

        focus = gap_layer
        if not maplayout.has_geometry(gap_layer):
            focus = next(
                (item.layer for item in points + lines + polygons + controls if maplayout.has_geometry(item.layer)),
                None,
            )
            if focus is None:
                raise BorderGapsError(
                    f"The gap layer '{gaps.name()}' has no gap with a geometry and no extra layer has any "
                    "feature, so there is nothing to map. Check the gap layer, or add the control areas to "
                    "map a result with no gaps."
                )
            feedback.pushInfo(f"The gap layer '{gaps.name()}' has no gaps: the map shows '{focus.name()}'.")
        crs, _extent = maplayout.map_frame(focus, project.transformContext())
        unclaimed = []
        land = maplayout.countries_holding(
            region.get("countries"), [item.layer for item in controls], crs, project.transformContext()
        )
        for item in controls:
            if feedback.isCanceled():
                return None
            geometry = maplayout.unclaimed_land(item.layer, crs, project.transformContext(), land)
            if not geometry.isEmpty():
                layer = maplayout.geometry_layer(geometry, crs, "Unclaimed land")
                maplayout.style_unclaimed_layer(layer)
                project.addMapLayer(layer, False)
                unclaimed.append(maplayout.MapLayer(layer, "Unclaimed land", in_attribution=False))
        feedback.setProgress(40)

        main_layers = points + [gap_item] + lines + polygons + unclaimed + controls
        region_items = []
        for name in REGION_LAYERS:
            if name in region:
                layer = region[name]
                # countries and governorates are labelled on the map: the legend has better use for its room
                region_items.append(
                    maplayout.MapLayer(
                        layer,
                        layer.name(),
                        in_legend=name not in UNLISTED_REGION_LAYERS,
                        sources=maplayout.layer_sources(layer),
                    )
                )
        main_layers += region_items
        overview_gaps = gap_layer.clone()  # unlabelled: the inset is too small for gap numbers
        overview_gaps.setLabelsEnabled(False)
        project.addMapLayer(overview_gaps, False)
        overview_layers = [overview_gaps] + [region[n] for n in OVERVIEW_REGION_LAYERS if n in region]

        synthetic = [
            i.title.replace("(synthetic demo)", "").strip().lower()
            for i in main_layers
            if "synthetic" in i.layer.metadata().abstract().lower()
        ]
        note = f"DEMONSTRATION DATA: synthetic {', '.join(synthetic)}" if synthetic else ""

        spec = maplayout.MapSpec(
            gaps=gap_layer,
            main_layers=main_layers,
            overview_layers=overview_layers,
            title=self.parameterAsString(parameters, self.TITLE, context),
            subtitle=self.parameterAsString(parameters, self.SUBTITLE, context),
            page=page,
            sort_key=self.parameterAsEnum(parameters, self.SORT_KEY, context),
            border=region.get("border"),
            note=note,
            focus=focus,
            extra_text=(self.parameterAsString(parameters, self.NOTE, context) or "").strip(),
        )
        return project, spec

    @staticmethod
    def _style_by_role(layer):
        maplayout.style_by_role(layer)
        return maplayout.pretty_name(maplayout.source_layer_name(layer))

    @staticmethod
    def _style_from_catalogue(layer):
        """Style, metadata and title of a layer of our bundled GeoPackages; None for others."""
        try:
            from ..layers import catalogue
        except ImportError:
            return None
        parts = QgsProviderRegistry.instance().decodeUri(layer.providerType(), layer.source())
        path, name = parts.get("path") or "", parts.get("layerName") or ""
        entry = catalogue.CATALOGUE.get(name)
        if (
            entry is None
            or not path
            or not os.path.exists(path)
            or not os.path.exists(entry.gpkg)
            or not os.path.samefile(path, entry.gpkg)
        ):
            return None
        if os.path.isfile(entry.style_path):
            layer.loadNamedStyle(entry.style_path)
        layer.setMetadata(catalogue.layer_metadata(entry))
        return entry.title

    @staticmethod
    def _region_layers(project, feedback):
        """The bundled border-region layers, styled, in ``project``; missing ones are logged."""
        try:
            from ..layers.catalogue import bundled_layer
        except ImportError as err:
            feedback.reportError(
                f"The border-region layers are not available ({err}); the map shows the analysis layers only.",
                fatalError=False,
            )
            return {}
        layers = {}
        for name in REGION_LAYERS:
            if feedback.isCanceled():
                break
            try:
                layer = bundled_layer(name)
            except Exception as err:  # one missing layer should not cost the whole map
                feedback.reportError(f"Border-region layer '{name}' could not be loaded: {err}", fatalError=False)
                continue
            if layer is None or not layer.isValid():
                feedback.reportError(f"Border-region layer '{name}' is not valid; left off the map.", fatalError=False)
                continue
            project.addMapLayer(layer, False)
            layers[name] = layer
        return layers
