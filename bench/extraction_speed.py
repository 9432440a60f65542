"""Speed of the whole ``extract()`` against plain extruct on the same real pages.

    .venv/bin/python bench/extraction_speed.py [--rounds N]

Each round times, page by page and alternating which goes first, ogstore's
``extract(html_bytes, url)`` (parse, every reader, normalise, merge) and
``extruct.extract(html, syntaxes=["microdata", "opengraph", "json-ld"])`` on the
same page. It prints the median over rounds of each total, the ratio
ogstore / extruct (which must stay at or below 1.0), and the slowest pages.

extruct is given the decoded text, as callers usually do; ogstore the bytes, as
the fetcher hands them over (it decides the charset itself).
"""

import argparse
import contextlib
import gc
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

import extruct  # noqa: E402
from extraction_quality import dataset_dir, load_pages  # noqa: E402

from plugin.metadata import MetadataError, extract  # noqa: E402

SYNTAXES = ["microdata", "opengraph", "json-ld"]


def run_ours(html: bytes, url: str) -> None:
    with contextlib.suppress(MetadataError):
        extract(html, url)


def run_extruct(text: str, url: str) -> None:
    # extruct raising on a page is its cost too; keep timing.
    with contextlib.suppress(Exception):
        extruct.extract(text, base_url=url, syntaxes=SYNTAXES, errors="ignore")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument(
        "--check", action="store_true", help="exit 1 when ogstore is slower than extruct"
    )
    args = parser.parse_args()
    pages = load_pages(dataset_dir())
    texts = [page.html.decode("utf-8", "replace") for page in pages]
    for page, text in zip(pages, texts, strict=True):  # warm up imports and caches
        run_ours(page.html, page.url)
        run_extruct(text, page.url)

    ours_totals, extruct_totals = [], []
    per_page: dict[str, list[float]] = {page.id: [] for page in pages}
    gc.disable()
    try:
        for round_number in range(args.rounds):
            ours_total = extruct_total = 0.0
            for index, (page, text) in enumerate(zip(pages, texts, strict=True)):
                ours_first = (index + round_number) % 2 == 0
                for which in ("ours", "extruct") if ours_first else ("extruct", "ours"):
                    start = time.perf_counter()
                    if which == "ours":
                        run_ours(page.html, page.url)
                    else:
                        run_extruct(text, page.url)
                    elapsed = time.perf_counter() - start
                    if which == "ours":
                        ours_total += elapsed
                        per_page[page.id].append(elapsed)
                    else:
                        extruct_total += elapsed
                gc.collect()
            ours_totals.append(ours_total)
            extruct_totals.append(extruct_total)
    finally:
        gc.enable()

    ours_median = statistics.median(ours_totals)
    extruct_median = statistics.median(extruct_totals)
    ratio = ours_median / extruct_median
    print(f"{len(pages)} pages, {args.rounds} rounds (alternating order), medians of totals:")
    print(f"  ogstore extract()   {ours_median * 1000:8.1f} ms")
    print(f"  extruct.extract()   {extruct_median * 1000:8.1f} ms")
    print(f"  ratio ogstore/extruct {ratio:.3f}  ({'OK' if ratio <= 1.0 else 'TOO SLOW'}: <= 1.0)")
    slowest = sorted(per_page.items(), key=lambda item: -statistics.median(item[1]))[:5]
    print("slowest pages for ogstore (median ms):")
    for page_id, times in slowest:
        print(f"  {page_id[:12]}  {statistics.median(times) * 1000:7.1f}")
    return 1 if args.check and ratio > 1.0 else 0


if __name__ == "__main__":
    sys.exit(main())
