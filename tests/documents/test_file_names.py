"""The names downloads are saved under: kind, SIREN (or the worker's name), date."""

from __future__ import annotations

from datetime import date

from gateway.services.documents import file_name


def test_a_file_is_named_after_its_kind_its_siren_and_its_date() -> None:
    name = file_name(
        "attestation-vigilance", "81234567800027", "Lefèvre", "Hélène", date(2026, 6, 10)
    )
    assert name == "attestation-vigilance-812345678-2026-06-10.pdf"


def test_without_a_siret_the_name_is_the_worker_s_in_plain_letters() -> None:
    name = file_name("releve-carriere", None, "D'Ornano", "Lætitia", date(2026, 6, 10))
    assert name == "releve-carriere-d-ornano-laetitia-2026-06-10.pdf"
