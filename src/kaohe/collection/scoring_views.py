"""Pages of scoring (the grid, a cell's detail) and of field checks."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kaohe.collection.evidence import attachments_for_user, attachments_of
from kaohe.collection.models import (
    FieldCheckDeduction,
    OwnerType,
    Period,
    PeriodStatus,
    ScoreEntry,
)
from kaohe.collection.scoring import (
    Cell,
    cell_history,
    grid_editable,
    is_office,
    may_score_as,
    parse_value,
    score_cell,
    score_evidence_delete,
    score_fill_zero,
    score_grid,
    score_set,
    scoring_periods_for_user,
    scoring_units_by_scheme,
    scoring_units_for_user,
)
from kaohe.collection.scoring_field_checks import (
    check_targets,
    confirming_unit,
    deduction_indicators,
    field_check_attachments,
    field_check_create,
    field_check_deduction_add,
    field_check_deduction_confirm,
    field_check_evidence_copy,
    field_check_periods_for_user,
    field_checks_for_user,
)
from kaohe.collection.scoring_forms import CellDetailForm, CellForm, DeductionForm, FieldCheckForm
from kaohe.collection.scoring_render import CellRenderer
from kaohe.core.forms import apply_service_error
from kaohe.core.roles import Action, actor, can, require
from kaohe.orgs.models import Unit
from kaohe.schemes.models import Indicator


def _period_and_unit(request: HttpRequest, period_pk: int, unit_pk: int) -> tuple[Period, Unit]:
    require(request.user, Action.SCORE_ENTER)
    period = get_object_or_404(scoring_periods_for_user(request.user), pk=period_pk)
    unit = get_object_or_404(scoring_units_for_user(request.user, period), pk=unit_pk)
    return period, unit


@login_required
def scoring_index(request: HttpRequest) -> HttpResponse:
    """The periods a user scores in: open first; a scorer goes to its own grid, the office
    picks a responsible unit."""
    require(request.user, Action.SCORE_ENTER)
    periods = sorted(
        scoring_periods_for_user(request.user).order_by("-starts_on"),
        key=lambda p: p.status != PeriodStatus.OPEN,
    )
    office = is_office(request.user)
    units = scoring_units_by_scheme({p.scheme_id for p in periods}) if office else {}
    rows = [(period, units.get(period.scheme_id, [])) for period in periods]
    return render(
        request,
        "collection/scoring/index.html",
        {"rows": rows, "office": office, "own_unit": getattr(request.user, "unit", None)},
    )


@login_required
def scoring_grid(request: HttpRequest, period_pk: int, unit_pk: int) -> HttpResponse:
    period, unit = _period_and_unit(request, period_pk, unit_pk)
    grids = score_grid(period=period, unit=unit, user=request.user)
    renderer = CellRenderer(period, unit)
    for grid in grids:
        for row in grid.rows:
            for cell in row.cells:
                cell.html = renderer(cell)
    return render(
        request,
        "collection/scoring/grid.html",
        {
            "period": period,
            "unit": unit,
            "grids": grids,
            "editable": grid_editable(request.user, period, unit),
            "office": is_office(request.user),
            "empty": sum(g.empty_cells for g in grids),
        },
    )


def _cell_objects(
    request: HttpRequest, period_pk: int, unit_pk: int, target_pk: int, indicator_pk: int
) -> tuple[Period, Unit, Unit, Indicator]:
    period, unit = _period_and_unit(request, period_pk, unit_pk)
    target = get_object_or_404(Unit, pk=target_pk)
    indicator = get_object_or_404(
        Indicator.objects.select_related("system", "responsible_unit", "lead_unit"),
        pk=indicator_pk,
        system__scheme_id=period.scheme_id,
    )
    if unit.pk not in (indicator.responsible_unit_id, indicator.lead_unit_id):
        raise Http404
    return period, unit, target, indicator


def _cell_or_404(
    request: HttpRequest, period: Period, unit: Unit, target: Unit, indicator: Indicator
) -> tuple[Cell, Decimal]:
    try:
        return score_cell(
            period=period, unit=unit, user=request.user, target=target, indicator=indicator
        )
    except PermissionDenied as error:  # not a cell of this unit's grid
        raise Http404 from error


@login_required
@require_POST
def scoring_cell(
    request: HttpRequest, period_pk: int, unit_pk: int, target_pk: int, indicator_pk: int
) -> HttpResponse:
    """Save one cell (htmx): the cell again, with its saved state or the error beside it,
    and the target's new total (out of band)."""
    period, unit, target, indicator = _cell_objects(
        request, period_pk, unit_pk, target_pk, indicator_pk
    )
    cell, total = _cell_or_404(request, period, unit, target, indicator)
    form = CellForm(request.POST)
    error, reason_error = "", ""
    if not form.is_valid():
        error = " ".join(str(m) for errors in form.errors.values() for m in errors)
    else:
        try:
            value = parse_value(form.cleaned_data["value"])
            score_set(
                actor=actor(request), period=period, unit=unit, target=target,
                indicator=indicator, value=value, reason=form.cleaned_data["reason"],
            )  # fmt: skip
        except ValidationError as refused:
            if hasattr(refused, "error_dict"):
                found = refused.message_dict
                reason_error = " ".join(found.pop("reason", []))
                error = " ".join(m for messages_ in found.values() for m in messages_)
            else:
                error = " ".join(refused.messages)
    if error or reason_error:
        cell.error, cell.reason_error = error, reason_error
        cell.raw = request.POST.get("value", "")[:20]
        cell.raw_reason = request.POST.get("reason", "")[:200]
    else:
        cell, total = score_cell(
            period=period, unit=unit, user=request.user, target=target, indicator=indicator
        )
        cell.saved = True
    cell.html = CellRenderer(period, unit)(cell)
    return render(
        request,
        "collection/scoring/_cell_response.html",
        {"cell": cell, "total": total, "period": period, "unit": unit,
         "system_id": indicator.system_id},
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def scoring_detail(
    request: HttpRequest, period_pk: int, unit_pk: int, target_pk: int, indicator_pk: int
) -> HttpResponse:
    """One cell: every unit's entry, evidence, field-check deductions to confirm, the
    history, and a form for value, reason, evidence (and, once closed, the office's
    correction with its reason)."""
    period, unit, target, indicator = _cell_objects(
        request, period_pk, unit_pk, target_pk, indicator_pk
    )
    cell, total = _cell_or_404(request, period, unit, target, indicator)
    closed = period.status == PeriodStatus.CLOSED
    may_edit = grid_editable(request.user, period, unit) or (closed and is_office(request.user))
    entry = cell.entry
    initial = {"value": cell.shown_value, "reason": cell.shown_reason}
    form = CellDetailForm(
        request.POST or None, request.FILES or None, closed=closed, initial=initial
    )
    if request.method == "POST":
        if not may_edit:
            raise Http404
        if form.is_valid():
            try:
                value = parse_value(form.cleaned_data["value"])
                upload = form.cleaned_data.get("evidence")
                score_set(
                    actor=actor(request), period=period, unit=unit, target=target,
                    indicator=indicator, value=value, reason=form.cleaned_data["reason"],
                    correction=form.cleaned_data.get("correction", ""),
                    uploads=[upload] if upload else [],
                )  # fmt: skip
            except ValidationError as refused:
                apply_service_error(form, refused)
            else:
                messages.success(request, _("已保存"))
                return redirect(request.path)
    entries = list(
        ScoreEntry.objects.filter(period=period, target=target, indicator=indicator)
        .select_related("scorer_unit", "updated_by")
        .order_by("-consolidated", "scorer_unit__code")
    )
    evidence = attachments_of(OwnerType.SCORE, [e.pk for e in entries])
    pending = list(
        FieldCheckDeduction.objects.filter(
            field_check__period=period, field_check__target=target, indicator=indicator
        ).select_related("field_check", "confirmed_by", "entry")
    )
    return render(
        request,
        "collection/scoring/detail.html",
        {
            "period": period, "unit": unit, "target": target, "indicator": indicator,
            "cell": cell, "total": total, "entry": entry, "form": form, "may_edit": may_edit,
            "closed": closed, "entries": [(e, evidence.get(e.pk, [])) for e in entries],
            "history": cell_history(period=period, target=target, indicator=indicator),
            "deductions": pending,
            "may_confirm": period.status == PeriodStatus.OPEN
            and confirming_unit(request.user, indicator) is not None,
            # the scorer's own files of its own entry, while the period is open
            "may_delete_evidence": period.status == PeriodStatus.OPEN
            and may_score_as(request.user, unit),
            "user_pk": getattr(request.user, "pk", None),
        },
    )  # fmt: skip


@login_required
@require_POST
def scoring_fill_zero(request: HttpRequest, period_pk: int, unit_pk: int) -> HttpResponse:
    period, unit = _period_and_unit(request, period_pk, unit_pk)
    try:
        count = score_fill_zero(actor=actor(request), period=period, unit=unit)
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
    else:
        messages.success(request, _("已将 %(n)s 个空格记为 0 分") % {"n": count})
    return redirect("collection:scoring_grid", period.pk, unit.pk)


# ---- field checks -------------------------------------------------------------------


@login_required
def field_check_index(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.SCORE_VIEW)
    periods = sorted(
        field_check_periods_for_user(request.user).order_by("-starts_on"),
        key=lambda p: p.status != PeriodStatus.OPEN,
    )
    return render(request, "collection/scoring/field_check_index.html", {"periods": periods})


@login_required
def field_check_list(request: HttpRequest, period_pk: int) -> HttpResponse:
    require(request.user, Action.SCORE_VIEW)
    period = get_object_or_404(field_check_periods_for_user(request.user), pk=period_pk)
    checks = field_checks_for_user(request.user).filter(period=period)
    target_id = request.GET.get("target", "")
    target = None
    if target_id.isdigit():
        target = get_object_or_404(Unit, pk=int(target_id))
        checks = checks.filter(target=target)
    found = list(checks.prefetch_related("deductions", "deductions__indicator"))
    files = attachments_of(OwnerType.FIELD_CHECK, [c.pk for c in found])
    return render(
        request,
        "collection/scoring/field_check_list.html",
        {
            "period": period, "target": target,
            "checks": [(c, files.get(c.pk, [])) for c in found],
            "may_record": can(request.user, Action.FIELD_CHECK_EDIT),
        },
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def field_check_new(request: HttpRequest, period_pk: int) -> HttpResponse:
    require(request.user, Action.FIELD_CHECK_EDIT)
    period = get_object_or_404(field_check_periods_for_user(request.user), pk=period_pk)
    form = FieldCheckForm(
        request.POST or None, request.FILES or None, targets=check_targets(period)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            check = field_check_create(
                actor=actor(request), period=period, target=data["target"],
                method=data["method"], checked_on=data["checked_on"],
                findings=data["findings"], uploads=[data["evidence"]] if data.get("evidence") else [],
            )  # fmt: skip
        except ValidationError as refused:
            apply_service_error(form, refused)
        else:
            messages.success(request, _("已记录实地考核"))
            return redirect("collection:field_check_detail", check.pk)
    return render(
        request, "collection/scoring/field_check_form.html", {"period": period, "form": form}
    )


@login_required
@require_http_methods(["GET", "POST"])
def field_check_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.SCORE_VIEW)
    check = get_object_or_404(field_checks_for_user(request.user), pk=pk)
    may_record = can(request.user, Action.FIELD_CHECK_EDIT)
    indicators = Indicator.objects.filter(
        pk__in=[i.pk for i in deduction_indicators(check.period, check.target)]
    ).order_by("order", "code")
    form = DeductionForm(request.POST or None, indicators=indicators)
    if request.method == "POST":
        require(request.user, Action.FIELD_CHECK_EDIT)
        if form.is_valid():
            try:
                field_check_deduction_add(
                    actor=actor(request), field_check=check, indicator=form.cleaned_data["indicator"],
                    points=form.cleaned_data["points"], reason=form.cleaned_data["reason"],
                )  # fmt: skip
            except ValidationError as refused:
                apply_service_error(form, refused)
            else:
                messages.success(request, _("已提出扣分，待责任单位确认"))
                return redirect(request.path)
    deductions = list(
        check.deductions.select_related("indicator", "indicator__responsible_unit", "confirmed_by")
    )
    return render(
        request,
        "collection/scoring/field_check_detail.html",
        {
            "check": check, "form": form, "may_record": may_record,
            "deductions": [
                (d, confirming_unit(request.user, d.indicator) is not None) for d in deductions
            ],
            "files": list(field_check_attachments(check)),
            "open": check.period.status == PeriodStatus.OPEN,
        },
    )  # fmt: skip


@login_required
@require_POST
def scoring_evidence_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """The scorer deletes an evidence file it attached (open period only); back to the cell."""
    require(request.user, Action.SCORE_ENTER)
    attachment = get_object_or_404(
        attachments_for_user(request.user).filter(owner_type=OwnerType.SCORE), pk=pk
    )
    entry = get_object_or_404(ScoreEntry, pk=attachment.owner_id)
    if not may_score_as(request.user, entry.scorer_unit):
        raise Http404
    try:
        score_evidence_delete(actor=actor(request), attachment=attachment)
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
    else:
        messages.success(
            request, _("已删除佐证材料「%(name)s」") % {"name": attachment.original_name}
        )
    return redirect(
        "collection:scoring_detail",
        entry.period_id,
        entry.scorer_unit_id,
        entry.target_id,
        entry.indicator_id,
    )


def _deduction_for(request: HttpRequest, pk: int) -> FieldCheckDeduction:
    return get_object_or_404(
        FieldCheckDeduction.objects.select_related("field_check", "indicator").filter(
            field_check__in=field_checks_for_user(request.user)
        ),
        pk=pk,
    )


@login_required
@require_POST
def field_check_copy_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    """Reference the field check's evidence from the entry its confirmed deduction changed."""
    require(request.user, Action.SCORE_ENTER)
    deduction = _deduction_for(request, pk)
    entry = deduction.entry
    if entry is None or not may_score_as(request.user, entry.scorer_unit):
        raise Http404
    try:
        shared = field_check_evidence_copy(actor=actor(request), deduction=deduction)
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
    else:
        messages.success(request, _("已引用实地考核的佐证材料 %(n)d 份") % {"n": len(shared)})
    return redirect(
        "collection:scoring_detail",
        entry.period_id,
        entry.scorer_unit_id,
        entry.target_id,
        entry.indicator_id,
    )


@login_required
@require_POST
def field_check_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.SCORE_ENTER)
    deduction = get_object_or_404(
        FieldCheckDeduction.objects.select_related("field_check", "indicator").filter(
            field_check__in=field_checks_for_user(request.user)
        ),
        pk=pk,
    )
    if confirming_unit(request.user, deduction.indicator) is None:
        raise Http404
    try:
        with transaction.atomic():
            entry = field_check_deduction_confirm(actor=actor(request), deduction=deduction)
            shared = (
                field_check_evidence_copy(actor=actor(request), deduction=deduction)
                if request.POST.get("with_evidence")
                else []
            )
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
        return redirect("collection:field_check_detail", deduction.field_check_id)
    if shared:
        messages.success(
            request, _("扣分已计入评分，并引用了佐证材料 %(n)d 份") % {"n": len(shared)}
        )
    else:
        messages.success(request, _("扣分已计入评分"))
    return redirect(
        "collection:scoring_detail",
        entry.period_id,
        entry.scorer_unit_id,
        entry.target_id,
        entry.indicator_id,
    )
