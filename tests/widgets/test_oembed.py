"""oEmbed 1.0 over HTTP (JSON and XML), and what WordPress keeps of its ``html``.

Runs on SQLite and PostgreSQL.
"""

from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup
from wp_oembed_rules import OEMBED_ALLOWED, wp_filter_oembed_result

CARD_URL = "http://localhost/c/trail-lena"
EMBED_URL = CARD_URL + "/embed"


def oembed(client, **query):
    return client.get("/oembed", query_string={"url": CARD_URL, **query})


def xml_fields(response) -> dict:
    root = ElementTree.fromstring(response.data)
    assert root.tag == "oembed"
    return {child.tag: child.text for child in root}


def test_json_response_follows_the_spec(client, demo):
    response = oembed(client)
    assert response.status_code == 200 and response.mimetype == "application/json"
    body = response.get_json()
    assert (body["type"], body["version"]) == ("rich", "1.0")
    assert body["title"] == "Alpine Trail Runner Backpack 18L"
    assert (body["author_name"], body["author_url"]) == ("@lena", CARD_URL)
    assert (body["provider_name"], body["provider_url"]) == ("ogstore", "http://localhost/")
    assert isinstance(body["width"], int) and isinstance(body["height"], int)
    assert isinstance(body["cache_age"], int)
    assert body["thumbnail_url"].startswith(CARD_URL + "/og.png?v=")
    assert (body["thumbnail_width"], body["thumbnail_height"]) == (1200, 630)
    assert client.get(body["thumbnail_url"].removeprefix("http://localhost")).status_code == 200
    soup = BeautifulSoup(body["html"], "html.parser")
    assert [tag.name for tag in soup.find_all(True)] == ["blockquote", "a", "iframe"]
    assert soup.a["href"] == CARD_URL
    iframe = soup.iframe
    assert iframe["src"] == EMBED_URL
    assert (iframe["width"], iframe["height"]) == (str(body["width"]), str(body["height"]))
    assert "allow-scripts" in iframe["sandbox"] and "allow-same-origin" not in iframe["sandbox"]
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_xml_response_carries_the_same_fields(client, demo):
    as_json = oembed(client).get_json()
    response = oembed(client, format="xml")
    assert response.status_code == 200
    assert response.mimetype == "text/xml" and response.mimetype_params["charset"] == "utf-8"
    assert response.data.startswith(b'<?xml version="1.0" encoding="utf-8"')
    fields = xml_fields(response)
    assert fields == {key: str(value) for key, value in as_json.items()}
    assert "&lt;iframe" in response.get_data(as_text=True)  # the html is escaped text


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_maxwidth_and_maxheight_are_honoured(client, demo, fmt):
    for maxwidth, maxheight in [(300, 100), (1000, 2000), (80, 40)]:
        response = oembed(client, maxwidth=maxwidth, maxheight=maxheight, format=fmt)
        body = response.get_json() if fmt == "json" else xml_fields(response)
        width, height = int(body["width"]), int(body["height"])
        assert 0 < width <= maxwidth and 0 < height <= maxheight
        iframe = BeautifulSoup(body["html"], "html.parser").iframe
        assert (iframe["width"], iframe["height"]) == (str(width), str(height))
        thumbnail = {k for k in body if k.startswith("thumbnail_")}
        assert thumbnail in (set(), {"thumbnail_url", "thumbnail_width", "thumbnail_height"})
        if thumbnail:  # only when 1200×630 fits the maxima
            assert int(body["thumbnail_width"]) <= maxwidth
            assert int(body["thumbnail_height"]) <= maxheight
    only_width = oembed(client, maxwidth=320, format=fmt)
    body = only_width.get_json() if fmt == "json" else xml_fields(only_width)
    assert int(body["width"]) == 320 and "thumbnail_url" not in body


def test_errors_follow_the_spec(client, demo):
    for url in (
        "https://elsewhere.example/c/trail-lena",
        "http://localhost/c/nope",
        "http://localhost/demo/shop/",
        "http://localhost/c/trail-lena/embed",
        "javascript:alert(1)",
        "",
    ):
        response = client.get("/oembed", query_string={"url": url})
        assert response.status_code == 404, url
        assert response.get_json()["error"]["code"] == "card_not_found"
    for fmt in ("yaml", "html", "JSON"):
        response = oembed(client, format=fmt)
        assert response.status_code == 501
        assert response.get_json()["error"]["code"] == "format_not_implemented"
    for size in ("abc", "0", "-5", "1.5", "99999999999"):
        response = oembed(client, maxwidth=size)
        assert response.status_code == 400, size
        assert response.get_json()["error"]["code"] == "invalid_size"
    # A card URL with a query (a scanned QR's link) is still the card.
    with_query = client.get("/oembed", query_string={"url": CARD_URL + "?src=qr"})
    assert with_query.status_code == 200


def test_html_survives_wordpress_rules_for_untrusted_providers(client, demo):
    body = oembed(client, maxwidth=600, maxheight=400).get_json()
    ours = BeautifulSoup(body["html"], "html.parser")
    # Only what WordPress allows, so nothing that matters is stripped.
    for tag in ours.find_all(True):
        assert tag.name in OEMBED_ALLOWED
        dropped = set(tag.attrs) - OEMBED_ALLOWED[tag.name]
        assert dropped <= {"sandbox", "loading"}, (tag.name, dropped)  # for other hosts only

    kept = wp_filter_oembed_result(body["html"], title=body["title"])
    assert kept is not None, "WordPress requires an iframe"
    soup = BeautifulSoup(kept, "html.parser", multi_valued_attributes=None)
    assert [tag.name for tag in soup.find_all(True)] == ["blockquote", "a", "iframe"]
    blockquote, iframe = soup.blockquote, soup.iframe
    secret = iframe["data-secret"]
    assert len(secret) == 10 and secret.isalnum()
    assert blockquote["data-secret"] == secret
    assert blockquote["class"] == "wp-embedded-content"
    assert blockquote.a["href"] == CARD_URL
    assert "Alpine Trail Runner Backpack 18L" in blockquote.a.get_text()
    assert iframe["src"] == f"{EMBED_URL}#?secret={secret}"
    assert iframe["sandbox"] == "allow-scripts" and iframe["security"] == "restricted"
    assert "visibility: hidden" in iframe["style"]  # until the embed posts its height
    assert (iframe["width"], iframe["height"]) == (str(body["width"]), str(body["height"]))
    assert iframe["title"].startswith("Alpine Trail Runner Backpack 18L")
    assert iframe["scrolling"] == "no" and iframe["frameborder"] == "0"


def test_embed_page_speaks_wp_embed_without_cookies_or_storage(client, demo):
    response = client.get("/c/trail-lena/embed")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert "X-Frame-Options" not in response.headers
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors *" in csp and "script-src 'nonce-" in csp
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    (script,) = soup.find_all("script")
    assert script["nonce"] in csp
    code = script.string
    assert "secret=" in code and "location.hash" in code
    assert 'send("height"' in code and 'send("link"' in code and '"ready"' in code
    for forbidden in ("document.cookie", "localStorage", "sessionStorage", "indexedDB"):
        assert forbidden not in code
    link = soup.find("a", attrs={"data-card-link": True})
    assert link["href"] == CARD_URL and link["target"] == "_top"


def test_discovery_links_lead_to_both_formats(client, demo):
    soup = BeautifulSoup(client.get("/c/trail-lena").get_data(as_text=True), "html.parser")
    for kind in ("application/json+oembed", "text/xml+oembed"):
        href = soup.find("link", rel="alternate", type=kind)["href"]
        response = client.get(href.removeprefix("http://localhost"))
        assert response.status_code == 200, kind
