"""How the server's garbage collector runs.

Once started, the server holds a few hundred thousand long-lived objects (the schema,
the ORM mappings, the modules), and a portfolio page allocates about a million
short-lived ones. CPython's cyclic collector rescans every long-lived object at each
full collection, and a 500-client page triggered enough of them to spend half of its
CPU time there (measured, issue 11). Freezing the objects alive once the application
is built takes them out of those scans (they are never freed anyway); the collection
thresholds stay CPython's (raising them saved nothing more and let memory grow).
"""

from __future__ import annotations

import gc


def settle_long_lived_objects() -> None:
    """Collect once, then freeze what survives: later collections skip it."""
    gc.collect()
    gc.freeze()
