"""The four attestations of SPEC §6, one renderer dispatching on the data's type.

The wording states only what the caisse establishes (up to date, amounts of a year);
whether the worker is entitled to the attestation is decided before, by the service
that builds the data. Validity dates and the verification code appear exactly for
the types that have them: vigilance (6 months, code), formation professionnelle
(code); marché public is a situation at 31 December; CSG-CRDS is a statement of
amounts.
"""

from __future__ import annotations

from gateway.documents.data import (
    Attestation,
    AttestationCsgCrds,
    AttestationFormation,
    AttestationMarchePublic,
    AttestationVigilance,
    IdentiteTravailleur,
)
from gateway.documents.layout import DocumentPdf, format_siret, jour

TITRES = {
    AttestationVigilance: "Attestation de vigilance",
    AttestationMarchePublic: "Attestation de régularité - marché public",
    AttestationCsgCrds: "Attestation de CSG-CRDS",
    AttestationFormation: "Attestation de contribution à la formation professionnelle",
}


def render_attestation(data: Attestation) -> bytes:
    pdf = DocumentPdf(data.caisse, TITRES[type(data)], data.emise_le)
    pdf.identity_block(data.identite)
    match data:
        case AttestationVigilance():
            _vigilance(pdf, data)
        case AttestationMarchePublic():
            _marche_public(pdf, data)
        case AttestationCsgCrds():
            _csg_crds(pdf, data)
        case AttestationFormation():
            _formation(pdf, data)
    pdf.ln(4)
    pdf.paragraph(f"Fait le {jour(data.emise_le)}, pour la {data.caisse.nom}.", size=9)
    return pdf.to_bytes()


def _designation(identite: IdentiteTravailleur) -> str:
    siret = f" (SIRET {format_siret(identite.siret)})" if identite.siret else ""
    return f"{identite.nom_complet}{siret}"


def _situation(sous_plan: bool) -> str:
    if sous_plan:
        return (
            "a souscrit toutes ses déclarations de revenus et respecte le plan d'apurement "
            "de sa dette accordé par la caisse"
        )
    return (
        "a souscrit toutes ses déclarations de revenus et est à jour du paiement de ses "
        "cotisations et contributions sociales"
    )


def _vigilance(pdf: DocumentPdf, data: AttestationVigilance) -> None:
    pdf.paragraph(
        f"La {data.caisse.nom} atteste que {_designation(data.identite)} "
        f"{_situation(data.sous_plan_apurement)} à la date du {jour(data.emise_le)}."
    )
    pdf.key_values(
        [("Valable du", jour(data.valide_du)), ("Jusqu'au", jour(data.valide_au))],
        label_width=30,
    )
    pdf.paragraph(
        "Attestation délivrée en application de l'article L.243-15 du code de la sécurité "
        "sociale. Le donneur d'ordre qui la reçoit doit en vérifier l'authenticité.",
        size=9,
    )
    pdf.verification_block(data.code_verification, data.url_verification)


def _marche_public(pdf: DocumentPdf, data: AttestationMarchePublic) -> None:
    pdf.paragraph(
        f"La {data.caisse.nom} atteste que {_designation(data.identite)} "
        f"{_situation(data.sous_plan_apurement)} au {jour(data.situation_au)}."
    )
    pdf.key_values([("Situation au", jour(data.situation_au))], label_width=30)
    pdf.paragraph(
        "Cette attestation est destinée à être jointe à une candidature à un marché public.",
        size=9,
    )


def _csg_crds(pdf: DocumentPdf, data: AttestationCsgCrds) -> None:
    pdf.paragraph(
        f"La {data.caisse.nom} atteste que la CSG et la CRDS définitives de "
        f"{_designation(data.identite)} au titre de l'année {data.annee} s'élèvent à :"
    )
    pdf.amounts(
        [
            ("CSG déductible", data.csg_deductible),
            ("CSG-CRDS non déductible", data.csg_crds_non_deductible),
        ],
        total=f"Total CSG-CRDS {data.annee}",
    )
    pdf.paragraph(
        "Seule la CSG déductible vient en déduction du revenu imposable ; la part non "
        "déductible reste comprise dans le revenu imposable.",
        size=9,
    )


def _formation(pdf: DocumentPdf, data: AttestationFormation) -> None:
    pdf.paragraph(
        f"La {data.caisse.nom} atteste que {_designation(data.identite)} a versé, au titre "
        f"de l'année {data.annee}, la contribution à la formation professionnelle (CFP) "
        "suivante :"
    )
    pdf.amounts([(f"CFP payée au titre de {data.annee}", data.cfp_payee)])
    pdf.paragraph(
        "Cette attestation justifie de vos droits auprès de votre fonds d'assurance formation.",
        size=9,
    )
    pdf.verification_block(data.code_verification, data.url_verification)
