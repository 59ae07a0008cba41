"""bordergaps:exportmap and analysis/maplayout.py: the PDF/PNG briefing map."""

import datetime
import os

import pytest
from qgis.core import (
    Qgis,
    QgsCategorizedSymbolRenderer,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsFeature,
    QgsGeometry,
    QgsLayerTreeModelLegendNode,
    QgsMarkerSymbol,
    QgsPointXY,
    QgsProcessingAlgorithm,
    QgsProcessingException,
    QgsProject,
    QgsRectangle,
    QgsRendererCategory,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtGui import QColor, QImage

from bg_testing.maps import (
    control_areas,
    count_colour,
    gap_layer,
    pdf_pages,
    pdf_text,
    sinjar_gaps,
    square,
)
from border_gaps.analysis import layoutfit, maplayout

ALG = "bordergaps:exportmap"
# the rule key of a legend entry: QGIS 3.36 scoped the legend node roles (CustomRole.RuleKey)
RULE_KEY_ROLE = int(
    QgsLayerTreeModelLegendNode.CustomRole.RuleKey
    if hasattr(QgsLayerTreeModelLegendNode, "CustomRole")
    else QgsLayerTreeModelLegendNode.LegendNodeRoles.RuleKeyRole
)
# ISO 216 page sizes in mm, independent of the plugin's table
A4_LANDSCAPE = (297, 210)
A3_PORTRAIT = (297, 420)


@pytest.fixture
def run_export(bordergaps_provider):
    import processing

    def run(**params):
        params.setdefault("TITLE", "Sinjar gap zones")
        params.setdefault("DPI", 50)
        return processing.run(ALG, params)

    return run


def _bundled_available():
    try:
        from border_gaps.layers.catalogue import bundled_layer

        return bundled_layer("border").isValid()
    except Exception:  # noqa: BLE001 (any failure means the data is not there)
        return False


def test_pdf_has_one_page_with_title_date_and_sources(run_export, tmp_path):
    pdf = tmp_path / "map.pdf"
    result = run_export(
        GAPS=sinjar_gaps(), EXTRA_LAYERS=[control_areas()], SUBTITLE="Peshmerga / ISF seam, 3 km", OUTPUT_PDF=str(pdf)
    )
    assert result["OUTPUT_PDF"] == str(pdf)
    assert pdf_pages(pdf) == 1
    text = pdf_text(pdf)
    today = datetime.datetime.now(datetime.timezone.utc).date().isoformat()
    assert "Sinjar gap zones" in text
    assert "Peshmerga / ISF seam, 3 km" in text
    assert today in text
    assert "GeoNames" in text, "the settlements' source must be named (bundled data missing?)"
    assert "Natural Earth" in text
    assert "Data from Who's On First. License: https://github.com/" in text  # linking to the licence is required
    assert "user data" in text  # the control areas carry no metadata of their own


def test_only_the_named_files_are_written(run_export, tmp_path):
    run_export(GAPS=sinjar_gaps(), INCLUDE_BORDER_REGION=False, OUTPUT_PDF=str(tmp_path / "only.pdf"))
    assert sorted(os.listdir(tmp_path)) == ["only.pdf"]
    run_export(GAPS=sinjar_gaps(), INCLUDE_BORDER_REGION=False, OUTPUT_PNG=str(tmp_path / "only.png"))
    assert sorted(os.listdir(tmp_path)) == ["only.pdf", "only.png"]  # no world file, no page suffix


@pytest.mark.parametrize(("page", "size_mm", "dpi"), [(0, A4_LANDSCAPE, 50), (3, A3_PORTRAIT, 51)])
def test_png_size_is_page_size_times_dpi(run_export, tmp_path, page, size_mm, dpi):
    png = tmp_path / "map.png"
    run_export(GAPS=sinjar_gaps(), INCLUDE_BORDER_REGION=False, PAGE=page, DPI=dpi, OUTPUT_PNG=str(png))
    image = QImage(str(png))
    assert abs(image.width() - size_mm[0] / 25.4 * dpi) <= 1
    assert abs(image.height() - size_mm[1] / 25.4 * dpi) <= 1


def test_a3_pdf_page_is_a3(run_export, tmp_path):
    pdf = tmp_path / "a3.pdf"
    run_export(GAPS=sinjar_gaps(), INCLUDE_BORDER_REGION=False, PAGE=2, OUTPUT_PDF=str(pdf))
    import subprocess

    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "(A3)" in info, info


def _rendered_gap_colour(priority):
    """The colour a lone gap of ``priority`` shows on the map's background."""
    layer = gap_layer([(1, 5.0, 1.0, 2.0, priority, square(41.8, 36.3, 0.05))])
    maplayout.style_gap_layer(layer)
    feature = next(layer.getFeatures())
    from qgis.core import QgsRenderContext

    context = QgsRenderContext()
    renderer = layer.renderer().clone()
    renderer.startRender(context, layer.fields())
    symbol = renderer.symbolForFeature(feature, context)
    colour = QColor(symbol.color())
    alpha = colour.alphaF() * symbol.opacity() * layer.opacity()
    renderer.stopRender(context)
    layout = maplayout.load_template(QgsProject(), 0)
    background = layout.itemById("main_map").backgroundColor()
    return QColor(
        *(
            round(alpha * getattr(colour, c)() + (1 - alpha) * getattr(background, c)())
            for c in ("red", "green", "blue")
        )
    )


def test_png_shows_the_gap_in_its_priority_colour(run_export, tmp_path):
    high = _rendered_gap_colour(95)
    assert high != _rendered_gap_colour(5)
    frame_pixels = (196 / 25.4 * 50) * (178 / 25.4 * 50)  # the main map frame at 50 dpi
    for priority in (95, 5):
        png = tmp_path / f"p{priority}.png"
        layer = gap_layer([(1, 5.0, 1.0, 2.0, priority, square(41.8, 36.3, 0.05))])
        run_export(GAPS=layer, INCLUDE_BORDER_REGION=False, OUTPUT_PNG=str(png))
        count = count_colour(png, high, tolerance=10)
        if priority == 95:
            # the share of the map frame the gap covers, from the extent the layout shows
            project = QgsProject()
            project.addMapLayer(layer, False)
            layout = maplayout.build_layout(project, _spec(layer))
            main = layout.itemById("main_map")
            gap = next(layer.getFeatures()).geometry()
            gap.transform(QgsCoordinateTransform(layer.crs(), main.crs(), project))
            expected = gap.area() / main.extent().area() * frame_pixels
            assert count == pytest.approx(expected, rel=0.1)
        else:  # a low-priority gap has another colour
            assert count < 0.01 * frame_pixels, count


def _spec(gaps, others=(), sort_key=0):
    items = [maplayout.MapLayer(gaps, "Gap zones")] + [maplayout.MapLayer(layer, layer.name()) for layer in others]
    return maplayout.MapSpec(gaps=gaps, main_layers=items, overview_layers=[gaps], title="t", sort_key=sort_key)


def test_legend_lists_only_the_layers_on_the_map():
    project = QgsProject()
    gaps, control = sinjar_gaps(), control_areas()
    unrelated = QgsVectorLayer("Point?crs=EPSG:4326", "unrelated", "memory")
    for layer in (gaps, control, unrelated):
        project.addMapLayer(layer)  # in the project's tree too: the legend must not follow it
    layout = maplayout.build_layout(project, _spec(gaps, [control]))
    legend = layout.itemById("legend")
    assert maplayout.legend_layer_ids(legend) == [gaps.id(), control.id()]
    assert layout.itemById("main_map").layers() == [gaps, control]


def _categorised_posts():
    """Posts of two kinds: a 'near' one among the Sinjar gaps, a 'far' one 300 km away."""
    layer = QgsVectorLayer("Point?crs=EPSG:4326&field=kind:string", "posts", "memory")
    features = []
    for kind, wkt in (("near", "POINT(41.75 36.33)"), ("far", "POINT(44.36 33.31)")):
        feature = QgsFeature(layer.fields())
        feature.setAttributes([kind])
        feature.setGeometry(QgsGeometry.fromWkt(wkt))
        features.append(feature)
    layer.dataProvider().addFeatures(features)
    layer.updateExtents()
    categories = [
        QgsRendererCategory(kind, QgsMarkerSymbol.createSimple({"color": colour}), kind)
        for kind, colour in (("near", "red"), ("far", "blue"), ("none", "green"))
    ]
    layer.setRenderer(QgsCategorizedSymbolRenderer("kind", categories))
    return layer


def _entries(legend, layer):
    (node,) = [n for n in legend.model().rootGroup().findLayers() if n.layerId() == layer.id()]
    return [str(n.data(Qt.ItemDataRole.DisplayRole)) for n in legend.model().layerLegendNodes(node)], node


def test_legend_lists_only_the_entries_drawn_in_the_view_and_follows_the_view():
    project = QgsProject()
    gaps, posts = sinjar_gaps(), _categorised_posts()
    for layer in (gaps, posts):
        project.addMapLayer(layer, False)
    layout = maplayout.build_layout(project, _spec(gaps, [posts]))
    legend = layout.itemById("legend")
    assert not legend.legendFilterByMapEnabled()  # not QGIS's filter, tested again at every drawing
    assert _entries(legend, posts)[0] == ["near"]
    gap_entries, gap_node = _entries(legend, gaps)
    assert gap_entries
    main = layout.itemById("main_map")
    far = QgsCoordinateTransform(posts.crs(), main.crs(), project).transform(QgsPointXY(44.36, 33.31))
    main.setExtent(QgsRectangle(far.x() - 5000, far.y() - 5000, far.x() + 5000, far.y() + 5000))
    layoutfit.apply_legend_filter(legend)  # as a fit does, e.g. on the next atlas page
    assert _entries(legend, posts)[0] == ["far"]
    assert _entries(legend, gaps)[0] == []  # no gap in this view: the layer is left out,
    assert gap_node.customProperty("legend/title-style") == "hidden"  # its heading too
    main.setExtent(QgsCoordinateTransform(gaps.crs(), main.crs(), project).transformBoundingBox(gaps.extent()))
    layoutfit.apply_legend_filter(legend)
    assert _entries(legend, posts)[0] == ["near"]
    assert _entries(legend, gaps)[0] == gap_entries
    assert gap_node.customProperty("legend/title-style") is None  # as it was


def test_every_legend_layer_has_one_entry_per_renderer_item_where_the_view_filter_reads_the_renderer():
    # the view filter and the label wrapping read a layer's entries from its renderer, not from the
    # legend model's nodes: that holds only when QGIS draws one entry per renderer item, in order
    project = QgsProject()
    gaps, posts = sinjar_gaps(), _categorised_posts()
    for layer in (gaps, posts):
        project.addMapLayer(layer, False)
    layout = maplayout.build_layout(project, _spec(gaps, [posts]))
    legend = layout.itemById("legend")
    model = legend.model()
    read = 0
    for node in model.rootGroup().findLayers():
        items = layoutfit._symbol_items(node.layer())
        if items is None:
            continue
        read += 1
        # the entries QGIS makes for the layer before any node order (the model's are after it)
        entries = node.layer().legend().createLayerTreeModelLegendNodes(node)
        keys = [n.data(RULE_KEY_ROLE) for n in entries]
        assert keys == [item.ruleKey() for item in items], node.name()
    assert read >= 2  # the gaps and the posts at least


def test_table_is_ordered_by_the_chosen_key():
    project = QgsProject()
    gaps = sinjar_gaps()
    project.addMapLayer(gaps, False)
    rows = [f.attributes() for f in gaps.getFeatures()]
    by_priority = [r[0] for r in sorted(rows, key=lambda r: -r[4])]
    by_area = [r[0] for r in sorted(rows, key=lambda r: -r[1])]
    assert by_priority != by_area  # the data tells the two orders apart
    for key, expected in ((0, by_priority), (1, by_area)):
        layout = maplayout.build_layout(project, _spec(gaps, sort_key=key))
        table = maplayout.fill_table(layout, gaps, key)
        shown = maplayout.table_rows(table)
        assert [int(row[0]) for row in shown] == expected
        assert shown[0][1:] == [
            f"{rows[expected[0] - 1][1]:.1f}",
            f"{rows[expected[0] - 1][2]:.2f}",
            f"{rows[expected[0] - 1][3]:.1f}",
            f"{rows[expected[0] - 1][4]:.0f}",
        ]


def test_table_keeps_to_its_frame():
    rows = [(i, float(i), 1.0, 1.0, float(i), square(41.7 + 0.01 * i, 36.3, 0.005)) for i in range(1, 31)]
    project = QgsProject()
    gaps = gap_layer(rows)
    project.addMapLayer(gaps, False)
    layout = maplayout.build_layout(project, _spec(gaps))
    shown = maplayout.table_rows(maplayout.fill_table(layout, gaps, 0))
    assert 3 <= len(shown) < 30
    assert [int(r[0]) for r in shown] == list(range(30, 30 - len(shown), -1))
    assert f"{len(shown)} of 30" in layout.itemById("table_heading").text()


@pytest.mark.parametrize("where", ["under_a_file", "proc", "a_folder"])
def test_unwritable_output_path_is_refused_before_rendering(run_export, tmp_path, where):
    blocker = tmp_path / "plain.txt"
    blocker.write_text("not a folder")
    path = {
        "under_a_file": str(blocker / "map.pdf"),
        "proc": "/proc/border_gaps_test/map.pdf",
        "a_folder": str(tmp_path),
    }[where]
    with pytest.raises(QgsProcessingException, match="map.pdf|is a folder") as err:
        run_export(GAPS=sinjar_gaps(), INCLUDE_BORDER_REGION=False, OUTPUT_PDF=path)
    assert "PDF map" in str(err.value)
    assert sorted(os.listdir(tmp_path)) == ["plain.txt"]


def test_output_path_problem_accepts_a_new_file_in_a_new_folder(tmp_path):
    assert maplayout.output_path_problem(str(tmp_path / "new" / "deeper" / "map.png"), "PNG map") is None
    assert not (tmp_path / "new").exists()  # checking creates nothing


def test_no_output_and_wrong_layer_are_refused(run_export, tmp_path):
    with pytest.raises(QgsProcessingException, match="OUTPUT_PDF"):
        run_export(GAPS=sinjar_gaps())
    bare = QgsVectorLayer("Polygon?crs=EPSG:4326&field=gap_id:integer", "not gaps", "memory")
    with pytest.raises(QgsProcessingException, match="'not gaps' has no field 'area_km2'"):
        run_export(GAPS=bare, OUTPUT_PNG=str(tmp_path / "x.png"))
    assert os.listdir(tmp_path) == []


def test_the_users_project_and_layers_are_left_alone(bordergaps_provider, tmp_path):
    from qgis.core import QgsProcessingContext, QgsProcessingFeedback

    import processing

    project = QgsProject.instance()
    gaps, control = sinjar_gaps(), control_areas()
    project.addMapLayers([gaps, control])
    try:
        renderer_before = gaps.renderer().dump()
        layers_before = set(project.mapLayers())
        context = QgsProcessingContext()
        context.setProject(project)
        processing.run(
            ALG,
            {
                "GAPS": gaps.id(),
                "EXTRA_LAYERS": [control.id()],
                "TITLE": "GUI run",
                "DPI": 50,
                "INCLUDE_BORDER_REGION": False,
                "OUTPUT_PNG": str(tmp_path / "gui.png"),
            },
            context=context,
            feedback=QgsProcessingFeedback(),
        )
        assert set(project.mapLayers()) == layers_before
        assert gaps.renderer().dump() == renderer_before
        assert project.layoutManager().layouts() == []
        assert (tmp_path / "gui.png").exists()
    finally:
        project.removeMapLayers([gaps.id(), control.id()])


def test_unclaimed_land_is_the_land_between_two_forces_held_by_neither():
    crs = QgsCoordinateReferenceSystem("EPSG:32637")
    control = control_areas()
    free = maplayout.unclaimed_land(control, crs, QgsProject().transformContext(), reach=5000)
    to_utm = QgsCoordinateTransform(control.crs(), crs, QgsProject.instance())
    districts = []
    for feature in control.getFeatures():
        district = feature.geometry()
        district.transform(to_utm)
        districts.append(district)
    strip = square(41.76, 36.20, 0.05).intersection(square(41.70, 36.20, 0.14))  # the 4.5 km strip between
    strip.transform(to_utm)
    assert free.intersection(strip).area() == pytest.approx(strip.area(), rel=1e-3)
    for district in districts:
        assert free.intersection(district).area() < 1e-6 * free.area()
        assert free.buffer(-1, 4).difference(district.buffer(5000, 16)).isEmpty()  # within reach of both
    # districts farther apart than twice the reach leave no unclaimed seam
    assert maplayout.unclaimed_land(control, crs, QgsProject().transformContext(), reach=2000).isEmpty()


def test_a_result_without_gaps_maps_the_control_areas(run_export, tmp_path):
    empty = gap_layer([], name="no gaps")
    pdf = tmp_path / "none.pdf"
    run_export(GAPS=empty, EXTRA_LAYERS=[control_areas()], INCLUDE_BORDER_REGION=False, OUTPUT_PDF=str(pdf))
    assert "No gap zones" in pdf_text(pdf)
    with pytest.raises(QgsProcessingException, match="'no gaps' has no gap with a geometry"):
        run_export(GAPS=empty, INCLUDE_BORDER_REGION=False, OUTPUT_PDF=str(tmp_path / "nothing.pdf"))
    assert sorted(os.listdir(tmp_path)) == ["none.pdf"]


def test_gaps_off_the_earth_or_not_polygons_are_refused(run_export, tmp_path):
    lost = gap_layer([(1, 1.0, 1.0, 1.0, 50.0, square(5e6, 5e6, 1000))], name="lost gaps")  # "degrees"
    with pytest.raises(QgsProcessingException, match="'lost gaps' do not fit its CRS EPSG:4326"):
        run_export(GAPS=lost, INCLUDE_BORDER_REGION=False, OUTPUT_PDF=str(tmp_path / "lost.pdf"))
    points = QgsVectorLayer(
        "Point?crs=EPSG:4326&field=gap_id:integer&field=area_km2:double&field=width_km:double"
        "&field=border_km:double&field=priority:double",
        "posts",
        "memory",
    )
    with pytest.raises(QgsProcessingException, match="'posts' (has point geometries|does not hold polygons)"):
        run_export(GAPS=points, INCLUDE_BORDER_REGION=False, OUTPUT_PDF=str(tmp_path / "points.pdf"))
    assert os.listdir(tmp_path) == []


def test_legend_leaves_out_layers_with_nothing_in_view(run_export, tmp_path):
    far = QgsVectorLayer("Point?crs=EPSG:4326", "Baghdad posts", "memory")
    feature = QgsFeature(far.fields())
    feature.setGeometry(QgsGeometry.fromWkt("POINT(44.36 33.31)"))  # 300 km from the gaps
    far.dataProvider().addFeatures([feature])
    pdf = tmp_path / "legend.pdf"
    run_export(
        GAPS=sinjar_gaps(), EXTRA_LAYERS=[control_areas(), far], INCLUDE_BORDER_REGION=False, OUTPUT_PDF=str(pdf)
    )
    text = pdf_text(pdf)
    assert "districts" in text  # in the legend and the sources
    assert "Baghdad posts" not in text  # neither


def test_renders_in_the_main_thread(bordergaps_provider):
    alg = bordergaps_provider.algorithm("exportmap")
    flag = (
        Qgis.ProcessingAlgorithmFlag.NoThreading
        if hasattr(Qgis, "ProcessingAlgorithmFlag")
        else QgsProcessingAlgorithm.FlagNoThreading
    )
    assert alg.flags() & flag


def test_unclaimed_land_is_hatched_only_in_the_countries_of_the_control_areas():
    countries = QgsVectorLayer("Polygon?crs=EPSG:4326&field=name:string", "countries", "memory")
    features = []
    for name, geometry in (("Iraq", square(41.5, 36.0, 1.0)), ("Syria", square(40.5, 36.0, 1.0))):
        feature = QgsFeature(countries.fields())
        feature.setAttributes([name])
        feature.setGeometry(geometry)
        features.append(feature)
    countries.dataProvider().addFeatures(features)
    crs = QgsCoordinateReferenceSystem("EPSG:32637")
    context = QgsProject().transformContext()
    land = maplayout.countries_holding(countries, [control_areas()], crs, context)
    iraq = square(41.5, 36.0, 1.0)
    iraq.transform(QgsCoordinateTransform(QgsCoordinateReferenceSystem("EPSG:4326"), crs, context))
    assert land.area() == pytest.approx(iraq.area(), rel=1e-9)
    assert maplayout.countries_holding(None, [control_areas()], crs, context) is None


def test_a_long_sources_block_grows_upwards_then_shrinks_its_font(qgis_app):
    """The sources block keeps its bottom and grows up to the limit it is given (the end of the gap table);
    only when that is not enough does its font get smaller, never below the smallest size. The font is set
    and read through layoutfit, which uses the label's QgsTextFormat where QGIS has one (setFont() and
    font() are deprecated from 3.24 on, and a deprecation fails the test)."""
    from qgis.core import QgsLayoutItemLabel, QgsLayoutPoint, QgsLayoutSize, QgsPrintLayout, QgsUnitTypes

    from border_gaps.analysis import layoutfit

    def label_with(lines):
        layout = QgsPrintLayout(QgsProject.instance())
        layout.initializeDefaults()
        label = QgsLayoutItemLabel(layout)
        layout.addLayoutItem(label)
        label.setMarginX(1.0)
        label.setMarginY(1.0)
        label.attemptMove(QgsLayoutPoint(208, 182, QgsUnitTypes.LayoutUnit.LayoutMillimeters))
        label.attemptResize(QgsLayoutSize(81, 20, QgsUnitTypes.LayoutUnit.LayoutMillimeters))
        layoutfit.set_label_font_size(label, 5.5)
        label.setText("\n".join(f"Source {i}: a licence and the layers drawn from it." for i in range(lines)))
        return layout, label

    def fit(label):  # what build_layout does with the sources block: grow up to the table's end, then shrink
        maplayout.grow_up_to(label, 150.0)
        return layoutfit.fit_text(label, smallest=4.5)

    def box(label):
        rect = label.mapRectToScene(label.rect())
        return rect.top(), rect.bottom(), layoutfit.label_font_size(label)

    layout, label = label_with(3)  # 3 lines of ~2.3 mm fit 20 mm as they are
    assert fit(label) and box(label) == (182.0, 202.0, 5.5)
    layout, label = label_with(14)  # ~14 lines of 2.3 mm + 2 mm of margins: grows to ~35 mm, font unchanged
    assert fit(label)
    top, bottom, size = box(label)
    assert 150.0 <= top < 175.0 and bottom == pytest.approx(202.0, abs=1e-6) and size == 5.5
    assert layoutfit.label_text_size(label)[1] <= bottom - top - 2.0 + layoutfit.TOLERANCE_MM
    layout, label = label_with(40)  # ~92 mm of text cannot fit 52 mm: the font shrinks, to 4.5 pt and no further
    assert not fit(label)
    assert box(label) == (150.0, pytest.approx(202.0, abs=1e-6), 4.5)
