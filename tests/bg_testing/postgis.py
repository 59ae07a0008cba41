"""A real PostgreSQL + PostGIS server for tests: Debian's binaries, a temporary data directory,
loopback only, and credentials that reach QGIS only through its authentication database.

Use it from a test module with ``pytest_plugins = ["bg_testing.postgis"]`` and the fixture
``postgis_db`` (``postgis_server`` alone needs no QGIS). If the server cannot start, the requesting test
FAILS with the server log: a missing PostGIS is a broken test machine, not a reason to skip.
"""

import atexit
import glob
import os
import pwd
import re
import secrets
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass, field

import pytest

SERVICE_USER = "postgres"  # Debian's postgresql package creates it; initdb refuses to run as root
START_TIMEOUT_S = 60
# A distinctive prefix so that a grep for the password finds it and nothing else by chance.
PASSWORD_PREFIX = "BgSecret"


class PostgisUnavailableError(RuntimeError):
    """The server could not be started; the message carries the command output and server log."""


def _version_key(path):
    match = re.search(r"/postgresql/(\d+)/bin$", path)
    return int(match.group(1)) if match else -1


def find_pg_bin():
    """The newest /usr/lib/postgresql/N/bin that has initdb and whose N has the PostGIS extension."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version_key, reverse=True)
    for bindir in candidates:
        version = _version_key(bindir)
        has_postgis = os.path.exists(f"/usr/share/postgresql/{version}/extension/postgis.control")
        if os.path.exists(os.path.join(bindir, "initdb")) and has_postgis:
            return bindir
    raise PostgisUnavailableError(
        "No PostgreSQL server with the PostGIS extension under /usr/lib/postgresql/*/bin "
        f"(found: {candidates or 'none'}). Install it with `make deps` (postgresql, postgresql-postgis)."
    )


def free_port():
    # bind, never connect: asking the kernel for a free loopback port sends nothing.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class PostgisServer:
    bindir: str
    root: str  # temporary directory owned by the service user: data/, socket, log
    port: int
    host: str = "127.0.0.1"
    dbname: str = "bordergaps_test"
    user: str = "bg_analyst"
    password: str = field(default_factory=lambda: PASSWORD_PREFIX + secrets.token_hex(12))
    superuser: str = "postgres"
    running: bool = False

    @property
    def datadir(self):
        return os.path.join(self.root, "data")

    @property
    def logfile(self):
        return os.path.join(self.root, "server.log")

    # -- running commands as the service user -------------------------------
    def _as_service_user(self, args):
        if os.geteuid() == 0:
            return ["runuser", "-u", SERVICE_USER, "--", *args]
        return list(args)

    def _run(self, args, check=True, input_text=None, timeout=START_TIMEOUT_S):
        proc = subprocess.run(
            self._as_service_user(args),
            capture_output=True,
            text=True,
            input=input_text,
            timeout=timeout,
            check=False,
            cwd=self.root,
        )
        if check and proc.returncode != 0:
            raise PostgisUnavailableError(
                f"Command failed ({proc.returncode}): {' '.join(args)}\n{proc.stdout}\n{proc.stderr}\n"
                f"--- server log ---\n{self.server_log()}"
            )
        return proc

    def server_log(self):
        try:
            with open(self.logfile, encoding="utf-8", errors="replace") as fh:
                return fh.read()[-8000:]
        except OSError:
            return "(no server log)"

    def psql(self, sql, dbname=None):
        """Run SQL as the superuser through the server's private Unix socket (trusted, local only)."""
        return self._run(
            [
                os.path.join(self.bindir, "psql"),
                "-X",
                "-q",
                "-v",
                "ON_ERROR_STOP=1",
                "-h",
                self.root,
                "-p",
                str(self.port),
                "-U",
                self.superuser,
                "-d",
                dbname or self.dbname,
                "-A",
                "-t",
                "-c",
                sql,
            ]
        ).stdout

    # -- lifecycle ------------------------------------------------------------
    def start(self):
        pwfile = os.path.join(self.root, "initdb.pw")
        # initdb wants the superuser's password in a file; it is only used on the local socket.
        with open(pwfile, "w", encoding="utf-8") as fh:
            fh.write(secrets.token_hex(16) + "\n")
        _chown(pwfile)
        self._run(
            [
                os.path.join(self.bindir, "initdb"),
                "-D",
                self.datadir,
                "-U",
                self.superuser,
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
                "--pwfile",
                pwfile,
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ],
            timeout=120,
        )
        os.remove(pwfile)
        options = (
            f"-c listen_addresses={self.host} -p {self.port} -c unix_socket_directories={self.root} "
            "-c fsync=off -c full_page_writes=off -c synchronous_commit=off -c max_connections=40 "
            "-c shared_buffers=32MB -c log_statement=none"
        )
        self._run(
            [
                os.path.join(self.bindir, "pg_ctl"),
                "-D",
                self.datadir,
                "-l",
                self.logfile,
                "-o",
                options,
                "-w",
                "-t",
                str(START_TIMEOUT_S),
                "start",
            ],
            timeout=START_TIMEOUT_S + 10,
        )
        self.running = True
        self.psql(f"CREATE DATABASE {self.dbname} ENCODING 'UTF8' TEMPLATE template0", dbname="postgres")
        self.psql("CREATE EXTENSION postgis")
        # The analysts' role: a password login over TCP, may create schemas, is not a superuser.
        self.psql(f"CREATE ROLE {self.user} LOGIN PASSWORD '{self.password}' NOSUPERUSER NOCREATEDB")
        self.psql(f"GRANT CREATE, CONNECT, TEMPORARY ON DATABASE {self.dbname} TO {self.user}")
        return self

    def stop(self):
        if self.running:
            self._run(
                [os.path.join(self.bindir, "pg_ctl"), "-D", self.datadir, "-m", "fast", "-w", "stop"], check=False
            )
            self.running = False
        shutil.rmtree(self.root, ignore_errors=True)

    # -- what tests use ------------------------------------------------------
    def create_schema(self, name):
        self.psql(f'CREATE SCHEMA IF NOT EXISTS "{name}" AUTHORIZATION {self.user}')
        return name

    def tables(self, schema):
        out = self.psql(
            f"SELECT table_name FROM information_schema.tables WHERE table_schema = '{schema}' ORDER BY table_name"
        )
        return [line for line in out.splitlines() if line]

    def query(self, sql):
        """Rows of ``sql`` as lists of strings (superuser; for checking what the plugin wrote)."""
        return [line.split("|") for line in self.psql(sql).splitlines() if line]


def _chown(path):
    if os.geteuid() == 0:
        entry = pwd.getpwnam(SERVICE_USER)
        os.chown(path, entry.pw_uid, entry.pw_gid)


def start_server():
    """A started server, or PostgisUnavailableError with everything needed to see why."""
    bindir = find_pg_bin()
    root = tempfile.mkdtemp(prefix="bg-postgis-")
    os.chmod(root, 0o700)
    _chown(root)
    server = PostgisServer(bindir=bindir, root=root, port=free_port())
    try:
        return server.start()
    except BaseException:
        server.stop()
        raise


# One server per test session, however many modules import the fixture: pytest makes one
# FixtureDef per importing module, so the server itself is shared and reference-counted.
_SHARED = {"server": None, "users": 0, "error": None}


def _stop_shared():
    server = _SHARED["server"]
    if server is not None:
        server.stop()
        _SHARED["server"] = None


atexit.register(_stop_shared)  # a crashed or interrupted session must not leave a server running


@pytest.fixture(scope="session")
def postgis_server():
    """A running PostgreSQL + PostGIS on 127.0.0.1 (see :class:`PostgisServer`)."""
    if _SHARED["server"] is None:
        if _SHARED["error"] is not None:
            pytest.fail(_SHARED["error"], pytrace=False)
        try:
            _SHARED["server"] = start_server()
        except (PostgisUnavailableError, OSError, subprocess.SubprocessError) as err:
            _SHARED["error"] = f"PostgreSQL/PostGIS test server could not start:\n{err}"
            pytest.fail(_SHARED["error"], pytrace=False)
    _SHARED["users"] += 1
    yield _SHARED["server"]
    _SHARED["users"] -= 1
    if _SHARED["users"] == 0:
        _stop_shared()


# -- QGIS side: the credentials live only in QGIS's authentication database ---------------

MASTER_PASSWORD = "bg-test-master-" + secrets.token_hex(8)


def ensure_master_password():
    """Unlock (or create) the auth DB of the test profile with the session's master password.

    pytest-qgis points QGIS_CUSTOM_CONFIG_PATH at a fresh temporary directory, so the auth DB
    there is new: ``setMasterPassword(pw, True)`` stores the password on first use and
    verifies it afterwards (the non-interactive way, present from QGIS 3.0 to 3.40).
    """
    from qgis.core import QgsApplication

    manager = QgsApplication.authManager()
    if manager.isDisabled():
        raise PostgisUnavailableError(f"QGIS authentication system is disabled: {manager.disabledMessage()}")
    if not manager.masterPasswordIsSet():
        if not manager.setMasterPassword(MASTER_PASSWORD, True):
            raise PostgisUnavailableError(
                "Could not set the master password of the QGIS authentication database "
                f"({manager.authenticationDatabasePath()})."
            )
    return manager


def store_basic_authcfg(user, password, name="Border Gaps test PostGIS"):
    """Store a "Basic" (username/password) auth config and return its id."""
    from qgis.core import QgsAuthMethodConfig

    manager = ensure_master_password()
    config = QgsAuthMethodConfig("Basic")
    config.setName(name)
    config.setConfig("username", user)
    config.setConfig("password", password)
    stored = manager.storeAuthenticationConfig(config)
    # 3.22 returns a bool; newer releases may return (bool, config).
    ok = stored[0] if isinstance(stored, tuple) else stored
    if not ok or not config.id():
        raise PostgisUnavailableError("Could not store the PostGIS credentials in QGIS's authentication database.")
    return config.id()


@dataclass
class PostgisDb:
    """The server seen from QGIS: connection details without any secret, plus an authcfg id."""

    server: PostgisServer
    authcfg: str

    def uri(self, schema="", table="", geometry_column="geom", key_column="", sql=""):
        from qgis.core import QgsDataSourceUri

        uri = QgsDataSourceUri()
        uri.setConnection(
            self.server.host,
            str(self.server.port),
            self.server.dbname,
            "",
            "",
            QgsDataSourceUri.SslMode.SslDisable,
            self.authcfg,
        )
        if table:
            uri.setDataSource(schema, table, geometry_column or None, sql, key_column)
        return uri

    def uri_string(self, schema="", table="", geometry_column="geom", key_column=""):
        """The provider string: ``authcfg=`` and never a user or password."""
        text = self.uri(schema, table, geometry_column, key_column).uri(False)
        assert self.server.password not in text
        return text

    def layer(self, schema, table, geometry_column="geom", name=None, key_column=""):
        from qgis.core import QgsVectorLayer

        return QgsVectorLayer(self.uri_string(schema, table, geometry_column, key_column), name or table, "postgres")

    def destination(self, schema, table, geometry_column="geom"):
        """A Processing output destination for a new PostGIS table (``postgres://`` + uri)."""
        return "postgres://" + self.uri_string(schema, table, geometry_column)


@pytest.fixture(scope="session")
def postgis_db(postgis_server, qgis_app):
    """:class:`PostgisDb`: the running server and an authcfg holding its role's credentials."""
    try:
        authcfg = store_basic_authcfg(postgis_server.user, postgis_server.password)
    except PostgisUnavailableError as err:
        pytest.fail(str(err), pytrace=False)
    yield PostgisDb(postgis_server, authcfg)
    from qgis.core import QgsApplication

    QgsApplication.authManager().removeAuthenticationConfig(authcfg)
