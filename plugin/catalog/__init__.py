"""Merchants and the products read from their pages."""
