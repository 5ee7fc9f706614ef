"""Change requests: filed with a reason against a published system, approved (a new
version) or rejected by the office; the diff between versions, field by field."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

MOVE_POINTS = [
    {"op": "update", "code": "1.1", "fields": {"points": "15", "name": "中心组学习"}},
    {"op": "update", "code": "1.2", "fields": {"points": "25"}},
    {"op": "add", "code": "2.2", "fields": {"parent": "2", "name": "人才工作", "points": "5"}},
    {"op": "update", "code": "2.1", "fields": {"points": "55"}},
]


def test_a_scorer_files_a_request_with_a_reason(cast, town_system):
    from kaohe.core.models import AuditEntry
    from kaohe.schemes import services

    request = services.change_request_create(
        actor=cast.scorer, system=town_system, reason="上级部署调整", changes=MOVE_POINTS[:2]
    )
    assert request.status == "pending"
    assert request.requested_unit == cast.responsible_unit
    assert request.base_version == town_system.current_version
    assert AuditEntry.objects.get(action="change_request.create").actor == cast.scorer


@pytest.mark.parametrize(
    ("reason", "changes", "code"),
    [
        ("", MOVE_POINTS[:2], "reason_required"),
        ("理由", [], "no_changes"),
        ("理由", MOVE_POINTS[:1], "tree"),  # 1.1 alone: the points of 1 no longer add up
        ("理由", [{"op": "update", "code": "2.1", "fields": {"name": "x"}}], "tree"),  # not its
        ("理由", [{"op": "remove", "code": "9"}], "tree"),
    ],
    ids=["no-reason", "no-change", "points", "not-responsible", "unknown"],
)
def test_a_request_that_cannot_stand_is_refused(cast, town_system, reason, changes, code):
    from kaohe.schemes import services
    from kaohe.schemes.models import ChangeRequest

    with pytest.raises(ValidationError) as error:
        services.change_request_create(
            actor=cast.scorer, system=town_system, reason=reason, changes=changes
        )
    codes = (
        {e.code for errors in error.value.error_dict.values() for e in errors}
        if hasattr(error.value, "error_dict")
        else {e.code for e in error.value.error_list}
    )
    assert code in codes
    assert not ChangeRequest.objects.exists()


OWN_ADD = [
    {"op": "update", "code": "1.1", "fields": {"points": "15"}},
    {"op": "add", "code": "1.3", "fields": {"parent": "1", "name": "宣传工作", "points": "5"}},
]


@pytest.mark.parametrize(
    "changes",
    [
        [  # under 2, which 县委组织部 is not responsible for
            {"op": "update", "code": "1.1", "fields": {"points": "15"}},
            {"op": "add", "code": "2.2", "fields": {"parent": "2", "name": "人才", "points": "5"}},
        ],
        [  # at the top level, outside every indicator of the unit
            {"op": "add", "code": "4", "fields": {"name": "新增一级", "points": "0"}},
        ],
        [  # its own indicator moved under one that is not its own
            {"op": "update", "code": "1.1", "fields": {"parent": "2"}},
        ],
    ],
    ids=["under-another-units-indicator", "top-level", "moved-out-of-scope"],
)
def test_a_scorer_may_not_add_or_move_an_indicator_outside_its_scope(cast, town_system, changes):
    from kaohe.schemes import services
    from kaohe.schemes.errors import SchemeError
    from kaohe.schemes.models import ChangeRequest

    with pytest.raises(ValidationError) as error:
        services.change_request_create(
            actor=cast.scorer, system=town_system, reason="调整", changes=changes
        )
    problems = error.value.error_list
    assert [e.code for e in problems] == [SchemeError.TREE]
    assert problems[0].params["field"] == "parent"
    assert "本单位负责" in problems[0].message
    assert not ChangeRequest.objects.exists()


def test_a_scorer_may_add_an_indicator_under_its_own(cast, town_system):
    from kaohe.schemes import services

    request = services.change_request_create(
        actor=cast.scorer, system=town_system, reason="增加宣传工作", changes=OWN_ADD
    )
    assert request.changes[1]["code"] == "1.3"


def test_the_office_may_add_an_indicator_anywhere(cast, town_system):
    from kaohe.schemes import services

    request = services.change_request_create(
        actor=cast.admin, system=town_system, reason="调整", changes=MOVE_POINTS
    )
    assert request.status == "pending"


def test_a_draft_needs_no_request(cast, draft_system):
    from kaohe.schemes import services
    from kaohe.schemes.errors import SchemeError

    with pytest.raises(ValidationError) as error:
        services.change_request_create(
            actor=cast.admin, system=draft_system, reason="x", changes=MOVE_POINTS
        )
    assert error.value.code == SchemeError.NOT_PUBLISHED


def test_approval_applies_the_change_as_a_new_version_keeping_the_old(cast, town_system):
    from kaohe.core.models import AuditEntry
    from kaohe.schemes import services, tree

    ids = dict(town_system.indicators.values_list("code", "pk"))
    request = services.change_request_create(
        actor=cast.admin, system=town_system, reason="调整", changes=MOVE_POINTS
    )
    services.change_request_decide(actor=cast.admin, request=request, status="approved")

    town_system.refresh_from_db()
    assert town_system.current_version.number == 2
    assert request.result_version == town_system.current_version
    rows = {row["code"]: row for row in town_system.current_version.indicators}
    assert rows["1.1"]["points"] == "15" and rows["1.1"]["name"] == "中心组学习"
    assert rows["2.2"]["parent"] == "2"
    assert town_system.indicators.get(code="1.1").pk == ids["1.1"]  # rows keep their ids
    first = town_system.versions.get(number=1)
    assert {row["code"]: row for row in first.indicators}["1.1"]["points"] == "20"
    entry = AuditEntry.objects.get(action="change_request.approve")
    assert entry.after["version"] == 2

    diff = tree.diff(first.indicators, town_system.current_version.indicators)
    assert [row["code"] for row in diff.added] == ["2.2"]
    assert diff.removed == []
    changed = {
        item.code: {f.field: (f.before, f.after) for f in item.fields} for item in diff.changed
    }
    assert changed == {
        "1.1": {"name": ("理论学习中心组学习", "中心组学习"), "points": ("20", "15")},
        "1.2": {"points": ("20", "25")},
        "2.1": {"points": ("60", "55")},
    }


def test_rejection_needs_a_note_and_changes_nothing(cast, town_system):
    from kaohe.schemes import services

    request = services.change_request_create(
        actor=cast.scorer, system=town_system, reason="调整", changes=MOVE_POINTS[:2]
    )
    with pytest.raises(ValidationError):
        services.change_request_decide(actor=cast.admin, request=request, status="rejected")
    services.change_request_decide(
        actor=cast.admin, request=request, status="rejected", note="年度中途不作调整"
    )
    town_system.refresh_from_db()
    assert request.status == "rejected" and town_system.current_version.number == 1
    with pytest.raises(ValidationError) as error:
        services.change_request_decide(actor=cast.admin, request=request, status="approved")
    assert error.value.code == "transition"


def test_removing_an_indicator_removes_its_subtree(cast, town_system):
    from kaohe.schemes import services, tree

    changes = [
        {"op": "remove", "code": "1"},
        {"op": "update", "code": "2", "fields": {"points": "100"}},
        {"op": "update", "code": "2.1", "fields": {"points": "100"}},
    ]
    request = services.change_request_create(
        actor=cast.admin, system=town_system, reason="合并", changes=changes
    )
    services.change_request_decide(actor=cast.admin, request=request, status="approved")
    town_system.refresh_from_db()
    diff = tree.diff(
        town_system.versions.get(number=1).indicators, town_system.current_version.indicators
    )
    assert sorted(row["code"] for row in diff.removed) == ["1", "1.1", "1.2"]
    assert not town_system.indicators.filter(code__startswith="1").exists()


def test_the_request_form_puts_errors_beside_the_change_and_then_files_it(
    client, cast, town_system
):
    from kaohe.schemes.models import ChangeRequest

    client.force_login(cast.scorer)
    url = reverse("schemes:change_create", args=[town_system.pk])
    data = {
        "reason": "调整分值",
        "change-TOTAL_FORMS": "3",
        "change-INITIAL_FORMS": "0",
        "change-0-op": "update",
        "change-0-code": "1.1",
        "change-0-points": "15",
    }
    page = client.post(url, data).content.decode()
    assert "下级指标分值合计 35 分，应等于本指标分值 40 分" in page
    data |= {"change-1-op": "update", "change-1-code": "1", "change-1-points": "35",
             "change-2-op": "update", "change-2-code": "2", "change-2-points": "65"}  # fmt: skip
    page = client.post(url, data).content.decode()
    assert "只能申请变更本单位负责的指标" in page  # 2 is not the scorer's
    data |= {"change-2-op": "add", "change-2-code": "4", "change-2-name": "新增指标",
             "change-2-points": "5"}  # fmt: skip
    page = client.post(url, data).content.decode()
    assert "只能在本单位负责的指标下新增或移入指标" in page  # a top-level indicator
    data = {"reason": "调整分值", "change-TOTAL_FORMS": "2", "change-INITIAL_FORMS": "0",
            "change-0-op": "update", "change-0-code": "1.1", "change-0-points": "15",
            "change-1-op": "add", "change-1-code": "1.3", "change-1-parent": "1",
            "change-1-name": "新增指标", "change-1-points": "5"}  # fmt: skip
    response = client.post(url, data)
    request = ChangeRequest.objects.get()
    assert response.status_code == 302
    assert [c["code"] for c in request.changes] == ["1.1", "1.3"]


def test_the_office_decides_on_the_detail_page_and_the_diff_page_shows_it(
    client, cast, town_system
):
    from kaohe.schemes import services

    request = services.change_request_create(
        actor=cast.scorer, system=town_system, reason="调整", changes=MOVE_POINTS[:2]
    )
    client.force_login(cast.admin)
    page = client.get(reverse("schemes:change_detail", args=[request.pk])).content.decode()
    assert "批准后的变化" in page and "中心组学习" in page
    response = client.post(
        reverse("schemes:change_decide", args=[request.pk]), {"decision": "approved"}
    )
    assert response.status_code == 302
    page = client.get(
        reverse("schemes:system_diff", args=[town_system.pk]) + "?a=1&b=2"
    ).content.decode()
    assert "v1 → v2" in page
    assert "理论学习中心组学习" in page and "中心组学习" in page
    assert (
        client.get(reverse("schemes:system_diff", args=[town_system.pk]) + "?a=1&b=9").status_code
        == 404
    )
