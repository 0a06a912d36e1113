"""Documents: gather what a PDF shows (visibility applied), then render it.

A download is a :class:`Telechargement`: the PDF and a readable file name (the kind
of document, the SIREN — or the worker's name when they have none — and the date),
so a client company filing twenty attestations can tell them apart.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from domain.compte import statut_echeance
from domain.cotisations import LIBELLES, CotisationCode
from domain.nomenclatures import Regime, TypeAttestation
from domain.recherche import search_key
from gateway.auth.principal import Principal
from gateway.db.engine import RequestSession
from gateway.db.models import (
    Attestation,
    AvisAppel,
    Caisse,
    Cotisation,
    Echeance,
    Etablissement,
    Travailleur,
)
from gateway.db.repositories import delais as delais_repository
from gateway.db.repositories.by_travailleur import every_row, read_rows, rows_by_ids
from gateway.db.repositories.travailleurs import travailleurs_by_ids
from gateway.documents import data
from gateway.documents.attestations import render_attestation
from gateway.documents.avis_appel import render_avis_appel_rectificatif
from gateway.documents.data import (
    AvisAppelRectificatif,
    CaisseEmettrice,
    EcheanceAppel,
    Entreprise,
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


@dataclass(frozen=True, slots=True)
class Telechargement:
    """A PDF to send, with the name it is saved under."""

    pdf: bytes
    nom_fichier: str


def file_name(kind: str, siret: str | None, nom: str, prenom: str, day: date) -> str:
    """``attestation-vigilance-812345678-2026-06-10.pdf``; the worker's name when no
    SIREN is known (ASCII letters, digits and dashes only: safe in any header)."""
    who = siret[:9] if siret else "-".join(search_key(f"{nom} {prenom}").split())
    text = f"{kind}-{who}-{day.isoformat()}"
    safe = "".join(c if c.isascii() and (c.isalnum() or c == "-") else "-" for c in text)
    return f"{safe}.pdf"


async def document_pdf(
    db: RequestSession, principal: Principal, global_id: str, today: date
) -> Telechargement | None:
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
) -> Telechargement | None:
    """The PDF of an avis d'appel rectificatif."""
    found = await rows_by_ids(db, principal, AvisAppel, [avis_id])
    avis = found.get(avis_id)
    if avis is None:
        return None
    travailleur, caisse, siret = await _owner(db, avis.travailleur_id)
    contenu = avis.contenu
    pdf = render_avis_appel_rectificatif(
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
    nom = file_name(
        f"avis-appel-rectificatif-{avis.annee}",
        siret,
        travailleur.nom,
        travailleur.prenom,
        avis.date_emission,
    )
    return Telechargement(pdf, nom)


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


def entreprise_json(
    travailleur: Travailleur, etablissement: Etablissement | None
) -> dict[str, Any]:
    """The business printed on the attestations client companies receive: its
    établissement (enseigne, SIRET, address), else the entrepreneur's own name."""
    titulaire = IdentiteTravailleur(
        travailleur.civilite, travailleur.prenom, travailleur.nom, travailleur.nir
    ).nom_complet
    noms = {"nom": travailleur.nom, "prenom": travailleur.prenom, "titulaire": titulaire}
    if etablissement is None:
        return {**noms, "denomination": titulaire, "siret": None, "adresse": []}
    return {
        **noms,
        "denomination": etablissement.enseigne,
        "siret": etablissement.siret,
        "adresse": [
            etablissement.adresse,
            f"{etablissement.code_postal} {etablissement.ville}",
        ],
    }


def entreprise_of(contenu: dict[str, Any]) -> Entreprise:
    """The business of an issued attestation; one issued before the business was
    recorded names the worker and their SIRET (its NIR is never shown)."""
    if "entreprise" in contenu:
        e = contenu["entreprise"]
        return Entreprise(e["denomination"], e["titulaire"], e["siret"], tuple(e["adresse"]))
    i = contenu["identite"]
    titulaire = f"{i['civilite']} {i['prenom']} {i['nom'].upper()}"
    return Entreprise(titulaire, titulaire, i.get("siret"), tuple(i["adresse"]))


def attestation_data(row: Attestation) -> data.Attestation:
    """The renderer's data from an issued attestation's ``contenu``: never recomputed,
    the document says what it said the day it was issued."""
    c = row.contenu
    caisse = CaisseEmettrice(**c["caisse"])
    code = row.code_verification or ""
    url = c.get("url_verification")
    match row.type:
        case TypeAttestation.VIGILANCE:
            return data.AttestationVigilance(
                caisse=caisse,
                entreprise=entreprise_of(c),
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
                entreprise=entreprise_of(c),
                emise_le=row.date_emission,
                situation_au=date.fromisoformat(c["situation_au"]),
                sous_plan_apurement=bool(c["sous_plan_apurement"]),
            )
    personne = IdentiteTravailleur(**{**c["identite"], "adresse": tuple(c["identite"]["adresse"])})
    if row.type is TypeAttestation.CSG_CRDS:
        return data.AttestationCsgCrds(
            caisse=caisse,
            identite=personne,
            emise_le=row.date_emission,
            annee=int(c["annee"]),
            csg_deductible=Decimal(c["csg_deductible"]),
            csg_crds_non_deductible=Decimal(c["csg_crds_non_deductible"]),
        )
    payee = Decimal(c["cfp_payee"])
    return data.AttestationFormation(
        caisse=caisse,
        identite=personne,
        emise_le=row.date_emission,
        annee=int(c["annee"]),
        # Issued before the due amount was recorded: it was the amount paid.
        cfp_due=Decimal(c.get("cfp_due", payee)),
        cfp_payee=payee,
        code_verification=code,
        url_verification=url,
    )


#: File-name prefix of each attestation type.
FICHIERS_ATTESTATION = {
    TypeAttestation.VIGILANCE: "attestation-vigilance",
    TypeAttestation.MARCHE_PUBLIC: "attestation-marche-public",
    TypeAttestation.CSG_CRDS: "attestation-csg-crds",
    TypeAttestation.FORMATION_PROFESSIONNELLE: "attestation-formation-professionnelle",
}


async def attestation_pdf(
    db: RequestSession, principal: Principal, attestation_id: int, _today: date
) -> Telechargement | None:
    found = await rows_by_ids(db, principal, Attestation, [attestation_id])
    row = found.get(attestation_id)
    if row is None:
        return None
    document = attestation_data(row)
    if isinstance(document, data.AttestationVigilance | data.AttestationMarchePublic):
        siret = document.entreprise.siret
        nom, prenom = document.entreprise.denomination, ""
    else:
        siret, nom, prenom = (
            document.identite.siret,
            document.identite.nom,
            document.identite.prenom,
        )
    kind = FICHIERS_ATTESTATION[row.type] + (f"-{row.annee}" if row.annee else "")
    return Telechargement(
        render_attestation(document), file_name(kind, siret, nom, prenom, row.date_emission)
    )


async def releve_carriere_pdf(
    db: RequestSession, principal: Principal, travailleur_id: int, today: date
) -> Telechargement | None:
    """The relevé de carrière of a worker of the régime classique as of ``today``
    (global ID ``ReleveCarriere:<worker id>``)."""
    travailleur = (await travailleurs_by_ids(db, principal, [travailleur_id])).get(travailleur_id)
    if travailleur is None or travailleur.regime is Regime.MICRO:
        return None
    _, caisse, siret = await _owner(db, travailleur_id)
    rows = await read_rows(db, principal, every_row(Cotisation), [travailleur_id])
    echeances = await read_rows(db, principal, every_row(Echeance), [travailleur_id])
    annees = releve_carriere(
        travailleur, rows.get(travailleur_id, []), echeances.get(travailleur_id, []), today
    )
    pdf = render_releve_carriere(
        data.ReleveCarriere(
            caisse=caisse_emettrice(caisse),
            identite=identite(travailleur, siret),
            emis_le=today,
            annees=tuple(
                data.AnneeCarriere(a.annee, a.revenu_cotise, a.trimestres) for a in annees
            ),
        )
    )
    nom = file_name("releve-carriere", siret, travailleur.nom, travailleur.prenom, today)
    return Telechargement(pdf, nom)


Renderer = Callable[[RequestSession, Principal, int, date], Awaitable[Telechargement | None]]

#: Document kinds downloadable at /documents/{global id}.pdf, by global-ID type name.
RENDERERS: dict[str, Renderer] = {
    "AvisAppel": avis_appel_pdf,
    "Attestation": attestation_pdf,
    "ReleveCarriere": releve_carriere_pdf,
}
