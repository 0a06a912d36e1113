"""GraphQL root fields of this area (merged into Query and Mutation by schema/assembly.py)."""

from __future__ import annotations

import strawberry


@strawberry.type
class DelaisQuery:
    pass


@strawberry.type
class DelaisMutation:
    pass


#: Types reachable only through interfaces (Node), listed for the schema.
TYPES: list[type] = []
