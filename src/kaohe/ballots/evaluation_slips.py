"""Code slips to print and cut: A4 pages of 2 × 5 slips, each with its QR code (segno), the
code to type, the address and the rater class, in the shuffled order they are given. The QR
code holds ``<site>/ballots/scan/#CODE`` (``scan_address``)."""

from __future__ import annotations

import io
from collections.abc import Sequence

import segno
from django.urls import reverse
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from kaohe.ballots.evaluation_services import format_code
from kaohe.ballots.models import Code, Session

COLUMNS = 2
ROWS = 5


def _dashed_borders(cell: object) -> None:
    properties = cell._tc.get_or_add_tcPr()  # type: ignore[attr-defined]
    borders = OxmlElement("w:tcBorders")
    for edge in ("top", "left", "bottom", "right"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "dashed")
        element.set(qn("w:sz"), "4")
        element.set(qn("w:color"), "999999")
        borders.append(element)
    properties.append(borders)


# Every slip's QR code has the same mask pattern. segno otherwise tries all eight and keeps
# the one its penalty rules score best, which is four fifths of the work: a page of 500
# slips took over a second. Any of the eight reads the same in a scanner
# (``test_slip_qr_codes_decode`` reads them back with a real decoder, zxing-cpp).
QR_MASK = 2


def qr_code(url: str) -> segno.QRCode:
    """A slip's QR code: error correction level M (a slip survives a crease)."""
    return segno.make(url, error="m", mask=QR_MASK)


def _qr_png(url: str) -> io.BytesIO:
    out = io.BytesIO()
    qr_code(url).save(out, kind="png", scale=6, border=2)
    out.seek(0)
    return out


def scan_address(base_url: str, code: str, *, page: str = "ballots:vote_scan") -> str:
    """What a slip's QR code opens: the scan page (the evaluation's, or a survey's with
    ``page="ballots:survey_scan"``), the code in the fragment (``#CODE``), which a browser
    never sends to the server, so no access log holds it."""
    return f"{base_url}{reverse(page)}#{code}"


def slips_docx(session: Session, codes: Sequence[Code], *, base_url: str) -> bytes:
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1))
    style = document.styles["Normal"]
    style.font.size = Pt(8)
    style.paragraph_format.space_after = Pt(1)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), "SimSun")
    vote_url = base_url + reverse("ballots:vote")
    if not codes:
        document.add_paragraph(_("没有未使用的测评码。"))
    per_page = COLUMNS * ROWS
    for start in range(0, len(codes), per_page):
        if start:
            document.add_page_break()
        page = codes[start : start + per_page]
        table = document.add_table(rows=ROWS, cols=COLUMNS)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        for row in table.rows:
            row.height = Cm(5.3)
            row.height_rule = WD_ROW_HEIGHT_RULE.EXACTLY
        for index, code in enumerate(page):
            cell = table.cell(index // COLUMNS, index % COLUMNS)
            cell.width = Cm(9.5)
            _dashed_borders(cell)
            title = cell.paragraphs[0]
            title.alignment = WD_ALIGN_PARAGRAPH.CENTER
            title.paragraph_format.space_before = Pt(4)
            run = title.add_run(session.name)
            run.bold = True
            picture = cell.add_paragraph()
            picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
            picture.add_run().add_picture(_qr_png(scan_address(base_url, code.code)), width=Cm(2.5))
            typed = cell.add_paragraph()
            typed.alignment = WD_ALIGN_PARAGRAPH.CENTER
            code_run = typed.add_run(format_code(code.code))
            code_run.bold = True
            code_run.font.size = Pt(15)
            code_run.font.name = "Courier New"
            info = cell.add_paragraph()
            info.alignment = WD_ALIGN_PARAGRAPH.CENTER
            info.add_run(
                _("测评人类别：%(rater)s｜扫码或打开 %(url)s 输入测评码；每码限用一次，匿名测评")
                % {"rater": code.rater_class.name, "url": vote_url}
            )
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
