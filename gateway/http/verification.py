"""The public verification page of attestations (``/verification``), in French.

A client company types the code printed on an attestation — or scans its QR code,
which opens this page with the code filled in (``?code=``) — and optionally the
SIREN it expects. The answer is the type, the business name, the SIREN, the dates and
whether the attestation is still valid: nothing else. An unknown code and a code
with another business's SIREN get the same answer, so the page cannot be used to
learn which SIREN a code belongs to.

No login, no script: the HTML is rendered on the server by Jinja2 with autoescaping
(every value written is escaped), and served with a strict Content-Security-Policy
(no inline script or style; the only resource is this page's own style sheet). Checks
are rate-limited per client address with the database-backed limiter, like logins.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from jinja2 import Environment
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route
from stdnum.fr import siren as siren_check

from domain.nomenclatures import TypeAttestation
from gateway import limiter
from gateway.auth.throttling import throttled_message
from gateway.config import VERIFICATION_PATH
from gateway.context import AppServices
from gateway.db.engine import RequestSession
from gateway.documents.layout import format_siren, jour
from gateway.services.attestations import Verification, verify

#: 30 checks per client address in any minute: plenty for a person, not for guessing.
VERIFICATION_PER_ADRESSE = limiter.Limit("verification.adresse", 30, timedelta(minutes=1))
#: Longest input read (a code is 23 characters, a SIREN 9 digits, spaces allowed).
LONGUEUR_MAX = 64
STYLE_PATH = f"{VERIFICATION_PATH}/style.css"

HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; form-action 'self'; base-uri 'none'; "
        "frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # The code travels in the page's address (QR code): never sent on to another site.
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}

TYPES = {
    TypeAttestation.VIGILANCE: "Attestation de vigilance",
    TypeAttestation.MARCHE_PUBLIC: "Attestation de régularité - marché public",
    TypeAttestation.CSG_CRDS: "Attestation de CSG-CRDS",
    TypeAttestation.FORMATION_PROFESSIONNELLE: (
        "Attestation de contribution à la formation professionnelle"
    ),
}
INTROUVABLE = (
    "Aucune attestation ne correspond à ces informations. Vérifiez le code (4 groupes de "
    "5 caractères) et, s'il est saisi, le SIREN."
)

STYLE = """
body { font-family: system-ui, sans-serif; max-width: 40rem; margin: 2rem auto;
       padding: 0 1rem; color: #1b1b1b; line-height: 1.5; }
h1 { font-size: 1.5rem; }
label { display: block; margin-top: 1rem; font-weight: 600; }
input { font: inherit; padding: .4rem; width: 100%; box-sizing: border-box; }
button { font: inherit; margin-top: 1rem; padding: .5rem 1.2rem; }
.resultat { margin-top: 2rem; padding: 1rem; border: 2px solid #666; }
.valide { border-color: #18753c; }
.expiree, .erreur { border-color: #ce0500; }
dt { font-weight: 600; }
dd { margin: 0 0 .5rem 0; }
"""

PAGE = Environment(autoescape=True).from_string(
    """<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Vérifier une attestation</title>
<link rel="stylesheet" href="{{ style }}">
</head>
<body>
<main>
<h1>Vérifier une attestation</h1>
<p>Saisissez le code de vérification imprimé sur l'attestation et, si vous le
souhaitez, le SIREN de l'entreprise qui vous l'a remise.</p>
<form method="post" action="{{ action }}">
<label for="code">Code de vérification</label>
<input id="code" name="code" value="{{ code }}" maxlength="{{ longueur }}"
 autocomplete="off" required>
<label for="siren">SIREN de l'entreprise (facultatif)</label>
<input id="siren" name="siren" value="{{ siren }}" maxlength="{{ longueur }}"
 inputmode="numeric" autocomplete="off">
<button type="submit">Vérifier</button>
</form>
{% if erreur %}
<section class="resultat erreur" role="alert"><p>{{ erreur }}</p></section>
{% elif resultat %}
<section class="resultat {{ 'valide' if resultat.valide else 'expiree' }}">
<h2>{{ resultat.statut }}</h2>
<dl>
<dt>Type</dt><dd>{{ resultat.type }}</dd>
<dt>Entreprise</dt><dd>{{ resultat.entreprise }}</dd>
<dt>SIREN</dt><dd>{{ resultat.siren }}</dd>
<dt>Émise le</dt><dd>{{ resultat.emise_le }}</dd>
<dt>Valable jusqu'au</dt><dd>{{ resultat.valable_au }}</dd>
</dl>
</section>
{% endif %}
</main>
</body>
</html>
"""
)


@dataclass(frozen=True, slots=True)
class Resultat:
    """What the page shows of a verified attestation."""

    type: str
    entreprise: str
    siren: str
    emise_le: str
    valable_au: str
    valide: bool

    @property
    def statut(self) -> str:
        return "Attestation valide" if self.valide else "Attestation expirée"

    @staticmethod
    def of(found: Verification) -> Resultat:
        fin = found.date_fin_validite
        return Resultat(
            type=TYPES[found.type],
            entreprise=found.entreprise,
            siren=format_siren(found.siren) if found.siren else "non renseigné",
            emise_le=jour(found.date_emission),
            valable_au=jour(fin) if fin else "sans limite de validité",
            valide=found.valide,
        )


def _page(
    code: str = "",
    siren: str = "",
    *,
    resultat: Resultat | None = None,
    erreur: str | None = None,
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    html = PAGE.render(
        style=STYLE_PATH,
        action=VERIFICATION_PATH,
        longueur=LONGUEUR_MAX,
        code=code,
        siren=siren,
        resultat=resultat,
        erreur=erreur,
    )
    return HTMLResponse(html, status, headers={**HEADERS, **(headers or {})})


def _siren(saisi: str) -> str | None:
    """The typed SIREN without spaces; None when it is not a valid SIREN."""
    compact = "".join(saisi.split())
    return compact if siren_check.is_valid(compact) else None


def verification_routes(services: AppServices) -> list[Route]:
    """The page (GET: the form, prefilled from ``?code=``; POST: the check) and its
    style sheet."""

    async def page(request: Request) -> Response:
        if request.method == "GET":
            params = request.query_params
            return _page(
                params.get("code", "")[:LONGUEUR_MAX], params.get("siren", "")[:LONGUEUR_MAX]
            )
        form = await request.form(max_files=0, max_fields=5)
        code = str(form.get("code", ""))[:LONGUEUR_MAX].strip()
        saisi = str(form.get("siren", ""))[:LONGUEUR_MAX].strip()
        if not code:
            return _page(code, saisi, erreur="Saisissez le code de vérification.", status=400)
        siren = _siren(saisi) if saisi else None
        if saisi and siren is None:
            return _page(
                code,
                saisi,
                erreur="SIREN : 9 chiffres attendus, dont la clé de contrôle.",
                status=400,
            )
        return await _check(request, code, saisi, siren)

    async def _check(request: Request, code: str, saisi: str, siren: str | None) -> Response:
        adresse = request.client.host if request.client is not None else "inconnue"
        async with services.sessions() as session:
            claim = await limiter.claim(
                session, VERIFICATION_PER_ADRESSE, adresse, now=services.clock.now()
            )
            await session.commit()
            if not claim.allowed:
                return _page(
                    code,
                    saisi,
                    erreur=throttled_message(claim.retry_after),
                    status=429,
                    headers={"Retry-After": str(claim.retry_after)},
                )
            found = await verify(RequestSession(session), code, services.clock.today(), siren)
        if found is None:
            return _page(code, saisi, erreur=INTROUVABLE)
        return _page(code, saisi, resultat=Resultat.of(found))

    async def style(_request: Request) -> Response:
        return Response(
            STYLE,
            media_type="text/css",
            headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "public, max-age=3600"},
        )

    return [
        Route(VERIFICATION_PATH, page, methods=["GET", "POST"]),
        Route(STYLE_PATH, style),
    ]
