"""A worker's family for « Ma prévention santé », one member per age band, and the
queries the tests send. Today is Monday 23 November 2026 (``tests.conftest.TODAY``),
within the influenza season."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import update

from gateway.db import models
from tests import builders
from tests.api.client import Api
from tests.api.world import WORKER_PASSWORD, World, build_world

FILE = """{ maPrevention {
  rappelsActifs
  titulaire { prenom age actions { programme statut dateProchaine nombreRealisations } }
  ayantsDroit { id prenom lien sexe age: dossier { age }
    dossier { actions { programme statut dateProchaine derniereRealisation } } }
} }"""
ADD = """mutation($input: AddAyantDroitInput!) {
  addAyantDroit(input: $input) { ayantDroit { id prenom dateNaissance sexe lien }
    userErrors { field message code } } }"""
UPDATE = """mutation($input: UpdateAyantDroitInput!) {
  updateAyantDroit(input: $input) { ayantDroit { id prenom dateNaissance sexe lien }
    userErrors { field message code } } }"""
REMOVE = """mutation($input: RemoveAyantDroitInput!) {
  removeAyantDroit(input: $input) { ayantDroitId userErrors { field message code } } }"""
VACCINATION = """mutation($input: RecordVaccinationInput!) {
  recordVaccination(input: $input) {
    dossier { prenom actions { programme statut dateProchaine }
      realisations { programme nature date numeroLot } }
    userErrors { field message code } } }"""
DEPISTAGE = """mutation($input: RecordDepistageInput!) {
  recordDepistage(input: $input) {
    dossier { prenom actions { programme statut dateProchaine } realisations { programme date } }
    userErrors { field message code } } }"""
RAPPELS = """mutation($input: SetRappelsPreventionInput!) {
  setRappelsPrevention(input: $input) { rappelsActifs userErrors { field message code } } }"""


@dataclass
class Family:
    world: World
    worker: models.Travailleur  # Luc Bernard's account: a woman born 29/02/1976
    token: str
    ids: dict[str, str]  # global IDs of the ayants droit, by first name


async def add(api: Api, token: str, **fields: Any) -> dict[str, Any]:
    data = await api.data(ADD, {"input": fields}, token)
    payload: dict[str, Any] = data["addAyantDroit"]
    return payload


async def record(api: Api, token: str, mutation: str, **fields: Any) -> dict[str, Any]:
    data = await api.data(mutation, {"input": fields}, token)
    payload: dict[str, Any] = next(iter(data.values()))
    assert payload["userErrors"] == [], payload
    return payload


MEMBERS = [
    # prenom, birth, sex, link
    ("Marc", "1960-11-23", "M", "CONJOINT"),  # 66 today: colorectal, booster, influenza
    ("Inès", "1999-06-15", "F", "ENFANT"),  # 27: cytology, adult booster
    ("Chloé", "2013-11-24", "F", "ENFANT"),  # 12 (13 tomorrow): 11–13 booster, HPV
    ("Hugo", "2020-01-10", "M", "ENFANT"),  # 6: booster at 6
    ("Léna", "2026-09-23", "F", "ENFANT"),  # 2 months today: infant series
]


async def build_family(api: Api) -> Family:
    world = await build_world(api)
    async with api.session() as session:
        worker = await session.get(models.Travailleur, world.assigned.id)
        assert worker is not None
        worker.date_naissance = date(1976, 2, 29)
        worker.nir = builders.valid_nir(2, 76, 2, "75", 424242)
        await session.execute(
            update(models.Utilisateur)
            .where(models.Utilisateur.travailleur_id == worker.id)
            .values(identifiant=worker.nir)
        )
        await session.commit()
    token = await api.login(worker.nir, WORKER_PASSWORD)
    ids = {}
    for prenom, naissance, sexe, lien in MEMBERS:
        payload = await add(
            api, token, prenom=prenom, dateNaissance=naissance, sexe=sexe, lien=lien
        )
        assert payload["userErrors"] == [], payload
        ids[prenom] = payload["ayantDroit"]["id"]
    for mutation, fields in [
        (DEPISTAGE, {"depistage": "DEPISTAGE_CANCER_COLORECTAL", "date": "2024-02-29"}),
        (VACCINATION, {"vaccin": "RAPPEL_DTP_ADULTE", "date": "2021-06-01"}),
        (
            VACCINATION,
            {"ayantDroitId": ids["Marc"], "vaccin": "RAPPEL_DTP_ADULTE", "date": "2025-12-01"},
        ),
        (
            VACCINATION,
            {
                "ayantDroitId": ids["Marc"],
                "vaccin": "GRIPPE_SAISONNIERE",
                "date": "2026-10-15",
                "numeroLot": "FLU-2026-118",
            },
        ),
        (
            DEPISTAGE,
            {
                "ayantDroitId": ids["Inès"],
                "depistage": "DEPISTAGE_COL_UTERUS_CYTOLOGIE",
                "date": "2024-07-01",
            },
        ),
        (
            DEPISTAGE,
            {
                "ayantDroitId": ids["Inès"],
                "depistage": "DEPISTAGE_COL_UTERUS_CYTOLOGIE",
                "date": "2025-07-10",
            },
        ),
        (
            VACCINATION,
            {"ayantDroitId": ids["Chloé"], "vaccin": "VACCINATION_HPV", "date": "2025-05-01"},
        ),
    ]:
        await record(api, token, mutation, **fields)
    return Family(world, worker, token, ids)
