"""A parsed page as every reader sees it: the tree, its base URL, an index, the markup.

Walking a big tree costs about as much as any reader's own work, so the tags
readers look for are gathered here in two walks, not one walk per reader and
per tag: ``<meta>``/``<link>``/``<title>``/``<base>``/``<script>``/``<h1>``, and the
elements carrying microdata or RDFa attributes.
"""

import functools
import re

from lxml import etree

from plugin.metadata import normalize

_INDEXED_TAGS = ("meta", "link", "title", "base", "script", "h1")
# Attribute nodes, not elements with a predicate: libxml2 walks this faster.
_ANNOTATIONS = etree.XPath("//@itemscope | //@typeof | //@itemprop")
# ``bytes.find`` is slower at this than the regex engine's literal search.
_FIRST_HEADING = re.compile(b"<h1")


class Page:
    """The tree, the URL it was served at, the base URL for its links, and the index."""

    def __init__(self, root: etree._Element, url: str, source: bytes = b"") -> None:
        self.root = root
        self.url = url
        # The page's markup as UTF-8 bytes (empty for other charsets), for the few
        # rules that search the markup directly.
        self.source = source
        tags: dict[str, list[etree._Element]] = {tag: [] for tag in _INDEXED_TAGS}
        for element in root.iter(*_INDEXED_TAGS):
            tags[element.tag].append(element)
        self.metas = tags["meta"]
        self.links = tags["link"]
        self.titles = tags["title"]
        self.scripts = tags["script"]
        # The page's <h1>s, for ``visible`` (which would otherwise walk the tree again).
        self.headings = tags["h1"]
        base_href = next((base.get("href") for base in tags["base"] if base.get("href")), None)
        self.base_url = normalize.absolute_url(base_href, url) or url if base_href else url
        found: dict[str, list[etree._Element]] = {"itemscope": [], "typeof": [], "itemprop": []}
        for attribute in _ANNOTATIONS(root):
            found[attribute.attrname].append(attribute.getparent())
        self.item_scopes = found["itemscope"]
        self.rdfa_scopes = found["typeof"]
        self.item_props = found["itemprop"]

    @functools.cached_property
    def heading_offset(self) -> int:
        """Where the first ``<h1`` starts in ``source`` (0 without one): the rules that
        search the markup look for the product's code and buy button after it."""
        first = _FIRST_HEADING.search(self.source) if self.headings else None
        return first.start() if first else 0
