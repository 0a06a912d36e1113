"""The caisse's news (actualités), personalised per reader (SPEC §1, caisse information).

The former RSI portal showed each worker the news of their caisse chosen for them:
by region, by status (artisan, commerçant, micro-entrepreneur, retraité) and by
profession. An item targets each of these three axes with a list of values; an empty
list means everyone on that axis. A reader sees an item when, on every axis that
lists values, their own value is among them — so a news item "for artisans of
Bretagne" reaches exactly the artisans of Bretagne, whatever their profession.

Values are compared normalised (case, accents, hyphens and spacing ignored):
« Île-de-France » and « ile de france », « Boulanger-pâtissier » and « boulanger
pâtissier » are the same. The database keeps the normalised keys beside the labels,
so the SQL filter applies exactly this rule (see ``cles_du_lecteur``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Final, TypeVar

from domain.errors import DomainError
from domain.nomenclatures import Regime, Situation, StatutProfessionnel

T = TypeVar("T")


class StatutCible(StrEnum):
    """The reader categories of the portal: one per worker (``statut_cible``)."""

    ARTISAN = "ARTISAN"
    COMMERCANT = "COMMERCANT"
    MICRO = "MICRO"
    RETRAITE = "RETRAITE"


class Axe(StrEnum):
    """An axis of the targeting."""

    REGION = "REGION"
    STATUT = "STATUT"
    PROFESSION = "PROFESSION"


#: The 18 regions of France (13 metropolitan, 5 overseas), as the INSEE names them.
REGIONS: Final[tuple[str, ...]] = (
    "Auvergne-Rhône-Alpes",
    "Bourgogne-Franche-Comté",
    "Bretagne",
    "Centre-Val de Loire",
    "Corse",
    "Grand Est",
    "Hauts-de-France",
    "Île-de-France",
    "Normandie",
    "Nouvelle-Aquitaine",
    "Occitanie",
    "Pays de la Loire",
    "Provence-Alpes-Côte d'Azur",
    "Guadeloupe",
    "Martinique",
    "Guyane",
    "La Réunion",
    "Mayotte",
)

TITRE_MAX: Final = 200
CONTENU_MAX: Final = 20_000
PROFESSION_MAX: Final = 200
VALEURS_MAX: Final = 50

_SEPARATEURS: Final = re.compile(r"[\s\-‐‑–—'’_/.,]+")


def normaliser(texte: str) -> str:
    """The comparison key of a region or profession: lower case, no accents, words
    separated by one space (« Provence-Alpes-Côte d'Azur » → « provence alpes cote d azur »)."""
    decompose = unicodedata.normalize("NFKD", texte.casefold())
    sans_accents = "".join(c for c in decompose if not unicodedata.combining(c))
    return _SEPARATEURS.sub(" ", sans_accents).strip()


_REGIONS_PAR_CLE: Final = {normaliser(r): r for r in REGIONS}


def statut_cible(statut: StatutProfessionnel, regime: Regime, situation: Situation) -> StatutCible:
    """The portal's category of a worker: retired first, then micro-entrepreneur, then
    artisan, or commerçant (industriels are affiliated and informed as commerçants)."""
    if situation is Situation.RETRAITE:
        return StatutCible.RETRAITE
    if regime is Regime.MICRO:
        return StatutCible.MICRO
    if statut is StatutProfessionnel.ARTISAN:
        return StatutCible.ARTISAN
    return StatutCible.COMMERCANT


@dataclass(frozen=True, slots=True)
class Lecteur:
    """What the targeting looks at in a worker."""

    region: str
    statut: StatutCible
    profession: str


def cles_du_lecteur(lecteur: Lecteur) -> dict[Axe, str]:
    """The reader's key on each axis: an item matches when every axis it lists
    contains this key (the SQL filter is built from these)."""
    return {
        Axe.REGION: normaliser(lecteur.region),
        Axe.STATUT: lecteur.statut.value,
        Axe.PROFESSION: normaliser(lecteur.profession),
    }


@dataclass(frozen=True, slots=True)
class Ciblage:
    """Who an item is for: labels per axis (empty: everyone on that axis)."""

    regions: tuple[str, ...] = ()
    statuts: tuple[StatutCible, ...] = ()
    professions: tuple[str, ...] = ()

    def cles(self) -> dict[Axe, frozenset[str]]:
        return {
            Axe.REGION: frozenset(normaliser(r) for r in self.regions),
            Axe.STATUT: frozenset(s.value for s in self.statuts),
            Axe.PROFESSION: frozenset(normaliser(p) for p in self.professions),
        }


def concerne(ciblage: Ciblage, lecteur: Lecteur) -> bool:
    """True when the item is for this reader: on every axis that lists values, the
    reader's value is one of them."""
    cles = cles_du_lecteur(lecteur)
    return all(not valeurs or cles[axe] in valeurs for axe, valeurs in ciblage.cles().items())


class EtatActualite(StrEnum):
    """Where an item stands on a given day."""

    PROGRAMMEE = "PROGRAMMEE"  # publication date still to come
    EN_LIGNE = "EN_LIGNE"  # shown to the workers it targets
    EXPIREE = "EXPIREE"  # past its end date
    RETIREE = "RETIREE"  # withdrawn by an agent


def etat(
    date_publication: date, date_fin: date | None, date_retrait: date | None, today: date
) -> EtatActualite:
    """Online from its publication date to its end date, both included, unless withdrawn."""
    if date_retrait is not None:
        return EtatActualite.RETIREE
    if date_publication > today:
        return EtatActualite.PROGRAMMEE
    if date_fin is not None and date_fin < today:
        return EtatActualite.EXPIREE
    return EtatActualite.EN_LIGNE


@dataclass(frozen=True, slots=True)
class Publication:
    """A checked item, ready to be stored."""

    titre: str
    contenu: str
    date_publication: date
    date_fin: date | None
    ciblage: Ciblage


def verifier_publication(
    *,
    titre: str,
    contenu: str,
    date_publication: date | None,
    date_fin: date | None,
    regions: Sequence[str],
    statuts: Sequence[StatutCible | str],
    professions: Sequence[str],
    today: date,
) -> Publication:
    """An agent's item, checked: a title and a text, published today or later (today
    when not given), an end date not before publication, known regions and statuses,
    professions named. Duplicates are dropped; region labels become the official ones."""
    titre, contenu = " ".join(titre.split()), contenu.strip()
    if not titre:
        raise DomainError("Le titre est obligatoire.", field="titre", code="TITRE_VIDE")
    if len(titre) > TITRE_MAX:
        raise DomainError(
            f"Le titre dépasse {TITRE_MAX} caractères.", field="titre", code="TITRE_TROP_LONG"
        )
    if not contenu:
        raise DomainError("Le texte est obligatoire.", field="contenu", code="CONTENU_VIDE")
    if len(contenu) > CONTENU_MAX:
        raise DomainError(
            f"Le texte dépasse {CONTENU_MAX} caractères.",
            field="contenu",
            code="CONTENU_TROP_LONG",
        )
    publication = today if date_publication is None else date_publication
    if publication < today:
        raise DomainError(
            "La date de publication ne peut pas être passée : publiez aujourd'hui ou plus tard.",
            field="datePublication",
            code="DATE_PUBLICATION_PASSEE",
        )
    if date_fin is not None and date_fin < publication:
        raise DomainError(
            "La date de fin précède la date de publication.",
            field="dateFin",
            code="DATE_FIN_AVANT_PUBLICATION",
        )
    return Publication(
        titre,
        contenu,
        publication,
        date_fin,
        Ciblage(
            regions=_regions(regions),
            statuts=_statuts(statuts),
            professions=_professions(professions),
        ),
    )


def _trop(champ: str, valeurs: Sequence[object]) -> None:
    if len(valeurs) > VALEURS_MAX:
        raise DomainError(f"Au plus {VALEURS_MAX} valeurs.", field=champ, code="CIBLAGE_TROP_LARGE")


def _regions(regions: Sequence[str]) -> tuple[str, ...]:
    _trop("regions", regions)
    officielles: list[str] = []
    for rang, region in enumerate(regions):
        officielle = _REGIONS_PAR_CLE.get(normaliser(region))
        if officielle is None:
            raise DomainError(
                f"Région inconnue « {region} » : attendu une des 18 régions "
                "(ex. « Île-de-France », « Bretagne »).",
                field=f"regions.{rang}",
                code="REGION_INCONNUE",
            )
        officielles.append(officielle)
    return _uniques(officielles, normaliser)


def _statuts(statuts: Sequence[StatutCible | str]) -> tuple[StatutCible, ...]:
    _trop("statuts", statuts)
    connus: list[StatutCible] = []
    for rang, statut in enumerate(statuts):
        try:
            connus.append(StatutCible(statut))
        except ValueError:
            raise DomainError(
                f"Statut inconnu « {statut} » : attendu ARTISAN, COMMERCANT, MICRO ou RETRAITE.",
                field=f"statuts.{rang}",
                code="STATUT_INCONNU",
            ) from None
    return _uniques(connus, str)


def _professions(professions: Sequence[str]) -> tuple[str, ...]:
    _trop("professions", professions)
    propres: list[str] = []
    for rang, profession in enumerate(professions):
        propre = " ".join(profession.split())
        if not normaliser(propre):
            raise DomainError(
                "Profession vide : nommez-la ou retirez-la de la liste.",
                field=f"professions.{rang}",
                code="PROFESSION_VIDE",
            )
        if len(propre) > PROFESSION_MAX:
            raise DomainError(
                f"Profession de plus de {PROFESSION_MAX} caractères.",
                field=f"professions.{rang}",
                code="PROFESSION_TROP_LONGUE",
            )
        propres.append(propre)
    return _uniques(propres, normaliser)


def _uniques(valeurs: Iterable[T], cle: Callable[[T], str]) -> tuple[T, ...]:
    """The values in order, each key once (the first spelling wins)."""
    vues: dict[str, T] = {}
    for valeur in valeurs:
        vues.setdefault(cle(valeur), valeur)
    return tuple(vues.values())
