"""oEmbed consumers from PyPI discover and render a card from its page alone.

pyembed (auto-discovery only: its default discoverer also downloads oembed.com's
provider list, which a test must not need) in JSON and XML, and pyoembed's
auto-discovery provider. Both speak plain HTTP to the live server. SQLite only.
"""

import pytest
from bs4 import BeautifulSoup
from pyembed.core import PyEmbed, consumer
from pyembed.core.discovery import AutoDiscoverer
from pyoembed import oEmbed
from wp_oembed_rules import wp_filter_oembed_result

# pyembed reads oEmbed XML with BeautifulSoup's HTML parser, which warns about it.
pytestmark = pytest.mark.filterwarnings("ignore::bs4.XMLParsedAsHTMLWarning")


@pytest.fixture
def database_url(sqlite_url):
    return sqlite_url


def test_pyembed_discovers_and_renders_a_card(demo):
    card_url = demo["base_url"] + "/c/trail-lena"
    html = PyEmbed(discoverer=AutoDiscoverer()).embed(card_url, max_width=400, max_height=300)
    soup = BeautifulSoup(html, "html.parser")
    assert soup.blockquote.a["href"] == card_url
    assert soup.iframe["src"] == card_url + "/embed"
    assert int(soup.iframe["width"]) <= 400 and int(soup.iframe["height"]) <= 300
    assert wp_filter_oembed_result(html) is not None

    xml_urls = list(AutoDiscoverer().get_oembed_urls(card_url, "xml"))
    assert len(xml_urls) == 1 and "format=xml" in xml_urls[0]
    response = consumer.get_first_oembed_response(xml_urls, max_width=400)
    assert response.type == "rich" and response.html == html
    assert response.title == "Alpine Trail Runner Backpack 18L"
    assert response.author_name == "@lena" and response.width <= 400


def test_pyoembed_discovers_a_card(demo):
    card_url = demo["base_url"] + "/c/field-notebook-3pack-lena"
    data = oEmbed(card_url, maxwidth=320, maxheight=200)
    assert (data["type"], data["version"]) == ("rich", "1.0")
    assert data["width"] <= 320 and data["height"] <= 200
    assert card_url + "/embed" in data["html"]
    assert "thumbnail_url" not in data  # 1200×630 does not fit 320×200


def test_unknown_pages_are_not_embedded(demo):
    from pyembed.core.error import PyEmbedError

    with pytest.raises(PyEmbedError):
        PyEmbed(discoverer=AutoDiscoverer()).embed(demo["base_url"] + "/demo/blog")
