"""What a blog reader downloads before showing any intent to buy, against the 4 KB budget.

embed.js carries its styles inline, so its gzip size is everything loaded before
intent; checkout.js loads on hover, focus or tap of Buy and is shown for reference.
"""

import gzip
from pathlib import Path

STATIC = Path(__file__).resolve().parents[1] / "static" / "js"
BUDGET = 4096  # bytes, gzip


def gzip_size(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=9))


def main() -> None:
    before = gzip_size(STATIC / "embed.js")
    on_intent = gzip_size(STATIC / "checkout.js")
    print(f"{'file':<14}{'raw':>8}{'gzip':>8}")
    for name in ("embed.js", "checkout.js"):
        path = STATIC / name
        print(f"{name:<14}{path.stat().st_size:>8}{gzip_size(path):>8}")
    print(f"\nbefore intent: {before} B gzip = {before / BUDGET:.2f} of the {BUDGET} B budget")
    print(f"on intent:     {on_intent} B gzip more")


if __name__ == "__main__":
    main()
