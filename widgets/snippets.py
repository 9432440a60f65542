"""The snippet a blogger pastes: the custom element, its no-script link, the script."""

from markupsafe import Markup, escape

from widgets.view import CardView


def embed_html(card: CardView, script_url: str) -> str:
    """``<ogstore-card>`` with a plain link inside (the fallback without JavaScript)."""
    label = f"{card.title} — shared by @{card.handle}"
    return str(
        Markup(
            '<ogstore-card code="{code}"><a href="{url}">{label}</a></ogstore-card>\n'
            '<script async src="{script}"></script>'
        ).format(code=card.code, url=card.share_url, label=label, script=script_url)
    )


def iframe_html(card: CardView, width: int, height: int) -> str:
    """For hosts that strip scripts: the card's embed page in a sandboxed iframe."""
    return str(
        Markup(
            '<blockquote class="ogstore-embed"><a href="{url}">{label}</a></blockquote>'
            '<iframe src="{src}" width="{w}" height="{h}" title="{label}" frameborder="0" '
            'scrolling="no" loading="lazy" '
            'sandbox="allow-scripts allow-popups allow-top-navigation-by-user-activation"></iframe>'
        ).format(
            url=card.share_url, label=escape(card.title), src=card.embed_url, w=width, h=height
        )
    )
