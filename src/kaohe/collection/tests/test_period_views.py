"""The calendar pages: the office creates, edits, opens, closes and reopens; the other
roles read."""

import datetime as dt

import pytest
from django.urls import reverse

from kaohe.collection.models import Period, PeriodStatus
from kaohe.collection.period_todos import period_todos
from kaohe.collection.services import calendar_create, period_set_status
from kaohe.collection.todos import TodoState
from kaohe.core.models import AuditEntry


@pytest.fixture
def calendar(cast, party):
    from kaohe.schemes.services import scheme_set_status

    scheme = scheme_set_status(actor=None, scheme=party["party"], status="published")
    calendar_create(actor=None, scheme=scheme)
    return {p.key: p for p in scheme.periods.all()}


def test_one_click_creates_the_schemes_calendar_from_its_preset(client, cast, party):
    client.force_login(cast.admin)
    scheme = party["party"]
    page = client.get(reverse("collection:period_calendar", args=[scheme.pk])).content.decode()
    assert "按预置日历建立 6 个周期" in page
    answer = client.post(
        reverse("collection:period_calendar_create", args=[scheme.pk]), follow=True
    )
    assert "已按预置日历建立 6 个考核周期" in answer.content.decode()
    assert scheme.periods.count() == 6
    again = client.post(reverse("collection:period_calendar_create", args=[scheme.pk]), follow=True)
    assert "预置日历中的周期都已建立，未新建" in again.content.decode()
    assert scheme.periods.count() == 6


def test_the_calendar_lists_the_periods_with_their_dates_and_status(client, cast, calendar):
    client.force_login(cast.admin)
    page = client.get(
        reverse("collection:period_calendar", args=[calendar["Q1"].scheme_id])
    ).content.decode()
    assert "第一季度监测" in page and "2024-03-20 ~ 2024-03-31" in page
    assert "半年工作总结" in page and "2024-06-20" in page and "2024-06-25" in page
    assert reverse("collection:period_edit", args=[calendar["Q1"].pk]) in page


def test_other_roles_read_the_calendar_without_the_offices_buttons(client, cast, calendar):
    client.force_login(cast.liaison)
    page = client.get(
        reverse("collection:period_calendar", args=[calendar["Q1"].scheme_id])
    ).content.decode()
    assert "第一季度监测" in page
    assert reverse("collection:period_edit", args=[calendar["Q1"].pk]) not in page
    assert "按预置日历建立" not in page


def test_the_edit_form_says_in_chinese_what_is_wrong_with_the_dates(client, cast, calendar):
    client.force_login(cast.admin)
    url = reverse("collection:period_edit", args=[calendar["Q1"].pk])
    answer = client.post(url, {"name": "一季度", "starts_on": "2024-03-20", "ends_on": "2024-03-10",
                               "report_due": "2026-01-01", "review_due": "x"})  # fmt: skip
    page = answer.content.decode()
    assert answer.status_code == 200
    assert "请输入日期，格式如 2024-06-20" in page
    assert "结束日期不能早于开始日期" not in page  # the form stops at the field's own error
    answer = client.post(url, {"name": "一季度", "starts_on": "2024-03-20", "ends_on": "2024-03-10",
                               "report_due": "2026-01-01", "review_due": ""})  # fmt: skip
    page = answer.content.decode()
    assert "结束日期不能早于开始日期（2024-03-20）" in page
    assert "报送截止须在 2024-01-01 至 2025-03-31 之间" in page
    assert Period.objects.get(pk=calendar["Q1"].pk).ends_on == dt.date(2024, 3, 31)


def test_the_edit_form_refuses_control_characters_in_the_name(client, cast, calendar):
    client.force_login(cast.admin)
    url = reverse("collection:period_edit", args=[calendar["Q1"].pk])
    answer = client.post(
        url, {"name": "一季度\x07", "starts_on": "2024-03-20", "ends_on": "2024-03-31"}
    )
    assert answer.status_code == 200 and "errorlist" in answer.content.decode()
    assert Period.objects.get(pk=calendar["Q1"].pk).name == "第一季度监测"


def test_the_office_saves_new_dates(client, cast, calendar):
    client.force_login(cast.admin)
    url = reverse("collection:period_edit", args=[calendar["H1"].pk])
    answer = client.post(url, {"name": "半年评估", "starts_on": "2024-06-14", "ends_on": "2024-06-30",
                               "report_due": "2024-06-21", "review_due": "2024-06-26"})  # fmt: skip
    assert answer.status_code == 302
    assert answer["Location"].endswith(f"#period-{calendar['H1'].pk}")
    assert Period.objects.get(pk=calendar["H1"].pk).report_due == dt.date(2024, 6, 21)


def test_open_close_and_reopen_are_confirmed_and_reopening_needs_a_reason(client, cast, calendar):
    client.force_login(cast.admin)
    q1 = calendar["Q1"]
    confirm = client.get(reverse("collection:period_open", args=[q1.pk])).content.decode()
    assert "确认开启" in confirm
    client.post(reverse("collection:period_open", args=[q1.pk]))
    assert Period.objects.get(pk=q1.pk).status == PeriodStatus.OPEN
    confirm = client.get(reverse("collection:period_close", args=[q1.pk])).content.decode()
    assert "本周期的评分成为最终结果" in confirm
    client.post(reverse("collection:period_close", args=[q1.pk]))
    assert Period.objects.get(pk=q1.pk).status == PeriodStatus.CLOSED
    refused = client.post(reverse("collection:period_reopen", args=[q1.pk]), {"reason": "  "})
    assert refused.status_code == 200 and "errorlist" in refused.content.decode()
    assert Period.objects.get(pk=q1.pk).status == PeriodStatus.CLOSED
    client.post(reverse("collection:period_reopen", args=[q1.pk]), {"reason": "补录一项扣分"})
    assert Period.objects.get(pk=q1.pk).status == PeriodStatus.OPEN
    assert AuditEntry.objects.filter(action="period.status").latest("pk").after == {
        "status": "open", "reason": "补录一项扣分"
    }  # fmt: skip


def test_a_move_from_the_wrong_status_changes_nothing(client, cast, calendar):
    client.force_login(cast.admin)
    q1 = calendar["Q1"]  # planned
    answer = client.post(reverse("collection:period_close", args=[q1.pk]), follow=True)
    assert "不能这样操作" in answer.content.decode()
    assert Period.objects.get(pk=q1.pk).status == PeriodStatus.PLANNED


def test_the_list_pages_query_count_does_not_grow_with_the_schemes(
    client, cast, calendar, django_assert_max_num_queries
):
    from kaohe.schemes.services import scheme_create_from_preset
    from kaohe.schemes.tests.factories import year_2024

    client.force_login(cast.admin)
    url = reverse("collection:period_list") + "?year=2024"
    with django_assert_max_num_queries(12):
        assert "第一季度监测" not in client.get(url).content.decode()  # none open
    for scheme in scheme_create_from_preset(
        actor=None, year=year_2024(), preset_id="seed000-style"
    ):
        for period in calendar_create(actor=None, scheme=scheme)[:3]:
            period_set_status(actor=None, period=period, status=PeriodStatus.OPEN)
    with django_assert_max_num_queries(12):
        page = client.get(url).content.decode()
    assert "干部作风能力提升年活动专项考核" in page and "1月工作进展" in page
    calendar_url = reverse("collection:period_calendar", args=[calendar["Q1"].scheme_id])
    with django_assert_max_num_queries(12):
        client.get(calendar_url)


def test_the_office_is_asked_to_open_periods_that_started_and_close_those_that_ended(
    cast, calendar
):
    period_set_status(actor=None, period=calendar["Q1"], status=PeriodStatus.OPEN)
    todos = list(period_todos(cast.admin, dt.date(2024, 6, 21)))
    by_key = {t.key: t for t in todos}
    q1, half = calendar["Q1"], calendar["H1"]
    assert set(by_key) == {
        f"period:{q1.pk}:close",
        f"period:{half.pk}:open",
        f"period:{calendar['Q2'].pk}:open",
    }
    assert by_key[f"period:{q1.pk}:close"].state == TodoState.LATE
    assert by_key[f"period:{half.pk}:open"].due == dt.date(2024, 6, 15)
    assert by_key[f"period:{calendar['Q2'].pk}:open"].state == TodoState.LATE  # started 06-20
    on_the_day = {t.key: t for t in period_todos(cast.admin, dt.date(2024, 6, 20))}
    assert on_the_day[f"period:{calendar['Q2'].pk}:open"].state == TodoState.DUE
    assert list(period_todos(cast.liaison, dt.date(2024, 6, 21))) == []


def test_the_calendar_speaks_english_when_asked(client, cast, calendar):
    client.force_login(cast.admin)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("collection:period_list") + "?year=2024").content.decode()
    assert "Open periods" in page and "The schemes' calendars" in page
    page = client.get(reverse("home:index")).content.decode()
    assert "My to-dos" in page and "Notices" in page


def test_the_monthly_report_day_is_asked_when_the_calendar_is_created(client, cast):
    from kaohe.schemes.services import scheme_create_from_preset
    from kaohe.schemes.tests.factories import year_2024

    (style,) = scheme_create_from_preset(actor=None, year=year_2024(), preset_id="seed000-style")
    client.force_login(cast.admin)
    page = client.get(reverse("collection:period_calendar", args=[style.pk])).content.decode()
    assert "月度进展报送日" in page and 'name="progress_day"' in page
    url = reverse("collection:period_calendar_create", args=[style.pk])
    refused = client.post(url, {"progress_day": "31"}, follow=True).content.decode()
    assert "请填 1 到 28 之间的日子" in refused and not style.periods.exists()
    client.post(url, {"progress_day": "10"})
    assert style.periods.get(key="M03").report_due == dt.date(2024, 4, 10)
    assert style.periods.count() == 17
