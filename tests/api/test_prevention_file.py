"""« Ma prévention santé » through the API: a family of every age band, exact statuses
and due dates today, records and their refusals (SPEC: prevention programmes)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import func, select

from domain.prevention import AYANTS_DROIT_MAX
from gateway.db import models
from gateway.db.models_prevention import ActePrevention, AyantDroit, PreferencePrevention
from tests.api.client import api_for
from tests.api.prevention_world import (
    DEPISTAGE,
    FILE,
    RAPPELS,
    REMOVE,
    UPDATE,
    VACCINATION,
    add,
    build_family,
)
from tests.conftest import Database


@pytest.fixture
async def family(db: Database):
    async with api_for(db) as api:
        yield api, await build_family(api)


def actions(dossier: dict[str, Any]) -> list[tuple[str, str, str | None]]:
    return [(a["programme"], a["statut"], a["dateProchaine"]) for a in dossier["actions"]]


async def test_every_age_band_has_its_exact_statuses_and_due_dates(family) -> None:
    api, fam = family
    data = (await api.data(FILE, token=fam.token))["maPrevention"]
    assert data["rappelsActifs"] is False
    titulaire = data["titulaire"]
    assert (titulaire["prenom"], titulaire["age"]) == ("Luc", 50)  # 50 since 1 March 2026
    assert [
        (a["programme"], a["statut"], a["dateProchaine"], a["nombreRealisations"])
        for a in titulaire["actions"]
    ] == [
        ("DEPISTAGE_CANCER_SEIN", "A_FAIRE", "2026-03-01", 0),
        # Done on 29/02/2024: due again 01/03/2026, 267 days ago.
        ("DEPISTAGE_CANCER_COLORECTAL", "EN_RETARD", "2026-03-01", 1),
        ("DEPISTAGE_COL_UTERUS_TEST_HPV", "A_FAIRE", "2006-03-01", 0),
        ("RAPPEL_DTP_ADULTE", "A_JOUR", "2041-03-01", 1),
    ]
    members = {m["prenom"]: m for m in data["ayantsDroit"]}
    assert [m["prenom"] for m in data["ayantsDroit"]] == ["Marc", "Inès", "Chloé", "Hugo", "Léna"]
    assert {p: m["age"]["age"] for p, m in members.items()} == {
        "Marc": 66,
        "Inès": 27,
        "Chloé": 12,
        "Hugo": 6,
        "Léna": 0,
    }
    assert actions(members["Marc"]["dossier"]) == [
        ("DEPISTAGE_CANCER_COLORECTAL", "A_FAIRE", "2010-11-23"),
        ("RAPPEL_DTP_ADULTE", "A_JOUR", "2035-11-23"),
        ("GRIPPE_SAISONNIERE", "A_JOUR", "2027-10-01"),
    ]
    assert actions(members["Inès"]["dossier"]) == [
        ("DEPISTAGE_COL_UTERUS_CYTOLOGIE", "A_JOUR", "2028-07-10"),
        ("RAPPEL_DTP_ADULTE", "A_FAIRE", "2024-06-15"),
    ]
    assert actions(members["Chloé"]["dossier"]) == [
        ("RAPPEL_DTCAP_POLIO_11_13_ANS", "A_FAIRE", "2024-11-24"),
        ("VACCINATION_HPV", "EN_RETARD", "2025-11-01"),
    ]
    assert actions(members["Hugo"]["dossier"]) == [
        ("RAPPEL_DTCAP_POLIO_6_ANS", "A_FAIRE", "2026-01-10"),
    ]
    assert actions(members["Léna"]["dossier"]) == [
        ("NOURRISSON_DTCAP_HIB_HEPB", "A_FAIRE", "2026-11-23"),
        ("NOURRISSON_PNEUMOCOQUE", "A_FAIRE", "2026-11-23"),
        ("ROR", "A_JOUR", "2027-09-23"),
    ]


async def test_a_dose_recorded_updates_the_file_returned(family) -> None:
    api, fam = family
    data = await api.data(
        VACCINATION,
        {
            "input": {
                "ayantDroitId": fam.ids["Léna"],
                "vaccin": "NOURRISSON_DTCAP_HIB_HEPB",
                "date": "2026-11-23",
                "numeroLot": "  HX-77  ",
            }
        },
        fam.token,
    )
    payload = data["recordVaccination"]
    assert payload["userErrors"] == []
    assert actions(payload["dossier"])[0] == ("NOURRISSON_DTCAP_HIB_HEPB", "A_JOUR", "2027-01-23")
    assert payload["dossier"]["realisations"] == [
        {
            "programme": "NOURRISSON_DTCAP_HIB_HEPB",
            "nature": "VACCINATION",
            "date": "2026-11-23",
            "numeroLot": "HX-77",
        }
    ]


async def _count(api: Any, model: Any) -> int:
    async with api.session() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.mark.parametrize(
    ("mutation", "fields", "error"),
    [
        (
            VACCINATION,
            {"vaccin": "ROR", "date": "2026-11-24"},
            (["input", "date"], "DATE_FUTURE", "La date ne peut pas être dans le futur."),
        ),
        (
            VACCINATION,
            {"member": "Léna", "vaccin": "ROR", "date": "2026-09-22"},
            (
                ["input", "date"],
                "DATE_AVANT_NAISSANCE",
                "La date précède la naissance de la personne.",
            ),
        ),
        (
            VACCINATION,
            {"vaccin": "DEPISTAGE_CANCER_SEIN", "date": "2026-01-05"},
            (
                ["input", "vaccin"],
                "PROGRAMME_INADAPTE",
                "« Dépistage du cancer du sein (mammographie) » n'est pas une vaccination.",
            ),
        ),
        (
            DEPISTAGE,
            {"member": "Marc", "depistage": "DEPISTAGE_CANCER_SEIN", "date": "2026-01-05"},
            (
                ["input", "depistage"],
                "PROGRAMME_INADAPTE",
                "« Dépistage du cancer du sein (mammographie) » ne concerne pas cette personne.",
            ),
        ),
        (
            VACCINATION,
            {"vaccin": "ROR", "date": "2026-01-05", "numeroLot": "x" * 41},
            (
                ["input", "numeroLot"],
                "NUMERO_LOT_TROP_LONG",
                "Le numéro de lot dépasse 40 caractères.",
            ),
        ),
        (
            VACCINATION,
            {"ayantDroitId": "QXlhbnREcm9pdDo5OTk5", "vaccin": "ROR", "date": "2026-01-05"},
            (
                ["input", "ayantDroitId"],
                "NOT_FOUND",
                "Aucun ayant droit ne correspond à cet identifiant.",
            ),
        ),
    ],
)
async def test_a_bad_record_is_refused_naming_the_field_and_writes_nothing(
    family, mutation: str, fields: dict[str, Any], error: tuple[Any, str, str]
) -> None:
    api, fam = family
    member = fields.pop("member", None)
    if member is not None:
        fields["ayantDroitId"] = fam.ids[member]
    before = await _count(api, ActePrevention)
    data = await api.data(mutation, {"input": fields}, fam.token)
    payload = next(iter(data.values()))
    assert payload["dossier"] is None
    field, code, message = error
    assert payload["userErrors"] == [{"field": field, "code": code, "message": message}]
    assert await _count(api, ActePrevention) == before


async def test_ayants_droit_are_added_changed_and_removed(family) -> None:
    api, fam = family
    refused = await add(
        api, fam.token, prenom=" ", dateNaissance="2020-01-01", sexe="F", lien="ENFANT"
    )
    assert refused["userErrors"] == [
        {
            "field": ["input", "prenom"],
            "code": "PRENOM_VIDE",
            "message": "Le prénom est obligatoire.",
        }
    ]
    futur = await add(
        api, fam.token, prenom="Zoé", dateNaissance="2026-11-24", sexe="F", lien="ENFANT"
    )
    assert futur["userErrors"][0]["field"] == ["input", "dateNaissance"]
    assert futur["userErrors"][0]["code"] == "DATE_FUTURE"
    assert await _count(api, AyantDroit) == 5

    changed = await api.data(
        UPDATE, {"input": {"ayantDroitId": fam.ids["Hugo"], "prenom": "Hugo Paul"}}, fam.token
    )
    assert changed["updateAyantDroit"] == {
        "ayantDroit": {
            "id": fam.ids["Hugo"],
            "prenom": "Hugo Paul",
            "dateNaissance": "2020-01-10",
            "sexe": "M",
            "lien": "ENFANT",
        },
        "userErrors": [],
    }
    # Inès had cytologies from 2024: a birth date after them is refused, so is being a man.
    later = await api.data(
        UPDATE,
        {"input": {"ayantDroitId": fam.ids["Inès"], "dateNaissance": "2024-08-01"}},
        fam.token,
    )
    assert later["updateAyantDroit"]["userErrors"] == [
        {
            "field": ["input", "dateNaissance"],
            "code": "DATE_APRES_REALISATION",
            "message": "Une vaccination ou un dépistage enregistré précède cette date de naissance.",
        }
    ]
    sexe = await api.data(
        UPDATE, {"input": {"ayantDroitId": fam.ids["Inès"], "sexe": "M"}}, fam.token
    )
    assert sexe["updateAyantDroit"]["userErrors"][0]["field"] == ["input", "sexe"]

    removed = await api.data(REMOVE, {"input": {"ayantDroitId": fam.ids["Inès"]}}, fam.token)
    assert removed["removeAyantDroit"] == {"ayantDroitId": fam.ids["Inès"], "userErrors": []}
    assert await _count(api, AyantDroit) == 4
    assert await _count(api, ActePrevention) == 5  # Inès's two cytologies went with her
    again = await api.data(REMOVE, {"input": {"ayantDroitId": fam.ids["Inès"]}}, fam.token)
    assert again["removeAyantDroit"]["userErrors"][0]["code"] == "NOT_FOUND"
    node = await api.data(f'{{ node(id: "{fam.ids["Inès"]}") {{ id }} }}', token=fam.token)
    assert node == {"node": None}


async def test_the_worker_fetches_an_ayant_droit_by_node(family) -> None:
    api, fam = family
    query = f'{{ node(id: "{fam.ids["Hugo"]}") {{ id ... on AyantDroit {{ prenom lien }} }} }}'
    assert await api.data(query, token=fam.token) == {
        "node": {"id": fam.ids["Hugo"], "prenom": "Hugo", "lien": "ENFANT"}
    }


async def test_every_write_is_in_the_workers_journal_without_any_health_detail(family) -> None:
    api, fam = family
    await api.data(VACCINATION, {"input": {"vaccin": "ROR", "date": "2030-01-01"}}, fam.token)
    async with api.session() as session:
        rows = (
            await session.execute(
                select(
                    models.EvenementAudit.operation,
                    models.EvenementAudit.issue,
                    models.EvenementAudit.travailleur_id,
                    models.EvenementAudit.detail,
                ).order_by(models.EvenementAudit.id)
            )
        ).all()
    prevention = [r for r in rows if r[0] != "login"]
    assert [(op, issue.value) for op, issue, _, _ in prevention] == [
        *[("addAyantDroit", "SUCCES")] * 5,
        ("recordDepistage", "SUCCES"),
        *[("recordVaccination", "SUCCES")] * 3,
        *[("recordDepistage", "SUCCES")] * 2,
        ("recordVaccination", "SUCCES"),
        ("recordVaccination", "REFUS"),
    ]
    assert {(owner, detail) for _, _, owner, detail in prevention} == {(fam.worker.id, "{}")}
    journal = await api.data(
        "{ me { travailleur { journal(first: 50) { totalCount nodes { operation issue } } } } }",
        token=fam.token,
    )
    seen = journal["me"]["travailleur"]["journal"]
    assert seen["totalCount"] == 14  # the 13 writes and the login
    assert [n["operation"] for n in seen["nodes"]][:2] == ["recordVaccination", "recordVaccination"]


async def test_a_retry_with_the_same_key_adds_the_member_once(family) -> None:
    api, fam = family
    fields = {
        "prenom": "Zoé",
        "dateNaissance": "2018-04-01",
        "sexe": "F",
        "lien": "ENFANT",
        "idempotencyKey": "zoe-1",
    }
    first = await add(api, fam.token, **fields)
    again = await add(api, fam.token, **fields)
    assert again == first
    assert first["ayantDroit"]["prenom"] == "Zoé"
    assert await _count(api, AyantDroit) == 6


async def test_concurrent_additions_never_pass_the_maximum_of_ayants_droit(family) -> None:
    api, fam = family
    room = AYANTS_DROIT_MAX - len(fam.ids)
    payloads = await asyncio.gather(
        *(
            add(
                api,
                fam.token,
                prenom=f"Enfant {n}",
                dateNaissance="2010-01-01",
                sexe="F",
                lien="ENFANT",
            )
            for n in range(room + 4)
        )
    )
    added = [p for p in payloads if p["ayantDroit"] is not None]
    refused = [p["userErrors"][0]["code"] for p in payloads if p["ayantDroit"] is None]
    assert (len(added), refused) == (room, ["TROP_D_AYANTS_DROIT"] * 4)
    file = await api.data(FILE, token=fam.token)
    assert len(file["maPrevention"]["ayantsDroit"]) == AYANTS_DROIT_MAX


async def test_concurrent_reminder_choices_all_succeed_and_one_of_them_stays(family) -> None:
    api, fam = family
    choices = [n % 2 == 0 for n in range(10)]
    payloads = await asyncio.gather(
        *(api.data(RAPPELS, {"input": {"actifs": c}}, fam.token) for c in choices)
    )
    assert [p["setRappelsPrevention"]["userErrors"] for p in payloads] == [[]] * 10
    async with api.session() as session:
        rows = await session.scalar(
            select(func.count())
            .select_from(PreferencePrevention)
            .where(PreferencePrevention.travailleur_id == fam.worker.id)
        )
    assert rows == 1
