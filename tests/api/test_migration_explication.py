"""Migration 0601: existing contribution lines get the explanation of what they store,
on both databases, and every line inserted since is written with its own."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import text

from gateway.db.engine import create_engine
from gateway.db.migrate import upgrade_async
from tests.api.test_migration_cle_recherche import empty_url  # noqa: F401  (fixture)
from tests.api.test_migration_credit_annee import WORKER

CAISSE = (
    "INSERT INTO caisse (id, code, nom, region, adresse, telephone, courriel, horaires) "
    "VALUES (1, 'IDF', 'Urssaf', 'IDF', 'Montreuil', '3698', 'c@example.fr', '8h30')"
)
# (code, montant and assiette in cents, detail): a progressive rate with a deduction,
# a floor that replaced the income, two slices under a ceiling.
LINES = (
    (
        "MALADIE",
        417_600,
        6_736_200,
        {"tranches": [{"de": "0", "a": None, "taux": "6.70"}], "deduction": "337.00"},
    ),
    (
        "INDEMNITES_JOURNALIERES",
        9_600,
        1_922_400,
        {
            "tranches": [{"de": "0", "a": "240300.00", "taux": "0.5"}],
            "plancher": {"type": "MINIMUM_MALADIE", "montant": "19224"},
            "deduction": "0",
        },
    ),
    (
        "RETRAITE_BASE",
        864_600,
        6_736_200,
        {
            "tranches": [
                {"de": "0", "a": "48060", "taux": "17.75"},
                {"de": "48060", "a": None, "taux": "0.6"},
            ],
            "plafond": None,
            "deduction": "0",
        },
    ),
)
EXPECTED = [
    "assiette 67 362 € × 6,70 % (taux progressif) − indemnités journalières 337 € = 4 176 €",
    "assiette 19 224 € (minimum 40 % du PASS) × 0,5 % = 96 €",
    "assiette 67 362 € : 17,75 % sur 48 060 € + 0,6 % sur 19 302 € = 8 646 €",
]


async def test_the_migration_writes_each_stored_line_its_explanation(empty_url) -> None:  # noqa: F811
    await upgrade_async(empty_url, "0001")
    engine = create_engine(empty_url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text(CAISSE))
            await connection.execute(
                text(WORKER),
                {
                    "id": 1,
                    "nir": "184127510804231",
                    "naissance": date(1974, 6, 1),
                    "debut": date(2015, 1, 1),
                },
            )
            for ident, (code, montant, assiette, detail) in enumerate(LINES, start=1):
                await connection.execute(
                    text(
                        "INSERT INTO cotisation (id, travailleur_id, annee, nature, code, "
                        "montant, assiette, detail, base_calcul, date_calcul) VALUES (:id, 1, "
                        "2026, 'PROVISIONNELLE', :code, :m, :a, :detail, 'revenu estimé 2026', "
                        ":calcul)"
                    ),
                    {
                        "id": ident,
                        "code": code,
                        "m": montant,
                        "a": assiette,
                        "detail": json.dumps(detail),
                        "calcul": date(2026, 1, 10),
                    },
                )
        await upgrade_async(empty_url)
        async with engine.connect() as connection:
            texts = await connection.execute(text("SELECT explication FROM cotisation ORDER BY id"))
            assert list(texts.scalars()) == EXPECTED
    finally:
        await engine.dispose()
