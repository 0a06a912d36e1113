"""Parsed and validated documents, kept across requests.

Clients send the same few documents over and over (a dashboard page, ``me``): parsing
and validating one costs more CPU than running a small query. The schema keeps, per
query text, the parsed document and whether it passed validation under the rules in
force, and gives extensions a place to keep what they derive from a document (the cost
walk's field collection, whether it names a portfolio-wide field).

Only what depends on the document alone is kept: never a result, never anything of
the principal. A document that fails to parse or to validate is not kept (it is
parsed and validated again, and its errors are built fresh for each request).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from typing import Any

from graphql import DocumentNode
from strawberry.extensions import SchemaExtension
from strawberry.schema.name_converter import NameConverter

#: Distinct query texts kept per schema (least recently used ones go first).
MAX_DOCUMENTS = 256
#: Longest query text kept: longer ones are parsed each time (tokens are limited anyway).
MAX_QUERY_LENGTH = 20_000


class CachedDocument:
    """One query text's parsed document, the rule sets it passed, derived values."""

    __slots__ = ("derived", "document", "valid_under")

    def __init__(self, document: DocumentNode) -> None:
        self.document = document
        self.valid_under: set[tuple[type[Any], ...]] = set()
        #: What extensions derive from the document alone, by a key of their choosing.
        self.derived: dict[Any, Any] = {}


# Documents currently kept, by identity, so an extension holding only the document finds
# its entry. An entry holds its document, so an id here is never reused while it is kept.
_KEPT: dict[int, CachedDocument] = {}


def entry_of(document: DocumentNode | None) -> CachedDocument | None:
    """The cache entry of a document that came from a cache, else None."""
    return None if document is None else _KEPT.get(id(document))


class DocumentCache:
    """An LRU of query text (and parse options) → ``CachedDocument``, for one schema."""

    def __init__(self, maxsize: int = MAX_DOCUMENTS) -> None:
        self.maxsize = maxsize
        self._entries: OrderedDict[tuple[str, tuple[Any, ...]], CachedDocument] = OrderedDict()

    def get(self, key: tuple[str, tuple[Any, ...]]) -> CachedDocument | None:
        entry = self._entries.get(key)
        if entry is not None:
            self._entries.move_to_end(key)
        return entry

    def put(self, key: tuple[str, tuple[Any, ...]], document: DocumentNode) -> CachedDocument:
        entry = CachedDocument(document)
        previous = self._entries.pop(key, None)
        if previous is not None:
            _KEPT.pop(id(previous.document), None)
        self._entries[key] = entry
        _KEPT[id(document)] = entry
        while len(self._entries) > self.maxsize:
            _, evicted = self._entries.popitem(last=False)
            _KEPT.pop(id(evicted.document), None)
        return entry

    def __len__(self) -> int:
        return len(self._entries)


class DocumentCaching(SchemaExtension):
    """Serves a known query text's document, and skips validating it again under the
    same rules. Listed after the extensions that set parse options and add rules."""

    def __init__(self, cache: DocumentCache) -> None:
        self.cache = cache
        self._key: tuple[str, tuple[Any, ...]] | None = None
        self._entry: CachedDocument | None = None

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        query = context.query
        if query and context.graphql_document is None and len(query) <= MAX_QUERY_LENGTH:
            self._key = (query, tuple(sorted(context.parse_options.items())))
            self._entry = self.cache.get(self._key)
            if self._entry is not None:
                context.graphql_document = self._entry.document
        yield
        if self._entry is None and self._key is not None:
            document = context.graphql_document
            if document is not None and not context.pre_execution_errors:
                self._entry = self.cache.put(self._key, document)

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        entry = self._entry
        rules = tuple(context.validation_rules)
        known = (
            entry is not None
            and context.graphql_document is entry.document
            and context.pre_execution_errors is None
            and rules in entry.valid_under
        )
        if known:
            context.pre_execution_errors = []  # validated before under these rules
        yield
        if entry is not None and not known and context.pre_execution_errors == []:
            entry.valid_under.add(rules)


class CachedNameConverter(NameConverter):
    """strawberry converts every argument's name to camel case on every resolver call;
    the conversion depends on the name alone, so it is done once per name."""

    def __init__(self, auto_camel_case: bool = True) -> None:
        super().__init__(auto_camel_case)
        self._names: dict[str, str] = {}

    def apply_naming_config(self, name: str) -> str:
        converted = self._names.get(name)
        if converted is None:
            converted = self._names[name] = super().apply_naming_config(name)
        return converted
