"""Hostile product text is inert everywhere a card is shown.

The merchant page behind the ``hostile`` card (tests/widgets/conftest.py) puts
``"><script>``, ``</title>``, ``</script>``, quotes, ``javascript:`` and ``data:`` URLs
and a right-to-left override into every field. Runs on SQLite and PostgreSQL.
"""

import io
import json
from xml.etree import ElementTree

from bs4 import BeautifulSoup
from hostile_product import HOSTILE_NAME, RLO
from PIL import Image
from wp_oembed_rules import wp_filter_oembed_result

from widgets.view import plain_text

SHOWN_NAME = plain_text(HOSTILE_NAME)  # as shown: the RTL override removed, text intact
OWN_SCRIPT_MARKERS = ("secret=", "window.print", "navigator")  # our own inline scripts


def assert_inert(markup: str) -> BeautifulSoup:
    """No script but ours, no event handler, no script URL, no bidi override."""
    assert RLO not in markup
    soup = BeautifulSoup(markup, "html.parser")
    for script in soup.find_all("script"):
        if script.get("type") == "application/ld+json":
            json.loads(script.string)  # still one valid JSON document
            continue
        assert script.get("src") is None
        assert "alert(" not in (script.string or "")
        assert any(marker in (script.string or "") for marker in OWN_SCRIPT_MARKERS)
    for tag in soup.find_all(True):
        for name, value in tag.attrs.items():
            assert not name.lower().startswith("on"), (tag.name, name)
            if name in ("href", "src", "action", "content", "poster"):
                text = value if isinstance(value, str) else " ".join(value)
                assert not text.strip().lower().startswith(("javascript:", "data:")), tag
    assert not soup.find("img", src="x")
    return soup


def test_card_page(client, hostile):
    response = client.get(f"/c/{hostile}")
    assert response.status_code == 200
    soup = assert_inert(response.get_data(as_text=True))
    assert soup.title.get_text() == f"{SHOWN_NAME} · shared by @eve"
    assert soup.find("h1").get_text() == SHOWN_NAME
    assert soup.find("meta", property="og:title")["content"] == SHOWN_NAME
    (script,) = soup.find_all("script", type="application/ld+json")
    ld = json.loads(script.string)
    assert ld["name"] == SHOWN_NAME and ld["image"] == []
    assert ld["brand"]["name"] == '"}]</script><script>alert(5)</script>'
    assert "</script>" not in script.string and "<" not in script.string  # escaped inside
    assert "alert(3)" in soup.find("blockquote").get_text()  # the note, as text


def test_embed(client, hostile):
    soup = assert_inert(client.get(f"/c/{hostile}/embed").get_data(as_text=True))
    assert soup.find("strong").get_text() == SHOWN_NAME
    assert len(soup.find_all("script")) == 1


def test_sheet_and_overlay(client, hostile):
    for page in ("sheet", "overlay"):
        response = client.get(f"/c/{hostile}/{page}")
        assert response.status_code == 200
        soup = assert_inert(response.get_data(as_text=True))
        assert SHOWN_NAME in soup.get_text(), page
        assert not soup.find("img", class_="photo"), page  # no photo from a script URL


def test_oembed_html_json_and_xml(client, hostile):
    url = f"http://localhost/c/{hostile}"
    body = client.get("/oembed", query_string={"url": url}).get_json()
    assert body["title"] == SHOWN_NAME
    xml = client.get("/oembed", query_string={"url": url, "format": "xml"})
    fields = {child.tag: child.text for child in ElementTree.fromstring(xml.data)}
    assert fields["html"] == body["html"] and fields["title"] == SHOWN_NAME
    for markup in (body["html"], fields["html"], wp_filter_oembed_result(body["html"])):
        soup = assert_inert(markup)
        assert [tag.name for tag in soup.find_all(True)] == ["blockquote", "a", "iframe"]
        assert soup.a["href"] == url and soup.iframe["src"].startswith(url + "/embed")
        assert SHOWN_NAME in soup.a.get_text() and soup.iframe["title"].startswith(SHOWN_NAME)


def test_image_draws_the_text_as_pixels(client, hostile):
    response = client.get(f"/c/{hostile}/og.png")
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert len(response.data) < 300_000
    image = Image.open(io.BytesIO(response.data))
    assert image.format == "PNG" and image.size == (1200, 630)


def test_share_links_carry_the_text_encoded(client, hostile):
    from widgets.snippets import share_links

    with client.application.test_request_context():
        from plugin.sharing import services
        from plugin.sharing.views import card_view

        view = card_view(services.get_card(hostile))
        for network, link in share_links(view):
            assert "<" not in link and '"' not in link and " " not in link, network
            assert link.startswith(("https://", "mailto:")), network
