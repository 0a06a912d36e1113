"""The caisse's news: who an item is for, when it is online, what an agent may publish."""

from __future__ import annotations

from datetime import date

import pytest

from domain.actualites import (
    REGIONS,
    Ciblage,
    EtatActualite,
    Lecteur,
    StatutCible,
    concerne,
    etat,
    normaliser,
    statut_cible,
    verifier_publication,
)
from domain.errors import DomainError
from domain.nomenclatures import Regime, Situation, StatutProfessionnel

TODAY = date(2026, 11, 23)
ARTISAN_IDF = Lecteur("Île-de-France", StatutCible.ARTISAN, "Boulanger-pâtissier")


@pytest.mark.parametrize(
    ("texte", "cle"),
    [
        ("Île-de-France", "ile de france"),
        ("  ILE DE   FRANCE ", "ile de france"),
        ("Provence-Alpes-Côte d'Azur", "provence alpes cote d azur"),
        ("Provence-Alpes-Côte d’Azur", "provence alpes cote d azur"),
        ("Boulanger-pâtissier", "boulanger patissier"),
        ("Électricien", "electricien"),
    ],
)
def test_values_compare_without_case_accents_hyphens_or_spacing(texte: str, cle: str) -> None:
    assert normaliser(texte) == cle


@pytest.mark.parametrize(
    ("statut", "regime", "situation", "attendu"),
    [
        (StatutProfessionnel.ARTISAN, Regime.CLASSIQUE, Situation.ACTIF, StatutCible.ARTISAN),
        (
            StatutProfessionnel.COMMERCANT,
            Regime.CLASSIQUE,
            Situation.ACTIF,
            StatutCible.COMMERCANT,
        ),
        (
            StatutProfessionnel.INDUSTRIEL,
            Regime.CLASSIQUE,
            Situation.RADIE,
            StatutCible.COMMERCANT,
        ),
        (StatutProfessionnel.ARTISAN, Regime.MICRO, Situation.ACTIF, StatutCible.MICRO),
        (StatutProfessionnel.ARTISAN, Regime.MICRO, Situation.RETRAITE, StatutCible.RETRAITE),
        (
            StatutProfessionnel.COMMERCANT,
            Regime.CLASSIQUE,
            Situation.RETRAITE,
            StatutCible.RETRAITE,
        ),
    ],
)
def test_a_worker_reads_as_one_category_retired_first_then_micro(
    statut: StatutProfessionnel, regime: Regime, situation: Situation, attendu: StatutCible
) -> None:
    assert statut_cible(statut, regime, situation) is attendu


def test_an_item_without_targeting_is_for_everyone() -> None:
    assert concerne(Ciblage(), ARTISAN_IDF)
    assert concerne(Ciblage(), Lecteur("Corse", StatutCible.RETRAITE, "Fleuriste"))


@pytest.mark.parametrize(
    ("ciblage", "attendu"),
    [
        (Ciblage(regions=("Île-de-France",)), True),
        (Ciblage(regions=("ile-de-france",)), True),
        (Ciblage(regions=("Bretagne", "Île-de-France")), True),
        (Ciblage(regions=("Bretagne",)), False),
        (Ciblage(statuts=(StatutCible.ARTISAN,)), True),
        (Ciblage(statuts=(StatutCible.MICRO, StatutCible.RETRAITE)), False),
        (Ciblage(professions=("boulanger pâtissier",)), True),
        (Ciblage(professions=("Boulanger",)), False),
        (Ciblage(regions=("Île-de-France",), statuts=(StatutCible.ARTISAN,)), True),
        (Ciblage(regions=("Île-de-France",), statuts=(StatutCible.COMMERCANT,)), False),
        (
            Ciblage(
                regions=("Île-de-France",),
                statuts=(StatutCible.ARTISAN,),
                professions=("Coiffeur", "Boulanger-pâtissier"),
            ),
            True,
        ),
        (
            Ciblage(
                regions=("Bretagne",),
                statuts=(StatutCible.ARTISAN,),
                professions=("Boulanger-pâtissier",),
            ),
            False,
        ),
    ],
)
def test_every_listed_criterion_must_contain_the_readers_value(
    ciblage: Ciblage, attendu: bool
) -> None:
    assert concerne(ciblage, ARTISAN_IDF) is attendu


@pytest.mark.parametrize(
    ("publication", "fin", "retrait", "attendu"),
    [
        (date(2026, 11, 24), None, None, EtatActualite.PROGRAMMEE),
        (TODAY, None, None, EtatActualite.EN_LIGNE),
        (date(2026, 11, 1), TODAY, None, EtatActualite.EN_LIGNE),
        (date(2026, 11, 1), date(2026, 11, 22), None, EtatActualite.EXPIREE),
        (date(2026, 11, 1), None, date(2026, 11, 20), EtatActualite.RETIREE),
        (date(2026, 12, 1), None, date(2026, 11, 20), EtatActualite.RETIREE),
    ],
)
def test_an_item_is_online_from_its_publication_to_its_end_date_included(
    publication: date, fin: date | None, retrait: date | None, attendu: EtatActualite
) -> None:
    assert etat(publication, fin, retrait, TODAY) is attendu


def publication(**changes: object) -> dict[str, object]:
    return {
        "titre": "Fermeture exceptionnelle",
        "contenu": "L'accueil sera fermé le 26 décembre.",
        "date_publication": None,
        "date_fin": None,
        "regions": [],
        "statuts": [],
        "professions": [],
        "today": TODAY,
        **changes,
    }


def test_a_publication_is_cleaned_and_defaults_to_today() -> None:
    checked = verifier_publication(
        **publication(  # type: ignore[arg-type]
            titre="  Fermeture   exceptionnelle ",
            regions=["ile de france", "Île-de-France", "BRETAGNE"],
            statuts=["MICRO", StatutCible.MICRO, StatutCible.ARTISAN],
            professions=["Coiffeur", " coiffeur ", "Boulanger-pâtissier"],
        )
    )
    assert checked.titre == "Fermeture exceptionnelle"
    assert checked.date_publication == TODAY
    assert checked.ciblage == Ciblage(
        regions=("Île-de-France", "Bretagne"),
        statuts=(StatutCible.MICRO, StatutCible.ARTISAN),
        professions=("Coiffeur", "Boulanger-pâtissier"),
    )


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"titre": "   "}, "titre", "TITRE_VIDE"),
        ({"titre": "x" * 201}, "titre", "TITRE_TROP_LONG"),
        ({"contenu": "\n "}, "contenu", "CONTENU_VIDE"),
        ({"date_publication": date(2026, 11, 22)}, "datePublication", "DATE_PUBLICATION_PASSEE"),
        (
            {"date_publication": date(2026, 12, 1), "date_fin": date(2026, 11, 30)},
            "dateFin",
            "DATE_FIN_AVANT_PUBLICATION",
        ),
        ({"date_fin": date(2026, 11, 22)}, "dateFin", "DATE_FIN_AVANT_PUBLICATION"),
        ({"regions": ["Bretagne", "Bavière"]}, "regions.1", "REGION_INCONNUE"),
        ({"statuts": ["ARTISAN", "PROFESSION_LIBERALE"]}, "statuts.1", "STATUT_INCONNU"),
        ({"professions": ["Coiffeur", " - "]}, "professions.1", "PROFESSION_VIDE"),
        ({"professions": ["p" * 201]}, "professions.0", "PROFESSION_TROP_LONGUE"),
        ({"regions": ["Bretagne"] * 51}, "regions", "CIBLAGE_TROP_LARGE"),
    ],
)
def test_a_bad_publication_is_refused_naming_the_field(
    changes: dict[str, object], field: str, code: str
) -> None:
    with pytest.raises(DomainError) as refus:
        verifier_publication(**publication(**changes))  # type: ignore[arg-type]
    assert (refus.value.field, refus.value.code) == (field, code)


def test_an_item_may_end_the_day_it_is_published() -> None:
    checked = verifier_publication(**publication(date_fin=TODAY))  # type: ignore[arg-type]
    assert (checked.date_publication, checked.date_fin) == (TODAY, TODAY)


def test_the_eighteen_regions_have_distinct_keys() -> None:
    assert len(REGIONS) == len({normaliser(r) for r in REGIONS}) == 18
