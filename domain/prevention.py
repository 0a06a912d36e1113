"""« Ma prévention santé »: the prevention and screening file of a worker's family.

Sources of the programme table (``PROGRAMMES``):
- the national organised-screening programmes (dépistages organisés): breast cancer
  (arrêté du 29 septembre 2006, cahier des charges), colorectal cancer (arrêté du
  23 septembre 2014), cervical cancer (arrêté du 4 mai 2018; HAS, recommandation
  de juillet 2019 on the HPV test from 30 years);
- the calendrier des vaccinations et recommandations vaccinales of the ministry of
  health (2025 edition): infants, children, adolescents (HPV), adult boosters at 25,
  45, 65 then every 10 years, seasonal influenza from 65.

A new year's calendar is a change of ``PROGRAMMES``, not of the rules below.

Ages are whole years at a date. "From A to B years" runs from the A-th birthday to
the day before the (B+1)-th. A person born on 29 February has their birthday on
1 March in common years; likewise a monthly anniversary that does not exist in a
month (born on the 31st) falls on the first day of the next month.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Final

from domain.errors import DomainError


class Sexe(StrEnum):
    """As on the NIR: F (first digit 2) or M (first digit 1)."""

    F = "F"
    M = "M"


class LienAyantDroit(StrEnum):
    """How an ayant droit is related to the worker."""

    CONJOINT = "CONJOINT"  # spouse, PACS or concubin partner
    ENFANT = "ENFANT"


class Nature(StrEnum):
    VACCINATION = "VACCINATION"
    DEPISTAGE = "DEPISTAGE"


class Programme(StrEnum):
    """The prevention actions of the table."""

    DEPISTAGE_CANCER_SEIN = "DEPISTAGE_CANCER_SEIN"
    DEPISTAGE_CANCER_COLORECTAL = "DEPISTAGE_CANCER_COLORECTAL"
    DEPISTAGE_COL_UTERUS_CYTOLOGIE = "DEPISTAGE_COL_UTERUS_CYTOLOGIE"
    DEPISTAGE_COL_UTERUS_TEST_HPV = "DEPISTAGE_COL_UTERUS_TEST_HPV"
    RAPPEL_DTP_ADULTE = "RAPPEL_DTP_ADULTE"
    GRIPPE_SAISONNIERE = "GRIPPE_SAISONNIERE"
    NOURRISSON_DTCAP_HIB_HEPB = "NOURRISSON_DTCAP_HIB_HEPB"
    NOURRISSON_PNEUMOCOQUE = "NOURRISSON_PNEUMOCOQUE"
    ROR = "ROR"
    RAPPEL_DTCAP_POLIO_6_ANS = "RAPPEL_DTCAP_POLIO_6_ANS"
    RAPPEL_DTCAP_POLIO_11_13_ANS = "RAPPEL_DTCAP_POLIO_11_13_ANS"
    VACCINATION_HPV = "VACCINATION_HPV"


class Statut(StrEnum):
    A_JOUR = "A_JOUR"  # next due date after the day considered (or series complete)
    A_FAIRE = "A_FAIRE"  # due: never recorded, or overdue by less than RETARD_JOURS
    EN_RETARD = "EN_RETARD"  # recorded at least once and overdue by RETARD_JOURS or more


#: Overdue by this many days or more, an action recorded before is EN_RETARD.
RETARD_JOURS: Final = 180


# --- dates -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Duree:
    """A length in calendar years and months."""

    annees: int = 0
    mois: int = 0


def ajouter(jour: date, duree: Duree) -> date:
    """``jour`` plus a number of years and months; a day that does not exist in the
    target month (29 February in a common year, 31 April) is the first of the next."""
    mois_total = jour.month - 1 + duree.mois + 12 * duree.annees
    annee, mois = jour.year + mois_total // 12, mois_total % 12 + 1
    try:
        return date(annee, mois, jour.day)
    except ValueError:
        return date(annee + mois // 12, mois % 12 + 1, 1)


def anniversaire(naissance: date, age: int) -> date:
    """The day a person turns ``age`` years (29 February births: 1 March in common years)."""
    return ajouter(naissance, Duree(annees=age))


def age_le(naissance: date, jour: date) -> int:
    """Age in whole years on ``jour``."""
    age = jour.year - naissance.year
    return age if anniversaire(naissance, age) <= jour else age - 1


# --- the schedules ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Periodique:
    """First due at ``premier``; then the last date plus ``intervalles[n - 1]`` after
    n records, the last interval repeating (cytology: 1 year, then every 3 years)."""

    premier: Duree
    intervalles: tuple[Duree, ...]


@dataclass(frozen=True, slots=True)
class SuiteDe:
    """Follows another programme: ``delai`` after its last record (or at ``premier``
    when it has none), then every ``intervalle`` (the HPV test after cytology)."""

    precedent: Programme
    delai: Duree
    premier: Duree
    intervalle: Duree


@dataclass(frozen=True, slots=True)
class Doses:
    """A series: dose n + 1 due at age ``ages[n]`` (n doses recorded); complete after
    the last one."""

    ages: tuple[Duree, ...]


@dataclass(frozen=True, slots=True)
class RappelsAges:
    """Boosters at fixed ages, then every ``puis_tous`` years: a dose counts for the
    last booster age reached on its date, the next is due at the following age."""

    ages: tuple[int, ...]
    puis_tous: int


@dataclass(frozen=True, slots=True)
class SchemaSelonAge:
    """A vaccine started at ``premier``; its doses follow ``intervalles`` when the
    first dose was given before ``rattrapage_des`` years, else ``intervalles_rattrapage``
    (catch-up), each from the previous dose."""

    premier: Duree
    intervalles: tuple[Duree, ...]
    rattrapage_des: int
    intervalles_rattrapage: tuple[Duree, ...]


@dataclass(frozen=True, slots=True)
class Saisonniere:
    """One dose per season, from 1 October to 31 March (``debut``, ``fin``: month, day)."""

    debut: tuple[int, int] = (10, 1)
    fin: tuple[int, int] = (3, 31)


Calendrier = Periodique | SuiteDe | Doses | RappelsAges | SchemaSelonAge | Saisonniere


@dataclass(frozen=True, slots=True)
class DefinitionProgramme:
    """One row of the table: who it is for (sexes, ages from ``age_min`` to ``age_max``
    years, None: no upper bound) and when it is due."""

    code: Programme
    nature: Nature
    libelle: str
    sexes: frozenset[Sexe]
    age_min: int
    age_max: int | None
    calendrier: Calendrier
    source: str


_TOUS = frozenset({Sexe.F, Sexe.M})
_F = frozenset({Sexe.F})
_DEPISTAGE = "Programme national de dépistage organisé"
_CALENDRIER = "Calendrier des vaccinations et recommandations vaccinales 2025"

PROGRAMMES: Final[tuple[DefinitionProgramme, ...]] = (
    DefinitionProgramme(
        Programme.DEPISTAGE_CANCER_SEIN,
        Nature.DEPISTAGE,
        "Dépistage du cancer du sein (mammographie)",
        _F,
        50,
        74,
        Periodique(Duree(annees=50), (Duree(annees=2),)),
        f"{_DEPISTAGE} du cancer du sein (arrêté du 29 septembre 2006)",
    ),
    DefinitionProgramme(
        Programme.DEPISTAGE_CANCER_COLORECTAL,
        Nature.DEPISTAGE,
        "Dépistage du cancer colorectal (test immunologique)",
        _TOUS,
        50,
        74,
        Periodique(Duree(annees=50), (Duree(annees=2),)),
        f"{_DEPISTAGE} du cancer colorectal (arrêté du 23 septembre 2014)",
    ),
    DefinitionProgramme(
        Programme.DEPISTAGE_COL_UTERUS_CYTOLOGIE,
        Nature.DEPISTAGE,
        "Dépistage du cancer du col de l'utérus (examen cytologique)",
        _F,
        25,
        29,
        Periodique(Duree(annees=25), (Duree(annees=1), Duree(annees=3))),
        f"{_DEPISTAGE} du cancer du col de l'utérus (arrêté du 4 mai 2018)",
    ),
    DefinitionProgramme(
        Programme.DEPISTAGE_COL_UTERUS_TEST_HPV,
        Nature.DEPISTAGE,
        "Dépistage du cancer du col de l'utérus (test HPV)",
        _F,
        30,
        65,
        SuiteDe(
            Programme.DEPISTAGE_COL_UTERUS_CYTOLOGIE,
            delai=Duree(annees=3),
            premier=Duree(annees=30),
            intervalle=Duree(annees=5),
        ),
        f"{_DEPISTAGE} du cancer du col de l'utérus; HAS, recommandation de juillet 2019",
    ),
    DefinitionProgramme(
        Programme.RAPPEL_DTP_ADULTE,
        Nature.VACCINATION,
        "Rappel diphtérie-tétanos-poliomyélite (avec coqueluche à 25 ans)",
        _TOUS,
        25,
        None,
        RappelsAges((25, 45, 65), puis_tous=10),
        _CALENDRIER,
    ),
    DefinitionProgramme(
        Programme.GRIPPE_SAISONNIERE,
        Nature.VACCINATION,
        "Vaccination contre la grippe saisonnière",
        _TOUS,
        65,
        None,
        Saisonniere(),
        _CALENDRIER,
    ),
    DefinitionProgramme(
        Programme.NOURRISSON_DTCAP_HIB_HEPB,
        Nature.VACCINATION,
        "Nourrisson : diphtérie, tétanos, coqueluche, poliomyélite, Haemophilus, hépatite B",
        _TOUS,
        0,
        1,
        Doses((Duree(mois=2), Duree(mois=4), Duree(mois=11))),
        _CALENDRIER,
    ),
    DefinitionProgramme(
        Programme.NOURRISSON_PNEUMOCOQUE,
        Nature.VACCINATION,
        "Nourrisson : pneumocoque",
        _TOUS,
        0,
        1,
        Doses((Duree(mois=2), Duree(mois=4), Duree(mois=11))),
        _CALENDRIER,
    ),
    DefinitionProgramme(
        Programme.ROR,
        Nature.VACCINATION,
        "Rougeole, oreillons, rubéole",
        _TOUS,
        0,
        1,
        Doses((Duree(mois=12), Duree(mois=16))),
        _CALENDRIER,
    ),
    DefinitionProgramme(
        Programme.RAPPEL_DTCAP_POLIO_6_ANS,
        Nature.VACCINATION,
        "Rappel diphtérie, tétanos, coqueluche, poliomyélite à 6 ans (DTCaP)",
        _TOUS,
        6,
        10,
        Doses((Duree(annees=6),)),
        _CALENDRIER,
    ),
    DefinitionProgramme(
        Programme.RAPPEL_DTCAP_POLIO_11_13_ANS,
        Nature.VACCINATION,
        "Rappel diphtérie, tétanos, coqueluche, poliomyélite de 11 à 13 ans (dTcaP)",
        _TOUS,
        11,
        13,
        Doses((Duree(annees=11),)),
        _CALENDRIER,
    ),
    DefinitionProgramme(
        Programme.VACCINATION_HPV,
        Nature.VACCINATION,
        "Vaccination contre les papillomavirus (HPV)",
        _TOUS,
        11,
        19,
        SchemaSelonAge(
            premier=Duree(annees=11),
            intervalles=(Duree(mois=6),),
            rattrapage_des=15,
            intervalles_rattrapage=(Duree(mois=2), Duree(mois=4)),
        ),
        _CALENDRIER,
    ),
)

DEFINITIONS: Final = {p.code: p for p in PROGRAMMES}


# --- the file ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Personne:
    """Whose file it is: the worker or an ayant droit."""

    date_naissance: date
    sexe: Sexe


@dataclass(frozen=True, slots=True)
class Action:
    """A recommended action on a day: its status, when it is next due (None: a series
    completed), how many times it was recorded and when last."""

    programme: DefinitionProgramme
    statut: Statut
    date_prochaine: date | None
    derniere_realisation: date | None
    realisations: int


def applicable(definition: DefinitionProgramme, personne: Personne, jour: date) -> bool:
    """The programme is for this person's sex and their age on ``jour``."""
    if personne.sexe not in definition.sexes:
        return False
    age = age_le(personne.date_naissance, jour)
    return age >= definition.age_min and (definition.age_max is None or age <= definition.age_max)


def statut(date_prochaine: date | None, realisations: int, jour: date) -> Statut:
    """A_JOUR before the due date; then A_FAIRE, or EN_RETARD once RETARD_JOURS late
    for an action done before."""
    if date_prochaine is None or date_prochaine > jour:
        return Statut.A_JOUR
    if realisations > 0 and (jour - date_prochaine).days >= RETARD_JOURS:
        return Statut.EN_RETARD
    return Statut.A_FAIRE


def _saison_debut(jour: date, saison: Saisonniere) -> date | None:
    """The first day of the season ``jour`` is in, or None between seasons."""
    debut_mois, debut_jour = saison.debut
    fin_mois, fin_jour = saison.fin
    if (jour.month, jour.day) >= (debut_mois, debut_jour):
        return date(jour.year, debut_mois, debut_jour)
    if (jour.month, jour.day) <= (fin_mois, fin_jour):
        return date(jour.year - 1, debut_mois, debut_jour)
    return None


def _prochaine_saison(jour: date, saison: Saisonniere) -> date:
    debut = date(jour.year, *saison.debut)
    return debut if debut > jour else date(jour.year + 1, *saison.debut)


def prochaine_date(
    definition: DefinitionProgramme,
    personne: Personne,
    dates: Sequence[date],
    jour: date,
    autres: Sequence[date] = (),
) -> date | None:
    """When the action is next due, from its recorded ``dates`` (and, for a follow-on
    programme, the ``autres`` dates of the one it follows); None when complete."""
    naissance = personne.date_naissance
    faites = sorted(dates)
    derniere = faites[-1] if faites else None
    calendrier = definition.calendrier
    if isinstance(calendrier, Periodique):
        if derniere is None:
            return ajouter(naissance, calendrier.premier)
        rang = min(len(faites), len(calendrier.intervalles)) - 1
        return ajouter(derniere, calendrier.intervalles[rang])
    if isinstance(calendrier, SuiteDe):
        if derniere is not None:
            return ajouter(derniere, calendrier.intervalle)
        a_partir_de = ajouter(naissance, calendrier.premier)
        if autres:
            # Never before the age the action starts at (HPV test: 30, however early the
            # last cytology was).
            return max(ajouter(max(autres), calendrier.delai), a_partir_de)
        return a_partir_de
    if isinstance(calendrier, Doses):
        if len(faites) >= len(calendrier.ages):
            return None
        return ajouter(naissance, calendrier.ages[len(faites)])
    if isinstance(calendrier, RappelsAges):
        return _rappel_suivant(calendrier, naissance, derniere)
    if isinstance(calendrier, SchemaSelonAge):
        if derniere is None:
            return ajouter(naissance, calendrier.premier)
        rattrapage = age_le(naissance, faites[0]) >= calendrier.rattrapage_des
        intervalles = calendrier.intervalles_rattrapage if rattrapage else calendrier.intervalles
        if len(faites) > len(intervalles):
            return None
        return ajouter(derniere, intervalles[len(faites) - 1])
    debut = _saison_debut(jour, calendrier)
    eligible = anniversaire(naissance, definition.age_min)
    if debut is None or (derniere is not None and derniere >= debut):
        return max(_prochaine_saison(jour, calendrier), eligible)
    return max(debut, eligible)


def _rappel_suivant(calendrier: RappelsAges, naissance: date, derniere: date | None) -> date:
    """The booster age after the one the last dose counted for (the first when none)."""
    ages = list(calendrier.ages)
    if derniere is None or derniere < anniversaire(naissance, ages[0]):
        return anniversaire(naissance, ages[0])
    age = age_le(naissance, derniere)
    while ages[-1] <= age:
        ages.append(ages[-1] + calendrier.puis_tous)
    return anniversaire(naissance, next(a for a in ages if a > age))


def dossier(
    personne: Personne, realisations: Sequence[tuple[Programme, date]], jour: date
) -> list[Action]:
    """The actions recommended to a person on ``jour``, in the table's order, each with
    its status and next due date. Programmes outside their age and sex are left out."""
    par_programme: dict[Programme, list[date]] = {}
    for code, quand in realisations:
        par_programme.setdefault(code, []).append(quand)
    actions = []
    for definition in PROGRAMMES:
        if not applicable(definition, personne, jour):
            continue
        dates = par_programme.get(definition.code, [])
        calendrier = definition.calendrier
        autres = (
            par_programme.get(calendrier.precedent, []) if isinstance(calendrier, SuiteDe) else []
        )
        prochaine = prochaine_date(definition, personne, dates, jour, autres)
        actions.append(
            Action(
                programme=definition,
                statut=statut(prochaine, len(dates), jour),
                date_prochaine=prochaine,
                derniere_realisation=max(dates) if dates else None,
                realisations=len(dates),
            )
        )
    return actions


# --- input checks ------------------------------------------------------------------------

PRENOM_MAX: Final = 100
NUMERO_LOT_MAX: Final = 40
AYANTS_DROIT_MAX: Final = 20


def verifier_prenom(prenom: str) -> str:
    propre = " ".join(prenom.split())
    if not propre:
        raise DomainError("Le prénom est obligatoire.", field="prenom", code="PRENOM_VIDE")
    if len(propre) > PRENOM_MAX:
        raise DomainError(
            f"Le prénom dépasse {PRENOM_MAX} caractères.", field="prenom", code="PRENOM_TROP_LONG"
        )
    return propre


def verifier_naissance(date_naissance: date, today: date) -> date:
    if date_naissance > today:
        raise DomainError(
            "La date de naissance ne peut pas être dans le futur.",
            field="dateNaissance",
            code="DATE_FUTURE",
        )
    if date_naissance.year < today.year - 130:
        raise DomainError(
            "La date de naissance est trop ancienne.",
            field="dateNaissance",
            code="DATE_NAISSANCE_INVRAISEMBLABLE",
        )
    return date_naissance


def verifier_realisation(
    code: Programme,
    nature: Nature,
    champ: str,
    personne: Personne,
    quand: date,
    today: date,
) -> DefinitionProgramme:
    """A vaccination or screening to record: of the right kind, for this person's sex,
    dated between their birth and today."""
    definition = DEFINITIONS[code]
    if definition.nature is not nature:
        attendu = "une vaccination" if nature is Nature.VACCINATION else "un dépistage"
        raise DomainError(
            f"« {definition.libelle} » n'est pas {attendu}.",
            field=champ,
            code="PROGRAMME_INADAPTE",
        )
    if personne.sexe not in definition.sexes:
        raise DomainError(
            f"« {definition.libelle} » ne concerne pas cette personne.",
            field=champ,
            code="PROGRAMME_INADAPTE",
        )
    if quand > today:
        raise DomainError(
            "La date ne peut pas être dans le futur.", field="date", code="DATE_FUTURE"
        )
    if quand < personne.date_naissance:
        raise DomainError(
            "La date précède la naissance de la personne.",
            field="date",
            code="DATE_AVANT_NAISSANCE",
        )
    return definition


def verifier_numero_lot(numero_lot: str | None) -> str | None:
    if numero_lot is None:
        return None
    propre = numero_lot.strip()
    if not propre:
        return None
    if len(propre) > NUMERO_LOT_MAX:
        raise DomainError(
            f"Le numéro de lot dépasse {NUMERO_LOT_MAX} caractères.",
            field="numeroLot",
            code="NUMERO_LOT_TROP_LONG",
        )
    return propre


def sexe_du_nir(nir: str) -> Sexe:
    """The sex on a NIR: its first digit, 1 (M) or 2 (F); 7 and 8 (temporary numbers)
    follow the same parity."""
    return Sexe.F if int(nir[0]) % 2 == 0 else Sexe.M


# --- reminders ---------------------------------------------------------------------------

#: A reminder is sent this many days before an action is due (up to its due date).
RAPPEL_JOURS_AVANT: Final = 30


def a_rappeler(action: Action, jour: date) -> bool:
    """Due within RAPPEL_JOURS_AVANT days from ``jour`` (the due day included)."""
    prochaine = action.date_prochaine
    return prochaine is not None and jour <= prochaine <= jour + timedelta(days=RAPPEL_JOURS_AVANT)


# --- prevention advice -------------------------------------------------------------------

AGE_CONSEIL_MAX: Final = 120


@dataclass(frozen=True, slots=True)
class ProfilConseil:
    """Who prevention advice is for, beyond the news targeting (professions): ages
    from ``age_min`` to ``age_max`` years and a sex, None meaning everyone."""

    age_min: int | None = None
    age_max: int | None = None
    sexe: Sexe | None = None


def verifier_profil_conseil(
    age_min: int | None, age_max: int | None, sexe: Sexe | None
) -> ProfilConseil:
    for champ, age in (("ageMin", age_min), ("ageMax", age_max)):
        if age is not None and not 0 <= age <= AGE_CONSEIL_MAX:
            raise DomainError(
                f"L'âge doit être compris entre 0 et {AGE_CONSEIL_MAX} ans.",
                field=champ,
                code="AGE_INVALIDE",
            )
    if age_min is not None and age_max is not None and age_max < age_min:
        raise DomainError(
            "L'âge maximal précède l'âge minimal.", field="ageMax", code="AGES_INVERSES"
        )
    return ProfilConseil(age_min, age_max, sexe)


def profil_concerne(profil: ProfilConseil, age: int, sexe: Sexe) -> bool:
    """The advice is for someone of this age and sex (the SQL filter applies the same)."""
    return (
        (profil.age_min is None or profil.age_min <= age)
        and (profil.age_max is None or age <= profil.age_max)
        and (profil.sexe is None or profil.sexe is sexe)
    )
