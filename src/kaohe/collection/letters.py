"""The 预警督办函 (warning letter, seed 000 三(3)): a Word document filled with docxtpl.

The template is ``collection/templates_docx/warning_letter.docx``, shipped with the app and
made by ``templates_docx/build.py`` (``python -m kaohe.collection.templates_docx.build``
writes it again). The office may upload a replacement on the letter template page: the latest upload
is used, deleting them goes back to the shipped file. A template may use these placeholders
(Jinja syntax, ``{{ name }}``)::

    number      letter number, e.g. 预督〔2024〕3号
    unit        the warned unit's name
    scheme      the scheme's name            period     the period's name (第一季度监测)
    year        the assessment year          group      the unit's category
    rank        its rank in the category     group_size units ranked in the category
    score       its score of the period      level      红 or 黄
    issued_on   date of issue (2024年4月1日)   due_on     rectification deadline
    office      the issuing office (setting WARNING_LETTER_OFFICE, default 县考核办)

The letter is rendered when it is downloaded, from the warning's stored facts.
"""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.collection.evidence import EvidenceRefused, sniff_kind
from kaohe.collection.models import FileKind, LetterTemplate, PeriodWarning
from kaohe.core.audit import audit_record
from kaohe.core.text import strip_control_characters

SHIPPED = Path(__file__).resolve().parent / "templates_docx" / "warning_letter.docx"
TEMPLATE_MAX_BYTES = 2 * 1024 * 1024
PLACEHOLDERS = (
    "number", "unit", "scheme", "period", "year", "group", "rank", "group_size", "score",
    "level", "issued_on", "due_on", "office",
)  # fmt: skip


def chinese_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def office_name() -> str:
    return getattr(settings, "WARNING_LETTER_OFFICE", "") or "县考核办"


def letter_context(warning: PeriodWarning) -> dict[str, Any]:
    rectification = getattr(warning, "rectification", None)
    due = rectification.due_on if rectification is not None else warning.issued_on
    return {
        "number": warning.number,
        "unit": warning.target.name,
        "scheme": warning.period.scheme.name,
        "period": warning.period.name,
        "year": warning.year,
        "group": warning.group,
        "rank": warning.rank,
        "group_size": warning.group_size,
        "score": f"{warning.score:.2f}",
        "level": warning.level,
        "issued_on": chinese_date(warning.issued_on),
        "due_on": chinese_date(due),
        "office": office_name(),
    }


def sample_context() -> dict[str, Any]:
    """What a trial rendering of an uploaded template is filled with."""
    return {
        "number": "预督〔2024〕1号", "unit": "青山镇", "scheme": "党建工作成效考核",
        "period": "第一季度监测", "year": 2024, "group": "镇街", "rank": 8, "group_size": 8,
        "score": "80.00", "level": "红", "issued_on": "2024年4月1日",
        "due_on": "2024年5月1日", "office": office_name(),
    }  # fmt: skip


LETTER = "warning_letter"


def template_bytes(kind: str = LETTER, shipped: Path = SHIPPED) -> bytes:
    """The template of ``kind`` in use: the office's latest upload, else the shipped one."""
    stored = LetterTemplate.objects.filter(kind=kind).order_by("-uploaded_at", "-pk").first()
    return bytes(stored.content) if stored is not None else shipped.read_bytes()


def current_template(kind: str = LETTER) -> LetterTemplate | None:
    """The office's upload in use for ``kind`` (None: the shipped template)."""
    return (
        LetterTemplate.objects.filter(kind=kind)
        .select_related("uploaded_by")
        .order_by("-uploaded_at", "-pk")
        .first()
    )


def render(template: bytes, context: dict[str, Any]) -> bytes:
    from docxtpl import DocxTemplate  # type: ignore[import-untyped]

    document = DocxTemplate(BytesIO(template))
    document.render(context, autoescape=True)
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def letter_render(warning: PeriodWarning) -> bytes:
    return render(template_bytes(), letter_context(warning))


def letter_file_name(warning: PeriodWarning) -> str:
    return f"预警督办函-{warning.target.name}-{warning.period.name}.docx"


@transaction.atomic
def letter_template_upload(
    *,
    actor: Any,
    upload: IO[bytes] | bytes,
    name: str,
    kind: str = LETTER,
    sample: dict[str, Any] | None = None,
) -> LetterTemplate:
    """Store a replacement template of ``kind`` after checking it is a .docx without macros
    that renders with the placeholders (``sample``: the trial context, by default the
    letter's; a template error is refused with its message)."""
    data = upload if isinstance(upload, bytes) else upload.read(TEMPLATE_MAX_BYTES + 1)
    if len(data) > TEMPLATE_MAX_BYTES:
        raise ValidationError({"file": _("模板不能超过 2 MB")}, code="too_large")
    try:
        found = sniff_kind(data)
    except EvidenceRefused as refused:
        raise ValidationError({"file": refused.messages}, code="kind") from None
    if found != FileKind.DOCX:
        raise ValidationError({"file": _("模板须是 Word（.docx）文件")}, code="kind")
    try:
        render(data, sample if sample is not None else sample_context())
    except Exception as error:  # docxtpl raises Jinja's and lxml's errors, among others
        raise ValidationError(
            {"file": _("模板不能填写：%(error)s") % {"error": str(error)[:200]}}, code="template"
        ) from None
    clean = strip_control_characters(Path(name or "template.docx").name, multiline=False)[:200]
    template = LetterTemplate.objects.create(
        kind=kind, content=data, original_name=clean or "template.docx",
        uploaded_at=timezone.now(), uploaded_by=actor,
    )  # fmt: skip
    audit_record(
        actor=actor, action="letter_template.upload", obj=template,
        after={"name": template.original_name, "size": len(data), "kind": kind},
    )  # fmt: skip
    return template


@transaction.atomic
def letter_template_reset(*, actor: Any, kind: str = LETTER) -> int:
    """Delete the uploaded templates of ``kind``: the shipped one is used again."""
    uploads = LetterTemplate.objects.filter(kind=kind)
    names = list(uploads.values_list("original_name", flat=True))
    uploads.delete()
    label = "预警督办函模板" if kind == LETTER else "半年评估通报模板"
    audit_record(
        actor=actor, action="letter_template.reset", object_type="collection.lettertemplate",
        object_id="-", object_repr=label, before={"templates": names, "kind": kind},
    )  # fmt: skip
    return len(names)
