"""QR codes for showing a card face to face (segno, error level M, quiet zone kept)."""

import io

import segno


def qr_code(url: str, kind: str) -> bytes:
    """``url`` as a QR code in ``kind`` ("svg" or "png")."""
    code = segno.make(url, error="m", boost_error=True)
    out = io.BytesIO()
    code.save(out, kind=kind, scale=8 if kind == "png" else 4, border=4, dark="#111")
    return out.getvalue()
