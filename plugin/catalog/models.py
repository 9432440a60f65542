"""Merchants and product snapshots (what a merchant's page said, and when)."""

from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from plugin.extensions import db
from plugin.models import UTCDateTime, created_at


class Merchant(db.Model):
    """A shop, known by the host its product pages live on."""

    __tablename__ = "merchants"

    id: Mapped[int] = mapped_column(primary_key=True)
    domain: Mapped[str] = mapped_column(String(255), unique=True)
    name: Mapped[str | None] = mapped_column(String(255))
    verification_token: Mapped[str] = mapped_column(String(64))
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    commission_bps: Mapped[int]
    # Commissions wait this long after a sale (the shop's refund window) before approval.
    refund_window_days: Mapped[int] = mapped_column(default=14, server_default="14")
    stripe_account_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    created_at: Mapped[datetime] = created_at()

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None


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
