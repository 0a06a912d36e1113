"""Per-request DataLoaders: every relation of the graph is loaded through one of these.

Built fresh for each request (their cache must not outlive the principal), each
batch is one SQL statement whatever the number of parents, so a portfolio page of
500 clients costs the same number of statements as a page of 50 (STYLE §5–6).
Rows come back as read-only records (``gateway.db.records``), not ORM instances.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any, TypeVar

from aiodataloader import DataLoader
from sqlalchemy import Integer, bindparam

from domain.compte import last_accounting_day
from domain.money import ZERO
from domain.nomenclatures import NatureCotisation
from gateway.auth.principal import Principal
from gateway.cursors import Window
from gateway.db.engine import RequestSession
from gateway.db.json_values import NO_ITEMS, JsonItems, JsonShape
from gateway.db.keyset import EMPTY, Ordre, Page
from gateway.db.models import (
    AvisAppel,
    CoordonneesBancaires,
    Cotisation,
    DeclarationMicro,
    DelaiPaiement,
    Echeance,
    Etablissement,
    Paiement,
    Revenu,
)
from gateway.db.repositories import appel, by_travailleur, compte, travailleurs
from gateway.db.repositories.by_travailleur import RowsOf, Where

M = TypeVar("M")
Q = TypeVar("Q", bound=Hashable)
#: A loader's batch function: the values of the keys, in order.
Batch = Callable[[list[Any]], Coroutine[Any, Any, list[Any]]]
#: The SQL conditions of a list's filters.


@dataclass(frozen=True, slots=True)
class PageQuery:
    """What a nested connection asks for: a filter and a window. Hashable: a loader key."""

    window: Window
    filters: tuple[Hashable, ...] = field(default=())
    #: Values only the statement's parameters read (its form depends on the filters).
    values: tuple[Hashable, ...] = field(default=())


class SharedLoader(DataLoader[Any, Any]):
    """A DataLoader whose cached futures survive the cancellation of one caller.

    A loader's future is shared by every field asking for the same key, and awaiting a
    future from a task that gets cancelled cancels the future itself. graphql-core
    cancels the sibling fields of a field that failed (their result is discarded), so
    without the shield one alias's error would cancel the shared batch and raise
    ``CancelledError`` in an unrelated alias (an HTTP 500). Each caller awaits its own
    shield; the batch and its cached result are left alone.
    """

    def load(self, key: Any) -> asyncio.Future[Any]:
        return asyncio.shield(super().load(key))


class ListLoader:
    """A loader asked for a whole list of keys in one call: one future per batch, not
    one per key. The JSON lists of a page (``gateway.schema.json_lists``) ask for their
    500 workers at once, and a DataLoader's future, shield and gather per key were a
    tenth of the page's CPU time.

    As a DataLoader's, the calls made while the event loop goes round (a page's two
    regimes asking for their payments) share one batch, dispatched after the same two
    turns; values are cached per key for the request; keys in flight are not asked
    twice; and each caller awaits its own shield of the batch, which one caller's
    cancellation leaves alone.
    """

    def __init__(self, batch: Batch) -> None:
        self._batch = batch
        self._values: dict[Hashable, Any] = {}
        self._in_flight: dict[Hashable, asyncio.Future[None]] = {}
        self._queued: list[Hashable] = []
        self._next: asyncio.Future[None] | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    async def load_many(self, keys: Sequence[Hashable]) -> list[Any]:
        waits: list[asyncio.Future[None]] = []
        for key in keys:
            if key in self._values:
                continue
            batch = self._in_flight.get(key)
            if batch is None:
                batch = self._in_flight[key] = self._next_batch()
                self._queued.append(key)
            if not waits or waits[-1] is not batch:
                waits.append(batch)
        for batch in dict.fromkeys(waits):
            await asyncio.shield(batch)
        return [self._values[key] for key in keys]

    async def load(self, key: Hashable) -> Any:
        """One key's value, read with the keys asked for in the same turns."""
        [value] = await self.load_many([key])
        return value

    def _next_batch(self) -> asyncio.Future[None]:
        if self._next is None:
            loop = asyncio.get_running_loop()
            self._next = loop.create_future()
            # Two turns, as aiodataloader's dispatch: callers started together join.
            loop.call_soon(loop.call_soon, self._dispatch)
        return self._next

    def _dispatch(self) -> None:
        keys, batch = self._queued, self._next
        self._queued, self._next = [], None
        assert batch is not None
        task = asyncio.ensure_future(self._run(keys, batch))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(self, keys: list[Hashable], batch: asyncio.Future[None]) -> None:
        try:
            values = await self._batch(keys)
            if len(values) != len(keys):
                raise ValueError(f"a batch of {len(keys)} keys gave {len(values)} values")
        except BaseException as error:
            for key in keys:
                del self._in_flight[key]
            batch.set_exception(error)
            batch.exception()  # retrieved: each caller's shield raises it
            if not isinstance(error, Exception):
                raise
            return
        self._values.update(zip(keys, values, strict=True))
        for key in keys:
            del self._in_flight[key]
        batch.set_result(None)


def _by_id_loader(
    fetch: Callable[[Sequence[int]], Awaitable[dict[int, Any]]],
) -> DataLoader[Any, Any]:
    async def batch(ids: list[int]) -> list[Any]:
        found = await fetch(ids)
        return [found.get(i) for i in ids]

    return SharedLoader(batch)


#: Établissements: the principal one first.
ORDRE_ETABLISSEMENTS = (Etablissement.principal.desc(), Etablissement.id)

# The lists of rows the loaders read per worker (their statements built once).
ETABLISSEMENTS = RowsOf(Etablissement, order_by=ORDRE_ETABLISSEMENTS)
COORDONNEES_ACTIVES = RowsOf(
    CoordonneesBancaires,
    where=(CoordonneesBancaires.actif.is_(True),),
    order_by=(CoordonneesBancaires.id,),
)
REVENUS = RowsOf(Revenu, order_by=(Revenu.annee, Revenu.nature))
COTISATIONS = RowsOf(Cotisation, order_by=(Cotisation.annee, Cotisation.nature, Cotisation.id))
#: The lines of the year given as ``annee``.
COTISATIONS_DE_L_ANNEE = RowsOf(
    Cotisation,
    where=(Cotisation.annee == bindparam("annee", type_=Integer),),
    order_by=(Cotisation.nature, Cotisation.id),
)
#: The lines of each nature of the year given as ``annee``, in the order of a year's lines.
LIGNES_DE_L_ANNEE = {
    nature: RowsOf(
        Cotisation,
        where=(Cotisation.annee == bindparam("annee", type_=Integer), Cotisation.nature == nature),
        order_by=(Cotisation.id,),
    )
    for nature in NatureCotisation
}
ECHEANCES_ACTIVES = RowsOf(
    Echeance, where=(Echeance.annulee.is_(False),), order_by=(Echeance.date_echeance, Echeance.id)
)
PAIEMENTS = RowsOf(Paiement, order_by=(Paiement.date_paiement, Paiement.id))
DELAIS = RowsOf(DelaiPaiement, order_by=(DelaiPaiement.date_demande, DelaiPaiement.id))
AVIS_APPEL = RowsOf(AvisAppel, order_by=(AvisAppel.date_emission.desc(), AvisAppel.id.desc()))
DECLARATIONS = RowsOf(
    DeclarationMicro, order_by=(DeclarationMicro.periode.desc(), DeclarationMicro.activite)
)


class Loaders:
    """The request's loaders; filters are built from the principal inside each batch."""

    def __init__(self, db: RequestSession, principal: Principal | None) -> None:
        self._db = db
        self._principal = principal
        self._paged: dict[tuple[str, PageQuery], ListLoader] = {}
        self._by_id: dict[type[Any], DataLoader[Any, Any]] = {}
        self._custom: dict[str, DataLoader[Any, Any]] = {}
        self._lists: dict[str, ListLoader] = {}
        self._years: dict[int, YearLoaders] = {}

    # Each loader is built when a field first needs it: most requests use one or two,
    # and building the thirteen of them cost a small query a tenth of its CPU.

    @cached_property
    def travailleur(self) -> DataLoader[Any, Any]:
        return _by_id_loader(
            lambda ids: travailleurs.travailleurs_by_ids(self._db, self._principal, ids)
        )

    @cached_property
    def caisse(self) -> DataLoader[Any, Any]:
        return _by_id_loader(lambda ids: travailleurs.caisses_by_ids(self._db, ids))

    @cached_property
    def cabinet(self) -> DataLoader[Any, Any]:
        return _by_id_loader(lambda ids: travailleurs.cabinets_by_ids(self._db, ids))

    @cached_property
    def etablissements(self) -> ListLoader:
        return self._rows(ETABLISSEMENTS)

    def etablissements_as_json(self, shape: JsonShape) -> ListLoader:
        """Each worker's établissements as the JSON objects of ``shape``."""
        name = f"etablissements as {shape.key}"
        if name not in self._lists:
            self._lists[name] = self._rows_as_json(ETABLISSEMENTS, shape)
        return self._lists[name]

    def lignes_as_json(self, annee: int, nature: NatureCotisation, shape: JsonShape) -> ListLoader:
        """Each worker's contribution lines of ``annee`` and ``nature`` as the JSON
        objects of ``shape``, in the order of a year's lines."""
        name = f"lignes {annee} {nature.value} as {shape.key}"
        if name not in self._lists:
            rows = LIGNES_DE_L_ANNEE[nature]
            self._lists[name] = self._rows_as_json(rows, shape, {"annee": annee})
        return self._lists[name]

    def _rows_as_json(
        self, rows: RowsOf, shape: JsonShape, parameters: Mapping[str, Any] | None = None
    ) -> ListLoader:
        async def batch(ids: list[int]) -> list[JsonItems]:
            found = await by_travailleur.json_rows_by_travailleur(
                self._db, self._principal, rows, ids, fields=shape.fields, parameters=parameters
            )
            return [found.get(i, NO_ITEMS) for i in ids]

        return ListLoader(batch)

    @cached_property
    def coordonnees_bancaires(self) -> ListLoader:
        return self._rows(COORDONNEES_ACTIVES)

    @cached_property
    def revenus(self) -> ListLoader:
        return self._rows(REVENUS)

    @cached_property
    def cotisations(self) -> ListLoader:
        return self._rows(COTISATIONS)

    def of_year(self, annee: int) -> YearLoaders:
        """What the view of one year reads, only for that year (``cotisations(annee:)``)."""
        if annee not in self._years:
            self._years[annee] = YearLoaders(
                cotisations=self._rows(COTISATIONS_DE_L_ANNEE, {"annee": annee}),
                totals=self._year_totals(annee),
            )
        return self._years[annee]

    @cached_property
    def echeances_actives(self) -> ListLoader:
        """The whole account, for balances and summaries (cancelled instalments excluded)."""
        return self._rows(ECHEANCES_ACTIVES)

    def summaries(self, today: date, *, micro: bool) -> ListLoader:
        """Each worker's balance at ``today``'s accounting day and dues overdue
        ``today`` (``compte.SummaryRows``), of the régime classique or of
        micro-entrepreneurs (``micro``): what the summary needs."""
        name = f"comptes {'micro' if micro else 'classiques'} {today}"
        if name not in self._lists:
            as_of = last_accounting_day(today)

            async def batch(ids: list[int]) -> list[compte.SummaryRows]:
                found = await compte.summaries(
                    self._db, self._principal, ids, today, as_of, micro=micro
                )
                return [found.get(i, compte.SummaryRows(ZERO)) for i in ids]

            self._lists[name] = ListLoader(batch)
        return self._lists[name]

    @cached_property
    def paiements(self) -> ListLoader:
        return self._rows(PAIEMENTS)

    @cached_property
    def delais(self) -> ListLoader:
        return self._rows(DELAIS)

    @cached_property
    def avis_appel(self) -> ListLoader:
        return self._rows(AVIS_APPEL)

    @cached_property
    def declarations(self) -> ListLoader:
        return self._rows(DECLARATIONS)

    @cached_property
    def echeances_delai(self) -> ListLoader:
        return self._plan_instalments()

    def custom(
        self, name: str, batch: Callable[[list[Any]], Coroutine[Any, Any, list[Any]]]
    ) -> DataLoader[Any, Any]:
        """A loader defined by an area module, created once per request under ``name``.

        ``batch`` must apply the principal's visibility itself (use the repositories).
        """
        if name not in self._custom:
            self._custom[name] = SharedLoader(batch)
        return self._custom[name]

    @property
    def db(self) -> RequestSession:
        return self._db

    @property
    def principal(self) -> Principal | None:
        return self._principal

    def by_id(self, model: type[Any]) -> DataLoader[Any, Any]:
        """Rows of a worker-owned table by id (for ``node``), visibility applied."""
        if model not in self._by_id:
            self._by_id[model] = _by_id_loader(
                lambda ids: by_travailleur.rows_by_ids(self._db, self._principal, model, ids)
            )
        return self._by_id[model]

    def _plan_instalments(self) -> ListLoader:
        async def batch(ids: list[int]) -> list[list[Any]]:
            grouped = await by_travailleur.plan_instalments(self._db, self._principal, ids)
            return [grouped.get(i, []) for i in ids]

        return ListLoader(batch)

    def _year_totals(self, annee: int) -> ListLoader:
        async def batch(ids: list[int]) -> list[appel.YearTotals]:
            found = await appel.year_totals_by_worker(self._db, self._principal, ids, annee)
            return [found.get(i, NO_YEAR) for i in ids]

        return ListLoader(batch)

    def _rows(self, rows: RowsOf, parameters: Mapping[str, Any] | None = None) -> ListLoader:
        async def batch(ids: list[int]) -> list[list[Any]]:
            grouped = await by_travailleur.read_rows(
                self._db, self._principal, rows, ids, parameters
            )
            return [grouped.get(i, []) for i in ids]

        return ListLoader(batch)

    def paged(
        self,
        name: str,
        model: type[Any],
        query: PageQuery,
        *,
        filters_to_where: Where,
        ordre: Ordre,
    ) -> ListLoader:
        """A loader of one keyset page per worker (``keyset.Page``) for ``query``: the
        workers asking the same query share one statement."""
        key = (name, query)
        if key not in self._paged:

            async def batch(ids: list[int]) -> list[Page[Any]]:
                found = await by_travailleur.page_by_travailleur(
                    self._db,
                    self._principal,
                    model,
                    ids,
                    ordre=ordre,
                    window=query.window,
                    where=filters_to_where(query.filters),
                )
                return [found.get(i, EMPTY) for i in ids]

            self._paged[key] = ListLoader(batch)
        return self._paged[key]

    def paged_as_json(
        self,
        name: str,
        model: type[Any],
        query: PageQuery,
        *,
        filters_to_where: Where,
        parameters: Callable[[tuple[Hashable, ...]], Mapping[str, Any]],
        ordre: Ordre,
        shape: JsonShape,
    ) -> ListLoader:
        """:meth:`paged`, each page as the JSON objects of ``shape`` (``JsonItems``);
        ``parameters``: the statement's parameters the shape's values read."""
        key = (f"{name} as {shape.key}", query)
        if key not in self._paged:

            async def batch(ids: list[int]) -> list[JsonItems]:
                found = await by_travailleur.json_page_by_travailleur(
                    self._db,
                    self._principal,
                    model,
                    ids,
                    fields=shape.fields,
                    ordre=ordre,
                    window=query.window,
                    filters_to_where=filters_to_where,
                    filters=query.filters,
                    with_total=shape.total,
                    parameters=_only(shape.parameters, parameters(query.values)),
                )
                return [found.get(i, NO_ITEMS) for i in ids]

            self._paged[key] = ListLoader(batch)
        return self._paged[key]


@dataclass(frozen=True, slots=True)
class YearLoaders:
    """What a year's contributions view needs of each worker: its totals
    (``appel.YearTotals``, summed by the database), and the year's lines when they are
    shown as objects."""

    cotisations: ListLoader
    totals: ListLoader


#: The totals of a year without any line (or of a worker the caller may not see).
NO_YEAR = appel.YearTotals(ZERO, 0, None, 0, ZERO)


def _only(names: frozenset[str], parameters: Mapping[str, Any]) -> dict[str, Any]:
    """The parameters a shape reads (lists whose other parameters differ then still
    share a statement)."""
    return {name: value for name, value in parameters.items() if name in names}
