"""One reader per metadata syntax, each ``read(document, base_url) -> Reading | None``."""
