"""The card's share image: 1200×630, the size every feed crops least."""

import io
import textwrap

from PIL import Image, ImageDraw, ImageFont

from widgets.view import CardView

OG_WIDTH, OG_HEIGHT = 1200, 630
_INK, _MUTED, _PAPER, _ACCENT = "#14213d", "#5c677d", "#fbf8f3", "#e85d04"


def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.load_default(size=size)


def render_og_image(card: CardView) -> bytes:
    """A PNG with the product's name, price, shop and sharer. Text is drawn, never parsed."""
    image = Image.new("RGB", (OG_WIDTH, OG_HEIGHT), _PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 24, OG_HEIGHT), fill=_ACCENT)
    lines = textwrap.wrap(card.title, width=30, max_lines=2, placeholder=" …")
    y = 90
    for line in lines:
        draw.text((80, y), line, font=_font(64), fill=_INK)
        y += 84
    if card.price_display:
        draw.text((80, y + 30), card.price_display, font=_font(80), fill=_ACCENT)
    draw.text((80, OG_HEIGHT - 150), card.merchant_domain, font=_font(36), fill=_MUTED)
    draw.text((80, OG_HEIGHT - 100), f"shared by @{card.handle}", font=_font(36), fill=_INK)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
