"""Field-check services: what a check may record, and how a confirmed deduction enters the
responsible unit's entry (within the indicator's limit, audited once)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kaohe.collection.models import DeductionStatus, PeriodStatus, ScoreEntry
from kaohe.collection.scoring import score_set
from kaohe.collection.scoring_field_checks import (
    field_check_create,
    field_check_deduction_add,
    field_check_deduction_confirm,
)
from kaohe.collection.services import period_set_status
from kaohe.collection.todos import todos_for
from kaohe.core.models import AuditEntry

D = Decimal


@pytest.fixture
def ind(town_system):
    return {i.code: i for i in town_system.indicators.all()}


@pytest.fixture
def check(cast, q1, ind):
    return field_check_create(
        actor=cast.team_member, period=q1, target=cast.unit_a, method="documents",
        checked_on=dt.date(2024, 3, 22), findings="中心组学习记录缺少研讨内容",
        uploads=[b"%PDF-1.4\n%x\n"], today=dt.date(2024, 3, 25),
    )  # fmt: skip


def test_a_liaison_or_scorer_cannot_record_a_field_check(cast, q1, ind):
    for user in (cast.liaison, cast.scorer):
        with pytest.raises(PermissionDenied):
            field_check_create(
                actor=user, period=q1, target=cast.unit_a, method="visit",
                checked_on=dt.date(2024, 3, 22), findings="x", today=dt.date(2024, 3, 25),
            )  # fmt: skip


def test_a_check_of_a_unit_that_is_no_target_is_refused(cast, q1, ind):
    with pytest.raises(ValidationError) as refused:
        field_check_create(
            actor=cast.team_member, period=q1, target=cast.responsible_unit, method="visit",
            checked_on=dt.date(2024, 3, 22), findings="x", today=dt.date(2024, 3, 25),
        )  # fmt: skip
    assert refused.value.error_dict["target"][0].code == "scope"


def test_a_deduction_must_fit_its_indicator(cast, check, ind):
    for code, points, reason, error in (
        ("1.2", "0", "x", "negative"),
        ("1.2", "20.5", "x", "above_limit"),
        ("1.2", "1.005", "x", "decimals"),
        ("1.2", "1", " ", "reason_required"),
        ("1", "1", "x", "scope"),  # a parent indicator
    ):
        with pytest.raises(ValidationError) as refused:
            field_check_deduction_add(
                actor=cast.team_member, field_check=check, indicator=ind[code],
                points=D(points), reason=reason,
            )  # fmt: skip
        assert next(iter(refused.value.error_dict.values()))[0].code == error


def test_a_confirmed_deduction_adds_to_the_responsible_units_entry_within_the_limit(
    cast, q1, check, ind
):
    score_set(
        actor=cast.scorer, period=q1, unit=cast.responsible_unit, target=cast.unit_a,
        indicator=ind["1.2"], value=D(19), reason="通报",
    )  # fmt: skip
    deduction = field_check_deduction_add(
        actor=cast.team_member, field_check=check, indicator=ind["1.2"], points=D(3),
        reason="记录不全",
    )  # fmt: skip
    with pytest.raises(PermissionDenied):
        field_check_deduction_confirm(actor=cast.liaison, deduction=deduction)
    entry = field_check_deduction_confirm(actor=cast.scorer, deduction=deduction)
    assert entry.value == D(20)  # 19 + 3, at most the cap of 20
    assert entry.reason.startswith("通报；实地考核（调阅资料，2024-03-22）")
    row = AuditEntry.objects.get(action="field_check.confirm")
    assert row.before["value"] == "19" and row.after["value"] == "20"
    with pytest.raises(ValidationError):
        field_check_deduction_confirm(actor=cast.scorer, deduction=deduction)
    assert ScoreEntry.objects.count() == 1


def test_the_office_confirms_for_the_responsible_unit_but_not_after_close(cast, q1, check, ind):
    first = field_check_deduction_add(
        actor=cast.admin, field_check=check, indicator=ind["1.1"], points=D(1), reason="x"
    )
    second = field_check_deduction_add(
        actor=cast.admin, field_check=check, indicator=ind["1.2"], points=D(1), reason="y"
    )
    entry = field_check_deduction_confirm(actor=cast.admin, deduction=first)
    assert entry.scorer_unit == cast.responsible_unit and entry.updated_by == cast.admin
    period_set_status(actor=cast.admin, period=q1, status=PeriodStatus.CLOSED)
    with pytest.raises(ValidationError) as refused:
        field_check_deduction_confirm(actor=cast.admin, deduction=second)
    assert refused.value.code == "period_closed"
    second.refresh_from_db()
    assert second.status == DeductionStatus.PROPOSED


def test_the_scoring_todo_reaches_the_home_page_list(cast, q1, ind):
    keys = [t.key for t in todos_for(cast.scorer, dt.date(2024, 3, 25))]
    assert f"scoring:{q1.pk}:{cast.responsible_unit.pk}" in keys
