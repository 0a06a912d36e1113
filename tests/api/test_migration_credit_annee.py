"""Migration 0101: phantom recomputation credits of databases that had the bug are
repaired from the stored state, and the payments allocated again, on both databases."""

from __future__ import annotations

from datetime import date

from sqlalchemy import text

from gateway.db.engine import create_engine
from gateway.db.migrate import upgrade_async
from tests.api.test_migration_cle_recherche import empty_url  # noqa: F401  (fixture)

WORKER = (
    "INSERT INTO travailleur (id, caisse_id, nir, civilite, nom, prenom, date_naissance, "
    "courriel, adresse, code_postal, ville, region, statut, profession, regime, situation, "
    "date_debut_activite, periodicite) VALUES (:id, 1, :nir, 'M.', 'Martin', 'Paul', "
    ":naissance, 'x@example.fr', '1 rue', '75001', 'Paris', 'IDF', 'ARTISAN', 'Maçon', "
    "'CLASSIQUE', 'ACTIF', :debut, 'MENSUEL_5')"
)


# A retraite de base line's detail, as the application writes it (later migrations
# read it: the explanation of each line is backfilled from it).
DETAIL = '{"tranches": [{"de": "0", "a": null, "taux": "17.75"}], "deduction": "0"}'


async def insert_account(connection, ident: int, nir: str, amounts: list[int], lines: int):
    """Twelve monthly 2026 instalments (cents), provisional lines summing to ``lines``,
    a 250.00 payment, and two phantom credits of 600.00 allocated to the instalments."""
    await connection.execute(
        text(WORKER),
        {"id": ident, "nir": nir, "naissance": date(1974, 6, 1), "debut": date(2015, 1, 1)},
    )
    for month, amount in enumerate(amounts, start=1):
        await connection.execute(
            text(
                "INSERT INTO echeance (id, travailleur_id, annee, nature, date_echeance, "
                "montant, montant_paye, annulee, rejets, montant_reporte) VALUES "
                "(:id, :t, 2026, 'PROVISIONNELLE', :d, :m, 0, :f, 0, 0)"
            ),
            {
                "id": ident * 100 + month,
                "t": ident,
                "d": date(2026, month, 5),
                "m": amount,
                "f": False,
            },
        )
    await connection.execute(
        text(
            "INSERT INTO cotisation (id, travailleur_id, annee, nature, code, montant, assiette, "
            "detail, base_calcul, date_calcul) VALUES (:id, :t, 2026, 'PROVISIONNELLE', "
            "'RETRAITE_BASE', :m, 0, :detail, 'revenu estimé 2026', :calcul)"
        ),
        {"id": ident, "t": ident, "m": lines, "detail": DETAIL, "calcul": date(2026, 6, 1)},
    )
    for pid, day, amount, mode, reference in (
        (ident * 10 + 1, date(2026, 2, 10), 25000, "VIREMENT", "virement"),
        (ident * 10 + 2, date(2026, 3, 1), 60000, "CREDIT", "Crédit recalcul 2026"),
        (ident * 10 + 3, date(2026, 4, 1), 60000, "CREDIT", "Crédit recalcul 2026"),
    ):
        await connection.execute(
            text(
                "INSERT INTO paiement (id, travailleur_id, date_paiement, montant, mode, "
                "reference) VALUES (:id, :t, :d, :m, :mode, :r)"
            ),
            {"id": pid, "t": ident, "d": day, "m": amount, "mode": mode, "r": reference},
        )
    await connection.execute(
        text(
            "INSERT INTO affectation_paiement (paiement_id, echeance_id, montant) "
            "VALUES (:p, :e, 10000)"
        ),
        {"p": ident * 10 + 2, "e": ident * 100 + 5},
    )


async def test_phantom_credits_are_rederived_from_the_stored_state(empty_url) -> None:  # noqa: F811
    await upgrade_async(empty_url, "0001")
    engine = create_engine(empty_url)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                text(
                    "INSERT INTO caisse (id, code, nom, region, adresse, telephone, courriel, "
                    "horaires) VALUES (1, 'IDF', 'Urssaf', 'IDF', 'Montreuil', '3698', "
                    "'c@example.fr', '8h30')"
                )
            )
            # Raised back after two lowerings: the instalments call the whole year, no credit.
            await insert_account(connection, 1, "184127510804231", [10000] * 12, 120000)
            # Still lowered: 6 × 100.00 fixed, 6 open at 0, the year's amount is 400.00.
            await insert_account(connection, 2, "274063155575055", [10000] * 6 + [0] * 6, 40000)
        await upgrade_async(empty_url)
        async with engine.connect() as connection:
            credits = (
                await connection.execute(
                    text(
                        "SELECT travailleur_id, montant, annee_credit FROM paiement "
                        "WHERE mode = 'CREDIT' ORDER BY travailleur_id"
                    )
                )
            ).all()
            assert [tuple(row) for row in credits] == [(2, 20000, 2026)]
            paid = (
                await connection.execute(
                    text(
                        "SELECT travailleur_id, montant_paye FROM echeance "
                        "ORDER BY travailleur_id, date_echeance"
                    )
                )
            ).all()
            by_worker = {t: [p for w, p in paid if w == t] for t in (1, 2)}
            # The 250.00 payment, oldest first; nothing of the phantom credits is left.
            assert by_worker[1] == [10000, 10000, 5000] + [0] * 9
            # The 250.00 payment, then the 200.00 credit dated on its recomputation.
            assert by_worker[2] == [10000, 10000, 10000, 10000, 5000, 0] + [0] * 6
            allocated = await connection.scalar(
                text("SELECT SUM(montant) FROM affectation_paiement")
            )
            assert allocated == 25000 + 25000 + 20000
    finally:
        await engine.dispose()
