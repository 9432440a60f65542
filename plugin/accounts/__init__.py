"""Logging in without passwords: signed, one-time links for sharers and merchants."""
