"""The one shape every widget renders from."""

from dataclasses import dataclass


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

    @property
    def title(self) -> str:
        return self.product.get("name") or self.merchant_domain

    @property
    def image(self) -> str | None:
        images = self.product.get("images") or []
        return images[0] if images else None

    @property
    def summary(self) -> str:
        """The sharer's note, else the product's description: what feeds show under the title."""
        return self.note or (self.product.get("description") or "")[:300]
