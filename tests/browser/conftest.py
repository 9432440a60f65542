"""Browser fixtures: headless Chromium, and a "blog" served from another origin.

Browser tests are slow, so they run on SQLite only: ``database_url`` here overrides
the two-database fixture of ``tests/conftest.py`` for every test in this folder.
"""

import os
import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("OGSTORE_TEST_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(params=["sqlite"])
def database_url(request, tmp_path) -> str:
    """SQLite only: a copy of the migrated template, as the main conftest makes."""
    path = tmp_path / "ogstore.sqlite"
    shutil.copy(request.getfixturevalue("sqlite_template"), path)
    return f"sqlite:///{path}"


@pytest.fixture(scope="session")
def chromium(require_service):
    """One headless Chromium for the whole run (Debian's, never a downloaded one)."""
    if not CHROMIUM.exists():
        require_service("Chromium", f"{CHROMIUM} does not exist")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        require_service("Playwright for Python", error)
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    except Exception as error:  # noqa: BLE001 - any launch failure means the same
        playwright.stop()
        require_service("Chromium", error)
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture
def context(chromium):
    """A fresh profile per test (no cookies, no cache), English, short timeouts."""
    context = chromium.new_context(locale="en-US", viewport={"width": 1000, "height": 800})
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def blog_server():
    """``serve(html)`` -> URL of a page with that HTML, on 127.0.0.1 at another port.

    Another port is another origin, so the widget's calls to the app are cross-origin.
    """
    pages: dict[str, tuple[bytes, dict]] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body, headers = pages.get(self.path, (None, {}))
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args):  # quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def serve(html: str, path: str = "/post", headers: dict | None = None) -> str:
        pages[path] = (html.encode(), headers or {})
        return f"http://127.0.0.1:{server.server_port}{path}"

    yield serve
    server.shutdown()
    server.server_close()
    thread.join()
