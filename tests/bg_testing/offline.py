"""A guard that records and refuses every network connection attempt: Python sockets
(connect, connect_ex, create_connection, DNS look-ups) and QGIS's own network manager
(requestAboutToBeCreated, which QGIS emits for requests from any thread).

The plugin must never touch the network; only the PostGIS tests may reach the loopback
test server (``allow_loopback=True``), and libpq's C sockets do not pass through here.
"""

import ipaddress
import socket
import threading
from unittest import mock

LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


class NetworkAttemptError(OSError):
    """Raised in place of a connection: the test guard forbids the network here."""


def _is_loopback(host):
    if host is None:
        return False
    host = str(host)
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _host_of(address):
    if isinstance(address, (tuple, list)) and address:
        return address[0]
    return None  # AF_UNIX paths: local, never network


class NetworkGuard:
    """``with NetworkGuard() as guard: ...`` then ``guard.attempts`` lists what was tried."""

    def __init__(self, allow_loopback=False):
        self.allow_loopback = allow_loopback
        self.attempts = []
        self._lock = threading.Lock()
        self._patches = []
        self._nam = None

    def _record(self, what, target):
        with self._lock:
            self.attempts.append(f"{what}: {target}")

    def _allowed(self, host, family=None):
        if family == getattr(socket, "AF_UNIX", None):
            return True
        return self.allow_loopback and _is_loopback(host)

    def __enter__(self):
        guard = self
        real_connect = socket.socket.connect
        real_connect_ex = socket.socket.connect_ex
        real_create = socket.create_connection
        real_getaddrinfo = socket.getaddrinfo

        def connect(sock, address):
            if sock.family == socket.AF_UNIX or guard._allowed(_host_of(address)):
                return real_connect(sock, address)
            guard._record("socket.connect", address)
            raise NetworkAttemptError(f"network access attempted in an offline test: {address}")

        def connect_ex(sock, address):
            if sock.family == socket.AF_UNIX or guard._allowed(_host_of(address)):
                return real_connect_ex(sock, address)
            guard._record("socket.connect_ex", address)
            raise NetworkAttemptError(f"network access attempted in an offline test: {address}")

        def create_connection(address, *args, **kwargs):
            if guard._allowed(_host_of(address)):
                return real_create(address, *args, **kwargs)
            guard._record("socket.create_connection", address)
            raise NetworkAttemptError(f"network access attempted in an offline test: {address}")

        def getaddrinfo(host, *args, **kwargs):
            # a DNS query leaves the machine even when no connection follows
            if host is None or _is_loopback(host) or _is_literal_ip(host):
                return real_getaddrinfo(host, *args, **kwargs)
            guard._record("socket.getaddrinfo", host)
            raise NetworkAttemptError(f"DNS look-up attempted in an offline test: {host}")

        for name, replacement in (("connect", connect), ("connect_ex", connect_ex)):
            patch = mock.patch.object(socket.socket, name, replacement)
            patch.start()
            self._patches.append(patch)
        for name, replacement in (("create_connection", create_connection), ("getaddrinfo", getaddrinfo)):
            patch = mock.patch.object(socket, name, replacement)
            patch.start()
            self._patches.append(patch)

        from qgis.core import QgsNetworkAccessManager, QgsNetworkRequestParameters

        self._nam = QgsNetworkAccessManager.instance()
        # 3.22 also has a deprecated (operation, request, device) overload: pick the parameters one
        self._signal = self._nam.requestAboutToBeCreated[QgsNetworkRequestParameters]
        self._signal.connect(self._on_request)
        return self

    def _on_request(self, request):
        url = request.request().url()
        if self._allowed(url.host()):
            return
        self._record("QgsNetworkAccessManager", url.toString())

    def __exit__(self, *exc):
        from qgis.core import QgsApplication

        # requests made in worker threads reach the main manager's signal through the event loop
        QgsApplication.processEvents()
        for patch in reversed(self._patches):
            patch.stop()
        self._patches = []
        if self._nam is not None:
            self._signal.disconnect(self._on_request)
            self._nam = None
        return False


def _is_literal_ip(host):
    try:
        ipaddress.ip_address(str(host).split("%")[0])
        return True
    except ValueError:
        return False
