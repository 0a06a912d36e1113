"""The shared page layout of the caisse's PDF documents (fpdf2, A4).

Every document has the same frame — caisse header, title, the worker's identity,
footer with issue date and page number — so each document module only writes its
own content. Fonts are the PDF core fonts (Helvetica): nothing to ship or install.
They are used with the Windows-1252 encoding, which covers French (é, œ, ’, «, —)
and €; characters beyond it (a Polish ł in a name…) are reduced to their base letter
rather than failing the whole document. Amounts are written "1 234,50 EUR".

Output is deterministic: the PDF creation date is the issue date, so the same data
gives the same bytes.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal
from urllib.parse import urlencode

import segno
from fpdf import FPDF, FontFace
from fpdf.enums import XPos, YPos

from gateway.documents.data import CaisseEmettrice, Entreprise, IdentiteTravailleur

ENCODING = "windows-1252"
FONT = "Helvetica"
LINE = 5.5  # mm, body line height
TEXT_GREY = 90
ROW = 8.0  # mm, a one-line table row: line height 6 + padding 1 above and below
Align = Literal["LEFT", "RIGHT", "CENTER"]
#: Letters that Unicode does not decompose into a base letter plus an accent.
_BASE_LETTERS = str.maketrans("ŁłĐđıĦħŦŧ\u2010\u2011", "LlDdiHhTt--")


def euros(amount: Decimal) -> str:
    """French style, to the cent: ``Decimal("-1234.5")`` → ``"-1 234,50 EUR"``."""
    rounded = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    sign = "-" if rounded < 0 else ""
    text = f"{abs(rounded):,.2f}".replace(",", " ").replace(".", ",")
    return f"{sign}{text} EUR"


def jour(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def with_article(nom: str, *, capital: bool = False) -> str:
    """``nom`` with the French definite article, elided before a vowel or a mute h:
    "L'Urssaf Île-de-France", "la Caisse des indépendants"."""
    initiale = unicodedata.normalize("NFKD", nom[:1])[:1].lower()
    article = "l'" if initiale in "aeiouyh" else "la "
    return f"{article.capitalize() if capital else article}{nom}"


def verification_link(url: str, code: str) -> str:
    """The verification page opened with ``code`` filled in (what the QR code holds)."""
    return f"{url}?{urlencode({'code': code})}"


def format_nir(nir: str) -> str:
    """``285057512345678`` → ``2 85 05 75 123 456 78`` (sex, year, month, place, order, key)."""
    n = nir.replace(" ", "")
    if len(n) != 15:
        return nir
    return " ".join((n[0], n[1:3], n[3:5], n[5:7], n[7:10], n[10:13], n[13:15]))


def format_siret(siret: str) -> str:
    """``12345678900012`` → ``123 456 789 00012`` (SIREN, then establishment number)."""
    s = siret.replace(" ", "")
    if len(s) != 14:
        return siret
    return f"{s[0:3]} {s[3:6]} {s[6:9]} {s[9:14]}"


def format_siren(siren: str) -> str:
    """``123456789`` → ``123 456 789``."""
    s = siren.replace(" ", "")
    return f"{s[0:3]} {s[3:6]} {s[6:9]}" if len(s) == 9 else siren


def printable(text: str) -> str:
    """``text`` in the core fonts' encoding: kept when possible, else its base letters."""
    try:
        text.encode(ENCODING)
        return text
    except UnicodeEncodeError:
        out = []
        for char in text:
            try:
                char.encode(ENCODING)
                out.append(char)
            except UnicodeEncodeError:
                base = unicodedata.normalize("NFKD", char.translate(_BASE_LETTERS))
                kept = "".join(c for c in base if c.isascii() and not unicodedata.combining(c))
                out.append(kept or "?")
        return "".join(out)


class DocumentPdf(FPDF):
    """An A4 page frame for one document; content methods append from the cursor."""

    def __init__(
        self, caisse: CaisseEmettrice, titre: str, emis_le: date, *, feminin: bool = False
    ) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.caisse = caisse
        self.titre = titre
        self.emis_le = emis_le
        # "Attestation ... - émise le", "Relevé ... - émis le": the title's gender.
        self.emission = "émise le" if feminin else "émis le"
        self.core_fonts_encoding = ENCODING
        self.set_margins(left=18, top=15, right=18)
        self.set_auto_page_break(auto=True, margin=22)
        self.set_title(titre)
        self.set_author(caisse.nom)
        self.set_creator("moncompte-gateway")
        self.set_creation_date(datetime.combine(emis_le, time(12), tzinfo=UTC))
        self.add_page()
        self.set_font(FONT, "B", 15)
        self.multi_cell(0, 8, titre, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(2)

    def normalize_text(self, text: str) -> str:
        """Every string fpdf2 writes passes here: degrade rather than raise."""
        return super().normalize_text(printable(text))

    # --- frame -------------------------------------------------------------------------

    def header(self) -> None:
        self.set_text_color(0)
        self.set_font(FONT, "B", 11)
        self.cell(0, 5, self.caisse.nom, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FONT, "", 8.5)
        self.set_text_color(TEXT_GREY)
        lines = self.caisse.adresse.split("\n")
        contact = " - ".join(x for x in (self.caisse.telephone, self.caisse.courriel) if x)
        for line in [*lines, contact] if contact else lines:
            self.cell(0, 4, line.strip(), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_draw_color(170)
        self.line(self.l_margin, self.get_y() + 2, self.w - self.r_margin, self.get_y() + 2)
        self.set_text_color(0)
        self.ln(7)

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font(FONT, "", 8)
        self.set_text_color(TEXT_GREY)
        self.cell(0, 4, f"{self.titre} - {self.emission} {jour(self.emis_le)}", align="L")
        self.set_x(self.l_margin)
        self.cell(0, 4, f"Page {self.page_no()}/{{nb}}", align="R")
        self.set_text_color(0)

    # --- content -----------------------------------------------------------------------

    def section(self, title: str) -> None:
        self.ln(3)
        self.set_font(FONT, "B", 11)
        self.cell(0, 7, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def paragraph(self, text: str, *, bold: bool = False, size: float = 10) -> None:
        self.set_font(FONT, "B" if bold else "", size)
        self.multi_cell(0, LINE, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1)

    def key_values(self, rows: Sequence[tuple[str, str]], *, label_width: float = 55) -> None:
        """``label : value`` lines, labels aligned (a label and its value extract together)."""
        for label, value in rows:
            self.set_font(FONT, "", 10)
            self.cell(label_width, LINE, f"{label} :")
            self.set_font(FONT, "B", 10)
            self.multi_cell(0, LINE, value, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def identity_block(self, identite: IdentiteTravailleur) -> None:
        rows = [("Nom", identite.nom_complet), ("NIR", format_nir(identite.nir))]
        if identite.siret:
            rows.append(("SIRET", format_siret(identite.siret)))
        if identite.adresse:
            rows.append(("Adresse", "\n".join(identite.adresse)))
        self.key_values(rows, label_width=25)
        self.ln(3)

    def business_block(self, entreprise: Entreprise) -> None:
        """The business a third party deals with: no NIR (SPEC §6)."""
        rows = [("Entreprise", entreprise.denomination), ("Titulaire", entreprise.titulaire)]
        if entreprise.siret and entreprise.siren:
            rows.append(("SIREN", format_siren(entreprise.siren)))
            rows.append(("SIRET", format_siret(entreprise.siret)))
        if entreprise.adresse:
            rows.append(("Adresse", "\n".join(entreprise.adresse)))
        self.key_values(rows, label_width=25)
        self.ln(3)

    def grid(
        self,
        headings: Sequence[str],
        rows: Sequence[Sequence[str]],
        *,
        widths: Sequence[float],
        aligns: Sequence[Align],
        total: Sequence[str] | None = None,
        title: str | None = None,
    ) -> None:
        """A table with its headings repeated on every page; ``total`` is a bold last row.

        A table that fits on one page starts on a new page (with its ``title``) rather
        than being split, or leaving its title alone at the bottom of a page.
        """
        height = ROW * (len(rows) + 1 + (total is not None)) + (10 if title else 0)
        if self.will_page_break(height) and height < self.eph - 40:
            self.add_page()
        if title:
            self.section(title)
        self.set_font(FONT, "", 9.5)
        bold = FontFace(emphasis="BOLD")
        with self.table(
            col_widths=tuple(widths),
            text_align=tuple(aligns),
            borders_layout="HORIZONTAL_LINES",
            line_height=ROW - 2,
            headings_style=FontFace(emphasis="BOLD", fill_color=235),
            padding=(1, 1.5),
        ) as table:
            table.row(list(headings))
            for cells in rows:
                table.row(list(cells))
            if total is not None:
                row = table.row()
                for text in total:
                    row.cell(text, style=bold)
        self.ln(3)

    def amounts(self, rows: Sequence[tuple[str, Decimal]], *, total: str | None = None) -> None:
        """Label/amount rows, with a bold total of the amounts when ``total`` names it."""
        self.grid(
            ("Libellé", "Montant"),
            [(label, euros(amount)) for label, amount in rows],
            widths=(70, 30),
            aligns=("LEFT", "RIGHT"),
            total=(total, euros(sum((a for _, a in rows), Decimal(0)))) if total else None,
        )

    def verification_block(self, code: str, url: str | None = None) -> None:
        """A framed code that a third party types on the public verification page at
        ``url``, beside a QR code opening that page with the code filled in."""
        qr_size = 26.0 if url else 0.0  # mm
        self.ln(2)
        top = self.get_y()
        if self.will_page_break(qr_size + 8):
            self.add_page()
            top = self.get_y()
        width = self.epw - 6 - (qr_size + 4 if url else 0)
        self.set_x(self.l_margin + 3)
        self.set_font(FONT, "", 9.5)
        self.cell(width, 7, "Code de vérification :", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_x(self.l_margin + 3)
        self.set_font("Courier", "B", 14)
        self.cell(width, 7, code, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FONT, "", 8.5)
        self.set_x(self.l_margin + 3)
        if url:
            texte = (
                f"L'authenticité de ce document peut être vérifiée sur {url} avec ce code, "
                "ou en scannant le QR code ci-contre."
            )
        else:
            texte = "L'authenticité de ce document peut être vérifiée avec ce code."
        self.multi_cell(width, 4.5, texte, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        bottom = self.get_y()
        if url:
            png = io.BytesIO()
            segno.make(verification_link(url, code), error="m").save(
                png, kind="png", scale=4, border=4
            )
            png.seek(0)
            x = self.l_margin + self.epw - qr_size - 2
            self.image(png, x=x, y=top + 1, w=qr_size, h=qr_size)
            bottom = max(bottom, top + qr_size + 1)
        self.set_draw_color(120)
        self.rect(self.l_margin, top, self.epw, bottom - top + 2)
        self.set_y(bottom + 2)
        self.ln(5)

    def to_bytes(self) -> bytes:
        return bytes(self.output())
