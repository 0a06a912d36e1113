"""Relevé de carrière: income credited for retirement and quarters validated (SPEC §6).

The worker uses it to check their retirement rights year by year, so each year shows
the figure the quarters come from; the rule is restated under the table because the
income shown is not the declared income but the one retirement contributions were
actually paid on.
"""

from __future__ import annotations

from gateway.documents.data import AnneeCarriere, ReleveCarriere
from gateway.documents.layout import DocumentPdf, euros

TITRE = "Relevé de carrière"
NON_CALCULE = "non calculé"


def _trimestres(n: int) -> str:
    return f"{n} trimestre{'s' if n > 1 else ''}"


def _row(a: AnneeCarriere) -> tuple[str, str, str]:
    if a.revenu_cotise is None or a.trimestres is None:
        return (str(a.annee), NON_CALCULE, NON_CALCULE)
    return (str(a.annee), euros(a.revenu_cotise), str(a.trimestres))


def render_releve_carriere(data: ReleveCarriere) -> bytes:
    pdf = DocumentPdf(data.caisse, TITRE, data.emis_le)
    pdf.identity_block(data.identite)
    annees = sorted(data.annees, key=lambda a: a.annee)
    if annees:
        pdf.paragraph(
            f"Périodes d'activité indépendante de {annees[0].annee} à {annees[-1].annee} "
            "enregistrées par la caisse pour la retraite de base."
        )
        pdf.grid(
            ("Année", "Revenu cotisé (retraite de base)", "Trimestres validés"),
            [_row(a) for a in annees],
            widths=(20, 45, 35),
            aligns=("LEFT", "RIGHT", "RIGHT"),
            total=("Total", "", str(data.total_trimestres)),
        )
        pdf.key_values([("Total validé", _trimestres(data.total_trimestres))], label_width=30)
        if any(a.revenu_cotise is None for a in annees):
            pdf.paragraph(
                "Les années marquées « non calculé » sont des années d'activité pour "
                "lesquelles la caisse ne dispose pas du barème (plafond, SMIC) : leurs "
                "trimestres ne sont pas calculés ici et ne figurent pas dans le total.",
                size=9,
            )
    else:
        pdf.paragraph("Aucune période cotisée n'est enregistrée pour le moment.")
    pdf.section("Comment ces montants sont établis")
    pdf.paragraph(
        "Le revenu cotisé d'une année est la cotisation de retraite de base effectivement "
        "payée divisée par son taux (17,75 %), dans la limite de l'assiette de cette "
        "cotisation pour l'année et du plafond annuel de la sécurité sociale. Un "
        "trimestre est validé pour chaque tranche de revenu cotisé égale à 150 heures "
        "de SMIC (SMIC horaire au 1er janvier de l'année), dans la "
        "limite de 4 trimestres par an.",
        size=9,
    )
    pdf.paragraph(
        "Une cotisation payée après l'édition de ce relevé sera prise en compte dans le suivant.",
        size=9,
    )
    return pdf.to_bytes()
