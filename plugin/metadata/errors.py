"""The one exception the metadata package raises, with a stable code for the API."""

CODES = frozenset(
    {
        "invalid_url",
        "blocked_address",
        "too_many_redirects",
        "timeout",
        "too_large",
        "not_html",
        "fetch_failed",
        "no_product",
        "rate_limited",
    }
)


class MetadataError(Exception):
    """A fetch or extraction that failed for a reason a person can act on.

    ``code`` is part of the API contract (one of ``CODES``); ``message`` is a
    sentence meant for the person who submitted the URL.
    """

    def __init__(self, code: str, message: str) -> None:
        if code not in CODES:
            raise ValueError(f"unknown metadata error code {code!r}")
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
