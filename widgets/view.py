"""The one shape every widget renders from."""

import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

# Bidirectional overrides/isolates and other invisible format characters: they can
# flip how the text around them reads ("gnp.exe" shown as "exe.png"), so product text
# drawn or shown as a label loses them. Printable text is left alone.
_KEEP_FORMAT = frozenset("\u200d")  # zero-width joiner: emoji sequences need it


def plain_text(text: str | None) -> str:
    """``text`` without control and format characters (RTL overrides, NUL, …), trimmed."""
    if not text:
        return ""
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if category in ("Cc", "Cf", "Cs", "Co", "Cn") and char not in _KEEP_FORMAT:
            kept.append(" " if char in "\t\n\r" else "")
        else:
            kept.append(char)
    return " ".join("".join(kept).split())


def web_url(url: object) -> str | None:
    """``url`` if it is an absolute http(s) URL, else None (no ``javascript:``, ``data:``)."""
    if not isinstance(url, str):
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return url.strip()


@dataclass(frozen=True)
class CardView:
    """A card as the outside world sees it. Product text is untrusted: escape on output."""

    code: str
    share_url: str
    note: str
    handle: str
    product: dict  # Product.to_dict() of the snapshot
    price_display: str | None  # formatted for the visitor's language
    merchant_domain: str
    merchant_verified: bool
    buyable: bool
    og_image_url: str
    qr_url: str
    embed_url: str
    oembed_url: str
    # The price before a discount, formatted like ``price_display``; None without one.
    list_price_display: str | None = None
    oembed_xml_url: str = ""
    sheet_url: str = ""
    overlay_url: str = ""

    @property
    def title(self) -> str:
        return plain_text(self.product.get("name")) or self.merchant_domain

    @property
    def description(self) -> str:
        return plain_text(self.product.get("description"))

    @property
    def images(self) -> list[str]:
        """The product's photos that are plain web URLs (never ``javascript:`` or ``data:``)."""
        return [url for url in map(web_url, self.product.get("images") or []) if url]

    @property
    def image(self) -> str | None:
        images = self.images
        return images[0] if images else None

    @property
    def summary(self) -> str:
        """The sharer's note, else the product's description: what feeds show under the title."""
        return plain_text(self.note) or self.description[:300]

    @property
    def availability(self) -> str | None:
        return self.product.get("availability")
