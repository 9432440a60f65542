"""Real product pages (Zyte's pebench-dev corpus, MIT, see pages/CORPUS-LICENSE)."""

import gzip
import json
from decimal import Decimal
from pathlib import Path

import pytest

from plugin.metadata import extract

PAGES = Path(__file__).parent / "pages"
GROUND_TRUTH = json.loads((PAGES / "ground-truth.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("page_id", sorted(GROUND_TRUTH))
def test_price_sku_availability_match_ground_truth(page_id):
    truth = GROUND_TRUTH[page_id]
    html = gzip.decompress((PAGES / f"{page_id}.html.gz").read_bytes())
    product = extract(html, truth["url"])
    assert product.price in {Decimal(price) for price in truth["price"]}
    assert product.sku in truth["sku"]
    assert product.availability in truth["availability"]
    assert product.offers and product.name
    assert all(image.startswith(("http://", "https://")) for image in product.images)
