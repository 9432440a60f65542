"""QR codes for showing a card face to face (segno, error level M or better, quiet zone)."""

import io

import segno

QUIET_ZONE = 4  # modules of white around the code, as ISO/IEC 18004 asks


def qr_symbol(url: str) -> segno.QRCode:
    """The QR symbol for ``url``: level M at least (raised when it costs no size)."""
    return segno.make(url, error="m", boost_error=True, micro=False)


def qr_code(url: str, kind: str) -> bytes:
    """``url`` as a QR code in ``kind`` ("svg" or "png"), dark on white, with its quiet zone."""
    out = io.BytesIO()
    qr_symbol(url).save(
        out,
        kind=kind,
        scale=8 if kind == "png" else 4,
        border=QUIET_ZONE,
        dark="#111111",
        light="#ffffff",
    )
    return out.getvalue()
