"""The card's share image: 1200×630, the size every feed crops least.

Text is drawn as pixels with Inter (SIL Open Font License, ``widgets/fonts/``), so
nothing a product page says can be markup here. The product photo arrives as bytes
(the caller fetched it through the safe fetcher) and is opened defensively: only
common raster formats, a pixel budget checked before decoding, and any failure
means an image without the photo, never an error.
"""

import hashlib
import io
import json
import warnings
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, ImageOps

from widgets.tags import AVAILABILITY_WORDS
from widgets.view import CardView, plain_text

OG_WIDTH, OG_HEIGHT = 1200, 630
MAX_BYTES = 300_000
# A product photo larger than this many pixels is not decoded (decompression bombs).
MAX_PHOTO_PIXELS = 24_000_000
PHOTO_FORMATS = ("PNG", "JPEG", "WEBP", "GIF")
# Bump when the layout changes, so every card gets a new image URL.
LAYOUT_VERSION = "3"

FONTS = Path(__file__).parent / "fonts"
_INK, _MUTED, _PAPER, _ACCENT = "#14213d", "#5c677d", "#fbf8f3", "#c2410c"
_IN_STOCK, _OUT = "#1b7f3b", "#b42318"
_UNAVAILABLE = frozenset({"OutOfStock", "SoldOut", "Discontinued"})

_MARGIN = 72
_PHOTO_BOX = (648, 48, 1152, 582)  # left, top, right, bottom: 504×534
_TEXT_RIGHT = _PHOTO_BOX[0] - 48


@cache
def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    name = "Inter-Bold.otf" if bold else "Inter-Regular.otf"
    return ImageFont.truetype(str(FONTS / name), size)


def image_facts(card: CardView) -> dict:
    """Everything the image shows: its hash is the image's version (and URL)."""
    product = card.product
    return {
        "layout": LAYOUT_VERSION,
        "title": card.title,
        "price": product.get("price"),
        "currency": product.get("currency"),
        "list_price": card.list_price_display,
        "availability": card.availability,
        "domain": card.merchant_domain,
        "handle": card.handle,
        "photo": card.image,
    }


def image_version(card: CardView) -> str:
    """A short hash of what the image shows: a new price gives a new URL."""
    facts = json.dumps(image_facts(card), sort_keys=True, ensure_ascii=True)
    return hashlib.sha256(facts.encode()).hexdigest()[:16]


def open_photo(data: bytes | None) -> Image.Image | None:
    """The product photo as RGBA, or None for anything that is not a sane raster image."""
    if not data:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            photo = Image.open(io.BytesIO(data), formats=PHOTO_FORMATS)
            width, height = photo.size
            if width < 1 or height < 1 or width * height > MAX_PHOTO_PIXELS:
                return None
            photo.draft("RGB", (_PHOTO_BOX[2] - _PHOTO_BOX[0], _PHOTO_BOX[3] - _PHOTO_BOX[1]))
            photo = ImageOps.exif_transpose(photo)
            return photo.convert("RGBA")
    except Exception:  # noqa: BLE001 - any broken, hostile or exotic file: no photo
        return None


def _fit(photo: Image.Image, box: tuple[int, int]) -> Image.Image:
    """``photo`` scaled to fit inside ``box`` whole (never cropped, never enlarged 2×+)."""
    scale = min(box[0] / photo.width, box[1] / photo.height, 2.0)
    size = (max(1, round(photo.width * scale)), max(1, round(photo.height * scale)))
    return photo.resize(size, Image.Resampling.LANCZOS)


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int, max_lines: int) -> list[str]:
    """``text`` in at most ``max_lines`` lines no wider than ``width``; "…" if cut short."""
    words = text.split()
    lines: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}".strip()
        if font.getlength(candidate) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = word
        while font.getlength(current) > width:  # one word wider than the line: break it
            cut = len(current)
            while cut > 1 and font.getlength(current[:cut]) > width:
                cut -= 1
            lines.append(current[:cut])
            current = current[cut:]
    if current:
        lines.append(current)
    if len(lines) <= max_lines:
        return lines
    kept = lines[:max_lines]
    last = kept[-1]
    while last and font.getlength(last + " …") > width:  # drop whole words first
        last = last.rsplit(" ", 1)[0] if " " in last else last[:-1]
    kept[-1] = (last + " …").strip()
    return kept


def _shrink(text: str, font: ImageFont.FreeTypeFont, width: int) -> str:
    """One line no wider than ``width``, cut with "…" when needed."""
    return _wrap(text, font, width, 1)[0] if text else ""


def render_og_image(card: CardView, photo: bytes | None = None) -> bytes:
    """A PNG (under 300 KB) with the photo, name, price, availability, shop and sharer."""
    image = Image.new("RGB", (OG_WIDTH, OG_HEIGHT), _PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 16, OG_HEIGHT), fill=_ACCENT)

    left, top, right, bottom = _PHOTO_BOX
    picture = open_photo(photo)
    if picture is not None:
        draw.rounded_rectangle(_PHOTO_BOX, radius=28, fill="#ffffff")
        fitted = _fit(picture, (right - left - 32, bottom - top - 32))
        x = left + (right - left - fitted.width) // 2
        y = top + (bottom - top - fitted.height) // 2
        image.paste(fitted, (x, y), fitted)
        text_right = _TEXT_RIGHT
    else:
        text_right = OG_WIDTH - _MARGIN

    width = text_right - _MARGIN
    y = 64
    domain = plain_text(card.merchant_domain)
    draw.text((_MARGIN, y), _shrink(domain, _font(30), width), font=_font(30), fill=_MUTED)
    y += 64
    title_font = _font(58, bold=True)
    for line in _wrap(card.title, title_font, width, 2):
        draw.text((_MARGIN, y), line, font=title_font, fill=_INK)
        y += 72
    y += 24
    if card.price_display:
        price_font = _font(76, bold=True)
        price = _shrink(card.price_display, price_font, width)
        draw.text((_MARGIN, y), price, font=price_font, fill=_ACCENT)
        if card.list_price_display:
            after = _MARGIN + draw.textlength(price, font=price_font) + 28
            _draw_struck(draw, card.list_price_display, after, y + 30, text_right)
        y += 100
    words = AVAILABILITY_WORDS.get(card.availability or "")
    if words:
        colour = _OUT if card.availability in _UNAVAILABLE else _IN_STOCK
        draw.ellipse((_MARGIN, y + 12, _MARGIN + 18, y + 30), fill=colour)
        draw.text((_MARGIN + 32, y), words, font=_font(32), fill=colour)
    sharer = _shrink(f"shared by @{plain_text(card.handle)}", _font(34, bold=True), width)
    draw.text((_MARGIN, OG_HEIGHT - 64 - 40), sharer, font=_font(34, bold=True), fill=_INK)
    return _encode(image)


def _draw_struck(draw: ImageDraw.ImageDraw, text: str, x: float, y: int, right: int) -> None:
    """The price before a discount, crossed out, where it fits (left out where it does not)."""
    font = _font(40)
    length = draw.textlength(text, font=font)
    if x + length > right:
        return
    draw.text((x, y), text, font=font, fill=_MUTED)
    middle = y + font.getbbox(text)[3] * 0.6
    draw.line((x, middle, x + length, middle), fill=_MUTED, width=3)


def _encode(image: Image.Image) -> bytes:
    """PNG, quantised to a palette if the full-colour file would be too heavy for feeds."""
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    if out.tell() <= MAX_BYTES:
        return out.getvalue()
    for colours in (256, 128, 64):
        out = io.BytesIO()
        image.quantize(colours, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
            out, format="PNG", optimize=True
        )
        if out.tell() <= MAX_BYTES:
            break
    return out.getvalue()


def render_og_jpeg(card: CardView, photo: bytes | None = None) -> bytes:
    """The same image as a JPEG, for hosts that prefer it."""
    png = Image.open(io.BytesIO(render_og_image(card, photo))).convert("RGB")
    out = io.BytesIO()
    png.save(out, format="JPEG", quality=85, optimize=True, progressive=True)
    return out.getvalue()
