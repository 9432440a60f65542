"""Reading product pages and checking merchants' tags, over HTTP."""

from flask import Blueprint, request

from plugin.catalog import services
from plugin.errors import ApiError
from plugin.web import json_body

bp = Blueprint("catalog", __name__)


def _url_arg() -> str:
    url = request.args.get("url", "").strip()
    if not url:
        raise ApiError("invalid_url", "Give the page's address as ?url=.", 400)
    return url


@bp.get("/api/v1/products")
def product():
    refresh = request.args.get("refresh") == "1"
    return services.read_product(_url_arg(), refresh=refresh).data


@bp.get("/api/v1/validate")
def validate():
    url = _url_arg()
    findings = services.validate_page(url)
    return {
        "url": url,
        "errors": sum(f.level == "error" for f in findings),
        "warnings": sum(f.level == "warning" for f in findings),
        "findings": [f.to_dict() for f in findings],
    }


def _merchant_json(merchant) -> dict:
    return {
        "domain": merchant.domain,
        "verified": merchant.is_verified,
        "verification_meta": services.verification_meta(merchant),
    }


@bp.post("/api/v1/merchants")
def register_merchant():
    """Start selling: the shop gets the tag that proves it owns its domain."""
    merchant = services.merchant_for_url(json_body().get("url"))
    return _merchant_json(merchant), 201


@bp.post("/api/v1/merchants/verify")
def verify_merchant():
    """Read the shop's page (safely) and look for its verification tag."""
    return _merchant_json(services.verify_merchant_at(json_body().get("url")))
