"""Orders, payments through a provider, and the commissions paid orders book."""
