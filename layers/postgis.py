"""Writing the bundled layers and a demo scenario to a team's PostGIS schema, with QGIS's own
``postgres`` provider and credentials only from QGIS's authentication database (``authcfg``)."""

from typing import Callable, Dict, Iterable, Optional, Union

from qgis.core import (
    Qgis,
    QgsDataSourceUri,
    QgsProviderRegistry,
    QgsVectorLayer,
    QgsVectorLayerExporter,
)

from ..analysis.errors import BorderGapsError

PROVIDER = "postgres"
GEOMETRY_COLUMN = "geom"


def connection_uri(uri: Union[str, QgsDataSourceUri]) -> QgsDataSourceUri:
    """``uri`` as a QgsDataSourceUri without table, refusing credentials written in clear.

    A team's password belongs in QGIS's authentication database: the uri names an
    ``authcfg`` id (or relies on a service file / peer login), never ``password=``.
    """
    parsed = QgsDataSourceUri(uri) if isinstance(uri, str) else QgsDataSourceUri(uri)
    if parsed.password():
        raise BorderGapsError(
            "The PostGIS connection contains a password in clear text. Store the credentials in QGIS's "
            "authentication database (Settings → Options → Authentication) and pass its authcfg id instead."
        )
    if not parsed.database() and not parsed.service():
        raise BorderGapsError("The PostGIS connection names no database: give dbname= (or service=) in the uri.")
    clean = QgsDataSourceUri()
    clean.setConnection(
        parsed.host(), parsed.port(), parsed.database(), parsed.username(), "", parsed.sslMode(), parsed.authConfigId()
    )
    if parsed.service():
        clean.setConnection(
            parsed.service(), parsed.database(), parsed.username(), "", parsed.sslMode(), parsed.authConfigId()
        )
    return clean


def table_uri(connection: Union[str, QgsDataSourceUri], schema: str, table: str, key_column: str = "") -> str:
    """The ``postgres`` provider string of ``schema.table`` (with authcfg, without password)."""
    uri = connection_uri(connection)
    uri.setDataSource(schema, table, GEOMETRY_COLUMN, "", key_column)
    return uri.uri(False)  # False: never expand the authcfg into user/password


def database_connection(connection: Union[str, QgsDataSourceUri]):
    """A ``QgsAbstractDatabaseProviderConnection`` for the database of ``connection``."""
    metadata = QgsProviderRegistry.instance().providerMetadata(PROVIDER)
    if metadata is None:
        raise BorderGapsError("QGIS's PostgreSQL provider is not available in this installation of QGIS.")
    return metadata.createConnection(connection_uri(connection).uri(False), {})


def ensure_schema(connection: Union[str, QgsDataSourceUri], schema: str) -> None:
    """Create ``schema`` if it does not exist yet."""
    conn = database_connection(connection)
    try:
        if schema not in conn.schemas():
            conn.createSchema(schema)
    except Exception as err:  # QgsProviderConnectionException: no rights, no server
        raise BorderGapsError(
            f"Could not create the PostGIS schema '{schema}': {err}. Check that the server is reachable and "
            "that the role of the authentication configuration may create schemas."
        ) from err


def write_layer(
    layer: QgsVectorLayer,
    connection: Union[str, QgsDataSourceUri],
    schema: str,
    table: Optional[str] = None,
    overwrite: bool = True,
) -> str:
    """Copy ``layer`` into ``schema.table`` (created, or replaced with ``overwrite``); returns its uri.

    The layer itself is only read. Feature ids are kept when it has an integer ``fid`` field
    (GeoPackage layers), so rows can be matched back to the file.
    """
    if layer is None or not layer.isValid():
        raise BorderGapsError(
            f"Cannot write layer '{getattr(layer, 'name', lambda: '?')()}' to PostGIS: "
            "the layer is not valid (missing file or wrong path)."
        )
    table = table or layer.name()
    names = layer.fields().names()
    key = "fid" if "fid" in names else ""
    uri = table_uri(connection, schema, table, key)
    options = {"overwrite": overwrite, "lowercaseFieldNames": False}
    error, message = QgsVectorLayerExporter.exportLayer(layer, uri, PROVIDER, layer.crs(), False, options)
    if error != Qgis.VectorExportResult.Success:
        hint = (
            " It already exists: write with overwrite=True or choose another table."
            if not overwrite and "exist" in message.lower()
            else ""
        )
        raise BorderGapsError(
            f'Could not write layer \'{layer.name()}\' to PostGIS table "{schema}"."{table}": {message}.{hint}'
        )
    return uri


def write_layers(
    layers: Dict[str, QgsVectorLayer],
    connection: Union[str, QgsDataSourceUri],
    schema: str,
    overwrite: bool = True,
    is_canceled: Callable[[], bool] = lambda: False,
) -> Dict[str, str]:
    """Write each layer of ``{table: layer}`` into ``schema``; returns ``{table: uri}``."""
    ensure_schema(connection, schema)
    written = {}
    for table, layer in layers.items():
        if is_canceled():
            break
        written[table] = write_layer(layer, connection, schema, table, overwrite)
    return written


def write_catalogue(
    connection: Union[str, QgsDataSourceUri],
    schema: str,
    bundled: Optional[Iterable[str]] = None,
    scenario: Optional[Iterable[str]] = None,
    overwrite: bool = True,
    is_canceled: Callable[[], bool] = lambda: False,
) -> Dict[str, str]:
    """Write the bundled border-region layers and the demo scenario to ``schema``.

    Tables are named as the layers (``border``, …, ``control_areas``, ``posts``, ``coverage``),
    so a team's project can point at the schema instead of the GeoPackages. By default every
    layer of the catalogue is written.
    """
    from . import catalogue

    bundled = [item.name for item in catalogue.BUNDLED] if bundled is None else list(bundled)
    scenario = [item.name for item in catalogue.DEMO] if scenario is None else list(scenario)
    layers = {name: catalogue.bundled_layer(name) for name in bundled}
    for name in scenario:
        if name in layers:
            raise BorderGapsError(f"Layer name '{name}' is both a bundled and a scenario layer.")
        layers[name] = catalogue.demo_layer(name)
    return write_layers(layers, connection, schema, overwrite, is_canceled)


def postgis_layer(
    connection: Union[str, QgsDataSourceUri], schema: str, table: str, name: Optional[str] = None
) -> QgsVectorLayer:
    """A layer on ``schema.table``; raises if the table cannot be opened."""
    layer = QgsVectorLayer(table_uri(connection, schema, table), name or table, PROVIDER)
    if not layer.isValid():
        raise BorderGapsError(
            f'Could not open PostGIS table "{schema}"."{table}": check the table name and '
            "the authentication configuration."
        )
    return layer
