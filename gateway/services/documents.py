"""Documents: gather what a PDF shows (visibility applied), then render it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from domain.compte import statut_echeance
from domain.cotisations import LIBELLES, CotisationCode
from domain.nomenclatures import Regime, TypeAttestation
from gateway.auth.principal import Principal
from gateway.db.engine import RequestSession
from gateway.db.models import (
    Attestation,
    AvisAppel,
    Caisse,
    Cotisation,
    Echeance,
    Travailleur,
)
from gateway.db.repositories import delais as delais_repository
from gateway.db.repositories.by_travailleur import rows_by_ids, rows_by_travailleur
from gateway.db.repositories.travailleurs import travailleurs_by_ids
from gateway.documents import data
from gateway.documents.attestations import render_attestation
from gateway.documents.avis_appel import render_avis_appel_rectificatif
from gateway.documents.data import (
    AvisAppelRectificatif,
    CaisseEmettrice,
    EcheanceAppel,
    IdentiteTravailleur,
    LigneAppel,
)
from gateway.documents.releve_carriere import render_releve_carriere
from gateway.global_ids import decode_typed_id
from gateway.services.carriere import releve_carriere


def caisse_emettrice(caisse: Caisse) -> CaisseEmettrice:
    return CaisseEmettrice(
        nom=caisse.nom, adresse=caisse.adresse, telephone=caisse.telephone, courriel=caisse.courriel
    )


def identite(travailleur: Travailleur, siret: str | None) -> IdentiteTravailleur:
    return IdentiteTravailleur(
        civilite=travailleur.civilite,
        prenom=travailleur.prenom,
        nom=travailleur.nom,
        nir=travailleur.nir,
        siret=siret,
        adresse=(travailleur.adresse, f"{travailleur.code_postal} {travailleur.ville}"),
    )


async def _owner(db: RequestSession, travailleur_id: int) -> tuple[Travailleur, Caisse, str | None]:
    travailleur = await db.scalar(select(Travailleur).where(Travailleur.id == travailleur_id))
    caisse = await db.scalar(select(Caisse).where(Caisse.id == travailleur.caisse_id))
    siret = await delais_repository.principal_siret(db.session, travailleur_id)
    return travailleur, caisse, siret


async def document_pdf(
    db: RequestSession, principal: Principal, global_id: str, today: date
) -> bytes | None:
    """The PDF behind a document's global ID, if the principal may see its worker;
    None otherwise (unknown, malformed and invisible look the same). ``today`` dates
    the documents computed at download time (the relevé de carrière)."""
    decoded = decode_typed_id(global_id)
    if decoded is None:
        return None
    type_name, key = decoded
    renderer = RENDERERS.get(type_name)
    return None if renderer is None else await renderer(db, principal, key, today)


async def avis_appel_pdf(
    db: RequestSession, principal: Principal, avis_id: int, _today: date
) -> bytes | None:
    """The PDF of an avis d'appel rectificatif."""
    found = await rows_by_ids(db, principal, AvisAppel, [avis_id])
    avis = found.get(avis_id)
    if avis is None:
        return None
    travailleur, caisse, siret = await _owner(db, avis.travailleur_id)
    contenu = avis.contenu
    return render_avis_appel_rectificatif(
        AvisAppelRectificatif(
            caisse=caisse_emettrice(caisse),
            identite=identite(travailleur, siret),
            emis_le=avis.date_emission,
            annee=avis.annee,
            revenu_estime=avis.revenu_estime,
            lignes=tuple(
                LigneAppel(
                    libelle=LIBELLES[CotisationCode(line["code"])],
                    assiette=Decimal(line["assiette"]),
                    montant=Decimal(line["montant"]),
                )
                for line in contenu["lignes"]
            ),
            echeances=tuple(
                EcheanceAppel(
                    date=date.fromisoformat(e["date"]),
                    montant=Decimal(e["montant"]),
                    statut=statut_echeance(
                        Decimal(e["montant"]),
                        Decimal(e["montant_paye"]),
                        date.fromisoformat(e["date"]),
                        avis.date_emission,
                    ),
                )
                for e in contenu["echeancier"]
            ),
            reference=f"AAR-{avis.annee}-{avis.id:08d}",
        )
    )


# --- attestations (SPEC §6): rendered from the figures frozen at issue time -----------


def caisse_json(caisse: Caisse) -> dict[str, Any]:
    return {
        "nom": caisse.nom,
        "adresse": caisse.adresse,
        "telephone": caisse.telephone,
        "courriel": caisse.courriel,
    }


def identite_json(travailleur: Travailleur, siret: str | None) -> dict[str, Any]:
    return {
        "civilite": travailleur.civilite,
        "prenom": travailleur.prenom,
        "nom": travailleur.nom,
        "nir": travailleur.nir,
        "siret": siret,
        "adresse": [travailleur.adresse, f"{travailleur.code_postal} {travailleur.ville}"],
    }


def attestation_data(row: Attestation) -> data.Attestation:
    """The renderer's data from an issued attestation's ``contenu``: never recomputed,
    the document says what it said the day it was issued."""
    c = row.contenu
    caisse = CaisseEmettrice(**c["caisse"])
    personne = IdentiteTravailleur(**{**c["identite"], "adresse": tuple(c["identite"]["adresse"])})
    code = row.code_verification or ""
    url = c.get("url_verification")
    match row.type:
        case TypeAttestation.VIGILANCE:
            return data.AttestationVigilance(
                caisse=caisse,
                identite=personne,
                emise_le=row.date_emission,
                valide_du=date.fromisoformat(c["valide_du"]),
                valide_au=date.fromisoformat(c["valide_au"]),
                code_verification=code,
                url_verification=url,
                sous_plan_apurement=bool(c["sous_plan_apurement"]),
            )
        case TypeAttestation.MARCHE_PUBLIC:
            return data.AttestationMarchePublic(
                caisse=caisse,
                identite=personne,
                emise_le=row.date_emission,
                situation_au=date.fromisoformat(c["situation_au"]),
                sous_plan_apurement=bool(c["sous_plan_apurement"]),
            )
        case TypeAttestation.CSG_CRDS:
            return data.AttestationCsgCrds(
                caisse=caisse,
                identite=personne,
                emise_le=row.date_emission,
                annee=int(c["annee"]),
                csg_deductible=Decimal(c["csg_deductible"]),
                csg_crds_non_deductible=Decimal(c["csg_crds_non_deductible"]),
            )
    return data.AttestationFormation(
        caisse=caisse,
        identite=personne,
        emise_le=row.date_emission,
        annee=int(c["annee"]),
        cfp_payee=Decimal(c["cfp_payee"]),
        code_verification=code,
        url_verification=url,
    )


async def attestation_pdf(
    db: RequestSession, principal: Principal, attestation_id: int, _today: date
) -> bytes | None:
    found = await rows_by_ids(db, principal, Attestation, [attestation_id])
    row = found.get(attestation_id)
    return None if row is None else render_attestation(attestation_data(row))


async def releve_carriere_pdf(
    db: RequestSession, principal: Principal, travailleur_id: int, today: date
) -> bytes | None:
    """The relevé de carrière of a worker of the régime classique as of ``today``
    (global ID ``ReleveCarriere:<worker id>``)."""
    travailleur = (await travailleurs_by_ids(db, principal, [travailleur_id])).get(travailleur_id)
    if travailleur is None or travailleur.regime is Regime.MICRO:
        return None
    _, caisse, siret = await _owner(db, travailleur_id)
    rows = await rows_by_travailleur(db, principal, Cotisation, [travailleur_id])
    echeances = await rows_by_travailleur(db, principal, Echeance, [travailleur_id])
    annees = releve_carriere(
        travailleur, rows.get(travailleur_id, []), echeances.get(travailleur_id, []), today
    )
    return render_releve_carriere(
        data.ReleveCarriere(
            caisse=caisse_emettrice(caisse),
            identite=identite(travailleur, siret),
            emis_le=today,
            annees=tuple(
                data.AnneeCarriere(a.annee, a.revenu_cotise, a.trimestres) for a in annees
            ),
        )
    )


Renderer = Callable[[RequestSession, Principal, int, date], Awaitable[bytes | None]]

#: Document kinds downloadable at /documents/{global id}.pdf, by global-ID type name.
RENDERERS: dict[str, Renderer] = {
    "AvisAppel": avis_appel_pdf,
    "Attestation": attestation_pdf,
    "ReleveCarriere": releve_carriere_pdf,
}
