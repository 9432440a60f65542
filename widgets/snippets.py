"""What a sharer pastes or posts: the embed snippets and the share links for each network."""

from urllib.parse import quote, urlencode

from markupsafe import Markup

from widgets.view import CardView, plain_text

# The iframe's sandbox for hosts that keep it. WordPress replaces it with
# ``sandbox="allow-scripts"``; the embed page then navigates through wp-embed messages.
IFRAME_SANDBOX = "allow-scripts allow-popups allow-popups-to-escape-sandbox " + (
    "allow-top-navigation-by-user-activation"
)


def card_label(card: CardView) -> str:
    """One line naming the card: what a link or a screen reader says."""
    price = f" — {card.price_display}" if card.price_display else ""
    return f"{card.title}{price} · shared by @{card.handle}"


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
    """The oEmbed ``html``: a quoted link, then the embed page in a sandboxed iframe.

    Shaped for WordPress's rules for untrusted providers (``wp_filter_oembed_result``):
    only ``<blockquote>``, ``<a href>`` and one ``<iframe>`` with src, width, height,
    title, frameborder, marginwidth, marginheight and scrolling survive, and the
    blockquote is shown until the embed page reports its height. Anything else here
    (the sandbox, loading) is for hosts that keep the markup as given.
    """
    return str(
        Markup(
            '<blockquote><a href="{url}">{label}</a></blockquote>'
            '<iframe src="{src}" width="{w}" height="{h}" title="{title}" frameborder="0" '
            'marginwidth="0" marginheight="0" scrolling="no" loading="lazy" '
            'sandbox="{sandbox}"></iframe>'
        ).format(
            url=card.share_url,
            label=card_label(card),
            src=card.embed_url,
            w=width,
            h=height,
            title=card_label(card),
            sandbox=IFRAME_SANDBOX,
        )
    )


def plain_iframe_html(card: CardView, width: int, height: int) -> str:
    """Just the iframe, for pages that take HTML but no script (and no oEmbed)."""
    return str(
        Markup(
            '<iframe src="{src}" width="{w}" height="{h}" title="{title}" frameborder="0" '
            'scrolling="no" loading="lazy" sandbox="{sandbox}"></iframe>'
        ).format(
            src=card.embed_url, w=width, h=height, title=card_label(card), sandbox=IFRAME_SANDBOX
        )
    )


def share_text(card: CardView) -> str:
    """The words a share link pre-fills: the sharer's note, else the product's name."""
    return plain_text(card.note) or card.title


def share_links(card: CardView) -> list[tuple[str, str]]:
    """(network, URL) pairs that open each network's composer with the card's link."""
    url, text = card.share_url, share_text(card)
    subject, body = quote(card.title, safe=""), quote(f"{text}\n\n{url}", safe="")
    pin = {"url": url, "description": text}
    if card.og_image_url:
        pin["media"] = card.og_image_url
    return [
        ("X", "https://x.com/intent/tweet?" + urlencode({"text": text, "url": url})),
        ("Facebook", "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url})),
        ("LinkedIn", "https://www.linkedin.com/sharing/share-offsite/?" + urlencode({"url": url})),
        ("Pinterest", "https://www.pinterest.com/pin/create/button/?" + urlencode(pin)),
        ("WhatsApp", "https://wa.me/?" + urlencode({"text": f"{text} {url}"})),
        ("Telegram", "https://t.me/share/url?" + urlencode({"url": url, "text": text})),
        ("E-mail", f"mailto:?subject={subject}&body={body}"),
    ]
