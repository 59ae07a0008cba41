"""Nothing on the maps and atlas pages is clipped: every legend, label and table keeps inside its
frame at every page size the tools offer, with long and Arabic names too. Two checks: the content
QGIS measures against its frame (layoutfit.layout_problems) and, rendered, the ink along each
frame's inner edge (layoutfit.clipped_items)."""

import pytest
from qgis.core import (
    Qgis,
    QgsCategorizedSymbolRenderer,
    QgsFeature,
    QgsGeometry,
    QgsLegendStyle,
    QgsMarkerSymbol,
    QgsPointXY,
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProject,
    QgsRendererCategory,
    QgsVectorLayer,
)
from qgis.PyQt.QtGui import QImage

from bg_testing.demo import ROOT, demo_gaps, demo_map_parameters
from border_gaps.analysis import atlas, layoutfit, maplayout

PAGES = range(len(maplayout.PAGES))
_GAPS = {}


@pytest.fixture
def gaps_path(tmp_path_factory, bordergaps_provider):
    if "path" not in _GAPS:
        _GAPS["path"] = demo_gaps(tmp_path_factory.mktemp("quality_gaps"))
    return _GAPS["path"]


def _algorithm(alg_id, params):
    from qgis.core import QgsApplication

    alg = QgsApplication.processingRegistry().algorithmById(alg_id).create()
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    feedback = QgsProcessingFeedback()
    assert alg.prepareAlgorithm(params, context, feedback)
    return alg, context, feedback


def demo_layout(gaps_path, page, fit=True):
    params = dict(demo_map_parameters(gaps_path, page), OUTPUT_PDF="/dev/null/unused.pdf")
    alg, context, feedback = _algorithm("bordergaps:exportmap", params)
    project, spec = alg.assemble(params, context, feedback)
    return maplayout.build_layout(project, spec, fit=fit), project


def test_todays_clipped_legend_title_is_found(gaps_path):
    """The demo map as it was before the fit (template sizes, QGIS's own columns): the checks find
    the legend title "Control areas (synthetic de…" cut at the legend's right edge (the README's
    hero map on a machine whose sans-serif is DejaVu Sans, as on this Debian)."""
    layout, _project = demo_layout(gaps_path, 0, fit=False)
    legend = layout.itemById("legend")
    legend.setSplitLayer(True)  # as the template had it
    problems = layoutfit.layout_problems(layout)
    assert any(p.startswith("legend 'legend'") for p in problems), problems
    touched = layoutfit.ink_at_edges(layout, legend)
    if Qgis.QGIS_VERSION_INT < 33000:  # 3.22 cuts the content at the frame; 3.40 leaves out what overflows
        assert "right" in touched, "the cut title leaves ink at the frame's edge"
    titles = [n.name() for n in legend.model().rootGroup().findLayers()]
    widest = max(titles, key=lambda t: layoutfit.legend_text_width(legend, QgsLegendStyle.Style.Subgroup, t))
    # the fitted legend breaks a long title before its "(…)" with the legend's wrap string
    assert widest.replace(legend.wrapString() or "\n", " ") == "Control areas (synthetic demo)"


@pytest.mark.parametrize("page", PAGES)
def test_demo_map_keeps_every_item_inside_its_frame(gaps_path, page):
    layout, _project = demo_layout(gaps_path, page)
    assert layoutfit.layout_problems(layout) == []
    assert layoutfit.clipped_items(layout, dpi=200) == []
    legend = layout.itemById("legend")
    titles = [n.name() for n in legend.model().rootGroup().findLayers()]
    assert any("\n" in t for t in titles) or page != 0, titles  # A4 landscape's narrow legend wraps them


def _arabic_layers():
    """Posts named and classed in Arabic with long names, and a layer with a long Arabic title."""
    layer = QgsVectorLayer(
        "Point?crs=EPSG:4326&field=kind:string", "نقاط المراقبة التابعة لقوات البيشمركة في سنجار", "memory"
    )
    categories = []
    names = [
        "نقطة مراقبة متقدمة على الطريق الدولي بين ربيعة وسنجار",
        "حاجز تفتيش مشترك",
        "قاعدة عمليات أمامية للواء الثامن",
    ]
    features = []
    for i, name in enumerate(names):
        symbol = QgsMarkerSymbol.createSimple({"name": "triangle", "color": ["#e0b431", "#3a6fb0", "#5d8c3a"][i]})
        categories.append(QgsRendererCategory(name, symbol, name))
        f = QgsFeature(layer.fields())
        f.setAttributes([name])
        f.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(41.8 + 0.02 * i, 36.33)))
        features.append(f)
    layer.dataProvider().addFeatures(features)
    layer.setRenderer(QgsCategorizedSymbolRenderer("kind", categories))
    return layer


@pytest.mark.parametrize("page", PAGES)
def test_arabic_and_long_names_fit_at_every_page_size(bordergaps_provider, page):
    from bg_testing.maps import sinjar_gaps

    project = QgsProject()
    gaps, posts = sinjar_gaps(), _arabic_layers()
    for layer in (gaps, posts):
        project.addMapLayer(layer, False)
    items = [
        maplayout.MapLayer(posts, posts.name()),
        maplayout.MapLayer(gaps, "Gap zones by priority, as measured on 3 December by the analysis cell"),
    ]
    spec = maplayout.MapSpec(gaps=gaps, main_layers=items, overview_layers=[gaps], title="خريطة الفجوات", page=page)
    layout = maplayout.build_layout(project, spec)
    assert layoutfit.layout_problems(layout) == []
    assert layoutfit.clipped_items(layout, dpi=200) == []


@pytest.mark.parametrize("page", PAGES)
def test_every_atlas_page_keeps_every_item_inside_its_frame(gaps_path, page):
    params = dict(demo_map_parameters(gaps_path, page), GEOPDF=False, OUTPUT_PDF="/tmp/unused_atlas.pdf")
    alg, context, feedback = _algorithm("bordergaps:exportatlas", params)
    project, overview_layout, spec = alg.prepare(params, context, feedback)
    assert layoutfit.layout_problems(overview_layout) == []
    layout = atlas.build_gap_layout(project, spec, page)
    gap_atlas = layout.atlas()
    assert gap_atlas.beginRender()
    try:
        for index in range(gap_atlas.count()):
            gap_atlas.seekTo(index)
            assert atlas.fit_gap_page(layout) == []
            assert layoutfit.layout_problems(layout) == [], index
            assert layoutfit.clipped_items(layout, dpi=150) == [], index
    finally:
        gap_atlas.endRender()


LEGEND_BOX_MM = (208, 70, 81, 64)  # the legend's frame on the A4 landscape briefing map


def legend_frame(path):
    """The legend's frame (with its stroke) cut out of a PNG of an A4 landscape briefing map."""
    image = QImage(str(path))
    assert not image.isNull(), path
    px_per_mm = image.width() / 297.0
    x, y, w, h = (round(v * px_per_mm) for v in LEGEND_BOX_MM)
    return image.copy(x, y, w, h)


def cut_sides(frame):
    """The sides of a legend frame (as legend_frame cuts it) whose inside is touched by ink within
    a quarter millimetre of the frame's stroke (left out: half a millimetre and a pixel); the
    legend's own content keeps 1.5 mm from it."""
    px_per_mm = frame.width() / LEGEND_BOX_MM[2]
    inset = round(0.5 * px_per_mm) + 1
    inside = frame.copy(inset, inset, frame.width() - 2 * inset, frame.height() - 2 * inset)
    return layoutfit.edges_with_ink(inside, max(1, round(0.25 * px_per_mm)))


def test_the_edge_check_fails_on_todays_clipped_hero_map():
    """The legend of the map `make demo` wrote before this fix (kept as a fixture): its title
    "Control areas (synthetic de…" and "town (population ≥ 20 000" run into the right edge."""
    frame = QImage(f"{ROOT}/tests/data/clipped_legend_before_fix.png")
    assert cut_sides(frame) == ["right"]


def test_the_readme_hero_map_is_not_clipped():
    """docs/demo_map.png, the picture the README opens with (made by `make demo` after the fix)."""
    assert cut_sides(legend_frame(f"{ROOT}/docs/demo_map.png")) == []
