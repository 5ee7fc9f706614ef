"""Proposals and decisions: the outcome of a year's suite (its groups, their proposals and
the decision), a group's proposal checked by the engine as it is typed, the return of a
proposal, the decision and its withdrawal."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kaohe.core.forms import Form
from kaohe.core.roles import Action, actor, can, require
from kaohe.results import proposals
from kaohe.results.models import FinalGrade, Outcome, OutcomeStatus, Proposal, ProposalStatus
from kaohe.results.proposals import Entry, Problem
from kaohe.results.selectors import runs_for_user
from kaohe.schemes.models import Scheme

GUIDE = "results"


class DecideForm(Form):
    decision_ref = forms.CharField(
        label=gettext_lazy("审定依据"), max_length=200,
        help_text=gettext_lazy("县委常委会会议名称、日期或文号"),
    )  # fmt: skip


class ReasonForm(Form):
    reason = forms.CharField(
        label=gettext_lazy("理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


def _require_any(user: Any, *wanted: Action) -> None:
    if not any(can(user, action) for action in wanted):
        raise PermissionDenied(wanted[0].value)


def _outcome(request: HttpRequest, pk: int) -> Outcome:
    return get_object_or_404(proposals.outcomes_for_user(request.user), pk=pk)


def _errors(error: ValidationError) -> list[str]:
    return list(error.messages)


# ---- the outcomes ---------------------------------------------------------------------------


@login_required
def outcome_list(request: HttpRequest) -> HttpResponse:
    """The outcomes (for those who read results) and the groups the user may propose."""
    _require_any(request.user, Action.RESULTS_VIEW, Action.RESULTS_PROPOSE)
    reads = can(request.user, Action.RESULTS_VIEW)
    listed = (
        list(proposals.outcomes_for_user(request.user).order_by("-year__year", "suite"))
        if reads
        else []
    )
    mine = (
        proposals.proposable_groups(request.user)
        if can(request.user, Action.RESULTS_PROPOSE)
        else []
    )
    return render(
        request, "results/outcome_list.html", {"outcomes": listed, "mine": mine, "guide": GUIDE}
    )


@login_required
@require_POST
def outcome_open(request: HttpRequest, pk: int) -> HttpResponse:
    """以此计算为依据: the run's suite's outcome rests on this finished run."""
    require(request.user, Action.RESULTS_DECIDE)
    run = get_object_or_404(runs_for_user(request.user), pk=pk)
    try:
        outcome = proposals.outcome_base(actor=actor(request), run=run)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(run)
    messages.success(request, _("已以计算 #%(pk)s 为考核结果的依据") % {"pk": run.pk})
    return redirect("results:outcome_detail", pk=outcome.pk)


@login_required
def outcome_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.RESULTS_VIEW)
    outcome = _outcome(request, pk)
    groups = proposals.outcome_groups(outcome)
    grades_by_scheme: dict[int, tuple[str, ...]] = {}
    parts: list[dict[str, Any]] = []
    for ref in groups:
        if ref.scheme.pk not in grades_by_scheme:
            grades_by_scheme[ref.scheme.pk] = proposals.scheme_grades(outcome.run, ref.scheme)
            parts.append(
                {"scheme": ref.scheme, "grades": grades_by_scheme[ref.scheme.pk], "groups": []}
            )
        ref.counts_list = [ref.counts.get(g, 0) for g in grades_by_scheme[ref.scheme.pk]]  # type: ignore[attr-defined]
        ref.ungraded = ref.counts.get("", 0)  # type: ignore[attr-defined]
        parts[-1]["groups"].append(ref)
    decides = can(request.user, Action.RESULTS_DECIDE)
    context = {
        "outcome": outcome,
        "parts": parts,
        "decides": decides,
        "decide_form": DecideForm(initial={"decision_ref": outcome.decision_ref}),
        "reason_form": ReasonForm(),
        "guide": GUIDE,
    }
    return render(request, "results/outcome_detail.html", context)


@login_required
@require_POST
def outcome_decide(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.RESULTS_DECIDE)
    outcome = _outcome(request, pk)
    form = DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写审定依据（会议、日期或文号）"))
        return redirect("results:outcome_detail", pk=outcome.pk)
    try:
        proposals.outcome_decide(
            actor=actor(request), outcome=outcome, decision_ref=form.cleaned_data["decision_ref"]
        )
    except ValidationError as error:
        for text in _errors(error):
            messages.error(request, text)
    else:
        messages.success(request, _("已记录审定结果，考核等次已锁定"))
    return redirect("results:outcome_detail", pk=outcome.pk)


@login_required
@require_POST
def outcome_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.RESULTS_DECIDE)
    outcome = _outcome(request, pk)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        proposals.outcome_reopen(actor=actor(request), outcome=outcome, reason=reason)
    except ValidationError as error:
        for text in _errors(error):
            messages.error(request, text)
    else:
        messages.success(request, _("已撤回审定，等次建议可以退回修改"))
    return redirect("results:outcome_detail", pk=outcome.pk)


# ---- a group's proposal ----------------------------------------------------------------------


def _group(
    request: HttpRequest, pk: int, scheme_pk: int, group: str
) -> tuple[Outcome, Scheme, bool]:
    """The outcome, the scheme and whether the user may edit the group's proposal; 403 for
    a role that neither reads results nor proposes, 404 for a group the user may not see
    (another unit's cadres) or that does not exist."""
    _require_any(request.user, Action.RESULTS_VIEW, Action.RESULTS_PROPOSE)
    outcome = _outcome(request, pk)
    scheme = get_object_or_404(Scheme, pk=scheme_pk)
    edits = proposals.may_propose(request.user, scheme, group)
    if not edits and not can(request.user, Action.RESULTS_VIEW):
        raise Http404
    return outcome, scheme, edits


def _entries(
    request: HttpRequest, finals: list[FinalGrade]
) -> tuple[dict[int, Entry], dict[int, str]]:
    entries: dict[int, Entry] = {}
    bad: dict[int, str] = {}
    for final in finals:
        raw_order = request.POST.get(f"order-{final.pk}", "").strip()
        order = None
        if raw_order:
            if raw_order.isdigit() and 0 < int(raw_order) < 10_000:
                order = int(raw_order)
            else:
                bad[final.pk] = _("推荐顺序应为正整数，实际为“%(value)s”") % {
                    "value": raw_order[:20]
                }
        entries[final.pk] = Entry(
            grade=request.POST.get(f"grade-{final.pk}", "").strip()[:20],
            reason=request.POST.get(f"reason-{final.pk}", "")[:2000],
            order=order,
        )
    return entries, bad


def _stored_entries(finals: list[FinalGrade], proposal: Proposal | None) -> dict[int, Entry]:
    if proposal is None:  # nothing entered yet: the computed grades to start from
        return {f.pk: Entry(grade=f.grade if f.status == "graded" else "") for f in finals}
    items = {item.final_id: item for item in proposal.items.all()}
    return {
        f.pk: Entry(items[f.pk].grade, items[f.pk].reason, items[f.pk].order)
        if f.pk in items
        else Entry()
        for f in finals
    }


def _problems(outcome: Outcome, scheme: Scheme, finals: list[FinalGrade], entries: dict[int, Entry],
              grades: tuple[str, ...]) -> dict[int, list[Problem]]:  # fmt: skip
    """The engine's findings for the group as typed (the other groups as stored)."""
    proposed = proposals.outcome_proposed(outcome)
    for final in finals:
        proposed.pop((final.scheme_id, final.target), None)
        grade = entries[final.pk].grade
        if grade in grades and final.status == "graded":
            proposed[(final.scheme_id, final.target)] = grade
    found = proposals.proposals_check(outcome.run, proposed)
    return {f.pk: found.get((scheme.pk, f.target), []) for f in finals}


def _rows(finals: list[FinalGrade], entries: dict[int, Entry], problems: dict[int, list[Problem]],
          bad: dict[int, str]) -> list[dict[str, Any]]:  # fmt: skip
    rows = []
    for final in finals:
        entry = entries[final.pk]
        found = problems.get(final.pk, [])
        rows.append({
            "final": final, "row": final.row, "entry": entry, "problems": found, "bad": bad.get(final.pk, ""),
            "errors": any(p.is_error for p in found),
            "needs_reason": any(not p.is_error for p in found) and not entry.reason.strip(),
        })  # fmt: skip
    return rows


def _summary(rows: list[dict[str, Any]]) -> dict[str, int]:
    return {
        "errors": sum(1 for r in rows if r["errors"] or r["bad"]),
        "warnings": sum(1 for r in rows if any(not p.is_error for p in r["problems"])),
        "unexplained": sum(1 for r in rows if r["needs_reason"]),
    }


@login_required
def proposal_edit(request: HttpRequest, pk: int, scheme_pk: int, group: str) -> HttpResponse:
    outcome, scheme, edits = _group(request, pk, scheme_pk, group)
    finals = list(proposals.group_finals(outcome, scheme, group))
    if not finals:
        raise Http404
    proposal = (
        Proposal.objects.filter(outcome=outcome, scheme=scheme, group=group)
        .select_related("updated_by", "submitted_by")
        .first()
    )
    grades = proposals.scheme_grades(outcome.run, scheme)
    editable = edits and not outcome.is_locked and (proposal is None or proposal.is_editable)
    bad: dict[int, str] = {}
    form_errors: list[str] = []
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        entries, bad = _entries(request, finals)
        note = request.POST.get("note", "")[:2000]
        if not bad:
            try:
                proposal = proposals.proposal_save(actor=actor(request), outcome=outcome, scheme=scheme,
                                                   group=group, entries=entries, note=note)  # fmt: skip
                if request.POST.get("action") == "submit":
                    proposals.proposal_submit(actor=actor(request), proposal=proposal)
                    messages.success(request, _("等次建议已提交"))
                else:
                    messages.success(request, _("等次建议已保存"))
                return redirect(request.path)
            except ValidationError as error:
                form_errors = _errors(error)
                if proposal is None:
                    proposal = Proposal.objects.filter(
                        outcome=outcome, scheme=scheme, group=group
                    ).first()
    else:
        entries = _stored_entries(finals, proposal)
        note = proposal.note if proposal else ""
    checked = not outcome.is_locked and (
        editable or (proposal is not None and proposal.status == ProposalStatus.SUBMITTED)
    )
    problems = _problems(outcome, scheme, finals, entries, grades) if checked else {}
    rows = _rows(finals, entries, problems, bad)
    units = proposals.unit_names([group])
    context = {
        "outcome": outcome, "scheme": scheme, "group": group, "label": proposals.group_label(group, units),
        "proposal": proposal, "rows": rows, "grades": grades, "best": grades[0] if grades else "",
        "editable": editable, "checked": checked, "note": note, "form_errors": form_errors, "summary": _summary(rows),
        "returns": can(request.user, Action.RESULTS_DECIDE) and proposal is not None
        and proposal.status == ProposalStatus.SUBMITTED and outcome.status == OutcomeStatus.GRADED,
        "reason_form": ReasonForm(), "guide": GUIDE,
        "reads_all": can(request.user, Action.RESULTS_VIEW),
        "excellent": proposals.excellent_list(outcome, scheme, group) if proposal else [],
    }  # fmt: skip
    return render(request, "results/proposal_edit.html", context)


@login_required
@require_POST
def proposal_check(request: HttpRequest, pk: int, scheme_pk: int, group: str) -> HttpResponse:
    """The engine's findings for the group as typed (htmx, on every change): each row's
    cell and the summary, swapped in place (out of band), nothing saved."""
    outcome, scheme, edits = _group(request, pk, scheme_pk, group)
    if not edits:
        raise PermissionDenied
    finals = list(proposals.group_finals(outcome, scheme, group))
    grades = proposals.scheme_grades(outcome.run, scheme)
    entries, bad = _entries(request, finals)
    problems = _problems(outcome, scheme, finals, entries, grades)
    rows = _rows(finals, entries, problems, bad)
    return render(request, "results/proposal_check.html", {"rows": rows, "summary": _summary(rows)})


@login_required
@require_POST
def proposal_return(request: HttpRequest, pk: int, scheme_pk: int, group: str) -> HttpResponse:
    require(request.user, Action.RESULTS_DECIDE)
    outcome, scheme, _edits = _group(request, pk, scheme_pk, group)
    proposal = get_object_or_404(Proposal, outcome=outcome, scheme=scheme, group=group)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        proposals.proposal_return(actor=actor(request), proposal=proposal, reason=reason)
    except ValidationError as error:
        for text in _errors(error):
            messages.error(request, text)
    else:
        messages.success(request, _("已退回，请填报单位修改后重新提交"))
    return redirect(reverse("results:proposal_edit", args=[outcome.pk, scheme.pk, group]))
