"""How the server's garbage collector runs.

Once started, the server holds a few hundred thousand long-lived objects (the schema,
the ORM mappings, the modules), and a portfolio page allocates about a million
short-lived ones. With CPython's defaults the cyclic collector runs every 700
allocations and, every hundred runs, rescans every long-lived object: measured, half
of a 500-client page's CPU time (issue 11). So, once the application is built:

- the objects alive at that point are frozen: the collector no longer scans them
  (they are never freed anyway);
- the young generation is collected every ``YOUNG_THRESHOLD`` allocations instead of
  700: each collection costs about as much, for far fewer of them; the memory a
  request may leave to the collector stays a few megabytes.
"""

from __future__ import annotations

import gc

YOUNG_THRESHOLD = 50_000
#: Collections of one generation before the next older one is collected too.
MIDDLE_THRESHOLD = 20
OLD_THRESHOLD = 100


def settle_long_lived_objects() -> None:
    """Collect once, freeze what survives, then collect less often (see above)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, MIDDLE_THRESHOLD, OLD_THRESHOLD)
