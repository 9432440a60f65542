"""Reports across domains: clicks from sharing, sales and earnings from checkout."""
