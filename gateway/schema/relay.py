"""Relay primitives: opaque global IDs, the Node interface, connections (SPEC §9)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Generic, TypeVar

import strawberry

from gateway import cursors
from gateway.cursors import Window
from gateway.db.keyset import Ordre
from gateway.db.keyset import Page as KeysetPage
from gateway.global_ids import decode_cursor, decode_global_id, decode_int_id, encode_global_id
from gateway.schema.errors import bad_user_input

__all__ = ["Window", "decode_global_id", "decode_int_id", "encode_global_id"]

T = TypeVar("T")

MAX_PAGE = 100


@strawberry.interface(description="An object with an opaque global ID, fetchable with `node(id:)`.")
class Node:
    id: strawberry.ID = strawberry.field(description="Opaque global identifier.")


@strawberry.type(description="Pagination state of a connection.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="More items follow this page.")
    has_previous_page: bool = strawberry.field(description="Items precede this page.")
    start_cursor: str | None = strawberry.field(description="Cursor of the first item.")
    end_cursor: str | None = strawberry.field(description="Cursor of the last item.")


@strawberry.type(description="An item of a connection with its cursor.")
class Edge(Generic[T]):
    node: T = strawberry.field(description="The item.")
    cursor: str = strawberry.field(
        description=(
            "Pass as `after` to continue after this item, or as `before` to page back before it."
        )
    )


@strawberry.type(description="A page of items (Relay connection).")
class Connection(Generic[T]):
    # Cursors are written only when ``edges`` or ``pageInfo`` is read: most pages of a
    # portfolio's clients show ``nodes`` alone, and encoding every key was a tenth of it.
    keys: strawberry.Private[Sequence[Sequence[cursors.Value]]]
    kind: strawberry.Private[str]
    more: strawberry.Private[bool]
    window: strawberry.Private[Window]

    @strawberry.field(description="The items of this page with cursors.")
    def edges(self) -> list[Edge[T]]:
        return [
            Edge(node=n, cursor=cursors.encode(self.kind, k))
            for n, k in zip(self.nodes, self.keys, strict=True)
        ]

    nodes: list[T] = strawberry.field(description="The items of this page.")

    @strawberry.field(description="Pagination state.")
    def page_info(self) -> PageInfo:
        ends = [self.keys[0], self.keys[-1]] if self.keys else []
        return page_info([cursors.encode(self.kind, k) for k in ends], self.more, self.window)

    total_count: int = strawberry.field(description="Number of items across all pages.")


def _size(name: str, size: int | None, maximum: int) -> None:
    if size is not None and not 0 <= size <= maximum:
        raise bad_user_input(
            f"{name} : doit être compris entre 0 et {maximum} (reçu {size}).", name
        )


def _key(name: str, cursor: str | None, ordre: Ordre) -> tuple[cursors.Value, ...] | None:
    """The key a cursor of this list holds (BAD_USER_INPUT naming the argument)."""
    if cursor is None:
        return None
    key = cursors.decode(cursor, ordre.kind, ordre.shape)
    if key is not None:
        return key
    if decode_cursor(cursor) is not None:
        raise bad_user_input(
            f"{name} : curseur de position d'une version précédente, qui n'est plus "
            "accepté ; reprenez depuis la première page.",
            name,
        )
    raise bad_user_input(f"{name} : curseur invalide (ou d'une autre liste).", name)


@dataclass(frozen=True, slots=True)
class Pagination:
    """A connection's paging arguments as given, checked by :func:`window_from`."""

    first: int | None = None
    after: str | None = None
    last: int | None = None
    before: str | None = None


def window_from(
    ordre: Ordre, pagination: Pagination, *, maximum: int = MAX_PAGE, default: int = 20
) -> Window:
    """Check ``first``/``after``/``last``/``before`` against the list's order."""
    first, after, last, before = (
        pagination.first,
        pagination.after,
        pagination.last,
        pagination.before,
    )
    if first is not None and last is not None:
        raise bad_user_input("last : ne peut pas être combiné avec first.", "last")
    _size("first", first, maximum)
    _size("last", last, maximum)
    limit = last if last is not None else (default if first is None else first)
    return Window(
        limit, last is not None, _key("after", after, ordre), _key("before", before, ordre)
    )


def page_info(cursors_of_page: Sequence[str], more: bool, window: Window) -> PageInfo:
    """Relay: the far end continues when more rows were found, the near end when a
    cursor bounded the page."""
    return PageInfo(
        has_next_page=more if not window.backward else window.before is not None,
        has_previous_page=more if window.backward else window.after is not None,
        start_cursor=cursors_of_page[0] if cursors_of_page else None,
        end_cursor=cursors_of_page[-1] if cursors_of_page else None,
    )


def connection(
    nodes: Sequence[T], page: KeysetPage[Any], window: Window, ordre: Ordre
) -> Connection[T]:
    """The connection of a keyset page (``nodes``: its items as GraphQL objects)."""
    return Connection(
        nodes=list(nodes),
        total_count=page.total,
        keys=page.keys,
        kind=ordre.kind,
        more=page.more,
        window=window,
    )


# --- the arguments every connection and period filter shares --------------------------

First = Annotated[
    int | None,
    strawberry.argument(
        description=(
            "Page size from the start: up to 100 items, or the maximum the field's "
            "description gives; omitted (and no `last`): 20, or the field's default."
        )
    ),
]
After = Annotated[
    str | None,
    strawberry.argument(
        description=(
            "Continue after this cursor (an edge's `cursor` or `pageInfo.endCursor`); "
            "omitted: from the first item."
        )
    ),
]
Last = Annotated[
    int | None,
    strawberry.argument(
        description=(
            "Page size from the end (the items just before `before`, or the last ones), "
            "the page still in the list's order; not with `first`."
        )
    ),
]
Before = Annotated[
    str | None,
    strawberry.argument(
        description=(
            "Only items before this cursor (an edge's `cursor` or `pageInfo.startCursor`); "
            "pages backward with `last`."
        )
    ),
]
Du = Annotated[
    date | None,
    strawberry.argument(description="From this date, inclusive; omitted: no lower bound."),
]
Au = Annotated[
    date | None,
    strawberry.argument(description="Up to this date, inclusive; omitted: no upper bound."),
]
