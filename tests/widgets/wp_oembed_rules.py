"""WordPress's treatment of oEmbed HTML from an untrusted provider, mirrored for tests.

Follows ``wp_filter_oembed_result`` (wp-includes/embed.php, WordPress 4.4+): the HTML
goes through ``wp_kses`` with a tiny allowed list, is cut down to an optional
``<blockquote>`` and the first ``<iframe>``, the iframe's ``src`` gets ``#?secret=…``
and both elements a ``data-secret``; the iframe is hidden until the embedded page
posts its height, and gets ``sandbox="allow-scripts" security="restricted"``.
``wp_filter_oembed_iframe_title_attribute`` then adds a ``title`` if there is none.
"""

import html
import re
import secrets
import string
from html.parser import HTMLParser

# wp_filter_oembed_result's $allowed_html.
OEMBED_ALLOWED = {
    "a": {"href"},
    "blockquote": set(),
    "iframe": {
        "src",
        "width",
        "height",
        "frameborder",
        "marginwidth",
        "marginheight",
        "scrolling",
        "title",
    },
}
# wp_allowed_protocols(): what kses keeps in href/src; any other scheme is stripped.
ALLOWED_PROTOCOLS = {
    "http", "https", "ftp", "ftps", "mailto", "news", "irc", "irc6", "ircs", "gopher",
    "nntp", "feed", "telnet", "mms", "rtsp", "sms", "svn", "tel", "fax", "xmpp", "webcal",
    "urn",
}  # fmt: skip
_URI_ATTRIBUTES = {"href", "src"}
_SCHEME = re.compile(r"^\s*([a-zA-Z][a-zA-Z0-9+.-]*)\s*:")


def _bad_protocol(value: str) -> str:
    """wp_kses_bad_protocol: strip schemes that are not allowed (repeatedly)."""
    while True:
        match = _SCHEME.match(value)
        if not match or match.group(1).lower() in ALLOWED_PROTOCOLS:
            return value
        value = value[match.end() :]


class _Kses(HTMLParser):
    def __init__(self, allowed: dict[str, set[str]]) -> None:
        super().__init__(convert_charrefs=True)
        self.allowed = allowed
        self.out: list[str] = []

    def _tag(self, tag: str, attrs, close: bool = False) -> None:
        if tag not in self.allowed:
            return
        kept = []
        for name, value in attrs:
            if name not in self.allowed[tag] or value is None:
                continue
            if name in _URI_ATTRIBUTES:
                value = _bad_protocol(value)
            kept.append(f' {name}="{html.escape(value, quote=True)}"')
        self.out.append(f"<{tag}{''.join(kept)}{' /' if close else ''}>")

    def handle_starttag(self, tag, attrs):
        self._tag(tag, attrs)

    def handle_startendtag(self, tag, attrs):
        self._tag(tag, attrs, close=True)

    def handle_endtag(self, tag):
        if tag in self.allowed:
            self.out.append(f"</{tag}>")

    def handle_data(self, data):
        self.out.append(html.escape(data, quote=False))


def wp_kses(markup: str, allowed: dict[str, set[str]]) -> str:
    """Only ``allowed`` elements and attributes survive; text stays, escaped."""
    parser = _Kses(allowed)
    parser.feed(markup)
    parser.close()
    return "".join(parser.out)


def wp_filter_oembed_result(markup: str, title: str | None = None) -> str | None:
    """What WordPress stores for an untrusted provider's ``html``; None if it refuses it."""
    filtered = wp_kses(markup, OEMBED_ALLOWED)
    content = re.search(r"(<blockquote>.*?</blockquote>)?.*(<iframe.*?></iframe>)", filtered, re.S)
    if not content or not content.group(2):
        return None  # "We require at least the iframe to exist."
    blockquote, iframe = content.group(1) or "", content.group(2)
    result = blockquote + iframe
    src = re.search(r" src=(['\"])(.*?)\1", result)
    if src:
        secret = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(10))
        quote = src.group(1)
        url = f"{src.group(2)}#?secret={secret}"
        result = result.replace(
            src.group(0), f" src={quote}{url}{quote} data-secret={quote}{secret}{quote}"
        )
        result = result.replace("<blockquote", f'<blockquote data-secret="{secret}"')
    allowed = {tag: set(attributes) for tag, attributes in OEMBED_ALLOWED.items()}
    allowed["blockquote"].add("data-secret")
    allowed["iframe"].add("data-secret")
    result = wp_kses(result, allowed)
    if blockquote:  # a blockquote to fall back on: hide the iframe until it reports in
        result = result.replace(
            "<iframe", '<iframe style="position: absolute; visibility: hidden;"'
        )
        result = result.replace("<blockquote", '<blockquote class="wp-embedded-content"')
    result = re.sub(
        "<iframe",
        '<iframe class="wp-embedded-content" sandbox="allow-scripts" security="restricted"',
        result,
        flags=re.I,
    )
    if title and not re.search(r"<iframe[^>]* title=", result):
        result = result.replace("<iframe", f'<iframe title="{html.escape(title)}"', 1)
    return result
