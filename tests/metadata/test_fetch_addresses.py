"""Every way of writing an inside address, directly and behind each redirect status.

The tests use the production policy (``FetchPolicy()``, no allowlist) against
``shop.example``, a public address that conftest's fake network delivers to a
loopback server. Any connection to any other destination (127.0.0.1:80, ::1,
169.254.169.254, 10.0.0.1 ...) is delivered to the canary, which fails the test:
a refusal only passes if nothing was sent anywhere.
"""

import ipaddress
import socket

import pytest

from plugin.metadata import FetchPolicy, MetadataError, fetch_page
from plugin.metadata import fetch as fetch_module

pytestmark = pytest.mark.usefixtures("network")

PUBLIC = FetchPolicy()
SHOP_ADDRESS = "93.184.216.34"
PAGE = b"<!DOCTYPE html><title>shop</title>"
REDIRECT_STATUSES = [301, 302, 303, 307, 308]

# Host parts of URLs that all mean an address inside the network.
LITERAL_FORMS = {
    # IPv4 loopback, written every way inet_aton reads it
    "dotted": "127.0.0.1",
    "other-loopback": "127.9.9.9",
    "short": "127.1",
    "short-3": "127.0.1",
    "decimal": "2130706433",
    "octal": "0177.0.0.1",
    "octal-long": "017700000001",
    "octal-padded": "0177.0000.0000.0001",
    "hex": "0x7f000001",
    "hex-dotted": "0x7f.0x0.0x0.0x1",
    "hex-short": "0x7F.1",
    "mixed-radix": "0x7f.0.0.01",
    "trailing-dot": "127.0.0.1.",
    # unspecified
    "zero": "0.0.0.0",
    "zero-short": "0",
    "zero-hex": "0x0",
    # private, shared, link-local, metadata
    "rfc1918-10": "10.0.0.1",
    "rfc1918-172": "172.16.0.1",
    "rfc1918-192": "192.168.1.1",
    "cgnat": "100.64.0.1",
    "link-local": "169.254.0.1",
    "metadata": "169.254.169.254",
    "metadata-decimal": "2852039166",
    "metadata-hex": "0xa9fea9fe",
    "metadata-octal": "0251.0376.0251.0376",
    "alibaba-metadata": "100.100.100.200",
    "azure-wireserver": "168.63.129.16",
    "broadcast": "255.255.255.255",
    "multicast": "224.0.0.1",
    "reserved": "240.0.0.1",
    # IPv6
    "v6-loopback": "[::1]",
    "v6-loopback-long": "[0:0:0:0:0:0:0:1]",
    "v6-unspecified": "[::]",
    "v4-mapped": "[::ffff:127.0.0.1]",
    "v4-mapped-hex": "[::ffff:7f00:1]",
    "v4-mapped-metadata": "[::ffff:169.254.169.254]",
    "v4-mapped-private": "[::ffff:10.0.0.1]",
    "v4-compatible": "[::127.0.0.1]",
    "nat64-loopback": "[64:ff9b::7f00:1]",
    "nat64-metadata": "[64:ff9b::a9fe:a9fe]",
    "nat64-local-use": "[64:ff9b:1::a9fe:a9fe]",
    "6to4-loopback": "[2002:7f00:1::]",
    "6to4-metadata": "[2002:a9fe:a9fe::1]",
    "6to4-private": "[2002:a00:1::]",
    "teredo": "[2001:0:4136:e378:8000:63bf:3fff:fdd2]",
    "v6-link-local": "[fe80::1]",
    "v6-unique-local": "[fc00::1]",
    "aws-metadata-v6": "[fd00:ec2::254]",
    "v6-site-local": "[fec0::1]",
    "v6-multicast": "[ff02::1]",
    "v6-documentation": "[2001:db8::1]",
}

# Names, answered by the stub resolver (conftest's ``dns``).
NAME_RECORDS = {
    "localhost.": None,  # the stub's localhost: 127.0.0.1 and ::1
    "LOCALHOST": None,
    "internal.example": ["10.0.0.5"],
    "metadata.google.internal": ["169.254.169.254"],
    "mapped.example": ["::ffff:127.0.0.1"],
    "nat64.example": ["64:ff9b::7f00:1"],
    "sixtofour.example": ["2002:7f00:1::"],
    "linklocal6.example": ["fe80::1"],
    "public-then-private.example": [SHOP_ADDRESS, "127.0.0.1"],
    "private-then-public.example": ["10.0.0.1", SHOP_ADDRESS],
    "public-then-v6-loopback.example": [SHOP_ADDRESS, "::1"],
    "public-v6-then-mapped.example": ["2606:2800:220:1:248:1893:25c8:1946", "::ffff:10.0.0.1"],
}

FORMS = [*LITERAL_FORMS.values(), *NAME_RECORDS]
FORM_IDS = [*LITERAL_FORMS, *NAME_RECORDS]


@pytest.fixture(autouse=True)
def names(dns):
    for name, records in NAME_RECORDS.items():
        if records is not None:
            dns.records[name] = records


def fails_with(code, url, policy=PUBLIC):
    with pytest.raises(MetadataError) as caught:
        fetch_page(url, policy)
    assert caught.value.code == code, caught.value.message
    return caught.value


@pytest.mark.parametrize("host", FORMS, ids=FORM_IDS)
def test_inside_address_is_blocked(host, network):
    fails_with("blocked_address", f"http://{host}/latest/meta-data/")
    assert network.attempts == []


@pytest.mark.parametrize("host", FORMS, ids=FORM_IDS)
def test_inside_address_over_https_is_blocked(host, network):
    fails_with("blocked_address", f"https://{host}/")
    assert network.attempts == []


@pytest.mark.parametrize("status", REDIRECT_STATUSES)
@pytest.mark.parametrize("host", FORMS, ids=FORM_IDS)
def test_redirect_to_inside_address_is_blocked(shop, network, status, host):
    shop.routes["/"] = lambda h: h.redirect(f"http://{host}/admin", status)
    fails_with("blocked_address", "http://shop.example/")
    assert len(shop.requests) == 1
    assert network.attempts == [(SHOP_ADDRESS, 80)]


@pytest.mark.parametrize("status", REDIRECT_STATUSES)
def test_redirect_to_public_address_is_followed(shop, status):
    """The counterpart: the same redirects to an outside address do get followed."""
    shop.routes["/"] = lambda h: h.redirect(f"http://{SHOP_ADDRESS}/ok", status)
    shop.routes["/ok"] = lambda h: h.reply(200, PAGE)
    assert fetch_page("http://shop.example/", PUBLIC).url == f"http://{SHOP_ADDRESS}/ok"


@pytest.mark.parametrize(
    "host",
    [
        "0x7f000001",
        "2130706433",
        "0177.0.0.1",
        "127.1",
        "localhost",
        "[::1]",
        "[::ffff:127.0.0.1]",
        "[::ffff:7f00:1]",
        "0.0.0.0",
        "127.0.0.2",
    ],
)
def test_allowlist_matches_the_host_as_written(canary, dns, host):
    """``allow=127.0.0.1`` admits that literal only: disguises of it stay blocked.

    The canary really listens on 127.0.0.1 here, so a fetch let through would land.
    """
    policy = FetchPolicy(allow=("127.0.0.1",))
    fails_with("blocked_address", f"http://{host}:{canary.port}/", policy)


def test_allowlisted_literal_reaches_the_server(server):
    """The counterpart of the test above: the literal itself is admitted."""
    server.routes["/"] = lambda h: h.reply(200, PAGE)
    assert fetch_page(server.url("/"), FetchPolicy(allow=("127.0.0.1",))).status == 200


# --- DNS: mixed answers and rebinding ----------------------------------------------


def test_rebinding_connects_only_to_the_checked_address(shop, network, dns):
    """The resolver answers public first and private after: the socket goes to the first."""
    dns.records["rebind.example"] = [[SHOP_ADDRESS], ["127.0.0.1"], ["169.254.169.254"]]
    shop.routes["/"] = lambda h: h.reply(200, PAGE)
    page = fetch_page("http://rebind.example/", PUBLIC)
    assert page.content == PAGE
    assert dns.calls == ["rebind.example"]
    assert network.attempts == [(SHOP_ADDRESS, 80)]
    assert shop.requests[0][1]["Host"] == "rebind.example"


def test_rebinding_on_a_later_connection_is_refused(shop, network, dns):
    """A new connection resolves again and is checked again: the private answer is refused."""
    dns.records["rebind.example"] = [[SHOP_ADDRESS], ["127.0.0.1"]]
    shop.routes["/"] = lambda h: h.reply(
        302, headers=[("Location", "/again"), ("Connection", "close")], content_type=None
    )
    fails_with("blocked_address", "http://rebind.example/")
    assert dns.calls == ["rebind.example", "rebind.example"]
    assert network.attempts == [(SHOP_ADDRESS, 80)]


def test_each_connection_resolves_once(shop, dns, monkeypatch):
    """The only lookup is the guard's: urllib3's own resolver is never reached."""

    def no_lookup(*args, **kwargs):
        raise AssertionError("a second name resolution happened")

    monkeypatch.setattr(socket, "getaddrinfo", no_lookup)
    shop.routes["/"] = lambda h: h.reply(200, PAGE)
    assert fetch_page("http://shop.example/", PUBLIC).status == 200
    assert dns.calls == ["shop.example"]


@pytest.mark.parametrize(
    "records",
    [
        [SHOP_ADDRESS, "127.0.0.1"],
        ["127.0.0.1", SHOP_ADDRESS],
        [SHOP_ADDRESS, "93.184.216.35", "10.1.2.3"],
        ["2606:2800:220:1:248:1893:25c8:1946", "fe80::1"],
        [SHOP_ADDRESS, "::ffff:169.254.169.254"],
    ],
)
def test_mixed_public_and_private_records_are_blocked(dns, network, records):
    dns.records["mixed.example"] = records
    fails_with("blocked_address", "http://mixed.example/")
    assert network.attempts == []


# --- URL confusions ----------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://shop.example\\@127.0.0.1/",
        "http://127.0.0.1\\.shop.example/",
        "http://shop.example@127.0.0.1/",
        "http://shop.example:80@127.0.0.1/",
        "http://shop.example:@127.0.0.1/",
        "http://127.0.0.1:80@shop.example/",
        "http://127.0.0.1%2f@shop.example/",
        "http://shop.example%40127.0.0.1/",
        "http://shop.example%5C@127.0.0.1/",
        "http://[::1]@shop.example/",
        "http://[fe80::1%25lo]/",
        "http://[::ffff:127.0.0.1%25eth0]/",
        "http://user:pass@shop.example/",
        "http://@shop.example/",
        "HTTP://SHOP.EXAMPLE@127.0.0.1/",
        "http:/\\127.0.0.1/",
        "http:\\\\127.0.0.1\\",
        "http://127.0.0.1\\@shop.example/",
        "http://shop.example\t@127.0.0.1/",
        "http://shop.example\n.127.0.0.1/",
        "http://shop.example\x00.127.0.0.1/",
        "http://127.0.0.1 .shop.example/",
        "http://shop.example%2e%2e/",
        "http://shop。example/",
        "http://①②⑦.0.0.1/",
    ],
)
def test_userinfo_and_backslash_confusions_are_invalid(url, network):
    fails_with("invalid_url", url)
    assert network.attempts == []


@pytest.mark.parametrize(
    "url", ["http://shop.example#@127.0.0.1/", "http://shop.example/?@127.0.0.1/"]
)
def test_at_sign_after_the_host_is_not_userinfo(shop, network, url):
    """``#@`` and ``?@`` leave the host as shop.example, which is where the fetch goes."""
    shop.routes["/"] = lambda h: h.reply(200, PAGE)
    assert fetch_page(url, PUBLIC).status == 200
    assert network.attempts == [(SHOP_ADDRESS, 80)]


@pytest.mark.parametrize("status", REDIRECT_STATUSES)
@pytest.mark.parametrize(
    "location",
    [
        "http://shop.example\\@127.0.0.1/",
        "http://127.0.0.1\\.shop.example/",
        "http://shop.example@127.0.0.1/",
        "http://user:pass@shop.example/",
        "\\\\127.0.0.1\\admin",
        "/\\127.0.0.1/admin",
    ],
)
def test_redirect_with_userinfo_or_backslash_is_invalid(shop, status, location):
    shop.routes["/"] = lambda h: h.redirect(location, status)
    fails_with("invalid_url", "http://shop.example/")
    assert len(shop.requests) == 1


@pytest.mark.parametrize("status", REDIRECT_STATUSES)
def test_protocol_relative_redirect_to_loopback_is_blocked(shop, status):
    shop.routes["/"] = lambda h: h.redirect("//127.0.0.1/admin", status)
    fails_with("blocked_address", "http://shop.example/")


# --- schemes and ports -------------------------------------------------------------


@pytest.mark.parametrize("status", REDIRECT_STATUSES)
@pytest.mark.parametrize(
    "location",
    [
        "file:///etc/passwd",
        "file://localhost/etc/passwd",
        "gopher://127.0.0.1:6379/_INFO",
        "ftp://shop.example/",
        "dict://127.0.0.1:11211/stats",
        "ldap://127.0.0.1/",
        "data:text/html,<title>x</title>",
        "javascript:alert(1)",
        "jar:http://shop.example/a.jar!/",
    ],
)
def test_redirect_to_other_scheme_is_refused(shop, network, status, location):
    shop.routes["/"] = lambda h: h.redirect(location, status)
    fails_with("invalid_url", "http://shop.example/")
    assert network.attempts == [(SHOP_ADDRESS, 80)]


@pytest.mark.parametrize(
    "url",
    [
        "http://shop.example:8080/",
        "http://shop.example:6379/",
        "https://shop.example:8443/",
        "http://shop.example:22/",
        f"http://{SHOP_ADDRESS}:8080/",
    ],
)
def test_non_default_port_on_public_host_is_blocked(network, dns, url):
    """The shop's address on any other port is routed to the canary: it must not be hit."""
    dns.records["shop.example"] = [SHOP_ADDRESS]
    network.route(SHOP_ADDRESS, int(url.rsplit(":", 1)[1].strip("/")), network.canary)
    fails_with("blocked_address", url)
    assert network.attempts == []


@pytest.mark.parametrize("status", REDIRECT_STATUSES)
def test_redirect_to_non_default_port_is_blocked(shop, network, status):
    network.route(SHOP_ADDRESS, 6379, network.canary)
    shop.routes["/"] = lambda h: h.redirect("http://shop.example:6379/", status)
    fails_with("blocked_address", "http://shop.example/")


def test_default_ports_written_out_are_fine(shop, network):
    network.route(SHOP_ADDRESS, 443, shop)
    shop.routes["/"] = lambda h: h.reply(200, PAGE)
    assert fetch_page("http://shop.example:80/", PUBLIC).status == 200
    assert fetch_page("http://shop.example:443/", PUBLIC).status == 200


# --- the address rule itself -------------------------------------------------------


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
        ("168.63.129.16", False),
        ("192.88.99.1", False),
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
        ("64:ff9b::5db8:d822", True),
        ("64:ff9b:1::5db8:d822", False),
        ("::7f00:1", False),
        ("2001::1", False),
        ("2001:db8::1", False),
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


@pytest.mark.parametrize(
    "url",
    [
        "http://exa mple.com/",
        "http:///path",
        "ftp://example.com/",
        "javascript:alert(1)",
        "http://exämple.com/",
        "http://example.com:99999/",
        "http://example.com:0/",
        "//example.com/",
        "example.com",
        "",
        "http://" + "a" * 2050 + ".com/",
    ],
)
def test_malformed_urls_are_invalid(url, network):
    fails_with("invalid_url", url)
    assert network.attempts == []


def test_allowlisted_name_connects_to_the_address_resolved_once(server, dns):
    """An allowlisted name reaches the address resolved once; Host stays the name."""
    dns.records["shop.test"] = ["127.0.0.1"]
    server.routes["/"] = lambda h: h.reply(200, PAGE)
    page = fetch_page(f"http://shop.test:{server.port}/", FetchPolicy(allow=("shop.test",)))
    assert page.status == 200
    assert dns.calls == ["shop.test"]
    assert server.requests[0][1]["Host"] == f"shop.test:{server.port}"
