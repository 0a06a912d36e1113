"""Keyset pages: the SQL side of the cursors of ``gateway.cursors``, shared by every
connection.

An order is a list of key columns ending with a unique one (the id); a page is the rows
strictly beyond the ``after`` key and before the ``before`` key, ``limit`` of them from
the start (``first``) or from the end (``last``), plus one to tell whether more follow.
A row whose key did not change keeps its place whatever is inserted or removed around it,
which an offset cannot promise.

Lists of one parent page with ``ORDER BY … LIMIT``; lists nested under many parents (a
portfolio page's instalments) page every parent in one statement: each parent's rows are
numbered inside and outside the window (``ROW_NUMBER() OVER (PARTITION BY parent, inside
ORDER BY key)``), so the page, whether more follow and the parent's total come together,
on SQLite as on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    bindparam,
    case,
    false,
    func,
    literal,
    or_,
    select,
    true,
)

from gateway.cursors import Part, Value, Window
from gateway.db.engine import RequestSession

T = TypeVar("T")
#: A statement of any columns.
AnySelect = Select[*tuple[Any, ...]]
Key = tuple[Value, ...]


def _bound(column: ColumnElement[Any], value: Any) -> Any:
    """A bound parameter for a boolean (SQLAlchemy refuses ``column < True``)."""
    return literal(value, column.type) if isinstance(value, bool) else value


@dataclass(frozen=True, slots=True)
class Cle:
    """One column of an order: its cursor value kind, descending or not, NULLs last."""

    column: Any
    part: Part
    descending: bool = False
    nullable: bool = False

    def order(self, backward: bool, column: Any = None) -> Any:
        """This key's ORDER BY term (on ``column``: the key as a subquery selects it)."""
        column = self.column if column is None else column
        descending = self.descending != backward
        ordered = column.desc() if descending else column.asc()
        if not self.nullable:
            return ordered
        return ordered.nulls_first() if backward else ordered.nulls_last()

    def equal(self, value: Any) -> ColumnElement[bool]:
        column: ColumnElement[Any] = self.column
        return column.is_(None) if value is None else column == value

    def after(self, value: Any) -> ColumnElement[bool]:
        """Strictly after ``value`` in the (forward) order; NULLs come last."""
        column: ColumnElement[Any] = self.column
        if value is None:
            return false()
        value = _bound(column, value)
        beyond = column < value if self.descending else column > value
        return or_(beyond, column.is_(None)) if self.nullable else beyond

    def before(self, value: Any) -> ColumnElement[bool]:
        """Strictly before ``value`` in the (forward) order."""
        column: ColumnElement[Any] = self.column
        if value is None:
            return column.is_not(None)
        value = _bound(column, value)
        strict: ColumnElement[bool] = column > value if self.descending else column < value
        return strict


def beyond(cles: Sequence[Cle], key: Sequence[Any], backward: bool) -> ColumnElement[bool]:
    """Rows strictly after (before, ``backward``) the key: lexicographic, one term per
    column of the order (a row value comparison cannot mix directions and NULLs)."""
    terms = []
    for i, cle in enumerate(cles):
        strict = cle.before(key[i]) if backward else cle.after(key[i])
        terms.append(and_(*(c.equal(v) for c, v in zip(cles[:i], key[:i], strict=True)), strict))
    return or_(*terms)


@dataclass(frozen=True, slots=True)
class Ordre:
    """The order of one list: ``kind`` names it in its cursors (a cursor of another list
    or order is refused), ``cles`` are its key columns, the last one unique."""

    kind: str
    cles: tuple[Cle, ...]

    @property
    def shape(self) -> tuple[Part, ...]:
        return tuple(c.part for c in self.cles)

    def order_by(self, backward: bool) -> list[Any]:
        return [c.order(backward) for c in self.cles]

    def bounds(self, window: Window) -> list[ColumnElement[bool]]:
        return self._between(window.after, window.before)

    def named_bounds(self, form: WindowForm) -> list[ColumnElement[bool]]:
        """``bounds`` in a statement built once for a window's ``form``: the keys' values
        are the named parameters ``after_<i>`` and ``before_<i>`` (``bound_values``)."""

        def named(side: str, given: tuple[bool, ...] | None) -> list[Any] | None:
            if given is None:
                return None
            return [
                bindparam(f"{side}_{i}", type_=cle.column.type) if shown else None
                for i, (cle, shown) in enumerate(zip(self.cles, given, strict=True))
            ]

        return self._between(named("after", form[1]), named("before", form[2]))

    def _between(
        self, after: Sequence[Any] | None, before: Sequence[Any] | None
    ) -> list[ColumnElement[bool]]:
        where = []
        if after is not None:
            where.append(beyond(self.cles, after, backward=False))
        if before is not None:
            where.append(beyond(self.cles, before, backward=True))
        return where

    def key_columns(self) -> list[Any]:
        return [c.column.label(f"cle_{i}") for i, c in enumerate(self.cles)]

    def order_by_keys(self, selected: Any) -> list[Any]:
        """The forward order on the ``key_columns`` of a subquery (``selected``: its
        columns)."""
        return [c.order(False, selected[f"cle_{i}"]) for i, c in enumerate(self.cles)]


#: What a statement of a window depends on: its direction and which values of its
#: ``after`` and ``before`` keys are given (a missing value, NULL, has a condition of
#: its own). The values themselves are parameters (``bound_values``).
WindowForm = tuple[bool, tuple[bool, ...] | None, tuple[bool, ...] | None]


def window_form(window: Window) -> WindowForm:
    def given(key: Key | None) -> tuple[bool, ...] | None:
        return None if key is None else tuple(value is not None for value in key)

    return (window.backward, given(window.after), given(window.before))


def bound_values(window: Window) -> dict[str, Any]:
    """The values of ``Ordre.named_bounds``' parameters for this window."""
    values: dict[str, Any] = {}
    for side, key in (("after", window.after), ("before", window.before)):
        for i, value in enumerate(key or ()):
            if value is not None:
                values[f"{side}_{i}"] = value
    return values


def newest_first(kind: str, moment: Any, part: Part, ident: Any) -> Ordre:
    """Most recent first (``moment``), the id breaking ties, descending too."""
    return Ordre(kind, (Cle(moment, part, descending=True), Cle(ident, Part.ID, descending=True)))


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """A page of items in the list's order, their keys, whether more items lie beyond
    the page's far end (after it forward, before it backward) and the list's total."""

    items: list[T]
    keys: list[Key]
    more: bool
    total: int = 0


EMPTY: Page[Any] = Page([], [], False, 0)


def _trimmed(items: list[T], keys: list[Key], window: Window, total: int) -> Page[T]:
    """A page from rows read in the window's direction, one more than the limit asked."""
    more = len(items) > window.limit
    items, keys = items[: window.limit], keys[: window.limit]
    if window.backward:
        items.reverse()
        keys.reverse()
    return Page(items, keys, more, total)


async def page(
    db: RequestSession,
    statement: AnySelect,
    ordre: Ordre,
    window: Window,
    *,
    total: int = 0,
    make: Callable[[Sequence[Any]], T] = lambda row: row[0],
) -> Page[T]:
    """The window of one list: ``statement`` (filtered, unordered) with the key bounds,
    the order and the limit; ``make`` builds an item from a row's selected columns."""
    width = len(statement.column_descriptions)  # an ORM entity is one column of a row
    keyed = (
        statement.add_columns(*ordre.key_columns())
        .where(*ordre.bounds(window))
        .order_by(*ordre.order_by(window.backward))
        .limit(window.limit + 1)
    )
    rows = (await db.execute(keyed)).all()
    items = [make(row[:width]) for row in rows]
    keys = [tuple(row[width:]) for row in rows]
    return _trimmed(items, keys, window, total)


def per_parent(statement: AnySelect, parent: Any, ordre: Ordre, window: Window) -> AnySelect:
    """The window of every parent's list in one statement: ``statement`` (filtered on
    the parents, unordered) numbered per parent inside and outside the key bounds. The
    rows are the page of each parent (at most ``limit + 1``) and, so that a parent's
    total survives an empty page, the first row outside its window."""
    bounds = ordre.bounds(window)
    inside = case((and_(*bounds) if bounds else true(), 1), else_=0)
    order = ordre.order_by(window.backward)
    inner = statement.add_columns(
        parent.label("parent_"),
        *ordre.key_columns(),
        inside.label("inside_"),
        func.row_number().over(partition_by=(parent, inside), order_by=order).label("rang_"),
        func.count().over(partition_by=parent).label("total_"),
    ).subquery()
    return (
        select(inner)
        .where(
            or_(
                inner.c.rang_ == 1,
                and_(inner.c.inside_ == 1, inner.c.rang_ <= window.limit + 1),
            )
        )
        .order_by(inner.c.parent_, inner.c.inside_, inner.c.rang_)
    )


def pages_by_parent(
    rows: Sequence[Any],
    width: int,
    ordre: Ordre,
    window: Window,
    make: Callable[[Sequence[Any]], T],
) -> dict[Hashable, Page[T]]:
    """Each parent's page from the rows of :func:`per_parent` (``width``: the columns of
    the statement given to it)."""
    size = len(ordre.cles)
    read: dict[Hashable, tuple[list[T], list[Key], int]] = {}
    for row in rows:
        parent = row[width]
        inside, total = row[width + 1 + size], row[width + 3 + size]
        items, keys, _ = read.setdefault(parent, ([], [], int(total)))
        if inside:
            items.append(make(row[:width]))
            keys.append(tuple(row[width + 1 : width + 1 + size]))
    return {parent: _trimmed(i, k, window, t) for parent, (i, k, t) in read.items()}
