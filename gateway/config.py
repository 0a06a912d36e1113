"""Settings from the environment, read once at start-up (documented in the README)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///var/moncompte.sqlite3"
#: Path of the public attestation verification page (printed, and QR-coded, on PDFs).
VERIFICATION_PATH = "/verification"


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
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
    # Webhooks: "development" accepts http:// endpoint URLs (elsewhere https only);
    # private, loopback and link-local addresses are refused unless allowed (SSRF).
    environment: str = "production"
    webhooks_allow_private: bool = False
    # First retry delay of a failed delivery (doubling, with jitter, up to 4 h).
    webhooks_first_retry_seconds: float = 30.0
    # The delivery loop runs beside the server (off: run `gateway webhooks deliver`).
    webhooks_in_server: bool = True

    @classmethod
    def from_environment(cls) -> Settings:
        env = os.environ
        today = env.get("GATEWAY_TODAY")
        kwargs: dict[str, object] = {
            "database_url": env.get("DATABASE_URL", DEFAULT_DATABASE_URL),
            "today": date.fromisoformat(today) if today else None,
            "mail_dir": Path(env.get("GATEWAY_MAIL_DIR", "var/mail")),
            "smtp_host": env.get("SMTP_HOST") or None,
            "smtp_port": int(env.get("SMTP_PORT", "25")),
            "public_base_url": env.get("GATEWAY_PUBLIC_URL", "http://127.0.0.1:8000"),
            "log_format": env.get("GATEWAY_LOG_FORMAT", "json"),
            "log_level": env.get("GATEWAY_LOG_LEVEL", "INFO").upper(),
        }
        if env.get("GATEWAY_ARGON2_THREADS"):
            kwargs["argon2_threads"] = int(env["GATEWAY_ARGON2_THREADS"])
        if env.get("GATEWAY_MAX_BODY_BYTES"):
            kwargs["max_body_bytes"] = int(env["GATEWAY_MAX_BODY_BYTES"])
        if env.get("GATEWAY_REQUEST_TIMEOUT"):
            kwargs["request_timeout_seconds"] = float(env["GATEWAY_REQUEST_TIMEOUT"])
        if env.get("GATEWAY_ENV"):
            kwargs["environment"] = env["GATEWAY_ENV"]
        if env.get("GATEWAY_WEBHOOKS_ALLOW_PRIVATE"):
            kwargs["webhooks_allow_private"] = env["GATEWAY_WEBHOOKS_ALLOW_PRIVATE"] == "1"
        if env.get("GATEWAY_WEBHOOKS_FIRST_RETRY"):
            kwargs["webhooks_first_retry_seconds"] = float(env["GATEWAY_WEBHOOKS_FIRST_RETRY"])
        if env.get("GATEWAY_WEBHOOKS_IN_SERVER"):
            kwargs["webhooks_in_server"] = env["GATEWAY_WEBHOOKS_IN_SERVER"] != "0"
        if env.get("GATEWAY_TOKEN_TTL"):
            kwargs["access_token_ttl_seconds"] = int(env["GATEWAY_TOKEN_TTL"])
        return cls(**kwargs)  # type: ignore[arg-type]
