"""After the decision: publicity (公示) of the 优秀 lists with the objections received,
publication, then 复核 and 申诉 of a grade (公务员法 第95条), and the grading of cadres
whose 立案审查 has closed (004 第11条). Each write is one transaction with its audit row;
a grade changes only through ``outcomes.final_grade_change`` (the history is kept).

Deadlines (公务员法 第95条、第96条): a 复核 within 30 days of being notified of the grade
(the day the outcome was published), decided within 30 days; a 申诉 within 15 days of the
复核 decision, decided within 60 days. The seed sets no publicity period: the office sets
it (the pages show how many working days, Monday to Friday, it spans).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.core.audit import audit_record
from kaohe.core.errors import field_error
from kaohe.core.services import job_submit
from kaohe.core.text import text_problem
from kaohe.core.workflow import Workflow
from kaohe.results import jsonout, services
from kaohe.results.models import (
    Appeal,
    AppealDecision,
    AppealKind,
    AppealStatus,
    FinalGrade,
    GradeSource,
    Objection,
    ObjectionResult,
    Outcome,
    OutcomeStatus,
    Run,
    RunRow,
    RunStatus,
)
from kaohe.results.outcomes import OUTCOME_WORKFLOW, final_grade_change

EXCELLENT = "优秀"
REVIEW_FILE_DAYS = 30  # 公务员法 第95条: 自知道该人事处理之日起三十日内申请复核
REVIEW_DECIDE_DAYS = 30  # 第96条: 接到复核申请书后的三十日内作出复核决定
APPEAL_FILE_DAYS = 15  # 第95条: 自接到复核决定之日起十五日内提出申诉
APPEAL_DECIDE_DAYS = 60  # 第96条: 受理之日起六十日内作出处理决定

APPEAL_WORKFLOW = Workflow(
    {
        (AppealStatus.FILED, AppealStatus.RECOMPUTING): _("重新计算"),
        (AppealStatus.FILED, AppealStatus.DECIDED): _("作出决定"),
        (AppealStatus.RECOMPUTING, AppealStatus.DECIDED): _("作出决定"),
    },
    states=AppealStatus,
    action="appeal.status",
    code="appeal_transition",
)
SOURCE_OF = {
    AppealKind.REVIEW: GradeSource.REVIEW,
    AppealKind.APPEAL: GradeSource.APPEAL,
    AppealKind.INVESTIGATION: GradeSource.INVESTIGATION,
}


def working_days(start: dt.date, end: dt.date) -> int:
    """Monday to Friday from ``start`` to ``end``, both included (public holidays are
    not known to the site)."""
    days = (end - start).days + 1
    return sum(1 for n in range(max(days, 0)) if (start + dt.timedelta(n)).weekday() < 5)


def excellent_list(outcome: Outcome) -> Any:
    """The 优秀 list of an outcome as publicised: the standing grades of 优秀, in the
    run's order."""
    return (
        outcome.grades.filter(grade=EXCELLENT)
        .select_related("scheme", "unit", "cadre", "row")
        .order_by("scheme__suite", "scheme_id", "row__group", "row__position")
    )


# ---- publicity and publication -----------------------------------------------------------


@transaction.atomic
def publicity_start(
    *, actor: Any, outcome: Outcome, start: dt.date, end: dt.date, contact: str
) -> Outcome:
    """Put a decided outcome's 优秀 list on public display from ``start`` to ``end``."""
    if end < start:
        raise field_error("end", _("公示结束日期不能早于开始日期"), "publicity_dates")
    if not contact.strip():
        raise field_error("contact", _("请填写异议受理方式"), "contact_required")
    outcome.publicity_start, outcome.publicity_end = start, end
    outcome.publicity_contact = contact.strip()
    OUTCOME_WORKFLOW.move(
        outcome, OutcomeStatus.PUBLICITY, actor=actor,
        fields=["publicity_start", "publicity_end", "publicity_contact"],
        after={"start": start.isoformat(), "end": end.isoformat()},
    )  # fmt: skip
    return outcome


@transaction.atomic
def outcome_publish(*, actor: Any, outcome: Outcome, today: dt.date | None = None) -> Outcome:
    """Publish the outcome: after its publicity has ended with every objection handled
    (an outcome without any 优秀 needs no publicity)."""
    today = today or timezone.localdate()
    if outcome.status == OutcomeStatus.PUBLICITY:
        assert outcome.publicity_end is not None
        if today < outcome.publicity_end:
            raise ValidationError(
                _("公示期至 %(end)s，公示结束后才能公布") % {"end": outcome.publicity_end},
                code="publicity_running",
            )
        pending = outcome.objections.filter(result=ObjectionResult.PENDING).count()
        if pending:
            raise ValidationError(
                _("还有 %(n)s 条异议未处理") % {"n": pending}, code="objections_pending"
            )
    elif outcome.status == OutcomeStatus.DECIDED and excellent_list(outcome).exists():
        raise ValidationError(_("优秀名单须先公示"), code="publicity_required")
    outcome.published_at = timezone.now()
    OUTCOME_WORKFLOW.move(outcome, OutcomeStatus.PUBLISHED, actor=actor, fields=["published_at"])
    return outcome


@transaction.atomic
def objection_record(
    *, actor: Any, final: FinalGrade, received_on: dt.date, content: str, channel: str = ""
) -> Objection:
    """Record an objection received about a person on a publicised 优秀 list."""
    outcome = final.outcome
    if outcome.status != OutcomeStatus.PUBLICITY:
        raise ValidationError(_("不在公示期内"), code="not_in_publicity")
    if final.grade != EXCELLENT:
        raise field_error("final", _("该对象不在公示的优秀名单中"), "not_on_list")
    assert outcome.publicity_start is not None and outcome.publicity_end is not None
    if not outcome.publicity_start <= received_on <= outcome.publicity_end:
        raise field_error(
            "received_on",
            _("公示期为 %(start)s 至 %(end)s，收到日期不在公示期内")
            % {"start": outcome.publicity_start, "end": outcome.publicity_end},
            "outside_publicity",
        )
    if not content.strip():
        raise field_error("content", _("请填写异议内容"), "content_required")
    objection = Objection.objects.create(
        outcome=outcome, final=final, received_on=received_on, channel=channel.strip(),
        content=content.strip(), recorded_by=actor, recorded_at=timezone.now(),
    )  # fmt: skip
    audit_record(actor=actor, action="objection.record", obj=objection,
                 after={"final": final.pk, "received_on": received_on.isoformat()})  # fmt: skip
    return objection


ONLINE_CHANNEL = "网上提交"
ONLINE_PER_DAY = 3  # objections one source may submit on the public page in a day


def address_key(address: str) -> str:
    """A keyed digest of a sender's address: enough to count, not to find them."""
    digest = hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256)
    return digest.hexdigest()[:32]


@transaction.atomic
def objection_submit(
    *, final: FinalGrade, content: str, contact: str, address: str, today: dt.date | None = None
) -> Objection:
    """An objection sent on the public page during the publicity: checked (on the list,
    in the period, plain text of a sensible length) and limited per source and day; the
    office then handles it as any other."""
    today = today or timezone.localdate()
    outcome = Outcome.objects.select_for_update().get(pk=final.outcome_id)
    if (
        outcome.status != OutcomeStatus.PUBLICITY
        or outcome.publicity_start is None
        or outcome.publicity_end is None
        or not outcome.publicity_start <= today <= outcome.publicity_end
    ):
        raise ValidationError(_("不在公示期内"), code="not_in_publicity")
    if final.grade != EXCELLENT:
        raise field_error("final", _("该对象不在公示的优秀名单中"), "not_on_list")
    for name, value, multiline in (("content", content, True), ("contact", contact, False)):
        if problem := text_problem(value, multiline=multiline):
            raise field_error(name, problem, "control_character")
    text, contact = content.strip(), contact.strip()
    if len(text) < 10:
        raise field_error("content", _("请具体写明异议（至少 10 个字）"), "content_short")
    if len(text) > 1000:
        raise field_error("content", _("异议内容不能超过 1000 个字"), "content_long")
    key = address_key(address)
    sent = Objection.objects.filter(outcome=outcome, address_key=key, received_on=today).count()
    if sent >= ONLINE_PER_DAY:
        raise ValidationError(
            _("同一来源每天最多提交 %(n)s 条异议，请改用电话或来信") % {"n": ONLINE_PER_DAY},
            code="rate_limited",
        )
    if contact:
        text += "\n" + _("联系方式：%(contact)s") % {"contact": contact[:100]}
    objection = Objection.objects.create(
        outcome=outcome, final=final, received_on=today, channel=ONLINE_CHANNEL, content=text,
        recorded_at=timezone.now(), address_key=key,
    )  # fmt: skip
    audit_record(actor=None, action="objection.record", obj=objection,
                 after={"final": final.pk, "channel": ONLINE_CHANNEL})  # fmt: skip
    return objection


@transaction.atomic
def objection_handle(
    *, actor: Any, objection: Objection, result: str, handling: str, new_grade: str = ""
) -> Objection:
    """Record how an objection was handled; one upheld changes the grade (source 公示异议)."""
    if objection.result != ObjectionResult.PENDING:
        raise ValidationError(_("该异议已处理"), code="objection_handled")
    if result not in (ObjectionResult.UPHELD, ObjectionResult.REJECTED):
        raise field_error("result", _("请选择处理结果"), "result_required")
    if not handling.strip():
        raise field_error("handling", _("请填写核查和处理情况"), "handling_required")
    final = objection.final
    if result == ObjectionResult.UPHELD:
        new_grade = new_grade.strip()
        if not new_grade or new_grade == final.grade:
            raise field_error("new_grade", _("异议成立时请填写调整后的等次"), "grade_required")
        final_grade_change(
            actor=actor, final=final, grade=new_grade, source=GradeSource.OBJECTION,
            reason=_("公示异议成立：%(text)s") % {"text": handling.strip()},
        )  # fmt: skip
    objection.result, objection.handling = result, handling.strip()
    objection.new_grade = new_grade if result == ObjectionResult.UPHELD else ""
    objection.handled_at = timezone.now()
    objection.save(update_fields=["result", "handling", "new_grade", "handled_at"])
    audit_record(actor=actor, action="objection.handle", obj=objection,
                 after={"result": result, "new_grade": objection.new_grade})  # fmt: skip
    return objection


# ---- 复核, 申诉 ---------------------------------------------------------------------------


def notified_on(outcome: Outcome) -> dt.date | None:
    """The day the grades were made known: the day the outcome was published."""
    if outcome.published_at is None:
        return None
    return timezone.localdate(outcome.published_at)


def review_deadline(outcome: Outcome) -> dt.date | None:
    """The last day a 复核 of the outcome's grades may be filed."""
    day = notified_on(outcome)
    return day + dt.timedelta(days=REVIEW_FILE_DAYS) if day else None


def is_overdue(appeal: Appeal, today: dt.date | None = None) -> bool:
    return appeal.status != AppealStatus.DECIDED and (today or timezone.localdate()) > appeal.due_on


@transaction.atomic
def appeal_file(
    *,
    actor: Any,
    final: FinalGrade,
    kind: str,
    filed_on: dt.date,
    reason: str,
    appellant: str = "",
    review: Appeal | None = None,
) -> Appeal:
    """Record a 复核 (within 30 days of the publication) or a 申诉 (within 15 days of the
    复核 decision it contests, or without a 复核 within 30 days of the publication, 公务员法
    第95条) of a published grade; the due date is set from the law (第96条)."""
    outcome = final.outcome
    if outcome.status != OutcomeStatus.PUBLISHED:
        raise ValidationError(_("考核结果公布后才能申请复核、申诉"), code="not_published")
    if not reason.strip():
        raise field_error("reason", _("请填写理由"), "reason_required")
    if final.appeals.exclude(status=AppealStatus.DECIDED).exists():
        raise ValidationError(_("该等次已有未决定的复核或申诉"), code="appeal_open")
    earlier = set(final.appeals.values_list("kind", flat=True))
    if kind == AppealKind.REVIEW and AppealKind.REVIEW in earlier:
        # one 复核 of a decision; against its decision lies a 申诉 (公务员法 第95条)
        raise field_error(
            "kind", _("该等次已经复核；对复核决定不服的，可以在决定之日起 15 日内提出申诉"),
            "review_again",
        )  # fmt: skip
    if kind in (AppealKind.REVIEW, AppealKind.APPEAL) and AppealKind.APPEAL in earlier:
        raise field_error("kind", _("该等次已经提出过申诉"), "appeal_again")
    if kind == AppealKind.REVIEW or (kind == AppealKind.APPEAL and review is None):
        # a 复核, or a 申诉 made without one (公务员法 第95条: 也可以不经复核, 自知道该人事处理
        # 之日起三十日内直接提出申诉): within 30 days of the publication
        start = notified_on(outcome)
        last = review_deadline(outcome)
        assert start is not None and last is not None
        if filed_on < start:
            raise field_error("filed_on", _("提出日期早于公布日期 %(day)s") % {"day": start},
                              "before_notice")  # fmt: skip
        if filed_on > last:
            if kind == AppealKind.REVIEW:
                message = _("复核应在公布之日起 30 日内（%(last)s 前）提出，已逾期")
            else:
                message = _("不经复核直接申诉应在公布之日起 30 日内（%(last)s 前）提出，已逾期")
            raise field_error("filed_on", message % {"last": last}, f"{kind}_late")
        days = REVIEW_DECIDE_DAYS if kind == AppealKind.REVIEW else APPEAL_DECIDE_DAYS
        due = filed_on + dt.timedelta(days=days)
        review = None
    elif kind == AppealKind.APPEAL:
        assert review is not None
        if review.final_id != final.pk or review.kind != AppealKind.REVIEW:
            raise field_error("review", _("申诉须针对本人的复核决定"), "review_required")
        if review.status != AppealStatus.DECIDED or review.decided_on is None:
            raise field_error("review", _("复核尚未作出决定"), "review_undecided")
        last = review.decided_on + dt.timedelta(days=APPEAL_FILE_DAYS)
        if filed_on < review.decided_on:
            raise field_error("filed_on", _("提出日期早于复核决定日期"), "before_notice")
        if filed_on > last:
            raise field_error(
                "filed_on",
                _("申诉应在复核决定之日起 15 日内（%(last)s 前）提出，已逾期") % {"last": last},
                "appeal_late",
            )
        due = filed_on + dt.timedelta(days=APPEAL_DECIDE_DAYS)
    else:
        raise field_error("kind", _("请选择复核或申诉"), "kind_required")
    appeal = Appeal.objects.create(
        final=final, kind=kind, review=review, filed_on=filed_on, due_on=due,
        reason=reason.strip(), appellant=(appellant.strip() or _target_name(final))[:100],
        created_by=actor, created_at=timezone.now(),
    )  # fmt: skip
    audit_record(actor=actor, action="appeal.file", obj=appeal,
                 after={"kind": kind, "final": final.pk, "due_on": due.isoformat()})  # fmt: skip
    return appeal


def _target_name(final: FinalGrade) -> str:
    return final.row.name or str(final.cadre or final.unit or final.target)


def corrected_snapshot(snapshot: str, final: FinalGrade, name: str, text: str) -> tuple[str, str]:
    """``snapshot`` with one input of the appellant corrected (found wrong in the 复核),
    and the correction as text: a number for a numeric input, a list separated by 、 or ,
    for a list (leader ratings). Only an input the target already has."""
    document = json.loads(snapshot, parse_float=Decimal, parse_int=Decimal)
    for scheme in document.get("schemes", []):
        if scheme.get("id") != f"s{final.scheme_id}":
            continue
        for target in scheme.get("targets", []):
            if target.get("id") != final.target:
                continue
            inputs = target.setdefault("inputs", {})
            old = inputs.get(name)
            if isinstance(old, Decimal):
                value: Any = parse_value(text)
                shown = format(value, "f")
            elif isinstance(old, list):
                value = [part.strip() for part in re.split(r"[、,，]", text) if part.strip()]
                if not value:
                    raise field_error("value", _("请填写更正后的内容"), "value_required")
                shown = "、".join(value)
            else:
                raise field_error(
                    "input_name",
                    _("该考核对象没有分项“%(name)s”") % {"name": name},
                    "no_such_input",
                )
            inputs[name] = value
            return "".join(jsonout.chunks(document)) + "\n", f"{name} = {shown}"
    raise field_error("input_name", _("原计算中没有该考核对象"), "no_such_target")


def parse_value(text: str) -> Decimal:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise field_error(
            "value", _("“%(text)s”不是数字") % {"text": text}, "not_a_number"
        ) from None
    if not value.is_finite():
        raise field_error("value", _("“%(text)s”不是数字") % {"text": text}, "not_a_number")
    return value


@transaction.atomic
def appeal_recompute(
    *,
    actor: Any,
    appeal: Appeal,
    source: str = "database",
    input_name: str = "",
    value: str = "",
) -> Run:
    """Grade the appellant's suite again as a background run: from the database as it is
    now (data corrected on the site, a closed case), or from the outcome's snapshot with
    one input of the appellant corrected."""
    if appeal.status == AppealStatus.DECIDED:
        raise ValidationError(_("已作出决定"), code="appeal_decided")
    outcome = appeal.final.outcome
    if source == "database":
        run = services.run_create(actor=actor, year=outcome.year, suite=outcome.suite)
        appeal.correction = ""
    elif source == "snapshot":
        base = outcome.run
        if not base.snapshot:
            raise ValidationError(_("这次计算没有输入快照，不能重算"), code="no_snapshot")
        snapshot = base.snapshot
        appeal.correction = ""
        if input_name.strip():
            if not value.strip():
                raise field_error("value", _("请填写更正后的内容"), "value_required")
            snapshot, appeal.correction = corrected_snapshot(
                snapshot, appeal.final, input_name.strip(), value
            )
        run = Run.objects.create(
            year_id=base.year_id, suite=base.suite, snapshot=snapshot, recomputed_from=base,
            created_by=actor, created_at=timezone.now(),
            message=_("%(kind)s重算：%(fix)s") % {"kind": appeal.get_kind_display(),
                                                "fix": appeal.correction or _("原快照")},
        )  # fmt: skip
        run.versions.set(base.versions.all())
        audit_record(actor=actor, action="run.create", obj=run,
                     after={"recomputed_from": base.pk, "correction": appeal.correction})  # fmt: skip
        run.job = job_submit(
            actor=actor, kind="results.grade", file=json.dumps({"run": run.pk}).encode(),
            file_name=f"run-{run.pk}",
        )  # fmt: skip
        run.save(update_fields=["job"])
    else:
        raise field_error("source", _("请选择重新计算的方式"), "source_required")
    appeal.run = run
    if appeal.status == AppealStatus.FILED:
        APPEAL_WORKFLOW.move(appeal, AppealStatus.RECOMPUTING, actor=actor,
                             fields=["run", "correction"], after={"run": run.pk})  # fmt: skip
    else:
        appeal.save(update_fields=["run", "correction"])
        audit_record(actor=actor, action="appeal.recompute", obj=appeal, after={"run": run.pk})
    return run


def appeal_row(appeal: Appeal) -> RunRow | None:
    """The appellant's row in the appeal's run, once that run is done."""
    if appeal.run is None or appeal.run.status != RunStatus.DONE:
        return None
    return (
        RunRow.objects.filter(
            run=appeal.run, scheme_id=appeal.final.scheme_id, target=appeal.final.target
        )
        .select_related("scheme")
        .first()
    )


@transaction.atomic
def appeal_decide(
    *,
    actor: Any,
    appeal: Appeal,
    decision: str,
    reason: str,
    grade: str = "",
    decided_on: dt.date | None = None,
) -> Appeal:
    """Decide: keep the grade, or change it (to ``grade``, by default the recomputed
    row's) through ``final_grade_change`` with the run. A closed case's cadre always gets
    the grade of the recomputed run (or ``grade``, with the reason)."""
    if appeal.status == AppealStatus.DECIDED:
        raise ValidationError(_("已作出决定"), code="appeal_decided")
    if not reason.strip():
        raise field_error("reason", _("请填写决定理由"), "reason_required")
    row = appeal_row(appeal)
    if appeal.run is not None and appeal.run.status == RunStatus.FAILED:
        raise ValidationError(
            _("重新计算失败：%(message)s") % {"message": appeal.run.message}, code="run_failed"
        )
    if appeal.run is not None and appeal.run.status != RunStatus.DONE:
        raise ValidationError(_("重新计算尚未完成"), code="run_not_done")
    final = appeal.final
    if row is None and appeal.run is not None and appeal.kind != AppealKind.INVESTIGATION:
        raise ValidationError(_("重新计算的结果中没有该对象"), code="row_missing")
    if appeal.kind == AppealKind.INVESTIGATION:
        if row is None or row.status != "graded":
            raise ValidationError(
                _("重新计算中该干部仍未确定等次（案件是否已结案？）"), code="still_pending"
            )
        decision = AppealDecision.CHANGED
    grade = grade.strip() or (row.grade if row is not None else "")
    if decision == AppealDecision.CHANGED:
        if not grade:
            raise field_error("grade", _("请填写变更后的等次"), "grade_required")
        if grade == final.grade and appeal.kind != AppealKind.INVESTIGATION:
            raise field_error("grade", _("变更后的等次与原等次相同，请选择维持"), "same_grade")
        final_grade_change(
            actor=actor, final=final, grade=grade, source=SOURCE_OF[AppealKind(appeal.kind)],
            reason=reason, run=appeal.run,
        )  # fmt: skip
        if row is not None:
            final.row, final.status = row, row.status
            final.save(update_fields=["row", "status"])
    elif decision != AppealDecision.UPHELD:
        raise field_error("decision", _("请选择决定"), "decision_required")
    appeal.decision, appeal.decision_reason = decision, reason.strip()
    appeal.decided_on = decided_on or timezone.localdate()
    APPEAL_WORKFLOW.move(
        appeal, AppealStatus.DECIDED, actor=actor,
        fields=["decision", "decision_reason", "decided_on"],
        after={"decision": decision, "grade": final.grade},
    )  # fmt: skip
    return appeal


# ---- cadres pending because of an open 立案审查 -------------------------------------------


def pending_grades(outcome_ids: Any = None) -> Any:
    """Final grades left pending (a case open on 12-31), with the cadre's cases."""
    found = FinalGrade.objects.filter(status="pending", cadre__isnull=False)
    if outcome_ids is not None:
        found = found.filter(outcome__in=outcome_ids)
    return found.select_related("outcome__year", "scheme", "cadre").prefetch_related(
        "cadre__investigations", "appeals"
    )


@transaction.atomic
def investigation_regrade(*, actor: Any, final: FinalGrade) -> Appeal:
    """The case of a pending cadre has closed: record it and grade the suite again from
    the database (the closed case no longer holds the cadre's grade back)."""
    if final.status != "pending" or final.cadre_id is None:
        raise ValidationError(_("该干部的等次不是待定"), code="not_pending")
    cases = list(final.cadre.investigations.all())  # type: ignore[union-attr]
    if not cases or any(case.closed_on is None for case in cases):
        raise ValidationError(_("立案审查尚未结案"), code="case_open")
    if final.appeals.exclude(status=AppealStatus.DECIDED).exists():
        raise ValidationError(_("已在重新确定等次"), code="appeal_open")
    case = max(cases, key=lambda c: (c.closed_on, c.pk))
    today = timezone.localdate()
    appeal = Appeal.objects.create(
        final=final, kind=AppealKind.INVESTIGATION, investigation=case, filed_on=today,
        due_on=today + dt.timedelta(days=REVIEW_DECIDE_DAYS), appellant=_target_name(final),
        reason=_("立案审查于 %(day)s 结案：%(outcome)s")
        % {"day": case.closed_on, "outcome": case.outcome or "—"},
        created_by=actor, created_at=timezone.now(),
    )  # fmt: skip
    audit_record(actor=actor, action="appeal.file", obj=appeal,
                 after={"kind": AppealKind.INVESTIGATION, "final": final.pk})  # fmt: skip
    appeal_recompute(actor=actor, appeal=appeal, source="database")
    return appeal
