"""Plain HTTP endpoints beside /graphql (the OAuth2 token endpoint)."""
