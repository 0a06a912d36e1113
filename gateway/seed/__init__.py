"""Data loaders: the deterministic demo portfolio and large synthetic portfolios.

Both build every amount with the domain rules (``gateway.seed.history``), so what the
API shows for a seeded worker is what the engine would compute for them.
"""
