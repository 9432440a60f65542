"""oEmbed 1.0 ``rich`` payloads for cards (https://oembed.com), as JSON or XML."""

import re
from xml.etree import ElementTree

from widgets.og_image import OG_HEIGHT, OG_WIDTH
from widgets.snippets import iframe_html
from widgets.view import CardView

DEFAULT_WIDTH, DEFAULT_HEIGHT = 480, 240
FORMATS = ("json", "xml")
# Characters XML 1.0 cannot carry at all, even escaped: dropped from every value.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _fit(requested: int | None, default: int) -> int:
    """The default size, or less when the consumer asks for less (never more than asked)."""
    return default if requested is None else min(default, requested)


def oembed_payload(
    card: CardView,
    *,
    provider_url: str,
    author_url: str,
    maxwidth: int | None = None,
    maxheight: int | None = None,
) -> dict:
    """The response fields; ``width``/``height`` never exceed ``maxwidth``/``maxheight``.

    The thumbnail (the 1200×630 share image) is given only when it fits the maxima,
    and then with all three thumbnail fields, as the spec asks.
    """
    width = _fit(maxwidth, DEFAULT_WIDTH)
    height = _fit(maxheight, DEFAULT_HEIGHT)
    payload = {
        "type": "rich",
        "version": "1.0",
        "title": card.title,
        "author_name": f"@{card.handle}",
        "author_url": author_url,
        "provider_name": "ogstore",
        "provider_url": provider_url,
        "cache_age": 3600,
        "html": iframe_html(card, width, height),
        "width": width,
        "height": height,
    }
    if (maxwidth is None or maxwidth >= OG_WIDTH) and (maxheight is None or maxheight >= OG_HEIGHT):
        payload |= {
            "thumbnail_url": card.og_image_url,
            "thumbnail_width": OG_WIDTH,
            "thumbnail_height": OG_HEIGHT,
        }
    return payload


def oembed_xml(payload: dict) -> bytes:
    """The payload as the spec's XML: ``<oembed>`` with one escaped element per field."""
    root = ElementTree.Element("oembed")
    for name, value in payload.items():
        ElementTree.SubElement(root, name).text = _NOT_XML.sub("", str(value))
    body = ElementTree.tostring(root, encoding="unicode", short_empty_elements=False)
    return ('<?xml version="1.0" encoding="utf-8" standalone="yes"?>\n' + body).encode()
