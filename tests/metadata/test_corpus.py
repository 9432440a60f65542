"""Real product pages (Zyte's pebench-dev corpus, MIT, see pages/CORPUS-LICENSE).

Each page is read from its gzipped HTML alone and checked against the annotators'
ground truth the way the benchmark scores it (bench/extraction_quality.py): price as
a Decimal, sku exactly, availability as InStock/OutOfStock. Together they cover each
syntax and rule: JSON-LD, microdata, Open Graph, a page with no tags at all (read
from what it shows), variants listed as separate products, the product code in the
URL, in a label or in an element named for it, and out-of-stock pages.
"""

import gzip
import json
from decimal import Decimal
from pathlib import Path

import pytest

from plugin.metadata import extract

PAGES = Path(__file__).parent / "pages"
GROUND_TRUTH = json.loads((PAGES / "ground-truth.json").read_text(encoding="utf-8"))
OUT_OF_STOCK = {"OutOfStock", "SoldOut", "Discontinued", "Reserved"}


@pytest.mark.parametrize("page_id", sorted(GROUND_TRUTH), ids=lambda page_id: page_id[:12])
def test_price_sku_availability_match_ground_truth(page_id):
    truth = GROUND_TRUTH[page_id]
    html = gzip.decompress((PAGES / f"{page_id}.html.gz").read_bytes())
    product = extract(html, truth["url"])
    if truth.get("price"):
        assert product.price in {Decimal(price) for price in truth["price"]}
    else:
        assert product.price is None
    assert product.sku in truth["sku"]
    stock = "OutOfStock" if product.availability in OUT_OF_STOCK else "InStock"
    assert stock in truth["availability"]
    assert product.name
    assert all(image.startswith(("http://", "https://")) for image in product.images)
    assert product.sources.get("sku") and (product.price is None or product.sources["price"])
    json.dumps(product.to_dict())


def test_the_pages_cover_every_way_of_reading():
    sources = set()
    for page_id, truth in GROUND_TRUTH.items():
        html = gzip.decompress((PAGES / f"{page_id}.html.gz").read_bytes())
        sources |= set(extract(html, truth["url"]).sources.values())
    assert {"json-ld", "microdata", "visible"} <= sources
