"""What the GraphQL layer adds to the request's observation."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import ExecutionResult
from strawberry.extensions import SchemaExtension

from gateway.observability.requests import current


class ObserveOperation(SchemaExtension):
    """Records the operation's name and type once the document is known."""

    def on_operation(self) -> Iterator[None]:
        yield
        observation = current()
        if observation is None:
            return
        context = self.execution_context
        observation.operation = context.operation_name
        try:
            observation.operation_type = context.operation_type.value
        except Exception:  # an unparsable document has no operation type
            observation.operation_type = None


def observe_result(result: ExecutionResult | Any) -> None:
    """Error codes and cost of the result, as the client receives them."""
    observation = current()
    if observation is None:
        return
    for error in result.errors or []:
        code = (error.extensions or {}).get("code")
        observation.error_codes.append(str(code) if code else "INTERNAL_SERVER_ERROR")
    cost = (result.extensions or {}).get("cost")
    if isinstance(cost, dict) and isinstance(cost.get("actualQueryCost"), int):
        observation.cost = cost["actualQueryCost"]
