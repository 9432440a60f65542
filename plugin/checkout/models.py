"""Orders, commissions, and the ledger of provider events already processed."""

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from plugin.extensions import db
from plugin.models import UTCDateTime, created_at


class Order(db.Model):
    """A buyer's order, priced by the server from a product snapshot.

    Sales a merchant reports from its own site (``provider`` "merchant") carry the
    merchant's order reference, unique per merchant.
    """

    __tablename__ = "orders"
    __table_args__ = (UniqueConstraint("merchant_id", "external_ref"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("cards.id"), index=True)
    sharer_id: Mapped[int] = mapped_column(ForeignKey("sharers.id"), index=True)
    click_id: Mapped[int | None] = mapped_column(ForeignKey("clicks.id"))
    product_id: Mapped[int] = mapped_column(ForeignKey("product_snapshots.id"))
    merchant_id: Mapped[int] = mapped_column(ForeignKey("merchants.id"), index=True)
    product_name: Mapped[str]
    sku: Mapped[str | None] = mapped_column(String(255))
    quantity: Mapped[int]
    unit_price_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    total_minor: Mapped[int] = mapped_column(BigInteger)
    refunded_minor: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    # pending → paid | failed | expired | amount_mismatch; paid → refunded | disputed
    status: Mapped[str] = mapped_column(String(16), default="pending")
    provider: Mapped[str] = mapped_column(String(16))
    provider_session_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    checkout_url: Mapped[str | None] = mapped_column(String(2048))
    # For an embedded checkout: what the buyer's browser needs to show it (no URL then).
    checkout_client_secret: Mapped[str | None] = mapped_column(String(255))
    # The provider's payment (a Stripe PaymentIntent), for refunds and disputes.
    provider_payment_id: Mapped[str | None] = mapped_column(String(255), index=True)
    dispute_status: Mapped[str | None] = mapped_column(String(16))  # open, won or lost
    external_ref: Mapped[str | None] = mapped_column(String(255))
    # The buyer is the sharer: no commission, and the merchant sees the flag.
    self_referral: Mapped[bool] = mapped_column(default=False, server_default=false())
    idempotency_key: Mapped[str | None] = mapped_column(String(255), unique=True)
    created_at: Mapped[datetime] = created_at()
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Commission(db.Model):
    """What a paid order earns its sharer: one per order, in the order's currency.

    Its amount is the sum of its entries; every change (the sale, a refund, a
    dispute) is a new entry with a reason, never an edit.
    """

    __tablename__ = "commissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id"), unique=True)
    sharer_id: Mapped[int] = mapped_column(ForeignKey("sharers.id"), index=True)
    currency: Mapped[str] = mapped_column(String(3))
    rate_bps: Mapped[int] = mapped_column(default=0, server_default="0")
    flat_minor: Mapped[int | None] = mapped_column(BigInteger)  # for the whole order, if flat
    # The share passed up each level of a reshare chain (the merchant's setting at the sale).
    reshare_bps: Mapped[int] = mapped_column(default=0, server_default="0")
    # pending → approved (after hold_until) ; held while disputed ; reversed by a full
    # refund or a lost dispute
    status: Mapped[str] = mapped_column(String(16), default="pending")
    hold_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = created_at()

    entries: Mapped[list["CommissionEntry"]] = relationship(
        order_by="CommissionEntry.id", back_populates="commission"
    )

    @property
    def amount_minor(self) -> int:
        return sum(entry.amount_minor for entry in self.entries)


class CommissionEntry(db.Model):
    """One change to what a sharer earns (signed, minor units); balances are sums of these."""

    __tablename__ = "commission_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    commission_id: Mapped[int] = mapped_column(ForeignKey("commissions.id"), index=True)
    sharer_id: Mapped[int] = mapped_column(ForeignKey("sharers.id"), index=True)
    currency: Mapped[str] = mapped_column(String(3))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(String(32))
    payout_id: Mapped[int | None] = mapped_column(ForeignKey("payouts.id"), index=True)
    created_at: Mapped[datetime] = created_at()

    commission: Mapped[Commission] = relationship(back_populates="entries")


class Payout(db.Model):
    """Money owed to a sharer in one currency: the approved entries it settles."""

    __tablename__ = "payouts"

    id: Mapped[int] = mapped_column(primary_key=True)
    sharer_id: Mapped[int] = mapped_column(ForeignKey("sharers.id"), index=True)
    currency: Mapped[str] = mapped_column(String(3))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    # The Stripe transfer that sent it, when the sharer has a connected account.
    transfer_id: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = created_at()


class WebhookEvent(db.Model):
    """A provider event already processed: the idempotency ledger."""

    __tablename__ = "webhook_events"
    __table_args__ = (UniqueConstraint("provider", "event_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(16))
    event_id: Mapped[str] = mapped_column(String(255))
    type: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = created_at()
