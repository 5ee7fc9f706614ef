import datetime as dt
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kaohe.collection.models import Attachment, OwnerType, Rectification, RectificationStatus
from kaohe.collection.ranking import period_rank
from kaohe.collection.rectification import (
    rectification_return,
    rectification_sign_off,
    rectification_submit,
    rectification_todos,
    rectifications_escalate,
)
from kaohe.collection.tests.warning_helpers import quarter
from kaohe.collection.todos import TodoState
from kaohe.core.models import AuditEntry
from kaohe.core.workflow import TransitionRefused

ISSUED = dt.date(2024, 3, 31)
PDF = b"%PDF-1.4\n%evidence\n"


@pytest.fixture
def task(cast, party):
    """青山镇's rectification of its red Q1 warning, issued 03-31, due 04-30."""
    q1 = quarter(party["party"], "Q1")
    scores = {cast.unit_a.pk: Decimal(70), cast.unit_b.pk: Decimal(90)}
    outcome = period_rank(actor=cast.admin, period=q1, today=ISSUED, totals=lambda period: scores)
    return outcome.issued[0].rectification


def detail(task):
    return f"/collection/rectifications/{task.pk}/"


def test_a_warning_opens_a_task_due_one_calendar_month_later(task, cast):
    assert task.unit == cast.unit_a and task.status == RectificationStatus.OPEN
    assert task.due_on == dt.date(2024, 4, 30)


def test_the_unit_answers_the_office_returns_the_unit_answers_again_and_it_is_signed_off(
    task, cast
):
    rectification_submit(
        actor=cast.liaison, rectification=task, feedback="已召开专题会分析原因", files=[PDF]
    )
    task.refresh_from_db()
    assert task.status == RectificationStatus.SUBMITTED and task.submitted_by == cast.liaison
    evidence = Attachment.objects.get(owner_type=OwnerType.RECTIFICATION, owner_id=task.pk)
    assert evidence.unit == cast.unit_a

    with pytest.raises(ValidationError) as refused:
        rectification_return(actor=cast.admin, rectification=task, reason=" ")
    assert refused.value.error_dict["reason"][0].code == "reason_required"
    rectification_return(actor=cast.admin, rectification=task, reason="缺少整改台账")
    task.refresh_from_db()
    assert task.status == RectificationStatus.RETURNED and task.return_reason == "缺少整改台账"

    rectification_submit(actor=cast.liaison, rectification=task, feedback="已补充整改台账")
    rectification_sign_off(actor=cast.admin, rectification=task, note="整改到位")
    task.refresh_from_db()
    assert task.status == RectificationStatus.SIGNED_OFF and task.verified_by == cast.admin
    moves = list(
        AuditEntry.objects.filter(object_type="collection.rectification", object_id=str(task.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert moves == [
        "rectification.submit",
        "rectification.return",
        "rectification.submit",
        "rectification.sign_off",
    ]
    first_feedback = AuditEntry.objects.filter(action="rectification.submit").order_by("pk")[1]
    assert first_feedback.before["feedback"] == "已召开专题会分析原因"  # history kept


def test_moves_out_of_turn_are_refused(task, cast):
    with pytest.raises(TransitionRefused):
        rectification_sign_off(actor=cast.admin, rectification=task)
    with pytest.raises(ValidationError) as refused:
        rectification_submit(actor=cast.liaison, rectification=task, feedback="   ")
    assert refused.value.error_dict["feedback"][0].code == "feedback_required"
    rectification_submit(actor=cast.liaison, rectification=task, feedback="ok")
    with pytest.raises(TransitionRefused):
        rectification_submit(actor=cast.liaison, rectification=task, feedback="again")


def test_a_refused_file_leaves_the_task_open(task, cast):
    with pytest.raises(ValidationError):
        rectification_submit(
            actor=cast.liaison, rectification=task, feedback="x", files=[b"MZ\x90\x00"]
        )
    task.refresh_from_db()
    assert task.status == RectificationStatus.OPEN and not Attachment.objects.exists()


def test_late_tasks_are_escalated_once(task, cast):
    assert rectifications_escalate(today=dt.date(2024, 4, 30)) == []  # due today: not late
    escalated = rectifications_escalate(today=dt.date(2024, 5, 1))
    assert [t.pk for t in escalated] == [task.pk]
    assert rectifications_escalate(today=dt.date(2024, 5, 2)) == []  # idempotent
    task.refresh_from_db()
    assert task.escalated_on == dt.date(2024, 5, 1)
    assert AuditEntry.objects.filter(action="rectification.escalate").count() == 1


def test_answered_tasks_are_not_escalated(task, cast):
    rectification_submit(actor=cast.liaison, rectification=task, feedback="已整改")
    assert rectifications_escalate(today=dt.date(2024, 6, 1)) == []


def test_the_unit_and_the_office_see_their_to_dos(task, cast):
    due = list(rectification_todos(cast.liaison, dt.date(2024, 4, 10)))
    assert [(t.state, t.due) for t in due] == [(TodoState.DUE, dt.date(2024, 4, 30))]
    late = list(rectification_todos(cast.liaison, dt.date(2024, 5, 10)))
    assert [t.state for t in late] == [TodoState.LATE]
    assert list(rectification_todos(cast.outsider, dt.date(2024, 4, 10))) == []
    assert list(rectification_todos(cast.admin, dt.date(2024, 4, 10))) == []

    rectification_submit(actor=cast.liaison, rectification=task, feedback="已整改")
    assert list(rectification_todos(cast.liaison, dt.date(2024, 4, 10))) == []
    waiting = list(rectification_todos(cast.admin, dt.date(2024, 4, 10)))
    assert [t.state for t in waiting] == [TodoState.WAITING]
    assert waiting[0].url == detail(task)

    rectification_return(actor=cast.admin, rectification=task, reason="不够具体")
    returned = list(rectification_todos(cast.liaison, dt.date(2024, 4, 10)))
    assert [(t.state, t.detail) for t in returned] == [(TodoState.RETURNED, "不够具体")]
    assert list(rectification_todos(cast.leader, dt.date(2024, 4, 10))) == []


def test_the_unit_submits_on_the_page_with_evidence(client, task, cast):
    client.force_login(cast.liaison)
    page = client.get(detail(task))
    assert "feedback-form" in page.content.decode()
    upload = BytesIO(PDF)
    upload.name = "整改台账.pdf"
    response = client.post(
        detail(task), {"op": "submit", "feedback": "已落实整改", "evidence": upload}
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == RectificationStatus.SUBMITTED and task.feedback == "已落实整改"
    page = client.get(detail(task)).content.decode()
    assert "整改台账.pdf" in page and "feedback-form" not in page


def test_control_characters_in_the_feedback_are_refused_with_the_field_named(client, task, cast):
    client.force_login(cast.liaison)
    response = client.post(detail(task), {"op": "submit", "feedback": "整改\x00情况"})
    assert response.status_code == 200
    task.refresh_from_db()
    assert task.status == RectificationStatus.OPEN
    assert "has-error" in response.content.decode()


def test_only_the_unit_answers_and_only_the_office_verifies(client, task, cast):
    client.force_login(cast.outsider)
    assert client.post(detail(task), {"op": "submit", "feedback": "x"}).status_code == 404
    client.force_login(cast.scorer)
    assert client.post(detail(task), {"op": "submit", "feedback": "x"}).status_code == 403
    client.force_login(cast.leader)
    assert client.post(detail(task), {"op": "submit", "feedback": "x"}).status_code == 403
    client.force_login(cast.liaison)
    client.post(detail(task), {"op": "submit", "feedback": "已整改"})
    assert client.post(detail(task), {"op": "sign_off"}).status_code == 403
    client.force_login(cast.committee_member)
    assert client.post(detail(task), {"op": "sign_off"}).status_code == 403
    task.refresh_from_db()
    assert task.status == RectificationStatus.SUBMITTED


def test_the_office_returns_on_the_page_only_with_a_reason(client, task, cast):
    rectification_submit(actor=cast.liaison, rectification=task, feedback="已整改")
    client.force_login(cast.admin)
    response = client.post(detail(task), {"op": "return", "note": ""})
    assert response.status_code == 200 and "请填写理由" in response.content.decode()
    response = client.post(detail(task), {"op": "return", "note": "缺少佐证"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == RectificationStatus.RETURNED
    assert "缺少佐证" in client.get(detail(task)).content.decode()


def test_the_lists_show_each_reader_what_they_may_see(client, task, cast):
    client.force_login(cast.liaison)
    assert "青山镇" in client.get("/collection/rectifications/").content.decode()
    client.force_login(cast.outsider)
    body = client.get("/collection/rectifications/").content.decode()
    assert "青山镇" not in body and "没有整改任务" in body
    assert "青山镇" not in client.get("/collection/warnings/").content.decode()
    client.force_login(cast.leader)
    assert "青山镇" in client.get("/collection/rectifications/").content.decode()


@pytest.mark.parametrize("url", ["/collection/rectifications/", "/collection/warnings/"])
def test_the_list_pages_query_count_does_not_grow_with_the_rows(client, cast, party, url):
    from kaohe.orgs.services import unit_create

    q1 = quarter(party["party"], "Q1")
    units = [cast.unit_a, cast.unit_b] + [
        unit_create(actor=None, code=f"t{i}", name=f"镇{i}", category=cast.town_category)
        for i in range(6)
    ]
    client.force_login(cast.admin)

    def count(bottom: int) -> int:
        version = q1.scheme.current_version
        version.definition = {
            **version.definition,
            "warnings": {"bottom": bottom, "levels": ["红"]},
        }
        version.save(update_fields=["definition"])
        scores = {u.pk: Decimal(60 + i) for i, u in enumerate(units)}
        period_rank(actor=None, period=q1, today=ISSUED, totals=lambda period: scores)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    few = count(1)
    many = count(6)
    assert Rectification.objects.exclude(status=RectificationStatus.CANCELLED).count() == 6
    assert many == few


def test_the_ranking_pages_query_count_does_not_grow_with_the_units(client, cast, party):
    from kaohe.orgs.services import unit_create

    q1 = quarter(party["party"], "Q1")
    client.force_login(cast.admin)
    units = [cast.unit_a, cast.unit_b]

    def count() -> int:
        scores = {u.pk: Decimal(60 + i) for i, u in enumerate(units)}
        period_rank(actor=None, period=q1, today=ISSUED, totals=lambda period: scores)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/collection/warnings/periods/{q1.pk}/")
        assert response.status_code == 200 and "青山镇" in response.content.decode()
        return len(queries)

    few = count()
    units += [
        unit_create(actor=None, code=f"t{i}", name=f"镇{i}", category=cast.town_category)
        for i in range(8)
    ]
    assert count() == few


def test_the_daily_task_escalates_with_todays_date(task):
    from django.utils import timezone

    from kaohe.collection.rectification import rectifications_escalate_daily

    assert rectifications_escalate_daily.apply().get() == 1  # due 2024-04-30: long past
    task.refresh_from_db()
    assert task.escalated_on == timezone.localdate()
    assert rectifications_escalate_daily.apply().get() == 0


def test_the_warning_pages_speak_english_when_asked(client, task, cast):
    from django.urls import reverse

    client.force_login(cast.liaison)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(detail(task)).content.decode()
    assert "Submit the feedback" in page and "Red" in page and "Deadline" in page
    assert "1 rectification task" in client.get("/collection/rectifications/").content.decode()


def test_the_office_filters_the_late_tasks(client, task, cast):
    client.force_login(cast.admin)
    body = client.get("/collection/rectifications/?late=late").content.decode()
    assert "青山镇" in body  # due 2024-04-30, long past
    rectification_submit(actor=cast.liaison, rectification=task, feedback="已整改")
    body = client.get("/collection/rectifications/?late=late").content.decode()
    assert "没有整改任务" in body


def test_feedback_longer_than_allowed_is_refused_on_the_page(client, task, cast):
    client.force_login(cast.liaison)
    response = client.post(detail(task), {"op": "submit", "feedback": "整" * 5001})
    assert response.status_code == 200 and "has-error" in response.content.decode()
    with pytest.raises(ValidationError) as refused:
        rectification_submit(actor=cast.liaison, rectification=task, feedback="整" * 5001)
    assert refused.value.error_dict["feedback"][0].code == "feedback_long"
    task.refresh_from_db()
    assert task.status == RectificationStatus.OPEN


def test_the_escalation_command_escalates_once(task):
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    call_command("rectifications_escalate", "--today", "2024-05-01", stdout=out)
    call_command("rectifications_escalate", "--today", "2024-05-02", stdout=out)
    assert out.getvalue().split() == ["escalated=1", "escalated=0"]
    with pytest.raises(CommandError):
        call_command("rectifications_escalate", "--today", "2024-13-01")


def test_the_beat_schedule_escalates_daily_before_the_reminders(settings):
    from celery.schedules import crontab

    from kaohe.config.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["rectifications-escalate-daily"]
    assert entry["task"] in app.tasks and isinstance(entry["schedule"], crontab)


def test_the_units_home_page_lists_its_rectification(client, task, cast):
    client.force_login(cast.liaison)
    page = client.get("/").content.decode()
    assert "整改反馈" in page and detail(task) in page
    client.force_login(cast.outsider)
    assert "整改反馈" not in client.get("/").content.decode()
