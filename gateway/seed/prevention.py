"""« Ma prévention santé » of the demo: a few ayants droit and records for demo workers,
and the caisse's prevention advice by profession, age and sex.

The documented identities are left as they are; only rows of this section are added.
Dates of the youngest child are relative to the demo date so the infant series always
shows something due; every status comes from ``domain.prevention``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from domain.actualites import Ciblage
from domain.prevention import Duree, LienAyantDroit, Programme, Sexe, ajouter
from gateway.clock import start_of_day
from gateway.db.models_caisse import Actualite, CibleActualite
from gateway.db.models_prevention import (
    ActePrevention,
    AyantDroit,
    ConseilPrevention,
    PreferencePrevention,
)
from gateway.seed.actualites import BATIMENT
from gateway.seed.demo_identites import NIR_ARTISAN, NIR_COMMERCANT

P = Programme


@dataclass(frozen=True, slots=True)
class ConseilDemo:
    titre: str
    contenu: str
    professions: tuple[str, ...] = ()
    age_min: int | None = None
    age_max: int | None = None
    sexe: Sexe | None = None


CONSEILS: tuple[ConseilDemo, ...] = (
    ConseilDemo(
        "Boulangers : la farine et vos voies respiratoires",
        "La poussière de farine est la première cause d'asthme professionnel. Versez les sacs "
        "doucement, nettoyez par aspiration plutôt qu'au balai et parlez de toute gêne "
        "respiratoire à votre médecin.",
        professions=("Boulanger-pâtissier",),
    ),
    ConseilDemo(
        "Coiffure et esthétique : protégez votre peau et votre dos",
        "Gants pour les shampooings et colorations, crème après le travail, siège à bonne "
        "hauteur et pauses régulières limitent eczéma et douleurs de dos.",
        professions=("Coiffeur", "Esthéticienne"),
    ),
    ConseilDemo(
        "Bâtiment : le bruit et les poussières",
        "Casque antibruit ou bouchons moulés, masque FFP3 pour les poussières de bois et de "
        "silice, aspiration à la source : votre audition et vos poumons ne se réparent pas.",
        professions=BATIMENT,
    ),
    ConseilDemo(
        "À partir de 50 ans : le dépistage du cancer colorectal",
        "Tous les deux ans de 50 à 74 ans, un test simple à faire chez soi, pris en charge à "
        "100 %. Demandez le kit à votre médecin ou à votre pharmacien.",
        age_min=50,
        age_max=74,
    ),
    ConseilDemo(
        "Femmes de 25 à 65 ans : le dépistage du cancer du col de l'utérus",
        "Examen cytologique à 25 et 26 ans puis tous les trois ans, test HPV tous les cinq "
        "ans à partir de 30 ans, chez votre médecin, gynécologue ou sage-femme.",
        age_min=25,
        age_max=65,
        sexe=Sexe.F,
    ),
)


async def add_demo_prevention(
    session: AsyncSession,
    caisse_id: int,
    travailleurs: dict[str, int],
    today: date,
    agent_id: int | None,
) -> int:
    """Insert the demo's prevention rows; returns how many ayants droit were added."""
    for conseil in CONSEILS:
        row = Actualite(
            caisse_id=caisse_id,
            titre=conseil.titre,
            contenu=conseil.contenu,
            date_publication=today - timedelta(days=15),
            date_fin=None,
            auteur_id=agent_id,
        )
        session.add(row)
        await session.flush()
        session.add_all(CibleActualite.rows_for(row.id, Ciblage(professions=conseil.professions)))
        session.add(
            ConseilPrevention(
                actualite_id=row.id,
                age_min=conseil.age_min,
                age_max=conseil.age_max,
                sexe=conseil.sexe,
            )
        )
    artisan, commercant = travailleurs[NIR_ARTISAN], travailleurs[NIR_COMMERCANT]
    bebe = today - timedelta(days=100)
    famille = [
        ("Sophie", date(1986, 4, 17), Sexe.F, LienAyantDroit.CONJOINT),
        ("Lucas", date(2014, 9, 2), Sexe.M, LienAyantDroit.ENFANT),
        ("Emma", bebe, Sexe.F, LienAyantDroit.ENFANT),
    ]
    membres = {}
    for prenom, naissance, sexe, lien in famille:
        membre = AyantDroit(
            travailleur_id=artisan,
            prenom=prenom,
            date_naissance=naissance,
            sexe=sexe,
            lien=lien,
        )
        session.add(membre)
        membres[prenom] = membre
    await session.flush()
    actes = [
        (artisan, None, P.RAPPEL_DTP_ADULTE, date(2010, 1, 15), "DTP-0915"),
        (artisan, membres["Sophie"].id, P.DEPISTAGE_COL_UTERUS_CYTOLOGIE, date(2024, 3, 12), None),
        (artisan, membres["Lucas"].id, P.VACCINATION_HPV, date(2025, 10, 6), "HPV-2510"),
        (
            artisan,
            membres["Emma"].id,
            P.NOURRISSON_DTCAP_HIB_HEPB,
            ajouter(bebe, Duree(mois=2)),
            None,
        ),
        (artisan, membres["Emma"].id, P.NOURRISSON_PNEUMOCOQUE, ajouter(bebe, Duree(mois=2)), None),
        (commercant, None, P.DEPISTAGE_COL_UTERUS_CYTOLOGIE, date(2023, 5, 10), None),
    ]
    session.add_all(
        ActePrevention(
            travailleur_id=owner,
            ayant_droit_id=membre_id,
            programme=programme,
            date_realisation=quand,
            numero_lot=lot,
            enregistre_le=start_of_day(today),
        )
        for owner, membre_id, programme, quand, lot in actes
    )
    session.add(PreferencePrevention(travailleur_id=artisan, rappels_actifs=True))
    await session.flush()
    return len(famille)
