"""Sharers' numbers: the stats API and the dashboard page."""

from flask import Blueprint, request

from plugin.dashboards import services
from plugin.sharing import services as sharing

bp = Blueprint("dashboards", __name__)


@bp.get("/api/v1/sharers/me/stats")
def my_stats():
    return services.sharer_stats(sharing.sharer_for_token(request.headers.get("Authorization")))
