"""Team data in PostGIS: a real server (bg_testing.postgis), layers written with QGIS's provider,
credentials only through an authcfg id."""

import os
import zipfile

import pytest
from qgis.core import (
    QgsApplication,
    QgsDataSourceUri,
    QgsProcessing,
    QgsProcessingFeedback,
    QgsProject,
    QgsSettings,
    QgsVectorLayer,
)

from bg_testing import robustness as rb
from bg_testing.algorithm_inputs import Scenario, output_layer_params, registered_algorithms, run
from bg_testing.offline import NetworkGuard
from border_gaps.analysis.errors import BorderGapsError
from border_gaps.layers import postgis as pg

pytest_plugins = ["bg_testing.postgis"]  # the postgis_server and postgis_db fixtures


def test_server_listens_on_loopback_only_and_the_uri_has_no_secret(postgis_db):
    server = postgis_db.server
    assert server.psql("SHOW listen_addresses").strip() == "127.0.0.1"
    assert server.psql("SELECT postgis_version()").strip()
    text = postgis_db.uri_string("s", "t")
    uri = QgsDataSourceUri(text)
    assert uri.authConfigId() == postgis_db.authcfg
    assert uri.username() == "" and uri.password() == ""
    assert server.password not in text and server.user not in text
    # the role is an ordinary one: what the plugin can do, an analyst can do
    assert server.query(f"SELECT rolsuper FROM pg_roles WHERE rolname = '{server.user}'") == [["f"]]


def test_write_layers_round_trip_keeps_geometry_attributes_crs_and_the_source_file(
    postgis_db, tmp_path, qgis_processing
):
    gpkg = tmp_path / "scenario.gpkg"
    sources = rb.save_gpkg({"control_areas": rb.control_layer(), "settlements": rb.settlements_layer()}, gpkg)
    before = rb.sha256(gpkg)
    from qgis.core import QgsVectorLayer

    layers = {name: QgsVectorLayer(src, name, "ogr") for name, src in sources.items()}
    # a projected memory layer too: the table keeps the layer's CRS
    from qgis import processing

    layers["posts_utm"] = processing.run(
        "native:reprojectlayer", {"INPUT": rb.posts_layer(), "TARGET_CRS": "EPSG:32638", "OUTPUT": "memory:"}
    )["OUTPUT"]

    written = pg.write_layers(layers, postgis_db.uri(), "team_a")
    assert sorted(written) == ["control_areas", "posts_utm", "settlements"]
    assert sorted(postgis_db.server.tables("team_a")) == sorted(written)
    for name, layer in layers.items():
        assert postgis_db.server.password not in written[name]
        back = pg.postgis_layer(postgis_db.uri(), "team_a", name)
        assert back.featureCount() == layer.featureCount()
        assert back.crs().authid() == layer.crs().authid()
        assert rb.geometries_wkt(back) == rb.geometries_wkt(layer)
    arabic = sorted(f["name_ar"] for f in pg.postgis_layer(postgis_db.uri(), "team_a", "settlements").getFeatures())
    assert arabic == sorted(["خانصور", "سنوني"])
    # gpkg fids are kept as the table's key
    fids = sorted(f["fid"] for f in pg.postgis_layer(postgis_db.uri(), "team_a", "control_areas").getFeatures())
    assert fids == [1, 2, 3]
    del layers
    assert rb.sha256(gpkg) == before


def test_existing_table_is_replaced_only_when_asked(postgis_db):
    uri = postgis_db.uri()
    pg.write_layers({"posts": rb.posts_layer()}, uri, "team_b")
    with pytest.raises(BorderGapsError, match="team_b"):
        pg.write_layers({"posts": rb.settlements_layer()}, uri, "team_b", overwrite=False)
    assert pg.postgis_layer(uri, "team_b", "posts").fields().indexOf("range_m") >= 0
    pg.write_layers({"posts": rb.settlements_layer()}, uri, "team_b", overwrite=True)
    assert pg.postgis_layer(uri, "team_b", "posts").fields().indexOf("name_ar") >= 0


def test_a_password_in_clear_text_is_refused(postgis_db):
    server = postgis_db.server
    clear = QgsDataSourceUri()
    clear.setConnection(server.host, str(server.port), server.dbname, server.user, server.password)
    with pytest.raises(BorderGapsError, match="authentication database"):
        pg.write_layers({"posts": rb.posts_layer()}, clear, "team_c")
    assert "team_c" not in server.psql("SELECT nspname FROM pg_namespace")


def test_missing_table_names_the_table(postgis_db):
    with pytest.raises(BorderGapsError, match='"team_a"."no_such_table"'):
        pg.postgis_layer(postgis_db.uri(), "team_a", "no_such_table")


# -- every algorithm reads from and writes to PostGIS ----------------------------------------

ALGORITHMS = registered_algorithms()


class RecordingFeedback(QgsProcessingFeedback):
    """Keeps every text an algorithm reports, as the Processing log panel would show it."""

    def __init__(self):
        super().__init__()
        self.texts = []

    def pushInfo(self, info):
        self.texts.append(info)
        super().pushInfo(info)

    def pushDebugInfo(self, info):
        self.texts.append(info)
        super().pushDebugInfo(info)

    def pushCommandInfo(self, info):
        self.texts.append(info)
        super().pushCommandInfo(info)

    def pushConsoleInfo(self, info):
        self.texts.append(info)
        super().pushConsoleInfo(info)

    def pushWarning(self, warning):
        self.texts.append(warning)
        super().pushWarning(warning)

    def reportError(self, error, fatalError=False):
        self.texts.append(error)
        super().reportError(error, fatalError)

    def setProgressText(self, text):
        self.texts.append(text)
        super().setProgressText(text)


@pytest.fixture(scope="module")
def pg_scenario(postgis_db, tmp_path_factory, qgis_processing):
    """The bad-input tests' scenario, every layer also copied into the PostGIS schema 'scenario'."""
    scenario = Scenario(tmp_path_factory.mktemp("pg_scenario"))
    names = list(scenario.sources) + ["gaps"]
    layers = {name: scenario.layer(name) for name in names}
    pg.write_layers(layers, postgis_db.uri(), "scenario")
    postgis_db.server.create_schema("results")
    return scenario


def _pg_source(postgis_db):
    return lambda name: "postgres://" + postgis_db.uri_string("scenario", name)


def _run_both_ways(alg_id, scenario, postgis_db, feedback=None):
    """Run on the GeoPackages (outputs to files) and on PostGIS (outputs to tables)."""
    alg = QgsApplication.processingRegistry().algorithmById(alg_id)
    file_params = scenario.parameters(alg)
    file_results = run(alg_id, file_params)
    pg_params = scenario.parameters(alg, layer_source=_pg_source(postgis_db))
    tables = {}
    for name in output_layer_params(alg):
        tables[name] = f"{alg_id.split(':')[1]}_{name.lower()}"
        # a table output (no geometry, e.g. incidents' COMPARISON) gets a table with no geometry column
        table_only = alg.parameterDefinition(name).dataType() == QgsProcessing.SourceType.TypeVector
        pg_params[name] = postgis_db.destination("results", tables[name], "" if table_only else "geom")
    with NetworkGuard(allow_loopback=True) as guard:
        pg_results = run(alg_id, pg_params, feedback=feedback)
    assert guard.attempts == []
    return alg, file_results, pg_results, tables


def _result_layer(postgis_db, table):
    """An output table of the runs: with its geometry column, or a table output's plain table."""
    layer = postgis_db.layer("results", table)
    if not layer.isValid():
        layer = postgis_db.layer("results", table, geometry_column="")
    assert layer.isValid(), table
    return layer


def _areas_and_lengths(layer):
    return sorted((round(f.geometry().area(), 6), round(f.geometry().length(), 6)) for f in layer.getFeatures())


@pytest.fixture(scope="module")
def pg_log():
    """What the PostGIS runs of this module reported (feedback) and logged (message log)."""
    log = {"feedback": RecordingFeedback(), "messages": [], "tables": []}

    def on_message(message, tag, level):
        log["messages"].append(f"{tag}: {message}")

    QgsApplication.messageLog().messageReceived.connect(on_message)
    yield log
    QgsApplication.messageLog().messageReceived.disconnect(on_message)


@pytest.mark.parametrize("alg_id", [a for a, _ in ALGORITHMS])
def test_algorithm_reads_and_writes_postgis(alg_id, pg_scenario, postgis_db, pg_log, bordergaps_provider):
    alg, file_results, pg_results, tables = _run_both_ways(alg_id, pg_scenario, postgis_db, pg_log["feedback"])
    pg_log["feedback"].texts.append(repr(pg_results))
    pg_log["tables"].extend(tables.values())
    written = postgis_db.server.tables("results")
    for name, table in tables.items():
        assert table in written, f"{alg_id}: {name} not written to PostGIS ({pg_results.get(name)})"
        assert "postgres" in str(pg_results[name]) and postgis_db.server.password not in str(pg_results[name])
        from_pg = _result_layer(postgis_db, table)
        from_file = QgsVectorLayer(file_results[name], name, "ogr")
        assert from_pg.featureCount() == from_file.featureCount(), f"{alg_id}: {name} differs from the file run"
        assert from_pg.crs() == from_file.crs()
        assert _areas_and_lengths(from_pg) == pytest.approx(_areas_and_lengths(from_file), rel=1e-6)
    for key, value in file_results.items():  # numeric outputs agree too
        if isinstance(value, (int, float)):
            assert pg_results[key] == pytest.approx(value, rel=1e-6), key


def _files_under(folder):
    for root, _dirs, files in os.walk(folder):
        for name in files:
            yield os.path.join(root, name)


def _contains(path, secret):
    with open(path, "rb") as fh:
        data = fh.read()
    if path.endswith(".qgz"):
        with zipfile.ZipFile(path) as archive:
            data += b"".join(archive.read(n) for n in archive.namelist())
    return secret.encode() in data


def test_the_password_appears_in_no_project_setting_or_log(
    pg_scenario, postgis_db, pg_log, tmp_path, bordergaps_provider
):
    """Credentials live only (encrypted) in the auth DB: not in the project files saved to disk,
    QgsSettings files, the message log, nor what the algorithms report (the runs above)."""
    secret = postgis_db.server.password
    if not pg_log["tables"]:  # this test run alone: make one PostGIS run to look at
        _alg, _files, results, tables = _run_both_ways(
            "bordergaps:gapzones", pg_scenario, postgis_db, pg_log["feedback"]
        )
        pg_log["feedback"].texts.append(repr(results))
        pg_log["tables"].extend(tables.values())
    project = QgsProject()
    try:
        for table in pg_log["tables"]:
            layer = _result_layer(postgis_db, table)
            assert layer.featureCount() >= 0  # really opened, so the provider used the credentials
            project.addMapLayer(layer)
        project.addMapLayer(pg.postgis_layer(postgis_db.uri(), "scenario", "control_areas"))
        assert project.write(str(tmp_path / "team.qgs"))
        assert project.write(str(tmp_path / "team.qgz"))
        QgsSettings().sync()
        QgsApplication.processEvents()
    finally:
        project.clear()
    control = tmp_path / "control.txt"
    control.write_text(f"password={secret}", encoding="utf-8")
    assert _contains(str(control), secret)  # the grep itself finds a planted password
    with open(tmp_path / "team.qgs", encoding="utf-8") as fh:
        text = fh.read()
    assert f"authcfg={postgis_db.authcfg}" in text  # the layers are there, by authcfg
    assert not _contains(str(tmp_path / "team.qgs"), secret)
    assert not _contains(str(tmp_path / "team.qgz"), secret)
    profile = os.environ["QGIS_CUSTOM_CONFIG_PATH"]
    files = list(_files_under(profile))
    assert any(f.endswith("qgis-auth.db") for f in files), files  # the secret is somewhere: encrypted there
    leaked = [p for p in files if _contains(p, secret)]
    assert leaked == [], f"password in clear text in {leaked}"
    texts = pg_log["feedback"].texts
    assert texts, "the feedback recorded nothing: the check below would prove nothing"
    assert [t for t in texts if secret in t] == []
    assert [m for m in pg_log["messages"] if secret in m] == []


def test_the_catalogue_goes_to_a_schema_whole(postgis_db):
    """Every bundled layer and the demo scenario, as tables named like the layers."""
    from border_gaps.layers import catalogue

    files = [catalogue.BORDER_REGION_GPKG, catalogue.DEMO_SCENARIO_GPKG]
    before = rb.checksums(files)
    written = pg.write_catalogue(postgis_db.uri(), "border_region")
    names = [item.name for item in catalogue.BUNDLED + catalogue.DEMO]
    assert sorted(written) == sorted(names)
    assert sorted(postgis_db.server.tables("border_region")) == sorted(names)
    for item in catalogue.BUNDLED + catalogue.DEMO:
        source = catalogue.bundled_layer(item.name) if item in catalogue.BUNDLED else catalogue.demo_layer(item.name)
        table = pg.postgis_layer(postgis_db.uri(), "border_region", item.name)
        assert table.featureCount() == source.featureCount() > 0, item.name
        assert table.crs() == source.crs()
        assert set(source.fields().names()) - {"fid"} <= set(table.fields().names())
    # the demo scenario in PostGIS is flagged synthetic like the file
    synthetic = postgis_db.server.query('SELECT DISTINCT synthetic FROM "border_region"."control_areas"')
    assert synthetic == [["1"]]
    assert rb.checksums(files) == before
