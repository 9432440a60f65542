"""The rules for products and merchants: read a page once, keep a snapshot, price from it.

Every page is read through the one safe fetcher (``plugin.metadata.fetch_page``);
results are cached by the URL asked for, and a snapshot older than
``OGSTORE_PRICE_MAX_AGE`` is read again before anyone pays from it.
"""

import hashlib
import hmac
import logging
import secrets
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlsplit

from bs4 import BeautifulSoup
from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from plugin import metadata, money
from plugin.catalog.models import CommissionRule, Merchant, ProductSnapshot
from plugin.errors import ApiError
from plugin.extensions import cache, db
from plugin.models import utcnow

log = logging.getLogger(__name__)

VERIFICATION_META = "ogstore-site-verification"
UNAVAILABLE = frozenset({"OutOfStock", "SoldOut", "Discontinued"})


def fetch_policy() -> metadata.FetchPolicy:
    """The fetcher's policy from the app's settings, built once per app.

    With a Redis, the per-host limits hold for every app process together.
    """
    policies = current_app.extensions.setdefault("ogstore.fetch_policy", {})
    allow = current_app.config["OGSTORE_FETCH_ALLOW"]
    redis_url = current_app.config["OGSTORE_REDIS_URL"]
    if (allow, redis_url) not in policies:
        policies[allow, redis_url] = metadata.FetchPolicy.from_allow_string(
            allow, limits_redis_url=redis_url
        )
    return policies[allow, redis_url]


def domain_of(url: str) -> str:
    """The merchant key of a page: its host (and port, if any), lower case."""
    return urlsplit(url).netloc.lower()


def merchant_for_domain(domain: str) -> Merchant:
    """The merchant of ``domain``, created unverified on first sight."""
    merchant = db.session.scalar(select(Merchant).filter_by(domain=domain))
    if merchant is None:
        merchant = Merchant(
            domain=domain, commission_bps=current_app.config["OGSTORE_DEFAULT_COMMISSION_BPS"]
        )
        db.session.add(merchant)
        db.session.flush()
    return merchant


def merchant_for_url(url: object) -> Merchant:
    """The merchant for the shop at ``url``, registered on first sight."""
    if not isinstance(url, str) or urlsplit(url.strip()).scheme not in ("http", "https"):
        raise ApiError("invalid_url", "Give the shop's address as `url` (http or https).", 400)
    domain = domain_of(url.strip())
    if not domain:
        raise ApiError("invalid_url", "Give the shop's address as `url` (http or https).", 400)
    merchant = merchant_for_domain(domain)
    db.session.commit()
    return merchant


# Proving a domain, as search consoles do, without trusting whoever asks first:
# a claim is a secret given to whoever starts; the page shows only its hash; the
# API key goes to whoever presents the claim whose hash the page shows.


def new_claim() -> str:
    return "ogc_" + secrets.token_urlsafe(24)


def claim_token(claim: str) -> str:
    """What the page's verification tag must say for ``claim``."""
    return hashlib.sha256(claim.encode()).hexdigest()[:40]


def verification_meta(claim: str) -> str:
    """The tag a shop puts in its pages' <head> to prove it owns its domain."""
    return f'<meta name="{VERIFICATION_META}" content="{claim_token(claim)}">'


def verify_merchant_at(url: object, claim: object) -> tuple[Merchant, str]:
    """Verify the merchant of ``url`` from that page's tag; returns it and a new API key."""
    merchant = merchant_for_url(url)
    if not isinstance(claim, str) or not claim:
        raise ApiError("invalid_claim", "Give the `claim` you received when registering.", 400)
    try:
        page = metadata.fetch_page(url.strip(), fetch_policy())
    except metadata.MetadataError as error:
        raise ApiError.from_metadata(error) from None
    if domain_of(page.url) != merchant.domain or not verify_merchant(merchant, page.content, claim):
        raise ApiError(
            "verification_failed",
            f"The page has no {verification_meta(claim)} tag; add it to <head> and retry.",
            422,
        )
    return merchant, issue_api_key(merchant)


def verify_merchant(merchant: Merchant, html: str | bytes, claim: str) -> bool:
    """Mark ``merchant`` verified if ``html`` (a page of its domain) shows ``claim``'s tag."""
    tag = BeautifulSoup(html, "lxml").find("meta", attrs={"name": VERIFICATION_META})
    content = tag.get("content") if tag is not None else None
    if isinstance(content, str) and hmac.compare_digest(content, claim_token(claim)):
        merchant.verified_at = merchant.verified_at or utcnow()
        db.session.commit()
        return True
    return False


def issue_api_key(merchant: Merchant) -> str:
    """A new API key for ``merchant`` (any earlier one stops working); shown once."""
    key = "ogm_" + secrets.token_urlsafe(32)
    merchant.api_key_hash = hashlib.sha256(key.encode()).hexdigest()
    db.session.commit()
    return key


def merchant_for_key(authorization: str | None) -> Merchant:
    """The verified merchant an ``Authorization: Bearer <API key>`` header names, else 401."""
    scheme, _, key = (authorization or "").partition(" ")
    merchant = None
    if scheme.lower() == "bearer" and key.strip():
        digest = hashlib.sha256(key.strip().encode()).hexdigest()
        merchant = db.session.scalar(select(Merchant).filter_by(api_key_hash=digest))
    if merchant is None or not merchant.is_verified:
        raise ApiError("unauthorized", "A valid merchant API key is required (Bearer).", 401)
    return merchant


def _cache_key(url: str) -> str:
    return "product:" + hashlib.sha256(url.encode()).hexdigest()


def read_product(url: str, *, refresh: bool = False) -> ProductSnapshot:
    """The product on the page at ``url``: cached, revalidated, or fetched and stored.

    A snapshot is fresh for ``CACHE_DEFAULT_TIMEOUT`` seconds. After that it is
    still served, while a background refresh revalidates it with the page's
    ETag / Last-Modified (a 304 costs the shop almost nothing). ``refresh=True``
    revalidates before answering.
    """
    known = _known_snapshot(url)
    if known is None or refresh:
        return _fetch_and_store(url, known)
    if utcnow() - known.fetched_at > timedelta(seconds=current_app.config["CACHE_DEFAULT_TIMEOUT"]):
        _refresh_in_background(url)
    return known


def _known_snapshot(url: str) -> ProductSnapshot | None:
    snapshot_id = cache.get(_cache_key(url))
    if snapshot_id is not None:
        snapshot = db.session.get(ProductSnapshot, snapshot_id)
        if snapshot is not None:
            return snapshot
    return db.session.scalar(select(ProductSnapshot).filter_by(url=url))


def _fetch_and_store(url: str, known: ProductSnapshot | None) -> ProductSnapshot:
    try:
        page = metadata.fetch_page(
            url,
            fetch_policy(),
            etag=known.etag if known else None,
            last_modified=known.last_modified if known else None,
        )
        if page.not_modified and known is not None:
            known.fetched_at = utcnow()
            db.session.commit()
            snapshot = known
        else:
            product = metadata.extract(page.content, page.url, encoding=page.encoding)
            snapshot = store_snapshot(product, page)
    except metadata.MetadataError as error:
        raise ApiError.from_metadata(error) from None
    cache.set(_cache_key(url), snapshot.id, timeout=_CACHE_ENTRY_SECONDS)
    return snapshot


_CACHE_ENTRY_SECONDS = 7 * 24 * 3600  # how long the URL → snapshot mapping is kept
_refreshes = ThreadPoolExecutor(max_workers=2, thread_name_prefix="ogstore-refresh")


def _refresh_in_background(url: str) -> None:
    """Revalidate ``url`` off the request; one refresh per URL at a time, across nodes."""
    lock = "refreshing:" + _cache_key(url)
    if not cache.add(lock, 1, timeout=60):
        return
    app = current_app._get_current_object()

    def refresh() -> None:
        with app.app_context():
            try:
                _fetch_and_store(url, _known_snapshot(url))
            except ApiError as error:
                log.info("background refresh of %s failed: %s", domain_of(url), error.code)
            finally:
                cache.delete(lock)

    _refreshes.submit(refresh)


def store_snapshot(product: metadata.Product, page: metadata.FetchedPage) -> ProductSnapshot:
    """Insert or update the snapshot for ``product.url``; the merchant is the page's host."""
    merchant = merchant_for_domain(domain_of(page.url))
    snapshot = db.session.scalar(select(ProductSnapshot).filter_by(url=product.url))
    if snapshot is None:
        snapshot = ProductSnapshot(url=product.url, merchant_id=merchant.id)
        db.session.add(snapshot)
    data = product.to_dict()
    snapshot.merchant_id = merchant.id
    snapshot.name = product.name
    snapshot.currency = product.currency
    snapshot.price_minor = price_minor(data["price"], product.currency)
    snapshot.availability = product.availability
    snapshot.data = data
    snapshot.etag = page.etag
    snapshot.last_modified = page.last_modified
    snapshot.content_hash = hashlib.sha256(page.content).hexdigest()
    snapshot.fetched_at = utcnow()
    try:
        db.session.commit()
    except IntegrityError:  # the same page stored by a concurrent request
        db.session.rollback()
        return db.session.scalars(select(ProductSnapshot).filter_by(url=product.url)).one()
    return snapshot


def price_minor(price: str | None, currency: str | None) -> int | None:
    """A product JSON price string in minor units, or None when either part is unknown."""
    if price is None or not money.is_currency(currency):
        return None
    return money.to_minor(Decimal(price), currency)


def get_snapshot(snapshot_id: int) -> ProductSnapshot:
    snapshot = db.session.get(ProductSnapshot, snapshot_id)
    if snapshot is None:
        raise ApiError("not_found", "No such product.", 404)
    return snapshot


def fresh_snapshot(snapshot: ProductSnapshot) -> tuple[ProductSnapshot, bool]:
    """``snapshot``, re-read if older than the price age limit; True if its price moved."""
    max_age = timedelta(seconds=current_app.config["OGSTORE_PRICE_MAX_AGE"])
    if utcnow() - snapshot.fetched_at <= max_age:
        return snapshot, False
    before = (snapshot.price_minor, snapshot.currency, snapshot.data.get("offers"))
    fresh = read_product(snapshot.url, refresh=True)
    after = (fresh.price_minor, fresh.currency, fresh.data.get("offers"))
    return fresh, before != after


def find_offer(snapshot: ProductSnapshot, sku: str) -> dict | None:
    """The offer (variant) with ``sku`` in the snapshot, or None."""
    return next((o for o in snapshot.data.get("offers", []) if o.get("sku") == sku), None)


def get_merchant(merchant_id: int) -> Merchant:
    return db.session.get(Merchant, merchant_id)


def is_buyable(snapshot: ProductSnapshot) -> bool:
    """Sold through ogstore: a verified shop, a known price, and not out of stock."""
    return (
        snapshot.merchant.is_verified
        and snapshot.price_minor is not None
        and snapshot.availability not in UNAVAILABLE
    )


def validation_report(url: str) -> dict:
    """What the page at ``url`` lacks for feeds, catalogs and search engines, and the fix.

    The findings name each rule's source (Meta, Pinterest, Google, X);
    ``suggested_tags`` is a block of tags, built from what was found, to paste.
    """
    try:
        page = metadata.fetch_page(url, fetch_policy())
    except metadata.MetadataError as error:
        raise ApiError.from_metadata(error) from None
    findings = metadata.validate(page.content, page.url)
    return {
        "url": page.url,
        "errors": sum(f.level == "error" for f in findings),
        "warnings": sum(f.level == "warning" for f in findings),
        "findings": [f.to_dict() for f in findings],
        "suggested_tags": metadata.suggested_tags(page.content, page.url),
    }


def set_stripe_account(merchant: Merchant, account_id: str) -> None:
    """Remember the merchant's Stripe connected account (checkouts are created on it)."""
    merchant.stripe_account_id = account_id
    db.session.commit()


@dataclass(frozen=True)
class CommissionTerms:
    """How a sale's commission is computed: a rate in basis points, or flat per item."""

    bps: int
    flat_minor: int | None = None


def commission_terms(merchant: Merchant, product_url: str, currency: str) -> CommissionTerms:
    """The merchant's rule for this product (its override if any), for an order in ``currency``."""
    rule = _own_rule(merchant, product_url)
    bps, flat, flat_currency = (
        (rule.bps, rule.flat_minor, rule.currency)
        if rule is not None
        else (merchant.commission_bps, merchant.commission_flat_minor, merchant.commission_currency)
    )
    if flat is not None and flat_currency == currency:
        return CommissionTerms(bps=0, flat_minor=flat)
    return CommissionTerms(bps=merchant.commission_bps if bps is None else bps)


def set_commission_rule(merchant: Merchant, body: dict) -> dict:
    """Set the default rule, or a product's override with ``product_url``.

    ``{"bps": 1200}`` is 12 %; ``{"flat": "5.00", "currency": "EUR"}`` is 5 € per item.
    """
    bps, flat, currency = body.get("bps"), body.get("flat"), body.get("currency")
    flat_minor = None
    if flat is not None:
        amount = money.parse_decimal(flat) if isinstance(flat, str) else None
        if amount is None or amount < 0 or not money.is_currency(currency):
            raise ApiError(
                "invalid_rule", "A flat amount is a decimal string with an ISO currency.", 422
            )
        flat_minor = money.to_minor(amount, currency)
    elif isinstance(bps, bool) or not isinstance(bps, int) or not 0 <= bps <= 10_000:
        raise ApiError("invalid_rule", "Give `bps` (0 to 10000) or `flat` with `currency`.", 422)
    product_url = body.get("product_url")
    if product_url is None:
        if bps is not None:
            merchant.commission_bps = bps
        merchant.commission_flat_minor = flat_minor
        merchant.commission_currency = currency if flat_minor is not None else None
    else:
        if not isinstance(product_url, str) or domain_of(product_url) != merchant.domain:
            raise ApiError("invalid_rule", "`product_url` must be a page of your own shop.", 422)
        rule = _own_rule(merchant, product_url) or CommissionRule(
            merchant_id=merchant.id, product_url=product_url
        )
        rule.bps = bps
        rule.flat_minor = flat_minor
        rule.currency = currency if flat_minor is not None else None
        db.session.add(rule)
    db.session.commit()
    return commission_rules(merchant)


def remove_commission_override(merchant: Merchant, product_url: object) -> dict:
    """Drop a product's own rule: the product follows the default again."""
    rule = _own_rule(merchant, product_url) if isinstance(product_url, str) else None
    if rule is None:
        raise ApiError("rule_not_found", "That product has no rule of its own.", 404)
    db.session.delete(rule)
    db.session.commit()
    return commission_rules(merchant)


def _own_rule(merchant: Merchant, product_url: str) -> CommissionRule | None:
    return db.session.scalar(
        select(CommissionRule).filter_by(merchant_id=merchant.id, product_url=product_url)
    )


def commission_rules(merchant: Merchant) -> dict:
    """The merchant's rule and overrides, as the API shows them."""

    def shown(bps, flat_minor, currency) -> dict:
        if flat_minor is not None:
            return {"flat": money.major_str(flat_minor, currency), "currency": currency}
        return {"bps": bps}

    overrides = db.session.scalars(select(CommissionRule).filter_by(merchant_id=merchant.id))
    return {
        "default": shown(
            merchant.commission_bps, merchant.commission_flat_minor, merchant.commission_currency
        ),
        "products": {
            rule.product_url: shown(rule.bps, rule.flat_minor, rule.currency) for rule in overrides
        },
    }


def _whole(low: int, high: int):
    return lambda v: isinstance(v, int) and not isinstance(v, bool) and low <= v <= high


_SETTINGS = {
    "attribution": lambda v: v in ("last_click", "first_click"),
    "attribution_window_days": _whole(1, 365),
    "refund_window_days": _whole(0, 365),
    "reshare_share_bps": _whole(0, 5000),
    "embedded_checkout": lambda v: isinstance(v, bool),
}


def refused_settings(body: dict) -> list[str]:
    """The names in ``body`` that are no setting, or whose value is out of bounds."""
    return sorted(
        name for name, value in body.items() if name not in _SETTINGS or not _SETTINGS[name](value)
    )


def update_settings(merchant: Merchant, body: dict) -> None:
    """Change the merchant's attribution, refund window, reshare share or checkout style.

    All or nothing: one bad value and none is changed.
    """
    refused = refused_settings(body)
    if refused or not body:
        names = ", ".join(refused) or "none given"
        raise ApiError("invalid_settings", f"Settings not accepted: {names}.", 422)
    for name, value in body.items():
        setattr(merchant, name, value)
    db.session.commit()
