"""The read path's shortcuts change nothing a client sees (issue 11): documents parsed
and validated once, costs per document and variables, rows read as records without the
ORM, ids bound as one array on PostgreSQL, contribution lines decoded when selected."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import pytest_asyncio
import strawberry.schema.schema as strawberry_schema
from sqlalchemy import select

from domain.cotisations import CotisationCode
from domain.nomenclatures import NatureCotisation, Role
from gateway.auth.authenticate import principal_for
from gateway.auth.principal import Principal
from gateway.db import models
from gateway.db.engine import RequestSession, StatementCounter
from gateway.db.records import RAW, record_type
from gateway.db.repositories import by_travailleur, travailleurs
from gateway.schema.document_cache import CachedNameConverter, DocumentCache
from tests import builders
from tests.api.client import Api, api_for
from tests.conftest import Database

ME = "query { me { travailleur { nom } } }"
PASSWORD = "secret-travailleur"


@pytest_asyncio.fixture
async def worker(db: Database) -> AsyncIterator[tuple[Api, str, int]]:
    async with api_for(db) as api:
        async with api.session() as session:
            caisse = await builders.caisse(session)
            row = await builders.travailleur(session, caisse_id=caisse.id, nom="Lefèvre")
            session.add(
                models.Cotisation(
                    travailleur_id=row.id,
                    annee=2026,
                    nature=NatureCotisation.PROVISIONNELLE,
                    code=CotisationCode.MALADIE,
                    montant=Decimal("120.50"),
                    assiette=Decimal("30000"),
                    detail={"tranches": [{"de": "0", "a": None, "taux": "0.04"}], "deduction": "0"},
                    base_calcul="revenu estimé 2026",
                    date_calcul=date(2026, 1, 10),
                )
            )
            await session.commit()
            nir, travailleur_id = row.nir, row.id
        token = await api.login(nir, PASSWORD)
        yield api, token, travailleur_id


class Calls:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.parsed = 0
        self.validated = 0
        parse, validate = strawberry_schema.parse, strawberry_schema.validate

        def counting_parse(*args: Any, **kwargs: Any) -> Any:
            self.parsed += 1
            return parse(*args, **kwargs)

        def counting_validate(*args: Any, **kwargs: Any) -> Any:
            self.validated += 1
            return validate(*args, **kwargs)

        monkeypatch.setattr(strawberry_schema, "parse", counting_parse)
        monkeypatch.setattr(strawberry_schema, "validate", counting_validate)


async def test_a_document_is_parsed_and_validated_once(
    worker: tuple[Api, str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    api, token, _ = worker
    calls = Calls(monkeypatch)
    first = await api.post(ME, token=token)
    second = await api.post(ME, token=token)
    assert first == second
    assert first["data"] == {"me": {"travailleur": {"nom": "Lefèvre"}}}
    assert (calls.parsed, calls.validated) == (1, 1)
    # Another text is another document.
    await api.post(ME.replace("query", "query Moi"), token=token)
    assert (calls.parsed, calls.validated) == (2, 2)


async def test_an_invalid_document_is_refused_every_time_with_its_own_errors(
    worker: tuple[Api, str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    api, token, _ = worker
    calls = Calls(monkeypatch)
    bad = "query { me { travailleur { nomm } } }"
    bodies = [await api.post(bad, token=token) for _ in range(2)]
    assert bodies[0] == bodies[1]
    assert bodies[0]["data"] is None
    assert [e["extensions"]["code"] for e in bodies[0]["errors"]] == ["GRAPHQL_VALIDATION_FAILED"]
    assert calls.validated == 2  # not kept: validated, and refused, again
    unparsable = [await api.post("query { me { ", token=token) for _ in range(2)]
    assert unparsable[0] == unparsable[1]
    assert unparsable[0]["errors"][0]["message"].startswith("Syntax Error")


async def test_the_cost_follows_the_variables_of_a_kept_document(
    worker: tuple[Api, str, int],
) -> None:
    api, token, _ = worker
    query = """query($avec: Boolean!) {
      me { travailleur { nom prenom @include(if: $avec) } }
    }"""
    costs = []
    for avec in (True, False, True):
        body = await api.post(query, {"avec": avec}, token=token)
        assert "errors" not in body, body["errors"]
        assert ("prenom" in body["data"]["me"]["travailleur"]) is avec
        costs.append(body["extensions"]["cost"])
    assert costs[0] == costs[2]
    assert costs[0]["requestedQueryCost"] == costs[1]["requestedQueryCost"] + 1
    assert costs[0]["actualQueryCost"] == costs[1]["actualQueryCost"] + 1


async def test_the_limits_still_refuse_a_document_seen_before(
    worker: tuple[Api, str, int],
) -> None:
    api, token, _ = worker
    aliases = "query { me { " + " ".join(f"a{i}: role" for i in range(31)) + " } }"
    for _ in range(2):
        body = await api.post(aliases, token=token)
        assert [e["extensions"]["code"] for e in body["errors"]] == ["TOO_MANY_ALIASES"]
    fine = "query { me { " + " ".join(f"a{i}: role" for i in range(30)) + " } }"
    for _ in range(2):
        assert "errors" not in await api.post(fine, token=token)


async def test_rows_are_read_as_records_and_lines_decoded_only_when_read(
    worker: tuple[Api, str, int],
) -> None:
    api, token, travailleur_id = worker
    async with api.session() as session:
        db = RequestSession(session)
        utilisateur = await travailleurs.utilisateur_by_id(
            db,
            (
                await session.scalar(
                    select(models.Utilisateur.id).where(
                        models.Utilisateur.travailleur_id == travailleur_id
                    )
                )
            ),
        )
        principal = principal_for(utilisateur)
        grouped = await by_travailleur.read_rows(
            db, principal, by_travailleur.every_row(models.Cotisation), [travailleur_id]
        )
        orm = await session.scalar(select(models.Cotisation))
    [line] = grouped[travailleur_id]
    assert type(line) is record_type(models.Cotisation)
    assert not hasattr(line, "__dict__")  # slotted
    assert isinstance(getattr(line, RAW + "detail"), str)  # the text, not yet decoded
    assert orm is not None
    assert line.detail == orm.detail
    assert (line.montant, line.code, line.nature) == (orm.montant, orm.code, orm.nature)
    body = await api.data(
        "{ me { travailleur { ... on TravailleurClassique { cotisations { annee "
        "totalProvisionnel provisionnelles { code montant } definitives { code } } } } } }",
        token=token,
    )
    [cotisation] = body["me"]["travailleur"]["cotisations"]
    assert cotisation["provisionnelles"] == [{"code": "MALADIE", "montant": "120.50"}]
    assert cotisation["definitives"] is None


async def test_ids_are_bound_as_one_array_on_postgresql(
    worker: tuple[Api, str, int], db: Database
) -> None:
    api, _, travailleur_id = worker
    counter = StatementCounter(api.services.engine)
    # A cabinet's collaborator with no client: nothing visible, the statement complete.
    nobody = Principal(
        role=Role.EXPERT_COMPTABLE, label="collaborateur", utilisateur_id=0, cabinet_id=0
    )
    async with api.session() as session:
        db_session = RequestSession(session)
        async with counter.counting():
            one = await travailleurs.travailleurs_by_ids(db_session, nobody, [travailleur_id])
            three = await travailleurs.travailleurs_by_ids(
                db_session, nobody, [travailleur_id, travailleur_id + 1, travailleur_id + 2]
            )
    assert (list(one), list(three)) == ([], [])
    first, second = counter.statements
    if db.name == "postgresql":
        assert "= ANY (" in first
        assert first == second  # one statement text whatever the number of ids
    else:
        assert " IN (" in first


def test_names_are_converted_once_and_alike() -> None:
    converter = CachedNameConverter()
    assert converter.apply_naming_config("date_echeance") == "dateEcheance"
    assert converter.apply_naming_config("date_echeance") == "dateEcheance"
    assert converter._names == {"date_echeance": "dateEcheance"}


def test_the_document_cache_keeps_the_most_recently_used() -> None:
    from graphql import parse

    from gateway.schema.document_cache import entry_of

    cache = DocumentCache(maxsize=2)
    documents = {}
    for text in ("{ a }", "{ b }"):
        documents[text] = parse(text)
        cache.put((text, ()), documents[text])
    assert cache.get(("{ a }", ())) is not None  # a is now the most recent
    documents["{ c }"] = parse("{ c }")
    cache.put(("{ c }", ()), documents["{ c }"])
    assert len(cache) == 2
    assert cache.get(("{ b }", ())) is None
    assert entry_of(documents["{ b }"]) is None
    assert entry_of(documents["{ a }"]) is not None


async def test_a_workers_request_reads_its_account_with_its_user(
    worker: tuple[Api, str, int],
) -> None:
    """``me { travailleur { nom } }`` costs one statement: the worker's account comes
    with the user the token names (every field of it, as its own read gives it)."""
    api, token, travailleur_id = worker
    await api.data(ME, token=token)  # the rate limit's bucket is taken: not counted below
    counter = StatementCounter(api.services.engine)
    async with counter.counting():
        body = await api.data(ME, token=token)
    assert body == {"me": {"travailleur": {"nom": "Lefèvre"}}}
    assert counter.count == 1, counter.statements
    async with api.session() as session:
        db = RequestSession(session)
        user_id = await session.scalar(
            select(models.Utilisateur.id).where(models.Utilisateur.travailleur_id == travailleur_id)
        )
        found = await travailleurs.active_user_and_worker(db, user_id)
        assert found is not None
        own = found[1]
        alone = await travailleurs.travailleurs_by_ids(
            db, principal_for(found[0]), [travailleur_id]
        )
    expected = alone[travailleur_id]
    assert {f: getattr(own, f) for f in own.__slots__} == {
        f: getattr(expected, f) for f in expected.__slots__
    }
