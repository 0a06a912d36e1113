"""domain.recherche: the folded search key (accents, case, ligatures)."""

from __future__ import annotations

import pytest

from domain.recherche import name_search_key, search_key


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Émilie", "emilie"),
        ("ÇELIK", "celik"),
        ("Œuvray", "oeuvray"),
        ("Lætitia", "laetitia"),
        ("LÆTITIA", "laetitia"),
        ("Straßer", "strasser"),
        ("D\u2019Ornano", "d'ornano"),
        ("  Benali \t Émilie ", "benali emilie"),
        ("ﬁlippi", "filippi"),  # a compatibility ligature (NFKD)
        ("Nguyễn", "nguyen"),  # two combining marks on one letter
    ],
)
def test_the_key_ignores_accents_case_and_spelled_out_letters(text: str, key: str) -> None:
    assert search_key(text) == key


def test_a_worker_key_is_the_family_name_then_the_first_name() -> None:
    assert name_search_key("Benali", "Émilie") == "benali emilie"
