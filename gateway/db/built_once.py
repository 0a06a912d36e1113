"""Statements built once per shape, then reused by every request of that shape.

Building a SQLAlchemy statement and computing its cache key (which the compiled-SQL
cache looks up on every execution) cost a portfolio page about a fifth of its CPU; a
statement object that is run again keeps its cache key, and costs neither. So a
statement is built for a *shape* (the kind of principal, the filters set, a list's
window...) and reused: the values that change from one request to the next (the
principal's ids, the workers of the page, a cursor) are named parameters given at
execution, those that belong to the shape (a nested list's ``first: 5``) are part of
its key.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")


class BuiltOnce(Generic[T]):
    """The statements (or other values built from a shape) of one kind, by shape: at
    most ``size`` are kept, the least recently used dropped first (a shape that changes
    with each request, such as a list filtered on a moment, then costs what building it
    always cost)."""

    def __init__(self, size: int = 256) -> None:
        self._size = size
        self._built: OrderedDict[Hashable, T] = OrderedDict()

    def get(self, shape: Hashable, build: Callable[[], T]) -> T:
        """The statement of ``shape``, built by ``build`` the first time."""
        built = self._built
        found = built.get(shape)
        if found is None:
            found = built[shape] = build()
            if len(built) > self._size:
                built.popitem(last=False)
        else:
            built.move_to_end(shape)
        return found
