"""OpenTelemetry traces: HTTP (Starlette), GraphQL (strawberry) and SQL (SQLAlchemy) spans.

Off unless ``OTEL_EXPORTER_OTLP_ENDPOINT`` is set (the standard OpenTelemetry variable;
the exporter also reads the other ``OTEL_*`` variables: headers, protocol, service name).
"""

from __future__ import annotations

import os
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

# OpenTelemetry is imported inside the functions: it is loaded only when traces are on.


def tracing_enabled() -> bool:
    return bool(os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT"))


def otlp_tracer_provider() -> Any:
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    provider = TracerProvider(
        resource=Resource.create(
            {"service.name": os.environ.get("OTEL_SERVICE_NAME", "moncompte-gateway")}
        )
    )
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    return provider


def instrument(app: Any, engine: AsyncEngine, provider: Any) -> None:
    """HTTP and SQL spans (the GraphQL spans come from the schema's extension)."""
    from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor
    from opentelemetry.instrumentation.starlette import StarletteInstrumentor

    StarletteInstrumentor.instrument_app(app, tracer_provider=provider)
    # Its declared range stops below SQLAlchemy 2.1, whose engine events it uses unchanged
    # (the test of traces checks the SQL spans).
    SQLAlchemyInstrumentor().instrument(
        engine=engine.sync_engine, tracer_provider=provider, skip_dep_check=True
    )
