"""Sharers, their cards, and the visits those cards get."""
