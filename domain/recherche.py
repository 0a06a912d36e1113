"""The search key of a name: what a search compares, identical on every database.

SQLite's ``lower()`` only folds ASCII and neither database ignores accents without an
extension, so the comparison is not left to SQL: the names are reduced once, on write,
to a key stored beside them, and the typed text is reduced by the same function
before it is compared with that key (``LIKE`` on already-folded text behaves the same
on SQLite and PostgreSQL).

The reduction: Unicode compatibility decomposition (NFKD, UAX #15) with the combining
marks removed (é → e, ç → c), then case folding (Unicode ``casefold``); the letters
that have no decomposition are spelled out as French writes them (œ → oe, æ → ae,
ß → ss), and typographic apostrophes become the plain one (D’Ornano → d'ornano).
Runs of white space become one space.
"""

from __future__ import annotations

import unicodedata

#: Letters Unicode does not decompose, and apostrophes typed in several ways.
_SPELLED_OUT = str.maketrans(
    {"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "\u2019": "'", "\u2018": "'", "\u02bc": "'"}
)


def search_key(text: str) -> str:
    """``"Œuvray  Lætitia"`` → ``"oeuvray laetitia"``; ``"ÇELIK"`` → ``"celik"``."""
    decomposed = unicodedata.normalize("NFKD", text)
    unmarked = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(unmarked.casefold().translate(_SPELLED_OUT).split())


def name_search_key(nom: str, prenom: str) -> str:
    """The stored key of a worker: family name then first name."""
    return search_key(f"{nom} {prenom}")
