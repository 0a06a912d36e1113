"""GraphQL root fields of this area (merged into Query and Mutation by schema/assembly.py)."""

from __future__ import annotations

import strawberry


@strawberry.type
class DeclarationsQuery:
    pass


@strawberry.type
class DeclarationsMutation:
    pass


#: Types reachable only through interfaces (Node), listed for the schema.
TYPES: list[type] = []
