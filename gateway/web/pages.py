"""Static assets, the web pages and the GraphiQL page, each with its cache policy and CSP."""

from __future__ import annotations

from pathlib import Path

from starlette.responses import FileResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

STATIC = Path(__file__).parent / "static"

# No inline script anywhere; GraphiQL (React) sets inline styles, hence 'unsafe-inline'
# for styles on that page only.
GRAPHIQL_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)


# The web pages (cabinet dashboard, "Mon compte"): scripts, styles, data only from the
# gateway itself; no inline script or style; documents arrive as blobs.
APP_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; "
    "base-uri 'none'; form-action 'self'"
)


def app_page() -> Response:
    """``/``: the one HTML page of the web face; its parts are chosen after the ``#``."""
    return FileResponse(
        STATIC / "app" / "index.html",
        media_type="text/html; charset=utf-8",
        headers={
            "Content-Security-Policy": APP_CSP,
            "Cache-Control": "no-cache",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
        },
    )


def graphiql_page() -> Response:
    return FileResponse(
        STATIC / "graphiql" / "index.html",
        media_type="text/html; charset=utf-8",
        headers={
            "Content-Security-Policy": GRAPHIQL_CSP,
            "Cache-Control": "no-cache",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
        },
    )


class Assets(StaticFiles):
    """/static/…: vendored files never change under their versioned path (a year of
    cache); the gateway's own files are revalidated."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code == 200:
            immutable = path.startswith("vendor/") and "@" in path
            response.headers["Cache-Control"] = (
                "public, max-age=31536000, immutable" if immutable else "no-cache"
            )
            response.headers["X-Content-Type-Options"] = "nosniff"
        return response


def assets() -> Assets:
    return Assets(directory=STATIC)
