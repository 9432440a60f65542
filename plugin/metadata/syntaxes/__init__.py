"""One reader per metadata syntax, each ``read(page: Page) -> Reading | None``."""
