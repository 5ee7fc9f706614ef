from __future__ import annotations

from io import BytesIO
from types import SimpleNamespace
from unittest import mock

import pytest
from django.db import transaction
from django.urls import reverse
from openpyxl import load_workbook

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
    page = client.get(
        reverse("core:audit_list"), {"object_type": "orgs.unitcategory"}
    ).content.decode()
    assert "甲类" in page and "unit.update" not in page


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
    assert rows[1][2] == "unit.update"
    assert "青山镇(新)" in rows[1][7]


def test_the_audit_list_needs_a_bounded_number_of_queries(
    client, cast, django_assert_max_num_queries
):
    for i in range(60):
        services.category_create(actor=cast.admin, name=f"类别{i}")
    client.force_login(cast.admin)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("core:audit_list"))
    assert response.status_code == 200
