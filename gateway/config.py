"""Settings from the environment, read and validated once at start-up (README,
"Configuration").

``Settings`` is the plain value the application uses (tests build it directly);
``Environment`` (pydantic-settings) reads the variables, checks each one and builds it.
A bad value raises ``SettingsError`` with one line naming the variable, the value and
what is expected: the command line prints that line and stops, without a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AliasChoices, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///var/moncompte.sqlite3"
#: Path of the public attestation verification page (printed, and QR-coded, on PDFs).
VERIFICATION_PATH = "/verification"
#: Async drivers the gateway runs on.
DRIVERS = ("sqlite+aiosqlite", "postgresql+asyncpg")

# Rate limit per principal (leaky bucket of query cost, README "Rate limits"): a full
# bucket holds two queries of the largest cost the budget admits (three dashboard pages
# of 500 clients of a 10 000-client portfolio, 247 503 each); it restores one such page
# every 2.5 s, about the time the page takes to compute.
DEFAULT_RATE_LIMIT_BUCKET = 800_000
DEFAULT_RATE_LIMIT_RESTORE_RATE = 100_000

# Connections kept per process: as many as the requests one process serves at once
# (SQLAlchemy's default of 5 made every sixth concurrent request open and close a
# connection of its own: a TCP and authentication handshake, and its statements
# prepared again). Five processes at the default fit PostgreSQL's 100 connections.
DEFAULT_DB_POOL_SIZE = 20


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    # Database connections each process keeps open (when more requests run at once, up
    # to 10 more are opened and closed again, then requests wait for one).
    db_pool_size: int = DEFAULT_DB_POOL_SIZE
    access_token_ttl_seconds: int = 900
    # Fixed "today" for demos and tests (ISO date); None means the real date.
    today: date | None = None
    # Where e-mails go when no SMTP server is configured.
    mail_dir: Path = Path("var/mail")
    smtp_host: str | None = None
    smtp_port: int = 25
    mail_sender: str = "ne-pas-repondre@moncompte-independant.example"
    public_base_url: str = "http://127.0.0.1:8000"
    # argon2 cost: tests lower it (2 cores); production keeps the library default.
    argon2_time_cost: int = 3
    argon2_memory_cost: int = 65536
    # "json" (one object per line, for log collectors) or "text" (for a terminal).
    log_format: str = "json"
    log_level: str = "INFO"
    # Hashes computed at once per process (worker threads): bounds CPU and memory.
    argon2_threads: int = 2

    @property
    def verification_url(self) -> str:
        """The public verification page, as printed on the attestations."""
        return f"{self.public_base_url.rstrip('/')}{VERIFICATION_PATH}"

    # Larger request bodies are refused with HTTP 413 before anything reads them.
    max_body_bytes: int = 1_048_576
    # A GraphQL operation running longer ends with REQUEST_TIMEOUT.
    request_timeout_seconds: float = 10.0
    # Origins (scheme://host[:port]) whose browser pages may call the API; none by default.
    cors_origins: tuple[str, ...] = ()
    # Leaky bucket of query cost per principal: its size (0: no rate limit) and the
    # points it restores per second.
    rate_limit_bucket: int = DEFAULT_RATE_LIMIT_BUCKET
    rate_limit_restore_rate: int = DEFAULT_RATE_LIMIT_RESTORE_RATE
    # Automatic persisted queries (Apollo's protocol): a client may send a hash only.
    persisted_queries: bool = True
    # Only documents of the trusted registry (``gateway documents add``) are executed.
    trusted_documents_only: bool = False
    # Webhooks: "development" accepts http:// endpoint URLs (elsewhere https only);
    # private, loopback and link-local addresses are refused unless allowed (SSRF).
    environment: str = "production"
    webhooks_allow_private: bool = False
    # First retry delay of a failed delivery (doubling, with jitter, up to 4 h).
    webhooks_first_retry_seconds: float = 30.0
    # The delivery loop runs beside the server (off: run `gateway webhooks deliver`).
    webhooks_in_server: bool = True
    # Fields that only read an attribute are answered without graphql-core's per-field
    # work (no variable: the tests turn it off to compare with the general execution).
    attribute_fields: bool = True

    @classmethod
    def from_environment(cls, environ: dict[str, str] | None = None) -> Settings:
        """The settings the environment gives; ``SettingsError`` on a bad value."""
        return Environment.read(environ).settings()

    def effective(self) -> dict[str, str]:
        """Every setting by its variable, as ``gateway config check`` prints it: the
        database password masked."""
        shown: dict[str, str] = {}
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        for variable, name in VARIABLES.items():
            value = values[name]
            if name == "database_url":
                value = make_url(value).render_as_string(hide_password=True)
            elif isinstance(value, tuple):
                value = ",".join(value)
            elif value is None:
                value = ""
            elif isinstance(value, bool):
                value = "true" if value else "false"
            shown[variable] = str(value)
        return shown


class SettingsError(ValueError):
    """A variable of the environment holds a value the gateway cannot run with."""


#: Variable → field of ``Settings`` (the README's configuration table, in order).
VARIABLES: dict[str, str] = {
    "DATABASE_URL": "database_url",
    "GATEWAY_DB_POOL_SIZE": "db_pool_size",
    "GATEWAY_PUBLIC_URL": "public_base_url",
    "GATEWAY_TOKEN_TTL": "access_token_ttl_seconds",
    "GATEWAY_TODAY": "today",
    "GATEWAY_MAIL_DIR": "mail_dir",
    "SMTP_HOST": "smtp_host",
    "SMTP_PORT": "smtp_port",
    "GATEWAY_MAIL_SENDER": "mail_sender",
    "GATEWAY_LOG_FORMAT": "log_format",
    "GATEWAY_LOG_LEVEL": "log_level",
    "GATEWAY_ARGON2_THREADS": "argon2_threads",
    "GATEWAY_MAX_BODY_BYTES": "max_body_bytes",
    "GATEWAY_REQUEST_TIMEOUT": "request_timeout_seconds",
    "GATEWAY_CORS_ORIGINS": "cors_origins",
    "GATEWAY_RATE_LIMIT_BUCKET": "rate_limit_bucket",
    "GATEWAY_RATE_LIMIT_RESTORE_RATE": "rate_limit_restore_rate",
    "GATEWAY_PERSISTED_QUERIES": "persisted_queries",
    "GATEWAY_TRUSTED_DOCUMENTS_ONLY": "trusted_documents_only",
    "GATEWAY_ENV": "environment",
    "GATEWAY_WEBHOOKS_ALLOW_PRIVATE": "webhooks_allow_private",
    "GATEWAY_WEBHOOKS_FIRST_RETRY": "webhooks_first_retry_seconds",
    "GATEWAY_WEBHOOKS_IN_SERVER": "webhooks_in_server",
}
_BY_FIELD = {name: variable for variable, name in VARIABLES.items()}

#: What each variable expects, in the one line that refuses a bad value.
EXPECTED: dict[str, str] = {
    "DATABASE_URL": (
        "an async SQLAlchemy URL: sqlite+aiosqlite:///path/to/file.sqlite3 "
        "or postgresql+asyncpg://user:password@host:5432/database"
    ),
    "GATEWAY_DB_POOL_SIZE": "a whole number of connections between 1 and 200, e.g. 20",
    "GATEWAY_PUBLIC_URL": "an absolute http(s) URL, e.g. https://api.example.fr",
    "GATEWAY_TOKEN_TTL": "a whole number of seconds between 60 and 86400, e.g. 900",
    "GATEWAY_TODAY": "an ISO date YYYY-MM-DD, e.g. 2026-11-23",
    "GATEWAY_MAIL_DIR": "a directory path",
    "SMTP_HOST": "a host name",
    "SMTP_PORT": "a port number between 1 and 65535",
    "GATEWAY_MAIL_SENDER": "an e-mail address",
    "GATEWAY_LOG_FORMAT": "json or text",
    "GATEWAY_LOG_LEVEL": "DEBUG, INFO, WARNING, ERROR or CRITICAL",
    "GATEWAY_ARGON2_THREADS": "a whole number between 1 and 64",
    "GATEWAY_MAX_BODY_BYTES": "a whole number of bytes between 1024 and 104857600",
    "GATEWAY_REQUEST_TIMEOUT": "a number of seconds between 0.1 and 600, e.g. 10",
    "GATEWAY_CORS_ORIGINS": (
        "a comma-separated list of origins scheme://host[:port] (no path), "
        "e.g. https://app.example.fr,http://localhost:3000"
    ),
    "GATEWAY_RATE_LIMIT_BUCKET": (
        "a whole number of cost points, 0 (no rate limit) or at least the cost budget of one query"
    ),
    "GATEWAY_RATE_LIMIT_RESTORE_RATE": "a whole number of cost points per second, at least 1",
    "GATEWAY_PERSISTED_QUERIES": "true or false",
    "GATEWAY_TRUSTED_DOCUMENTS_ONLY": "true or false",
    "GATEWAY_ENV": "production or development (development accepts http:// webhook URLs)",
    "GATEWAY_WEBHOOKS_ALLOW_PRIVATE": "true or false (1 or 0)",
    "GATEWAY_WEBHOOKS_FIRST_RETRY": "a number of seconds between 0.01 and 86400, e.g. 30",
    "GATEWAY_WEBHOOKS_IN_SERVER": "true or false (1 or 0)",
}


def _alias(name: str) -> Any:
    return Field(validation_alias=AliasChoices(_BY_FIELD[name]))


class Environment(BaseSettings):
    """The environment's variables, each checked (see ``EXPECTED``)."""

    model_config = SettingsConfigDict(extra="ignore", case_sensitive=True, frozen=True)

    database_url: str = Field(DEFAULT_DATABASE_URL, validation_alias="DATABASE_URL")
    db_pool_size: int = Field(
        DEFAULT_DB_POOL_SIZE, ge=1, le=200, validation_alias="GATEWAY_DB_POOL_SIZE"
    )
    public_base_url: str = Field("http://127.0.0.1:8000", validation_alias="GATEWAY_PUBLIC_URL")
    access_token_ttl_seconds: int = Field(
        900, ge=60, le=86_400, validation_alias="GATEWAY_TOKEN_TTL"
    )
    today: date | None = Field(None, validation_alias="GATEWAY_TODAY")
    mail_dir: Path = Field(Path("var/mail"), validation_alias="GATEWAY_MAIL_DIR")
    smtp_host: str | None = Field(None, validation_alias="SMTP_HOST")
    smtp_port: int = Field(25, ge=1, le=65_535, validation_alias="SMTP_PORT")
    mail_sender: str = Field(
        "ne-pas-repondre@moncompte-independant.example", validation_alias="GATEWAY_MAIL_SENDER"
    )
    log_format: Literal["json", "text"] = Field("json", validation_alias="GATEWAY_LOG_FORMAT")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = Field(
        "INFO", validation_alias="GATEWAY_LOG_LEVEL"
    )
    argon2_threads: int = Field(2, ge=1, le=64, validation_alias="GATEWAY_ARGON2_THREADS")
    max_body_bytes: int = Field(
        1_048_576, ge=1024, le=104_857_600, validation_alias="GATEWAY_MAX_BODY_BYTES"
    )
    request_timeout_seconds: float = Field(
        10.0, ge=0.1, le=600, validation_alias="GATEWAY_REQUEST_TIMEOUT"
    )
    cors_origins: Annotated[tuple[str, ...], NoDecode] = Field(
        (), validation_alias="GATEWAY_CORS_ORIGINS"
    )
    rate_limit_bucket: int = Field(
        DEFAULT_RATE_LIMIT_BUCKET, ge=0, validation_alias="GATEWAY_RATE_LIMIT_BUCKET"
    )
    rate_limit_restore_rate: int = Field(
        DEFAULT_RATE_LIMIT_RESTORE_RATE, ge=1, validation_alias="GATEWAY_RATE_LIMIT_RESTORE_RATE"
    )
    persisted_queries: bool = Field(True, validation_alias="GATEWAY_PERSISTED_QUERIES")
    trusted_documents_only: bool = Field(False, validation_alias="GATEWAY_TRUSTED_DOCUMENTS_ONLY")
    environment: Literal["production", "development"] = Field(
        "production", validation_alias="GATEWAY_ENV"
    )
    webhooks_allow_private: bool = Field(False, validation_alias="GATEWAY_WEBHOOKS_ALLOW_PRIVATE")
    webhooks_first_retry_seconds: float = Field(
        30.0, ge=0.01, le=86_400, validation_alias="GATEWAY_WEBHOOKS_FIRST_RETRY"
    )
    webhooks_in_server: bool = Field(True, validation_alias="GATEWAY_WEBHOOKS_IN_SERVER")

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        try:
            url = make_url(value)
        except ArgumentError:
            raise ValueError("not a URL") from None
        if url.drivername not in DRIVERS:
            raise ValueError(f"driver {url.drivername!r}")
        return value

    @field_validator("public_base_url")
    @classmethod
    def _public_url(cls, value: str) -> str:
        scheme, _, rest = value.partition("://")
        if scheme not in ("http", "https") or not rest or rest.startswith("/"):
            raise ValueError("not an absolute URL")
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _level(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("smtp_host", "today", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _origins(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        origins = tuple(o.strip().rstrip("/") for o in value.split(",") if o.strip())
        for origin in origins:
            scheme, _, host = origin.partition("://")
            if origin == "*":
                raise ValueError("'*' (list the origins)")
            if scheme not in ("http", "https") or not host or "/" in host:
                raise ValueError(f"not an origin: {origin!r}")
        return origins

    @classmethod
    def read(cls, environ: dict[str, str] | None = None) -> Environment:
        """Validated settings from ``environ`` (by default the process environment)."""
        try:
            if environ is None:
                return cls()  # type: ignore[call-arg]  # pydantic fills them from the environment
            known = {k: v for k, v in environ.items() if k in VARIABLES}
            return cls.model_validate(known)
        except ValidationError as error:
            raise SettingsError(_one_line(error, environ)) from None

    def settings(self) -> Settings:
        return Settings(**{name: getattr(self, name) for name in VARIABLES.values()})


def _one_line(error: ValidationError, environ: dict[str, str] | None) -> str:
    """``GATEWAY_TOKEN_TTL='15min' is invalid: expected …`` for the first bad variable."""
    import os

    first = error.errors()[0]
    variable = str(first["loc"][0]) if first["loc"] else "?"
    source = os.environ if environ is None else environ
    value = source.get(variable, first.get("input"))
    expected = EXPECTED.get(variable, first["msg"])
    more = len(error.errors()) - 1
    others = f" (and {more} other invalid setting{'s' if more > 1 else ''})" if more else ""
    return f"{variable}={value!r} is invalid: expected {expected}{others}"
