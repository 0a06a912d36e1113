"""The avis d'appel rectificatif PDF: real content, downloadable only by those who may see."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pypdf
import pytest

from domain import cotisations as engine
from domain.cotisations import NatureActivite
from domain.nomenclatures import Role
from gateway.db.repositories.delais import principal_siret
from gateway.schema.relay import encode_global_id
from tests import builders
from tests.accounts import classique_account
from tests.api.client import api_for
from tests.conftest import Database

TODAY = date(2026, 6, 10)
ESTIMATE = """mutation($i: EstimateRevenueInput!) { estimateRevenue(input: $i) { avisAppel { id url } userErrors { code } } }"""


@pytest.fixture
async def setting(db: Database):
    async with api_for(db, today=TODAY) as api:
        async with api.session() as session:
            caisse = await builders.caisse(session)
            worker = await classique_account(
                session,
                caisse_id=caisse.id,
                today=TODAY,
                revenus_declares={2025: Decimal("43000")},
                nom="Lefebvre",
            )
            other = await builders.travailleur(session, caisse_id=caisse.id, nom="Autre")
            await builders.user(
                session, identifiant="agent@caisse.fr", role=Role.AGENT, caisse_id=caisse.id
            )
            await session.commit()
        token = await api.login(worker.nir, "secret-travailleur")
        variables = {
            "i": {
                "travailleurId": encode_global_id("Travailleur", worker.id),
                "annee": 2026,
                "montant": "60000",
                "courriel": "a@b.fr",
                "jaiEteInforme": True,
            }
        }
        avis = (await api.data(ESTIMATE, variables, token))["estimateRevenue"]["avisAppel"]
        yield api, worker, other, token, avis


def path_of(url: str) -> str:
    return url.removeprefix("http://127.0.0.1:8000")


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)


async def test_the_worker_downloads_the_avis_with_the_new_contributions_and_schedule(
    setting,
) -> None:
    api, worker, _, token, avis = setting
    response = await api.http.get(
        path_of(avis["url"]), headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    # Personal: never kept by a cache; saved under a name saying what and whose it is.
    assert response.headers["cache-control"] == "private, no-store"
    async with api.session() as session:
        siret = await principal_siret(session, worker.id)
    assert response.headers["content-disposition"] == (
        f'inline; filename="avis-appel-rectificatif-2026-{siret[:9]}-{TODAY.isoformat()}.pdf"'
    )
    text = pdf_text(response.content)
    total = engine.compute_cotisations(2026, NatureActivite.ARTISANALE, Decimal("60000")).total
    assert "Avis d'appel de cotisations rectificatif" in text
    assert "LEFEBVRE" in text
    assert f"{total:,}".replace(",", " ") in text  # e.g. "25 123"
    assert "05/12/2026" in text
    assert "sous-estimation" in text


async def test_the_avis_is_hidden_from_those_who_may_not_see_the_worker(setting) -> None:
    api, _, other, _, avis = setting
    outsider = await api.login(other.nir, "secret-travailleur")
    hidden = await api.http.get(
        path_of(avis["url"]), headers={"Authorization": f"Bearer {outsider}"}
    )
    missing = await api.http.get(
        "/documents/" + encode_global_id("AvisAppel", 99999) + ".pdf",
        headers={"Authorization": f"Bearer {outsider}"},
    )
    assert (
        (hidden.status_code, hidden.json())
        == (missing.status_code, missing.json())
        == (404, {"error": "NOT_FOUND", "message": "Document introuvable."})
    )
    anonymous = await api.http.get(path_of(avis["url"]))
    assert anonymous.status_code == 401
    agent = await api.login("agent@caisse.fr", "secret-utilisateur")
    assert (
        await api.http.get(path_of(avis["url"]), headers={"Authorization": f"Bearer {agent}"})
    ).status_code == 200


async def test_documents_need_the_read_scope_and_a_definitive_password(db: Database) -> None:
    from sqlalchemy import update

    from gateway.db import models
    from tests.api.test_access_support import client_token, register_client

    async with api_for(db, today=TODAY) as api:
        async with api.session() as session:
            caisse = await builders.caisse(session)
            worker = await classique_account(
                session, caisse_id=caisse.id, today=TODAY, revenus_declares={2025: Decimal("43000")}
            )
            cabinet = await builders.cabinet(session)
            await builders.user(
                session,
                identifiant="admin@cab.fr",
                role=Role.EXPERT_COMPTABLE,
                cabinet_id=cabinet.id,
                administrateur_cabinet=True,
            )
            await builders.mandat(session, cabinet_id=cabinet.id, travailleur_id=worker.id)
            await session.commit()
        token = await api.login(worker.nir, "secret-travailleur")
        variables = {
            "i": {
                "travailleurId": encode_global_id("Travailleur", worker.id),
                "annee": 2026,
                "montant": "60000",
                "courriel": "a@b.fr",
                "jaiEteInforme": True,
            }
        }
        url = path_of(
            (await api.data(ESTIMATE, variables, token))["estimateRevenue"]["avisAppel"]["url"]
        )
        admin = await api.login("admin@cab.fr", "secret-utilisateur")
        reader = await client_token(api, *(await register_client(api, admin, ["read"])))
        writer = await client_token(api, *(await register_client(api, admin, ["revenus:write"])))
        assert (
            await api.http.get(url, headers={"Authorization": f"Bearer {reader}"})
        ).status_code == 200
        refused = await api.http.get(url, headers={"Authorization": f"Bearer {writer}"})
        assert (refused.status_code, refused.json()["scope"]) == (403, "read")
        async with api.session() as session:
            await session.execute(
                update(models.Utilisateur)
                .where(models.Utilisateur.travailleur_id == worker.id)
                .values(mot_de_passe_a_changer=True)
            )
            await session.commit()
        provisional = await api.login(worker.nir, "secret-travailleur")
        blocked = await api.http.get(url, headers={"Authorization": f"Bearer {provisional}"})
        assert blocked.status_code == 403
        assert (
            blocked.json()["message"]
            == "Changez d'abord votre mot de passe provisoire (changeMotDePasse)."
        )
