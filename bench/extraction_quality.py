"""Extraction quality on real product pages, scored the way the published benchmark scores.

    .venv/bin/python bench/extraction_quality.py [--errors-only] [--no-baseline]

Runs ``plugin.metadata.extract`` on every page of a corpus (gzipped HTML plus a
``ground-truth.json``; by default ``../shared/corpus/pebench-dev`` next to the
repository, or the directory in ``OGSTORE_CORPUS``) and prints precision, recall
and F1 for price, sku and availability, next to a baseline in the same run:
extruct (microdata, Open Graph, JSON-LD) with price-parser, the first Product's
first offer, availability defaulting to InStock.

Scoring, as the corpus README and the benchmark's own evaluation describe it: one
predicted string per page and attribute; ``price`` compared as a Decimal, the
others exactly. No prediction where there is a truth is a false negative; a
prediction in the truth set a true positive; any other prediction a false positive
(and a false negative too where a truth exists).

``OGSTORE_CORPUS`` may name a corpus root (``pebench-dev`` is read from it) or a
dataset directory holding ``ground-truth.json`` and ``html/`` (or the pages next
to it), so another set of pages is scored with the same command.
"""

import argparse
import gzip
import json
import os
import sys
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from plugin.metadata import MetadataError, extract  # noqa: E402

ATTRIBUTES = ("price", "sku", "availability")
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"
DATASET = "pebench-dev"

# schema.org availability → the benchmark's two values. What a buyer can order now or
# have reserved (pre-order, back order, made to order) is "InStock"; what cannot be
# ordered at all is "OutOfStock".
IN_STOCK = frozenset(
    {
        "InStock",
        "LimitedAvailability",
        "OnlineOnly",
        "InStoreOnly",
        "PreOrder",
        "PreSale",
        "BackOrder",
        "MadeToOrder",
    }
)
OUT_OF_STOCK = frozenset({"OutOfStock", "SoldOut", "Discontinued", "Reserved"})


@dataclass
class Page:
    id: str
    url: str
    html: bytes
    truth: dict


def dataset_dir() -> Path:
    configured = os.environ.get("OGSTORE_CORPUS")
    root = Path(configured).expanduser() if configured else DEFAULT_CORPUS
    return root if (root / "ground-truth.json").exists() else root / DATASET


def load_pages(directory: Path) -> list[Page]:
    truth = json.loads((directory / "ground-truth.json").read_text(encoding="utf-8"))
    html_dir = directory / "html" if (directory / "html").is_dir() else directory
    return [
        Page(key, value.get("url", ""), gzip.decompress(path.read_bytes()), value)
        for key, value in sorted(truth.items())
        if (path := html_dir / f"{key}.html.gz").exists()
    ]


# --- predictors: page -> {attribute: string or None} ---------------------------------


def benchmark_availability(availability: str | None) -> str:
    """The benchmark's two values. A product page that states no stock at all is taken
    as buyable, the convention the benchmark's baseline follows too."""
    return "OutOfStock" if availability in OUT_OF_STOCK else "InStock"


def ours(page: Page) -> dict[str, str | None]:
    try:
        product = extract(page.html, page.url)
    except MetadataError:
        return dict.fromkeys(ATTRIBUTES)
    return {
        "price": str(product.price) if product.price is not None else None,
        "sku": product.sku,
        "availability": benchmark_availability(product.availability),
    }


def baseline(page: Page) -> dict[str, str | None]:
    """extruct + price-parser as the benchmark's authors ran it (their own baseline)."""
    import extruct
    from price_parser import Price

    html = page.html.decode("utf-8", "replace")
    try:
        data = extruct.extract(
            html, uniform=True, syntaxes=["microdata", "opengraph", "json-ld"], errors="ignore"
        )
    except Exception:
        data = {}

    def parse_price(amount: object, currency: object) -> str | None:
        if isinstance(amount, int | float | Decimal):
            amount = str(amount)
        if not isinstance(amount, str) or not amount:
            return None
        hint = currency if isinstance(currency, str) else None
        parsed = Price.fromstring(amount, currency_hint=hint)
        return str(parsed.amount_float) if parsed.amount is not None else None

    def stock(value: object) -> str | None:
        value = value.lower() if isinstance(value, str) else ""
        if value.endswith(("instock", "in_stock", "limitedavailability", "presale", "preorder")):
            return "InStock"
        if value.endswith(("outofstock", "out_of_stock", "sold_out", "soldout", "discontinued")):
            return "OutOfStock"
        if value in ("in stock",):
            return "InStock"
        if value in ("out of stock",):
            return "OutOfStock"
        return None

    item: dict[str, str | None] = {}

    def update(found: dict) -> None:
        item.update({key: str(value) for key, value in found.items() if value not in (None, "")})

    og = {key.lower(): value for key, value in ((data.get("opengraph") or [{}])[0]).items()}
    update(
        {
            "price": parse_price(
                og.get("og:price:amount") or og.get("product:price:amount"),
                og.get("og:price:currency") or og.get("product:price:currency"),
            ),
            "availability": stock(og.get("og:availability") or og.get("product:availability")),
            "sku": og.get("og:sku") or og.get("product:sku"),
        }
    )
    for syntax in ("json-ld", "microdata"):
        products = [
            node
            for node in data.get(syntax) or []
            if isinstance(node, dict) and "Product" in str(node.get("@type", ""))
        ]
        if not products:
            continue
        product = {key.lower(): value for key, value in products[0].items()}
        offers = product.get("offers") or []
        offers = [offers] if isinstance(offers, dict) else offers
        offer = offers[0] if offers and isinstance(offers[0], dict) else {}
        sku = product.get("sku") or product.get("productid")
        update(
            {
                "price": parse_price(
                    offer.get("price") or offer.get("highPrice") or offer.get("lowPrice"),
                    offer.get("priceCurrency"),
                ),
                "availability": stock(offer.get("availability")),
                "sku": sku if isinstance(sku, str | int) else None,
            }
        )
    item.setdefault("availability", "InStock")
    return {attribute: item.get(attribute) for attribute in ATTRIBUTES}


# --- scoring --------------------------------------------------------------------------


def as_decimal(value: str | None) -> Decimal | str | None:
    if value is None:
        return None
    try:
        return Decimal(value)
    except InvalidOperation:
        return value


def score(truth: list[str], predicted: str | None, attribute: str) -> tuple[int, int, int]:
    """(tp, fp, fn) for one page and attribute."""
    if attribute == "price":
        expected = {as_decimal(value) for value in truth}
        guess = as_decimal(predicted)
    else:
        expected, guess = set(truth), predicted
    if guess is None:
        return 0, 0, int(bool(expected))
    if guess in expected:
        return 1, 0, 0
    return 0, 1, int(bool(expected))


def metrics(counts: list[tuple[int, int, int]]) -> tuple[float, float, float]:
    """Precision, recall, F1 as the benchmark computes them."""
    tp, fp, fn = (sum(column) for column in zip(*counts, strict=True)) if counts else (0, 0, 0)
    if fp == fn == 0:
        return 1.0, 1.0, 1.0
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def run(pages: list[Page], predictor) -> tuple[dict, list[tuple[str, str, Page, list, object]]]:
    counts: dict[str, list] = {attribute: [] for attribute in ATTRIBUTES}
    errors = []
    for page in pages:
        predicted = predictor(page)
        for attribute in ATTRIBUTES:
            truth = page.truth.get(attribute) or []
            result = score(truth, predicted[attribute], attribute)
            counts[attribute].append(result)
            if result[1] or result[2]:
                errors.append((attribute, page, truth, predicted[attribute]))
    return {attribute: metrics(counts[attribute]) for attribute in ATTRIBUTES}, errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-baseline", action="store_true", help="score ogstore only")
    args = parser.parse_args()
    directory = dataset_dir()
    pages = load_pages(directory)
    if not pages:
        print(f"no pages found in {directory}", file=sys.stderr)
        return 1
    print(f"{len(pages)} pages from {directory}\n")
    systems = [("ogstore", ours)] + ([] if args.no_baseline else [("extruct baseline", baseline)])
    results = {name: run(pages, predictor) for name, predictor in systems}
    support = {a: sum(bool(page.truth.get(a)) for page in pages) for a in ATTRIBUTES}

    print(f"{'attribute':<13} {'system':<17} {'F1':>6} {'precision':>10} {'recall':>7} support")
    for attribute in ATTRIBUTES:
        for name, _ in systems:
            precision, recall, f1 = results[name][0][attribute]
            print(
                f"{attribute:<13} {name:<17} {f1:>6.3f} {precision:>10.3f} {recall:>7.3f} "
                f"{support[attribute]:>7}"
            )

    errors = results["ogstore"][1]
    print(f"\nogstore got {len(errors)} page/attribute pairs wrong:")
    for attribute, page, truth, predicted in sorted(errors, key=lambda e: (e[0], e[1].id)):
        print(f"  {attribute:<12} {page.id[:12]}  predicted {predicted!r:<24} expected {truth!r}")
        print(f"  {'':<12} {page.url}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
