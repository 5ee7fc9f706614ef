"""The register as an office uses it: people listed as Chinese lists order them, 领导职务
层次 apart from 职级, 一般干部, search by pinyin, the category list in the office's order."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from kaohe.core.models import AuditEntry
from kaohe.orgs import services
from kaohe.orgs.errors import OrgError
from kaohe.orgs.models import Cadre, Posting, Precedence, Role, UnitCategory
from kaohe.orgs.pinyin import search_text

START = dt.date(2020, 1, 1)


def _cadre(unit, name, post, role=Role.MEMBER, duties=(), order=0, **personal):
    return services.cadre_create(
        actor=None,
        name=name,
        first_posting={"unit": unit, "post": post, "role": role, "duties": list(duties),
                       "start_date": START, "order": order},
        **personal,
    )  # fmt: skip


@pytest.fixture
def town_team(cast):
    """Unit A's people, created in an order that is neither the list's nor the surnames':
    a 一般干部, two members the office ordered, the 镇长, and (from the cast) the 书记 张青山."""
    unit = cast.unit_a
    return {
        "staff": _cadre(unit, "艾一般", "党政综合办公室工作人员", Role.STAFF, rank="一级科员"),
        "second": _cadre(unit, "安副镇", "副镇长", order=2),
        "first": _cadre(unit, "白人大", "人大主席", order=1),
        "mayor": _cadre(
            unit, "蔡镇长", "党委副书记、镇长", Role.PRINCIPAL, ["head", "deputy_secretary"]
        ),
    }


def _names_in(html: str, names: list[str]) -> list[str]:
    """The ``names`` in the order they first appear in ``html``."""
    return sorted((n for n in names if n in html), key=html.index)


def test_a_posting_s_step_in_lists_follows_its_role_and_duties(cast, town_team):
    steps = {p.cadre.name: p.precedence for p in Posting.objects.select_related("cadre")}
    assert steps["张青山"] == Precedence.SECRETARY
    assert steps["蔡镇长"] == Precedence.PRINCIPAL
    assert steps["白人大"] == steps["安副镇"] == Precedence.MEMBER
    assert steps["艾一般"] == Precedence.STAFF


def test_the_team_page_lists_its_members_by_post_then_the_office_s_order(client, cast, town_team):
    client.force_login(cast.admin)
    page = client.get(reverse("orgs:team_detail", args=[cast.unit_a.team.pk])).content.decode()
    members = page[page.index('id="members"') :]
    everyone = ["张青山", "蔡镇长", "白人大", "安副镇", "艾一般"]
    # not by surname (安 艾 白 蔡 张), not by creation: 书记, 正职, members by order
    assert _names_in(members, everyone) == ["张青山", "蔡镇长", "白人大", "安副镇"]
    assert "艾一般" not in members  # a 一般干部 is no member of the team


def test_the_office_reorders_the_team_and_one_audit_row_says_so(client, cast, town_team):
    client.force_login(cast.admin)
    url = reverse("orgs:team_detail", args=[cast.unit_a.team.pk])
    first = Posting.objects.get(cadre=town_team["first"])
    second = Posting.objects.get(cadre=town_team["second"])
    data = {f"order_{p.pk}": p.order for p in Posting.objects.filter(unit=cast.unit_a)}
    data |= {f"order_{first.pk}": 5, f"order_{second.pk}": 1}
    response = client.post(url, {k: v for k, v in data.items() if k != "order_x"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    members = page[page.index('id="members"') :]
    assert _names_in(members, ["白人大", "安副镇"]) == ["安副镇", "白人大"]
    entry = AuditEntry.objects.get(action="team.order")
    assert entry.after == {"order": {"白人大（人大主席）": 5, "安副镇（副镇长）": 1}}


def test_only_the_office_may_reorder_a_team(client, cast, town_team):
    client.force_login(cast.liaison)
    url = reverse("orgs:team_detail", args=[cast.unit_a.team.pk])
    assert "保存排序" not in client.get(url).content.decode()
    posting = Posting.objects.get(cadre=town_team["first"])
    assert client.post(url, {f"order_{posting.pk}": 9}).status_code == 403
    assert Posting.objects.get(pk=posting.pk).order == 1


def test_a_posting_of_another_unit_cannot_be_ordered_in_a_team(cast):
    other = Posting.objects.get(cadre=cast.cadre_b)
    with pytest.raises(Exception) as raised:
        services.team_order_set(actor=cast.admin, team=cast.unit_a.team, orders={other: 1})
    assert raised.value.code == OrgError.NOT_IN_TEAM


def test_the_unit_page_and_the_cadre_list_order_people_by_post(client, cast, town_team):
    client.force_login(cast.admin)
    expected = ["张青山", "蔡镇长", "白人大", "安副镇", "艾一般"]
    unit_page = client.get(reverse("orgs:unit_detail", args=[cast.unit_a.pk])).content.decode()
    assert _names_in(unit_page, expected) == expected
    cadre_list = client.get(reverse("orgs:cadre_list"), {"unit": cast.unit_a.pk}).content.decode()
    assert _names_in(cadre_list, expected) == expected


def test_the_cadre_list_goes_unit_by_unit_in_the_office_s_unit_order(client, cast, town_team):
    services.unit_update(actor=None, unit=cast.unit_b, order=0)
    services.unit_update(actor=None, unit=cast.unit_a, order=5)
    client.force_login(cast.admin)
    page = client.get(reverse("orgs:cadre_list")).content.decode()
    # 白水镇 (order 0) before 青山镇 (order 5); within 青山镇 by post
    assert _names_in(page, ["李白水", "张青山", "蔡镇长", "艾一般"]) == [
        "李白水", "张青山", "蔡镇长", "艾一般"
    ]  # fmt: skip


def test_the_cadre_export_lists_people_in_the_same_order(client, cast, town_team):
    from io import BytesIO

    from openpyxl import load_workbook

    client.force_login(cast.admin)
    response = client.get(reverse("orgs:workbook_export"), {"kind": "cadres"})
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    names = [row[1] for row in rows[1:] if row[6] == cast.unit_a.code]
    assert names == ["张青山", "蔡镇长", "白人大", "安副镇", "艾一般"]


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("张青", True),
        ("zhangqingshan", True),
        ("ZhangQing", True),
        ("zhang qing", True),
        ("zqs", True),
        ("ZQS", True),
        ("qingshan", True),
        ("wzx", False),
        ("zqx", False),
    ],
)
def test_cadres_are_found_by_name_pinyin_or_initials(client, cast, query, found):
    client.force_login(cast.admin)
    page = client.get(reverse("orgs:cadre_list"), {"q": query}).content.decode()
    assert ("张青山" in page) is found
    assert "李白水" not in page


def test_a_polyphonic_surname_is_found_by_each_reading(cast):
    assert {"shanxiong", "sx", "danxiong", "dx"} <= set(search_text("单雄").split())
    assert {"zengguofan", "zgf"} <= set(search_text("曾国藩").split())


def test_renaming_a_cadre_keeps_the_search_text_up_to_date(client, cast):
    services.cadre_update(actor=None, cadre=cast.cadre_a, name="欧阳修")
    assert Cadre.objects.get(pk=cast.cadre_a.pk).search.split()[:3] == [
        "欧阳修",
        "ouyangxiu",
        "oyx",
    ]
    client.force_login(cast.admin)
    assert "欧阳修" in client.get(reverse("orgs:cadre_list"), {"q": "oyx"}).content.decode()
    assert "欧阳修" not in client.get(reverse("orgs:cadre_list"), {"q": "zqs"}).content.decode()


def test_cadres_are_found_by_current_post_and_by_unit(client, cast, town_team):
    client.force_login(cast.admin)
    page = client.get(reverse("orgs:cadre_list"), {"post": "镇长"}).content.decode()
    assert "蔡镇长" in page and "安副镇" in page and "李白水" in page  # 副镇长 too
    assert "张青山" not in page and "白人大" not in page
    page = client.get(
        reverse("orgs:cadre_list"), {"post": "副镇长", "unit": cast.unit_b.pk}
    ).content.decode()
    assert "李白水" in page and "安副镇" not in page


def test_leadership_levels_and_ranks_are_separate_fields(client, cast, town_team):
    services.cadre_update(
        actor=None, cadre=town_team["second"], leadership_level="副科级", rank="一级主任科员"
    )
    client.force_login(cast.admin)
    page = client.get(reverse("orgs:cadre_list"), {"level": "副科级"}).content.decode()
    assert "安副镇" in page and "艾一般" not in page
    page = client.get(reverse("orgs:cadre_list"), {"rank": "一级科员"}).content.decode()
    assert "艾一般" in page and "安副镇" not in page
    form = client.get(reverse("orgs:cadre_edit", args=[town_team["second"].pk])).content.decode()
    for title in ("一级调研员", "四级调研员", "四级主任科员", "二级科员", "正处级", "副科级"):
        assert f">{title}</option>" in form


def test_a_rank_title_is_no_leadership_level(cast):
    from kaohe.orgs.models import LeadershipLevel, Rank

    assert not set(LeadershipLevel.values) & set(Rank.values)
    assert "其他" not in Rank.values


def test_the_category_list_keeps_the_office_s_order(client, cast):
    services.category_create(actor=None, name="甲类新增", order=5)
    services.category_update(actor=None, category=UnitCategory.objects.get(name="镇街"), order=99)
    client.force_login(cast.admin)
    page = client.get(reverse("orgs:category_list")).content.decode()
    shown = re.findall(r"<tr>\s*<td>([^<]+)</td><td class=\"num\">", page)
    expected = list(UnitCategory.objects.order_by("order", "name").values_list("name", flat=True))
    assert shown == expected
    assert shown[0] == "甲类新增" and shown[-1] == "镇街"


def test_the_records_export_follows_the_list_order_too(cast, town_team):
    from kaohe.orgs.selectors import cadre_records, cadres_for_user

    for cadre in (town_team["second"], cast.cadre_a):  # 安 sorts before 张 by code point
        services.village_assignment_create(
            actor=None, cadre=cadre, village="东山村", start_date=dt.date(2024, 1, 1)
        )
    names = [r.cadre.name for r in cadre_records(cadres_for_user(cast.admin))]
    assert names == ["张青山", "安副镇"]
