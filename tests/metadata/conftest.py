"""Local HTTP servers for the fetcher tests: real sockets on 127.0.0.1, ephemeral ports.

The fetcher tests also run inside a small fake internet (``network``), so that they
can use the production policy (no allowlist) and still never leave 127.0.0.1:

* ``dns`` replaces ``plugin.metadata.fetch.resolve``: IP literals in any form go to
  ``getaddrinfo`` with ``AI_NUMERICHOST`` (no DNS query can be made), names are
  answered from a table the test fills, and an unknown name fails to resolve.
* ``network`` also sends ``socket.getaddrinfo`` to that table, so even a lookup
  made behind the fetcher's back is offline (and shows in ``dns.calls``), and it
  wraps ``socket.socket.connect``: a public address the test routed
  (``network.route("93.184.216.34", 80, server)``) reaches that loopback server;
  127.0.0.1 on an ephemeral port passes through; every other destination (any
  private, loopback on 80/443, link-local, metadata, IPv6 ...) stands for the
  inside of the network and is delivered to the **canary**, which fails the test
  on any connection or request. So a guard that let a blocked address through is
  caught by the canary, whatever form the address was written in.
* ``shop`` is a server reachable as ``http://shop.example/`` (public address
  93.184.216.34, port 80) through that network.
"""

import functools
import gzip
import http.server
import ipaddress
import socket
import threading
import time
import zlib

import pytest

from plugin.metadata import fetch as fetch_module

SHOP_ADDRESS = "93.184.216.34"
OTHER_ADDRESS = "93.184.216.35"


class _Handler(http.server.BaseHTTPRequestHandler):
    """Answers from the server's ``routes``: path -> callable(handler)."""

    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        server = self.server
        with server.lock:
            server.requests.append((self.path, dict(self.headers)))
            server.active += 1
            server.peak = max(server.peak, server.active)
        try:
            route = server.routes.get(self.path.split("?")[0]) or server.routes.get(self.path)
            if route is None:
                self.reply(404, b"not here")
            else:
                route(self)
        finally:
            with server.lock:
                server.active -= 1

    def reply(self, status, body=b"", content_type="text/html; charset=utf-8", headers=()):
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, location, status=302):
        self.reply(status, headers=[("Location", location)], content_type=None)

    def endless(self, content_type="text/html"):
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Connection", "close")
        self.end_headers()
        chunk = b"<p>" + b"x" * 65536
        try:
            while True:
                self.wfile.write(chunk)
        except OSError:
            pass

    def drip(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Connection", "close")
        self.end_headers()
        try:
            for _ in range(200):
                self.wfile.write(b"<")
                self.wfile.flush()
                time.sleep(0.05)
        except OSError:
            pass

    def drip_headers(self):
        """A status line, then one header byte every 50 ms: slowloris on the headers."""
        try:
            self.wfile.write(b"HTTP/1.1 200 OK\r\n")
            for _ in range(200):
                self.wfile.write(b"X")
                self.wfile.flush()
                time.sleep(0.05)
        except OSError:
            pass

    def stall(self, seconds=3.0):
        """Headers, then nothing: each read waits."""
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", "100")
        self.end_headers()
        self.wfile.flush()
        time.sleep(seconds)

    def bomb(self, encoding="gzip"):
        self.reply(200, bomb(encoding), headers=[("Content-Encoding", encoding)])

    def gzip_bomb(self):
        self.bomb("gzip")


@functools.cache
def bomb(encoding):
    """20 MB of zeros behind a small compressed body (computed once per run)."""
    body = b"<p>" + b"\0" * 20_000_000
    for layer in reversed([part.strip() for part in encoding.split(",")]):
        if layer == "gzip":
            body = gzip.compress(body, compresslevel=9)
        elif layer == "deflate":
            body = zlib.compress(body, 9)
    return body


class Server:
    def __init__(self):
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.routes = {}
        self.httpd.requests = []
        self.httpd.lock = threading.Lock()
        self.httpd.active = 0
        self.httpd.peak = 0
        self.connections = 0
        original = self.httpd.process_request

        def count(request, address):
            self.connections += 1
            original(request, address)

        self.httpd.process_request = count
        self.port = self.httpd.server_port
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )
        self.thread.start()

    @property
    def routes(self):
        return self.httpd.routes

    @property
    def requests(self):
        return self.httpd.requests

    @property
    def peak(self):
        return self.httpd.peak

    def url(self, path="/"):
        return f"http://127.0.0.1:{self.port}{path}"

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="session")
def _servers():
    """The servers of the run, started once; each test gets them emptied (``_fresh``)."""
    running = {name: Server() for name in ("server", "canary", "shop")}
    yield running
    for each in running.values():
        each.close()


def _fresh(running):
    with running.httpd.lock:
        running.routes.clear()
        running.requests.clear()
        running.httpd.peak = 0
        running.connections = 0
    return running


@pytest.fixture
def server(_servers):
    return _fresh(_servers["server"])


@pytest.fixture
def make_server():
    """A factory for more servers (a proxy, a second shop), closed after the test."""
    started = []

    def make():
        started.append(Server())
        return started[-1]

    yield make
    for running in started:
        running.close()


@pytest.fixture
def compression_bomb():
    """``compression_bomb("gzip, gzip")``: the body the ``bomb`` route sends."""
    return bomb


@pytest.fixture
def canary(_servers):
    """A server no test may reach: any connection or request to it fails the test."""
    running = _fresh(_servers["canary"])
    yield running
    assert running.requests == [], "a blocked fetch reached the canary server"
    assert running.connections == 0, "a blocked fetch connected to the canary server"


@pytest.fixture(autouse=True)
def fresh_limiter(monkeypatch):
    """Each test starts with empty per-host rate and concurrency limits."""
    monkeypatch.setattr(fetch_module, "_limiter", fetch_module.HostLimiter())


class Resolver:
    """The stand-in for DNS: literals decoded locally, names from ``records``.

    ``records[name]`` is a list of addresses, or a list of such lists answered in
    turn (the last one repeats), which is how a rebinding name is written.
    """

    def __init__(self):
        self.records = {}
        self.calls = []
        self._getaddrinfo = socket.getaddrinfo  # tests may replace the module's

    def __call__(self, host, port):
        self.calls.append(host)
        try:
            return self._getaddrinfo(
                host, port, type=socket.SOCK_STREAM, flags=socket.AI_NUMERICHOST
            )
        except socket.gaierror:
            pass
        answers = self.records.get(host)
        if answers is None:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        if answers and isinstance(answers[0], list):
            turn = sum(1 for called in self.calls if called == host) - 1
            answers = answers[min(turn, len(answers) - 1)]
        return [_record(address, port) for address in answers]


def _record(address, port):
    if ":" in address:
        return (socket.AF_INET6, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port, 0, 0))
    return (socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port))


@pytest.fixture
def dns(monkeypatch):
    resolver = Resolver()
    resolver.records["localhost"] = ["127.0.0.1", "::1"]
    monkeypatch.setattr(fetch_module, "resolve", resolver)
    return resolver


class Network:
    """Where sockets may connect while a fetcher test runs (see the module docstring)."""

    def __init__(self, canary):
        self.canary = canary
        self.routes = {}
        self.attempts = []
        self.inside = []

    def route(self, address, port, server):
        self.routes[(str(ipaddress.ip_address(address)), port)] = server.port

    def target(self, family, address):
        host, port = address[0], address[1]
        self.attempts.append((host, port))
        key = (str(ipaddress.ip_address(host.split("%")[0])), port)
        if key in self.routes:
            return self._loopback(family, self.routes[key])
        if host == "127.0.0.1" and port not in (80, 443):
            return address
        self.inside.append((host, port))
        return self._loopback(family, self.canary.port)

    @staticmethod
    def _loopback(family, port):
        if family == socket.AF_INET6:
            return ("::ffff:127.0.0.1", port, 0, 0)
        return ("127.0.0.1", port)


@pytest.fixture
def network(monkeypatch, canary, dns):
    """Every socket connect in the test goes through the fake internet."""
    fake = Network(canary)
    original = socket.socket.connect

    def connect(sock, address):
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            address = fake.target(sock.family, address)
        return original(sock, address)

    def getaddrinfo(host, port, *args, **kwargs):
        """Any lookup outside the fetcher's ``resolve`` is answered by the stub too."""
        return dns(host.decode() if isinstance(host, bytes) else host, port)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    yield fake
    assert fake.inside == [], f"a fetch tried to connect inside the network: {fake.inside}"


@pytest.fixture
def shop(_servers, network, dns):
    """A loopback server that the fetcher sees as ``http://shop.example/`` (public)."""
    running = _fresh(_servers["shop"])
    dns.records["shop.example"] = [SHOP_ADDRESS]
    network.route(SHOP_ADDRESS, 80, running)
    return running
