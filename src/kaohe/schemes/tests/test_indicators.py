"""Indicator systems: a draft is edited freely (each write audited); publication checks
the points (001 第九条) and keeps a version; afterwards only change requests apply."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse


def test_draft_edits_write_one_audit_row_each(cast, draft_system):
    from kaohe.core.models import AuditEntry
    from kaohe.schemes import services

    indicator = draft_system.indicators.get(code="1.1")
    services.indicator_update(
        actor=cast.admin, indicator=indicator, name="中心组学习", points=Decimal(20)
    )
    entry = AuditEntry.objects.get(action="indicator.update")
    assert entry.before == {"name": "理论学习中心组学习"}
    assert entry.after == {"name": "中心组学习"}  # points did not change
    services.indicator_delete(actor=cast.admin, indicator=draft_system.indicators.get(code="1"))
    assert not draft_system.indicators.filter(code__in=["1", "1.1", "1.2"]).exists()
    assert AuditEntry.objects.get(action="indicator.delete").before["descendants"] == 2


def test_an_indicator_cannot_move_under_itself_or_reuse_a_code(cast, draft_system):
    from kaohe.schemes import services
    from kaohe.schemes.errors import SchemeError

    top = draft_system.indicators.get(code="1")
    child = draft_system.indicators.get(code="1.1")
    with pytest.raises(ValidationError) as error:
        services.indicator_update(actor=cast.admin, indicator=top, parent=child)
    assert error.value.error_dict["parent"][0].code == SchemeError.PARENT
    with pytest.raises(ValidationError) as error:
        services.indicator_update(actor=cast.admin, indicator=child, code="1.2")
    assert error.value.error_dict["code"][0].code == SchemeError.CODE_TAKEN


def test_a_bonus_needs_a_cap_and_an_award_has_none(cast, draft_system):
    from kaohe.schemes import services

    with pytest.raises(ValidationError) as error:
        services.indicator_create(
            actor=cast.admin, system=draft_system, code="9", name="加分", points=Decimal(1),
            method="bonus",
        )  # fmt: skip
    assert "cap" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        services.indicator_create(
            actor=cast.admin, system=draft_system, code="9", name="x", points=Decimal(1),
            cap=Decimal(2),
        )  # fmt: skip
    assert "cap" in error.value.error_dict


def test_publication_refuses_points_that_do_not_add_up(cast, draft_system):
    from kaohe.schemes import services
    from kaohe.schemes.errors import SchemeError

    services.indicator_update(
        actor=cast.admin, indicator=draft_system.indicators.get(code="2.1"), points=Decimal(50)
    )
    services.indicator_update(
        actor=cast.admin, indicator=draft_system.indicators.get(code="1"), points=Decimal(30)
    )
    with pytest.raises(ValidationError) as error:
        services.indicator_system_set_status(
            actor=cast.admin, system=draft_system, status="published"
        )
    messages = error.value.messages
    assert error.value.error_list[0].code == SchemeError.TREE
    assert "一级指标分值合计 90 分，应为总分 100 分" in messages
    assert any("下级指标分值合计 40 分" in m for m in messages)  # under 1
    assert any("下级指标分值合计 50 分" in m for m in messages)  # under 2
    draft_system.refresh_from_db()
    assert draft_system.status == "draft" and draft_system.current_version is None


def test_publication_keeps_the_tree_as_version_one_and_freezes_the_draft(cast, draft_system):
    from kaohe.core.models import AuditEntry
    from kaohe.schemes import services
    from kaohe.schemes.errors import SchemeError

    services.indicator_system_set_status(actor=cast.admin, system=draft_system, status="published")
    draft_system.refresh_from_db()
    version = draft_system.current_version
    assert (draft_system.status, version.number) == ("published", 1)
    assert [row["code"] for row in version.indicators] == ["1", "1.1", "1.2", "2", "2.1", "3"]
    assert AuditEntry.objects.get(action="indicator_system.status").after == {
        "status": "published",
        "version": 1,
    }
    with pytest.raises(ValidationError) as error:
        services.indicator_update(
            actor=cast.admin, indicator=draft_system.indicators.get(code="1.1"), name="x"
        )
    assert error.value.code == SchemeError.NOT_DRAFT
    with pytest.raises(ValidationError) as error:
        services.indicator_system_set_status(actor=cast.admin, system=draft_system, status="draft")
    assert error.value.code == SchemeError.TRANSITION


def test_a_locked_scheme_freezes_its_systems(cast, party, draft_system):
    from kaohe.schemes import services
    from kaohe.schemes.errors import SchemeError

    scheme = party["party"]
    services.scheme_set_status(actor=cast.admin, scheme=scheme, status="published")
    services.scheme_set_status(actor=cast.admin, scheme=scheme, status="locked")
    draft_system.scheme.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.indicator_update(
            actor=cast.admin, indicator=draft_system.indicators.get(code="1.1"), name="x"
        )
    assert error.value.code == SchemeError.SCHEME_LOCKED


def test_one_system_per_scheme_and_category(cast, party, draft_system):
    from kaohe.schemes import services

    with pytest.raises(ValidationError) as error:
        services.indicator_system_create(
            actor=cast.admin, scheme=party["party"], category=draft_system.category
        )
    assert "category" in error.value.error_dict


def test_the_editor_pages_add_edit_and_remove_while_a_draft(client, cast, draft_system):
    client.force_login(cast.admin)
    parent = draft_system.indicators.get(code="2")
    response = client.post(
        reverse("schemes:indicator_create", args=[draft_system.pk]),
        {"code": "2.2", "parent": parent.pk, "name": "人才工作", "points": "10",
         "method": "award"},
    )  # fmt: skip
    assert response.status_code == 302
    added = draft_system.indicators.get(code="2.2")
    assert added.parent == parent
    response = client.post(
        reverse("schemes:indicator_edit", args=[added.pk]),
        {"code": "2.2", "parent": parent.pk, "name": "人才工作", "points": "10",
         "method": "bonus"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "加分指标须填写加分上限" in response.content.decode()
    page = client.get(reverse("schemes:system_detail", args=[draft_system.pk])).content.decode()
    assert "下级指标分值合计 70 分，应等于本指标分值 60 分" in page
    response = client.post(reverse("schemes:indicator_delete", args=[added.pk]))
    assert response.status_code == 302
    assert not draft_system.indicators.filter(code="2.2").exists()
