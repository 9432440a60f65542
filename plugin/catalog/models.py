"""Merchants and product snapshots (what a merchant's page said, and when)."""

from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from plugin.extensions import db
from plugin.models import UTCDateTime, created_at


class Merchant(db.Model):
    """A shop, known by the host its product pages live on."""

    __tablename__ = "merchants"

    id: Mapped[int] = mapped_column(primary_key=True)
    domain: Mapped[str] = mapped_column(String(255), unique=True)
    name: Mapped[str | None] = mapped_column(String(255))
    # sha256 of the merchant's API key (shown once, when the domain is verified)
    api_key_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    # A login link issued before this moment no longer works (links are one-time).
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The commission rule: a percentage in basis points, or a flat amount per item in
    # one currency (orders in other currencies fall back to the percentage).
    commission_bps: Mapped[int]
    commission_flat_minor: Mapped[int | None] = mapped_column(BigInteger)
    commission_currency: Mapped[str | None] = mapped_column(String(3))
    # Which card gets the sale when a buyer opened several: "last_click" or "first_click".
    attribution: Mapped[str] = mapped_column(
        String(16), default="last_click", server_default="last_click"
    )
    attribution_window_days: Mapped[int] = mapped_column(default=30, server_default="30")
    # Stripe's Embedded Checkout inside the widget (else the hosted page in a new tab).
    embedded_checkout: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The share of a commission that goes to the sharer whose card was reshared (0 = none).
    reshare_share_bps: Mapped[int] = mapped_column(default=0, server_default="0")
    # Commissions wait this long after a sale (the shop's refund window) before approval.
    refund_window_days: Mapped[int] = mapped_column(default=14, server_default="14")
    stripe_account_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    created_at: Mapped[datetime] = created_at()

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None


class CommissionRule(db.Model):
    """A merchant's commission for one product, overriding its default rule."""

    __tablename__ = "commission_rules"
    __table_args__ = (UniqueConstraint("merchant_id", "product_url"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchants.id"), index=True)
    product_url: Mapped[str] = mapped_column(String(2048))
    bps: Mapped[int | None]
    flat_minor: Mapped[int | None] = mapped_column(BigInteger)
    currency: Mapped[str | None] = mapped_column(String(3))


class ProductSnapshot(db.Model):
    """The product as its page last described it; checkout prices come from here.

    ``data`` keeps the full ``Product.to_dict()`` (offers, sources, images); the
    columns beside it are the facts the service queries and prices with.
    """

    __tablename__ = "product_snapshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchants.id"), index=True)
    name: Mapped[str | None] = mapped_column(Text)
    price_minor: Mapped[int | None] = mapped_column(BigInteger)
    currency: Mapped[str | None] = mapped_column(String(3))
    availability: Mapped[str | None] = mapped_column(String(32))
    data: Mapped[dict] = mapped_column(JSON)
    etag: Mapped[str | None] = mapped_column(String(255))
    last_modified: Mapped[str | None] = mapped_column(String(64))
    content_hash: Mapped[str] = mapped_column(String(64))
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = created_at()

    merchant: Mapped[Merchant] = relationship()
