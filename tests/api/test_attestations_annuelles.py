"""Attestations of a year through the API: marché public, CSG-CRDS, formation
professionnelle (SPEC §6)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from domain import cotisations as engine
from domain.cotisations import CotisationCode, NatureActivite
from domain.nomenclatures import NatureCotisation
from gateway.db import models
from gateway.documents.layout import euros as pdf_euros
from gateway.schema.relay import encode_global_id
from gateway.services.contributions import cotisation_rows
from tests import builders
from tests.api.client import api_for
from tests.api.delais_support import (
    MENSUALITE,
    OVERDUE,
    TODAY,
    VERIFY,
    Setting,
    add_year,
    attestation_count,
    build_setting,
    generate,
    on,
    pay,
    pdf_text,
    request_plan,
)
from tests.conftest import Database


@pytest.fixture
async def s(db: Database):
    async with api_for(db, today=TODAY) as api:
        yield await build_setting(api, db)


# --- marché public ---------------------------------------------------------------------------


async def test_marche_public_states_the_situation_at_31_december_of_last_year(
    s: Setting,
) -> None:
    # Overdue today, but nothing was overdue on 31 December 2025.
    data = await generate(s, "MARCHE_PUBLIC")
    attestation = data["attestation"]
    assert {
        k: attestation[k] for k in ("type", "annee", "dateFinValidite", "codeVerification")
    } == {
        "type": "MARCHE_PUBLIC",
        "annee": 2025,
        "dateFinValidite": None,
        "codeVerification": None,
    }
    text = await pdf_text(s, attestation["url"])
    assert "Attestation de régularité - marché public" in text
    assert "Situation au : 31/12/2025" in text
    assert (
        "est à jour du paiement de ses cotisations et contributions sociales au 31/12/2025" in text
    )
    # For public buyers: the business, never the worker's NIR.
    assert "Entreprise : Maison Lefebvre Titulaire : Mme Claire LEFEBVRE SIREN :" in text
    assert "NIR" not in text and s.worker.nir not in text.replace(" ", "")
    async with s.api.session() as session:
        row = await session.scalar(select(models.Attestation))
    assert "identite" not in row.contenu and s.worker.nir not in str(row.contenu)


async def test_marche_public_is_refused_for_what_was_overdue_on_31_december(s: Setting) -> None:
    async with s.api.session() as session:
        await builders.echeance(
            session,
            travailleur_id=s.worker.id,
            date_echeance=date(2025, 11, 5),
            montant=Decimal("300.00"),
        )
        await session.commit()
    await pay(s, Decimal("300.00") + OVERDUE, TODAY)  # settled since: too late for 2025
    data = await generate(s, "MARCHE_PUBLIC", annee=2025)
    assert data["userErrors"] == [
        {
            "field": ["input", "travailleurId"],
            "code": "COTISATIONS_IMPAYEES",
            "message": "300,00 € de cotisations restent impayés après leur échéance (le "
            "05/11/2025) sans délai de paiement accordé et respecté : réglez-les ou demandez "
            "un délai de paiement.",
        }
    ]
    assert (await generate(s, "VIGILANCE"))["attestation"]["type"] == "VIGILANCE"


async def test_marche_public_counts_a_plan_as_it_stood_on_31_december(s: Setting) -> None:
    async with s.api.session() as session:
        row = await builders.echeance(
            session,
            travailleur_id=s.worker.id,
            date_echeance=date(2025, 11, 5),
            montant=Decimal("300.00"),
        )
        await session.commit()
    async with on(s, date(2025, 12, 1)) as december:
        data = await request_plan(
            december,
            echeanceIds=[encode_global_id("Echeance", row.id)],
            nombreEcheances=3,
            premiereEcheance="2026-01-10",
        )
        assert data["delaiPaiement"]["statut"] == "ACCEPTE"
    # On 31 December the plan was respected; it was denounced on 10 February 2026.
    attestation = (await generate(s, "MARCHE_PUBLIC"))["attestation"]
    assert attestation["sousPlanApurement"] is True


# --- CSG-CRDS ----------------------------------------------------------------------------------


async def test_csg_crds_of_a_closed_year_comes_from_its_definitive_contributions(
    s: Setting,
) -> None:
    definitive = engine.compute_cotisations(2025, NatureActivite.ARTISANALE, Decimal("43000"))
    async with s.api.session() as session:
        session.add_all(
            cotisation_rows(
                travailleur_id=s.worker.id,
                nature=NatureCotisation.DEFINITIVE,
                resultat=definitive,
                base_calcul="Revenu 2025 déclaré",
                date_calcul=date(2026, 5, 15),
            )
        )
        await session.commit()
    lines = {line.code: line.montant for line in definitive.lignes}
    deductible = lines[CotisationCode.CSG_CRDS_DEDUCTIBLE]
    non_deductible = lines[CotisationCode.CSG_CRDS_NON_DEDUCTIBLE]
    attestation = (await generate(s, "CSG_CRDS", annee=2025))["attestation"]
    assert (attestation["annee"], attestation["codeVerification"]) == (2025, None)
    assert attestation["montants"] == [
        {"libelle": "CSG déductible", "montant": f"{deductible:.2f}"},
        {"libelle": "CSG-CRDS non déductible", "montant": f"{non_deductible:.2f}"},
    ]
    text = await pdf_text(s, attestation["url"])
    assert f"CSG déductible {pdf_euros(deductible)}" in text
    assert f"CSG-CRDS non déductible {pdf_euros(non_deductible)}" in text
    assert f"Total CSG-CRDS 2025 {pdf_euros(deductible + non_deductible)}" in text


@pytest.mark.parametrize(
    ("annee", "field_code_message"),
    [
        (None, ("annee", "ANNEE_REQUISE", "Indiquez l'année de l'attestation CSG-CRDS.")),
        (
            2026,
            (
                "annee",
                "ANNEE_NON_CLOSE",
                "L'attestation CSG-CRDS 2026 sera disponible à partir du 01/01/2027, une fois "
                "l'année close.",
            ),
        ),
        (
            2025,
            (
                "annee",
                "COTISATIONS_DEFINITIVES_ABSENTES",
                "Les cotisations définitives 2025 ne sont pas calculées : déclarez d'abord "
                "votre revenu 2025.",
            ),
        ),
    ],
)
async def test_csg_crds_needs_a_closed_year_with_definitive_contributions(
    s: Setting, annee: int | None, field_code_message: tuple[str, str, str]
) -> None:
    field, code, message = field_code_message
    data = await generate(s, "CSG_CRDS", annee=annee)
    assert data["userErrors"] == [{"field": ["input", field], "code": code, "message": message}]
    assert await attestation_count(s) == 0


# --- formation professionnelle -----------------------------------------------------------------


async def test_the_cfp_of_a_year_paid_in_full_is_its_line(s: Setting) -> None:
    await add_year(s, 2025, NatureCotisation.PROVISIONNELLE, paid_months=12)
    attestation = (await generate(s, "FORMATION_PROFESSIONNELLE", annee=2025))["attestation"]
    # round(47 100 × 0.29 %) = 137 € for an artisan.
    assert attestation["montants"] == [
        {"libelle": "CFP due", "montant": "137.00"},
        {"libelle": "CFP payée", "montant": "137.00"},
    ]
    assert len(attestation["codeVerification"]) == 23
    text = await pdf_text(s, attestation["url"])
    assert "CFP due au titre de 2025 137,00 EUR CFP payée au 10/06/2026 137,00 EUR" in text
    assert "Reste à payer" not in text
    assert f"Code de vérification : {attestation['codeVerification']}" in text
    verified = await s.api.data(VERIFY, {"code": attestation["codeVerification"]})
    assert verified["verifyAttestation"]["type"] == "FORMATION_PROFESSIONNELLE"
    assert verified["verifyAttestation"]["dateFinValidite"] is None


async def test_the_cfp_paid_counts_what_was_allocated_to_the_year_pro_rata(
    s: Setting,
) -> None:
    from domain.carriere import paid_on_line

    total = await add_year(s, 2025, NatureCotisation.PROVISIONNELLE, paid_months=5)
    lines = {
        line.code.value: line.montant
        for line in engine.compute_cotisations(
            2025, NatureActivite.ARTISANALE, Decimal("41570")
        ).lignes
    }
    # Five 2025 instalments paid on their dates; the January and February 2026 debits,
    # allocated to the oldest unpaid instalments, went to June and July 2025 (§4).
    paid_2025 = 5 * (total / 12).quantize(Decimal("0.01"), rounding="ROUND_DOWN") + 2 * MENSUALITE
    assert paid_on_line([paid_2025], lines, "FORMATION_PROFESSIONNELLE") == Decimal("80.73")
    attestation = (await generate(s, "FORMATION_PROFESSIONNELLE", annee=2025))["attestation"]
    # The CFP due for the year beside what was paid of it: never one for the other.
    assert lines["FORMATION_PROFESSIONNELLE"] == Decimal("137")
    assert attestation["montants"] == [
        {"libelle": "CFP due", "montant": "137.00"},
        {"libelle": "CFP payée", "montant": "80.73"},
    ]
    text = await pdf_text(s, attestation["url"])
    assert (
        "CFP due au titre de 2025 137,00 EUR CFP payée au 10/06/2026 80,73 EUR "
        "Reste à payer au 10/06/2026 56,27 EUR" in text
    )


async def test_the_cfp_of_a_year_is_available_from_1_january_of_the_next(s: Setting) -> None:
    data = await generate(s, "FORMATION_PROFESSIONNELLE", annee=2026)
    assert data["userErrors"] == [
        {
            "field": ["input", "annee"],
            "code": "ANNEE_NON_CLOSE",
            "message": "L'attestation de formation professionnelle 2026 sera disponible à "
            "partir du 01/01/2027, une fois l'année close.",
        }
    ]
    async with on(s, date(2027, 1, 1)) as day:
        attestation = (await generate(day, "FORMATION_PROFESSIONNELLE", annee=2026))["attestation"]
    assert attestation["annee"] == 2026


async def test_no_cfp_attestation_for_a_year_with_nothing_paid(s: Setting) -> None:
    data = await generate(s, "FORMATION_PROFESSIONNELLE", annee=2024)
    assert data["userErrors"] == [
        {
            "field": ["input", "annee"],
            "code": "CFP_NON_PAYEE",
            "message": "Aucune contribution à la formation professionnelle n'a été payée au "
            "titre de 2024.",
        }
    ]
