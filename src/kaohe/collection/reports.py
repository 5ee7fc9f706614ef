"""Reports of the assessed units: what each period asks for, the writes (save a draft,
submit, send back, accept), which reports a user sees, the to-dos they make and the
office's progress page.

Who reports: the periods of a scheme of units (``Subject.UNIT``) ask the year's assessed
units: the active units whose category has a published (or locked) indicator system in a
unit scheme of that year (a scheme whose own systems are not entered yet, such as a
专项考核 run on the 党建 systems' units, still has its reporters). ``period_totals`` scores
those of them that the period's own scheme has a system for. A unit reports what the
period's ``report_kinds`` list, while the period is open. The periods of team and cadre
schemes ask no unit here.

Late: a first submission after the period's ``report_due`` is late (marked, still taken).
A closed (or not yet opened) period refuses submissions.

The year-end 述职述法报告 should have about 2,500 characters (seed 004). The check warns and
never blocks: outside ``settings.REPORT_WORK_REPORT_CHARS`` (default 1,500 to 3,500
characters, whitespace not counted) the page says so.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaohe.collection.evidence import attachment_delete, attachments_of
from kaohe.collection.models import (
    Attachment,
    OwnerType,
    Period,
    PeriodStatus,
    Report,
    ReportEvent,
    ReportEventKind,
    ReportKind,
    ReportStatus,
)
from kaohe.collection.todos import Todo, TodoState
from kaohe.core.audit import audit_record
from kaohe.core.errors import field_error
from kaohe.core.roles import Action, can
from kaohe.core.workflow import Workflow
from kaohe.orgs.models import Unit
from kaohe.orgs.selectors import units_for_user
from kaohe.schemes.models import IndicatorSystem, Subject, SystemStatus

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

# ---- what a report holds ------------------------------------------------------------------

# The sections of each kind of report: (key, label). Seed 000 三(1) names the four of the
# monthly progress report and the two of the quarter's; the others are one text.
SECTIONS: dict[str, tuple[tuple[str, StrPromise], ...]] = {
    ReportKind.PROGRESS: (
        ("tasks", gettext_lazy("任务推进情况")),
        ("highlights", gettext_lazy("特色亮点")),
        ("cases", gettext_lazy("典型案例")),
        ("problems", gettext_lazy("存在问题")),
    ),
    ReportKind.QUARTER_TASKS: (
        ("key_tasks", gettext_lazy("重点任务完成情况")),
        ("duty_tasks", gettext_lazy("职能任务完成情况")),
    ),
    ReportKind.HALF_YEAR_SUMMARY: (("text", gettext_lazy("半年工作总结")),),
    ReportKind.WORK_SUMMARY: (("text", gettext_lazy("年度工作总结")),),
    ReportKind.WORK_REPORT: (("text", gettext_lazy("述职述法报告")),),
}
# The longest text of one section (a report of several thousand characters fits easily).
SECTION_MAX_CHARS = 20000
REASON_MAX_CHARS = 2000
# Seed 004: the 述职述法报告 has about 2,500 characters; outside these bounds the page warns.
WORK_REPORT_CHARS = (1500, 3500)
LENGTH_CHECKED = frozenset({ReportKind.WORK_REPORT})


def sections_of(kind: str) -> tuple[tuple[str, StrPromise], ...]:
    return SECTIONS.get(kind, (("text", gettext_lazy("正文")),))


def char_count(sections: Mapping[str, str]) -> int:
    """The characters of a report's text, whitespace not counted (as 字数 is counted)."""
    return sum(len("".join(str(text).split())) for text in sections.values())


def length_bounds() -> tuple[int, int]:
    low, high = getattr(settings, "REPORT_WORK_REPORT_CHARS", WORK_REPORT_CHARS)
    return int(low), int(high)


def length_warning(kind: str, sections: Mapping[str, str]) -> str | None:
    """A Chinese warning when a 述职述法报告 is far from its 2,500 characters, else None."""
    if kind not in LENGTH_CHECKED:
        return None
    count = char_count(sections)
    low, high = length_bounds()
    if count < low:
        return _("述职述法报告一般约 2500 字，当前 %(n)s 字，少于 %(low)s 字，请核实内容是否完整") % {
            "n": count, "low": low,
        }  # fmt: skip
    if count > high:
        return _("述职述法报告一般约 2500 字，当前 %(n)s 字，超过 %(high)s 字，请适当精简") % {
            "n": count, "high": high,
        }  # fmt: skip
    return None


# ---- the pipeline ---------------------------------------------------------------------------

REPORT_TRANSITIONS = {
    (ReportStatus.DRAFT, ReportStatus.SUBMITTED),
    (ReportStatus.SUBMITTED, ReportStatus.RETURNED),
    (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED),
    (ReportStatus.RETURNED, ReportStatus.SUBMITTED),
}
REPORT_WORKFLOW = Workflow(
    REPORT_TRANSITIONS,
    states=ReportStatus,
    action={
        ReportStatus.SUBMITTED: "report.submit",
        ReportStatus.RETURNED: "report.return",
        ReportStatus.ACCEPTED: "report.accept",
    },
    code="report_transition",
    reason_required={(ReportStatus.SUBMITTED, ReportStatus.RETURNED)},
)
EDITABLE = frozenset({ReportStatus.DRAFT, ReportStatus.RETURNED})

AUDIT_ACTIONS = {
    "report.save": gettext_lazy("保存报送材料草稿"),
    "report.submit": gettext_lazy("报送材料"),
    "report.return": gettext_lazy("退回报送材料"),
    "report.accept": gettext_lazy("报送材料审核通过"),
    "report.attachment_remove": gettext_lazy("删除报送材料的附件"),
}


# ---- who reports what -------------------------------------------------------------------------


def _assessed_categories(year_ref: Any) -> QuerySet[IndicatorSystem, Any]:
    """The categories with a published (or locked) indicator system in a unit scheme of
    the year (``year_ref``: a year id or an ``OuterRef`` to one)."""
    return (
        IndicatorSystem.objects.filter(scheme__year_id=year_ref, scheme__subject=Subject.UNIT)
        .exclude(status=SystemStatus.DRAFT)
        .values("category_id")
    )


def period_targets(period: Period) -> QuerySet[Unit]:
    """The units that report in ``period`` (see the module's docstring)."""
    if period.scheme.subject != Subject.UNIT:
        return Unit.objects.none()
    return Unit.objects.filter(
        is_active=True, category_id__in=_assessed_categories(period.scheme.year_id)
    ).select_related("category")


def open_periods_of_unit(unit: Unit) -> QuerySet[Period]:
    """The open periods that ask ``unit`` for reports."""
    assessed = IndicatorSystem.objects.filter(
        scheme__year_id=OuterRef("scheme__year_id"),
        scheme__subject=Subject.UNIT,
        category_id=unit.category_id,
    ).exclude(status=SystemStatus.DRAFT)
    return (
        Period.objects.filter(status=PeriodStatus.OPEN, scheme__subject=Subject.UNIT)
        .filter(Exists(assessed))
        .exclude(report_kinds=[])
        .select_related("scheme")
        .order_by("report_due", "starts_on", "pk")
    )


@dataclass(frozen=True)
class Expected:
    """A report a unit owes in an open period, and the report if it was begun."""

    period: Period
    kind: str
    report: Report | None

    @property
    def kind_label(self) -> str:
        return str(ReportKind(self.kind).label)

    def state(self, today: dt.date) -> TodoState | None:
        """What it asks of the unit: returned, late, due, or None (submitted, accepted)."""
        status = self.report.status if self.report else ReportStatus.DRAFT
        if status == ReportStatus.RETURNED:
            return TodoState.RETURNED
        if status != ReportStatus.DRAFT:
            return None
        due = self.period.report_due
        return TodoState.LATE if due is not None and today > due else TodoState.DUE

    @property
    def url(self) -> str:
        if self.report is not None:
            return reverse("collection:report_edit", args=[self.report.pk])
        return reverse("collection:report_start", args=[self.period.pk]) + f"?kind={self.kind}"


def expected_reports(unit: Unit | None) -> list[Expected]:
    """Every report ``unit`` owes in its open periods (two queries)."""
    if unit is None:
        return []
    periods = list(open_periods_of_unit(unit))
    begun = {
        (r.period_id, r.kind): r
        for r in Report.objects.filter(unit=unit, period__in=[p.pk for p in periods])
    }
    return [
        Expected(period, kind, begun.get((period.pk, kind)))
        for period in periods
        for kind in period.report_kinds
        if kind in ReportKind.values
    ]


# ---- selectors ------------------------------------------------------------------------------------


def reports_for_user(user: object) -> QuerySet[Report]:
    """The reports a user reads: a liaison its own unit's; the office, leaders, assessment
    teams and the committee every unit's; a scorer those of the units it scores (the units
    it sees: every unit). A draft is its unit's own: nobody else sees it before it is
    submitted."""
    if not can(user, Action.REPORT_VIEW):
        return Report.objects.none()
    reports = Report.objects.filter(unit__in=units_for_user(user).values("pk"))
    unit_id = getattr(user, "unit_id", None)
    reports = reports.exclude(
        Q(status=ReportStatus.DRAFT) & ~Q(unit_id=unit_id if unit_id is not None else 0)
    )
    return reports.select_related("period", "period__scheme", "unit")


def own_reports(user: object) -> QuerySet[Report]:
    """The reports a user may write: those of the user's own unit."""
    unit_id = getattr(user, "unit_id", None)
    if not can(user, Action.REPORT_SUBMIT) or unit_id is None:
        return Report.objects.none()
    return reports_for_user(user).filter(unit_id=unit_id)


def report_periods_for_user(user: object) -> QuerySet[Period]:
    """The periods in the filters and the progress page: those of the schemes the user
    sees, with reports asked for."""
    from kaohe.schemes.selectors import schemes_for_user

    return (
        Period.objects.filter(scheme__in=schemes_for_user(user).values("pk"))
        .exclude(report_kinds=[])
        .select_related("scheme", "scheme__year")
        .order_by("-scheme__year__year", "scheme_id", "starts_on", "pk")
    )


def timeline(report: Report) -> list[ReportEvent]:
    return list(report.events.select_related("by").order_by("pk"))  # in the order made


# ---- services ------------------------------------------------------------------------------------


def _check_open(period: Period) -> None:
    if period.status != PeriodStatus.OPEN:
        raise field_error(
            "__all__",
            _("「%(period)s」%(status)s，不能再报送或修改")
            % {"period": period.name, "status": period.get_status_display()},
            "period_not_open",
        )


def _clean_sections(kind: str, sections: Mapping[str, str]) -> dict[str, str]:
    cleaned: dict[str, str] = {}
    for key, label in sections_of(kind):
        text = str(sections.get(key) or "").strip()
        if len(text) > SECTION_MAX_CHARS:
            raise field_error(
                f"section_{key}",
                _("「%(label)s」不能超过 %(n)s 字") % {"label": label, "n": SECTION_MAX_CHARS},
                "too_long",
            )
        cleaned[key] = text
    return cleaned


@transaction.atomic
def report_save(
    *,
    actor: Any,
    period: Period,
    unit: Unit,
    kind: ReportKind | str,
    sections: Mapping[str, str],
) -> Report:
    """Save the text of ``unit``'s report of ``kind`` in ``period`` as it stands (a draft,
    or a returned report being corrected); made on its first save."""
    period = Period.objects.get(pk=period.pk)  # its status as it is now
    if kind not in period.report_kinds:
        raise field_error("kind", _("本周期不要求报送此类材料"), "kind_not_asked")
    _check_open(period)
    cleaned = _clean_sections(kind, sections)
    report, created = Report.objects.select_for_update().get_or_create(
        period=period, unit=unit, kind=kind, defaults={"updated_at": timezone.now()}
    )
    if report.status not in EDITABLE:
        raise field_error(
            "__all__",
            _("材料%(status)s，不能修改") % {"status": report.get_status_display()},
            "not_editable",
        )
    before = {} if created else {"chars": char_count(report.sections)}
    report.sections, report.updated_at = cleaned, timezone.now()
    report.save(update_fields=["sections", "updated_at"])
    audit_record(
        actor=actor, action="report.save", obj=report, before=before,
        after={"period": period.pk, "unit": unit.pk, "kind": str(kind),
               "chars": char_count(cleaned)},
    )  # fmt: skip
    return report


def _files(report: Report) -> list[dict[str, Any]]:
    return [
        {"id": a.pk, "name": a.original_name}
        for a in attachments_of(OwnerType.REPORT, [report.pk])[report.pk]
    ]


@transaction.atomic
def report_submit(*, actor: Any, report: Report, at: dt.datetime | None = None) -> Report:
    """Submit (or resubmit) a report: every section written, the period open. A first
    submission after the period's ``report_due`` is marked late. ``at``: when it was
    submitted (now; a loader of past work gives its own time)."""
    report = Report.objects.select_for_update().select_related("period").get(pk=report.pk)
    REPORT_WORKFLOW.check(report.status, ReportStatus.SUBMITTED)
    _check_open(report.period)
    for key, label in sections_of(report.kind):
        if not str(report.sections.get(key) or "").strip():
            raise field_error(
                f"section_{key}",
                _("请填写「%(label)s」（没有的可填“无”）") % {"label": label},
                "section_required",
            )
    at = at or timezone.now()
    due = report.period.report_due
    late_now = due is not None and timezone.localdate(at) > due
    if report.first_submitted_at is None:
        report.first_submitted_at, report.late = at, late_now
    report.submissions += 1
    report.submitted_at, report.submitted_by, report.updated_at = at, actor, at
    ReportEvent.objects.create(
        report=report, kind=ReportEventKind.SUBMITTED, number=report.submissions,
        sections=dict(report.sections), files=_files(report), late=late_now, at=at, by=actor,
    )  # fmt: skip
    REPORT_WORKFLOW.move(
        report, ReportStatus.SUBMITTED, actor=actor,
        fields=["first_submitted_at", "late", "submissions", "submitted_at", "submitted_by",
                "updated_at"],
        after={"number": report.submissions, "late": late_now,
               "chars": char_count(report.sections)},
    )  # fmt: skip
    return report


@transaction.atomic
def report_review(
    *,
    actor: Any,
    report: Report,
    accept: bool,
    reason: str = "",
    at: dt.datetime | None = None,
) -> Report:
    """The office's decision on a submitted report: accept it, or send it back with a
    reason the unit reads (required)."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    wanted = ReportStatus.ACCEPTED if accept else ReportStatus.RETURNED
    reason = reason.strip()
    REPORT_WORKFLOW.check(report.status, wanted, reason=reason)
    if len(reason) > REASON_MAX_CHARS:
        raise field_error(
            "reason", _("理由不能超过 %(n)s 字") % {"n": REASON_MAX_CHARS}, "too_long"
        )
    at = at or timezone.now()
    report.reviewed_at, report.reviewed_by, report.updated_at = at, actor, at
    report.return_reason = "" if accept else reason
    ReportEvent.objects.create(
        report=report,
        kind=ReportEventKind.ACCEPTED if accept else ReportEventKind.RETURNED,
        number=report.submissions, reason=reason, at=at, by=actor,
    )  # fmt: skip
    REPORT_WORKFLOW.move(
        report, wanted, actor=actor,
        fields=["reviewed_at", "reviewed_by", "updated_at", "return_reason"], reason=reason,
    )  # fmt: skip
    return report


@transaction.atomic
def report_attachment_remove(*, actor: Any, report: Report, attachment: Attachment) -> None:
    """Remove a file from a report that may still change (a draft or a returned report);
    the submissions before keep its name in their history."""
    report = Report.objects.select_for_update().select_related("period").get(pk=report.pk)
    if (
        attachment.owner_type != OwnerType.REPORT
        or attachment.owner_id != report.pk
        or report.status not in EDITABLE
    ):
        raise field_error("__all__", _("此附件不能删除"), "not_editable")
    _check_open(report.period)
    attachment_delete(actor=actor, attachment=attachment)


# ---- to-dos --------------------------------------------------------------------------------------


def reports_todos(user: Any, today: dt.date) -> Iterable[Todo]:
    """A liaison: the reports its unit owes (due, late) or must correct (returned). The
    office (who reviews): the reports waiting for review, one item per period and kind."""
    unit_id = getattr(user, "unit_id", None)
    if can(user, Action.REPORT_SUBMIT) and unit_id is not None:
        unit = Unit.objects.filter(pk=unit_id).first()
        for item in expected_reports(unit):
            state = item.state(today)
            if state is None:
                continue
            detail = ""
            if state == TodoState.RETURNED and item.report is not None:
                detail = _("退回理由：%(reason)s") % {"reason": item.report.return_reason}
            yield Todo(
                key=f"report:{item.period.pk}:{unit_id}:{item.kind}",
                title=f"{item.period.name} · {item.kind_label}",
                url=item.url,
                state=state,
                due=item.period.report_due,
                detail=detail,
            )
    if can(user, Action.REPORT_REVIEW):
        waiting = (
            Report.objects.filter(status=ReportStatus.SUBMITTED)
            .values("period", "period__name", "period__review_due", "kind")
            .annotate(n=Count("pk"))
            .order_by("period__review_due", "period", "kind")
        )
        for row in waiting:
            yield Todo(
                key=f"report-review:{row['period']}:{row['kind']}",
                title=_("审核 %(period)s · %(kind)s")
                % {"period": row["period__name"], "kind": ReportKind(row["kind"]).label},
                url=reverse("collection:report_list")
                + f"?period={row['period']}&kind={row['kind']}&status=submitted",
                state=TodoState.WAITING,
                due=row["period__review_due"],
                detail=_("%(n)s 份待审核") % {"n": row["n"]},
            )


# ---- the office's progress page --------------------------------------------------------------


def open_warnings_by_unit(*, period: Period, unit_ids: list[int]) -> dict[int, int] | None:
    """Unit id → the number of its warnings of ``period`` still open (not withdrawn, the
    rectification not yet signed off), in one query. None for a period that is not ranked
    (the page hides the column)."""
    from kaohe.collection.models import PeriodWarning, RectificationStatus

    if not period.ranked:
        return None
    rows = (
        PeriodWarning.objects.filter(
            period=period, target_id__in=unit_ids, withdrawn_at__isnull=True
        )
        .exclude(
            rectification__status__in=(
                RectificationStatus.SIGNED_OFF,
                RectificationStatus.CANCELLED,
            )
        )
        .values("target_id")
        .annotate(n=Count("pk"))
    )
    return {row["target_id"]: row["n"] for row in rows}


@dataclass
class ProgressCell:
    kind: str
    report: Report | None
    late: bool

    @property
    def status(self) -> str:
        return self.report.status if self.report else ""


@dataclass
class ProgressRow:
    unit: Unit
    cells: list[ProgressCell]
    score: Decimal | None
    warnings: int | None

    @property
    def late(self) -> bool:
        return any(cell.late for cell in self.cells)

    @property
    def returned(self) -> bool:
        return any(cell.status == ReportStatus.RETURNED for cell in self.cells)

    @property
    def complete(self) -> bool:
        done = {ReportStatus.SUBMITTED, ReportStatus.ACCEPTED}
        return all(cell.status in done for cell in self.cells)


@dataclass
class Progress:
    period: Period
    kinds: list[str]
    rows: list[ProgressRow]
    counts: dict[str, int] = field(default_factory=dict)
    by_kind: dict[str, Counter[str]] = field(default_factory=dict)
    warnings_shown: bool = False


def period_progress(*, period: Period, today: dt.date) -> Progress:
    """Per target unit of ``period``: each report asked for (status, late), the score so far
    (``period_totals``) and the open warnings (the hook). A fixed number of queries."""
    from kaohe.collection.totals import period_totals

    kinds = [k for k in period.report_kinds if k in ReportKind.values]
    units = list(period_targets(period))
    reports: dict[tuple[int, str], Report] = {
        (r.unit_id, r.kind): r for r in Report.objects.filter(period=period)
    }
    totals = period_totals(period=period)
    warnings = open_warnings_by_unit(period=period, unit_ids=[u.pk for u in units])
    overdue = period.report_due is not None and today > period.report_due
    rows: list[ProgressRow] = []
    by_kind: dict[str, Counter[str]] = defaultdict(Counter)
    for unit in units:
        cells = []
        for kind in kinds:
            report = reports.get((unit.pk, kind))
            unsent = report is None or report.status == ReportStatus.DRAFT
            late = bool(report and report.late) or (unsent and overdue)
            cells.append(ProgressCell(kind, report, late))
            by_kind[kind][report.status if report else "none"] += 1
            by_kind[kind]["late"] += late
        rows.append(
            ProgressRow(
                unit, cells, totals.get(unit.pk),
                None if warnings is None else warnings.get(unit.pk, 0),
            )
        )  # fmt: skip
    counts = {
        "units": len(rows),
        "complete": sum(row.complete for row in rows),
        "late": sum(row.late for row in rows),
        "returned": sum(row.returned for row in rows),
        "waiting": sum(cell.status == ReportStatus.SUBMITTED for row in rows for cell in row.cells),
    }
    return Progress(period, kinds, rows, counts, dict(by_kind), warnings is not None)
