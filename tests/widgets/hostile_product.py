"""A product page that attacks every field, for the hostile-text tests."""

import json

RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: "evil\u202egnp.exe" reads "evilexe.png"
HOSTILE_NAME = (
    'Evil "><script>alert(1)</script></title><img src=x onerror=alert(2)> '
    f"it's {RLO}gnp.exe & </script><!--"
)
HOSTILE_NOTE = 'Buy! "><script>alert(3)</script> <a href="javascript:alert(4)">x</a>' + RLO
HOSTILE_BRAND = '"}]</script><script>alert(5)</script>'
HOSTILE_CODE = "hostile-card"


def hostile_page(base_url: str = "https://evil.example") -> bytes:
    """A merchant page whose every field is an attack (JSON-LD, Open Graph, an image URL)."""
    ld = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": HOSTILE_NAME,
        "description": 'A "quoted" </script><script>alert(6)</script> description ' + RLO,
        "image": ["javascript:alert(7)"],
        "brand": {"@type": "Brand", "name": HOSTILE_BRAND},
        "sku": "SKU\"'<>",
        "offers": {
            "@type": "Offer",
            "price": "19.99",
            "priceCurrency": "EUR",
            "availability": "https://schema.org/InStock",
        },
    }
    # In the merchant's own page "<" inside JSON is written as \u003c, as encoders do.
    ld_json = json.dumps(ld).replace("<", "\\u003c")
    html = f"""<!doctype html><html><head><meta charset="utf-8">
<meta property="og:type" content="product">
<meta property="og:image" content="javascript:alert(8)">
<script type="application/ld+json">{ld_json}</script>
</head><body><h1>x</h1></body></html>"""
    return html.encode()
