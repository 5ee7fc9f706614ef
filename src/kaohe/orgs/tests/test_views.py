from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from kaohe.orgs import services
from kaohe.orgs.models import Cadre, Posting, Unit, UnitCategory


@pytest.fixture
def many(cast):
    """60 units and 120 cadres with every kind of current state, for paging and query counts."""
    dept = cast.dept_category
    units = [
        services.unit_create(actor=None, code=f"u{i:02d}", name=f"测试单位{i:02d}", category=dept,
                             supervisor=cast.responsible_unit if i % 5 == 0 else None)
        for i in range(60)
    ]  # fmt: skip
    for i in range(120):
        cadre = services.cadre_create(
            actor=None, name=f"干部{i:03d}", leadership_level="副科级",
            first_posting={"unit": units[i % 60], "post": "副局长", "start_date": dt.date(2020, 1, 1)},
        )  # fmt: skip
        if i % 7 == 0:
            services.secondment_create(actor=None, cadre=cadre, level="county", host=cast.unit_a,
                                       start_date=dt.date(2023, 1, 1))  # fmt: skip
        if i % 11 == 0:
            services.investigation_open(actor=None, cadre=cadre, opened_on=dt.date(2023, 1, 1))
        if i % 13 == 0:
            services.village_assignment_create(
                actor=None, cadre=cadre, village="村", start_date=dt.date(2023, 1, 1)
            )
    return units


@pytest.mark.parametrize(
    ("url", "limit"),
    [
        ("orgs:unit_list", 10),
        ("orgs:cadre_list", 12),
        ("orgs:category_list", 8),
        # The to-dos: a fixed number of queries per area (calendar, reports, scoring,
        # rectifications, ratings, written explanations), never per row; the unread notices.
        ("home:index", 22),
    ],
)
def test_list_pages_need_a_bounded_number_of_queries(
    client, cast, many, django_assert_max_num_queries, url, limit
):
    client.force_login(cast.admin)
    with django_assert_max_num_queries(limit):
        response = client.get(reverse(url))
    assert response.status_code == 200


def test_the_unit_page_lists_its_cadres_in_bounded_queries(
    client, cast, many, django_assert_max_num_queries
):
    client.force_login(cast.admin)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("orgs:unit_detail", args=[many[0].pk]))
    assert "干部000" in response.content.decode()


def test_the_unit_list_is_paged(client, cast, many, settings):
    settings.PAGE_SIZE = 25
    client.force_login(cast.admin)
    first = client.get(reverse("orgs:unit_list")).content.decode()
    assert "共 63 个单位" in first and "第 1 / 3 页" in first
    third = client.get(reverse("orgs:unit_list"), {"page": 3}).content.decode()
    assert "测试单位59" in third


def test_units_are_searched_by_name_or_code_and_filtered_by_category(client, cast, many):
    client.force_login(cast.admin)
    page = client.get(reverse("orgs:unit_list"), {"q": "单位07"}).content.decode()
    assert "测试单位07" in page and "测试单位08" not in page
    page = client.get(reverse("orgs:unit_list"), {"q": "qingshan"}).content.decode()
    assert "青山镇" in page
    town = UnitCategory.objects.get(name="镇街")
    page = client.get(reverse("orgs:unit_list"), {"category": town.pk}).content.decode()
    assert "青山镇" in page and "测试单位" not in page


def test_units_are_filtered_by_flag(client, cast):
    from kaohe.orgs.models import UnitFlag

    flag = UnitFlag.objects.get(name="文明单位")
    services.unit_update(actor=None, unit=cast.unit_b, flags=[flag])
    client.force_login(cast.admin)
    page = client.get(reverse("orgs:unit_list"), {"flag": flag.pk}).content.decode()
    assert "白水镇" in page and "青山镇" not in page


def test_htmx_search_returns_only_the_table(client, cast, many):
    client.force_login(cast.admin)
    response = client.get(
        reverse("orgs:cadre_list"), {"q": "干部01"}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert "<html" not in body and "干部010" in body and "干部020" not in body


@pytest.mark.parametrize(
    ("special", "expected"),
    [("seconded", 18), ("investigation", 11), ("village", 10), ("principal", 1), ("entrusted", 24)],
)
def test_cadres_are_filtered_by_special_case(client, cast, many, special, expected):
    client.force_login(cast.admin)
    page = client.get(reverse("orgs:cadre_list"), {"special": special}).content.decode()
    assert f"共 {expected} 人" in page


def test_the_unit_form_shows_errors_beside_the_fields(client, cast):
    client.force_login(cast.admin)
    response = client.post(
        reverse("orgs:unit_create"),
        {"code": "qingshan", "name": "", "category": cast.town_category.pk, "order": 0},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_name_errors"' in body
    # the duplicate code is found by the service and shown beside the code field
    response = client.post(
        reverse("orgs:unit_create"),
        {"code": "qingshan", "name": "重复", "category": cast.town_category.pk, "order": 0},
    )
    assert 'id="id_code_errors"' in response.content.decode()
    assert "编码已被使用" in response.content.decode()


def test_the_office_creates_and_edits_a_unit_through_the_pages(client, cast):
    client.force_login(cast.admin)
    response = client.post(
        reverse("orgs:unit_create"),
        {
            "code": "shimen",
            "name": "石门镇",
            "category": cast.town_category.pk,
            "order": 2,
            "is_active": "on",
        },
    )
    unit = Unit.objects.get(code="shimen")
    assert response["Location"] == reverse("orgs:unit_detail", args=[unit.pk])
    client.post(
        reverse("orgs:unit_edit", args=[unit.pk]),
        {"code": "shimen", "name": "石门镇", "category": cast.town_category.pk, "order": 2,
         "supervisor": cast.responsible_unit.pk},
    )  # fmt: skip
    unit.refresh_from_db()
    assert unit.supervisor == cast.responsible_unit and unit.is_active is False


def test_a_unit_cannot_be_chosen_as_its_own_parent(client, cast):
    client.force_login(cast.admin)
    response = client.post(
        reverse("orgs:unit_edit", args=[cast.unit_a.pk]),
        {"code": "qingshan", "name": "青山镇", "category": cast.town_category.pk, "order": 0,
         "parent": cast.unit_a.pk},
    )  # fmt: skip
    assert 'id="id_parent_errors"' in response.content.decode()


def test_the_office_creates_a_cadre_with_a_first_post_and_transfers_them(client, cast):
    client.force_login(cast.admin)
    client.post(
        reverse("orgs:cadre_create"),
        {
            "name": "赵新",
            "unit": cast.unit_a.pk,
            "post": "副镇长",
            "role": "member",
            "on": "2022-01-01",
        },
    )
    cadre = Cadre.objects.get(name="赵新")
    response = client.post(
        reverse("orgs:cadre_transfer", args=[cadre.pk]),
        {
            "unit": cast.unit_b.pk,
            "post": "镇长",
            "role": "principal",
            "duties": ["head"],
            "on": "2024-05-01",
        },
    )
    assert response.status_code == 302
    assert list(
        Posting.objects.filter(cadre=cadre)
        .order_by("start_date")
        .values_list("unit__code", flat=True)
    ) == [
        "qingshan",
        "baishui",
    ]
    detail = client.get(reverse("orgs:cadre_detail", args=[cadre.pk])).content.decode()
    assert "2024-04-30" in detail and "行政正职" in detail


def test_cadre_forms_show_date_errors_beside_the_field(client, cast):
    client.force_login(cast.admin)
    response = client.post(
        reverse("orgs:village_add", args=[cast.cadre_a.pk]),
        {"village": "东山村", "start_date": "2024-05-01", "end_date": "2024-04-01"},
    )
    assert 'id="id_end_date_errors"' in response.content.decode()


def test_categories_are_added_and_renamed_from_their_page(client, cast):
    client.force_login(cast.admin)
    client.post(reverse("orgs:category_list"), {"name": "开发区", "order": 70, "description": ""})
    category = UnitCategory.objects.get(name="开发区")
    client.post(reverse("orgs:category_edit", args=[category.pk]), {"name": "园区", "order": 70})
    category.refresh_from_db()
    assert category.name == "园区"
    response = client.post(reverse("orgs:category_list"), {"name": "园区", "order": 1})
    assert "已有同名类别" in response.content.decode()


def test_a_liaison_sees_the_own_units_cadres_on_the_unit_page(client, cast):
    client.force_login(cast.liaison)
    page = client.get(reverse("orgs:unit_detail", args=[cast.unit_a.pk])).content.decode()
    assert "张青山" in page and "编辑" not in page


def test_a_liaison_without_a_unit_sees_no_unit_and_no_cadre(cast):
    from kaohe.orgs.selectors import cadres_for_user, units_for_user

    cast.liaison.unit = None  # as an old row or a direct database edit may leave it
    assert units_for_user(cast.liaison).count() == 0
    assert cadres_for_user(cast.liaison).count() == 0
    assert units_for_user(cast.admin).exists()
