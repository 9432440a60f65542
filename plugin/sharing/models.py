"""Sharers, cards (a product shared by a sharer, with a note) and clicks."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from plugin.extensions import db
from plugin.models import UTCDateTime, created_at


class Sharer(db.Model):
    """Someone who shares cards and earns commission; known by a bearer token."""

    __tablename__ = "sharers"

    id: Mapped[int] = mapped_column(primary_key=True)
    handle: Mapped[str] = mapped_column(String(32), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # For login links, and to recognise a sharer buying through their own card.
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    # Card fingerprints the sharer has paid with: buying with one of these through
    # their own card is a self-referral, whatever e-mail address is given.
    payment_fingerprints: Mapped[list | None] = mapped_column(JSON)
    # The sharer's Stripe connected account, where payouts are transferred.
    stripe_account_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    # A login link issued before this moment no longer works (links are one-time).
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = created_at()


class Card(db.Model):
    """One product shared by one sharer, reachable at ``/c/<code>``."""

    __tablename__ = "cards"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product_snapshots.id"), index=True)
    sharer_id: Mapped[int] = mapped_column(ForeignKey("sharers.id"), index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    # The card this one reshares, if any (commission may be split along the chain).
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("cards.id"))
    created_at: Mapped[datetime] = created_at()

    sharer: Mapped[Sharer] = relationship()


class Click(db.Model):
    """A visit of a card. Crawlers' visits are kept as impressions (``is_bot``)."""

    __tablename__ = "clicks"

    id: Mapped[int] = mapped_column(primary_key=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("cards.id"), index=True)
    source: Mapped[str] = mapped_column(String(16))
    referrer_host: Mapped[str | None] = mapped_column(String(255))
    is_bot: Mapped[bool]
    # False for a repeat visit by the same visitor within the hour: counted once.
    is_unique: Mapped[bool] = mapped_column(default=True, server_default=true())
    device: Mapped[str | None] = mapped_column(String(16))  # mobile, tablet or desktop
    ip_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = created_at()
