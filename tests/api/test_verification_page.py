"""The public verification page (/verification): rendered and submitted over HTTP."""

from __future__ import annotations

import re
from datetime import date
from html import unescape

import pytest
from markupsafe import escape

from gateway.documents.layout import format_siren
from tests.api.client import api_for
from tests.api.delais_support import (
    OVERDUE,
    TODAY,
    Setting,
    build_setting,
    generate,
    on,
    pay,
    siret_of,
)
from tests.conftest import Database
from tests.documents.qr import decode_qr_codes

CSP = (
    "default-src 'none'; style-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
INTROUVABLE = (
    "Aucune attestation ne correspond à ces informations. Vérifiez le code (4 groupes de "
    "5 caractères) et, s'il est saisi, le SIREN."
)


@pytest.fixture
async def s(db: Database):
    async with api_for(db, today=TODAY) as api:
        setting = await build_setting(api, db)
        await pay(setting, OVERDUE, TODAY)
        yield setting


async def vigilance(s: Setting) -> dict:
    attestation = (await generate(s, "VIGILANCE"))["attestation"]
    assert attestation is not None
    return attestation


def answer(html: str) -> str:
    """The answer section of the page, tags removed, on one line."""
    found = re.search(r'<section class="resultat[^"]*"[^>]*>(.*?)</section>', html, re.S)
    assert found, html
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", found.group(1))).split())


async def test_the_form_is_served_without_login_with_a_strict_policy(s: Setting) -> None:
    response = await s.api.http.get("/verification")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["content-security-policy"] == CSP
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["cache-control"] == "no-store"
    html = response.text
    assert '<html lang="fr">' in html and "<h1>Vérifier une attestation</h1>" in html
    assert '<form method="post" action="/verification">' in html
    assert '<input id="code" name="code" value=""' in html
    assert "<script" not in html and "style=" not in html and "<style" not in html
    assert "resultat" not in html.split("</form>")[1]
    css = await s.api.http.get("/verification/style.css")
    assert (css.status_code, css.headers["content-type"]) == (200, "text/css; charset=utf-8")


async def test_the_qr_code_of_the_pdf_opens_the_page_with_the_code_filled_in(s: Setting) -> None:
    attestation = await vigilance(s)
    pdf = await s.api.http.get(
        attestation["url"].removeprefix("http://127.0.0.1:8000"),
        headers={"Authorization": f"Bearer {s.token}"},
    )
    [link] = decode_qr_codes(pdf.content)
    assert link.startswith("http://127.0.0.1:8000/verification?code=")
    html = (await s.api.http.get(link.removeprefix("http://127.0.0.1:8000"))).text
    assert f'<input id="code" name="code" value="{attestation["codeVerification"]}"' in html


async def test_whatever_is_typed_is_escaped(s: Setting) -> None:
    hostile = '"><script>alert(1)</script>'
    html = (await s.api.http.get("/verification", params={"code": hostile})).text
    assert "<script>" not in html
    assert f'value="{escape(hostile)}"' in html
    posted = await s.api.http.post("/verification", data={"code": hostile})
    assert "<script>" not in posted.text and escape(hostile) in posted.text


async def test_a_valid_code_shows_type_business_siren_dates_and_validity_only(
    s: Setting,
) -> None:
    code = (await vigilance(s))["codeVerification"]
    siret = await siret_of(s)
    response = await s.api.http.post("/verification", data={"code": code})
    assert response.status_code == 200
    assert response.headers["content-security-policy"] == CSP
    assert answer(response.text) == (
        "Attestation valide Type Attestation de vigilance Entreprise Maison Lefebvre "
        f"SIREN {format_siren(siret[:9])} Émise le 10/06/2026 Valable jusqu'au 09/12/2026"
    )
    html = response.text
    assert s.worker.nir not in html and siret not in html and "Claire" not in html
    # Typed any way (lower case, spaces), with the right SIREN (spaces ignored too).
    typed = {"code": code.lower().replace("-", " "), "siren": format_siren(siret[:9])}
    again = await s.api.http.post("/verification", data=typed)
    assert answer(again.text) == answer(html)


async def test_an_expired_attestation_says_so(s: Setting) -> None:
    code = (await vigilance(s))["codeVerification"]
    async with on(s, date(2026, 12, 10)) as later:
        html = (await later.api.http.post("/verification", data={"code": code})).text
    assert answer(html).startswith("Attestation expirée Type Attestation de vigilance")
    assert "Valable jusqu'au 09/12/2026" in answer(html)


async def test_an_unknown_code_and_a_wrong_siren_get_the_same_answer(s: Setting) -> None:
    code = (await vigilance(s))["codeVerification"]
    other_siren = "732829320"  # a valid SIREN of another business
    wrong_siren = await s.api.http.post("/verification", data={"code": code, "siren": other_siren})
    unknown = await s.api.http.post(
        "/verification", data={"code": "ABCDE-FGHJK-LMNPQ-RSTUV", "siren": other_siren}
    )
    assert wrong_siren.status_code == unknown.status_code == 200
    assert answer(wrong_siren.text) == answer(unknown.text) == INTROUVABLE
    # The pages differ only by the code typed back into the form.
    assert wrong_siren.text.replace(code, "X") == unknown.text.replace(
        "ABCDE-FGHJK-LMNPQ-RSTUV", "X"
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"code": "  "}, "Saisissez le code de vérification."),
        (
            {"code": "ABCDE-FGHJK-LMNPQ-RSTUV", "siren": "12345"},
            "SIREN : 9 chiffres attendus, dont la clé de contrôle.",
        ),
    ],
)
async def test_bad_input_is_refused_with_a_reason(s: Setting, data: dict, message: str) -> None:
    response = await s.api.http.post("/verification", data=data)
    assert response.status_code == 400
    assert answer(response.text) == message


async def test_checks_are_limited_to_thirty_a_minute_per_address(s: Setting) -> None:
    code = (await vigilance(s))["codeVerification"]
    for _ in range(30):
        response = await s.api.http.post("/verification", data={"code": "ABCDE-FGHJK-LMNPQ-RSTUV"})
        assert response.status_code == 200
    refused = await s.api.http.post("/verification", data={"code": code})
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert answer(refused.text) == "Trop de tentatives : réessayez dans 1 minute."
    assert "Maison Lefebvre" not in refused.text
