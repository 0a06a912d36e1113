"""The four attestations of SPEC §6, one renderer dispatching on the data's type.

The wording states only what the caisse establishes (up to date, amounts of a year),
in the third person throughout; whether the worker is entitled to the attestation is
decided before, by the service that builds the data. Vigilance and marché public are
handed to client companies and public buyers: they show the business (name, SIREN,
SIRET, address), never the NIR. Validity dates and the verification code appear
exactly for the types that have them: vigilance (6 months, code), formation
professionnelle (code); marché public is a situation at 31 December; CSG-CRDS is a
statement of amounts.
"""

from __future__ import annotations

from gateway.documents.data import (
    Attestation,
    AttestationCsgCrds,
    AttestationFormation,
    AttestationMarchePublic,
    AttestationVigilance,
    Entreprise,
    IdentiteTravailleur,
)
from gateway.documents.layout import (
    DocumentPdf,
    format_siren,
    format_siret,
    jour,
    with_article,
)

TITRES = {
    AttestationVigilance: "Attestation de vigilance",
    AttestationMarchePublic: "Attestation de régularité - marché public",
    AttestationCsgCrds: "Attestation de CSG-CRDS",
    AttestationFormation: "Attestation de contribution à la formation professionnelle",
}


def render_attestation(data: Attestation) -> bytes:
    pdf = DocumentPdf(data.caisse, TITRES[type(data)], data.emise_le, feminin=True)
    match data:
        case AttestationVigilance():
            pdf.business_block(data.entreprise)
            _vigilance(pdf, data)
        case AttestationMarchePublic():
            pdf.business_block(data.entreprise)
            _marche_public(pdf, data)
        case AttestationCsgCrds():
            pdf.identity_block(data.identite)
            _csg_crds(pdf, data)
        case AttestationFormation():
            pdf.identity_block(data.identite)
            _formation(pdf, data)
    pdf.ln(4)
    pdf.paragraph(f"Fait le {jour(data.emise_le)}, pour {with_article(data.caisse.nom)}.", size=9)
    return pdf.to_bytes()


def _designation(identite: IdentiteTravailleur) -> str:
    siret = f" (SIRET {format_siret(identite.siret)})" if identite.siret else ""
    return f"{identite.nom_complet}{siret}"


def _entreprise(entreprise: Entreprise) -> str:
    """ "l'entreprise Maison Lefebvre (SIREN 812 345 678), dont le titulaire est …"."""
    siren = f" (SIREN {format_siren(entreprise.siren)})" if entreprise.siren else ""
    if entreprise.denomination == entreprise.titulaire:
        return f"l'entreprise individuelle de {entreprise.titulaire}{siren}"
    return (
        f"l'entreprise {entreprise.denomination}{siren}, dont le titulaire est "
        f"{entreprise.titulaire},"
    )


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
        f"{with_article(data.caisse.nom, capital=True)} atteste que "
        f"{_entreprise(data.entreprise)} {_situation(data.sous_plan_apurement)} à la date "
        f"du {jour(data.emise_le)}."
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
        f"{with_article(data.caisse.nom, capital=True)} atteste que "
        f"{_entreprise(data.entreprise)} {_situation(data.sous_plan_apurement)} au "
        f"{jour(data.situation_au)}."
    )
    pdf.key_values([("Situation au", jour(data.situation_au))], label_width=30)
    pdf.paragraph(
        "Cette attestation est destinée à être jointe à une candidature à un marché public.",
        size=9,
    )


def _csg_crds(pdf: DocumentPdf, data: AttestationCsgCrds) -> None:
    pdf.paragraph(
        f"{with_article(data.caisse.nom, capital=True)} atteste que la CSG et la CRDS "
        f"définitives de {_designation(data.identite)} au titre de l'année {data.annee} "
        "s'élèvent à :"
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
    """What is due for the year and what was paid of it on the issue date, side by side:
    a CFP partly paid (instalments not yet due) is not mistaken for the CFP itself."""
    le = jour(data.emise_le)
    pdf.paragraph(
        f"{with_article(data.caisse.nom, capital=True)} atteste que la contribution à la "
        f"formation professionnelle (CFP) due par {_designation(data.identite)} au titre "
        f"de l'année {data.annee}, et ce qui en a été payé au {le}, s'élèvent à :"
    )
    rows = [
        (f"CFP due au titre de {data.annee}", data.cfp_due),
        (f"CFP payée au {le}", data.cfp_payee),
    ]
    reste = data.cfp_due - data.cfp_payee
    if reste > 0:
        rows.append((f"Reste à payer au {le}", reste))
    pdf.amounts(rows)
    pdf.paragraph(
        "Cette attestation permet au travailleur indépendant de justifier de sa contribution "
        "à la formation professionnelle auprès de son fonds d'assurance formation.",
        size=9,
    )
    pdf.verification_block(data.code_verification, data.url_verification)
