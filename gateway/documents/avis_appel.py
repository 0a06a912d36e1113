"""Avis d'appel rectificatif: the caisse's answer to an income estimate (SPEC §4).

It is the worker's proof of what is now called and when: the estimated income, the
provisional contributions recomputed on it line by line, and the rebuilt schedule.
It also carries the under-estimation warning, because the estimate is the worker's
own figure and the difference comes back at regularisation.
"""

from __future__ import annotations

from decimal import Decimal

from domain.nomenclatures import StatutEcheance
from gateway.documents.data import AvisAppelRectificatif
from gateway.documents.layout import DocumentPdf, euros, jour

TITRE = "Avis d'appel de cotisations rectificatif"

STATUTS = {
    StatutEcheance.A_VENIR: "À venir",
    StatutEcheance.EN_RETARD: "En retard",
    StatutEcheance.PAYEE: "Payée",
    StatutEcheance.ANNULEE: "Annulée",
    StatutEcheance.REJETE: "Prélèvement rejeté",
}


def avertissement_sous_estimation(annee: int) -> str:
    return (
        "En cas de sous-estimation, la différence sera régularisée lorsque vous aurez "
        f"déclaré vos revenus {annee} : les cotisations définitives seront alors "
        "calculées sur votre revenu réel et la différence vous sera appelée."
    )


def render_avis_appel_rectificatif(data: AvisAppelRectificatif) -> bytes:
    pdf = DocumentPdf(data.caisse, TITRE, data.emis_le)
    pdf.identity_block(data.identite)
    if data.reference:
        pdf.key_values([("Référence", data.reference)], label_width=25)
    pdf.paragraph(
        f"Suite à l'estimation de votre revenu {data.annee}, vos cotisations et "
        "contributions sociales provisionnelles ont été recalculées et votre échéancier "
        "a été modifié. Le présent avis remplace le précédent appel de cotisations "
        f"provisionnelles {data.annee}."
    )
    pdf.key_values(
        [
            (f"Revenu estimé {data.annee}", euros(data.revenu_estime)),
            ("Cotisations provisionnelles", euros(data.total)),
        ]
    )

    pdf.grid(
        ("Cotisation", "Assiette", "Montant"),
        [(ligne.libelle, euros(ligne.assiette), euros(ligne.montant)) for ligne in data.lignes],
        widths=(56, 24, 20),
        aligns=("LEFT", "RIGHT", "RIGHT"),
        total=("Total", "", euros(data.total)),
        title=f"Cotisations provisionnelles {data.annee} recalculées",
    )

    actives = [e for e in data.echeances if e.statut != StatutEcheance.ANNULEE]
    pdf.grid(
        ("Date d'échéance", "Montant", "Statut"),
        [(jour(e.date), euros(e.montant), STATUTS[e.statut]) for e in data.echeances],
        widths=(35, 35, 30),
        aligns=("LEFT", "RIGHT", "LEFT"),
        total=(
            "Total de l'échéancier",
            euros(sum((e.montant for e in actives), Decimal(0))),
            "",
        ),
        title="Nouvel échéancier",
    )

    pdf.section("Important")
    pdf.paragraph(avertissement_sous_estimation(data.annee), bold=True)
    pdf.paragraph(
        "Les échéances passées ou dues dans les 15 jours suivant votre estimation ne sont "
        "pas modifiées ; le nouveau montant est réparti sur les échéances suivantes.",
        size=9,
    )
    return pdf.to_bytes()
