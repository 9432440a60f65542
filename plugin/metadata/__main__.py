"""``python -m plugin.metadata URL``: fetch a page and print its product as JSON.

``--validate`` prints the merchant tag findings instead; ``--allow`` takes the
same comma-separated list as ``OGSTORE_FETCH_ALLOW`` (default: that variable).
"""

import argparse
import json
import os
import sys

from plugin.metadata import FetchPolicy, MetadataError, fetch_page, fetch_product, validate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m plugin.metadata", description=__doc__)
    parser.add_argument("url")
    parser.add_argument("--validate", action="store_true", help="print tag findings")
    parser.add_argument("--allow", default=os.environ.get("OGSTORE_FETCH_ALLOW", ""))
    args = parser.parse_args(argv)
    policy = FetchPolicy.from_allow_string(args.allow)
    try:
        if args.validate:
            page = fetch_page(args.url, policy)
            result = [finding.to_dict() for finding in validate(page.content, page.url)]
        else:
            result = fetch_product(args.url, policy).to_dict()
    except MetadataError as error:
        print(
            json.dumps({"error": {"code": error.code, "message": error.message}}), file=sys.stderr
        )
        return 1
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
