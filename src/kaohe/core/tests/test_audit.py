from __future__ import annotations

from io import BytesIO
from types import SimpleNamespace
from unittest import mock

import pytest
from django.db import transaction
from django.urls import reverse
from openpyxl import load_workbook

from kaohe.conftest import PASSWORD
from kaohe.core.audit import audit_record
from kaohe.core.models import AuditEntry
from kaohe.orgs import services


def test_audit_record_refuses_to_run_outside_a_transaction(db):
    outside = SimpleNamespace(in_atomic_block=False)
    with (
        mock.patch("kaohe.core.audit.transaction.get_connection", return_value=outside),
        pytest.raises(RuntimeError, match="transaction"),
    ):
        audit_record(actor=None, action="x")


def test_a_failed_write_leaves_no_audit_row(cast):
    before = AuditEntry.objects.count()
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        services.category_create(actor=cast.admin, name="新类别")
        1 / 0  # noqa: B018
    assert AuditEntry.objects.count() == before


def test_an_entry_names_who_did_what_to_which_object(cast):
    category = services.category_create(actor=cast.admin, name="新类别", order=5)
    entry = AuditEntry.objects.get(action="category.create")
    assert entry.actor == cast.admin
    assert (entry.object_type, entry.object_id) == ("orgs.unitcategory", str(category.pk))
    assert entry.after == {"name": "新类别", "order": 5, "description": ""}
    assert entry.before is None


@pytest.fixture
def entries(cast):
    services.category_create(actor=cast.admin, name="甲类")
    services.unit_update(actor=cast.admin, unit=cast.unit_a, name="青山镇(新)")
    return AuditEntry.objects.all()


def test_the_office_filters_the_log_by_action_and_object_type(client, cast, entries):
    client.force_login(cast.admin)
    page = client.get(reverse("core:audit_list"), {"action": "unit.update"}).content.decode()
    assert "青山镇(新)" in page and "甲类" not in page
    table = client.get(
        reverse("core:audit_list"),
        {"object_type": "orgs.unitcategory"},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert "甲类" in table and "青山镇(新)" not in table


def test_htmx_gets_only_the_results_table(client, cast, entries):
    client.force_login(cast.admin)
    response = client.get(reverse("core:audit_list"), {"q": "甲类"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "<html" not in body and "甲类" in body


def test_the_export_is_a_workbook_with_the_filtered_rows(client, cast, entries):
    client.force_login(cast.admin)
    response = client.get(reverse("core:audit_export"), {"action": "unit.update"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("时间", "操作人", "操作")
    assert len(rows) == 2
    assert rows[0][-1] == "变更内容"
    assert rows[1][2] == "修改单位" and rows[1][3] == "单位"  # labels, not codes
    assert "名称：青山镇 → 青山镇(新)" in rows[1][6]


def test_the_audit_list_needs_a_bounded_number_of_queries(
    client, cast, django_assert_max_num_queries
):
    for i in range(60):
        services.category_create(actor=cast.admin, name=f"类别{i}")
    client.force_login(cast.admin)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("core:audit_list"))
    assert response.status_code == 200


def test_the_log_shows_labels_names_and_a_field_by_field_change_not_codes(client, cast):
    services.unit_update(
        actor=cast.admin, unit=cast.unit_a, name="青山镇(新)", category=cast.dept_category
    )
    client.force_login(cast.admin)
    table = client.get(
        reverse("core:audit_list"), {"action": "unit.update"}, headers={"HX-Request": "true"}
    ).content.decode()
    assert "修改单位" in table and "unit.update" not in table
    assert "orgs.unit" not in table and "单位" in table
    assert f'href="{reverse("orgs:unit_detail", args=[cast.unit_a.pk])}"' in table
    # field by field, by verbose name, the category by its name (not its id), no JSON
    assert "<th>名称</th><td>青山镇</td><td>青山镇(新)</td>" in table
    assert "<th>类别</th><td>镇街</td><td>县直部门</td>" in table
    assert "{" not in table.split("<tbody>")[1]


def test_a_cadre_s_first_post_reads_as_its_fields(client, cast):
    client.force_login(cast.admin)
    table = client.get(
        reverse("core:audit_list"),
        {"action": "cadre.create", "q": "张青山"},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert "任职" in table and "单位：青山镇" in table and "角色：党政正职" in table
    assert "分工：党委(党组)书记" in table and "principal" not in table


def test_the_search_box_finds_actions_by_their_chinese_label(client, cast, entries):
    client.force_login(cast.admin)
    table = client.get(
        reverse("core:audit_list"), {"q": "新增单位类别"}, headers={"HX-Request": "true"}
    ).content.decode()
    assert "甲类" in table and "青山镇(新)" not in table


def test_logins_do_not_crowd_the_home_page_but_stay_in_the_log(client, cast, entries):
    client.post(reverse("core:login"), {"username": "admin", "password": PASSWORD})
    for _ in range(10):
        client.post(reverse("core:logout"))
        client.post(reverse("core:login"), {"username": "admin", "password": PASSWORD})
    home = client.get(reverse("home:index")).content.decode()
    recent = home[home.index("最近操作") :]
    assert "登录" not in recent and "退出" not in recent
    assert "新增单位类别" in recent and "甲类" in recent
    log = client.get(reverse("core:audit_list"), {"action": "login.success"}).content.decode()
    assert log.count('<td class="nowrap">登录</td>') == 11


def test_a_creation_shows_what_it_wrote_in_one_column(client, cast, entries):
    client.force_login(cast.admin)
    table = client.get(
        reverse("core:audit_list"), {"action": "category.create"}, headers={"HX-Request": "true"}
    ).content.decode()
    assert "<th>内容</th>" in table and "<th>修改前</th>" not in table
    assert "<th>名称</th><td>甲类</td>" in table
