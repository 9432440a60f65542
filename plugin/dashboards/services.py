"""The funnel numbers dashboards and the stats API show."""

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from plugin import money
from plugin.checkout import services as checkout
from plugin.errors import ApiError
from plugin.sharing import services as sharing
from plugin.sharing.models import Sharer

LOGIN_LINK_SECONDS = 7 * 24 * 3600


def sharer_stats(sharer: Sharer) -> dict:
    """The funnel (impressions → clicks → orders → sales) and the money, per currency.

    ``commission`` is what the sales earned net of refunds; ``balances`` splits it
    into pending (in the refund window or disputed), approved (payable) and paid.
    """
    return {
        "handle": sharer.handle,
        **sharing.visit_counts(sharer.id),
        **checkout.sales_summary(sharer.id),
        "balances": {
            currency: {
                bucket: money.major_str(minor, currency) for bucket, minor in amounts.items()
            }
            for currency, amounts in checkout.balances(sharer.id).items()
        },
    }


def login_link_token(kind: str, subject_id: int) -> str:
    """A signed token that logs its holder in as a sharer or merchant (no passwords)."""
    return _serializer().dumps({"kind": kind, "id": subject_id})


def read_login_token(token: str, max_age: int = LOGIN_LINK_SECONDS) -> tuple[str, int]:
    """(kind, id) from a login token; a forged or expired one is a 403."""
    try:
        data = _serializer().loads(token, max_age=max_age)
        return data["kind"], int(data["id"])
    except (BadSignature, KeyError, TypeError, ValueError):
        raise ApiError(
            "invalid_login_link", "This login link is invalid or expired.", 403
        ) from None


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="dashboard-login")


def merchant_report(merchant_id: int) -> dict:
    """A merchant's orders and sales by sharer (the leaderboard)."""
    return checkout.merchant_summary(merchant_id)
