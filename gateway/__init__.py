"""Mon compte indépendant GraphQL gateway: HTTP, auth, GraphQL schema, services, persistence."""
