"""Login links: signed, expiring after a week, and good for one login only.

A link carries the moment it was issued; logging in records the moment, and any
link issued before the last login no longer works. No table of used tokens.
"""

import hmac
import secrets
import time
from datetime import UTC, datetime

from flask import current_app, session, url_for
from itsdangerous import BadSignature, URLSafeTimedSerializer

from plugin.catalog import services as catalog
from plugin.errors import ApiError
from plugin.extensions import db
from plugin.mail import send_mail
from plugin.models import utcnow
from plugin.sharing import services as sharing

LINK_SECONDS = 7 * 24 * 3600
KINDS = ("sharer", "merchant")


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="login-link")


def _subject(kind: str, subject_id: int):
    return sharing.get_sharer(subject_id) if kind == "sharer" else catalog.get_merchant(subject_id)


def login_token(kind: str, subject_id: int) -> str:
    """A token that logs its holder in once as this sharer or merchant."""
    return _serializer().dumps({"kind": kind, "id": subject_id, "iat": time.time()})


def login_path(kind: str, subject_id: int) -> str:
    """The path of a fresh login link (for printing with a base URL, e.g. by the demo seed)."""
    return "/login/" + login_token(kind, subject_id)


def log_in(token: str) -> tuple[str, int]:
    """(kind, id) for a valid, unused link, and the link is used up; else a 403."""
    try:
        data = _serializer().loads(token, max_age=LINK_SECONDS)
        kind, subject_id = data["kind"], int(data["id"])
        issued = datetime.fromtimestamp(float(data["iat"]), UTC)
    except (BadSignature, KeyError, TypeError, ValueError):
        raise ApiError(
            "invalid_login_link", "This login link is invalid or expired.", 403
        ) from None
    subject = _subject(kind, subject_id) if kind in KINDS else None
    if subject is None or (subject.last_login_at is not None and subject.last_login_at >= issued):
        raise ApiError(
            "invalid_login_link", "This login link was used already; ask for a new one.", 403
        )
    subject.last_login_at = utcnow()
    db.session.commit()
    return kind, subject_id


def mail_sharer_link(email: object) -> None:
    """Mail a login link to the sharer with this address; silent when there is none."""
    sharer = sharing.sharer_by_email(email)
    if sharer is None:
        return  # the answer is the same either way: no way to probe for accounts
    _mail_link(sharer, "Your ogstore login link", "Open this link to see your dashboard")


def sign_up_sharer(handle: object, email: object) -> None:
    """A new sharer, who logs in from the link mailed to them.

    An address that has an account already gets a login link instead, and the page
    answers the same either way, so nobody learns whose address is registered.
    """
    if sharing.sharer_by_email(email) is not None:
        mail_sharer_link(email)
        return
    if not isinstance(email, str) or not email.strip():
        raise ApiError("invalid_email", "Your login link is mailed: an address is needed.", 422)
    sharer, _api_token = sharing.create_sharer(handle, email)
    _mail_link(sharer, "Welcome to ogstore", "Open this link to share your first product")


def _mail_link(sharer, subject: str, invitation: str) -> None:
    link = url_for("accounts.login", token=login_token("sharer", sharer.id), _external=True)
    send_mail(
        sharer.email,
        subject,
        f"Hello @{sharer.handle},\n\n{invitation} (it works once, for a week):\n\n{link}"
        "\n\nIf you did not ask for it, ignore this mail.",
    )


def sign_in(kind: str, subject_id: int) -> None:
    """This browser is now logged in as this sharer or merchant, and nothing else."""
    session.clear()
    session[f"{kind}_id"] = subject_id


def signed_in_sharer():
    """The sharer this browser session logged in as, or None."""
    sharer_id = session.get("sharer_id")
    return sharing.get_sharer(sharer_id) if isinstance(sharer_id, int) else None


def signed_in_merchant():
    """The merchant this browser session logged in as, or None."""
    merchant_id = session.get("merchant_id")
    return catalog.get_merchant(merchant_id) if isinstance(merchant_id, int) else None


def csrf_token() -> str:
    """The session's token for forms that change things (the cookie is SameSite=Lax too)."""
    token = session.get("csrf_token")
    if not isinstance(token, str) or not token:
        token = session["csrf_token"] = secrets.token_urlsafe(32)
    return token


def check_csrf(sent: object) -> None:
    """A 400 unless ``sent`` is this session's form token (see ``csrf_token``)."""
    expected = session.get("csrf_token")
    if not (
        isinstance(expected, str)
        and expected
        and isinstance(sent, str)
        and hmac.compare_digest(sent, expected)
    ):
        raise ApiError("csrf_failed", "The form expired: please send it again.", 400)
