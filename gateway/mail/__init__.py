"""Outbox delivery: transports (SMTP, folder) and the sender that retries (SPEC §4, issue 5)."""
