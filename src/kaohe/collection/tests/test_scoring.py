"""Scoring services: ranges and caps, deductions only, reasons and evidence, the closed
period's rules, consolidation by the lead unit, the audit's before and after, to-dos."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kaohe.collection.models import PeriodKind, PeriodStatus, ScoreEntry
from kaohe.collection.scoring import (
    cell_history,
    parse_value,
    score_fill_zero,
    score_grid,
    score_set,
    scoring_todos,
)
from kaohe.collection.services import period_create, period_set_status
from kaohe.collection.todos import TodoState
from kaohe.collection.totals import period_totals
from kaohe.core.models import AuditEntry

D = Decimal


@pytest.fixture
def ind(town_system):
    return {i.code: i for i in town_system.indicators.all()}


@pytest.fixture
def q4(party):
    """An open year-end-like period: awards, deductions and bonuses."""
    return period_create(
        actor=None, scheme=party["party"], kind=PeriodKind.YEAR_END, key="Y", name="年终考核",
        starts_on=dt.date(2024, 12, 1), ends_on=dt.date(2024, 12, 31),
        review_due=dt.date(2024, 12, 25), status=PeriodStatus.OPEN,
    )  # fmt: skip


def put(cast, period, code, ind, value, reason="", target=None, **kw):
    return score_set(
        actor=cast.scorer, period=period, unit=cast.responsible_unit,
        target=target or cast.unit_a, indicator=ind[code],
        value=None if value is None else D(value), reason=reason, **kw,
    )  # fmt: skip


def code_of(refused):
    return refused.value.error_dict[next(iter(refused.value.error_dict))][0].code


@pytest.mark.parametrize(
    ("code", "value", "reason", "error"),
    [
        ("1.1", "-1", "", "negative"),
        ("1.1", "20.5", "", "above_limit"),  # above the indicator's points
        ("1.1", "1.005", "", "decimals"),
        ("1.2", "21", "扣分", "above_limit"),  # above the deduction's cap
        ("1.2", "2", "", "reason_required"),
    ],
)
def test_values_out_of_range_or_without_reason_are_refused(
    cast, q4, ind, code, value, reason, error
):
    with pytest.raises(ValidationError) as refused:
        put(cast, q4, code, ind, value, reason)
    assert code_of(refused) == error
    assert not ScoreEntry.objects.exists()


def test_the_bonus_is_checked_against_its_cap_not_its_points(cast, q4, ind, town_system):
    from kaohe.schemes.models import Indicator

    Indicator.objects.filter(pk=ind["3"].pk).update(responsible_unit=cast.responsible_unit)
    ind["3"].refresh_from_db()
    assert put(cast, q4, "3", ind, "2.5").value == D("2.5")  # points 1, cap 3
    with pytest.raises(ValidationError) as refused:
        put(cast, q4, "3", ind, "3.5")
    assert code_of(refused) == "above_limit"


def test_parse_value_reads_a_phone_decimal_comma_and_refuses_words():
    assert parse_value(" 3，5 ") == D("3.5")
    assert parse_value("") is None
    for bad in ("abc", "NaN", "Infinity", "1" * 20):
        with pytest.raises(ValidationError):
            parse_value(bad)


def test_a_deductions_only_period_treats_every_indicator_as_a_deduction(cast, q1, ind):
    # 1.1 is a 赋分 indicator: in monitoring its value is the points taken, with a reason
    with pytest.raises(ValidationError) as refused:
        put(cast, q1, "1.1", ind, "2")
    assert code_of(refused) == "reason_required"
    put(cast, q1, "1.1", ind, "2", "学习记录不全")
    assert period_totals(period=q1)[cast.unit_a.pk] == D(98)


def test_a_deductions_only_period_refuses_a_bonus(cast, q1, ind):
    from kaohe.schemes.models import Indicator

    Indicator.objects.filter(pk=ind["3"].pk).update(responsible_unit=cast.responsible_unit)
    ind["3"].refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        put(cast, q1, "3", ind, "1")
    assert code_of(refused) == "deductions_only"
    grid = score_grid(period=q1, unit=cast.responsible_unit, user=cast.scorer)[0]
    assert "3" not in [c.indicator.code for c in grid.columns]


def test_evidence_is_needed_where_the_indicator_asks_for_it(cast, q1, ind):
    from kaohe.schemes.models import Indicator

    Indicator.objects.filter(pk=ind["1.2"].pk).update(evidence_required=True)
    ind["1.2"].refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        put(cast, q1, "1.2", ind, "2", "通报一起")
    assert code_of(refused) == "evidence_required"
    entry = put(cast, q1, "1.2", ind, "2", "通报一起", uploads=[b"%PDF-1.4\n%x\n"])
    assert entry.value == D(2)
    audit = AuditEntry.objects.filter(action="score.set").latest("pk")
    assert len(audit.after["evidence"]) == 1


def test_only_leaf_indicators_of_the_units_own_responsibility_are_scored(cast, q4, ind):
    with pytest.raises(ValidationError):
        put(cast, q4, "1", ind, "3")  # a parent: rolled up from its children
    with pytest.raises(ValidationError):
        put(cast, q4, "2.1", ind, "3")  # another unit's indicator
    with pytest.raises(PermissionDenied):
        score_set(
            actor=cast.liaison, period=q4, unit=cast.responsible_unit, target=cast.unit_a,
            indicator=ind["1.1"], value=D(1),
        )  # fmt: skip


def test_every_change_is_audited_with_before_and_after(cast, q4, ind):
    entry = put(cast, q4, "1.1", ind, "15")
    put(cast, q4, "1.1", ind, "18")
    put(cast, q4, "1.1", ind, "18")  # unchanged: no audit row
    rows = list(AuditEntry.objects.filter(object_type="collection.scoreentry").order_by("pk"))
    assert [r.action for r in rows] == ["score.set", "score.set"]
    assert rows[0].before is None and rows[0].after["value"] == "15"
    assert rows[1].before["value"] == "15" and rows[1].after["value"] == "18"
    assert rows[1].actor == cast.scorer
    entry.refresh_from_db()
    assert entry.updated_by == cast.scorer
    put(cast, q4, "1.1", ind, None)
    assert not ScoreEntry.objects.exists()
    history = cell_history(period=q4, target=cast.unit_a, indicator=ind["1.1"])
    assert [h.action for h in history] == ["score.clear", "score.set", "score.set"]


def test_a_closed_period_is_final_the_office_corrects_with_a_reason(cast, q4, ind):
    put(cast, q4, "1.1", ind, "15")
    period_set_status(actor=cast.admin, period=q4, status=PeriodStatus.CLOSED)
    q4.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        put(cast, q4, "1.1", ind, "16")
    assert refused.value.code == "period_closed"
    with pytest.raises(ValidationError) as refused:
        score_set(
            actor=cast.admin, period=q4, unit=cast.responsible_unit, target=cast.unit_a,
            indicator=ind["1.1"], value=D(16),
        )  # fmt: skip
    assert code_of(refused) == "correction_reason"
    score_set(
        actor=cast.admin, period=q4, unit=cast.responsible_unit, target=cast.unit_a,
        indicator=ind["1.1"], value=D(16), correction="复核发现漏计一次学习",
    )  # fmt: skip
    row = AuditEntry.objects.get(action="score.correct")
    assert row.before["value"] == "15" and row.after["value"] == "16"
    assert row.after["correction"] == "复核发现漏计一次学习" and row.actor == cast.admin


def test_a_monthly_period_takes_no_scores_and_is_not_listed(cast, party, ind):
    from kaohe.collection.scoring import scoring_periods_for_user

    monthly = period_create(
        actor=None, scheme=party["party"], kind=PeriodKind.MONTHLY, key="M04", name="4月",
        starts_on=dt.date(2024, 4, 1), ends_on=dt.date(2024, 4, 30), status=PeriodStatus.OPEN,
    )  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        put(cast, monthly, "1.2", ind, "1", "x")
    assert refused.value.code == "period_not_scored"
    assert monthly not in scoring_periods_for_user(cast.scorer)
    assert list(scoring_todos(cast.scorer, dt.date(2024, 4, 2))) == []


def test_a_planned_period_takes_no_scores(cast, party, ind):
    planned = period_create(
        actor=None, scheme=party["party"], kind=PeriodKind.QUARTERLY, key="Q3", name="Q3",
        starts_on=dt.date(2024, 9, 20), ends_on=dt.date(2024, 9, 30), deductions_only=True,
    )  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        put(cast, planned, "1.2", ind, "1", "x")
    assert refused.value.code == "period_planned"


def test_the_lead_unit_sees_the_others_entries_and_its_value_is_the_consolidated_one(cast, q1, ind):
    from kaohe.core.roles import Role
    from kaohe.core.services import user_create
    from kaohe.schemes.models import Indicator
    from kaohe.schemes.tests.factories import discipline_unit

    lead = discipline_unit(cast)
    lead_scorer = user_create(
        actor=None, username="lead", password="a-Long-test-pass-9", role=Role.SCORER,
        unit=lead, validate=False,
    )  # fmt: skip
    Indicator.objects.filter(pk=ind["1.2"].pk).update(lead_unit=lead)
    ind["1.2"].refresh_from_db()
    put(cast, q1, "1.2", ind, "4", "通报两起")
    assert period_totals(period=q1)[cast.unit_a.pk] == D(96)

    grid = score_grid(period=q1, unit=lead, user=lead_scorer)[0]
    assert [c.indicator.code for c in grid.columns] == ["1.2"]
    assert grid.columns[0].consolidating
    cell = next(r for r in grid.rows if r.target == cast.unit_a).cells[0]
    assert [(o.scorer_unit, o.value) for o in cell.others] == [(cast.responsible_unit, D(4))]

    entry = score_set(
        actor=lead_scorer, period=q1, unit=lead, target=cast.unit_a, indicator=ind["1.2"],
        value=D(3), reason="汇总：其中一起已在上季度扣分",
    )  # fmt: skip
    assert entry.consolidated
    assert period_totals(period=q1)[cast.unit_a.pk] == D(97)
    with pytest.raises(PermissionDenied):  # the lead's scorer cannot write for another unit
        score_set(
            actor=lead_scorer, period=q1, unit=cast.responsible_unit, target=cast.unit_a,
            indicator=ind["1.2"], value=D(1), reason="x",
        )  # fmt: skip


def test_the_grid_total_is_the_roll_up_of_the_counted_entries(cast, q4, ind):
    put(cast, q4, "1.1", ind, "15")
    put(cast, q4, "1.2", ind, "5", "意识形态问题一起")
    grid = score_grid(period=q4, unit=cast.responsible_unit, user=cast.scorer)[0]
    row = next(r for r in grid.rows if r.target == cast.unit_a)
    # 1.1: 15, 1.2: 20-5, 2: nothing given, 3: no bonus → 30 of 101 points, out of 100
    assert row.total == period_totals(period=q4)[cast.unit_a.pk] == D(30)
    assert [c.indicator.code for c in grid.columns] == ["1.1", "1.2"]


def test_fill_zero_marks_the_empty_cells_once_with_one_audit_row(cast, q1, ind):
    put(cast, q1, "1.2", ind, "2", "x")
    made = score_fill_zero(actor=cast.scorer, period=q1, unit=cast.responsible_unit)
    assert made == 2 * 2 - 1  # two targets × two columns, one already scored
    assert score_fill_zero(actor=cast.scorer, period=q1, unit=cast.responsible_unit) == 0
    assert AuditEntry.objects.filter(action="score.fill_zero").count() == 2


def test_the_scorers_todo_counts_empty_cells_and_is_late_after_the_review_date(cast, q1, ind):
    put(cast, q1, "1.2", ind, "2", "x")
    [todo] = scoring_todos(cast.scorer, dt.date(2024, 3, 25))
    assert todo.state == TodoState.DUE and todo.due == dt.date(2024, 3, 31)
    assert "3" in todo.detail
    [late] = scoring_todos(cast.scorer, dt.date(2024, 4, 2))
    assert late.state == TodoState.LATE
    score_fill_zero(actor=cast.scorer, period=q1, unit=cast.responsible_unit)
    assert list(scoring_todos(cast.scorer, dt.date(2024, 4, 2))) == []
    assert list(scoring_todos(cast.liaison, dt.date(2024, 4, 2))) == []
