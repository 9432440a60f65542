"""How a shared product looks: card pages, embeds, OG images, QR codes, oEmbed.

Pure presentation: every function takes a ``CardView`` (plain data the
service layer prepared) and returns markup, bytes or a dict. Nothing here
reads the database or the network.
"""

from widgets.view import CardView

__all__ = ["CardView"]
