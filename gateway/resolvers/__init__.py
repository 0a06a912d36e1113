"""Thin resolvers: check the caller, parse arguments, call a loader or service, map to types."""
