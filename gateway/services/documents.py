"""Documents: gather what a PDF shows (visibility applied), then render it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from domain.cotisations import LIBELLES, CotisationCode
from domain.nomenclatures import StatutEcheance
from gateway.auth.principal import Principal
from gateway.db.engine import RequestSession
from gateway.db.models import AvisAppel, Caisse, Etablissement, Travailleur
from gateway.db.repositories.by_travailleur import rows_by_ids
from gateway.documents.avis_appel import render_avis_appel_rectificatif
from gateway.documents.data import (
    AvisAppelRectificatif,
    CaisseEmettrice,
    EcheanceAppel,
    IdentiteTravailleur,
    LigneAppel,
)
from gateway.global_ids import decode_global_id


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


def _statut(montant: Decimal, paye: Decimal, echeance: date, on: date) -> StatutEcheance:
    if paye >= montant:
        return StatutEcheance.PAYEE
    return StatutEcheance.EN_RETARD if echeance < on else StatutEcheance.A_VENIR


async def _owner(db: RequestSession, travailleur_id: int) -> tuple[Travailleur, Caisse, str | None]:
    travailleur = await db.scalar(select(Travailleur).where(Travailleur.id == travailleur_id))
    caisse = await db.scalar(select(Caisse).where(Caisse.id == travailleur.caisse_id))
    siret = await db.scalar(
        select(Etablissement.siret)
        .where(Etablissement.travailleur_id == travailleur_id)
        .order_by(Etablissement.principal.desc(), Etablissement.id)
        .limit(1)
    )
    return travailleur, caisse, siret


async def document_pdf(db: RequestSession, principal: Principal, global_id: str) -> bytes | None:
    """The PDF behind a document's global ID, if the principal may see its worker;
    None otherwise (unknown, malformed and invisible look the same)."""
    decoded = decode_global_id(global_id)
    if decoded is None or not decoded[1].isdigit():
        return None
    renderer = RENDERERS.get(decoded[0])
    return None if renderer is None else await renderer(db, principal, int(decoded[1]))


async def avis_appel_pdf(db: RequestSession, principal: Principal, avis_id: int) -> bytes | None:
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
                    statut=_statut(
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


Renderer = Callable[[RequestSession, Principal, int], Awaitable[bytes | None]]

#: Document kinds downloadable at /documents/{global id}.pdf, by global-ID type name.
RENDERERS: dict[str, Renderer] = {"AvisAppel": avis_appel_pdf}
