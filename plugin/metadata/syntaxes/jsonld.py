"""JSON-LD: every ``<script type="application/ld+json">`` block, read leniently.

Each block is parsed on its own, so one broken block does not hide the others.
Blocks that strict JSON refuses are retried after removing what real pages put
in them: HTML comment and CDATA wrappers, JS comments, trailing commas, ``\\'``
escapes, and several documents back to back. Numbers are read as ``Decimal``.
``@id`` references (common in ``@graph``) are replaced by the nodes they name.
"""

import json
import re
from decimal import Decimal

from plugin.metadata.syntaxes import schemaorg
from plugin.metadata.syntaxes.page import Page
from plugin.metadata.syntaxes.reading import Reading

_WRAPPERS = re.compile(r"^\s*(?:<!--|<!\[CDATA\[)|(?:-->|\]\]>)\s*$")
# An unclosed "/*" comments out the rest (trying ``.*?\*/`` from every later "/*" would
# be quadratic).
_NOISE = re.compile(r'"(?:\\.|[^"\\])*"|//[^\n]*|/\*(?:.*?\*/|.*)|,(?=\s*[}\]])', re.DOTALL)
DECODER = json.JSONDecoder(parse_float=Decimal, strict=False)
_MAX_DEPTH = 32


def read(page: Page) -> Reading | None:
    nodes = [
        node
        for script in page.scripts
        if "ld+json" in script.get("type", "").lower()
        for node in parse_block(script.text or "")
    ]
    return schemaorg.read_products(_inline_references(nodes), page.base_url, "json-ld")


def parse_block(text: str) -> list:
    """The JSON values in one script block; an empty list when nothing can be read."""
    try:
        return _documents(text)
    except (ValueError, RecursionError):
        pass
    try:
        return _documents(_NOISE.sub(_keep_strings, _WRAPPERS.sub("", text)))
    except (ValueError, RecursionError):
        return []


def _documents(text: str) -> list:
    """Every JSON document in ``text``, top-level arrays flattened."""
    values, position, text = [], 0, text.strip()
    while position < len(text):
        value, position = DECODER.raw_decode(text, position)
        values.extend(value if isinstance(value, list) else [value])
        while position < len(text) and text[position] in " \t\r\n;,":
            position += 1
    return values


def _keep_strings(match: re.Match) -> str:
    token = match.group()
    return token.replace("\\'", "'") if token.startswith('"') else ""


def _inline_references(nodes: list) -> list:
    """Nodes with each bare ``{"@id": …}`` replaced by the full node of that id."""
    index: dict[str, dict] = {}

    def collect(value: object, depth: int) -> None:
        if depth > _MAX_DEPTH:
            return
        if isinstance(value, dict):
            if isinstance(value.get("@id"), str) and len(value) > 1:
                index.setdefault(value["@id"], value)
            for item in value.values():
                collect(item, depth + 1)
        elif isinstance(value, list):
            for item in value:
                collect(item, depth + 1)

    def inline(value: object, seen: frozenset, depth: int) -> object:
        if depth > _MAX_DEPTH:
            return None
        if isinstance(value, list):
            return [inline(item, seen, depth + 1) for item in value]
        if not isinstance(value, dict):
            return value
        ref = value.get("@id")
        if isinstance(ref, str) and ref in index:
            if ref in seen:
                return value if len(value) == 1 else {"@id": ref}
            value, seen = index[ref], seen | {ref}
        return {key: inline(item, seen, depth + 1) for key, item in value.items()}

    collect(nodes, 0)
    if not index:
        return nodes
    return [inline(node, frozenset(), 0) for node in nodes]
