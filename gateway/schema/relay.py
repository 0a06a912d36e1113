"""Relay primitives: opaque global IDs, the Node interface, connections (SPEC §9)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Generic, TypeVar

import strawberry

from gateway.global_ids import (
    decode_cursor,
    decode_global_id,
    decode_int_id,
    encode_cursor,
    encode_global_id,
)
from gateway.schema.errors import bad_user_input

__all__ = ["decode_global_id", "decode_int_id", "encode_cursor", "encode_global_id"]

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
    cursor: str = strawberry.field(description="Pass as `after` to continue after this item.")


@strawberry.type(description="A page of items (Relay connection).")
class Connection(Generic[T]):
    edges: list[Edge[T]] = strawberry.field(description="The items of this page with cursors.")
    nodes: list[T] = strawberry.field(description="The items of this page.")
    page_info: PageInfo = strawberry.field(description="Pagination state.")
    total_count: int = strawberry.field(description="Number of items across all pages.")


@dataclass(frozen=True, slots=True)
class Page:
    """A validated page request: ``offset`` rows skipped, ``limit`` rows wanted."""

    offset: int
    limit: int


def page_from(
    first: int | None, after: str | None, *, maximum: int = MAX_PAGE, default: int = 20
) -> Page:
    """Check ``first``/``after`` and turn them into an offset window."""
    limit = default if first is None else first
    if limit < 0 or limit > maximum:
        raise bad_user_input(
            f"first : doit être compris entre 0 et {maximum} (reçu {limit}).", "first"
        )
    offset = 0
    if after is not None:
        position = decode_cursor(after)
        if position is None:
            raise bad_user_input("after : curseur invalide.", "after")
        offset = position + 1
    return Page(offset=offset, limit=limit)


def connection(items: Sequence[T], total_count: int, page: Page) -> Connection[T]:
    edges = [Edge(node=item, cursor=encode_cursor(page.offset + i)) for i, item in enumerate(items)]
    return Connection(
        edges=edges,
        nodes=list(items),
        page_info=PageInfo(
            has_next_page=page.offset + len(items) < total_count,
            has_previous_page=page.offset > 0,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        total_count=total_count,
    )


# --- the arguments every connection and period filter shares --------------------------

First = Annotated[
    int | None,
    strawberry.argument(
        description="Page size: up to 100 items, or the maximum the field's description gives."
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
Du = Annotated[
    date | None,
    strawberry.argument(description="From this date, inclusive; omitted: no lower bound."),
]
Au = Annotated[
    date | None,
    strawberry.argument(description="Up to this date, inclusive; omitted: no upper bound."),
]
