"""A scheme written by hand (not from a preset) gets a calendar: the office adds periods by
hand, or generates the default calendar for a scheme without one."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kaohe.collection.models import Period, PeriodKind
from kaohe.collection.services import PeriodError, calendar_default_create, period_add
from kaohe.core.models import AuditEntry
from kaohe.schemes.tests import factories

HAND = """\
id: quality
name: 高质量发展绩效考核
subject: unit
grades: [好, 较好, 一般, 差]
bands: {好: 90, 较好: 80, 一般: 60}
group_by: category
"""


@pytest.fixture
def hand(cast):
    from kaohe.schemes.services import scheme_create

    return scheme_create(
        actor=cast.admin, year=factories.year_2024(), suite="高质量发展", text=HAND
    )


def test_the_office_adds_a_period_by_hand_with_its_dates(client, cast, hand):
    client.force_login(cast.admin)
    url = reverse("collection:period_add", args=[hand.pk])
    assert "新增考核周期" in client.get(url).content.decode()
    answer = client.post(url, {
        "kind": "quarterly", "key": "q1", "name": "一季度考核", "starts_on": "2024-01-01",
        "ends_on": "2024-03-31", "review_due": "2024-04-10", "ranked": "on",
        "report_kinds": ["quarter_tasks"],
    }, follow=True)  # fmt: skip
    assert "已新增「一季度考核」" in answer.content.decode()
    period = Period.objects.get(scheme=hand)
    assert (period.key, period.kind, period.ranked, period.report_kinds) == (
        "Q1",
        "quarterly",
        True,
        ["quarter_tasks"],
    )
    assert period.review_due == dt.date(2024, 4, 10)
    assert AuditEntry.objects.filter(action="period.create", object_id=str(period.pk)).exists()


def test_the_add_form_says_in_chinese_what_is_wrong(client, cast, hand):
    client.force_login(cast.admin)
    url = reverse("collection:period_add", args=[hand.pk])
    page = client.post(url, {
        "kind": "quarterly", "key": "M01", "name": "x", "starts_on": "2024-03-01",
        "ends_on": "2024-02-01",
    }).content.decode()  # fmt: skip
    assert "季度监测的周期代码应为 Q1…Q4，不能是「M01」" in page
    page = client.post(url, {
        "kind": "quarterly", "key": "Q2", "name": "x", "starts_on": "2024-03-01",
        "ends_on": "2024-02-01", "review_due": "2023-12-01",
    }).content.decode()  # fmt: skip
    assert "结束日期不能早于开始日期（2024-03-01）" in page
    assert "评分、审核截止须在 2024-01-01 至 2025-03-31 之间" in page
    assert not Period.objects.filter(scheme=hand).exists()


def test_a_key_the_scheme_has_is_refused(cast, hand):
    period_add(actor=cast.admin, scheme=hand, kind=PeriodKind.YEAR_END, key="Y", name="年终",
               starts_on=dt.date(2024, 12, 1), ends_on=dt.date(2025, 1, 31))  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        period_add(actor=cast.admin, scheme=hand, kind=PeriodKind.YEAR_END, key="Y",
                   name="年终2", starts_on=dt.date(2024, 12, 1), ends_on=dt.date(2025, 1, 31))  # fmt: skip
    assert refused.value.error_dict["key"][0].code == PeriodError.KEY_TAKEN


def test_the_default_calendar_is_generated_once_for_a_scheme_without_periods(client, cast, hand):
    client.force_login(cast.admin)
    page = client.get(reverse("collection:period_calendar", args=[hand.pk])).content.decode()
    assert "生成默认日历" in page and "按预置日历建立" not in page
    answer = client.post(reverse("collection:period_calendar_default", args=[hand.pk]), follow=True)
    assert "已生成默认日历：6 个考核周期" in answer.content.decode()
    assert list(hand.periods.values_list("key", flat=True)) == ["Q1", "Q2", "H1", "Q3", "Q4", "Y"]
    h1 = hand.periods.get(key="H1")
    assert (h1.report_due, h1.review_due) == (dt.date(2024, 6, 20), dt.date(2024, 6, 25))
    assert AuditEntry.objects.filter(action="period.calendar_default").count() == 1
    again = client.post(reverse("collection:period_calendar_default", args=[hand.pk]), follow=True)
    assert "本方案已有考核周期" in again.content.decode()
    assert hand.periods.count() == 6


def test_a_preset_scheme_is_refused_the_default_calendar(cast, party):
    with pytest.raises(ValidationError) as refused:
        calendar_default_create(actor=cast.admin, scheme=party["party"])
    assert refused.value.error_dict["scheme"][0].code == PeriodError.HAS_PRESET


def test_only_the_office_adds_periods(client, cast, hand):
    for user in (cast.scorer, cast.liaison):
        client.force_login(user)
        assert client.get(reverse("collection:period_add", args=[hand.pk])).status_code in (
            403,
            404,
        )
        answer = client.post(reverse("collection:period_calendar_default", args=[hand.pk]))
        assert answer.status_code in (403, 404)
    assert not hand.periods.exists()
