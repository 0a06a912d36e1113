"""GraphQL schema: strawberry types per area, assembled in ``assembly.py``."""
