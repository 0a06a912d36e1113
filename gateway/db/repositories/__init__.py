"""Repositories: every SQL statement of the gateway, each filtered by the principal."""
