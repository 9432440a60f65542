"""The funnel numbers dashboards and the stats API show."""

from plugin.checkout import services as checkout
from plugin.sharing import services as sharing
from plugin.sharing.models import Sharer


def sharer_stats(sharer: Sharer) -> dict:
    """Impressions, clicks, orders, paid sales, revenue and commission per currency."""
    return {
        "handle": sharer.handle,
        **sharing.visit_counts(sharer.id),
        **checkout.sales_summary(sharer.id),
    }
