"""Publicity (公示) of the 优秀 list: started on a decided outcome, shown to the public
without login (name, unit, post, grade, period, how to object: nothing else), objections
recorded and handled (one upheld changes the grade), published after the period."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kaohe.core.models import AuditEntry
from kaohe.results import appeals
from kaohe.results.models import GradeSource, ObjectionResult, OutcomeStatus
from kaohe.results.tests.published import decided

START, END = dt.date(2025, 3, 3), dt.date(2025, 3, 7)


def start(cast, published):
    return appeals.publicity_start(
        actor=cast.admin, outcome=published.outcome, start=START, end=END,
        contact="县委组织部干部科，电话 0000-1234567",
    )  # fmt: skip


def test_working_days_count_monday_to_friday():
    assert appeals.working_days(dt.date(2025, 3, 3), dt.date(2025, 3, 7)) == 5
    assert appeals.working_days(dt.date(2025, 3, 7), dt.date(2025, 3, 10)) == 2
    assert appeals.working_days(dt.date(2025, 3, 8), dt.date(2025, 3, 9)) == 0


def test_publicity_needs_a_decided_outcome_a_contact_and_dates_in_order(cast):
    published = decided(cast)
    with pytest.raises(ValidationError) as error:
        appeals.publicity_start(actor=cast.admin, outcome=published.outcome, start=END,
                                end=START, contact="x")  # fmt: skip
    assert error.value.error_dict["end"][0].code == "publicity_dates"
    with pytest.raises(ValidationError):
        appeals.publicity_start(actor=cast.admin, outcome=published.outcome, start=START,
                                end=END, contact=" ")  # fmt: skip
    outcome = start(cast, published)
    assert outcome.status == OutcomeStatus.PUBLICITY
    assert [f.cadre.name for f in appeals.excellent_list(outcome)] == ["张青山"]


def test_the_public_page_shows_only_the_excellent_list_without_login(client, cast):
    published = decided(cast)
    url = reverse("results:publicity_public", args=[published.outcome.pk])
    assert client.get(url).status_code == 404  # not yet on display
    start(cast, published)
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "张青山" in page and "青山镇" in page and "党委书记" in page and "优秀" in page
    assert "李白水" not in page and "王待定" not in page  # 称职 and pending are not shown
    assert "95.00" not in page and "得分" not in page  # no score
    assert "0000-1234567" in page and "2025年3月3日" in page
    assert "//cdn" not in page and "https://" not in page
    assert published.outcome.pk in [
        o.pk for o in client.get(reverse("results:publicity_public_index")).context["outcomes"]
    ]


def test_an_objection_is_recorded_within_the_period_and_one_upheld_changes_the_grade(cast):
    published = decided(cast)
    final = published.finals["张青山"]
    with pytest.raises(ValidationError):  # not in publicity yet
        appeals.objection_record(actor=cast.admin, final=final, received_on=START, content="x")
    start(cast, published)
    with pytest.raises(ValidationError) as error:
        appeals.objection_record(actor=cast.admin, final=final, received_on=END +
                                 dt.timedelta(days=1), content="反映")  # fmt: skip
    assert "2025-03-07" in str(error.value)
    with pytest.raises(ValidationError) as error:  # 称职: not on the list
        appeals.objection_record(actor=cast.admin, final=published.finals["李白水"],
                                 received_on=START, content="反映")  # fmt: skip
    assert error.value.error_dict["final"][0].code == "not_on_list"

    rejected = appeals.objection_record(
        actor=cast.admin,
        final=final,
        received_on=START,
        content="群众来信反映考勤问题",
        channel="来信",
    )
    upheld = appeals.objection_record(
        actor=cast.admin, final=final, received_on=START, content="反映年内受到诫勉"
    )
    with pytest.raises(ValidationError):  # publication waits for every objection
        appeals.outcome_publish(actor=cast.admin, outcome=published.outcome, today=END)
    appeals.objection_handle(actor=cast.admin, objection=rejected, result="rejected",
                             handling="经核实，考勤正常")  # fmt: skip
    with pytest.raises(ValidationError) as error:
        appeals.objection_handle(actor=cast.admin, objection=upheld, result="upheld",
                                 handling="属实", new_grade="")  # fmt: skip
    assert error.value.error_dict["new_grade"][0].code == "grade_required"
    appeals.objection_handle(actor=cast.admin, objection=upheld, result="upheld",
                             handling="经核实，年内受到诫勉，不得评为优秀", new_grade="称职")  # fmt: skip
    final.refresh_from_db()
    assert (final.grade, final.source, final.computed_grade) == (
        "称职",
        GradeSource.OBJECTION,
        "优秀",
    )
    assert [(c.old_grade, c.new_grade) for c in final.changes.all()] == [("优秀", "称职")]
    upheld.refresh_from_db()
    assert upheld.result == ObjectionResult.UPHELD
    assert AuditEntry.objects.filter(action="objection.record").count() == 2
    assert AuditEntry.objects.filter(action="objection.handle").count() == 2


def test_publication_waits_for_the_end_of_the_period(cast):
    published = decided(cast)
    with pytest.raises(ValidationError) as error:  # 优秀 must be publicised first
        appeals.outcome_publish(actor=cast.admin, outcome=published.outcome, today=END)
    assert error.value.code == "publicity_required"
    start(cast, published)
    with pytest.raises(ValidationError) as error:
        appeals.outcome_publish(actor=cast.admin, outcome=published.outcome, today=END -
                                dt.timedelta(days=1))  # fmt: skip
    assert "2025-03-07" in error.value.messages[0]
    outcome = appeals.outcome_publish(actor=cast.admin, outcome=published.outcome, today=END)
    assert outcome.status == OutcomeStatus.PUBLISHED and outcome.published_at


def test_the_office_starts_publicity_and_records_an_objection_on_its_page(client, cast):
    published = decided(cast)
    client.force_login(cast.admin)
    url = reverse("results:publicity_manage", args=[published.outcome.pk])
    page = client.get(url)
    assert page.status_code == 200 and "张青山" in page.content.decode()
    response = client.post(url, {"start": "2025-03-03", "end": "2025-03-01", "contact": "电话"})
    assert "公示结束日期不能早于开始日期" in response.content.decode()
    response = client.post(url, {"start": "2025-03-03", "end": "2025-03-07", "contact": "电话"})
    assert response.status_code == 302
    final = published.finals["张青山"]
    response = client.post(
        reverse("results:objection_create", args=[published.outcome.pk]),
        {"final": final.pk, "received_on": "2025-03-04", "content": "<script>alert(1)</script>"},
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page
    assert "5 个工作日" in page


def test_the_public_sends_an_objection_checked_and_limited_per_source_and_day(client, cast):
    from django.utils import timezone

    from kaohe.results.models import Objection

    published = decided(cast)
    today = timezone.localdate()
    appeals.publicity_start(actor=cast.admin, outcome=published.outcome, start=today,
                            end=today + dt.timedelta(days=6), contact="电话")  # fmt: skip
    url = reverse("results:publicity_public", args=[published.outcome.pk])
    final = published.finals["张青山"]
    page = client.post(url, {"final": final.pk, "content": "太短"}).content.decode()
    assert "至少 10 个字" in page
    other = published.finals["李白水"]  # 称职: not on the list, whatever the form is sent
    page = client.post(url, {"final": other.pk, "content": "反映" * 10}).content.decode()
    assert not Objection.objects.exists()
    page = client.post(url, {"final": final.pk, "content": "反映该同志\x00多次缺席例会请核实"})
    assert page.status_code == 200 and not Objection.objects.exists()  # a NUL is refused
    page = client.post(url, {"final": final.pk, "content": "反映该同志\u202e多次缺席例会请核实"})
    assert "控制字符（U+202E）" in page.content.decode() and not Objection.objects.exists()
    with pytest.raises(ValidationError) as error:  # the service checks too
        appeals.objection_submit(final=final, content="反映该同志\u202e多次缺席例会请核实",
                                 contact="", address="10.0.0.1")  # fmt: skip
    assert error.value.error_dict["content"][0].code == "control_character"
    hostile = "反映该同志<b>年内</b>多次缺席例会，请核实"
    for _n in range(3):
        response = client.post(url, {"final": final.pk, "content": hostile, "contact": "王某"})
        assert response.status_code == 302
    sent = Objection.objects.get(pk=Objection.objects.order_by("pk").first().pk)
    assert sent.channel == "网上提交" and "联系方式：王某" in sent.content
    assert sent.recorded_by is None and len(sent.address_key) == 32
    assert "127.0.0.1" not in sent.address_key
    page = client.post(url, {"final": final.pk, "content": hostile}).content.decode()
    assert "每天最多提交 3 条" in page and Objection.objects.count() == 3
    other_source = client.post(url, {"final": final.pk, "content": hostile},
                               REMOTE_ADDR="10.0.0.9")  # fmt: skip
    assert other_source.status_code == 302 and Objection.objects.count() == 4
    client.force_login(cast.admin)
    office = client.get(reverse("results:publicity_manage", args=[published.outcome.pk]))
    assert "&lt;b&gt;年内&lt;/b&gt;" in office.content.decode()
