"""Columns correlated to a worker, asked for by several lists in one turn, read in one
statement (``by_travailleur.WorkerColumns``): each list gets its own workers' values
(visible ones only), a later turn gets a statement of its own, a failing statement
is reported to every list that asked, and the statement of the same shapes is built
once for every request."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import Integer, bindparam, func, literal_column, select

from domain.nomenclatures import Role
from gateway.auth.principal import Principal
from gateway.db.engine import RequestSession, StatementCounter, session_factory
from gateway.db.models import Etablissement
from gateway.db.repositories import by_travailleur
from gateway.db.repositories.by_travailleur import _WORKER, WorkerColumns
from tests import builders
from tests.conftest import Database


def etablissements_count() -> object:
    return (
        select(func.count())
        .where(Etablissement.travailleur_id == _WORKER.id)
        .correlate(_WORKER)
        .scalar_subquery()
    )


# The columns of a shape are the same objects every time it is asked for (as the lists'
# columns, built once): the statement reading them is then built once.
ONE, TWO, THREE = literal_column("1"), literal_column("2"), literal_column("3")
ETABLISSEMENTS = etablissements_count()


async def setting(db: Database) -> tuple[list[int], int, Principal]:
    async with session_factory(db.engine)() as session:
        caisse = await builders.caisse(session)
        other = await builders.caisse(session, region="Bretagne")
        ids = [
            (await builders.travailleur(session, caisse_id=caisse.id, nom=f"N{n}")).id
            for n in range(3)
        ]
        hidden = (await builders.travailleur(session, caisse_id=other.id)).id
        await session.commit()
    return ids, hidden, Principal(role=Role.AGENT, label="agent", caisse_id=caisse.id)


@pytest.mark.asyncio
async def test_lists_asked_in_one_turn_share_one_statement(db: Database) -> None:
    ids, hidden, agent = await setting(db)
    counter = StatementCounter(db.engine)
    async with session_factory(db.engine)() as session, counter.counting():
        reads = WorkerColumns.of(RequestSession(session), agent)
        first, second = await asyncio.gather(
            reads.read([ids[0], ids[1], hidden], "1, count", [ONE, ETABLISSEMENTS]),
            reads.read([ids[2], ids[1]], "2", [TWO]),
        )
        assert counter.count == 1
        later = await reads.read([ids[2]], "3", [THREE])
        assert later == {ids[2]: (3,)}
        assert counter.count == 2
        # Each list its own workers, the invisible one left out, in its own columns.
        etabs = {
            ident: count
            for ident, count in await session.execute(
                select(Etablissement.travailleur_id, func.count()).group_by(
                    Etablissement.travailleur_id
                )
            )
        }
        assert first == {i: (1, etabs.get(i, 0)) for i in (ids[0], ids[1])}
        assert second == {ids[2]: (2,), ids[1]: (2,)}


@pytest.mark.asyncio
async def test_a_failing_statement_is_reported_to_every_list(db: Database) -> None:
    ids, _, agent = await setting(db)
    async with session_factory(db.engine)() as session:
        reads = WorkerColumns.of(RequestSession(session), agent)
        results = await asyncio.gather(
            reads.read(ids, "1", [ONE]),
            reads.read(ids, "missing", [literal_column("no_such_column")]),
            return_exceptions=True,
        )
        assert all(isinstance(r, Exception) for r in results), results
        assert results[0] is results[1]


@pytest.mark.asyncio
async def test_lists_whose_parameters_disagree_get_statements_of_their_own(
    db: Database,
) -> None:
    """Columns reading a statement parameter: lists agreeing on its value share one
    statement, a list giving another value gets its own, each answered with its value."""
    ids, _, agent = await setting(db)
    day = bindparam("jour", type_=Integer)
    counter = StatementCounter(db.engine)
    async with session_factory(db.engine)() as session, counter.counting():
        reads = WorkerColumns.of(RequestSession(session), agent)
        first, same, other, free = await asyncio.gather(
            reads.read([ids[0]], "jour + 0", [day + literal_column("0")], {"jour": 1}),
            reads.read([ids[1]], "jour + 10", [day + literal_column("10")], {"jour": 1}),
            reads.read([ids[2]], "jour + 100", [day + literal_column("100")], {"jour": 2}),
            reads.read([ids[1]], "7", [literal_column("7")]),
        )
        assert counter.count == 2
    assert (first, same, other, free) == (
        {ids[0]: (1,)},
        {ids[1]: (11,)},
        {ids[2]: (102,)},
        {ids[1]: (7,)},
    )


@pytest.mark.asyncio
async def test_the_statement_of_the_same_shapes_is_built_once(db: Database) -> None:
    """Two requests asking the same lists (other workers, another caisse's agent of the
    same kind) run the same statement object; other shapes get another."""
    ids, hidden, agent = await setting(db)
    other_agent = Principal(role=Role.AGENT, label="agent", caisse_id=agent.caisse_id)
    run: list[object] = []

    def seen(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        run.append(statement)

    from sqlalchemy import event

    event.listen(db.engine.sync_engine, "before_cursor_execute", seen)
    built = by_travailleur._WORKER_COLUMNS._built
    try:
        answers, statements = [], []
        for principal, wanted in ((agent, [ids[0]]), (other_agent, [ids[1], hidden])):
            async with session_factory(db.engine)() as session:
                request = RequestSession(session)
                reads = WorkerColumns.of(request, principal)
                answers.append(await reads.read(wanted, "1, count", [ONE, ETABLISSEMENTS]))
                statements.append(built[(("1, count",), ("AGENT", False), request.dialect)])
        async with session_factory(db.engine)() as session:
            reads = WorkerColumns.of(RequestSession(session), agent)
            answers.append(await reads.read([ids[2]], "2", [TWO]))
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", seen)
    assert [list(a) for a in answers] == [[ids[0]], [ids[1]], [ids[2]]]
    assert statements[0] is statements[1]
    queries = [q for q in run if "worker_" in q]
    assert len(queries) == 3
    assert queries[2] != queries[0]
