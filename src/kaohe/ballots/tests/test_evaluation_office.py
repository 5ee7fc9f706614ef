"""The office's services besides the status: the periodic close, targets and rater classes
edited before live voting, paper sheets."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kaohe.ballots import evaluation_office_services as office
from kaohe.ballots import evaluation_services as services
from kaohe.ballots.models import Code, PendingSheet, SessionStatus, Sheet
from kaohe.ballots.tests.conftest import make_session, marks_for, new_code
from kaohe.core.models import AuditEntry


def _codes(session, rater, count):
    services.codes_create(
        actor=None, session=session, rater_class=session.rater_classes.get(name=rater),
        count=count,
    )  # fmt: skip


# --- the periodic close ----------------------------------------------------------------


def test_the_periodic_task_closes_a_session_past_its_closing_time_once(evaluation, vote):
    vote(evaluation, "上级")
    vote(evaluation, "下级")
    later = evaluation.closes_at + dt.timedelta(minutes=1)
    assert office.sessions_close_due(now=later) == [evaluation.pk]
    evaluation.refresh_from_db()
    assert evaluation.status == SessionStatus.CLOSED
    assert Sheet.objects.filter(session=evaluation).count() == 2
    assert not PendingSheet.objects.exists()
    # a second run (or one running meanwhile) finds nothing to do
    assert office.sessions_close_due(now=later) == []
    closes = AuditEntry.objects.filter(action="ballot_session.status", after__status="closed")
    assert closes.count() == 1
    entry = closes.get()
    assert entry.actor_id is None
    assert entry.after["closed_by"] == "system" and entry.after["sheets"] == 2
    assert "自动结束" in entry.after["reason"]


def test_the_periodic_task_leaves_sessions_still_open_in_test_mode_or_in_preparation(cast):
    live = make_session(cast, cadres=0, name="未到时间")
    testing = make_session(cast, cadres=0, status="testing", name="测试中")
    draft = make_session(cast, cadres=0, status="draft", name="准备中")
    assert office.sessions_close_due(now=live.closes_at - dt.timedelta(seconds=1)) == []
    later = live.closes_at + dt.timedelta(hours=1)
    assert office.sessions_close_due(now=later) == [live.pk]
    for session, status in ((testing, "testing"), (draft, "draft")):
        session.refresh_from_db()
        assert session.status == status


def test_the_office_may_still_close_by_hand_and_the_task_then_does_nothing(evaluation, cast):
    services.session_set_status(actor=cast.admin, session=evaluation, status="closed")
    assert office.sessions_close_due(now=evaluation.closes_at + dt.timedelta(days=1)) == []
    entry = AuditEntry.objects.get(action="ballot_session.status", after__status="closed")
    assert entry.actor_id == cast.admin.pk and "closed_by" not in entry.after


def test_the_celery_task_is_scheduled_and_closes_what_is_due(evaluation, settings, monkeypatch):
    from kaohe.ballots import tasks

    entry = settings.CELERY_BEAT_SCHEDULE["ballot-sessions-close"]
    assert entry["task"] == tasks.sessions_close_due_task.name
    assert tasks.sessions_close_due_task.delay().get() == 0
    monkeypatch.setattr(timezone, "now", lambda: evaluation.closes_at + dt.timedelta(seconds=5))
    assert tasks.sessions_close_due_task.delay().get() == 1


# --- targets and rater classes -----------------------------------------------------------


def test_targets_change_in_test_mode_and_the_test_sheets_go(cast, vote):
    from kaohe.orgs import services as orgs

    session = make_session(cast, cadres=1, status="testing")
    vote(session, "上级")
    assert PendingSheet.objects.filter(session=session).count() == 1
    newcomer = orgs.cadre_create(
        actor=None, name="李新来",
        first_posting={"unit": cast.unit_a, "post": "副镇长", "start_date": dt.date(2021, 1, 1)},
    )  # fmt: skip
    target = office.session_target_add(actor=cast.admin, session=session, cadre=newcomer,
                                       note="副镇长")  # fmt: skip
    assert target.label == "李新来" and target.note == "副镇长"
    assert not PendingSheet.objects.filter(session=session).exists()
    with pytest.raises(ValidationError) as refused:
        office.session_target_add(actor=cast.admin, session=session, cadre=newcomer)
    assert "已在测评对象中" in refused.value.messages[0]
    office.session_target_remove(actor=cast.admin, session=session, target=target)
    assert not session.targets.filter(cadre=newcomer).exists()
    actions = list(AuditEntry.objects.filter(action="ballot_session.targets").order_by("pk").values_list(
        "after", flat=True))  # fmt: skip
    assert actions[0]["added"] == "李新来" and actions[0]["test_sheets_wiped"] == 1
    assert actions[1]["removed"] == "李新来"


def test_targets_and_classes_are_fixed_once_live_sheets_exist(evaluation, cast, vote):
    # live, no sheet yet: still editable
    office.session_rater_classes_set(
        actor=cast.admin, session=evaluation,
        rater_classes=[("上级", Decimal("0.4")), ("同级", Decimal("0.2")), ("下级", Decimal("0.4"))],
    )  # fmt: skip
    assert evaluation.rater_classes.get(name="上级").weight == Decimal("0.4")
    vote(evaluation, "下级")
    target = evaluation.targets.last()
    for attempt in (
        lambda: office.session_target_remove(actor=cast.admin, session=evaluation, target=target),
        lambda: office.session_rater_classes_set(
            actor=cast.admin, session=evaluation, rater_classes=[("上级", Decimal(1))]
        ),
    ):
        with pytest.raises(ValidationError) as refused:
            attempt()
        assert refused.value.code == "live_sheets"
        assert "已有正式测评票" in refused.value.messages[0]
    assert evaluation.targets.filter(pk=target.pk).exists()


def test_a_rater_class_added_renamed_away_or_reweighted_keeps_the_others_codes(cast):
    session = make_session(cast, cadres=0, status="draft")
    _codes(session, "上级", 3)
    _codes(session, "下级", 2)
    changes = office.session_rater_classes_set(
        actor=cast.admin, session=session,
        rater_classes=[("上级", Decimal("0.5")), ("服务对象", Decimal("0.5"))],
    )  # fmt: skip
    assert changes == {"added": ["服务对象=0.5"], "changed": ["上级=0.5"],
                       "removed": ["同级", "下级"]}  # fmt: skip
    assert list(session.rater_classes.values_list("name", flat=True)) == ["上级", "服务对象"]
    assert Code.objects.filter(session=session).count() == 3
    with pytest.raises(ValidationError) as refused:
        office.session_rater_classes_set(
            actor=cast.admin, session=session,
            rater_classes=[("上级", Decimal("0.5")), ("上级", Decimal("0.5"))],
        )  # fmt: skip
    assert "不能重名" in str(refused.value)


def test_nothing_changes_once_the_session_is_closed(evaluation, cast):
    services.session_set_status(actor=cast.admin, session=evaluation, status="closed")
    with pytest.raises(ValidationError) as refused:
        office.session_target_remove(
            actor=cast.admin, session=evaluation, target=evaluation.targets.first()
        )
    assert refused.value.code == "closed"


# --- paper sheets -------------------------------------------------------------------------


def test_paper_sheets_use_unused_codes_of_their_class_and_wait_in_the_holding_table(
    evaluation, cast
):
    _codes(evaluation, "下级", 3)
    _codes(evaluation, "上级", 1)
    lower = evaluation.rater_classes.get(name="下级")
    upper = evaluation.rater_classes.get(name="上级")
    marks = marks_for(evaluation, {"张青山": "优秀"})
    entered = office.paper_sheets_enter(
        actor=cast.admin,
        session=evaluation,
        sheets=[(lower, marks), (lower, marks), (upper, marks)],
    )
    assert entered == 3
    used = Code.objects.filter(session=evaluation, used=True)
    assert (
        used.filter(rater_class=lower).count() == 2 and used.filter(rater_class=upper).count() == 1
    )
    assert PendingSheet.objects.filter(session=evaluation).count() == 3
    entry = AuditEntry.objects.get(action="ballot_paper.enter")
    assert entry.after == {"paper_sheets": 3, "test": False}
    services.session_set_status(actor=cast.admin, session=evaluation, status="closed")
    assert Sheet.objects.filter(session=evaluation, rater_class=lower).count() == 2


def test_paper_sheets_are_all_or_nothing_with_each_bad_sheet_named(evaluation, cast):
    _codes(evaluation, "下级", 1)
    lower = evaluation.rater_classes.get(name="下级")
    good = marks_for(evaluation, {})
    bad = {**good, next(iter(good)): "超级优秀"}
    with pytest.raises(office.PaperRefused) as refused:
        office.paper_sheets_enter(actor=cast.admin, session=evaluation,
                                  sheets=[(lower, good), (lower, bad)])  # fmt: skip
    assert refused.value.problems[0][0] == 2
    assert "第 2 张" in refused.value.messages[0]
    # two good sheets but one code left: refused, and nothing used
    with pytest.raises(office.PaperRefused) as refused:
        office.paper_sheets_enter(actor=cast.admin, session=evaluation,
                                  sheets=[(lower, good), (lower, good)])  # fmt: skip
    assert "只剩 1 个未使用的测评码" in refused.value.messages[0]
    assert not Code.objects.filter(used=True).exists()
    assert not PendingSheet.objects.exists()


def test_paper_sheets_are_refused_in_preparation_and_after_the_close(cast):
    session = make_session(cast, cadres=0, status="draft")
    _codes(session, "上级", 1)
    rater = session.rater_classes.get(name="上级")
    with pytest.raises(office.PaperRefused) as refused:
        office.paper_sheets_enter(actor=cast.admin, session=session,
                                  sheets=[(rater, marks_for(session, {}))])  # fmt: skip
    assert "正式测评中或测试中" in refused.value.messages[0]


def test_a_paper_sheet_over_the_share_of_excellent_counts_as_invalid_in_the_tally(
    evaluation, cast, vote
):
    from kaohe.ballots.evaluation_tally import session_result

    everyone_excellent = {t.label: "优秀" for t in evaluation.targets.filter(cadre__isnull=False)}
    _codes(evaluation, "下级", 1)
    office.paper_sheets_enter(
        actor=cast.admin, session=evaluation,
        sheets=[(evaluation.rater_classes.get(name="下级"),
                 marks_for(evaluation, everyone_excellent))],
    )  # fmt: skip
    for _i in range(5):
        vote(evaluation, "下级")
    services.session_set_status(actor=cast.admin, session=evaluation, status="closed")
    evaluation.refresh_from_db()
    result = session_result(evaluation)
    cadre = next(t for p in result.parts for t in p.rows if t.target.label == "张青山")
    assert cadre.valid == 5 and cadre.invalid == 1


def test_a_code_used_on_paper_is_refused_to_a_phone_afterwards(evaluation, cast):
    code = new_code(evaluation, "同级")
    office.paper_sheets_enter(
        actor=cast.admin, session=evaluation,
        sheets=[(evaluation.rater_classes.get(name="同级"), marks_for(evaluation, {}))],
    )  # fmt: skip
    with pytest.raises(services.BallotRefused) as refused:
        services.ballot_submit(code=code, marks=marks_for(evaluation, {}))
    assert refused.value.refusal == services.Refusal.USED


def test_closing_time_passes_do_not_stop_paper_entry_before_the_close(evaluation, cast):
    evaluation.closes_at = timezone.now() - dt.timedelta(minutes=1)
    evaluation.opens_at = evaluation.closes_at - dt.timedelta(hours=2)
    evaluation.save(update_fields=["closes_at", "opens_at"])
    _codes(evaluation, "上级", 1)
    assert office.paper_sheets_enter(
        actor=cast.admin, session=evaluation,
        sheets=[(evaluation.rater_classes.get(name="上级"), marks_for(evaluation, {}))],
    ) == 1  # fmt: skip


def test_one_sessions_failed_close_leaves_the_others_to_close(cast, monkeypatch, caplog):
    first = make_session(cast, cadres=0, name="甲")
    second = make_session(cast, cadres=0, name="乙")
    real = services.session_set_status

    def failing(*, session, **kw):
        if session.pk == first.pk:
            raise RuntimeError("disk full")
        return real(session=session, **kw)

    monkeypatch.setattr(services, "session_set_status", failing)
    later = first.closes_at + dt.timedelta(minutes=5)
    assert office.sessions_close_due(now=later) == [second.pk]
    assert "periodic close failed" in caplog.text
    first.refresh_from_db()
    assert first.status == SessionStatus.OPEN  # tried again on the next run


def test_paper_sheets_in_test_mode_use_test_codes_and_go_with_the_test_data(cast):
    session = make_session(cast, cadres=0, status="testing")
    _codes(session, "上级", 1)
    rater = session.rater_classes.get(name="上级")
    office.paper_sheets_enter(actor=cast.admin, session=session,
                              sheets=[(rater, marks_for(session, {}))])  # fmt: skip
    assert Code.objects.get(session=session).test and Code.objects.get(session=session).used
    services.session_set_status(actor=cast.admin, session=session, status="open")
    assert not PendingSheet.objects.exists() and not Code.objects.filter(session=session).exists()
