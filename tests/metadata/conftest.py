"""Local HTTP servers for the fetcher tests: real sockets on 127.0.0.1, ephemeral ports."""

import gzip
import http.server
import threading
import time

import pytest


class _Handler(http.server.BaseHTTPRequestHandler):
    """Answers from the server's ``routes``: path -> callable(handler)."""

    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        self.server.requests.append((self.path, dict(self.headers)))
        route = self.server.routes.get(self.path.split("?")[0])
        if route is None:
            self.reply(404, b"not here")
        else:
            route(self)

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

    def endless(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
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

    def gzip_bomb(self):
        body = gzip.compress(b"<p>" + b"\0" * 20_000_000, compresslevel=9)
        self.reply(200, body, headers=[("Content-Encoding", "gzip")])


class Server:
    def __init__(self):
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.routes = {}
        self.httpd.requests = []
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

    def url(self, path="/"):
        return f"http://127.0.0.1:{self.port}{path}"

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    running = Server()
    yield running
    running.close()


@pytest.fixture
def canary():
    """A server no test may reach: any request to it fails the test."""
    running = Server()
    yield running
    running.close()
    assert running.requests == [], "a blocked fetch reached the canary server"
