"""GraphQL schema: strawberry types per area, assembled in ``assembly.py``."""

# The domain enums must be registered (with their descriptions) before any type module
# uses them, whichever module is imported first: otherwise strawberry sees two
# definitions of the same enum.
from gateway.schema import enums  # noqa: F401
