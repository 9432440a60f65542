"""Reading product pages and checking merchants' tags, over HTTP."""

from flask import Blueprint, request

from plugin.catalog import services
from plugin.errors import ApiError

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
