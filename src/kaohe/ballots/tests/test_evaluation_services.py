"""The democratic evaluation's services: codes used once, sessions' statuses, the close."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kaohe.ballots import evaluation_services as services
from kaohe.ballots.evaluation_services import BallotRefused, Refusal
from kaohe.ballots.models import Code, PendingSheet, SessionStatus, Sheet
from kaohe.ballots.tests.conftest import make_session, marks_for, new_code
from kaohe.core.models import AuditEntry


def test_a_code_gives_one_sheet_and_then_is_refused_as_used(evaluation):
    code = new_code(evaluation, "下级")
    services.ballot_submit(code=code, marks=marks_for(evaluation, {}))
    assert PendingSheet.objects.filter(session=evaluation).count() == 1
    assert Code.objects.get(code=code).used
    with pytest.raises(BallotRefused) as refused:
        services.ballot_submit(code=code, marks=marks_for(evaluation, {}))
    assert refused.value.refusal == Refusal.USED
    assert "已经使用过" in refused.value.messages[0]
    assert PendingSheet.objects.count() == 1


def test_a_typed_code_may_have_dashes_spaces_and_small_letters(evaluation):
    code = new_code(evaluation, "上级")
    typed = f" {code[:4].lower()}-{code[4:]} "
    assert services.code_check(typed).code == code


def test_an_unknown_code_is_refused_in_chinese(evaluation):
    with pytest.raises(BallotRefused) as refused:
        services.ballot_submit(code="ZZZZ-ZZZZ", marks={})
    assert refused.value.refusal == Refusal.UNKNOWN
    assert refused.value.messages == ["测评码无效，请核对后重新输入。"]


def test_a_code_is_refused_before_the_opening_time_and_after_the_closing_time(evaluation):
    code = new_code(evaluation, "上级")
    early = evaluation.opens_at - dt.timedelta(minutes=1)
    late = evaluation.closes_at
    for now, refusal in ((early, Refusal.NOT_OPEN), (late, Refusal.CLOSED)):
        with pytest.raises(BallotRefused) as refused:
            services.ballot_submit(code=code, marks=marks_for(evaluation, {}), now=now)
        assert refused.value.refusal == refusal
    assert not Code.objects.get(code=code).used


def test_a_closed_sessions_code_gets_the_closed_message(evaluation, cast):
    code = new_code(evaluation, "上级")
    services.session_set_status(actor=cast.admin, session=evaluation, status="closed")
    with pytest.raises(BallotRefused) as refused:
        services.code_check(code)
    assert refused.value.refusal == Refusal.CLOSED
    assert "已经结束" in refused.value.messages[0]


def test_a_sheet_that_misses_a_target_or_gives_an_unknown_choice_is_refused(evaluation):
    code = new_code(evaluation, "上级")
    marks = marks_for(evaluation, {})
    missing = dict(list(marks.items())[1:])
    unknown = {**marks, next(iter(marks)): "超级优秀"}
    extra = {**marks, "999999": "称职"}
    for bad in (missing, unknown, extra, ["not", "a", "mapping"]):
        with pytest.raises(BallotRefused) as refused:
            services.ballot_submit(code=code, marks=bad)
        assert refused.value.refusal == Refusal.BAD_SHEET
    assert not Code.objects.get(code=code).used
    assert not PendingSheet.objects.exists()


def test_closing_moves_the_sheets_out_of_the_holding_table_with_new_keys(evaluation, cast, vote):
    for rater in ("上级", "同级", "下级", "下级"):
        vote(evaluation, rater)
    held = set(PendingSheet.objects.values_list("id", flat=True))
    services.session_set_status(actor=cast.admin, session=evaluation, status="closed")
    assert not PendingSheet.objects.exists()
    archived = set(Sheet.objects.filter(session=evaluation).values_list("id", flat=True))
    assert len(archived) == 4
    assert not archived & held
    entry = AuditEntry.objects.filter(action="ballot_session.status").latest("pk")
    assert entry.after["sheets"] == 4 and entry.after["status"] == "closed"


def test_test_mode_data_is_wiped_in_one_move_and_going_live_wipes_it_too(cast, vote):
    session = make_session(cast, status="testing")
    vote(session, "上级")
    vote(session, "同级")
    assert Code.objects.filter(session=session, test=True).count() == 2
    services.session_set_status(actor=cast.admin, session=session, status="draft")
    assert not Code.objects.filter(session=session).exists()
    assert not PendingSheet.objects.filter(session=session).exists()
    services.session_set_status(actor=cast.admin, session=session, status="testing")
    vote(session, "上级")
    live_code = None
    services.session_set_status(actor=cast.admin, session=session, status="open")
    session.refresh_from_db()
    assert session.status == SessionStatus.OPEN
    assert not PendingSheet.objects.filter(session=session).exists()
    assert not Code.objects.filter(session=session, test=True).exists()
    live_code = new_code(session, "上级")
    assert not Code.objects.get(code=live_code).test


def test_a_test_code_does_not_vote_in_the_live_session_nor_a_live_code_in_test_mode(cast):
    session = make_session(cast, status="draft")
    live = new_code(session, "上级")  # printed ahead, while preparing
    services.session_set_status(actor=cast.admin, session=session, status="testing")
    with pytest.raises(BallotRefused) as refused:
        services.code_check(live)
    assert refused.value.refusal == Refusal.NOT_OPEN
    test = new_code(session, "上级")
    assert services.code_check(test).test


def test_the_workflow_refuses_reopening_a_closed_session(evaluation, cast):
    services.session_set_status(actor=cast.admin, session=evaluation, status="closed")
    with pytest.raises(ValidationError) as refused:
        services.session_set_status(actor=cast.admin, session=evaluation, status="open")
    assert refused.value.code == "ballot_session_transition"


def test_codes_are_refused_for_a_closed_session_and_out_of_range_counts(evaluation, cast):
    rater = evaluation.rater_classes.first()
    with pytest.raises(ValidationError):
        services.codes_create(actor=None, session=evaluation, rater_class=rater, count=0)
    with pytest.raises(ValidationError):
        services.codes_create(actor=None, session=evaluation, rater_class=rater, count=10**6)
    assert services.codes_create(actor=None, session=evaluation, rater_class=rater, count=50) == 50
    assert len({c.code for c in Code.objects.all()}) == 50
    services.session_set_status(actor=cast.admin, session=evaluation, status="closed")
    with pytest.raises(ValidationError):
        services.codes_create(actor=None, session=evaluation, rater_class=rater, count=1)


def test_printing_order_is_shuffled(evaluation):
    rater = evaluation.rater_classes.first()
    services.codes_create(actor=None, session=evaluation, rater_class=rater, count=40)
    orders = {tuple(c.pk for c in services.codes_for_printing(evaluation)) for _ in range(3)}
    assert len(orders) > 1


def test_a_session_needs_rater_classes_and_a_closing_after_the_opening(cast):
    from decimal import Decimal

    from kaohe.schemes.tests.factories import year_2024

    now = timezone.now()
    with pytest.raises(ValidationError):
        services.session_create(actor=None, name="x", year=year_2024(), opens_at=now,
                                closes_at=now, rater_classes=[("上级", Decimal(1))])  # fmt: skip
    with pytest.raises(ValidationError):
        services.session_create(actor=None, name="x", year=year_2024(), opens_at=now,
                                closes_at=now + dt.timedelta(hours=1), rater_classes=[])  # fmt: skip


def test_an_office_may_add_a_ballot_form_whose_limited_choice_is_one_of_its_choices(db):
    from decimal import Decimal

    from kaohe.ballots.models import BallotForm

    form = services.ballot_form_create(
        actor=None, name="干部测评（五档）", subject="cadre",
        choices=[("优秀", Decimal(100)), ("良好", Decimal(90)), ("称职", Decimal(80)),
                 ("基本称职", Decimal(60)), ("不称职", Decimal(0))],
        max_share_choice="优秀", max_share=Decimal("0.15"),
    )  # fmt: skip
    assert form.points()["良好"] == Decimal(90)
    assert AuditEntry.objects.filter(action="ballot_form.create", object_id=str(form.pk)).exists()
    with pytest.raises(ValidationError) as refused:
        services.ballot_form_create(
            actor=None, name="另一种", subject="cadre", choices=[("好", Decimal(1))],
            max_share_choice="优秀", max_share=Decimal("0.2"),
        )  # fmt: skip
    assert "限制比例的选项" in str(refused.value)
    assert BallotForm.objects.filter(name="另一种").count() == 0
