"""Bad inputs over every registered algorithm, one fault at a time (a table of cases built from
each algorithm's parameter definitions).

Each case ends in a correct result or a QgsProcessingException whose text names what is wrong
(never a Python traceback), and the input files' checksums never change.
"""

import os
import re
import shutil

import pytest
from qgis.core import (
    QgsApplication,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsFeature,
    QgsGeometry,
    QgsProcessingException,
    QgsProcessingParameterDefinition,
    QgsProject,
    QgsVectorLayer,
)

from bg_testing import robustness as rb
from bg_testing.algorithm_inputs import (
    LINE,
    POINT,
    POLYGON,
    Scenario,
    data_types,
    layer_for,
    output_layer_params,
    registered_algorithms,
    run,
)
from bg_testing.odd_inputs import geometry_problems
from border_gaps.analysis.errors import BorderGapsError

OK, ERROR, EITHER = "ok", "error", "either"
GEOMETRY_NAME = {POLYGON: "Polygon", POINT: "Point", LINE: "LineString"}
UTM38 = "EPSG:32638"
KNOWN_BUGS = {
    # (algorithm id, case id): reason naming the bug (listed in the note on issue 9); B1-B7 were
    # found by this table and fixed by their owners, so none is expected to fail now.
}


def _instance(cls):
    alg = cls()
    alg.initAlgorithm({})
    return alg


def _optional(param):
    return bool(param.flags() & QgsProcessingParameterDefinition.FlagOptional)


def _layer_params(alg, kinds=("source", "vector", "layer", "multilayer")):
    return [p for p in alg.parameterDefinitions() if p.type() in kinds and data_types(p) in GEOMETRY_NAME]


def _primary_layer(alg):
    """The first required vector layer parameter (the layer the algorithm is about)."""
    required = [p for p in _layer_params(alg) if not _optional(p)]
    return required[0] if required else None


def _polygon_param(alg):
    params = [p for p in _layer_params(alg) if data_types(p) == POLYGON]
    required = [p for p in params if not _optional(p)]
    return (required or params or [None])[0]


def _distance_params(alg):
    words = ("DIST", "RANGE", "RADIUS", "BUFFER", "WIDTH", "SPACING", "CELL", "AREA", "LENGTH")
    return [
        p
        for p in alg.parameterDefinitions()
        if p.type() == "distance" or (p.type() == "number" and any(w in p.name().upper() for w in words))
    ]


def _field_params(alg):
    return [p for p in alg.parameterDefinitions() if p.type() == "field" and not _optional(p)]


def _sink_params(alg):
    return [p for p in alg.destinationParameterDefinitions()]


def _reprojected(layer, crs):
    target = QgsCoordinateReferenceSystem(crs)
    out = QgsVectorLayer(f"{layer.wkbType() and _geometry_word(layer)}?crs={crs}", layer.name(), "memory")
    out.dataProvider().addAttributes(layer.fields().toList())
    out.updateFields()
    transform = QgsCoordinateTransform(layer.crs(), target, QgsProject.instance())
    feats = []
    for feature in layer.getFeatures():
        copy = QgsFeature(out.fields())
        geom = feature.geometry()
        geom.transform(transform)
        copy.setGeometry(geom)
        copy.setAttributes(feature.attributes())
        feats.append(copy)
    out.dataProvider().addFeatures(feats)
    return out


def _geometry_word(layer):
    from qgis.core import QgsWkbTypes

    return QgsWkbTypes.displayString(layer.wkbType())


# -- the cases: each takes (scenario, alg, params) and changes one thing ----------------------
class Case:
    def __init__(self, case_id, expect, keywords, applies, apply):
        self.id, self.expect, self.keywords, self.applies, self.apply = case_id, expect, keywords, applies, apply


def _replace_layer(scenario, params, param, layer, tag):
    source = _save_extra(scenario, layer, tag)
    params[param.name()] = [source] if param.type() == "multilayer" else source
    return params


def _save_extra(scenario, layer, tag):
    path = os.path.join(scenario.folder, f"extra_{tag}.gpkg")
    return rb.save_gpkg({tag: layer}, path)[tag]


def _same_layer(scenario, param, geometry_word, geometries, tag):
    """The param's layer with its fields and attributes, but ``geometries`` (one per feature,
    None for no geometry, cycled) and the layer type ``geometry_word``; [] for no features."""
    original = scenario.layer(layer_for(param))
    layer = QgsVectorLayer(f"{geometry_word}?crs={original.crs().authid()}", tag, "memory")
    layer.dataProvider().addAttributes([f for f in original.fields() if f.name() != "fid"])
    layer.updateFields()
    features = []
    if geometries:
        for index, source in enumerate(original.getFeatures()):
            feature = QgsFeature(layer.fields())
            feature.setAttributes([source[f.name()] for f in layer.fields()])
            geom = geometries[index % len(geometries)]
            if callable(geom):
                geom = geom(source.geometry())
            if geom is not None:
                feature.setGeometry(geom if isinstance(geom, QgsGeometry) else QgsGeometry.fromWkt(geom))
            features.append(feature)
    layer.dataProvider().addFeatures(features)
    return layer


def _geometry_of(param):
    return GEOMETRY_NAME[data_types(param)] if data_types(param) in GEOMETRY_NAME else "Polygon"


def case_empty(scenario, alg, params):
    param = _primary_layer(alg)
    layer = _same_layer(scenario, param, _geometry_of(param), [], "empty_layer")
    return _replace_layer(scenario, params, param, layer, "empty_layer")


def case_null_geometries(scenario, alg, params):
    param = _primary_layer(alg)
    layer = _same_layer(scenario, param, _geometry_of(param), [None], "null_geoms")
    return _replace_layer(scenario, params, param, layer, "null_geoms")


INVALID_POLYGONS = [
    # bow-tie: self-intersecting ring
    f"POLYGON(({rb.LON0 - 0.1} {rb.LAT0 - 0.09}, {rb.LON0} {rb.LAT0 + 0.09}, {rb.LON0} {rb.LAT0 - 0.09}, "
    f"{rb.LON0 - 0.1} {rb.LAT0 + 0.09}, {rb.LON0 - 0.1} {rb.LAT0 - 0.09}))",
    # ring that is not closed
    f"POLYGON(({rb.LON0 + 0.03} {rb.LAT0 - 0.09}, {rb.LON0 + 0.15} {rb.LAT0 - 0.09}, "
    f"{rb.LON0 + 0.15} {rb.LAT0 + 0.09}, {rb.LON0 + 0.03} {rb.LAT0 + 0.09}))",
    # hole outside its shell
    rb.box(-12, -10, -6, 10)[:-1] + ", " + rb.box(20, 20, 21, 21)[8:],
]


def case_invalid_polygons(scenario, alg, params):
    param = _polygon_param(alg)
    layer = _same_layer(scenario, param, "Polygon", INVALID_POLYGONS, "invalid_polys")
    return _replace_layer(scenario, params, param, layer, "invalid_polys")


def _to_multi_zm(geom):
    wkt = geom.asWkt(8)
    body = wkt[wkt.index("(") :]
    zm = re.sub(r"(-?\d+\.?\d*(?:e-?\d+)?) (-?\d+\.?\d*(?:e-?\d+)?)", r"\1 \2 350 7", body)
    if not wkt.upper().startswith("MULTI"):
        zm = f"({zm})"
    return QgsGeometry.fromWkt(f"MultiPolygon ZM {zm}")


def case_multipart_zm(scenario, alg, params):
    param = _polygon_param(alg)
    layer = _same_layer(scenario, param, "MultiPolygonZM", [_to_multi_zm], "multi_zm")
    assert layer.featureCount() and all(f.geometry().constGet().is3D() for f in layer.getFeatures())
    return _replace_layer(scenario, params, param, layer, "multi_zm")


def case_points_for_polygons(scenario, alg, params):
    param = _polygon_param(alg)
    layer = _same_layer(scenario, param, "Point", [lambda g: g.centroid()], "points_not_polys")
    return _replace_layer(scenario, params, param, layer, "points_not_polys")


def case_no_crs(scenario, alg, params):
    """A shapefile without its .prj: the commonest way a layer loses its CRS."""
    param = _primary_layer(alg)
    source = scenario.source(layer_for(param))
    layer = QgsVectorLayer(source, "no_crs", "ogr")
    shp = os.path.join(scenario.folder, "extra_no_crs.shp")
    from qgis.core import QgsCoordinateTransformContext, QgsVectorFileWriter

    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "ESRI Shapefile"
    options.fileEncoding = "UTF-8"
    QgsVectorFileWriter.writeAsVectorFormatV3(layer, shp, QgsCoordinateTransformContext(), options)
    os.remove(shp[:-4] + ".prj")
    check = QgsVectorLayer(shp, "no_crs", "ogr")
    assert check.isValid() and not check.crs().isValid()
    params[param.name()] = [shp] if param.type() == "multilayer" else shp
    return params


def _all_layers(scenario, alg, params, make):
    for param in _layer_params(alg):
        if param.name() not in params:
            continue
        name = layer_for(param)
        layer = make(name, scenario.layer(name))
        if layer is not None:
            _replace_layer(scenario, params, param, layer, f"{name}_{param.name().lower()}")
    return params


def case_projected_utm(scenario, alg, params):
    return _all_layers(scenario, alg, params, lambda name, layer: _reprojected(layer, UTM38))


def case_mixed_crs(scenario, alg, params):
    # the primary layer stays lon/lat, every other layer goes to UTM 38N
    primary = _primary_layer(alg).name()
    return _all_layers(
        scenario,
        alg,
        params,
        lambda name, layer: None if layer_for(alg.parameterDefinition(primary)) == name else _reprojected(layer, UTM38),
    )


def case_far_outside(scenario, alg, params):
    """Coordinates no lon/lat can have (a UTM layer declared as WGS 84)."""
    param = _primary_layer(alg)
    utm = _reprojected(scenario.layer(layer_for(param)), UTM38)
    wrong = QgsVectorLayer(f"{_geometry_word(utm)}?crs=EPSG:4326", "far_outside", "memory")
    wrong.dataProvider().addAttributes(utm.fields().toList())
    wrong.updateFields()
    wrong.dataProvider().addFeatures(list(utm.getFeatures()))
    return _replace_layer(scenario, params, param, wrong, "far_outside")


def case_misspelt_field(scenario, alg, params):
    param = _field_params(alg)[0]
    params[param.name()] = "forcee"
    return params


def case_arabic_emoji_values(scenario, alg, params):
    arabic_a, arabic_b = "البيشمركة 🛡️", "الجيش العراقي 🇮🇶"
    for param in _layer_params(alg):
        if param.name() in params and layer_for(param) == "control_areas":
            rows = rb.control_rows(arabic_a, arabic_b)
            rows = [(wkt, [f"{name} – قضاء سنجار 🏔", force]) for wkt, (name, force) in rows]
            _replace_layer(scenario, params, param, rb.control_layer(rows), "arabic_control")
    for param in alg.parameterDefinitions():
        if param.name() == "FORCE_A":
            params["FORCE_A"] = arabic_a
        if param.name() == "FORCE_B":
            params["FORCE_B"] = arabic_b
    return params


def _set_all_distances(value):
    def apply(scenario, alg, params):
        param = _distance_params(alg)[0]
        params[param.name()] = value
        return params

    return apply


def case_output_unwritable(scenario, alg, params):
    blocker = os.path.join(scenario.folder, "not_a_folder")
    with open(blocker, "w", encoding="utf-8") as fh:
        fh.write("a file where a folder is expected\n")
    for param in _sink_params(alg):
        ext = os.path.splitext(str(params.get(param.name(), "")))[1] or ".gpkg"
        params[param.name()] = os.path.join(blocker, f"out{ext}")
    return params


def case_output_exists(scenario, alg, params):
    for param in _sink_params(alg):
        path = str(params[param.name()])
        if path.endswith(".gpkg"):
            rb.save_gpkg({"stale": rb.posts_layer()}, path)
        elif not os.path.isdir(path):
            with open(path, "wb") as fh:
                fh.write(b"stale content from an earlier run")
    return params


def case_output_is_input(scenario, alg, params):
    for param in _sink_params(alg):
        if param.type() in ("sink", "vectorDestination"):
            params[param.name()] = scenario.gpkg
        else:
            params[param.name()] = scenario.dem if param.type() == "rasterDestination" else scenario.gpkg
    return params


def _has(getter):
    def applies(alg):
        try:
            return bool(getter(alg))
        except (IndexError, TypeError):
            return False

    return applies


def _has_gpkg_sink(alg):
    return any(p.type() in ("sink", "vectorDestination") for p in _sink_params(alg))


LAYER_WORDS = r"empty|no feature|no polygon|no point|no line|nothing|geometr|layer"
CASES = [
    Case("empty_layer", EITHER, LAYER_WORDS, _has(_primary_layer), case_empty),
    Case("all_null_geometries", EITHER, LAYER_WORDS, _has(_primary_layer), case_null_geometries),
    Case("invalid_polygons", EITHER, r"invalid|geometr", _has(_polygon_param), case_invalid_polygons),
    Case("multipart_zm", OK, "", _has(_polygon_param), case_multipart_zm),
    Case("points_for_polygons", ERROR, r"polygon|geometry type|point", _has(_polygon_param), case_points_for_polygons),
    Case("no_crs", EITHER, r"coordinate reference system|\bCRS\b", _has(_primary_layer), case_no_crs),
    Case("projected_utm", OK, "", _has(_primary_layer), case_projected_utm),
    Case("mixed_crs", OK, "", _has(_primary_layer), case_mixed_crs),
    Case(
        "far_outside",
        EITHER,
        r"outside|coordinate|extent|range|transform|lon|lat|degree|far|region",
        _has(_primary_layer),
        case_far_outside,
    ),
    Case("misspelt_field", ERROR, r"forcee", _has(_field_params), case_misspelt_field),
    Case(
        "arabic_emoji_values",
        OK,
        "",
        _has(lambda a: [p for p in _layer_params(a) if layer_for(p) == "control_areas"]),
        case_arabic_emoji_values,
    ),
    Case("distance_zero", EITHER, "{distance}", _has(_distance_params), _set_all_distances(0)),
    Case(
        "distance_negative",
        ERROR,
        r"{distance}|negative|zero or more|positive|minimum|must be",
        _has(_distance_params),
        _set_all_distances(-500),
    ),
    Case("distance_enormous", EITHER, r"{distance}|large|memory|too", _has(_distance_params), _set_all_distances(1e9)),
    Case(
        "output_unwritable",
        ERROR,
        r"output|write|writ|creat|open|path|folder|director|could not",
        _has(_sink_params),
        case_output_unwritable,
    ),
    Case("output_exists", OK, "", _has(_sink_params), case_output_exists),
    Case("output_is_input", ERROR, r"input|same|overwrit", _has(_has_gpkg_sink), case_output_is_input),
]


def _table():
    rows = []
    for alg_id, cls in registered_algorithms():
        alg = _instance(cls)
        for case in CASES:
            if case.applies(alg):
                marks = []
                if (alg_id, case.id) in KNOWN_BUGS:
                    marks.append(pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[(alg_id, case.id)]))
                rows.append(pytest.param(alg_id, case, id=f"{alg_id.split(':')[1]}-{case.id}", marks=marks))
    return rows


def _distance_words(alg):
    params = _distance_params(alg)
    if not params:
        return "distance"
    param = params[0]
    words = [re.escape(param.name())] + [re.escape(w) for w in re.findall(r"[A-Za-z]{4,}", param.description())]
    return "|".join(words)


@pytest.mark.timeout(120)
@pytest.mark.parametrize(("alg_id", "case"), _table())
def test_bad_input(alg_id, case, tmp_path, bordergaps_provider):
    alg = QgsApplication.processingRegistry().algorithmById(alg_id)
    scenario = Scenario(tmp_path / "in")
    params = scenario.parameters(alg)
    params = case.apply(scenario, alg, params)
    before = scenario.checksums()
    outcome, message, results = "ok", "", {}
    try:
        results = run(alg_id, params)
    except QgsProcessingException as err:
        outcome, message = "error", str(err)
    except BorderGapsError as err:  # would reach the user as a traceback
        pytest.fail(f"{alg_id} / {case.id}: BorderGapsError escaped Processing: {err}")
    after = scenario.checksums()
    assert after == before, f"{alg_id} / {case.id} modified an input file"
    assert "Traceback" not in message, f"{alg_id} / {case.id} gave a Python traceback:\n{message}"
    if case.expect == OK:
        assert outcome == "ok", f"{alg_id} / {case.id} should succeed, got: {message}"
    if case.expect == ERROR:
        assert outcome == "error", f"{alg_id} / {case.id} should be refused, got results {results}"
    if outcome == "error":
        pattern = case.keywords.replace("{distance}", _distance_words(alg))
        assert re.search(pattern, message, re.IGNORECASE), (
            f"{alg_id} / {case.id}: the message does not say what is wrong ({pattern}):\n{message}"
        )
    else:
        for name in output_layer_params(alg):
            out = results.get(name)
            assert out, f"{alg_id} / {case.id}: no {name}"
            layer = QgsVectorLayer(out, name, "ogr") if isinstance(out, str) else out
            assert layer.isValid(), f"{alg_id} / {case.id}: output {name} cannot be opened: {out}"
            problems = geometry_problems(layer)  # every geometry written is valid for GEOS, never empty
            assert not problems, f"{alg_id} / {case.id}: {name} has invalid or empty geometries: {problems}"
    shutil.rmtree(tmp_path, ignore_errors=True)
