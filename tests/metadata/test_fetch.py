"""The safe fetcher against real local servers: pages, bounds, headers, proxies, logs.

Address and URL tricks are in test_fetch_addresses.py, per-host limits in
test_fetch_limits.py. Every test runs inside the fake network of conftest.py: the
canary fails it if a connection lands anywhere but where the test routed it.
"""

import logging
import socket
import threading
import time
import traceback
import tracemalloc

import pytest

from plugin.metadata import FetchPolicy, MetadataError, fetch_page, fetch_product
from plugin.metadata import fetch as fetch_module

pytestmark = pytest.mark.usefixtures("network")

SHOP_ADDRESS = "93.184.216.34"  # shop.example in conftest's fake network
LOCAL = FetchPolicy(allow=("127.0.0.1",))
PUBLIC = FetchPolicy()
PRODUCT_HTML = b"""<html><head><title>Mug</title>
<meta property="og:type" content="product">
<meta property="product:price:amount" content="12.50">
<meta property="product:price:currency" content="EUR">
</head><body></body></html>"""


def fails_with(code, url, policy=LOCAL, **kwargs):
    with pytest.raises(MetadataError) as caught:
        fetch_page(url, policy, **kwargs)
    assert caught.value.code == code, caught.value.message
    return caught.value


def local(**limits):
    return FetchPolicy(allow=("127.0.0.1",), **limits)


# --- pages -------------------------------------------------------------------------


def test_allowed_local_fetch_returns_page(server):
    server.routes["/"] = lambda h: h.reply(
        200, PRODUCT_HTML, headers=[("ETag", '"v1"'), ("Last-Modified", "Mon, 02 Nov 2026")]
    )
    page = fetch_page(server.url("/"), LOCAL)
    assert page.status == 200
    assert page.content == PRODUCT_HTML
    assert page.content_type == "text/html"
    assert page.encoding == "utf-8"
    assert page.etag == '"v1"'
    assert page.last_modified == "Mon, 02 Nov 2026"
    assert not page.not_modified
    assert server.requests[0][1]["Host"] == f"127.0.0.1:{server.port}"


def test_public_shop_with_default_policy(shop, network, dns):
    """The production policy (no allowlist) reaches a public host, Host kept as the name."""
    shop.routes["/p"] = lambda h: h.reply(200, PRODUCT_HTML)
    page = fetch_page("http://shop.example/p", PUBLIC)
    assert page.status == 200 and page.url == "http://shop.example/p"
    assert shop.requests[0][1]["Host"] == "shop.example"
    assert network.attempts == [(SHOP_ADDRESS, 80)]
    assert dns.calls == ["shop.example"]


def test_user_agent_names_ogstore_with_a_url(shop):
    shop.routes["/"] = lambda h: h.reply(200, PRODUCT_HTML)
    fetch_page("http://shop.example/", PUBLIC)
    agent = shop.requests[0][1]["User-Agent"]
    assert agent == PUBLIC.user_agent
    assert agent.startswith("ogstore/") and "(+https://" in agent


def test_user_agent_is_sent_on_every_hop(shop):
    shop.routes["/a"] = lambda h: h.redirect("/b", 301)
    shop.routes["/b"] = lambda h: h.reply(200, PRODUCT_HTML)
    fetch_page("http://shop.example/a", PUBLIC)
    assert [headers["User-Agent"] for _, headers in shop.requests] == [PUBLIC.user_agent] * 2


def test_fetch_product_extracts_from_final_url(server):
    server.routes["/old"] = lambda h: h.redirect("/new", 301)
    server.routes["/new"] = lambda h: h.reply(200, PRODUCT_HTML)
    product = fetch_product(server.url("/old"), LOCAL)
    assert product.url == server.url("/new")
    assert str(product.price) == "12.50" and product.currency == "EUR"


def test_conditional_request_not_modified(server):
    def answer(handler):
        if handler.headers.get("If-None-Match") == '"v1"':
            handler.reply(304, content_type=None)
        else:
            handler.reply(200, PRODUCT_HTML)

    server.routes["/"] = answer
    page = fetch_page(server.url("/"), LOCAL, etag='"v1"', last_modified="Mon, 02 Nov 2026")
    assert page.not_modified and page.status == 304 and page.content == b""
    assert server.requests[0][1]["If-Modified-Since"] == "Mon, 02 Nov 2026"


def test_loopback_blocked_without_allowlist(server):
    server.routes["/"] = lambda h: h.reply(200, PRODUCT_HTML)
    fails_with("blocked_address", server.url("/"), PUBLIC)
    assert server.requests == []


# --- redirects ---------------------------------------------------------------------


def test_too_many_redirects(server):
    server.routes["/loop"] = lambda h: h.redirect("/loop")
    fails_with("too_many_redirects", server.url("/loop"), local(max_redirects=3))
    assert len(server.requests) == 4


def test_default_redirect_limit_is_five(shop):
    for hop in range(6):
        shop.routes[f"/{hop}"] = lambda h, hop=hop: h.redirect(f"/{hop + 1}", 307)
    shop.routes["/6"] = lambda h: h.reply(200, PRODUCT_HTML)
    fails_with("too_many_redirects", "http://shop.example/0", PUBLIC)
    assert len(shop.requests) == 6
    assert fetch_page("http://shop.example/1", PUBLIC).url == "http://shop.example/6"


def test_relative_redirects_are_followed(server):
    server.routes["/a/b"] = lambda h: h.redirect("../c?x=1")
    server.routes["/c"] = lambda h: h.reply(200, PRODUCT_HTML)
    assert fetch_page(server.url("/a/b"), LOCAL).url == server.url("/c?x=1")


@pytest.mark.parametrize(
    ("location", "final"),
    [
        ("/next", "/next"),
        ("next", "/next"),
        ("./next?a=1", "/next?a=1"),
        ("?step=2", "/start?step=2"),
        ("//shop.example/next", "/next"),
    ],
)
def test_relative_location_forms_stay_on_the_shop(shop, location, final):
    def start(handler):
        if "?" in handler.path:
            handler.reply(200, PRODUCT_HTML)
        else:
            handler.redirect(location, 302)

    shop.routes["/start"] = start
    shop.routes["/next"] = lambda h: h.reply(200, PRODUCT_HTML)
    assert fetch_page("http://shop.example/start", PUBLIC).url == "http://shop.example" + final


def test_redirect_to_another_public_host_is_checked_and_followed(shop, network, dns):
    dns.records["cdn.example"] = ["93.184.216.35"]
    network.route("93.184.216.35", 80, shop)
    shop.routes["/"] = lambda h: h.redirect("http://cdn.example/page", 308)
    shop.routes["/page"] = lambda h: h.reply(200, PRODUCT_HTML)
    page = fetch_page("http://shop.example/", PUBLIC)
    assert page.url == "http://cdn.example/page"
    assert shop.requests[1][1]["Host"] == "cdn.example"
    assert dns.calls == ["shop.example", "cdn.example"]


# --- bounds ------------------------------------------------------------------------


def test_endless_body_is_cut_at_max_bytes(server):
    server.routes["/"] = lambda h: h.endless()
    started = time.monotonic()
    fails_with("too_large", server.url("/"), local(max_bytes=300_000))
    assert time.monotonic() - started < 5


def test_default_size_cap_is_five_megabytes(shop):
    assert PUBLIC.max_bytes == 5_000_000
    shop.routes["/"] = lambda h: h.endless()
    fails_with("too_large", "http://shop.example/", PUBLIC)


def test_declared_length_over_limit_is_refused_early(server):
    server.routes["/"] = lambda h: h.reply(200, b"<p>" * 1000)
    fails_with("too_large", server.url("/"), local(max_bytes=100))


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "gzip, gzip"])
def test_compression_bomb_is_bounded_by_decoded_size(server, compression_bomb, encoding):
    assert len(compression_bomb(encoding)) < 1_000_000  # the bytes on the wire are under the cap
    server.routes["/"] = lambda h: h.bomb(encoding)
    fails_with("too_large", server.url("/"), local(max_bytes=1_000_000))


def test_gzip_bomb_is_decoded_in_bounded_memory(server, compression_bomb):
    """20 MB behind 20 KB: memory stays near max_bytes, never near the bomb's size."""
    compression_bomb("gzip")  # built before measuring
    server.routes["/"] = lambda h: h.gzip_bomb()
    tracemalloc.start()
    try:
        fails_with("too_large", server.url("/"), local(max_bytes=1_000_000))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 6_000_000, f"peak {peak} bytes while decoding a gzip bomb"


def test_drip_fed_body_hits_total_deadline(server):
    server.routes["/"] = lambda h: h.drip()
    started = time.monotonic()
    fails_with("timeout", server.url("/"), local(total_timeout=0.6))
    assert time.monotonic() - started < 2


def test_drip_fed_headers_hit_total_deadline(server):
    server.routes["/"] = lambda h: h.drip_headers()
    started = time.monotonic()
    fails_with("timeout", server.url("/"), local(total_timeout=0.6))
    assert time.monotonic() - started < 2


def test_stalled_read_hits_read_timeout(server):
    server.routes["/"] = lambda h: h.stall(3)
    started = time.monotonic()
    fails_with("timeout", server.url("/"), local(read_timeout=0.3, total_timeout=10))
    assert time.monotonic() - started < 2


def test_unanswered_connect_hits_connect_timeout():
    """A listener whose backlog is full never completes the handshake."""
    with socket.socket() as listener, socket.socket() as filler:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        port = listener.getsockname()[1]
        filler.connect(("127.0.0.1", port))
        started = time.monotonic()
        fails_with("timeout", f"http://127.0.0.1:{port}/", local(connect_timeout=0.3))
        assert time.monotonic() - started < 2


def test_slow_name_resolution_hits_total_deadline(monkeypatch):
    released = threading.Event()

    def hanging_resolver(host, port):
        released.wait(5)
        raise socket.gaierror(socket.EAI_AGAIN, "timed out")

    monkeypatch.setattr(fetch_module, "resolve", hanging_resolver)
    started = time.monotonic()
    try:
        fails_with("timeout", "http://shop.example/", FetchPolicy(total_timeout=0.5))
    finally:
        released.set()
    assert time.monotonic() - started < 1.5


def test_unresolvable_name_is_fetch_failed(dns):
    fails_with("fetch_failed", "http://nowhere.example/", PUBLIC)
    dns.records["empty.example"] = []
    fails_with("fetch_failed", "http://empty.example/", PUBLIC)


# --- content types -----------------------------------------------------------------


@pytest.mark.parametrize(
    "content_type",
    [
        "application/pdf",
        "application/json",
        "image/svg+xml",
        "text/plain",
        "text/htmlx",
        "application/octet-stream",
    ],
)
def test_not_html_is_refused(server, content_type):
    server.routes["/"] = lambda h: h.reply(200, b"<html>%PDF-1.4", content_type=content_type)
    fails_with("not_html", server.url("/"))


def test_not_html_is_refused_before_reading_the_body(server):
    server.routes["/"] = lambda h: h.endless("video/mp4")
    started = time.monotonic()
    fails_with("not_html", server.url("/"))
    assert time.monotonic() - started < 2


@pytest.mark.parametrize(
    "content_type", ["text/html", "TEXT/HTML; charset=ISO-8859-1", "application/xhtml+xml"]
)
def test_html_types_are_accepted(server, content_type):
    server.routes["/"] = lambda h: h.reply(200, PRODUCT_HTML, content_type=content_type)
    assert fetch_page(server.url("/"), LOCAL).content == PRODUCT_HTML


def test_missing_content_type_is_sniffed(server):
    server.routes["/html"] = lambda h: h.reply(200, b"<!DOCTYPE html><title>x</title>", None)
    server.routes["/bin"] = lambda h: h.reply(200, b"\x89PNG\r\n", content_type=None)
    assert fetch_page(server.url("/html"), LOCAL).content.startswith(b"<!DOCTYPE")
    fails_with("not_html", server.url("/bin"))


def test_other_types_allowed_when_asked(server):
    server.routes["/"] = lambda h: h.reply(200, b"{}", content_type="application/json")
    assert fetch_page(server.url("/"), LOCAL, accept_html_only=False).content == b"{}"


def test_http_error_status_is_fetch_failed(server):
    error = fails_with("fetch_failed", server.url("/missing"))
    assert "404" in error.message


def test_https_goes_through_the_guard(server, canary):
    """TLS to a plain-HTTP server fails the handshake: fetch_failed, not a crash."""
    fails_with("fetch_failed", f"https://127.0.0.1:{server.port}/")
    fails_with("blocked_address", f"https://127.0.0.1:{canary.port}/", PUBLIC)


def test_connection_refused_is_fetch_failed():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    fails_with("fetch_failed", f"http://127.0.0.1:{port}/")


# --- proxies and ambient credentials -----------------------------------------------

PROXY_VARIABLES = ["HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"]


def test_environment_proxies_are_ignored(monkeypatch, shop, canary):
    for name in [*PROXY_VARIABLES, "all_proxy"]:
        monkeypatch.setenv(name, canary.url("/"))
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    shop.routes["/"] = lambda h: h.reply(200, PRODUCT_HTML)
    assert fetch_page("http://shop.example/", PUBLIC).status == 200
    fails_with("blocked_address", "http://localhost/", PUBLIC)
    # canary fixture: no connection, no request


@pytest.mark.parametrize("variable", [*PROXY_VARIABLES, "all_proxy"])
def test_each_proxy_variable_is_ignored(monkeypatch, shop, network, canary, variable):
    monkeypatch.setenv(variable, canary.url("/"))
    network.route(SHOP_ADDRESS, 443, shop)
    shop.routes["/"] = lambda h: h.reply(200, PRODUCT_HTML)
    assert fetch_page("http://shop.example/", PUBLIC).status == 200
    # TLS to the plain-HTTP shop fails, but directly: no CONNECT to the proxy
    fails_with("fetch_failed", "https://shop.example/", PUBLIC)


def test_netrc_credentials_are_not_sent(monkeypatch, tmp_path, shop):
    netrc = tmp_path / ".netrc"
    netrc.write_text("machine shop.example login merchant password hunter2\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    monkeypatch.setenv("HOME", str(tmp_path))
    shop.routes["/"] = lambda h: h.reply(200, PRODUCT_HTML)
    fetch_page("http://shop.example/", PUBLIC)
    assert "Authorization" not in shop.requests[0][1]


def test_configured_proxy_is_used_after_the_target_is_checked(dns, make_server):
    proxy = make_server()
    dns.records["shop.example"] = [SHOP_ADDRESS]
    proxy.routes["http://shop.example/"] = lambda h: h.reply(200, PRODUCT_HTML)
    policy = FetchPolicy(proxy=proxy.url(""))
    assert fetch_page("http://shop.example/", policy).content == PRODUCT_HTML
    assert proxy.requests[0][0] == "http://shop.example/"
    fails_with("blocked_address", "http://localhost/", policy)
    fails_with("blocked_address", "http://[::1]/", policy)
    assert len(proxy.requests) == 1


# --- logs --------------------------------------------------------------------------


def test_errors_are_logged_with_the_host_and_no_secrets(caplog, shop):
    caplog.set_level(logging.DEBUG)
    shop.routes["/p"] = lambda h: h.redirect("/gone?session=SECRET-B", 302)
    fails_with("fetch_failed", "http://shop.example/p?token=SECRET-A", PUBLIC)
    fails_with("blocked_address", "http://localhost/admin?key=SECRET-C", PUBLIC)
    fails_with("invalid_url", "http://merchant:SECRET-D@shop.example/", PUBLIC)
    shop.routes["/r"] = lambda h: h.redirect("http://user:SECRET-E@shop.example/", 302)
    fails_with("invalid_url", "http://shop.example/r", PUBLIC)
    text = caplog.text
    assert "SECRET" not in text
    refusals = [r.getMessage() for r in caplog.records if r.name == fetch_module.__name__]
    assert refusals == [
        "fetch from shop.example refused: fetch_failed",
        "fetch from localhost refused: blocked_address",
        "fetch from shop.example refused: invalid_url",
        "fetch from shop.example refused: invalid_url",
    ]
    assert [r.levelname for r in caplog.records if r.name == fetch_module.__name__] == [
        "INFO",
        "WARNING",
        "INFO",
        "INFO",
    ]


def test_transport_failures_are_logged_and_raised_without_the_url(caplog):
    caplog.set_level(logging.DEBUG)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    error = fails_with("fetch_failed", f"http://127.0.0.1:{port}/x?token=SECRET")
    assert "SECRET" not in caplog.text
    assert "fetch from 127.0.0.1 failed: ConnectionError" in caplog.text
    shown = "".join(traceback.format_exception(error))
    assert "SECRET" not in shown and "/x" not in shown
