"""Indicator scoring (赋分、扣分、加分): who scores what, the grid, and its writes.

Who scores: a responsible unit scores the leaf indicators it is responsible for
(``Indicator.responsible_unit``) or leads (``Indicator.lead_unit``), for every active unit
of the indicator's category, in every open period of the scheme. The office (who may close
periods, ``Action.PERIOD_EDIT``) may open any responsible unit's grid and enter on its
behalf; the entry stays that unit's, ``updated_by`` says who.

What a value means (``ScoreEntry.value`` ≥ 0, at most 2 decimals): the points given (赋分,
up to the indicator's points), taken (扣分, up to its cap, else its points) or added (加分, up
to its cap, else its points). In a deductions-only period (quarterly monitoring, 001
第十一条) every indicator counts as a deduction (up to its points, a 扣分 one up to its cap)
and 加分 items are not accepted. A deduction above 0 needs a reason, and evidence where the
indicator asks for evidence (``evidence_required``).

Consolidation (001 第十一条(六)): where the lead unit is not the responsible unit, both may
enter; the lead unit sees the responsible unit's entry and its own entry is the
consolidated one (``consolidated=True``), which is the one that counts
(``totals.counted_values``). Until the lead unit enters, the responsible unit's counts.

Final on close: while a period is open, entries change freely (each change audited with
before and after). Once the office closes it, scores are final: only the office may change
one, with a written reason, audited as ``score.correct``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.collection.evidence import attachment_delete, attachment_save, attachments_of
from kaohe.collection.models import (
    Attachment,
    DeductionStatus,
    FieldCheckDeduction,
    OwnerType,
    Period,
    PeriodKind,
    PeriodStatus,
    ScoreEntry,
)
from kaohe.collection.todos import Todo, TodoState
from kaohe.collection.totals import Node, counted_values, roll_up
from kaohe.core.audit import action_label, audit_record
from kaohe.core.models import AuditEntry
from kaohe.core.roles import Action, Role, can, role_of
from kaohe.orgs.models import Unit
from kaohe.schemes.models import Indicator, IndicatorSystem, Method, SystemStatus

ENTRY_FIELDS = ("value", "reason", "consolidated")
# The periods that take scores: quarterly monitoring, the half-year evaluation, the
# year-end assessment (a monthly period collects progress reports only).
SCORED_KINDS = (PeriodKind.QUARTERLY, PeriodKind.HALF_YEAR, PeriodKind.YEAR_END)
MAX_REASON = 1000


def refuse(field: str, message: str, code: str) -> ValidationError:
    """A refusal of one field, with a code the tests assert on."""
    return ValidationError({field: ValidationError(message, code=code)})


def is_office(user: object) -> bool:
    """The office: who may close periods, and so change a final score (with a reason)."""
    return can(user, Action.PERIOD_EDIT)


# ---- rules of one indicator in one period -------------------------------------------


def counts_as_deduction(indicator: Indicator, period: Period) -> bool:
    return indicator.method == Method.DEDUCTION or (
        period.deductions_only and indicator.method != Method.BONUS
    )


def score_limit(indicator: Indicator, period: Period) -> Decimal:
    """The most a value may be: a 扣分 indicator's cap (else its points), a 加分 one's cap
    (else its points), a 赋分 one's points (also as a deduction in monitoring)."""
    if indicator.method in (Method.DEDUCTION, Method.BONUS) and indicator.cap is not None:
        return indicator.cap
    return indicator.points


def parse_value(raw: str) -> Decimal | None:
    """A cell's text as a value (empty: no entry); Chinese errors for the rest."""
    text = (raw or "").strip().replace("，", ".").replace("。", ".")
    if not text:
        return None
    if len(text) > 12:
        raise ValidationError(_("分值格式不正确"), code="format")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValidationError(_("请输入数字"), code="format") from None
    if not value.is_finite():
        raise ValidationError(_("请输入数字"), code="format")
    return value


def check_value(
    *, indicator: Indicator, period: Period, value: Decimal, reason: str, evidence: int
) -> None:
    """Refuse a value out of its indicator's range, a deduction without reason or evidence."""
    if period.deductions_only and indicator.method == Method.BONUS:
        raise refuse("value", _("本周期只记扣分，不能记加分项"), "deductions_only")
    if value < 0:
        raise refuse("value", _("不能为负数：扣分也填正数，表示扣去的分值"), "negative")
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2 and value != value.quantize(Decimal("0.01")):
        raise refuse("value", _("最多保留两位小数"), "decimals")
    limit = score_limit(indicator, period)
    if value > limit:
        if counts_as_deduction(indicator, period):
            message = _("扣分不能超过 %(n)s 分") % {"n": _fmt(limit)}
        elif indicator.method == Method.BONUS:
            message = _("加分不能超过上限 %(n)s 分") % {"n": _fmt(limit)}
        else:
            message = _("赋分不能超过本项分值 %(n)s 分") % {"n": _fmt(limit)}
        raise refuse("value", message, "above_limit")
    if counts_as_deduction(indicator, period) and value > 0:
        if not reason.strip():
            raise refuse("reason", _("扣分须填写理由"), "reason_required")
        if indicator.evidence_required and evidence == 0:
            raise refuse(
                "evidence", _("该指标扣分须附佐证材料，请在详情中上传"), "evidence_required"
            )


def _fmt(value: Decimal) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


# ---- selectors ----------------------------------------------------------------------


def scoring_periods_for_user(user: object) -> QuerySet[Period]:
    """The periods whose scores a user may enter: open or closed (not planned) periods of a
    scheme with a published indicator system the user's unit scores in; the office: all."""
    if not can(user, Action.SCORE_ENTER):
        return Period.objects.none()
    periods = (
        Period.objects.filter(kind__in=SCORED_KINDS)
        .exclude(status=PeriodStatus.PLANNED)
        .select_related("scheme", "scheme__year")
    )
    if is_office(user):
        return periods
    unit_id = getattr(user, "unit_id", None)
    if role_of(user) != Role.SCORER or unit_id is None:
        return Period.objects.none()
    schemes = (
        Indicator.objects.filter(Q(responsible_unit_id=unit_id) | Q(lead_unit_id=unit_id))
        .exclude(system__status=SystemStatus.DRAFT)
        .values("system__scheme_id")
    )
    return periods.filter(scheme_id__in=schemes)


def scoring_units_for(period: Period) -> QuerySet[Unit]:
    """The units that score in ``period``: responsible or lead of a published indicator."""
    indicators = Indicator.objects.filter(system__scheme_id=period.scheme_id).exclude(
        system__status=SystemStatus.DRAFT
    )
    return Unit.objects.filter(
        Q(pk__in=indicators.values("responsible_unit_id"))
        | Q(pk__in=indicators.values("lead_unit_id"))
    ).order_by("order", "code")


def scoring_units_by_scheme(scheme_ids: Iterable[int]) -> dict[int, list[Unit]]:
    """The units that score in each scheme (for the office's list of periods), in two
    queries whatever the number of schemes."""
    pairs: dict[int, set[int]] = defaultdict(set)
    rows = (
        Indicator.objects.filter(system__scheme_id__in=list(scheme_ids))
        .exclude(system__status=SystemStatus.DRAFT)
        .values_list("system__scheme_id", "responsible_unit_id", "lead_unit_id")
    )
    for scheme_id, responsible, lead in rows:
        pairs[scheme_id] |= {pk for pk in (responsible, lead) if pk is not None}
    units = Unit.objects.filter(pk__in=set().union(*pairs.values())).order_by("order", "code")
    found: dict[int, list[Unit]] = defaultdict(list)
    for unit in units:
        for scheme_id, ids in pairs.items():
            if unit.pk in ids:
                found[scheme_id].append(unit)
    return found


def scoring_units_for_user(user: object, period: Period) -> QuerySet[Unit]:
    """The units whose grid of ``period`` a user may open: a scorer, its own; the office,
    every unit that scores in it."""
    units = scoring_units_for(period)
    if is_office(user):
        return units
    unit_id = getattr(user, "unit_id", None)
    if role_of(user) == Role.SCORER and can(user, Action.SCORE_ENTER) and unit_id is not None:
        return units.filter(pk=unit_id)
    return units.none()


def may_score_as(user: object, unit: Unit) -> bool:
    if user is None:  # the system (demo loader, data import)
        return True
    if not can(user, Action.SCORE_ENTER):
        return False
    return is_office(user) or getattr(user, "unit_id", None) == unit.pk


# ---- the grid -----------------------------------------------------------------------


@dataclass
class Column:
    indicator: Indicator
    limit: Decimal
    deduction: bool
    consolidating: bool  # the unit is the lead unit, another unit is responsible

    @property
    def method_label(self) -> str:
        return _("扣分") if self.deduction else str(self.indicator.get_method_display())


@dataclass
class Cell:
    target: Unit
    column: Column
    entry: ScoreEntry | None
    others: list[ScoreEntry] = field(default_factory=list)
    pending: int = 0
    evidence: int = 0
    editable: bool = False
    error: str = ""
    reason_error: str = ""
    raw: str | None = None
    raw_reason: str | None = None
    saved: bool = False
    html: str = ""  # the rendered cell (``scoring_render.CellRenderer``)

    @property
    def indicator(self) -> Indicator:
        return self.column.indicator

    @property
    def shown_value(self) -> str:
        if self.raw is not None:
            return self.raw
        return _fmt(self.entry.value) if self.entry is not None else ""

    @property
    def shown_reason(self) -> str:
        if self.raw_reason is not None:
            return self.raw_reason
        return self.entry.reason if self.entry is not None else ""


@dataclass
class Row:
    target: Unit
    cells: list[Cell]
    total: Decimal


@dataclass
class GridSystem:
    system: IndicatorSystem
    columns: list[Column]
    rows: list[Row]

    @property
    def empty_cells(self) -> int:
        return sum(1 for row in self.rows for cell in row.cells if cell.entry is None)


@dataclass
class _Context:
    """What a grid or one cell needs, read in a fixed number of queries."""

    systems: list[IndicatorSystem]
    indicators: dict[int, list[Indicator]]  # system → all its indicators
    targets: dict[int, list[Unit]]  # system → its targets
    entries: list[ScoreEntry]
    pending: dict[tuple[int, int], int]
    evidence: dict[int, int]


def _leaf_ids(indicators: Iterable[Indicator]) -> set[int]:
    items = list(indicators)
    parents = {i.parent_id for i in items if i.parent_id is not None}
    return {i.pk for i in items if i.pk not in parents}


def _columns(period: Period, unit: Unit, indicators: list[Indicator]) -> list[Column]:
    leaves = _leaf_ids(indicators)
    columns = []
    for indicator in indicators:
        if indicator.pk not in leaves:
            continue
        if unit.pk not in (indicator.responsible_unit_id, indicator.lead_unit_id):
            continue
        if period.deductions_only and indicator.method == Method.BONUS:
            continue
        columns.append(
            Column(
                indicator=indicator,
                limit=score_limit(indicator, period),
                deduction=counts_as_deduction(indicator, period),
                consolidating=indicator.lead_unit_id == unit.pk
                and indicator.responsible_unit_id not in (None, unit.pk),
            )
        )
    return columns


def _context(
    period: Period, unit: Unit, *, target_id: int | None = None, indicator_id: int | None = None
) -> _Context:
    systems = list(
        IndicatorSystem.objects.filter(scheme_id=period.scheme_id)
        .exclude(status=SystemStatus.DRAFT)
        .filter(Q(indicators__responsible_unit=unit) | Q(indicators__lead_unit=unit))
        .distinct()
        .select_related("category")
        .order_by("category__order", "pk")
    )
    system_ids = [s.pk for s in systems]
    indicators: dict[int, list[Indicator]] = defaultdict(list)
    for indicator in Indicator.objects.filter(system_id__in=system_ids).order_by(
        "system_id", "order", "code"
    ):
        indicators[indicator.system_id].append(indicator)
    units = Unit.objects.filter(
        category_id__in=[s.category_id for s in systems], is_active=True
    ).order_by("order", "code", "pk")
    if target_id is not None:
        units = units.filter(pk=target_id)
    by_category: dict[int, list[Unit]] = defaultdict(list)
    for target in units:
        by_category[target.category_id].append(target)
    targets = {s.pk: by_category.get(s.category_id, []) for s in systems}
    entries_qs = ScoreEntry.objects.filter(
        period=period, indicator__system_id__in=system_ids
    ).select_related("updated_by", "scorer_unit")
    if target_id is not None:
        entries_qs = entries_qs.filter(target_id=target_id)
    entries = list(entries_qs)
    pending: dict[tuple[int, int], int] = defaultdict(int)
    proposed = FieldCheckDeduction.objects.filter(
        field_check__period=period, status=DeductionStatus.PROPOSED,
        indicator__system_id__in=system_ids,
    ).values_list("field_check__target_id", "indicator_id")  # fmt: skip
    if target_id is not None:
        proposed = proposed.filter(field_check__target_id=target_id)
    for key in proposed:
        pending[key] += 1
    own = [e.pk for e in entries if e.scorer_unit_id == unit.pk]
    evidence = {pk: len(found) for pk, found in attachments_of(OwnerType.SCORE, own).items()}
    return _Context(systems, indicators, targets, entries, pending, evidence)


def _cell(
    ctx: _Context, unit: Unit, column: Column, target: Unit, editable: bool,
    by_key: dict[tuple[int, int], list[ScoreEntry]],
) -> Cell:  # fmt: skip
    found = by_key.get((target.pk, column.indicator.pk), [])
    own = next((e for e in found if e.scorer_unit_id == unit.pk), None)
    return Cell(
        target=target,
        column=column,
        entry=own,
        others=[e for e in found if e.scorer_unit_id != unit.pk],
        pending=ctx.pending.get((target.pk, column.indicator.pk), 0),
        evidence=ctx.evidence.get(own.pk, 0) if own else 0,
        editable=editable,
    )


def grid_editable(user: object, period: Period, unit: Unit) -> bool:
    return period.status == PeriodStatus.OPEN and may_score_as(user, unit)


def score_grid(*, period: Period, unit: Unit, user: object) -> list[GridSystem]:
    """The grid of ``unit`` in ``period``: per indicator system, rows = its targets, columns
    = the leaf indicators the unit scores, with each target's period total (out of 100).
    A fixed number of queries whatever the number of targets."""
    ctx = _context(period, unit)
    editable = grid_editable(user, period, unit)
    by_key: dict[tuple[int, int], list[ScoreEntry]] = defaultdict(list)
    for entry in ctx.entries:
        by_key[(entry.target_id, entry.indicator_id)].append(entry)
    result = []
    for system in ctx.systems:
        indicators = ctx.indicators[system.pk]
        columns = _columns(period, unit, indicators)
        targets = ctx.targets[system.pk]
        totals = _totals(period, system, indicators, ctx.entries, [t.pk for t in targets])
        rows = [
            Row(
                target=target,
                cells=[_cell(ctx, unit, c, target, editable, by_key) for c in columns],
                total=totals.get(target.pk, Decimal(0)),
            )
            for target in targets
        ]
        result.append(GridSystem(system=system, columns=columns, rows=rows))
    return result


def _totals(
    period: Period, system: IndicatorSystem, indicators: list[Indicator],
    entries: Iterable[ScoreEntry], targets: Iterable[int] | None = None,
) -> dict[int, Decimal]:  # fmt: skip
    nodes = [Node(i.pk, i.parent_id, i.method, i.points, i.cap) for i in indicators]
    responsible = {i.pk: i.responsible_unit_id for i in indicators}
    ids = set(responsible)
    values = counted_values((e for e in entries if e.indicator_id in ids), responsible)
    by_target: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for (target, indicator), value in values.items():
        by_target[target][indicator] = value
    wanted = set(targets) if targets is not None else {t for t, _i in values}
    return {
        target: roll_up(
            nodes,
            by_target.get(target, {}),
            total_points=system.total_points,
            deductions_only=period.deductions_only,
        )
        for target in wanted
    }


def score_cell(
    *, period: Period, unit: Unit, user: object, target: Unit, indicator: Indicator
) -> tuple[Cell, Decimal]:
    """One cell of the grid and its target's total, as the grid shows them (after a save)."""
    ctx = _context(period, unit, target_id=target.pk)
    system = next((s for s in ctx.systems if s.pk == indicator.system_id), None)
    if system is None or target not in ctx.targets.get(system.pk, []):
        raise PermissionDenied
    column = next(
        (
            c
            for c in _columns(period, unit, ctx.indicators[system.pk])
            if c.indicator.pk == indicator.pk
        ),
        None,
    )
    if column is None:
        raise PermissionDenied
    by_key: dict[tuple[int, int], list[ScoreEntry]] = defaultdict(list)
    for entry in ctx.entries:
        by_key[(entry.target_id, entry.indicator_id)].append(entry)
    cell = _cell(ctx, unit, column, target, grid_editable(user, period, unit), by_key)
    total = _totals(period, system, ctx.indicators[system.pk], ctx.entries, [target.pk])
    return cell, total[target.pk]


def cell_history(*, period: Period, target: Unit, indicator: Indicator) -> list[AuditEntry]:
    """Who changed the entries of one cell (every scoring unit's), newest first."""
    ids = [
        str(pk)
        for pk in ScoreEntry.objects.filter(
            period=period, target=target, indicator=indicator
        ).values_list("pk", flat=True)
    ]
    keys = Q(object_type="collection.scoreentry", object_id__in=ids) | Q(
        object_type="collection.scoreentry",
        after__period=period.pk, after__target=target.pk, after__indicator=indicator.pk,
    ) | Q(
        object_type="collection.scoreentry",
        before__period=period.pk, before__target=target.pk, before__indicator=indicator.pk,
    )  # fmt: skip
    rows = list(AuditEntry.objects.filter(keys).order_by("-at", "-pk")[:100])
    for row in rows:
        row.action_label = action_label(row.action)  # type: ignore[attr-defined]
    return rows


# ---- writes -------------------------------------------------------------------------


def _check_scope(*, period: Period, unit: Unit, target: Unit, indicator: Indicator) -> None:
    system = indicator.system
    if system.scheme_id != period.scheme_id or system.status == SystemStatus.DRAFT:
        raise ValidationError(_("该指标不属于本周期的考核方案"), code="scope")
    if unit.pk not in (indicator.responsible_unit_id, indicator.lead_unit_id):
        raise ValidationError(_("本单位不负责该指标"), code="scope")
    if Indicator.objects.filter(parent=indicator).exists():
        raise ValidationError(_("上级指标由下级指标汇总，不能直接评分"), code="scope")
    if target.category_id != system.category_id or not target.is_active:
        raise ValidationError(_("该单位不是本指标体系的考核对象"), code="scope")


def _snapshot(entry: ScoreEntry) -> dict[str, Any]:
    return {
        "period": entry.period_id, "target": entry.target_id, "indicator": entry.indicator_id,
        "scorer_unit": entry.scorer_unit_id, "value": _fmt(entry.value), "reason": entry.reason,
        "consolidated": entry.consolidated,
    }  # fmt: skip


def _check_period(*, actor: Any, period: Period, correction: str) -> str:
    """The audit action of a change in ``period``; refuses what its status forbids."""
    if period.kind not in SCORED_KINDS:
        raise ValidationError(_("该周期只报送材料，不评分"), code="period_not_scored")
    if period.status == PeriodStatus.PLANNED:
        raise ValidationError(_("该周期尚未开始，不能评分"), code="period_planned")
    if period.status == PeriodStatus.CLOSED:
        if actor is not None and not is_office(actor):
            raise ValidationError(
                _("该周期已关闭，评分已确定；如需更正请联系考核办"), code="period_closed"
            )
        if not correction.strip():
            raise refuse("correction", _("周期已关闭，更正评分须写明理由"), "correction_reason")
        return "score.correct"
    return "score.set"


@transaction.atomic
def score_set(
    *,
    actor: Any,
    period: Period,
    unit: Unit,
    target: Unit,
    indicator: Indicator,
    value: Decimal | None,
    reason: str = "",
    correction: str = "",
    uploads: Sequence[IO[bytes]] = (),
) -> ScoreEntry | None:
    """Enter, change or (``value`` None) clear ``unit``'s entry of one cell, with evidence
    files. One audit row: ``score.set`` while the period is open, ``score.correct`` (with
    the written reason) once it is closed, or ``score.clear``."""
    if not may_score_as(actor, unit):
        raise PermissionDenied
    period = Period.objects.select_for_update().get(pk=period.pk)
    action = _check_period(actor=actor, period=period, correction=correction)
    _check_scope(period=period, unit=unit, target=target, indicator=indicator)
    reason = reason.strip()
    if len(reason) > MAX_REASON:
        raise refuse("reason", _("理由不能超过 %(n)s 字") % {"n": MAX_REASON}, "too_long")
    entry = (
        ScoreEntry.objects.select_for_update()
        .filter(period=period, target=target, indicator=indicator, scorer_unit=unit)
        .first()
    )
    before = _snapshot(entry) if entry is not None else None
    extra = {"correction": correction.strip()} if action == "score.correct" else {}
    if value is None:
        if entry is None:
            return None
        if Attachment.objects.filter(owner_type=OwnerType.SCORE, owner_id=entry.pk).exists():
            raise refuse("value", _("该评分附有佐证材料，不能清空，可改为 0"), "has_evidence")
        audit_record(
            actor=actor, action="score.clear" if not extra else action, obj=entry,
            before=before, after={**extra, "value": None} if extra else None,
        )  # fmt: skip
        entry.delete()
        return None
    existing = (
        Attachment.objects.filter(owner_type=OwnerType.SCORE, owner_id=entry.pk).count()
        if entry is not None
        else 0
    )
    check_value(
        indicator=indicator, period=period, value=value, reason=reason,
        evidence=existing + len(uploads),
    )  # fmt: skip
    consolidated = indicator.lead_unit_id == unit.pk and indicator.responsible_unit_id not in (
        None,
        unit.pk,
    )
    user = actor if getattr(actor, "is_authenticated", False) else None
    if entry is None:
        entry = ScoreEntry(period=period, target=target, indicator=indicator, scorer_unit=unit)
    elif (entry.value, entry.reason, entry.consolidated) == (
        value,
        reason,
        consolidated,
    ) and not uploads:
        return entry  # nothing changed: no audit row
    entry.value, entry.reason, entry.consolidated = value, reason, consolidated
    entry.updated_by, entry.updated_at = user, timezone.now()
    entry.save()
    names = []
    for upload in uploads:
        saved = attachment_save(
            actor=actor, unit=target, owner_type=OwnerType.SCORE, owner_id=entry.pk,
            upload=upload,
        )  # fmt: skip
        names.append(saved.original_name)
    after = {**_snapshot(entry), **extra}
    if names:
        after["evidence"] = names
    audit_record(actor=actor, action=action, obj=entry, before=before, after=after)
    return entry


@transaction.atomic
def score_evidence_delete(*, actor: Any, attachment: Attachment) -> ScoreEntry:
    """The scorer removes an evidence file it attached to its unit's entry while the period
    is open (audited as ``attachment.delete``); refused once the period is closed (the score
    is final), for a file someone else attached, and for the last file of a deduction whose
    indicator requires evidence."""
    attachment = Attachment.objects.select_for_update().get(pk=attachment.pk)
    if attachment.owner_type != OwnerType.SCORE:
        raise PermissionDenied
    entry = ScoreEntry.objects.select_related("indicator", "scorer_unit").get(
        pk=attachment.owner_id
    )
    if not may_score_as(actor, entry.scorer_unit):
        raise PermissionDenied
    period = Period.objects.select_for_update().get(pk=entry.period_id)
    if period.status != PeriodStatus.OPEN:
        raise ValidationError(_("周期已关闭，评分和佐证材料已确定，不能删除"), code="period_closed")
    if attachment.uploaded_by_id != getattr(actor, "pk", None):
        raise ValidationError(_("只能删除本人上传的佐证材料"), code="not_uploader")
    left = Attachment.objects.filter(owner_type=OwnerType.SCORE, owner_id=entry.pk).count() - 1
    if (
        left == 0
        and entry.indicator.evidence_required
        and counts_as_deduction(entry.indicator, period)
        and entry.value > 0
    ):
        raise ValidationError(
            _("该指标扣分须附佐证材料：请先上传新的材料，或先修改扣分，再删除这一份"),
            code="evidence_required",
        )
    attachment_delete(actor=actor, attachment=attachment)
    return entry


@transaction.atomic
def score_fill_zero(*, actor: Any, period: Period, unit: Unit) -> int:
    """Record 0 in every empty cell of ``unit``'s grid (no deduction, nothing given): the
    scorer has looked at them. One audit row for the lot; returns how many."""
    if not may_score_as(actor, unit):
        raise PermissionDenied
    period = Period.objects.select_for_update().get(pk=period.pk)
    if period.status != PeriodStatus.OPEN:
        raise ValidationError(_("只有进行中的周期可以批量记 0 分"), code="period_closed")
    now = timezone.now()
    user = actor if getattr(actor, "is_authenticated", False) else None
    made = []
    for grid in score_grid(period=period, unit=unit, user=actor):
        for row in grid.rows:
            for cell in row.cells:
                if cell.entry is None:
                    made.append(
                        ScoreEntry(
                            period=period,
                            target=row.target,
                            indicator=cell.indicator,
                            scorer_unit=unit,
                            value=Decimal(0),
                            updated_by=user,
                            updated_at=now,
                            consolidated=cell.column.consolidating,
                        )
                    )
    ScoreEntry.objects.bulk_create(made)
    audit_record(
        actor=actor, action="score.fill_zero", obj=period,
        after={"unit": unit.pk, "cells": len(made)},
    )  # fmt: skip
    return len(made)


# ---- to-dos -------------------------------------------------------------------------


def empty_cell_count(*, period: Period, unit: Unit) -> int:
    """How many cells of ``unit``'s grid of ``period`` hold no entry of the unit, counted
    in three queries (the home page's to-do list asks for it on every visit)."""
    rows = list(
        Indicator.objects.filter(system__scheme_id=period.scheme_id)
        .exclude(system__status=SystemStatus.DRAFT)
        .values_list(
            "pk", "parent_id", "system__category_id", "method", "responsible_unit_id",
            "lead_unit_id",
        )
    )  # fmt: skip
    parents = {row[1] for row in rows if row[1] is not None}
    columns = [
        (pk, category)
        for pk, _parent, category, method, responsible, lead in rows
        if pk not in parents
        and unit.pk in (responsible, lead)
        and not (period.deductions_only and method == Method.BONUS)
    ]
    if not columns:
        return 0
    targets = dict(
        Unit.objects.filter(category_id__in={c for _pk, c in columns}, is_active=True)
        .values("category_id")
        .annotate(n=Count("pk"))
        .values_list("category_id", "n")
    )
    cells = sum(targets.get(category, 0) for _pk, category in columns)
    filled = ScoreEntry.objects.filter(
        period=period, scorer_unit=unit, indicator_id__in=[pk for pk, _c in columns],
        target__is_active=True, target__category_id=F("indicator__system__category_id"),
    ).count()  # fmt: skip
    return cells - filled


def scoring_todos(user: Any, today: dt.date) -> Iterable[Todo]:
    """A scorer's open periods with cells still empty: due until the period's review date
    (else its end), late after it."""
    if role_of(user) != Role.SCORER or not can(user, Action.SCORE_ENTER):
        return []
    unit = getattr(user, "unit", None)
    if unit is None:
        return []
    items = []
    for period in scoring_periods_for_user(user).filter(status=PeriodStatus.OPEN):
        empty = empty_cell_count(period=period, unit=unit)
        if not empty:
            continue
        due = period.review_due or period.ends_on
        items.append(
            Todo(
                key=f"scoring:{period.pk}:{unit.pk}",
                title=_("评分：%(period)s") % {"period": period.name},
                url=reverse("collection:scoring_grid", args=[period.pk, unit.pk]),
                state=TodoState.LATE if today > due else TodoState.DUE,
                due=due,
                detail=_("尚有 %(n)s 格未评分") % {"n": empty},
            )
        )
    return items
