"""The rules for sharers and cards: tokens, card codes, and which visits are clicks."""

import hashlib
import hmac
import re
import secrets
from datetime import date, timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from plugin import metadata
from plugin.catalog import services as catalog
from plugin.errors import ApiError
from plugin.extensions import db
from plugin.models import utcnow
from plugin.sharing.models import Card, Click, Sharer

HANDLE = re.compile(r"[a-z0-9_]{2,30}")
NOTE_MAX = 500
CODE_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"  # no 0/o, 1/l/i: codes get read aloud
# How a visit reached the card: its link, a QR scan, an embed, a live stream overlay's QR,
# or (``outbound``) the way out to the merchant's page, which is not another click.
CLICK_SOURCES = ("link", "qr", "embed", "overlay", "outbound")
SCAN_SOURCES = ("qr", "overlay")  # the ``src`` a card URL carries in its QR codes
PHOTO_TYPES = ("image/png", "image/jpeg", "image/webp", "image/gif")

# User agents of link unfurlers, crawlers and other robots: impressions, not clicks.
# (facebookexternalhit, Twitterbot, LinkedInBot, Slackbot, Discordbot, WhatsApp,
# TelegramBot, Pinterestbot, Applebot, iMessage's "Facebot Twitterbot", WordPress and
# Ghost reading oEmbed links, Mastodon and Bluesky cards, link-preview libraries.)
_BOT_AGENT = re.compile(
    r"bot|crawl|spider|slurp|preview|facebookexternalhit|facebookcatalog|embedly|"
    r"whatsapp|telegram|skype|vkshare|pinterest|redditbot|applebot|bitlybot|"
    r"wordpress|ghost/|mastodon|pleroma|misskey|bluesky|cardyb|iframely|opengraph|"
    r"metascraper|unfurl|http\.rb|node-fetch|undici|axios|got \(|"
    r"headless|python-requests|python-urllib|curl|wget|go-http-client|okhttp|java/|libwww",
    re.IGNORECASE,
)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(sharer: Sharer) -> str:
    """A new bearer token for ``sharer``, replacing any earlier one; shown once."""
    token = "ogs_" + secrets.token_urlsafe(32)
    sharer.token_hash = hash_token(token)
    return token


def replace_token(sharer: Sharer) -> str:
    """``issue_token``, saved: the earlier token stops working now."""
    token = issue_token(sharer)
    db.session.commit()
    return token


EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}")


def _email(value: object) -> str | None:
    """A contact address, lower case, or None; anything else that is not one is a 422."""
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > 254 or not EMAIL.fullmatch(value.strip()):
        raise ApiError("invalid_email", "That is not an e-mail address.", 422)
    return value.strip().lower()


def create_sharer(handle: object, email: object = None) -> tuple[Sharer, str]:
    """A new sharer and their bearer token; only the token's hash is stored."""
    if not isinstance(handle, str) or not HANDLE.fullmatch(handle.strip().lower()):
        raise ApiError("invalid_handle", "A handle is 2 to 30 letters, digits or underscores.", 422)
    sharer = Sharer(handle=handle.strip().lower(), email=_email(email))
    token = issue_token(sharer)
    db.session.add(sharer)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise ApiError(
            "handle_taken", "That handle or e-mail address is taken; choose another.", 409
        ) from None
    return sharer, token


def sharer_by_email(email: object) -> Sharer | None:
    if not isinstance(email, str):
        return None
    return db.session.scalar(select(Sharer).filter_by(email=email.strip().lower()))


def sharer_for_token(authorization: str | None) -> Sharer:
    """The sharer an ``Authorization: Bearer <token>`` header names, else 401."""
    scheme, _, token = (authorization or "").partition(" ")
    sharer = None
    if scheme.lower() == "bearer" and token.strip():
        sharer = db.session.scalar(select(Sharer).filter_by(token_hash=hash_token(token.strip())))
    if sharer is None:
        raise ApiError("unauthorized", "A valid sharer token is required (Bearer).", 401)
    return sharer


def create_card(
    sharer: Sharer,
    url: object,
    note: object,
    *,
    code: str | None = None,
    reshare: object = None,
) -> Card:
    """A card for the product at ``url`` (read through the catalog), or a reshare of a card.

    A reshare names the card it passes on (``reshare``: its code); it sells the
    same product, and the merchant may share its commission along the chain.
    """
    note = "" if note is None else note
    if not isinstance(note, str) or len(note) > NOTE_MAX:
        raise ApiError("invalid_note", f"A note is text of at most {NOTE_MAX} characters.", 422)
    if reshare is not None:
        parent = get_card(reshare)
        product_id, parent_id = parent.product_id, parent.id
    elif not isinstance(url, str) or not url.strip():
        raise ApiError("invalid_url", "Give the product page's URL as `url`.", 400)
    else:
        product_id, parent_id = catalog.read_product(url.strip()).id, None
    card = Card(
        code=code or "".join(secrets.choice(CODE_ALPHABET) for _ in range(8)),
        product_id=product_id,
        sharer_id=sharer.id,
        note=note.strip(),
        parent_id=parent_id,
    )
    db.session.add(card)
    db.session.commit()
    return card


def sharer_card(sharer: Sharer, code: object) -> Card:
    """``sharer``'s own card ``code``; another sharer's card is as unknown as a missing one."""
    card = get_card(code)
    if card.sharer_id != sharer.id:
        raise ApiError("card_not_found", "No card has that code.", 404)
    return card


def update_note(card: Card, note: object) -> Card:
    """Replace the card's note (the sharer's own words on it)."""
    if not isinstance(note, str) or len(note) > NOTE_MAX:
        raise ApiError("invalid_note", f"A note is text of at most {NOTE_MAX} characters.", 422)
    card.note = note.strip()
    db.session.commit()
    return card


def product_photo(url: str | None) -> bytes | None:
    """The bytes of a product photo, read through the safe fetcher; None if unusable.

    The page said where its photo is, so this is a URL from outside like any other:
    same address checks, size and time bounds. Only raster image types are kept.
    """
    if not url:
        return None
    try:
        page = metadata.fetch_page(url, catalog.fetch_policy(), accept_html_only=False)
    except metadata.MetadataError:
        return None
    if (page.content_type or "").lower() not in PHOTO_TYPES:
        return None
    return page.content or None


def get_card(code: object) -> Card:
    card = db.session.scalar(select(Card).filter_by(code=code)) if isinstance(code, str) else None
    if card is None:
        raise ApiError("card_not_found", "No card has that code.", 404)
    return card


def card_by_id(card_id: int) -> Card:
    return db.session.get(Card, card_id)


def is_bot(user_agent: str | None, method: str) -> bool:
    """Crawlers, unfurlers and HEAD requests make impressions, never clicks."""
    return method == "HEAD" or not user_agent or bool(_BOT_AGENT.search(user_agent))


def _visitor_hash(ip: str | None, user_agent: str | None) -> str | None:
    """Who visited, as a salted hash of IP and browser; the salt changes daily.

    No IP is stored, and yesterday's hashes cannot be linked to today's.
    """
    if not ip:
        return None
    salt = hmac.new(
        current_app.config["SECRET_KEY"].encode(), date.today().isoformat().encode(), "sha256"
    ).digest()
    return hmac.new(salt, f"{ip}\n{user_agent or ''}".encode(), "sha256").hexdigest()


_TABLET = re.compile(r"ipad|tablet|kindle|silk|playbook|android(?!.*mobile)", re.IGNORECASE)
_MOBILE = re.compile(r"mobi|iphone|ipod|android|blackberry|opera mini|iemobile", re.IGNORECASE)


def device_class(user_agent: str | None) -> str:
    """mobile, tablet or desktop, from the user agent (tablets first: they say "Android")."""
    agent = user_agent or ""
    return "tablet" if _TABLET.search(agent) else "mobile" if _MOBILE.search(agent) else "desktop"


REPEAT_WINDOW = timedelta(hours=1)


def _host_of(url: str | None) -> str | None:
    try:
        host = urlsplit(url).hostname if url else None
    except ValueError:
        return None
    return host[:255] if host else None


def record_visit(
    card: Card,
    *,
    user_agent: str | None,
    method: str,
    referrer: str | None,
    ip: str | None,
    source: str = "link",
) -> Click:
    """Store a visit of ``card``; the caller uses ``click.is_bot`` to tell clicks apart.

    A human's repeat visit of the same card within the hour is kept but not unique:
    it counts once.
    """
    visitor = _visitor_hash(ip, user_agent)
    bot = is_bot(user_agent, method)
    repeat = (
        not bot
        and visitor is not None
        and db.session.scalar(
            select(Click.id)
            .where(
                Click.card_id == card.id,
                Click.ip_hash == visitor,
                Click.is_bot.is_(False),
                Click.created_at >= utcnow() - REPEAT_WINDOW,
            )
            .limit(1)
        )
        is not None
    )
    click = Click(
        card_id=card.id,
        source=source if source in CLICK_SOURCES else "link",
        referrer_host=_host_of(referrer),
        is_bot=bot,
        is_unique=not repeat,
        device=None if bot else device_class(user_agent),
        ip_hash=visitor,
    )
    db.session.add(click)
    db.session.commit()
    return click


def click_of_card(card: Card, click_id: object) -> Click | None:
    """The human click ``click_id`` if it belongs to ``card``; anything else is ignored."""
    if not isinstance(click_id, int) or isinstance(click_id, bool):
        return None
    click = db.session.get(Click, click_id)
    return click if click is not None and click.card_id == card.id and not click.is_bot else None


def cards_of(sharer: Sharer) -> list[Card]:
    return list(db.session.scalars(select(Card).filter_by(sharer_id=sharer.id).order_by(Card.id)))


def visit_counts(sharer_id: int) -> dict[str, int]:
    """Unique clicks (humans) and impressions (crawlers) over all of a sharer's cards."""
    rows = db.session.execute(
        select(Click.is_bot, func.count())
        .join(Card, Card.id == Click.card_id)
        .where(Card.sharer_id == sharer_id, Click.source != "outbound", Click.is_unique.is_(True))
        .group_by(Click.is_bot)
    )
    counts = {bool(is_bot): n for is_bot, n in rows}
    return {"clicks": counts.get(False, 0), "impressions": counts.get(True, 0)}


def handles(sharer_ids) -> dict[int, str]:
    """Sharer handles by id, for reports."""
    rows = db.session.execute(select(Sharer.id, Sharer.handle).where(Sharer.id.in_(sharer_ids)))
    return dict(rows.all())


def get_sharer(sharer_id: int) -> Sharer | None:
    return db.session.get(Sharer, sharer_id)


def is_self_referral(sharer_id: int, *, email: object = None, fingerprint: object = None) -> bool:
    """True when the buyer is the sharer: their e-mail address, or a card they paid with.

    A card fingerprint seen with the sharer's own address is remembered, so the
    same card later counts as theirs under any address.
    """
    sharer = db.session.get(Sharer, sharer_id)
    if sharer is None:
        return False
    known = list(sharer.payment_fingerprints or [])
    by_email = bool(
        sharer.email and isinstance(email, str) and email.strip().lower() == sharer.email
    )
    if by_email and isinstance(fingerprint, str) and fingerprint and fingerprint not in known:
        sharer.payment_fingerprints = [*known, fingerprint]
    return by_email or (isinstance(fingerprint, str) and fingerprint in known)


def get_click(click_id: object) -> Click | None:
    """A human click by id (crawler impressions never earn anything)."""
    if isinstance(click_id, bool) or not isinstance(click_id, int):
        return None
    click = db.session.get(Click, click_id)
    return click if click is not None and not click.is_bot else None


def attributed_click(click: Click, product_id: int, rule: str, window_days: int) -> Click:
    """The click a sale goes to when the buyer opened several cards of the same product.

    ``last_click`` (the default) keeps the click the buyer came from; ``first_click``
    goes to the same visitor's earliest click on a card of this product within the
    window. Visitors are known by their daily-salted hash, so without cookies the
    look-back never reaches past the day the salt changed.
    """
    if rule != "first_click" or click.ip_hash is None:
        return click
    earliest = db.session.scalar(
        select(Click)
        .join(Card, Card.id == Click.card_id)
        .where(
            Card.product_id == product_id,
            Click.ip_hash == click.ip_hash,
            Click.is_bot.is_(False),
            Click.created_at >= utcnow() - timedelta(days=window_days),
        )
        .order_by(Click.created_at, Click.id)
        .limit(1)
    )
    return earliest or click


CLICK_PARAMETER = "ogstore_click"


def with_click_id(url: str, click_id: int) -> str:
    """``url`` with the click id a merchant reports its own sales with."""
    parts = urlsplit(url)
    query = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != CLICK_PARAMETER
    ]
    return urlunsplit(parts._replace(query=urlencode([*query, (CLICK_PARAMETER, str(click_id))])))


RESHARE_LEVELS = 2


def reshare_chain(card_id: int) -> list[int]:
    """The sharers up the reshare chain of a card (parent first), at most two levels.

    A sharer never appears twice, and never as their own reseller.
    """
    card = db.session.get(Card, card_id)
    chain: list[int] = []
    seen = {card.sharer_id}
    while card.parent_id is not None and len(chain) < RESHARE_LEVELS:
        card = db.session.get(Card, card.parent_id)
        if card.sharer_id in seen:
            break
        seen.add(card.sharer_id)
        chain.append(card.sharer_id)
    return chain


# Reports for the dashboards (read-only): counted as ``visit_counts`` counts, in SQL.


def utc_day(column):
    """SQL for a timestamp's UTC calendar day as ``YYYY-MM-DD`` text (SQLite or PostgreSQL)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone("UTC", column), "YYYY-MM-DD")
    return func.strftime("%Y-%m-%d", column)  # SQLite keeps UTC timestamps as ISO text


def first_day(days: int):
    """Midnight (UTC) starting the last ``days`` days, today included."""
    midnight = utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight - timedelta(days=days - 1)


def _visits(bot: bool) -> str:
    return "impressions" if bot else "clicks"


def card_visit_counts(sharer_id: int) -> dict[int, dict[str, int]]:
    """Unique clicks and impressions per card of a sharer (counted as ``visit_counts``)."""
    rows = db.session.execute(
        select(Click.card_id, Click.is_bot, func.count())
        .join(Card, Card.id == Click.card_id)
        .where(Card.sharer_id == sharer_id, Click.source != "outbound", Click.is_unique.is_(True))
        .group_by(Click.card_id, Click.is_bot)
    )
    counts: dict[int, dict[str, int]] = {}
    for card_id, bot, n in rows:
        counts.setdefault(card_id, {"clicks": 0, "impressions": 0})[_visits(bool(bot))] = n
    return counts


def daily_visit_counts(sharer_id: int, days: int = 30) -> dict[str, dict[str, int]]:
    """Unique clicks and impressions per UTC day (``YYYY-MM-DD``) over the last ``days``."""
    day = utc_day(Click.created_at).label("day")
    rows = db.session.execute(
        select(day, Click.is_bot, func.count())
        .join(Card, Card.id == Click.card_id)
        .where(
            Card.sharer_id == sharer_id,
            Click.source != "outbound",
            Click.is_unique.is_(True),
            Click.created_at >= first_day(days),
        )
        .group_by(day, Click.is_bot)
    )
    counts: dict[str, dict[str, int]] = {}
    for name, bot, n in rows:
        counts.setdefault(name, {"clicks": 0, "impressions": 0})[_visits(bool(bot))] = n
    return counts


def set_stripe_account(sharer: Sharer, account_id: str) -> None:
    """Remember the sharer's Stripe connected account (payouts are transferred to it)."""
    sharer.stripe_account_id = account_id
    db.session.commit()
