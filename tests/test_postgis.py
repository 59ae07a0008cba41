"""Team data in PostGIS: a real server (bg_testing.postgis), layers written with QGIS's provider,
credentials only through an authcfg id."""

import pytest
from bg_testing import robustness as rb
from border_gaps.analysis.errors import BorderGapsError
from border_gaps.layers import postgis as pg
from qgis.core import QgsDataSourceUri

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


def test_write_layers_round_trip_keeps_geometry_attributes_crs_and_the_source_file(postgis_db, tmp_path,
                                                                                   qgis_processing):
    gpkg = tmp_path / "scenario.gpkg"
    sources = rb.save_gpkg({"control_areas": rb.control_layer(), "settlements": rb.settlements_layer()}, gpkg)
    before = rb.sha256(gpkg)
    from qgis.core import QgsVectorLayer

    layers = {name: QgsVectorLayer(src, name, "ogr") for name, src in sources.items()}
    # a projected memory layer too: the table keeps the layer's CRS
    from qgis import processing

    layers["posts_utm"] = processing.run("native:reprojectlayer", {
        "INPUT": rb.posts_layer(), "TARGET_CRS": "EPSG:32638", "OUTPUT": "memory:"})["OUTPUT"]

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
