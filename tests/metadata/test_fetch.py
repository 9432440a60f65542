"""The safe fetcher against real local servers, and its URL/address rules."""

import ipaddress
import socket
import time

import pytest

from plugin.metadata import FetchPolicy, MetadataError, fetch_page, fetch_product
from plugin.metadata import fetch as fetch_module

LOCAL = FetchPolicy(allow=("127.0.0.1",))
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
    headers = server.requests[0][1]
    assert headers["User-Agent"].startswith("ogstore/")
    assert headers["Host"] == f"127.0.0.1:{server.port}"


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
    fails_with("blocked_address", server.url("/"), FetchPolicy())
    assert server.requests == []


@pytest.mark.parametrize(
    "target",
    [
        "http://0x7f000001:{port}/",
        "http://2130706433:{port}/",
        "http://0177.0.0.1:{port}/",
        "http://127.1:{port}/",
        "http://localhost:{port}/",
        "http://[::1]:{port}/",
        "http://[::ffff:127.0.0.1]:{port}/",
        "http://0.0.0.0:{port}/",
    ],
)
def test_redirect_to_disguised_loopback_is_blocked(server, canary, target):
    server.routes["/"] = lambda h: h.redirect(target.format(port=canary.port))
    fails_with("blocked_address", server.url("/"))


@pytest.mark.parametrize(
    "target", ["http://169.254.169.254/latest/meta-data/", "http://[::1]/", "http://10.0.0.1/"]
)
def test_redirect_to_private_network_is_blocked(server, target):
    server.routes["/"] = lambda h: h.redirect(target)
    fails_with("blocked_address", server.url("/"))


def test_redirect_to_other_scheme_is_refused(server):
    server.routes["/"] = lambda h: h.redirect("file:///etc/passwd")
    fails_with("invalid_url", server.url("/"))


def test_too_many_redirects(server):
    server.routes["/loop"] = lambda h: h.redirect("/loop")
    fails_with(
        "too_many_redirects",
        server.url("/loop"),
        FetchPolicy(allow=("127.0.0.1",), max_redirects=3),
    )
    assert len(server.requests) == 4


def test_relative_redirects_are_followed(server):
    server.routes["/a/b"] = lambda h: h.redirect("../c?x=1")
    server.routes["/c"] = lambda h: h.reply(200, PRODUCT_HTML)
    assert fetch_page(server.url("/a/b"), LOCAL).url == server.url("/c?x=1")


def test_endless_body_is_cut_at_max_bytes(server):
    server.routes["/"] = lambda h: h.endless()
    fails_with("too_large", server.url("/"), FetchPolicy(allow=("127.0.0.1",), max_bytes=300_000))


def test_declared_length_over_limit_is_refused_early(server):
    server.routes["/"] = lambda h: h.reply(200, b"<p>" * 1000)
    fails_with("too_large", server.url("/"), FetchPolicy(allow=("127.0.0.1",), max_bytes=100))


def test_gzip_bomb_is_bounded_by_decoded_size(server):
    server.routes["/"] = lambda h: h.gzip_bomb()
    fails_with("too_large", server.url("/"), FetchPolicy(allow=("127.0.0.1",), max_bytes=1_000_000))


def test_drip_fed_body_hits_total_deadline(server):
    server.routes["/"] = lambda h: h.drip()
    started = time.monotonic()
    fails_with("timeout", server.url("/"), FetchPolicy(allow=("127.0.0.1",), total_timeout=0.6))
    assert time.monotonic() - started < 2


def test_not_html_is_refused(server):
    server.routes["/"] = lambda h: h.reply(200, b"%PDF-1.4", content_type="application/pdf")
    fails_with("not_html", server.url("/"))


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
    fails_with("blocked_address", f"https://127.0.0.1:{canary.port}/", FetchPolicy())


def test_connection_refused_is_fetch_failed():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    fails_with("fetch_failed", f"http://127.0.0.1:{port}/")


@pytest.mark.parametrize(
    "url",
    [
        "http://user@example.com/",
        "http://user:pass@example.com/",
        "http://example.com\\@evil.com/",
        "http://exa mple.com/",
        "http:///path",
        "ftp://example.com/",
        "javascript:alert(1)",
        "http://exämple.com/",
        "http://example.com:99999/",
        "//example.com/",
        "",
    ],
)
def test_malformed_urls_are_invalid(url, canary):
    fails_with("invalid_url", url, FetchPolicy())


def test_non_default_port_on_public_host_is_blocked(monkeypatch, canary):
    monkeypatch.setattr(fetch_module, "resolve", _records("93.184.216.34"))
    fails_with("blocked_address", "http://shop.example:8080/", FetchPolicy())


def test_public_then_private_records_are_blocked(monkeypatch, canary):
    monkeypatch.setattr(fetch_module, "resolve", _records("93.184.216.34", "127.0.0.1"))
    fails_with("blocked_address", "http://shop.example/", FetchPolicy())


def test_rebinding_name_to_canary_is_blocked(monkeypatch, canary):
    monkeypatch.setattr(fetch_module, "resolve", _records("127.0.0.1"))
    fails_with("blocked_address", f"http://shop.example:{canary.port}/", LOCAL)


def test_connects_to_checked_address_with_host_name_kept(monkeypatch, server):
    """An allowlisted name reaches the address resolved once; Host stays the name."""
    resolved = []

    def resolve(host, port):
        resolved.append(host)
        return _records("127.0.0.1")(host, port)

    monkeypatch.setattr(fetch_module, "resolve", resolve)
    server.routes["/"] = lambda h: h.reply(200, PRODUCT_HTML)
    page = fetch_page(f"http://shop.test:{server.port}/", FetchPolicy(allow=("shop.test",)))
    assert page.status == 200
    assert resolved == ["shop.test"]
    assert server.requests[0][1]["Host"] == f"shop.test:{server.port}"


def test_environment_proxy_is_ignored(monkeypatch, server, canary):
    monkeypatch.setenv("HTTP_PROXY", canary.url("/"))
    monkeypatch.setenv("http_proxy", canary.url("/"))
    server.routes["/"] = lambda h: h.reply(200, PRODUCT_HTML)
    assert fetch_page(server.url("/"), LOCAL).status == 200


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.216.34", True),
        ("2606:2800:220:1:248:1893:25c8:1946", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("100.64.0.1", False),
        ("169.254.169.254", False),
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("255.255.255.255", False),
        ("::", False),
        ("::1", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("::ffff:127.0.0.1", False),
        ("::ffff:93.184.216.34", True),
        ("2002:7f00:1::", False),
        ("2002:5db8:d822::", True),
        ("64:ff9b::7f00:1", False),
        ("64:ff9b::a00:1", False),
        ("::7f00:1", False),
        ("ff02::1", False),
    ],
)
def test_is_public(address, public):
    assert fetch_module.is_public(ipaddress.ip_address(address)) is public


def test_allow_string_parsing():
    policy = FetchPolicy.from_allow_string(" 127.0.0.1, localhost ,10.0.0.0/8,, [::1]")
    assert policy.allow == ("127.0.0.1", "localhost", "10.0.0.0/8", "[::1]")
    assert policy.admits("127.0.0.1") and policy.admits("localhost")
    assert policy.admits("10.200.0.7") and policy.admits("::1")
    assert not policy.admits("127.0.0.2") and not policy.admits("0x7f000001")
    assert FetchPolicy.from_allow_string(None).allow == ()


def _records(*addresses):
    def resolve(host, port):
        return [
            (
                socket.AF_INET6 if ":" in address else socket.AF_INET,
                socket.SOCK_STREAM,
                socket.IPPROTO_TCP,
                "",
                (address, port),
            )
            for address in addresses
        ]

    return resolve
