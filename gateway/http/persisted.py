"""Persisted queries: Apollo's automatic persisted queries and trusted documents.

Automatic persisted queries (APQ, Apollo's protocol): a client sends
``extensions.persistedQuery = {"version": 1, "sha256Hash": "<hex>"}`` without the
query; when the gateway does not know the hash it answers PERSISTED_QUERY_NOT_FOUND,
and the client sends the query again with the hash, which the gateway checks and
remembers. Remembered documents are kept per process (a bounded cache): another
process answers NOT_FOUND once, and the client's retry teaches it.

Trusted documents: a registry (table ``document_confiance``) an operator fills with
``gateway documents add``. Its documents are known by hash to every process. With
``GATEWAY_TRUSTED_DOCUMENTS_ONLY=true`` nothing else runs: a request must name a
registered document by hash (``extensions.persistedQuery.sha256Hash``, or
``documentId: "sha256:<hex>"``) or send the text of one.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from graphql import GraphQLError
from sqlalchemy import select
from strawberry.http import GraphQLRequestData

from gateway.config import Settings
from gateway.db.engine import RequestSession
from gateway.db.models_http import DocumentConfiance
from gateway.db.upsert import insert_on_conflict

NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
NOT_SUPPORTED = "PERSISTED_QUERY_NOT_SUPPORTED"
NOT_TRUSTED = "PERSISTED_QUERY_NOT_ALLOWED"
HASH_MISMATCH = "PERSISTED_QUERY_HASH_MISMATCH"
#: Documents remembered per process (APQ registrations and trusted documents met).
CACHE_SIZE = 2_000
_HEX = re.compile(r"[0-9a-f]{64}")


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class DocumentCache:
    """The documents a process knows by hash, least recently used dropped first."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self.size = size
        self._documents: OrderedDict[str, str] = OrderedDict()
        # Hashes known to be in the trusted registry (the rest may be APQ-only).
        self._trusted: set[str] = set()

    def get(self, digest: str) -> str | None:
        text = self._documents.get(digest)
        if text is not None:
            self._documents.move_to_end(digest)
        return text

    def put(self, digest: str, text: str, *, trusted: bool = False) -> None:
        self._documents[digest] = text
        self._documents.move_to_end(digest)
        if trusted:
            self._trusted.add(digest)
        while len(self._documents) > self.size:
            dropped, _ = self._documents.popitem(last=False)
            self._trusted.discard(dropped)

    def is_trusted(self, digest: str) -> bool:
        return digest in self._trusted and digest in self._documents


@dataclass(frozen=True, slots=True)
class Refusal:
    """A persisted-query request that cannot run: its GraphQL error, and whether it
    comes before anything could run (HTTP 4xx with graphql-response+json)."""

    error: GraphQLError
    request_error: bool = True


def _error(code: str, message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code})


def requested_hash(extensions: dict[str, Any] | None) -> str | Refusal | None:
    """The hash a request names, None when it names none."""
    extensions = extensions or {}
    persisted = extensions.get("persistedQuery")
    document_id = extensions.get("documentId")
    if persisted is None and document_id is None:
        return None
    if persisted is not None:
        if not isinstance(persisted, dict) or persisted.get("version") != 1:
            return Refusal(
                _error(NOT_SUPPORTED, "persistedQuery : seule la version 1 est prise en charge.")
            )
        digest = persisted.get("sha256Hash")
    else:
        digest = document_id[len("sha256:") :] if isinstance(document_id, str) else None
        if not isinstance(document_id, str) or not document_id.startswith("sha256:"):
            digest = None
    if not isinstance(digest, str) or not _HEX.fullmatch(digest):
        return Refusal(
            _error(
                "BAD_USER_INPUT",
                "persistedQuery.sha256Hash : attendu l'empreinte SHA-256 du document "
                "(64 caractères hexadécimaux en minuscules).",
            )
        )
    return digest


async def _trusted_text(db: RequestSession, cache: DocumentCache, digest: str) -> str | None:
    if cache.is_trusted(digest):
        return cache.get(digest)
    text: str | None = await db.scalar(
        select(DocumentConfiance.texte).where(DocumentConfiance.empreinte == digest)
    )
    if text is not None:
        cache.put(digest, text, trusted=True)
    return text


async def resolve(
    request: GraphQLRequestData, settings: Settings, cache: DocumentCache, db: RequestSession
) -> GraphQLRequestData | Refusal:
    """The request with its document, or why it may not run."""
    digest = requested_hash(request.extensions)
    if isinstance(digest, Refusal):
        return digest
    trusted_only = settings.trusted_documents_only
    if digest is None:
        if not trusted_only or request.query is None:
            return request
        if await _trusted_text(db, cache, sha256(request.query)) is None:
            return Refusal(_untrusted())
        return request
    if not settings.persisted_queries and not trusted_only:
        return Refusal(
            _error(NOT_SUPPORTED, "Requêtes persistées non prises en charge : envoyez `query`.")
        )
    if request.query is not None:
        if sha256(request.query) != digest:
            return Refusal(
                _error(
                    HASH_MISMATCH,
                    "persistedQuery.sha256Hash : l'empreinte ne correspond pas à `query`.",
                )
            )
        if trusted_only:
            if await _trusted_text(db, cache, digest) is None:
                return Refusal(_untrusted())
        elif cache.get(digest) is None:
            cache.put(digest, request.query)
        return request
    text = await _trusted_text(db, cache, digest)
    if text is None and not trusted_only:
        text = cache.get(digest)
    if text is None:
        if trusted_only:
            return Refusal(_untrusted())
        # Apollo's clients look for this message and code, then send the query.
        return Refusal(_error(NOT_FOUND, "PersistedQueryNotFound"), request_error=False)
    return replace(request, query=text)


def _untrusted() -> GraphQLError:
    return _error(
        NOT_TRUSTED,
        "Document non autorisé : ce serveur n'exécute que les documents enregistrés "
        "(gateway documents add) ; envoyez l'empreinte d'un document enregistré.",
    )


# --- The registry, from the command line ------------------------------------------------


@dataclass(frozen=True, slots=True)
class Document:
    text: str
    name: str | None

    @property
    def digest(self) -> str:
        return sha256(self.text)


def documents_in(path: Path) -> list[Document]:
    """The documents of a file: one GraphQL document (``.graphql``), or an Apollo
    persisted-query manifest (``.json``, ``{"operations": [{"body", "name"}, …]}``)."""
    content = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        manifest = json.loads(content)
        return [
            Document(operation["body"], operation.get("name"))
            for operation in manifest.get("operations", [])
        ]
    # What a client sends is the document without the file's surrounding blank lines.
    return [Document(content.strip(), path.stem)]


async def add_documents(sessions: Any, documents: Sequence[Document], now: Any) -> int:
    """Register ``documents`` (those already known are left as they are); how many
    were new."""
    from graphql import parse

    added = 0
    async with sessions() as session:
        for document in documents:
            parse(document.text)  # a document that does not parse is never trusted
            result = await session.execute(
                insert_on_conflict(session, DocumentConfiance)
                .values(
                    empreinte=document.digest,
                    texte=document.text,
                    nom=document.name,
                    ajoute_le=now,
                )
                .on_conflict_do_nothing(index_elements=["empreinte"])
            )
            added += result.rowcount or 0
        await session.commit()
    return added


async def add_documents_command(settings: Settings, files: Sequence[str]) -> None:
    from graphql import GraphQLError, parse

    from gateway.app import clock_for
    from gateway.db.engine import create_engine, session_factory

    documents = [d for file in files for d in documents_in(Path(file))]
    for document in documents:
        try:
            parse(document.text)
        except GraphQLError as error:
            # Nothing is registered when one document does not parse.
            raise SystemExit(f"Document « {document.name} » illisible : {error.message}") from None
    engine = create_engine(settings.database_url)
    try:
        added = await add_documents(session_factory(engine), documents, clock_for(settings).now())
    finally:
        await engine.dispose()
    for document in documents:
        print(f"sha256:{document.digest}  {document.name or ''}")
    print(f"{added} document(s) ajouté(s), {len(documents) - added} déjà enregistré(s).")


async def list_documents_command(settings: Settings) -> None:
    from gateway.db.engine import create_engine, session_factory

    engine = create_engine(settings.database_url)
    try:
        async with session_factory(engine)() as session:
            rows = (
                await session.execute(
                    select(
                        DocumentConfiance.empreinte,
                        DocumentConfiance.nom,
                        DocumentConfiance.ajoute_le,
                    ).order_by(DocumentConfiance.ajoute_le, DocumentConfiance.empreinte)
                )
            ).all()
    finally:
        await engine.dispose()
    for empreinte, nom, ajoute_le in rows:
        print(f"sha256:{empreinte}  {ajoute_le:%Y-%m-%d %H:%M}  {nom or ''}")
    print(f"{len(rows)} document(s) de confiance.")
