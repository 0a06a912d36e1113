"""The demo portfolio, loaded by ``gateway seed demo`` into a real (SQLite) database."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from stdnum import bic as bic_check
from stdnum import iban as iban_check
from stdnum.fr import nir as nir_check
from stdnum.fr import siret as siret_check

from domain import compte
from domain.base_provisionnelle import is_taxation_d_office
from domain.cotisations import NatureActivite, compute_cotisations
from domain.echeancier import Instalment, NatureEcheance, Periodicite
from domain.micro import ActiviteMicro
from domain.money import ZERO, round_cent
from domain.nomenclatures import (
    NatureCotisation,
    NatureRevenu,
    PeriodiciteDeclaration,
    Regime,
    Role,
    Situation,
    StatutMandat,
    StatutProfessionnel,
)
from domain.recherche import name_search_key
from gateway.auth.passwords import Passwords
from gateway.config import Settings
from gateway.db import models
from gateway.db.cotisation_detail import ligne_detail
from gateway.db.engine import create_engine, session_factory
from gateway.db.models import Base
from gateway.seed.demo import build_demo, seed_demo_command
from gateway.seed.demo_identites import (
    NIR_ARTISAN,
    NIR_COMMERCANT,
    NIR_HORS_CABINET,
    NIR_MICRO,
)
from gateway.seed.references import CAISSE
from gateway.seed.rows import ORDRE_INSERTION, Lignes
from gateway.seed.synthetic import admin_email, build_synthetic, seed_synthetic_command

TODAY = date(2026, 11, 23)
LAST_ACCOUNTING_DAY = date(2026, 11, 20)
MODELS = ORDRE_INSERTION  # every table the demo writes


def settings_for(path: Path) -> Settings:
    return Settings(
        database_url=f"sqlite+aiosqlite:///{path}",
        today=TODAY,
        argon2_time_cost=1,
        argon2_memory_cost=1024,
    )


async def _create_tables(url: str) -> None:
    engine = create_engine(url)
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    await engine.dispose()


async def _load(url: str) -> dict[type[Any], list[Any]]:
    engine = create_engine(url)
    try:
        async with session_factory(engine)() as session:
            return {m: list((await session.scalars(select(m))).all()) for m in MODELS}
    finally:
        await engine.dispose()


async def _count(url: str, model: type[Any]) -> int:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return int(
                (await connection.execute(select(func.count()).select_from(model))).scalar_one()
            )
    finally:
        await engine.dispose()


@dataclass
class Chargee:
    """The demo as read back from the database."""

    settings: Settings
    rows: dict[type[Any], list[Any]]

    def of(self, model: type[Any]) -> list[Any]:
        return self.rows[model]

    def travailleur(self, nir: str) -> models.Travailleur:
        trouve: models.Travailleur = next(t for t in self.of(models.Travailleur) if t.nir == nir)
        return trouve

    def par_travailleur(self, model: type[Any], travailleur_id: int) -> list[Any]:
        return [r for r in self.of(model) if r.travailleur_id == travailleur_id]

    def utilisateur(self, identifiant: str) -> models.Utilisateur:
        trouve: models.Utilisateur = next(
            u for u in self.of(models.Utilisateur) if u.identifiant == identifiant
        )
        return trouve


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chargee]:
    settings = settings_for(tmp_path_factory.mktemp("demo") / "demo.sqlite3")
    asyncio.run(_create_tables(settings.database_url))
    asyncio.run(seed_demo_command(settings, only_if_empty=True))
    yield Chargee(settings, asyncio.run(_load(settings.database_url)))


def test_the_documented_identities_log_in_with_their_roles(demo: Chargee) -> None:
    passwords = Passwords(1, 1024)
    for nir in (NIR_ARTISAN, NIR_COMMERCANT, NIR_MICRO, NIR_HORS_CABINET):
        user = demo.utilisateur(nir)
        assert user.role is Role.TRAVAILLEUR
        assert user.travailleur_id == demo.travailleur(nir).id
        assert passwords.verify(user.mot_de_passe_hash, "demo-travailleur-2026")
    expert, collab = (
        demo.utilisateur("expert@cabinet-demo.fr"),
        demo.utilisateur("collab@cabinet-demo.fr"),
    )
    cabinet = demo.of(models.Cabinet)[0]
    assert cabinet.nom == "Cabinet Démo Expertise"
    assert (expert.role, expert.cabinet_id, expert.administrateur_cabinet) == (
        Role.EXPERT_COMPTABLE,
        cabinet.id,
        True,
    )
    assert (collab.role, collab.cabinet_id, collab.administrateur_cabinet) == (
        Role.EXPERT_COMPTABLE,
        cabinet.id,
        False,
    )
    assert passwords.verify(expert.mot_de_passe_hash, "demo-expert-2026")
    assert passwords.verify(collab.mot_de_passe_hash, "demo-collab-2026")
    agent = demo.utilisateur("agent@caisse-demo.fr")
    assert (agent.role, agent.caisse_id) == (Role.AGENT, demo.of(models.Caisse)[0].id)
    assert passwords.verify(agent.mot_de_passe_hash, "demo-agent-2026")
    # Every worker shares the one hash of the one worker password (hashed once).
    travailleurs = [u for u in demo.of(models.Utilisateur) if u.role is Role.TRAVAILLEUR]
    assert len(travailleurs) == len(demo.of(models.Travailleur))
    assert len({u.mot_de_passe_hash for u in travailleurs}) == 1


def test_the_cabinet_has_at_least_48_clients_with_active_mandates(demo: Chargee) -> None:
    mandats = demo.of(models.Mandat)
    assert all(m.statut is StatutMandat.ACTIF and m.date_activation <= TODAY for m in mandats)
    clients = {m.travailleur_id for m in mandats}
    assert len(clients) == len(mandats) >= 48
    assert demo.travailleur(NIR_HORS_CABINET).id not in clients
    assert {demo.travailleur(n).id for n in (NIR_ARTISAN, NIR_COMMERCANT, NIR_MICRO)} <= clients


def test_the_collaborator_follows_exactly_ten_clients_with_the_artisan(demo: Chargee) -> None:
    collab = demo.utilisateur("collab@cabinet-demo.fr")
    affectes = {
        a.travailleur_id
        for a in demo.of(models.AffectationCollaborateur)
        if a.utilisateur_id == collab.id
    }
    assert len(affectes) == 10
    assert demo.travailleur(NIR_ARTISAN).id in affectes
    assert demo.travailleur(NIR_COMMERCANT).id not in affectes
    assert affectes <= {m.travailleur_id for m in demo.of(models.Mandat)}


def test_every_nir_siret_iban_and_bic_is_valid(demo: Chargee) -> None:
    assert all(nir_check.is_valid(t.nir) for t in demo.of(models.Travailleur))
    sirets = [e.siret for e in demo.of(models.Etablissement)] + [
        c.siret for c in demo.of(models.Cabinet)
    ]
    assert all(siret_check.is_valid(s) for s in sirets)
    comptes = demo.of(models.CoordonneesBancaires)
    assert comptes and all(iban_check.is_valid(c.iban) and c.iban.startswith("FR") for c in comptes)
    assert all(bic_check.is_valid(c.bic) for c in comptes)
    assert len({c.reference_mandat_sepa for c in comptes}) == len(comptes)


def test_each_account_is_consistent_with_its_payments(demo: Chargee) -> None:
    alloue: dict[int, Decimal] = defaultdict(Decimal)
    for a in demo.of(models.AffectationPaiement):
        alloue[a.echeance_id] += a.montant
    for t in demo.of(models.Travailleur):
        echeances = [e for e in demo.par_travailleur(models.Echeance, t.id) if not e.annulee]
        paiements = demo.par_travailleur(models.Paiement, t.id)
        assert all(e.montant_paye == alloue[e.id] for e in echeances)
        if t.regime is Regime.MICRO:
            assert not echeances
            continue
        instalments = [
            Instalment(e.id, e.date_echeance, e.montant, ZERO, e.nature) for e in echeances
        ]
        recus = [compte.Paiement(p.id, p.date_paiement, p.montant) for p in paiements]
        # montant_paye is what the account's own replay (oldest first) says.
        assert compte.paid_by_instalment(instalments, recus, TODAY) == {
            e.id: e.montant_paye for e in echeances
        }
        du = sum((e.montant for e in echeances if e.date_echeance <= LAST_ACCOUNTING_DAY), ZERO)
        recu = sum((p.montant for p in paiements if p.date_paiement <= LAST_ACCOUNTING_DAY), ZERO)
        impaye = sum(
            (
                e.montant - e.montant_paye
                for e in echeances
                if e.date_echeance <= LAST_ACCOUNTING_DAY
            ),
            ZERO,
        )
        avance = sum(
            (e.montant_paye for e in echeances if e.date_echeance > LAST_ACCOUNTING_DAY), ZERO
        )
        credit_libre = sum((p.montant for p in paiements), ZERO) - sum(
            (e.montant_paye for e in echeances), ZERO
        )
        assert du - recu == impaye - avance - credit_libre


def test_the_commercant_owes_exactly_the_three_most_recent_monthly_instalments(
    demo: Chargee,
) -> None:
    commercant = demo.travailleur(NIR_COMMERCANT)
    assert (commercant.statut, commercant.periodicite) == (
        StatutProfessionnel.COMMERCANT,
        Periodicite.MENSUEL_5,
    )
    echeances = [e for e in demo.par_travailleur(models.Echeance, commercant.id) if not e.annulee]
    impayees = [e for e in echeances if e.montant_paye < e.montant and e.date_echeance < TODAY]
    assert sorted(e.date_echeance for e in impayees) == [
        date(2026, 9, 5),
        date(2026, 10, 5),
        date(2026, 11, 5),
    ]
    assert all(
        e.montant_paye == ZERO and e.nature is NatureEcheance.PROVISIONNELLE for e in impayees
    )
    resume = compte.account_summary(
        [Instalment(e.id, e.date_echeance, e.montant, e.montant_paye, e.nature) for e in echeances],
        [
            compte.Paiement(p.id, p.date_paiement, p.montant)
            for p in demo.par_travailleur(models.Paiement, commercant.id)
        ],
        TODAY,
    )
    assert resume.solde == sum((e.montant for e in impayees), ZERO) > ZERO


def test_the_artisan_is_up_to_date_with_2023_to_2025_declared(demo: Chargee) -> None:
    artisan = demo.travailleur(NIR_ARTISAN)
    assert (artisan.statut, artisan.regime, artisan.situation) == (
        StatutProfessionnel.ARTISAN,
        Regime.CLASSIQUE,
        Situation.ACTIF,
    )
    assert artisan.date_debut_activite.year == 2015 and artisan.periodicite is Periodicite.MENSUEL_5
    declares = {
        r.annee
        for r in demo.par_travailleur(models.Revenu, artisan.id)
        if r.nature is NatureRevenu.DECLARE
    }
    assert {2023, 2024, 2025} <= declares
    echeances = [e for e in demo.par_travailleur(models.Echeance, artisan.id) if not e.annulee]
    assert all(e.montant_paye == e.montant for e in echeances if e.date_echeance < TODAY)
    assert [e for e in echeances if e.date_echeance > TODAY]  # December is still to come
    (banque,) = demo.par_travailleur(models.CoordonneesBancaires, artisan.id)
    assert banque.actif and banque.reference_mandat_sepa and bic_check.is_valid(banque.bic)


def test_the_artisan_cotisations_are_the_engine_result_for_2025(demo: Chargee) -> None:
    artisan = demo.travailleur(NIR_ARTISAN)
    rows = demo.par_travailleur(models.Cotisation, artisan.id)
    for nature, revenu in (
        (NatureCotisation.PROVISIONNELLE, 40_160),
        (NatureCotisation.DEFINITIVE, 42_310),
    ):
        lignes = sorted(
            (r for r in rows if r.annee == 2025 and r.nature is nature), key=lambda r: r.id
        )
        attendu = compute_cotisations(2025, NatureActivite.ARTISANALE, Decimal(revenu))
        assert [(r.code, r.montant, r.assiette, r.detail) for r in lignes] == [
            (ligne.code, ligne.montant, round_cent(ligne.assiette), ligne_detail(ligne))
            for ligne in attendu.lignes
        ]
    assert (
        sum(r.montant for r in rows if r.annee == 2025 and r.nature is NatureCotisation.DEFINITIVE)
        == 18_936
    )


def test_the_micro_entrepreneur_declares_bic_services_monthly(demo: Chargee) -> None:
    micro = demo.travailleur(NIR_MICRO)
    assert (micro.regime, micro.activite_micro, micro.periodicite_declaration) == (
        Regime.MICRO,
        ActiviteMicro.BIC_SERVICES,
        PeriodiciteDeclaration.MENSUELLE,
    )
    periodes = [d.periode for d in demo.par_travailleur(models.DeclarationMicro, micro.id)]
    assert periodes[-1] == "2026-10" and "2026-01" in periodes
    assert not demo.par_travailleur(models.Echeance, micro.id)
    assert demo.par_travailleur(models.Paiement, micro.id)


def test_the_portfolio_mixes_the_situations_an_accountant_meets(demo: Chargee) -> None:
    clients = {m.travailleur_id for m in demo.of(models.Mandat)}
    travailleurs = [t for t in demo.of(models.Travailleur) if t.id in clients]
    classiques = [t for t in travailleurs if t.regime is Regime.CLASSIQUE]
    assert {t.statut for t in classiques} == set(StatutProfessionnel)
    assert {t.periodicite for t in classiques} == set(Periodicite)
    assert sum(t.regime is Regime.MICRO for t in travailleurs) >= 3
    assert sum(t.situation is Situation.RADIE for t in travailleurs) >= 2
    assert sum(t.situation is Situation.RETRAITE for t in travailleurs) >= 2
    assert sum(t.date_debut_activite.year == 2026 for t in classiques) >= 2
    assert sum(t.date_debut_activite.year == 2025 for t in classiques) >= 2
    declares: dict[int, set[int]] = defaultdict(set)
    for r in demo.of(models.Revenu):
        declares[r.travailleur_id].add(r.annee)
    en_taxation = [
        t
        for t in classiques
        if t.situation is Situation.ACTIF
        and is_taxation_d_office(2026, declares[t.id], t.date_debut_activite)
    ]
    assert len(en_taxation) >= 3
    en_retard = {
        e.travailleur_id
        for e in demo.of(models.Echeance)
        if not e.annulee and e.date_echeance < TODAY and e.montant_paye < e.montant
    }
    assert len(en_retard & clients) >= 5
    forfait = {
        c.travailleur_id for c in demo.of(models.Cotisation) if "forfaitaire" in c.base_calcul
    }
    assert len(forfait) >= 4


def test_the_demo_is_deterministic() -> None:
    def rows() -> dict[type[Any], list[dict[str, Any]]]:
        lignes = Lignes()
        build_demo(TODAY, lambda motdepasse: f"hash:{motdepasse}", lignes, caisse_id=1)
        return lignes.rows

    assert rows() == rows()


def test_every_text_fits_its_column() -> None:
    """SQLite does not enforce VARCHAR lengths; PostgreSQL does."""
    lignes = Lignes()
    caisse_id = lignes.add(models.Caisse, **CAISSE)
    build_demo(TODAY, lambda motdepasse: f"hash:{motdepasse}", lignes, caisse_id)
    build_synthetic(
        lignes,
        today=TODAY,
        clients=300,
        seed=2,
        caisse_id=caisse_id,
        hashes=("a", "t"),
        taken=set(),
    )
    for model, rows in lignes.rows.items():
        for colonne in model.__table__.c:
            longueur = getattr(colonne.type, "length", None)
            if longueur is None:
                continue
            # A column left to its default (the search key) is not in the rows.
            trop_longs = [
                r[colonne.key]
                for r in rows
                if r.get(colonne.key) is not None and len(str(r[colonne.key])) > longueur
            ]
            assert not trop_longs, f"{model.__tablename__}.{colonne.key}: {trop_longs[:3]}"


def test_loading_again_when_not_empty_changes_nothing(demo: Chargee) -> None:
    asyncio.run(seed_demo_command(demo.settings, only_if_empty=True))
    assert asyncio.run(_count(demo.settings.database_url, models.Travailleur)) == len(
        demo.of(models.Travailleur)
    )


def test_a_synthetic_portfolio_loads_beside_the_demo(tmp_path: Path) -> None:
    settings = settings_for(tmp_path / "both.sqlite3")
    asyncio.run(_create_tables(settings.database_url))
    asyncio.run(seed_demo_command(settings, only_if_empty=False))
    avant = asyncio.run(_count(settings.database_url, models.Travailleur))
    asyncio.run(seed_synthetic_command(settings, clients=60, seed=3))
    rows = asyncio.run(_load(settings.database_url))
    assert len(rows[models.Travailleur]) == avant + 60
    assert len(rows[models.Caisse]) == 1
    admin = next(u for u in rows[models.Utilisateur] if u.identifiant == admin_email(3))
    cabinet = next(c for c in rows[models.Cabinet] if c.id == admin.cabinet_id)
    assert cabinet.nom == "Cabinet Synthétique 3" and admin.administrateur_cabinet
    assert sum(m.cabinet_id == cabinet.id for m in rows[models.Mandat]) == 60
    assert all(nir_check.is_valid(t.nir) for t in rows[models.Travailleur])
    with pytest.raises(SystemExit):
        asyncio.run(seed_synthetic_command(settings, clients=5, seed=3))


def test_a_synthetic_portfolio_is_reproducible_from_its_seed() -> None:
    def rows() -> dict[type[Any], list[dict[str, Any]]]:
        lignes = Lignes()
        build_synthetic(
            lignes, today=TODAY, clients=40, seed=11, caisse_id=1, hashes=("a", "t"), taken=set()
        )
        return lignes.rows

    premier = rows()
    assert premier == rows()
    assert len(premier[models.Travailleur]) == 40


def test_the_artisans_family_has_a_prevention_file_with_something_due(demo: Chargee) -> None:
    from domain.prevention import dossier
    from gateway.db.models_prevention import ActePrevention, AyantDroit
    from gateway.db.repositories.prevention import faits_of, personne_of

    async def load() -> tuple[list[AyantDroit], list[ActePrevention]]:
        engine = create_engine(demo.settings.database_url)
        try:
            async with session_factory(engine)() as session:
                membres = list((await session.scalars(select(AyantDroit))).all())
                actes = list((await session.scalars(select(ActePrevention))).all())
                return membres, actes
        finally:
            await engine.dispose()

    membres, actes = asyncio.run(load())
    artisan = demo.travailleur(NIR_ARTISAN)
    assert [(m.prenom, m.travailleur_id) for m in membres] == [
        ("Sophie", artisan.id),
        ("Lucas", artisan.id),
        ("Emma", artisan.id),
    ]

    def statuts(row: Any, ayant_droit_id: int | None) -> list[tuple[str, str, date | None]]:
        faits = faits_of([a for a in actes if a.travailleur_id == row_owner(row)], ayant_droit_id)
        return [
            (a.programme.code.value, a.statut.value, a.date_prochaine)
            for a in dossier(personne_of(row), faits, TODAY)
        ]

    def row_owner(row: Any) -> int:
        return int(row.travailleur_id if isinstance(row, AyantDroit) else row.id)

    sophie, lucas, emma = membres
    assert statuts(artisan, None) == [("RAPPEL_DTP_ADULTE", "A_JOUR", date(2029, 12, 3))]
    assert statuts(lucas, lucas.id) == [
        ("RAPPEL_DTCAP_POLIO_11_13_ANS", "A_FAIRE", date(2025, 9, 2)),
        ("VACCINATION_HPV", "EN_RETARD", date(2026, 4, 6)),
    ]
    assert statuts(emma, emma.id) == [
        ("NOURRISSON_DTCAP_HIB_HEPB", "A_JOUR", date(2026, 12, 15)),
        ("NOURRISSON_PNEUMOCOQUE", "A_JOUR", date(2026, 12, 15)),
        ("ROR", "A_JOUR", date(2027, 8, 15)),
    ]
    assert statuts(sophie, sophie.id)[0] == (
        "DEPISTAGE_COL_UTERUS_TEST_HPV",
        "A_JOUR",
        date(2027, 3, 12),
    )
    assert statuts(demo.travailleur(NIR_COMMERCANT), None) == [
        ("DEPISTAGE_COL_UTERUS_TEST_HPV", "A_FAIRE", date(2026, 5, 10)),
        ("RAPPEL_DTP_ADULTE", "A_FAIRE", date(2020, 10, 21)),
    ]


def test_every_seeded_worker_carries_the_search_key_of_their_names(demo: Chargee) -> None:
    travailleurs = demo.of(models.Travailleur)
    assert [t.cle_recherche for t in travailleurs] == [
        name_search_key(t.nom, t.prenom) for t in travailleurs
    ]
    assert "benali emilie" in {t.cle_recherche for t in travailleurs}
