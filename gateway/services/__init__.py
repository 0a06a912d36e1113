"""Use cases: each mutation runs in one transaction and leaves an audit event."""
