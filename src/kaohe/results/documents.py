"""The official forms (issue 11 "Forms"; seed 004 附件1/5/6/8), the ranking circular and the
year report, filled from templates the office can replace, and made in batch as a zip.

Where the grades come from: a suite with an ``Outcome`` gives its ``FinalGrade`` rows (the
grade that stands, with the run row's score and rank); a suite without one gives the rows of
the year's latest finished run. ``year_standings`` is that one read.

Templates: each form has a shipped file in ``results/doc_templates/`` (written by
``doc_templates/build.py``); the office may upload a replacement (``template_upload``), the
latest upload of a form is used, ``template_reset`` goes back to the shipped one. Word
templates are docxtpl (Jinja ``{{ name }}``; table rows ``{%tr for r in rows %}``); Excel
templates fill the cells holding ``{{ name }}`` and repeat the row whose first cell is
``{{ rows }}`` for each data row, in the columns ``XLSX_COLUMNS`` lists. Every text a user
typed is written as text: escaped in Word (docxtpl's autoescape), a text cell in Excel
(never a formula), control characters removed.

The 登记表 is one A4 page: its rows have fixed heights, and the 个人总结 is cut to the lines
its box holds (``fit_summary``: ``SUMMARY_LINES`` lines of ``SUMMARY_LINE_CHARS``
characters, a paragraph starting a new line), ending with ``SUMMARY_CUT_NOTE`` so a reader
knows the full text is elsewhere. Where it comes from: the unit's year-end 述职述法报告
(submitted or accepted) is the 个人总结 of the unit's first-listed cadre (its 党委书记 or
党政正职, who gives the report); the other cadres' box is left blank, to fill in by hand as
seed 004 三(一) says (考核对象填写个人总结).
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from io import BytesIO
from pathlib import Path, PurePath
from typing import IO, Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kaohe.core.audit import audit_record
from kaohe.core.text import strip_control_characters
from kaohe.core.xlsx import FORMULA_START, ImportFailed, check_upload, safe_value
from kaohe.orgs.models import AssessmentYear, Cadre, Posting, Secondment, Unit, active_on
from kaohe.results.models import (
    BatchScope,
    DocumentBatch,
    DocumentForm,
    DocumentTemplate,
    FinalGrade,
    GradeChange,
    GradeSource,
    Outcome,
    Run,
    RunRow,
    RunStatus,
)
from kaohe.results.proposals import excellent_list
from kaohe.schemes.models import Scheme, SchemeStatus, Subject

SHIPPED_DIR = Path(__file__).resolve().parent / "doc_templates"
SHIPPED = {
    DocumentForm.REGISTRATION: "registration.docx",
    DocumentForm.SECONDMENT: "secondment.docx",
    DocumentForm.DAILY: "daily.docx",
    DocumentForm.PROPOSAL: "proposal.xlsx",
    DocumentForm.RANKING_XLSX: "ranking.xlsx",
    DocumentForm.RANKING_DOCX: "ranking.docx",
    DocumentForm.REPORT: "report.docx",
}
TEMPLATE_MAX_BYTES = 2 * 1024 * 1024
EXCELLENT = "优秀"
ROWS_MARK = "{{ rows }}"
PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")

# The 个人总结 box of the 登记表 (doc_templates/build.py: 12 cm at a 15 pt pitch, 22 lines;
# LibreOffice sets 31 characters of 10.5 pt on a line of the box). One line is kept spare.
SUMMARY_LINES = 21
SUMMARY_LINE_CHARS = 31
SUMMARY_CUT_NOTE = "……（全文见本人述职述法报告）"

# What each form's template is filled with (shown on the templates page).
PLACEHOLDERS: dict[str, tuple[str, ...]] = {
    DocumentForm.REGISTRATION: (
        "year", "unit", "name", "gender", "birth", "unit_post", "rank", "level", "post_since",
        "group", "summary", "training", "score", "place", "computed_grade", "grade",
        "decision", "note",
    ),
    DocumentForm.SECONDMENT: (
        "year", "name", "gender", "birth", "home", "level", "host", "period", "months",
        "placement", "summary", "score", "place", "grade",
    ),
    DocumentForm.DAILY: (
        "year", "unit", "today", "rows[n, name, post, q1, q2, q3, q4, excellent, score, grade]",
    ),
    DocumentForm.PROPOSAL: ("title", "subtitle", "footer", "rows"),
    DocumentForm.RANKING_XLSX: ("title", "subtitle", "footer", "rows"),
    DocumentForm.RANKING_DOCX: (
        "year", "scheme", "office", "today", "groups[title, rows[rank, name, score, grade]]",
    ),
    DocumentForm.REPORT: (
        "year", "intro", "counts[scheme, total, graded, grades, other]",
        "quotas[scheme, group, ratio, base, slots, used]", "warnings", "appeals",
        "violations", "office", "today",
    ),
}  # fmt: skip
# The columns an Excel template's ``{{ rows }}`` row receives, in order.
XLSX_COLUMNS: dict[str, tuple[str, ...]] = {
    DocumentForm.PROPOSAL: ("序号", "单位", "姓名", "职务", "测评得分", "名次", "建议等次", "备注"),
    DocumentForm.RANKING_XLSX: ("分组", "名次", "单位（对象）", "得分", "等次"),
}
DOCX_FORMS = frozenset(form for form, name in SHIPPED.items() if name.endswith(".docx"))


class DocumentError(Exception):
    """A form could not be made; the message is for the office (Chinese)."""


def office_name() -> str:
    return getattr(settings, "WARNING_LETTER_OFFICE", "") or "县考核办"


def chinese_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def clean(value: object) -> str:
    """A user's text as a form shows it: one piece of text, no control characters."""
    return strip_control_characters(str(value if value is not None else ""), multiline=True)


def score_text(score: Decimal | None) -> str:
    return "—" if score is None else format(score.normalize(), "f")


# ---- where the grades come from -------------------------------------------------------


@dataclass(frozen=True)
class Standing:
    """One target's result in one scheme as the forms show it."""

    scheme: Scheme
    target: str
    unit_id: int | None
    cadre_id: int | None
    name: str
    group: str
    score: Decimal | None
    rank: int | None
    grade: str
    computed_grade: str
    status: str
    position: int


@dataclass
class YearResults:
    """The year's standings and the sources they were read from."""

    standings: list[Standing] = field(default_factory=list)
    runs: list[Run] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)

    def of_scheme(self, scheme: Scheme) -> list[Standing]:
        return [s for s in self.standings if s.scheme.pk == scheme.pk]

    @property
    def schemes(self) -> list[Scheme]:
        seen: dict[int, Scheme] = {}
        for standing in self.standings:
            seen.setdefault(standing.scheme.pk, standing.scheme)
        return sorted(seen.values(), key=lambda s: (s.suite, s.pk))


def _from_row(row: RunRow, scheme: Scheme, grade: str | None = None) -> Standing:
    return Standing(
        scheme=scheme, target=row.target, unit_id=row.unit_id, cadre_id=row.cadre_id,
        name=row.name, group=row.group, score=row.score, rank=row.rank,
        grade=row.grade if grade is None else grade, computed_grade=row.grade,
        status=row.status, position=row.position,
    )  # fmt: skip


def year_standings(year: AssessmentYear) -> YearResults:
    """Every graded target of the year: from the suite's outcome where there is one, else
    from the latest finished run that graded the suite (a run of every suite counts)."""
    schemes = {s.pk: s for s in Scheme.objects.filter(year=year).exclude(status=SchemeStatus.DRAFT)}
    suites = sorted({s.suite for s in schemes.values()})
    outcomes = {o.suite: o for o in Outcome.objects.filter(year=year).select_related("run")}
    results = YearResults()
    for suite in suites:
        ids = {pk for pk, s in schemes.items() if s.suite == suite}
        outcome = outcomes.get(suite) or outcomes.get("")
        if outcome is not None:
            grades = (
                FinalGrade.objects.filter(outcome=outcome, scheme_id__in=ids)
                .select_related("row")
                .order_by("scheme_id", "row__position")
            )
            results.standings += [_from_row(f.row, schemes[f.scheme_id], f.grade) for f in grades]
            if outcome not in results.outcomes:
                results.outcomes.append(outcome)
            if outcome.run not in results.runs:
                results.runs.append(outcome.run)
            continue
        run = (
            Run.objects.filter(year=year, status=RunStatus.DONE, suite__in=(suite, ""))
            .order_by("-finished_at", "-pk")
            .first()
        )
        if run is None:
            continue
        rows = run.rows.filter(scheme_id__in=ids).order_by("scheme_id", "position")
        results.standings += [_from_row(row, schemes[row.scheme_id]) for row in rows]
        if run not in results.runs:
            results.runs.append(run)
    return results


def _excellent_order(results: YearResults, scheme: Scheme, group: str) -> list[str]:
    """The targets of the ordered 优秀 list of ``group``: the outcome's list where there
    is an outcome (``proposals.excellent_list``: the committee's proposed order), else the
    standings' 优秀 by rank."""
    outcome = next((o for o in results.outcomes if o.suite in (scheme.suite, "")), None)
    if outcome is not None:
        return [grade.target for grade in excellent_list(outcome, scheme, group)]
    rows = [s for s in results.of_scheme(scheme) if s.group == group and s.grade == EXCELLENT]
    rows.sort(key=lambda s: (s.rank is None, s.rank or 0, s.position))
    return [s.target for s in rows]


# ---- the scope of a batch -------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    kind: str
    unit: Unit | None = None
    category_id: int | None = None

    def units(self) -> set[int] | None:
        """The units in scope (None: every unit)."""
        if self.kind == BatchScope.UNIT and self.unit is not None:
            return {self.unit.pk}
        if self.kind == BatchScope.CATEGORY:
            return set(
                Unit.objects.filter(category_id=self.category_id).values_list("pk", flat=True)
            )
        return None


@dataclass(frozen=True)
class CadreFacts:
    cadre: Cadre
    posting: Posting | None
    secondment: Secondment | None


def cadre_facts(year: int, cadre_ids: Iterable[int]) -> dict[int, CadreFacts]:
    """Each cadre with the primary posting and the secondment of 12-31 (three queries)."""
    ids = set(cadre_ids)
    day = dt.date(year, 12, 31)
    postings: dict[int, Posting] = {}
    for posting in (
        Posting.objects.filter(active_on(day), cadre_id__in=ids, is_primary=True)
        .select_related("unit")
        .order_by("cadre_id", "-start_date")
    ):
        postings.setdefault(posting.cadre_id, posting)
    secondments: dict[int, Secondment] = {}
    for secondment in Secondment.objects.filter(active_on(day), cadre_id__in=ids).select_related(
        "host"
    ):
        secondments.setdefault(secondment.cadre_id, secondment)
    return {
        c.pk: CadreFacts(c, postings.get(c.pk), secondments.get(c.pk))
        for c in Cadre.objects.filter(pk__in=ids)
    }


def _group_label(group: str, units: dict[int, str]) -> str:
    """A cadre's group as people say it: the unit's name for ``u12``, else as it is."""
    if group[:1] == "u" and group[1:].isdigit():
        return units.get(int(group[1:]), group)
    return group


# ---- the 个人总结 ---------------------------------------------------------------------


def fit_summary(text: str, lines: int = SUMMARY_LINES, width: int = SUMMARY_LINE_CHARS) -> str:
    """``text`` cut to ``lines`` lines of ``width`` characters (each paragraph starts a
    line), ending with ``SUMMARY_CUT_NOTE`` when it was cut."""
    paragraphs = [p.strip() for p in clean(text).replace("\r", "").split("\n") if p.strip()]

    def used(paras: list[str]) -> int:
        return sum(max(1, -(-len(p) // width)) for p in paras)

    if used(paragraphs) <= lines:
        return "\n".join(paragraphs)
    kept: list[str] = []
    room = lines * width - len(SUMMARY_CUT_NOTE)
    for para in paragraphs:
        left = room - sum(-(-len(p) // width) * width for p in kept)
        if left <= 0:
            break
        if len(para) <= left:
            kept.append(para)
        else:
            kept.append(para[: max(left, 0)])
            break
    kept[-1] = kept[-1] + SUMMARY_CUT_NOTE
    while used(kept) > lines:  # the note pushed a line over: cut the last paragraph more
        last = kept[-1][: -len(SUMMARY_CUT_NOTE)]
        kept[-1] = last[: max(len(last) - width, 0)] + SUMMARY_CUT_NOTE
    return "\n".join(kept)


def summaries(year: int, unit_ids: Iterable[int], first_cadres: dict[int, int]) -> dict[int, str]:
    """cadre pk → 个人总结: the unit's year-end 述职述法报告 for its first-listed cadre."""
    from kaohe.collection.models import Report, ReportKind, ReportStatus

    reports = Report.objects.filter(
        period__scheme__year__year=year, unit_id__in=set(unit_ids), kind=ReportKind.WORK_REPORT,
        status__in=(ReportStatus.SUBMITTED, ReportStatus.ACCEPTED),
    ).order_by("unit_id", "-submitted_at")  # fmt: skip
    out: dict[int, str] = {}
    for report in reports:
        cadre = first_cadres.get(report.unit_id)
        if cadre is not None and cadre not in out:
            out[cadre] = str((report.sections or {}).get("text") or "")
    return out


def first_listed(year: int, unit_ids: Iterable[int]) -> dict[int, int]:
    """unit pk → the cadre first in its list on 12-31 (书记, then 正职, ...)."""
    out: dict[int, int] = {}
    for unit, cadre in (
        Posting.objects.filter(
            active_on(dt.date(year, 12, 31)), unit_id__in=set(unit_ids), is_primary=True
        )
        .order_by("unit_id", *Posting.LIST_ORDER)
        .values_list("unit_id", "cadre_id")
    ):
        out.setdefault(unit, cadre)
    return out


# ---- templates ------------------------------------------------------------------------


def template_bytes(form: str) -> bytes:
    """The form's template in use: the office's latest upload, else the shipped one."""
    stored = DocumentTemplate.objects.filter(form=form).order_by("-uploaded_at", "-pk").first()
    if stored is not None:
        return bytes(stored.content)
    return (SHIPPED_DIR / SHIPPED[DocumentForm(form)]).read_bytes()


def render_docx(template: bytes, context: dict[str, Any]) -> bytes:
    from docxtpl import DocxTemplate  # type: ignore[import-untyped]

    document = DocxTemplate(BytesIO(template))
    document.render(context, autoescape=True)
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def _text_cell(cell: Any, value: Any) -> None:
    """Write ``value`` in ``cell``: a number as a number, text always as text."""
    value = safe_value(value)
    cell.value = value
    if isinstance(value, str) and value.startswith(FORMULA_START):
        cell.data_type = "s"
        cell.quotePrefix = True


def render_xlsx(template: bytes, context: dict[str, Any], rows: list[list[Any]]) -> bytes:
    """Fill an Excel template: ``{{ name }}`` cells from ``context``, the ``{{ rows }}``
    row repeated for each of ``rows`` with its cells' style."""
    from copy import copy

    from openpyxl import load_workbook

    book = load_workbook(BytesIO(template))
    sheet = book.worksheets[0]
    mark = None
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.strip() == ROWS_MARK:
                mark = cell
                break
        if mark is not None:
            break
    if mark is None:
        raise DocumentError(_("Excel 模板缺少“{{ rows }}”标记行"))
    for row in sheet.iter_rows():
        for cell in row:
            if cell is mark or not isinstance(cell.value, str) or "{{" not in cell.value:
                continue
            _text_cell(cell, PLACEHOLDER.sub(lambda m: clean(context.get(m[1], "")), cell.value))
    first_row, first_column = mark.row, mark.column
    width = max(
        len(XLSX_COLUMNS.get(str(context.get("form")), ())), max((len(r) for r in rows), default=0)
    )
    model = [sheet.cell(row=first_row, column=first_column + i) for i in range(width)]
    styles: list[tuple[Any, Any, Any, Any, str]] = [(copy(c.font), copy(c.border), copy(c.alignment), copy(c.fill), c.number_format)
        for c in model]  # fmt: skip
    if len(rows) > 1:
        sheet.insert_rows(first_row + 1, len(rows) - 1)
    if not rows:
        mark.value = None
    for offset, values in enumerate(rows):
        for i, value in enumerate(values):
            cell = sheet.cell(row=first_row + offset, column=first_column + i)
            _text_cell(cell, value)
            font, border, alignment, fill, number_format = styles[i]
            cell.font, cell.border, cell.alignment = font, border, alignment
            cell.fill = fill
            cell.number_format = number_format
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _sample_context(form: str) -> dict[str, Any]:
    """A trial filling of an uploaded template."""
    row = {"n": 1, "name": "张三", "post": "党委书记", "q1": "优秀1", "q2": "", "q3": "", "q4": "",
           "excellent": "有", "score": "92.5", "grade": "优秀", "rank": 1}  # fmt: skip
    base: dict[str, Any] = {key.split("[")[0]: "样例" for key in PLACEHOLDERS.get(form, ())}
    base |= {"year": 2024, "rows": [row], "groups": [{"title": "镇街", "rows": [row]}],
             "counts": [], "quotas": [], "violations": ["样例"], "form": form}  # fmt: skip
    return base


def _check_template(form: str, data: bytes) -> None:
    from kaohe.collection.evidence import EvidenceRefused, sniff_kind
    from kaohe.collection.models import FileKind

    if len(data) > TEMPLATE_MAX_BYTES:
        raise ValidationError({"file": _("模板不能超过 2 MB")}, code="too_large")
    try:
        kind = sniff_kind(data)
    except EvidenceRefused as refused:
        raise ValidationError({"file": refused.messages}, code="kind") from None
    wanted = FileKind.DOCX if form in DOCX_FORMS else FileKind.XLSX
    if kind != wanted:
        message = (
            _("模板须是 Word（.docx）文件")
            if wanted == FileKind.DOCX
            else _("模板须是 Excel（.xlsx）文件")
        )
        raise ValidationError({"file": message}, code="kind")
    try:
        if wanted == FileKind.XLSX:
            check_upload(data)
            render_xlsx(data, _sample_context(form), [["1"] * len(XLSX_COLUMNS[form])])
        else:
            render_docx(data, _sample_context(form))
    except ImportFailed as failure:
        raise ValidationError({"file": failure.errors[0].message}, code="template") from None
    except Exception as error:  # docxtpl raises Jinja's and lxml's errors, openpyxl its own
        raise ValidationError(
            {"file": _("模板不能填写：%(error)s") % {"error": str(error)[:200]}}, code="template"
        ) from None


@transaction.atomic
def template_upload(
    *, actor: Any, form: str, upload: IO[bytes] | bytes, name: str
) -> DocumentTemplate:
    """Store a replacement template of ``form`` after checking that it is the right kind of
    file, not too large, and fills with a sample (an error is refused with its message)."""
    form = DocumentForm(form)
    data = upload if isinstance(upload, bytes) else upload.read(TEMPLATE_MAX_BYTES + 1)
    _check_template(form, data)
    base = strip_control_characters(PurePath(name or "").name, multiline=False)[:200]
    template = DocumentTemplate.objects.create(
        form=form, content=data, original_name=base or SHIPPED[form], uploaded_at=timezone.now(),
        uploaded_by=actor,
    )  # fmt: skip
    audit_record(
        actor=actor, action="document_template.upload", obj=template,
        after={"form": str(form), "name": template.original_name, "size": len(data)},
    )  # fmt: skip
    return template


@transaction.atomic
def template_reset(*, actor: Any, form: str) -> int:
    """Delete the form's uploaded templates: the shipped one is used again."""
    form = DocumentForm(form)
    names = list(DocumentTemplate.objects.filter(form=form).values_list("original_name", flat=True))
    DocumentTemplate.objects.filter(form=form).delete()
    audit_record(
        actor=actor, action="document_template.reset", object_type="results.documenttemplate",
        object_id=str(form), object_repr=str(form.label), before={"templates": names},
    )  # fmt: skip
    return len(names)


# ---- the forms ------------------------------------------------------------------------

Job = tuple[str, Callable[[], bytes]]  # a file of the zip: its path and how to make it


@dataclass
class Context:
    """What every form of a batch reads, read once."""

    year: AssessmentYear
    scope: Scope
    results: YearResults
    units: dict[int, str]
    templates: dict[str, bytes] = field(default_factory=dict)

    def template(self, form: str) -> bytes:
        if form not in self.templates:
            self.templates[form] = template_bytes(form)
        return self.templates[form]

    def in_scope(self, unit_id: int | None) -> bool:
        allowed = self.scope.units()
        return allowed is None or unit_id in allowed


def _cadre_rows(ctx: Context) -> tuple[list[Standing], dict[int, CadreFacts]]:
    rows = [s for s in ctx.results.standings if s.scheme.subject == Subject.CADRE and s.cadre_id]
    facts = cadre_facts(ctx.year.year, {s.cadre_id for s in rows if s.cadre_id})
    allowed = ctx.scope.units()

    def unit_of(s: Standing) -> int | None:
        fact = facts.get(s.cadre_id or 0)
        return fact.posting.unit_id if fact and fact.posting else None

    if allowed is not None:
        rows = [s for s in rows if unit_of(s) in allowed]
    return rows, facts


def _birth(cadre: Cadre) -> str:
    return f"{cadre.birth_date.year}.{cadre.birth_date.month:02d}" if cadre.birth_date else ""


def _place(s: Standing) -> str:
    return str(s.rank) if s.rank is not None else "—"


def _grade_text(s: Standing) -> str:
    if s.grade:
        return s.grade
    return {"pending": _("暂缓评定"), "excluded": _("不参加考核")}.get(s.status, "")


def registration_context(
    ctx: Context, s: Standing, fact: CadreFacts, summary: str
) -> dict[str, Any]:
    cadre, posting = fact.cadre, fact.posting
    unit = posting.unit.name if posting else ""
    return {
        "year": ctx.year.year,
        "unit": clean(unit),
        "name": clean(cadre.name),
        "gender": cadre.gender,
        "birth": _birth(cadre),
        "unit_post": clean(f"{unit}{posting.post}" if posting else ""),
        "rank": cadre.rank,
        "level": cadre.leadership_level,
        "post_since": f"{posting.start_date.year}.{posting.start_date.month:02d}"
        if posting
        else "",
        "group": clean(_group_label(s.group, ctx.units)),
        "summary": fit_summary(summary),
        "training": "",
        "score": score_text(s.score),
        "place": _place(s),
        "computed_grade": s.computed_grade or _grade_text(s),
        "grade": _grade_text(s),
        "decision": "",
        "note": clean(cadre.note)[:60],
    }


def _docx_with_breaks(template: bytes, context: dict[str, Any]) -> bytes:
    from docxtpl import Listing

    filled = dict(context)
    for key in ("summary",):
        if key in filled:
            filled[key] = Listing(filled[key])
    return render_docx(template, filled)


class Names:
    """Unique, safe paths inside the zip."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def __call__(self, *parts: str) -> str:
        safe = [
            re.sub(r'[\\/:*?"<>|]', "_", clean(p).replace("\n", " ")).strip(" .")[:60] or "_"
            for p in parts
        ]
        path = "/".join(safe)
        stem, dot, ext = path.rpartition(".")
        n = 2
        while path in self.used:
            path = f"{stem}（{n}）{dot}{ext}"
            n += 1
        self.used.add(path)
        return path


def registration_jobs(ctx: Context, names: Names) -> list[Job]:
    rows, facts = _cadre_rows(ctx)
    rows = [s for s in rows if facts.get(s.cadre_id or 0) and not facts[s.cadre_id or 0].secondment]
    units = {f.posting.unit_id for f in facts.values() if f.posting}
    texts = summaries(ctx.year.year, units, first_listed(ctx.year.year, units))
    folder = str(DocumentForm.REGISTRATION.label)
    jobs: list[Job] = []
    for s in rows:
        fact = facts[s.cadre_id or 0]
        context = registration_context(ctx, s, fact, texts.get(fact.cadre.pk, ""))
        path = names(folder, context["unit"] or "_", f"{context['name']}.docx")
        template = ctx.template(DocumentForm.REGISTRATION)
        jobs.append((path, partial(_docx_with_breaks, template, context)))
    return jobs


def secondment_context(ctx: Context, s: Standing, fact: CadreFacts) -> dict[str, Any]:
    cadre, posting, secondment = fact.cadre, fact.posting, fact.secondment
    assert secondment is not None
    end = secondment.end_date or dt.date(ctx.year.year, 12, 31)
    months = (end.year - secondment.start_date.year) * 12 + end.month - secondment.start_date.month
    home = f"{posting.unit.name}{posting.post}" if posting else ""
    placement = _("在挂职单位参加考核，%(group)s") % {"group": _group_label(s.group, ctx.units)}
    return {
        "year": ctx.year.year,
        "name": clean(cadre.name),
        "gender": cadre.gender,
        "birth": _birth(cadre),
        "home": clean(home),
        "level": secondment.get_level_display(),
        "host": clean(secondment.host.name),
        "period": f"{secondment.start_date:%Y.%m}—{secondment.end_date:%Y.%m}"
        if secondment.end_date
        else f"{secondment.start_date:%Y.%m}—",
        "months": str(max(months, 0)),
        "placement": clean(placement),
        "summary": "",
        "score": score_text(s.score),
        "place": _place(s),
        "grade": _grade_text(s),
    }


def secondment_jobs(ctx: Context, names: Names) -> list[Job]:
    rows, facts = _cadre_rows(ctx)
    folder = str(DocumentForm.SECONDMENT.label)
    jobs: list[Job] = []
    for s in rows:
        fact = facts.get(s.cadre_id or 0)
        if fact is None or fact.secondment is None:
            continue
        context = secondment_context(ctx, s, fact)
        template = ctx.template(DocumentForm.SECONDMENT)
        jobs.append((names(folder, f"{context['name']}.docx"),
                     partial(render_docx, template, context)))  # fmt: skip
    return jobs


def quarter_ratings(year: int, cadre_ids: Iterable[int]) -> dict[int, dict[str, Counter[str]]]:
    """cadre pk → period (Q1…Q4) → the leaders' grades counted."""
    from kaohe.ballots.models import Rating, RatingSubject

    out: dict[int, dict[str, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
    for cadre, period, grade in Rating.objects.filter(
        round__year__year=year, round__subject=RatingSubject.CADRE, cadre_id__in=set(cadre_ids)
    ).values_list("cadre_id", "round__period", "grade"):
        out[cadre][period][grade] += 1
    return out


def _ratings_text(counts: Counter[str]) -> str:
    order = ("优秀", "良好", "一般", "较差")
    return "、".join(f"{g}{counts[g]}" for g in order if counts.get(g))


def daily_context(ctx: Context, unit: str, items: list[tuple[Standing, CadreFacts]],
                  ratings: dict[int, dict[str, Counter[str]]]) -> dict[str, Any]:  # fmt: skip
    rows = []
    for n, (s, fact) in enumerate(items, start=1):
        quarters = ratings.get(fact.cadre.pk, {})
        any_excellent = any(c.get(EXCELLENT) for c in quarters.values())
        rows.append({
            "n": n, "name": clean(fact.cadre.name),
            "post": clean(fact.posting.post if fact.posting else ""),
            **{q.lower(): _ratings_text(quarters.get(q, Counter())) for q in ("Q1", "Q2", "Q3", "Q4")},
            "excellent": _("有") if any_excellent else _("无"),
            "score": score_text(s.score), "grade": _grade_text(s),
        })  # fmt: skip
    return {"year": ctx.year.year, "unit": clean(unit), "today": chinese_date(timezone.localdate()),
            "rows": rows}  # fmt: skip


def daily_jobs(ctx: Context, names: Names) -> list[Job]:
    rows, facts = _cadre_rows(ctx)
    ratings = quarter_ratings(ctx.year.year, facts)
    by_unit: dict[tuple[int, str], list[tuple[Standing, CadreFacts]]] = defaultdict(list)
    for s in rows:
        fact = facts.get(s.cadre_id or 0)
        if fact is None or fact.posting is None:
            continue
        by_unit[(fact.posting.unit_id, fact.posting.unit.name)].append((s, fact))
    order = {
        pk: i
        for i, pk in enumerate(Unit.objects.order_by("order", "code").values_list("pk", flat=True))
    }
    jobs: list[Job] = []
    folder = str(DocumentForm.DAILY.label)
    for (_unit_pk, unit), items in sorted(by_unit.items(), key=lambda kv: order.get(kv[0][0], 0)):
        items.sort(key=lambda item: (item[1].posting.precedence if item[1].posting else 99,
                                     item[1].posting.order if item[1].posting else 0))  # fmt: skip
        context = daily_context(ctx, unit, items, ratings)
        template = ctx.template(DocumentForm.DAILY)
        jobs.append((names(folder, f"{unit}.docx"), partial(render_docx, template, context)))
    return jobs


def proposal_rows(ctx: Context, scheme: Scheme, group: str, items: list[Standing],
                  facts: dict[int, CadreFacts]) -> list[list[Any]]:  # fmt: skip
    """One group's 建议名单: the ordered 优秀 list first, then the others by rank."""
    first = _excellent_order(ctx.results, scheme, group)
    place = {target: i for i, target in enumerate(first)}
    items = sorted(items, key=lambda s: (s.target not in place, place.get(s.target, 0),
                                         s.rank is None, s.rank or 0, s.position))  # fmt: skip
    out = []
    for n, s in enumerate(items, start=1):
        fact = facts.get(s.cadre_id or 0)
        posting = fact.posting if fact else None
        note = ""
        if s.grade == EXCELLENT and s.target in place:
            note = _("优秀第 %(n)s 位") % {"n": place[s.target] + 1}
        elif s.status == "pending":
            note = _("立案审查调查尚未结案，暂不确定等次")
        out.append([
            n, posting.unit.name if posting else _group_label(s.group, ctx.units),
            fact.cadre.name if fact else s.name, posting.post if posting else "",
            float(s.score) if s.score is not None else "—", s.rank if s.rank is not None else "—",
            _grade_text(s), note,
        ])  # fmt: skip
    return out


def proposal_jobs(ctx: Context, names: Names) -> list[Job]:
    rows, facts = _cadre_rows(ctx)
    groups: dict[tuple[int, str], list[Standing]] = defaultdict(list)
    schemes: dict[int, Scheme] = {}
    for s in rows:
        groups[(s.scheme.pk, s.group)].append(s)
        schemes[s.scheme.pk] = s.scheme
    jobs: list[Job] = []
    folder = str(DocumentForm.PROPOSAL.label)
    for (scheme_pk, group), items in groups.items():
        scheme = schemes[scheme_pk]
        label = _group_label(group, ctx.units)
        table = proposal_rows(ctx, scheme, group, items, facts)
        context = {
            "form": DocumentForm.PROPOSAL,
            "title": _("县管干部%(year)s年度考核等次建议名单") % {"year": ctx.year.year},
            "subtitle": _("%(scheme)s · %(group)s（优秀等次按优秀程度从高到低排列）")
            % {"scheme": scheme.name, "group": label},
            "footer": _("%(office)s %(day)s") % {"office": office_name(),
                                                 "day": chinese_date(timezone.localdate())},
        }  # fmt: skip
        template = ctx.template(DocumentForm.PROPOSAL)
        jobs.append((names(folder, f"{scheme.name}-{label}.xlsx"),
                     partial(render_xlsx, template, context, table)))  # fmt: skip
    return jobs


def ranking_groups(ctx: Context, scheme: Scheme) -> list[dict[str, Any]]:
    items = [s for s in ctx.results.of_scheme(scheme) if ctx.in_scope(s.unit_id)]
    groups: dict[str, list[Standing]] = defaultdict(list)
    for s in items:
        groups[s.group].append(s)
    out = []
    for group, rows in groups.items():
        rows.sort(key=lambda s: (s.rank is None, s.rank or 0, s.position))
        out.append({
            "title": clean(group or scheme.name),
            "rows": [{"rank": _place(s), "name": clean(s.name), "score": score_text(s.score),
                      "grade": _grade_text(s)} for s in rows],
        })  # fmt: skip
    return out


def _ranked_schemes(ctx: Context) -> list[Scheme]:
    return [s for s in ctx.results.schemes if s.subject != Subject.CADRE]


def ranking_jobs(ctx: Context, names: Names, form: str) -> list[Job]:
    jobs: list[Job] = []
    folder = _("排名通报")
    for scheme in _ranked_schemes(ctx):
        groups = ranking_groups(ctx, scheme)
        if not groups:
            continue
        template = ctx.template(form)
        if form == DocumentForm.RANKING_DOCX:
            context = {"year": ctx.year.year, "scheme": clean(scheme.name), "groups": groups,
                       "office": office_name(), "today": chinese_date(timezone.localdate())}  # fmt: skip
            jobs.append((names(folder, f"{scheme.name}.docx"),
                         partial(render_docx, template, context)))  # fmt: skip
        else:
            rows = [[g["title"], r["rank"], r["name"], r["score"], r["grade"]]
                    for g in groups for r in g["rows"]]  # fmt: skip
            context = {
                "form": DocumentForm.RANKING_XLSX,
                "title": _("%(year)s年度%(scheme)s排名通报") % {"year": ctx.year.year,
                                                              "scheme": scheme.name},
                "subtitle": _("按分组排名"),
                "footer": f"{office_name()} {chinese_date(timezone.localdate())}",
            }  # fmt: skip
            jobs.append((names(folder, f"{scheme.name}.xlsx"),
                         partial(render_xlsx, template, context, rows)))  # fmt: skip
    return jobs


def report_context(ctx: Context) -> dict[str, Any]:
    """The year report: counts by grade, the 优秀 quotas used, warnings, appeals."""
    from kaohe.collection.models import PeriodWarning

    counts: list[dict[str, Any]] = []
    for scheme in ctx.results.schemes:
        rows = ctx.results.of_scheme(scheme)
        grades = Counter(s.grade for s in rows if s.grade)
        order = list((scheme.current_version.definition if scheme.current_version else {})
                     .get("grades", []) or [])  # fmt: skip
        ordered = [g for g in order if g in grades] + sorted(g for g in grades if g not in order)
        counts.append({
            "scheme": clean(scheme.name), "total": len(rows), "graded": sum(grades.values()),
            "grades": "、".join(f"{g} {grades[g]}" for g in ordered) or "—",
            "other": str(len(rows) - sum(grades.values())),
        })  # fmt: skip
    names = {f"s{s.pk}": s.name for s in ctx.results.schemes}
    quotas, violations = [], []
    for run in ctx.results.runs:
        for scheme in run.result_document.get("schemes", []):
            if str(scheme.get("id")) not in names:
                continue
            for quota in scheme.get("quotas", []):
                quotas.append({
                    "scheme": clean(names[str(scheme["id"])]),
                    "group": clean(_group_label(str(quota.get("group", "")), ctx.units)),
                    "ratio": f"{Decimal(str(quota.get('ratio', 0))) * 100:.0f}%",
                    "base": quota.get("base", ""), "slots": quota.get("slots", ""),
                    "used": quota.get("used", ""),
                })  # fmt: skip
            violations += [clean(v.get("message", "")) for v in scheme.get("violations", [])]
    levels = Counter(
        PeriodWarning.objects.filter(year=ctx.year.year).values_list("level", flat=True)
    )
    warnings = (
        _("全年发出预警 %(n)s 次（%(detail)s）。")
        % {"n": sum(levels.values()), "detail": "、".join(f"{k}灯 {v} 次" for k, v in sorted(levels.items()))}
        if levels
        else _("全年未发出预警。")
    )  # fmt: skip
    changes = Counter(
        GradeChange.objects.filter(final__outcome__year=ctx.year).values_list("source", flat=True)
    )
    labels = dict(GradeSource.choices)
    appealed = [
        GradeSource.OBJECTION,
        GradeSource.REVIEW,
        GradeSource.APPEAL,
        GradeSource.INVESTIGATION,
    ]
    parts = [f"{labels[s]} {changes[s]} 件" for s in appealed if changes.get(s)]
    appeals = (
        (_("等次变更：%(parts)s。") % {"parts": "、".join(parts)})
        if parts
        else _("本年度无公示异议、复核、申诉引起的等次变更。")
    )
    total = sum(int(c["total"]) for c in counts)
    intro = _("%(year)s年度共有 %(schemes)s 个考核方案、%(n)s 个考核对象参加考核。") % {
        "year": ctx.year.year, "schemes": len(counts), "n": total,
    }  # fmt: skip
    return {
        "year": ctx.year.year, "intro": intro, "counts": counts, "quotas": quotas,
        "warnings": warnings, "appeals": appeals, "violations": violations[:50] or [_("无。")],
        "office": office_name(), "today": chinese_date(timezone.localdate()),
    }  # fmt: skip


def report_jobs(ctx: Context, names: Names) -> list[Job]:
    template = ctx.template(DocumentForm.REPORT)
    context = report_context(ctx)
    name = _("%(year)s年度考核工作报告.docx") % {"year": ctx.year.year}
    return [(names(name), partial(render_docx, template, context))]


def plan(ctx: Context, forms: Iterable[str]) -> list[Job]:
    """The files of a batch, in the order of ``DocumentForm``."""
    names = Names()
    makers: dict[str, Callable[[], list[Job]]] = {
        DocumentForm.REGISTRATION: lambda: registration_jobs(ctx, names),
        DocumentForm.SECONDMENT: lambda: secondment_jobs(ctx, names),
        DocumentForm.DAILY: lambda: daily_jobs(ctx, names),
        DocumentForm.PROPOSAL: lambda: proposal_jobs(ctx, names),
        DocumentForm.RANKING_XLSX: lambda: ranking_jobs(ctx, names, DocumentForm.RANKING_XLSX),
        DocumentForm.RANKING_DOCX: lambda: ranking_jobs(ctx, names, DocumentForm.RANKING_DOCX),
        DocumentForm.REPORT: lambda: report_jobs(ctx, names),
    }
    wanted = set(forms)
    jobs: list[Job] = []
    for form in DocumentForm:
        if form in wanted:
            jobs += makers[form]()
    return jobs


def batch_context(batch: DocumentBatch) -> Context:
    scope = Scope(batch.scope, batch.unit, batch.category_id)
    return Context(
        year=batch.year, scope=scope, results=year_standings(batch.year),
        units=dict(Unit.objects.values_list("pk", "name")),
    )  # fmt: skip


# ---- batches --------------------------------------------------------------------------


def progress_key(batch_pk: int) -> str:
    return f"results:document-batch:{batch_pk}:done"


@transaction.atomic
def document_batch_create(
    *, actor: Any, year: AssessmentYear, forms: list[str], scope: str,
    unit: Unit | None = None, category: Any = None,
) -> DocumentBatch:  # fmt: skip
    """Queue a batch of ``forms`` for ``year`` and a scope (the county, a category, a unit)."""
    from kaohe.core.services import job_submit

    chosen = [str(DocumentForm(f)) for f in DocumentForm if f in set(forms)]
    if not chosen:
        raise ValidationError({"kinds": _("请至少选择一种表格")}, code="no_forms")
    if scope == BatchScope.UNIT and unit is None:
        raise ValidationError({"unit": _("请选择单位")}, code="no_unit")
    if scope == BatchScope.CATEGORY and category is None:
        raise ValidationError({"category": _("请选择类别")}, code="no_category")
    batch = DocumentBatch.objects.create(
        year=year, forms=chosen, scope=BatchScope(scope),
        unit=unit if scope == BatchScope.UNIT else None,
        category=category if scope == BatchScope.CATEGORY else None,
        created_by=actor, created_at=timezone.now(),
    )  # fmt: skip
    audit_record(actor=actor, action="document_batch.create", obj=batch,
                 after={"year": year.year, "forms": chosen, "scope": scope})  # fmt: skip
    job = job_submit(
        actor=actor, kind="results.documents", file=str(batch.pk).encode(),
        file_name=f"documents-{batch.pk}",
    )  # fmt: skip
    batch.job = job
    batch.save(update_fields=["job"])
    return batch


# The zips kept in the database: the newest finished batches; older ones lose their zip
# (the row, its forms and scope stay, ``size`` 0 marks it, and the page says to make it
# again).
KEEP_ZIPS = 5


def batches_prune(keep: int = KEEP_ZIPS) -> int:
    """Drop the zips of finished batches beyond the newest ``keep``; returns how many."""
    newest = DocumentBatch.objects.filter(status=RunStatus.DONE, content__isnull=False).order_by(
        "-created_at", "-pk"
    )
    old = list(newest.values_list("pk", flat=True)[keep:])
    if old:
        DocumentBatch.objects.filter(pk__in=old).update(
            content=None,
            size=0,
            message=_("压缩包已清理（只保留最近 %(n)s 个），可重新生成") % {"n": keep},
        )
    return len(old)


def document_batch_build(*, batch: DocumentBatch) -> DocumentBatch:
    """Make the batch's zip (in the job's transaction). A form that cannot be made (a bad
    template, no result for the year) fails the batch with a Chinese message naming it.
    The forms are official Chinese documents: made in Chinese whatever the language of
    the office's pages (an eager job runs in the request's language)."""
    with translation.override("zh-hans"):
        return _build(batch)


def _build(batch: DocumentBatch) -> DocumentBatch:
    batch.status = RunStatus.RUNNING
    batch.save(update_fields=["status"])
    current = ""
    try:
        ctx = batch_context(batch)
        if not ctx.results.standings:
            raise DocumentError(
                _("%(year)s 年度还没有完成的考核结果计算，不能生成表格") % {"year": batch.year.year}
            )
        jobs = plan(ctx, batch.forms)
        batch.total = len(jobs)
        buffer = BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for done, (path, make) in enumerate(jobs, start=1):
                current = path
                archive.writestr(path, make())
                if done % 20 == 0 or done == len(jobs):
                    cache.set(progress_key(batch.pk), done, 3600)
        batch.content = buffer.getvalue()
        batch.size = len(batch.content)
        batch.status = RunStatus.DONE
    except Exception as error:
        batch.status = RunStatus.FAILED
        text = (
            str(error) if isinstance(error, DocumentError) else f"{type(error).__name__}: {error}"
        )
        batch.message = (
            _("生成“%(file)s”时出错：%(error)s") % {"file": current, "error": text}
            if current
            else text
        )[:2000]
        batch.content = None
    batch.finished_at = timezone.now()
    batch.save(update_fields=["status", "total", "message", "content", "size", "finished_at"])
    audit_record(actor=batch.created_by, action="document_batch.status", obj=batch,
                 after={"status": batch.status, "files": batch.total})  # fmt: skip
    if batch.status == RunStatus.DONE:
        batches_prune()
    return batch


def batch_progress(batch: DocumentBatch) -> int:
    """Percent done: from the files made so far where the cache is shared with the job."""
    if batch.status in (RunStatus.DONE, RunStatus.FAILED):
        return 100
    if batch.status == RunStatus.QUEUED:
        return 5
    done = cache.get(progress_key(batch.pk)) or 0
    return min(95, 10 + int(85 * done / batch.total)) if batch.total else 10


def documents_for_user(user: object) -> Any:
    """The batches a user sees: the office (``RESULTS_RUN``) sees every batch; nobody else."""
    from kaohe.core.roles import Action, can

    if not can(user, Action.RESULTS_RUN):
        return DocumentBatch.objects.none()
    return DocumentBatch.objects.select_related("year", "unit", "category", "created_by", "job")


def batch_zip_name(batch: DocumentBatch) -> str:
    where = batch.unit.name if batch.unit else batch.category.name if batch.category else _("全县")
    return f"{batch.year.year}年度考核表格-{where}-{batch.pk}.zip"


__all__ = [
    "DocumentError",
    "document_batch_build",
    "document_batch_create",
    "excellent_list",
    "fit_summary",
    "template_reset",
    "template_upload",
    "year_standings",
]
