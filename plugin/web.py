"""Small request/response helpers the blueprints share."""

from babel import Locale, UnknownLocaleError
from flask import Response, request

from plugin.errors import ApiError


def json_body() -> dict:
    """The request's JSON object, or a clear 400."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError("invalid_json", "Send a JSON object with Content-Type application/json.")
    return body


# The endpoints the widget calls from any blog: open to every origin, without cookies.
PUBLIC_ENDPOINTS = frozenset({"sharing.card_json", "checkout.checkout", "checkout.order_status"})


def allow_any_origin(response: Response) -> Response:
    """CORS for the widget's endpoints, on answers and errors alike (after every request)."""
    if request.endpoint not in PUBLIC_ENDPOINTS:
        return response
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Allow-Headers"] = "Content-Type, Idempotency-Key"
    response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
    response.headers["Access-Control-Max-Age"] = "86400"
    return response


def visitor_locale() -> str:
    """The visitor's language for formatting prices (Babel locale id), default English."""
    for language, _quality in request.accept_languages:
        try:
            return str(Locale.parse(language, sep="-"))
        except (ValueError, UnknownLocaleError):
            continue
    return "en"
