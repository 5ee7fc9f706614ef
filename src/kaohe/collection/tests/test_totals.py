import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from kaohe.collection.models import PeriodKind, ScoreEntry
from kaohe.collection.services import period_create
from kaohe.collection.totals import Node, period_totals, roll_up

D = Decimal
# 1 (40) = 1.1 award 20 + 1.2 deduction 20 (cap 10); 2 award 60; 3 bonus 1 (cap 3)
TREE = [
    Node(1, None, "award", D(40), None),
    Node(11, 1, "award", D(20), None),
    Node(12, 1, "deduction", D(20), D(10)),
    Node(2, None, "award", D(60), None),
    Node(3, None, "bonus", D(1), D(3)),
]


@pytest.mark.parametrize(
    ("values", "deductions_only", "expected"),
    [
        ({}, False, D(20)),  # nothing given: the 扣分 indicator keeps its points
        ({11: D(18), 12: D(5), 2: D(55)}, False, D(88)),
        ({11: D(25), 2: D(70)}, False, D(100)),  # never above an indicator's points
        ({11: D(20), 12: D(50), 2: D(60)}, False, D(90)),  # a deduction up to its cap
        ({11: D(20), 2: D(60), 3: D(5)}, False, D(103)),  # a bonus up to its cap
        ({}, True, D(100)),  # monitoring: every indicator starts full
        ({11: D(2), 2: D(70)}, True, D(38)),  # …and loses at most its points
    ],
)
def test_the_tree_rolls_up_within_each_indicators_points(values, deductions_only, expected):
    assert roll_up(TREE, values, total_points=D(100), deductions_only=deductions_only) == expected


def test_a_system_not_out_of_100_is_rescaled():
    tree = [Node(1, None, "award", D(80), None)]
    assert roll_up(tree, {1: D(60)}, total_points=D(80)) == D(75)


def test_period_totals_count_the_consolidated_entry_and_the_responsible_units(
    cast, town_system, party
):
    period = period_create(
        actor=None, scheme=party["party"], kind=PeriodKind.QUARTERLY, key="Q2", name="Q2",
        starts_on=dt.date(2024, 6, 20), ends_on=dt.date(2024, 6, 30), deductions_only=True,
    )  # fmt: skip
    indicators = {i.code: i for i in town_system.indicators.all()}

    def enter(target, code, value, scorer, consolidated=False):
        ScoreEntry.objects.create(
            period=period, target=target, indicator=indicators[code], scorer_unit=scorer,
            value=D(value), consolidated=consolidated, updated_at=timezone.now(),
        )  # fmt: skip

    enter(cast.unit_a, "1.1", "3", cast.responsible_unit)
    enter(cast.unit_a, "1.1", "9", cast.unit_b)  # not responsible: does not count
    enter(cast.unit_b, "1.2", "4", cast.unit_b)
    enter(cast.unit_b, "1.2", "2", cast.responsible_unit, consolidated=True)
    totals = period_totals(period=period)
    assert totals[cast.unit_a.pk] == D(97)
    assert totals[cast.unit_b.pk] == D(98)
