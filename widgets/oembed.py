"""oEmbed 1.0 ``rich`` payloads for cards (https://oembed.com)."""

from widgets.og_image import OG_HEIGHT, OG_WIDTH
from widgets.snippets import iframe_html
from widgets.view import CardView

DEFAULT_WIDTH, DEFAULT_HEIGHT = 480, 240
MIN_WIDTH, MIN_HEIGHT = 200, 120


def _fit(requested: int | None, default: int, minimum: int) -> int:
    return default if requested is None else max(minimum, min(default, requested))


def oembed_payload(
    card: CardView,
    *,
    provider_url: str,
    author_url: str,
    maxwidth: int | None = None,
    maxheight: int | None = None,
) -> dict:
    width = _fit(maxwidth, DEFAULT_WIDTH, MIN_WIDTH)
    height = _fit(maxheight, DEFAULT_HEIGHT, MIN_HEIGHT)
    return {
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
        "thumbnail_url": card.og_image_url,
        "thumbnail_width": OG_WIDTH,
        "thumbnail_height": OG_HEIGHT,
    }
