"""Proposals and decisions (issue 11): each group's proposed grades, checked by the engine,
and the committee's decision that makes them the standing grades.

Who proposes which group (``may_propose``): a unit's party committee (党委/党组) its own
cadres (the group of a cadre scheme is the unit the engine placed them in, ``u<unit pk>``);
an assessment team member the teams (team schemes); the office any group, on a
committee's behalf or for the 单列 list.

The checks are the engine's (``proposals_check``): the outcome run's snapshot is graded
again with every group's proposed grades filled in as ``proposed`` (the spec's "checks of
proposed grades"); errors (band, set, hard rules, ``quota:G``, status) block a submission
and the decision, warnings (soft rules and quotas) need a written reason. No rule is
re-implemented here.

Writes (one transaction each, audited): ``proposal_save``, ``proposal_submit``,
``proposal_return``, ``outcome_decide``, ``outcome_reopen``. Reads: ``may_propose``,
``proposable_groups``, ``group_finals``, ``excellent_list`` (the ordered 优秀 list the forms
use for the 考核等次建议名单), ``scheme_grades``, ``group_label``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.core.audit import audit_record
from kaohe.core.roles import Action, Role, can, role_of
from kaohe.core.workflow import Workflow
from kaohe.engine import evaluate, load_text
from kaohe.orgs.models import Unit
from kaohe.results.models import (
    FinalGrade,
    GradeSource,
    Outcome,
    OutcomeStatus,
    Proposal,
    ProposalItem,
    ProposalStatus,
    Run,
)
from kaohe.results.outcomes import OUTCOME_WORKFLOW, final_grade_change
from kaohe.results.outcomes import outcome_open as outcomes_open
from kaohe.schemes.models import Scheme, Subject

PROPOSAL_TRANSITIONS = {
    (ProposalStatus.DRAFT, ProposalStatus.SUBMITTED): _("提交"),
    (ProposalStatus.RETURNED, ProposalStatus.SUBMITTED): _("重新提交"),
    (ProposalStatus.SUBMITTED, ProposalStatus.RETURNED): _("退回"),
    (ProposalStatus.SUBMITTED, ProposalStatus.ACCEPTED): _("采纳"),
    (ProposalStatus.ACCEPTED, ProposalStatus.SUBMITTED): _("撤回审定"),
}
PROPOSAL_WORKFLOW = Workflow(
    PROPOSAL_TRANSITIONS,
    states=ProposalStatus,
    action="proposal.status",
    code="proposal_transition",
    reason_required={(ProposalStatus.SUBMITTED, ProposalStatus.RETURNED)},
)


# ---- who proposes what ------------------------------------------------------------------


def unit_group(unit_pk: int | None) -> str:
    """The group of a cadre scheme a unit's cadres are ranked in (the engine's placement
    names it by the unit's id in the document)."""
    return f"u{unit_pk}" if unit_pk else ""


def may_propose(user: Any, scheme: Scheme, group: str) -> bool:
    """Whether ``user`` may enter the proposal of ``group`` in ``scheme``."""
    if not can(user, Action.RESULTS_PROPOSE):
        return False
    role = role_of(user)
    if role == Role.PARTY_COMMITTEE:
        return scheme.subject == Subject.CADRE and group == unit_group(user.unit_id)
    if role == Role.TEAM_MEMBER:
        return scheme.subject == Subject.TEAM
    return can(user, Action.RESULTS_DECIDE)  # the office: any group


def group_label(group: str, units: Mapping[str, str]) -> str:
    """A group as people name it: a unit's name for ``u<pk>``, else the group itself."""
    return units.get(group, group)


def unit_names(groups: Iterable[str]) -> dict[str, str]:
    """``u<pk>`` → the unit's name, for the groups given (one query)."""
    pks = {int(g[1:]) for g in groups if g[:1] == "u" and g[1:].isdigit()}
    return {
        f"u{pk}": name for pk, name in Unit.objects.filter(pk__in=pks).values_list("pk", "name")
    }


@dataclass
class GroupRef:
    """One group of one scheme of an outcome, as the lists show it."""

    scheme: Scheme
    group: str
    label: str
    targets: int
    proposal: Proposal | None = None
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def status_label(self) -> str:
        if self.proposal is None:
            return _("未填写")
        return str(self.proposal.get_status_display())


def outcome_groups(outcome: Outcome, user: Any = None) -> list[GroupRef]:
    """Every (scheme, group) of the outcome with its target count, the standing grades'
    counts and its proposal; only those ``user`` may propose when given (and the user does
    not read every result). A fixed number of queries."""
    rows = (
        FinalGrade.objects.filter(outcome=outcome)
        .values_list("scheme_id", "row__group", "grade")
        .order_by("scheme_id", "row__group")
    )
    counts: dict[tuple[int, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for scheme_pk, group, grade in rows:
        counts[(scheme_pk, group)][grade or ""] += 1
    schemes = Scheme.objects.in_bulk({s for s, _g in counts})
    proposals = {(p.scheme_id, p.group): p for p in Proposal.objects.filter(outcome=outcome)}
    units = unit_names(g for _s, g in counts)
    found = []
    for (scheme_pk, group), by_grade in counts.items():
        scheme = schemes[scheme_pk]
        hidden = user is not None and not can(user, Action.RESULTS_VIEW)
        if hidden and not may_propose(user, scheme, group):
            continue
        found.append(
            GroupRef(
                scheme=scheme,
                group=group,
                label=group_label(group, units),
                targets=sum(by_grade.values()),
                proposal=proposals.get((scheme_pk, group)),
                counts=dict(by_grade),
            )
        )
    found.sort(key=lambda ref: (ref.scheme.suite, ref.scheme.pk, ref.group != "单列", ref.label))
    return found


def proposable_groups(user: Any) -> list[tuple[Outcome, GroupRef]]:
    """The groups of open (``graded``) outcomes ``user`` may propose, newest year first."""
    found = []
    outcomes = Outcome.objects.filter(status=OutcomeStatus.GRADED).select_related("year")
    for outcome in outcomes.order_by("-year__year", "suite"):
        for ref in outcome_groups(outcome):
            if may_propose(user, ref.scheme, ref.group):
                found.append((outcome, ref))
    return found


def outcomes_for_user(user: Any) -> QuerySet[Outcome]:
    """The outcomes a user may open: all for those who read results or propose."""
    if can(user, Action.RESULTS_VIEW) or can(user, Action.RESULTS_PROPOSE):
        return Outcome.objects.select_related("year", "run", "decided_by")
    return Outcome.objects.none()


def group_finals(outcome: Outcome, scheme: Scheme, group: str) -> QuerySet[FinalGrade]:
    """A group's final grades in its ranking order (unranked ones last)."""
    return (
        FinalGrade.objects.filter(outcome=outcome, scheme=scheme, row__group=group)
        .select_related("row")
        .order_by(F("row__rank").asc(nulls_last=True), "row__position")
    )


def scheme_grades(run: Run, scheme: Scheme) -> tuple[str, ...]:
    """The grades of ``scheme`` as the run graded it (best first)."""
    version = run.versions.filter(scheme=scheme).first() or scheme.current_version
    return tuple((version.definition or {}).get("grades", ())) if version else ()


def excellent_list(outcome: Outcome, scheme: Scheme, group: str | None = None) -> list[FinalGrade]:
    """The ordered list of the best grade (优秀) of a scheme, one group or all of them:
    where a group has a proposal, its targets proposed at the best grade in the proposal's
    order; elsewhere the targets whose standing grade is the best, by rank. Groups in the
    order of their first target."""
    grades = scheme_grades(outcome.run, scheme)
    if not grades:
        return []
    best = grades[0]
    finals = FinalGrade.objects.filter(outcome=outcome, scheme=scheme).select_related(
        "row", "cadre", "unit"
    )
    if group is not None:
        finals = finals.filter(row__group=group)
    items = ProposalItem.objects.filter(proposal__outcome=outcome, proposal__scheme=scheme)
    if group is not None:
        items = items.filter(proposal__group=group)
    proposed = {item.final_id: item for item in items}
    proposing = set(
        Proposal.objects.filter(outcome=outcome, scheme=scheme).values_list("group", flat=True)
    )
    by_group: dict[str, list[tuple[tuple[int, int, int], FinalGrade]]] = defaultdict(list)
    first: dict[str, int] = {}
    for final in finals:
        row = final.row
        first[row.group] = min(first.get(row.group, row.position), row.position)
        if row.group in proposing:
            item = proposed.get(final.pk)
            if item is None or item.grade != best:
                continue
            key = (item.order or 10**6, row.rank or 10**6, row.position)
        else:
            if final.grade != best:
                continue
            key = (0, row.rank or 10**6, row.position)
        by_group[row.group].append((key, final))
    ordered: list[FinalGrade] = []
    for name in sorted(by_group, key=lambda g: first[g]):
        ordered.extend(final for _key, final in sorted(by_group[name], key=lambda p: p[0]))
    return ordered


# ---- the engine's checks ------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One finding of the engine on a proposed grade."""

    target: str
    rule: str
    severity: str  # error | warning
    message: str

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


@lru_cache(maxsize=2)
def _loaded(run_pk: int, snapshot: str) -> dict[str, Any]:
    """A run's snapshot read as ``kaohe evaluate`` reads it (kept: it never changes)."""
    return load_text(snapshot)


Proposed = Mapping[tuple[int, str], str]  # (scheme pk, target id) → proposed grade


def outcome_proposed(
    outcome: Outcome, *, statuses: Iterable[str] | None = None
) -> dict[tuple[int, str], str]:
    """Every proposed grade of the outcome's proposals (of the given statuses)."""
    items = ProposalItem.objects.filter(proposal__outcome=outcome).exclude(grade="")
    if statuses is not None:
        items = items.filter(proposal__status__in=list(statuses))
    return {
        (scheme_pk, target): grade
        for scheme_pk, target, grade in items.values_list(
            "final__scheme_id", "final__target", "grade"
        )
    }


def proposals_check(run: Run, proposed: Proposed) -> dict[tuple[int, str], list[Problem]]:
    """The engine's findings on ``proposed`` grades, graded with the run's snapshot:
    (scheme pk, target id) → problems. Raises ``ScenarioError`` for a grade the scheme does
    not have (callers pass only the scheme's grades)."""
    if not proposed:
        return {}
    document = _loaded(run.pk, run.snapshot)
    wanted: dict[str, dict[str, str]] = defaultdict(dict)
    for (scheme_pk, target), grade in proposed.items():
        wanted[f"s{scheme_pk}"][target] = grade
    schemes = []
    for scheme in document["schemes"]:
        grades = wanted.get(str(scheme["id"]))
        if grades:
            targets = [
                {**target, "proposed": grades[str(target["id"])]}
                if str(target["id"]) in grades
                else target
                for target in scheme.get("targets", [])
            ]
            scheme = {**scheme, "targets": targets}
        schemes.append(scheme)
    result = evaluate({**document, "schemes": schemes})
    found: dict[tuple[int, str], list[Problem]] = defaultdict(list)
    for scheme_result in result.schemes:
        scheme_pk = int(str(scheme_result.id)[1:])
        for violation in scheme_result.violations:
            found[(scheme_pk, violation.target)].append(
                Problem(
                    violation.target, violation.rule, violation.severity, violation.message("zh")
                )
            )
    return dict(found)


# ---- writes -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """What is typed for one target: the grade ("" for none), the reason, the place."""

    grade: str = ""
    reason: str = ""
    order: int | None = None


def _locked_check(outcome: Outcome) -> None:
    if outcome.is_locked:
        raise ValidationError(
            _("考核结果已%(status)s，等次建议不能再修改")
            % {"status": outcome.get_status_display()},
            code="outcome_locked",
        )


def _refused(code: str, head: str, lines: list[str]) -> ValidationError:
    """A refusal listing what is wrong, one message a line, with ``code`` (tests assert
    on it)."""
    error = ValidationError([head, *lines])
    error.code = code
    return error


def _row_name(final: FinalGrade) -> str:
    return final.row.name or final.target


def _clean_entries(
    finals: list[FinalGrade], entries: Mapping[int, Entry], grades: tuple[str, ...]
) -> dict[int, Entry]:
    """Entries checked against the group's rows (grade known, only for graded targets,
    places distinct); the best grade's places renumbered 1..n (unplaced ones by rank)."""
    errors: dict[str, list[ValidationError]] = defaultdict(list)
    cleaned: dict[int, Entry] = {}
    for final in finals:
        entry = entries.get(final.pk, Entry())
        grade = entry.grade.strip()
        if grade and grade not in grades:
            errors[f"grade-{final.pk}"].append(
                ValidationError(
                    _("%(name)s：没有“%(grade)s”这个等次")
                    % {"name": _row_name(final), "grade": grade[:20]},
                    code="unknown_grade",
                )
            )
            continue
        if grade and final.status != "graded":
            errors[f"grade-{final.pk}"].append(
                ValidationError(
                    _("%(name)s：暂缓评定或不参加考核，不能建议等次") % {"name": _row_name(final)},
                    code="not_graded",
                )
            )
            continue
        cleaned[final.pk] = Entry(grade, entry.reason.strip()[:2000], entry.order)
    best = grades[0] if grades else None
    placed: dict[int, int] = {}
    for final in finals:
        kept = cleaned.get(final.pk)
        if kept is None or kept.grade != best or kept.order is None:
            continue
        if kept.order in placed.values():
            errors[f"order-{final.pk}"].append(
                ValidationError(
                    _("%(name)s：推荐顺序 %(order)s 与他人重复")
                    % {"name": _row_name(final), "order": kept.order},
                    code="order_repeated",
                )
            )
        placed[final.pk] = kept.order
    if errors:
        raise ValidationError(dict(errors))
    ranked = [f for f in finals if f.pk in cleaned and cleaned[f.pk].grade == best]
    ranked.sort(key=lambda f: (placed.get(f.pk, 10**6), f.row.rank or 10**6, f.row.position))
    for place, final in enumerate(ranked, start=1):
        entry = cleaned[final.pk]
        cleaned[final.pk] = Entry(entry.grade, entry.reason, place)
    for pk, entry in cleaned.items():
        if entry.grade != best and entry.order is not None:
            cleaned[pk] = Entry(entry.grade, entry.reason, None)
    return cleaned


@transaction.atomic
def proposal_save(
    *,
    actor: Any,
    outcome: Outcome,
    scheme: Scheme,
    group: str,
    entries: Mapping[int, Entry],
    note: str = "",
) -> Proposal:
    """Keep a group's proposed grades (final grade pk → entry) as a draft, or as the
    returned proposal being corrected. Every change is audited (the history)."""
    outcome = Outcome.objects.select_for_update().get(pk=outcome.pk)
    _locked_check(outcome)
    finals = list(group_finals(outcome, scheme, group))
    if not finals:
        raise ValidationError(_("该分组没有考核对象"), code="empty_group")
    proposal = Proposal.objects.filter(outcome=outcome, scheme=scheme, group=group).first()
    if proposal is not None and not proposal.is_editable:
        raise ValidationError(
            _("等次建议已%(status)s，不能修改") % {"status": proposal.get_status_display()},
            code="proposal_locked",
        )
    cleaned = _clean_entries(finals, entries, scheme_grades(outcome.run, scheme))
    now = timezone.now()
    if proposal is None:
        proposal = Proposal.objects.create(
            outcome=outcome, scheme=scheme, group=group, note=note.strip()[:2000],
            updated_by=actor, updated_at=now,
        )  # fmt: skip
        old: dict[int, ProposalItem] = {}
    else:
        proposal.note, proposal.updated_by, proposal.updated_at = note.strip()[:2000], actor, now
        proposal.save(update_fields=["note", "updated_by", "updated_at"])
        old = {item.final_id: item for item in proposal.items.all()}
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    creating, updating = [], []
    for final in finals:
        entry = cleaned.get(final.pk, Entry())
        item = old.get(final.pk)
        if item is None:
            creating.append(ProposalItem(proposal=proposal, final=final, grade=entry.grade,
                                         reason=entry.reason, order=entry.order))  # fmt: skip
            if entry.grade:
                after[final.target] = entry.grade
        elif (item.grade, item.reason, item.order) != (entry.grade, entry.reason, entry.order):
            if item.grade != entry.grade:
                before[final.target], after[final.target] = item.grade, entry.grade
            item.grade, item.reason, item.order = entry.grade, entry.reason, entry.order
            updating.append(item)
    ProposalItem.objects.bulk_create(creating)
    ProposalItem.objects.bulk_update(updating, ["grade", "reason", "order"])
    audit_record(actor=actor, action="proposal.save", obj=proposal,
                 before={"grades": before}, after={"grades": after})  # fmt: skip
    return proposal


def _group_problems(proposal: Proposal) -> tuple[list[str], list[str]]:
    """(errors, warnings lacking a reason) of one proposal, as messages naming the rows."""
    finals = {
        (final.scheme_id, final.target): final
        for final in group_finals(proposal.outcome, proposal.scheme, proposal.group)
    }
    items = {item.final_id: item for item in proposal.items.all()}
    problems = proposals_check(proposal.outcome.run, outcome_proposed(proposal.outcome))
    errors, unexplained = [], []
    for key, found in problems.items():
        final = finals.get(key)
        if final is None:
            continue
        item = items.get(final.pk)
        for problem in found:
            text = f"{_row_name(final)}：{problem.message}"
            if problem.is_error:
                errors.append(text)
            elif item is None or not item.reason:
                unexplained.append(text)
    return errors, unexplained


@transaction.atomic
def outcome_base(*, actor: Any, run: Run) -> Outcome:
    """以此计算为依据: the suite's outcome rests on ``run`` (``outcome_open``). When an
    open outcome moves to another run its final grades are rebuilt, so the proposals made
    on the earlier run (their rows gone with them) are discarded, with an audit row each."""
    before = Outcome.objects.filter(year_id=run.year_id, suite=run.suite).first()
    outcome = outcomes_open(actor=actor, run=run)
    if before is not None and before.run_id != run.pk:
        for proposal in Proposal.objects.filter(outcome=outcome):
            audit_record(actor=actor, action="proposal.discard", obj=proposal,
                         before={"status": proposal.status, "run": before.run_id},
                         after={"run": run.pk})  # fmt: skip
            proposal.delete()
    return outcome


@transaction.atomic
def proposal_submit(*, actor: Any, proposal: Proposal) -> Proposal:
    """Submit a group's proposal: refused while the engine finds an error in it, or a
    warning without a written reason."""
    proposal = (
        Proposal.objects.select_for_update()
        .select_related("outcome__run", "scheme")
        .get(pk=proposal.pk)
    )
    _locked_check(proposal.outcome)
    errors, unexplained = _group_problems(proposal)
    if errors:
        raise _refused(
            "proposal_errors", _("有 %(n)s 处错误，不能提交：") % {"n": len(errors)}, errors
        )
    if unexplained:
        raise _refused("reason_required", _("以下提示需要填写理由："), unexplained)
    proposal.submitted_by, proposal.submitted_at = actor, timezone.now()
    PROPOSAL_WORKFLOW.move(proposal, ProposalStatus.SUBMITTED, actor=actor,
                           fields=["submitted_by", "submitted_at"])  # fmt: skip
    return proposal


@transaction.atomic
def proposal_return(*, actor: Any, proposal: Proposal, reason: str) -> Proposal:
    """The office returns a submitted proposal for correction, with its reason."""
    proposal = Proposal.objects.select_for_update().select_related("outcome").get(pk=proposal.pk)
    _locked_check(proposal.outcome)
    PROPOSAL_WORKFLOW.check(proposal.status, ProposalStatus.RETURNED, reason=reason)
    proposal.return_reason = reason.strip()[:2000]
    PROPOSAL_WORKFLOW.move(proposal, ProposalStatus.RETURNED, actor=actor,
                           fields=["return_reason"], reason=reason)  # fmt: skip
    return proposal


@transaction.atomic
def outcome_decide(*, actor: Any, outcome: Outcome, decision_ref: str) -> Outcome:
    """Record the standing committee's decision (``decision_ref``: the meeting, date or
    document number): the submitted proposals are accepted, their grades become the
    standing grades where they differ (source 审定), and the outcome is locked. Refused
    while a proposal is not submitted, or the engine finds an error in one (named)."""
    outcome = Outcome.objects.select_for_update().select_related("run").get(pk=outcome.pk)
    decision_ref = decision_ref.strip()
    if not decision_ref:
        raise ValidationError(
            {"decision_ref": ValidationError(_("请填写审定依据（会议、日期或文号）"), code="decision_ref_required")}
        )  # fmt: skip
    OUTCOME_WORKFLOW.check(outcome.status, OutcomeStatus.DECIDED)
    proposals = list(Proposal.objects.filter(outcome=outcome).select_related("scheme"))
    units = unit_names(p.group for p in proposals)
    pending = [p for p in proposals if p.status != ProposalStatus.SUBMITTED]
    if pending:
        raise _refused(
            "proposals_pending", _("以下分组的等次建议尚未提交："),
            [f"{p.scheme.label} · {group_label(p.group, units)}（{p.get_status_display()}）" for p in pending],
        )  # fmt: skip
    proposed = outcome_proposed(outcome)
    problems = proposals_check(outcome.run, proposed)
    finals = {
        (f.scheme_id, f.target): f
        for f in FinalGrade.objects.filter(outcome=outcome).select_related("row")
    }
    by_group = {(p.scheme_id, p.group): p for p in proposals}
    wrong = []
    for key, found in problems.items():
        final = finals.get(key)
        if final is None or (final.scheme_id, final.row.group) not in by_group:
            continue
        for problem in found:
            if problem.is_error:
                label = group_label(final.row.group, units)
                wrong.append(f"{label} · {_row_name(final)}：{problem.message}")
    if wrong:
        raise _refused("proposal_errors", _("以下等次建议有错误，不能审定："), wrong)
    reason = _("审定：%(ref)s") % {"ref": decision_ref}
    changed = 0
    for key, grade in proposed.items():
        final = finals[key]
        if final.grade != grade:
            final_grade_change(actor=actor, final=final, grade=grade,
                               source=GradeSource.DECISION, reason=reason)  # fmt: skip
            changed += 1
    for proposal in proposals:
        PROPOSAL_WORKFLOW.move(proposal, ProposalStatus.ACCEPTED, actor=actor)
    outcome.decided_at, outcome.decided_by, outcome.decision_ref = (
        timezone.now(),
        actor,
        decision_ref[:200],
    )
    OUTCOME_WORKFLOW.move(outcome, OutcomeStatus.DECIDED, actor=actor,
                          fields=["decided_at", "decided_by", "decision_ref"],
                          after={"decision_ref": decision_ref[:200], "changed": changed})  # fmt: skip
    return outcome


@transaction.atomic
def outcome_reopen(*, actor: Any, outcome: Outcome, reason: str) -> Outcome:
    """Withdraw a decision (a reason is required): the proposals are open to the office
    again (submitted: it may return them); the standing grades keep their history."""
    outcome = Outcome.objects.select_for_update().get(pk=outcome.pk)
    OUTCOME_WORKFLOW.check(outcome.status, OutcomeStatus.GRADED, reason=reason)
    for proposal in Proposal.objects.filter(outcome=outcome, status=ProposalStatus.ACCEPTED):
        PROPOSAL_WORKFLOW.move(proposal, ProposalStatus.SUBMITTED, actor=actor, reason=reason)
    OUTCOME_WORKFLOW.move(outcome, OutcomeStatus.GRADED, actor=actor, reason=reason)
    return outcome


__all__ = [
    "PROPOSAL_WORKFLOW",
    "Entry",
    "GroupRef",
    "Problem",
    "excellent_list",
    "group_finals",
    "may_propose",
    "outcome_base",
    "outcome_decide",
    "outcome_groups",
    "outcome_reopen",
    "proposal_return",
    "proposal_save",
    "proposal_submit",
    "proposals_check",
]
