"""复核 and 申诉 of a published grade (公务员法 第95条): deadlines from the publication and
the 复核 decision, a recomputation (from the snapshot with one input corrected, or from
the database) compared with the original row, and a decision that changes the grade with
the run, keeping the history; cadres pending because of an open 立案审查 are graded again
when the case closes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from kaohe.results import appeals
from kaohe.results.models import AppealKind, AppealStatus, GradeSource, Run, RunStatus
from kaohe.results.tests.published import decided, graded_run

D = Decimal


def published(cast, data=None):
    data = data or decided(cast)
    appeals.publicity_start(actor=cast.admin, outcome=data.outcome, start=dt.date(2025, 3, 3),
                            end=dt.date(2025, 3, 7), contact="电话")  # fmt: skip
    appeals.outcome_publish(actor=cast.admin, outcome=data.outcome, today=dt.date(2025, 3, 7))
    data.outcome.refresh_from_db()
    return data


def file_review(cast, data, days=3, name="李白水"):
    notified = appeals.notified_on(data.outcome)
    return appeals.appeal_file(
        actor=cast.admin, final=data.finals[name], kind=AppealKind.REVIEW,
        filed_on=notified + dt.timedelta(days=days), reason="年终测评分数录入有误",
    )  # fmt: skip


def test_a_review_is_filed_within_30_days_of_publication_and_due_30_days_later(cast):
    data = decided(cast)
    with pytest.raises(ValidationError) as error:  # not yet published
        appeals.appeal_file(actor=cast.admin, final=data.finals["李白水"], kind="review",
                            filed_on=timezone.localdate(), reason="x")  # fmt: skip
    assert error.value.code == "not_published"
    data = published(cast, data)
    notified = appeals.notified_on(data.outcome)
    last = notified + dt.timedelta(days=30)
    with pytest.raises(ValidationError) as error:
        file_review(cast, data, days=31)
    assert error.value.error_dict["filed_on"][0].code == "review_late"
    assert last.isoformat() in str(error.value)  # says the deadline
    review = file_review(cast, data, days=30)
    assert review.due_on == last + dt.timedelta(days=30)
    assert review.appellant == "李白水"
    with pytest.raises(ValidationError):  # one open at a time
        file_review(cast, data, days=2)
    assert not appeals.is_overdue(review, review.due_on)
    assert appeals.is_overdue(review, review.due_on + dt.timedelta(days=1))


def test_a_review_recomputes_with_a_corrected_input_and_changes_the_grade_with_history(
    cast, django_capture_on_commit_callbacks
):
    data = published(cast)
    review = file_review(cast, data)
    with pytest.raises(ValidationError) as error:
        appeals.appeal_recompute(actor=cast.admin, appeal=review, source="snapshot",
                                 input_name="leader", value="91")  # fmt: skip
    assert error.value.error_dict["input_name"][0].code == "no_such_input"
    with django_capture_on_commit_callbacks(execute=True):
        run = appeals.appeal_recompute(actor=cast.admin, appeal=review, source="snapshot",
                                       input_name="score", value="91")  # fmt: skip
    run.refresh_from_db()
    review.refresh_from_db()
    assert run.status == RunStatus.DONE and run.recomputed_from_id == data.outcome.run_id
    assert review.status == AppealStatus.RECOMPUTING and review.correction == "score = 91"
    row = appeals.appeal_row(review)
    assert (row.score, row.grade) == (D("91"), "优秀")

    with pytest.raises(ValidationError):
        appeals.appeal_decide(actor=cast.admin, appeal=review, decision="changed", reason=" ")
    appeals.appeal_decide(actor=cast.admin, appeal=review, decision="changed",
                          reason="测评分数录入错误，更正后为 91 分")  # fmt: skip
    final = data.finals["李白水"]
    final.refresh_from_db()
    assert (final.grade, final.source, final.row_id) == ("优秀", GradeSource.REVIEW, row.pk)
    change = final.changes.get()
    assert (change.old_grade, change.new_grade, change.run_id) == ("称职", "优秀", run.pk)
    review.refresh_from_db()
    assert (review.status, review.decision) == (AppealStatus.DECIDED, "changed")


def test_an_appeal_follows_a_decided_review_within_15_days(cast):
    data = published(cast)
    review = file_review(cast, data)
    with pytest.raises(ValidationError) as error:
        appeals.appeal_file(actor=cast.admin, final=review.final, kind="appeal", review=review,
                            filed_on=review.filed_on, reason="不服")  # fmt: skip
    assert error.value.code == "appeal_open"  # the 复核 is not decided yet
    day = review.filed_on + dt.timedelta(days=10)
    appeals.appeal_decide(actor=cast.admin, appeal=review, decision="upheld",
                          reason="经复核，分数无误", decided_on=day)  # fmt: skip
    final = review.final
    final.refresh_from_db()
    assert final.grade == "称职" and not final.changes.exists()
    with pytest.raises(ValidationError) as error:
        appeals.appeal_file(actor=cast.admin, final=final, kind="appeal", review=review,
                            filed_on=day + dt.timedelta(days=16), reason="不服")  # fmt: skip
    assert error.value.error_dict["filed_on"][0].code == "appeal_late"
    with pytest.raises(ValidationError) as error:  # one 复核; against its decision, a 申诉
        file_review(cast, data, days=12)
    assert error.value.error_dict["kind"][0].code == "review_again"
    appeal = appeals.appeal_file(actor=cast.admin, final=final, kind="appeal", review=review,
                                 filed_on=day + dt.timedelta(days=15), reason="不服复核决定")  # fmt: skip
    assert appeal.due_on == day + dt.timedelta(days=75)  # decided within 60 days
    appeals.appeal_decide(actor=cast.admin, appeal=appeal, decision="upheld", reason="维持",
                          decided_on=day + dt.timedelta(days=20))  # fmt: skip
    for kind, extra in (("appeal", {"review": review}), ("review", {})):
        with pytest.raises(ValidationError) as error:
            appeals.appeal_file(actor=cast.admin, final=final, kind=kind, reason="再次",
                                filed_on=day + dt.timedelta(days=21), **extra)  # fmt: skip
        assert error.value.error_dict["kind"][0].code in ("appeal_again", "review_again")


def test_a_pending_cadre_is_graded_again_when_the_case_closes(
    cast, django_capture_on_commit_callbacks
):
    from kaohe.orgs.services import investigation_close

    data = decided(cast)
    final = data.finals["王待定"]
    assert final.status == "pending" and final.grade == ""
    pending = list(appeals.pending_grades())
    assert [f.pk for f in pending] == [final.pk]
    with pytest.raises(ValidationError) as error:
        appeals.investigation_regrade(actor=cast.admin, final=final)
    assert error.value.code == "case_open"
    investigation_close(actor=None, investigation=data.cadre_c.investigations.get(),
                        closed_on=dt.date(2025, 4, 1), outcome="不予处分")  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        regrade = appeals.investigation_regrade(actor=cast.admin, final=final)
    regrade.refresh_from_db()
    assert regrade.kind == AppealKind.INVESTIGATION and "不予处分" in regrade.reason
    assert regrade.run.suite == data.outcome.suite and regrade.run.recomputed_from is None
    # the suite's database run fails here (no component entered): no grade from it
    with pytest.raises(ValidationError) as error:
        appeals.appeal_decide(actor=cast.admin, appeal=regrade, decision="", reason="结案")
    assert error.value.code == "run_failed" and "score" in error.value.messages[0]
    # one that still has the case open leaves the cadre pending
    regrade.run = graded_run(cast, data.scheme, data.cadre_c)
    regrade.save(update_fields=["run"])
    with pytest.raises(ValidationError) as error:
        appeals.appeal_decide(actor=cast.admin, appeal=regrade, decision="", reason="结案")
    assert error.value.code == "still_pending"
    # graded again without the open case, the cadre gets the grade of the new row
    regrade.run = graded_run(cast, data.scheme, data.cadre_c, open_case=False)
    regrade.save(update_fields=["run"])
    appeals.appeal_decide(actor=cast.admin, appeal=regrade, decision="", reason="已结案，不予处分")
    final.refresh_from_db()
    assert (final.grade, final.status, final.source) == ("优秀", "graded", "investigation")
    assert not list(appeals.pending_grades())


def test_the_appeal_pages_record_recompute_and_decide(
    client, cast, django_capture_on_commit_callbacks
):
    data = published(cast)
    final = data.finals["李白水"]
    client.force_login(cast.admin)
    notified = appeals.notified_on(data.outcome)
    url = reverse("results:appeal_create", args=[final.pk])
    late = (notified + dt.timedelta(days=40)).isoformat()
    response = client.post(url, {"kind": "review", "filed_on": late, "reason": "分数有误"})
    assert "已逾期" in response.content.decode()
    response = client.post(url, {"kind": "review", "filed_on": notified.isoformat(),
                                 "reason": "分数有误"})  # fmt: skip
    review = final.appeals.get()
    assert response.status_code == 302 and response["Location"] == review.get_absolute_url()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("results:appeal_recompute", args=[review.pk]),
            {"source": "snapshot", "input_name": "score", "value": "九十"},
        )
    assert "不是数字" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("results:appeal_recompute", args=[review.pk]),
                    {"source": "snapshot", "input_name": "score", "value": "93"})  # fmt: skip
    page = client.get(review.get_absolute_url()).content.decode()
    assert "分项 score：85 → 93" in page
    client.post(reverse("results:appeal_decide", args=[review.pk]),
                {"decision": "changed", "grade": "", "decided_on": notified.isoformat(),
                 "reason": "更正分数"})  # fmt: skip
    final.refresh_from_db()
    assert final.grade == "优秀"
    grade_page = client.get(reverse("results:grade_detail", args=[final.pk])).content.decode()
    assert "复核" in grade_page and "更正分数" in grade_page
    listing = client.get(reverse("results:appeal_list")).content.decode()
    assert "李白水" in listing
    assert Run.objects.count() == 2


def test_an_overdue_review_is_shown_on_the_list(client, cast):
    data = published(cast)
    review = file_review(cast, data)
    type(review).objects.filter(pk=review.pk).update(due_on=timezone.localdate() - dt.timedelta(1))
    client.force_login(cast.admin)
    assert "已逾期" in client.get(reverse("results:appeal_list")).content.decode()


def test_the_pending_list_shows_the_case_state(client, cast):
    decided(cast)
    client.force_login(cast.admin)
    page = client.get(reverse("results:investigation_list")).content.decode()
    assert "王待定" in page and "未结案" in page and "2024-10-01" in page


def test_an_appeal_without_a_review_is_filed_within_30_days_of_publication(cast):
    """公务员法 第95条: 也可以不经复核，自知道该人事处理之日起三十日内直接提出申诉; the body
    that takes it decides within 60 days (第96条)."""
    data = published(cast)
    notified = appeals.notified_on(data.outcome)

    def direct(days):
        return appeals.appeal_file(
            actor=cast.admin, final=data.finals["李白水"], kind=AppealKind.APPEAL,
            filed_on=notified + dt.timedelta(days=days), reason="不服考核等次",
        )  # fmt: skip

    with pytest.raises(ValidationError) as error:
        direct(31)
    assert error.value.error_dict["filed_on"][0].code == "appeal_late"
    assert "不经复核" in str(error.value)
    appeal = direct(30)
    assert appeal.review_id is None and appeal.kind == AppealKind.APPEAL
    assert appeal.due_on == notified + dt.timedelta(days=30 + 60)
