"""Read product metadata from web pages: fetch safely, read every syntax once, normalise.

No Flask here: the package is a library (``extract``, ``fetch_product``) and a
command line tool (``ogstore extract URL``).
"""

from plugin.metadata.errors import MetadataError
from plugin.metadata.extract import extract
from plugin.metadata.fetch import FetchedPage, FetchPolicy, fetch_page, fetch_product
from plugin.metadata.product import Offer, Product
from plugin.metadata.validate import Finding, suggested_tags, validate

__all__ = [
    "FetchPolicy",
    "FetchedPage",
    "Finding",
    "MetadataError",
    "Offer",
    "Product",
    "extract",
    "fetch_page",
    "fetch_product",
    "suggested_tags",
    "validate",
]
