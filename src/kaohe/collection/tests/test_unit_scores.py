"""The liaison's page of its own unit's scores: per closed period, the indicators' scores
with the deductions, their reasons and evidence, the total and the rank; nothing of another
unit, nothing while the period is open; a to-do on the home page links to it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.signals import request_finished
from django.db import close_old_connections
from django.urls import reverse
from django.utils import timezone

from kaohe.collection.models import PeriodStatus
from kaohe.collection.ranking import period_rank
from kaohe.collection.scoring import score_set
from kaohe.collection.services import period_set_status
from kaohe.collection.todos import todos_for
from kaohe.collection.unit_scores import unit_period_scores

D = Decimal
PDF = b"%PDF-1.4\n%evidence\n"


@pytest.fixture
def scored(cast, q1, town_system):
    from kaohe.schemes.services import scheme_set_status

    scheme_set_status(actor=None, scheme=q1.scheme, status="published")
    ind = {i.code: i for i in town_system.indicators.all()}
    score_set(
        actor=cast.scorer, period=q1, unit=cast.responsible_unit, target=cast.unit_a,
        indicator=ind["1.2"], value=D(3), reason="中心组学习记录缺少研讨内容", uploads=[PDF],
    )  # fmt: skip
    score_set(
        actor=cast.scorer, period=q1, unit=cast.responsible_unit, target=cast.unit_b,
        indicator=ind["1.2"], value=D(1), reason="白水镇的扣分理由",
    )  # fmt: skip
    return ind


def test_nothing_shows_while_the_period_is_open(client, cast, q1, scored):
    client.force_login(cast.liaison)
    page = client.get(reverse("collection:own_scores")).content.decode()
    assert "还没有已关闭的考核周期" in page
    assert "中心组学习记录缺少研讨内容" not in page


def test_the_liaison_reads_its_final_scores_reasons_evidence_and_rank(
    client, cast, q1, scored, django_assert_max_num_queries
):
    period_rank(actor=cast.admin, period=q1, today=dt.date(2024, 4, 1))
    period_set_status(actor=cast.admin, period=q1, status=PeriodStatus.CLOSED)
    client.force_login(cast.liaison)
    with django_assert_max_num_queries(20):
        page = client.get(reverse("collection:own_scores")).content.decode()
    assert cast.unit_a.name in page and "第一季度监测" in page
    assert "中心组学习记录缺少研讨内容" in page and "−3" in page
    assert cast.responsible_unit.name in page  # the unit that scored, not the person
    assert cast.scorer.username not in page
    assert "白水镇的扣分理由" not in page  # another unit's
    scores = unit_period_scores(period=q1, unit=cast.unit_a)
    assert scores is not None and scores.rank is not None
    (evidence,) = [f for line in scores.lines for f in line.files]
    assert reverse("collection:attachment_download", args=[evidence.pk]) in page
    assert f"第 {scores.rank.rank} 名 / 共 {scores.rank.group_size} 个" in page
    # the deduction shows in the indicator's score (deductions only: from full points)
    line = next(line for line in scores.lines if line.indicator.code == "1.2")
    assert line.score == line.indicator.points - 3 and line.deduction


def test_the_evidence_downloads_for_the_unit_only(client, cast, q1, scored):
    period_set_status(actor=cast.admin, period=q1, status=PeriodStatus.CLOSED)
    scores = unit_period_scores(period=q1, unit=cast.unit_a)
    files = [f for line in scores.lines for f in line.files]
    assert len(files) == 1
    url = reverse("collection:attachment_download", args=[files[0].pk])
    client.force_login(cast.liaison)
    answer = client.get(url)
    assert answer.status_code == 200
    # A FileResponse: closing it closes its file, and sends request_finished, whose
    # close_old_connections would close the test's database connection on PostgreSQL (the
    # test client keeps that receiver off in the same way during a request).
    request_finished.disconnect(close_old_connections)
    try:
        answer.close()
    finally:
        request_finished.connect(close_old_connections)
    client.force_login(cast.outsider)
    assert client.get(url).status_code == 404


def test_another_period_param_gets_404_and_a_user_without_unit_is_told(client, cast, q1, scored):
    period_set_status(actor=cast.admin, period=q1, status=PeriodStatus.CLOSED)
    client.force_login(cast.liaison)
    assert client.get(reverse("collection:own_scores") + "?period=999999").status_code == 404
    client.force_login(cast.admin)  # the office has no unit: told so, and where to look
    page = client.get(reverse("collection:own_scores")).content.decode()
    assert 'id="own-scores-none"' in page and "考核进度" in page
    # the menu marks this entry only (not 我的考核结果, whose name also starts with own)
    assert page.count('aria-current="page"') == 1
    assert f'href="{reverse("collection:own_scores")}" class="active"' in page
    client.force_login(cast.liaison)  # the liaison reaches it from the menu too
    home = client.get(reverse("home:index")).content.decode()
    assert f'href="{reverse("collection:own_scores")}"' in home


def test_a_fresh_close_is_a_home_todo_linking_to_the_page(client, cast, q1, scored):
    period_set_status(actor=cast.admin, period=q1, status=PeriodStatus.CLOSED)
    today = timezone.localdate()
    todo = next(t for t in todos_for(cast.liaison, today) if t.key.startswith("unit_scores:"))
    assert todo.url == reverse("collection:own_scores") + f"?period={q1.pk}"
    assert "查看本单位" in todo.title
    assert not [
        t for t in todos_for(cast.liaison, today + dt.timedelta(days=40))
        if t.key.startswith("unit_scores:")
    ]  # fmt: skip
    assert not [t for t in todos_for(cast.scorer, today) if t.key.startswith("unit_scores:")]
    client.force_login(cast.liaison)
    home = client.get(reverse("home:index")).content.decode()
    assert todo.url.replace("&", "&amp;") in home or todo.url in home
