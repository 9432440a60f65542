"""Reading product pages and checking merchants' tags, over HTTP."""

from flask import Blueprint, render_template, request

from plugin.catalog import services
from plugin.errors import ApiError
from plugin.extensions import limiter
from plugin.web import json_body

bp = Blueprint("catalog", __name__, template_folder="templates")


def _url_arg() -> str:
    url = request.args.get("url", "").strip()
    if not url:
        raise ApiError("invalid_url", "Give the page's address as ?url=.", 400)
    return url


@bp.get("/api/v1/products")
@limiter.limit("60 per minute")
def product():
    refresh = request.args.get("refresh") == "1"
    return services.read_product(_url_arg(), refresh=refresh).data


@bp.get("/api/v1/validate")
@limiter.limit("30 per minute")
def validate():
    return services.validation_report(_url_arg())


@bp.get("/validate")
def validate_page():
    """The merchant's tag checker: a URL box, then findings and the tags to paste."""
    url = request.args.get("url", "").strip()
    report, error = None, None
    if url:
        try:
            report = services.validation_report(url)
        except ApiError as failure:
            error = failure.message
    return render_template("catalog/validate.html", url=url, report=report, error=error)


@bp.post("/api/v1/merchants")
@limiter.limit("20 per hour")
def register_merchant():
    """Start selling: a claim (keep it secret) and the tag that proves the domain."""
    merchant = services.merchant_for_url(json_body().get("url"))
    claim = services.new_claim()
    return {
        "domain": merchant.domain,
        "verified": merchant.is_verified,
        "claim": claim,
        "verification_meta": services.verification_meta(claim),
    }, 201


@bp.post("/api/v1/merchants/verify")
@limiter.limit("20 per hour")
def verify_merchant():
    """Read the shop's page (safely), find the claim's tag, and hand out the API key."""
    body = json_body()
    merchant, api_key = services.verify_merchant_at(body.get("url"), body.get("claim"))
    return {"domain": merchant.domain, "verified": True, "api_key": api_key}


def _merchant():
    return services.merchant_for_key(request.headers.get("Authorization"))


@bp.get("/api/v1/merchants/me")
def my_merchant():
    return _settings_json(_merchant())


@bp.patch("/api/v1/merchants/me")
def update_my_merchant():
    """Attribution (last or first click, window), refund window, reshare share, checkout style."""
    merchant = _merchant()
    services.update_settings(merchant, json_body())
    return _settings_json(merchant)


def _settings_json(merchant) -> dict:
    return {
        "domain": merchant.domain,
        "verified": merchant.is_verified,
        "commission": services.commission_rules(merchant),
        "refund_window_days": merchant.refund_window_days,
        "attribution": merchant.attribution,
        "attribution_window_days": merchant.attribution_window_days,
        "reshare_share_bps": merchant.reshare_share_bps,
        "embedded_checkout": merchant.embedded_checkout,
    }


@bp.put("/api/v1/merchants/me/commission")
def set_commission():
    """The rule: ``{"bps"}`` or ``{"flat", "currency"}``; per product with ``product_url``."""
    return services.set_commission_rule(_merchant(), json_body())


@bp.delete("/api/v1/merchants/me/commission")
def remove_product_commission():
    """``?product_url=``: that product follows the default rule again."""
    return services.remove_commission_override(_merchant(), request.args.get("product_url"))
