"""The scoring pages: the grid, the htmx cell save, a cell's detail, field checks; who may
do what (a liaison cannot score: 403; another unit's grid or cell: 404); query counts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kaohe.collection.models import (
    Attachment,
    DeductionStatus,
    FieldCheck,
    OwnerType,
    PeriodStatus,
    ScoreEntry,
)
from kaohe.collection.services import period_set_status
from kaohe.core.models import AuditEntry

D = Decimal


@pytest.fixture
def ind(town_system):
    return {i.code: i for i in town_system.indicators.all()}


def grid_url(period, unit):
    return reverse("collection:scoring_grid", args=[period.pk, unit.pk])


def cell_url(period, unit, target, indicator):
    return reverse("collection:scoring_cell", args=[period.pk, unit.pk, target.pk, indicator.pk])


def detail_url(period, unit, target, indicator):
    return reverse("collection:scoring_detail", args=[period.pk, unit.pk, target.pk, indicator.pk])


def other_scorer(cast):
    from kaohe.core.roles import Role
    from kaohe.core.services import user_create
    from kaohe.schemes.tests.factories import discipline_unit

    return user_create(
        actor=None, username="jiwei", password="a-Long-test-pass-9", role=Role.SCORER,
        unit=discipline_unit(cast), validate=False,
    )  # fmt: skip


def test_the_scorer_sees_the_grid_of_its_indicators_with_inputs_for_phones(client, cast, q1, ind):
    client.force_login(cast.scorer)
    page = client.get(reverse("collection:scoring_index"))
    assert grid_url(q1, cast.responsible_unit) in page.content.decode()
    html = client.get(grid_url(q1, cast.responsible_unit)).content.decode()
    assert "1.1" in html and "1.2" in html and "2.1 基层" not in html
    assert html.count('inputmode="decimal"') == 4  # two targets × two indicators
    assert "青山镇" in html and "白水镇" in html
    assert 'name="reason"' in html  # monitoring: every cell is a deduction with its reason


def test_the_htmx_cell_save_returns_the_cell_and_the_new_total(client, cast, q1, ind):
    client.force_login(cast.scorer)
    response = client.post(
        cell_url(q1, cast.responsible_unit, cast.unit_a, ind["1.2"]),
        {"value": "2.5", "reason": "被通报一次"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<td id="cell-{cast.unit_a.pk}-{ind["1.2"].pk}"')
    assert "已保存" in html and 'value="2.5"' in html
    assert f'id="total-{ind["1.2"].system_id}-{cast.unit_a.pk}"' in html
    assert 'hx-swap-oob="true">97.50<' in html
    entry = ScoreEntry.objects.get()
    assert entry.value == D("2.5") and entry.updated_by == cast.scorer


@pytest.mark.parametrize(
    ("value", "reason", "message"),
    [
        ("25", "x", "扣分不能超过 20 分"),
        ("-1", "x", "不能为负数"),
        ("1.234", "x", "最多保留两位小数"),
        ("abc", "x", "请输入数字"),
        ("2", "", "扣分须填写理由"),
    ],
)
def test_a_refused_cell_shows_the_chinese_error_beside_the_typed_value(
    client, cast, q1, ind, value, reason, message
):
    client.force_login(cast.scorer)
    html = client.post(
        cell_url(q1, cast.responsible_unit, cast.unit_a, ind["1.2"]),
        {"value": value, "reason": reason},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert message in html and "has-error" in html and f'value="{value}"' in html
    assert not ScoreEntry.objects.exists()


def test_a_liaison_cannot_score_and_another_units_scorer_gets_404(client, cast, q1, ind):
    client.force_login(cast.liaison)
    url = cell_url(q1, cast.responsible_unit, cast.unit_a, ind["1.2"])
    assert client.post(url, {"value": "1", "reason": "x"}).status_code == 403
    assert client.get(grid_url(q1, cast.responsible_unit)).status_code == 403
    client.force_login(other_scorer(cast))
    assert client.post(url, {"value": "1", "reason": "x"}).status_code == 404
    assert client.get(grid_url(q1, cast.responsible_unit)).status_code == 404
    assert not ScoreEntry.objects.exists()


def test_a_cell_outside_the_units_grid_is_404(client, cast, q1, ind):
    client.force_login(cast.scorer)
    # 2.1 has no responsible unit; the scorer's own unit is not a target of the 镇街 system
    assert (
        client.post(
            cell_url(q1, cast.responsible_unit, cast.unit_a, ind["2.1"]), {"value": "1"}
        ).status_code
        == 404
    )
    assert (
        client.post(
            cell_url(q1, cast.responsible_unit, cast.responsible_unit, ind["1.2"]),
            {"value": "1", "reason": "x"},
        ).status_code
        == 404
    )


def test_the_grid_page_makes_the_same_number_of_queries_for_more_targets(client, cast, q1, ind):
    from kaohe.orgs.services import unit_create

    client.force_login(cast.scorer)
    url = grid_url(q1, cast.responsible_unit)
    client.post(
        cell_url(q1, cast.responsible_unit, cast.unit_a, ind["1.2"]), {"value": "1", "reason": "x"}
    )
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for n in range(8):
        target = unit_create(
            actor=None, code=f"town{n}", name=f"第{n}镇", category=cast.town_category
        )
        client.post(
            cell_url(q1, cast.responsible_unit, target, ind["1.2"]), {"value": "1", "reason": "x"}
        )
    with CaptureQueriesContext(connection) as many:
        html = client.get(url).content.decode()
    assert "第7镇" in html and html.count('inputmode="decimal"') == 20
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
    assert len(many) <= 20


def test_the_detail_page_takes_evidence_and_shows_the_history(client, cast, q1, ind):
    client.force_login(cast.scorer)
    url = detail_url(q1, cast.responsible_unit, cast.unit_a, ind["1.2"])
    pdf = SimpleUploadedFile("通报.pdf", b"%PDF-1.4\n%x\n", content_type="application/pdf")
    response = client.post(url, {"value": "3", "reason": "被通报", "evidence": pdf})
    assert response.status_code == 302
    entry = ScoreEntry.objects.get()
    assert Attachment.objects.filter(owner_type=OwnerType.SCORE, owner_id=entry.pk).count() == 1
    client.post(url, {"value": "4", "reason": "被通报两次"})
    html = client.get(url).content.decode()
    assert "通报.pdf" in html and "修改记录" in html
    assert html.count("指标评分") >= 2  # two audit rows listed with their label


def test_after_close_the_scorer_sees_a_read_only_grid_and_the_office_corrects(
    client, cast, q1, ind
):
    client.force_login(cast.scorer)
    client.post(
        cell_url(q1, cast.responsible_unit, cast.unit_a, ind["1.2"]),
        {"value": "2", "reason": "x"},
    )
    period_set_status(actor=cast.admin, period=q1, status=PeriodStatus.CLOSED)
    html = client.get(grid_url(q1, cast.responsible_unit)).content.decode()
    assert 'inputmode="decimal"' not in html and "评分已确定" in html
    refused = client.post(
        cell_url(q1, cast.responsible_unit, cast.unit_a, ind["1.2"]),
        {"value": "5", "reason": "x"},
    ).content.decode()
    assert "如需更正请联系考核办" in refused
    client.force_login(cast.admin)
    url = detail_url(q1, cast.responsible_unit, cast.unit_a, ind["1.2"])
    page = client.post(url, {"value": "1", "reason": "x"})
    assert "更正评分须写明理由" in page.content.decode()
    assert client.post(url, {"value": "1", "reason": "x", "correction": "复核"}).status_code == 302
    assert ScoreEntry.objects.get().value == D(1)
    assert AuditEntry.objects.get(action="score.correct").after["correction"] == "复核"


def test_a_team_member_records_a_field_check_and_the_scorer_confirms_its_deduction(
    client, cast, q1, ind
):
    client.force_login(cast.team_member)
    new = reverse("collection:field_check_new", args=[q1.pk])
    pdf = SimpleUploadedFile("访谈.pdf", b"%PDF-1.4\n%x\n", content_type="application/pdf")
    response = client.post(
        new,
        {"target": cast.unit_a.pk, "method": "interview", "checked_on": "2024-03-25",
         "findings": "个别访谈中发现学习记录不全", "evidence": pdf},
    )  # fmt: skip
    check = FieldCheck.objects.get()
    assert response.status_code == 302
    detail = reverse("collection:field_check_detail", args=[check.pk])
    refused = client.post(detail, {"indicator": ind["1.2"].pk, "points": "30", "reason": "x"})
    assert "扣分不能超过 20 分" in refused.content.decode()
    client.post(detail, {"indicator": ind["1.2"].pk, "points": "1.5", "reason": "记录不全"})
    deduction = check.deductions.get()
    assert deduction.status == DeductionStatus.PROPOSED
    # a team member cannot confirm; the responsible unit's scorer can
    confirm = reverse("collection:field_check_confirm", args=[deduction.pk])
    assert client.post(confirm).status_code == 403
    client.force_login(cast.scorer)
    grid = client.get(grid_url(q1, cast.responsible_unit)).content.decode()
    assert "实地扣分待确认 1" in grid
    assert client.post(confirm).status_code == 302
    entry = ScoreEntry.objects.get()
    assert entry.value == D("1.5") and entry.scorer_unit == cast.responsible_unit
    assert "个别访谈" in entry.reason
    deduction.refresh_from_db()
    assert deduction.status == DeductionStatus.CONFIRMED and deduction.entry == entry
    row = AuditEntry.objects.get(action="field_check.confirm")
    assert row.before is None and row.after["value"] == "1.5"
    # lists per period and per target
    listing = reverse("collection:field_check_list", args=[q1.pk])
    assert "个别访谈中发现" in client.get(listing).content.decode()
    assert "个别访谈中发现" in client.get(f"{listing}?target={cast.unit_a.pk}").content.decode()
    assert "个别访谈中发现" not in client.get(f"{listing}?target={cast.unit_b.pk}").content.decode()
    client.force_login(cast.outsider)
    assert "个别访谈中发现" not in client.get(listing).content.decode()
    assert client.get(detail).status_code == 404


def test_a_field_check_date_in_the_future_or_out_of_the_year_is_refused(client, cast, q1, ind):
    client.force_login(cast.team_member)
    new = reverse("collection:field_check_new", args=[q1.pk])
    for day, message in (
        ((dt.date.today() + dt.timedelta(days=3)).isoformat(), "日期不能晚于今天"),
        ("2019-01-01", "考核期间"),
    ):
        html = client.post(
            new, {"target": cast.unit_a.pk, "method": "visit", "checked_on": day, "findings": "x"}
        ).content.decode()
        assert message in html
    assert not FieldCheck.objects.exists()


def test_the_field_check_list_makes_a_fixed_number_of_queries(client, cast, q1, ind):
    from kaohe.collection.scoring_field_checks import field_check_create, field_check_deduction_add

    def add(n):
        for _ in range(n):
            check = field_check_create(
                actor=None, period=q1, target=cast.unit_a, method="visit",
                checked_on=dt.date(2024, 3, 25), findings="x",
            )  # fmt: skip
            field_check_deduction_add(
                actor=None, field_check=check, indicator=ind["1.2"], points=D(1), reason="x"
            )

    client.force_login(cast.admin)
    url = reverse("collection:field_check_list", args=[q1.pk])
    add(1)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    add(6)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_the_office_lists_every_period_with_its_scoring_units_in_few_queries(
    client, cast, q1, ind, party
):
    from kaohe.collection.models import PeriodKind
    from kaohe.collection.services import period_create

    client.force_login(cast.admin)
    url = reverse("collection:scoring_index")
    with CaptureQueriesContext(connection) as few:
        page = client.get(url).content.decode()
    assert grid_url(q1, cast.responsible_unit) in page
    for n in range(2, 6):
        period_create(
            actor=None, scheme=party["party"], kind=PeriodKind.HALF_YEAR, key=f"H{n}",
            name=f"{n}月", starts_on=dt.date(2024, n, 1), ends_on=dt.date(2024, n, 28),
            status=PeriodStatus.OPEN,
        )  # fmt: skip
    with CaptureQueriesContext(connection) as many:
        page = client.get(url).content.decode()
    assert page.count("县委组织部") >= 5
    assert len(many) == len(few)


def test_a_hostile_reason_is_escaped_in_the_cell_and_control_characters_refused(
    client, cast, q1, ind
):
    client.force_login(cast.scorer)
    url = cell_url(q1, cast.responsible_unit, cast.unit_a, ind["1.2"])
    html = client.post(
        url, {"value": "1", "reason": '"><script>alert(1)</script>'}
    ).content.decode()
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html
    grid = client.get(grid_url(q1, cast.responsible_unit)).content.decode()
    assert "<script>alert(1)" not in grid and "&lt;script&gt;alert(1)" in grid
    refused = client.post(url, {"value": "2", "reason": "a\x00b"}).content.decode()
    assert "has-error" in refused
    assert ScoreEntry.objects.get().value == D(1)
