"""The cadre's own page and home: nothing before publication; after it, their grades by
year explained in plain Chinese from the trace, the history of a change, and how to file
a 复核 with its deadline. A cadre's account is bound to one cadre (the user form)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kaohe.conftest import PASSWORD
from kaohe.core.roles import Role
from kaohe.results import appeals
from kaohe.results.tests.published import decided


def cadre_user(cadre, username="zhangqs"):
    from kaohe.core.services import user_create

    return user_create(actor=None, username=username, password=PASSWORD, role=Role.CADRE,
                       cadre=cadre, validate=False)  # fmt: skip


def publish(cast, data):
    appeals.publicity_start(actor=cast.admin, outcome=data.outcome, start=dt.date(2025, 3, 3),
                            end=dt.date(2025, 3, 7), contact="电话")  # fmt: skip
    appeals.outcome_publish(actor=cast.admin, outcome=data.outcome, today=dt.date(2025, 3, 7))


def test_a_cadre_account_needs_its_cadre_and_other_roles_have_none(cast):
    from kaohe.core.services import user_create, user_update

    with pytest.raises(ValidationError) as error:
        user_create(actor=None, username="c1", password=PASSWORD, role=Role.CADRE, validate=False)
    assert error.value.error_dict["cadre"][0].code == "cadre_required"
    user = cadre_user(cast.cadre_a)
    assert user.cadre == cast.cadre_a and user.unit is None
    leader = user_create(actor=None, username="l2", password=PASSWORD, role=Role.LEADER,
                         cadre=cast.cadre_a, validate=False)  # fmt: skip
    assert leader.cadre is None
    user_update(actor=cast.admin, user=user, role=Role.LEADER)
    assert user.cadre is None
    with pytest.raises(ValidationError):
        user_update(actor=cast.admin, user=user, role=Role.CADRE)


def test_the_office_binds_a_cadre_account_on_the_user_form(client, cast):
    from kaohe.core.models import User

    client.force_login(cast.admin)
    url = reverse("core:user_create")
    data = {"username": "zhangqs", "role": "cadre", "password1": "Qingshan-2024-ok",
            "password2": "Qingshan-2024-ok"}  # fmt: skip
    assert "该角色必须指定对应的干部" in client.post(url, data).content.decode()
    assert client.post(url, data | {"cadre": cast.cadre_a.pk}).status_code == 302
    assert User.objects.get(username="zhangqs").cadre == cast.cadre_a


def test_before_publication_the_cadre_sees_nothing(client, cast):
    data = decided(cast)
    client.force_login(cadre_user(cast.cadre_a))
    page = client.get(reverse("results:own_results")).content.decode()
    assert "考核结果尚未公布" in page and "优秀" not in page
    appeals.publicity_start(actor=cast.admin, outcome=data.outcome, start=dt.date(2025, 3, 3),
                            end=dt.date(2025, 3, 7), contact="电话")  # fmt: skip
    assert "考核结果尚未公布" in client.get(reverse("results:own_results")).content.decode()


def test_after_publication_the_cadre_reads_their_grade_explained_and_the_deadline(client, cast):
    data = decided(cast)
    publish(cast, data)
    client.force_login(cadre_user(cast.cadre_a))
    response = client.get(reverse("results:own_results"))
    page = response.content.decode()
    assert "优秀" in page and "得分 95.00" in page and "分数线定为 优秀" in page
    deadline = appeals.review_deadline(data.outcome)
    assert f"{deadline.year}年{deadline.month}月{deadline.day}日" in page and "申请复核" in page
    assert "李白水" not in page and "称职" not in page  # only their own
    home = client.get(reverse("home:index")).content.decode()
    assert "我的考核结果" in home and "分数线定为 优秀" in home


def test_a_cadre_may_not_open_the_office_pages(client, cast):
    data = decided(cast)
    client.force_login(cadre_user(cast.cadre_a))
    final = data.finals["张青山"]
    for url in (
        reverse("results:grade_detail", args=[final.pk]),
        reverse("results:appeal_list"),
        reverse("results:publicity_manage", args=[data.outcome.pk]),
        reverse("results:run_list"),
    ):
        assert client.get(url).status_code == 403, url


def test_the_cadre_page_follows_a_review_then_an_appeal_and_offers_each_once(cast):
    """One 复核 within 30 days of the publication; against its decision a 申诉 within 15
    days; nothing is offered twice (公务员法 第95条)."""
    from django.template.loader import render_to_string

    from kaohe.results.own_views import own_entries

    data = decided(cast)
    publish(cast, data)
    user = cadre_user(cast.cadre_a)
    final = data.finals["张青山"]
    notified = appeals.notified_on(data.outcome)

    def shown(day):
        (entry,) = own_entries(user, today=day)
        return entry, render_to_string("results/own_entries.html", {"entries": [entry]})

    entry, page = shown(notified)
    assert entry["can_review"] and "前向考核办书面申请复核" in page
    review = appeals.appeal_file(actor=cast.admin, final=final, kind="review",
                                 filed_on=notified + dt.timedelta(days=2), reason="有误")  # fmt: skip
    entry, page = shown(notified + dt.timedelta(days=3))
    assert not entry["can_review"] and not entry["can_appeal"]
    assert "申请复核：正在办理" in page and "前向考核办书面申请复核" not in page
    decided_on = notified + dt.timedelta(days=10)
    appeals.appeal_decide(actor=cast.admin, appeal=review, decision="upheld",
                          reason="经复核，分数无误", decided_on=decided_on)  # fmt: skip
    entry, page = shown(decided_on + dt.timedelta(days=1))
    last = decided_on + dt.timedelta(days=15)
    assert not entry["can_review"] and entry["can_appeal"] and entry["appeal_deadline"] == last
    assert f"{last.year}年{last.month}月{last.day}日 前提出申诉" in page
    assert "决定维持原等次。经复核，分数无误" in page
    entry, page = shown(last + dt.timedelta(days=1))
    assert not entry["can_appeal"] and "期限已过或已办结" in page


def test_a_cadre_runs_group_shows_as_the_units_name(client, cast):
    """A cadre is ranked in their unit's group: the run's page and the trace name the unit,
    not the engine's id of it."""
    from kaohe.results.selectors import group_labels

    data = decided(cast)
    row = data.finals["张青山"].row
    assert row.group == f"u{cast.unit_a.pk}"
    group_labels([row])
    assert row.group_label == cast.unit_a.name
    client.force_login(cast.admin)
    page = client.get(reverse("results:run_detail", args=[row.run_id])).content.decode()
    assert f'<td class="nowrap">{cast.unit_a.name}</td>' in page and f">{row.group}<" not in page
    trace = client.get(reverse("results:row_trace", args=[row.pk])).content.decode()
    assert f"<dd>{cast.unit_a.name}</dd>" in trace
