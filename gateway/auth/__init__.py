"""Authentication (passwords, tokens) and authorization (principals, visibility, scopes)."""
