"""Fixtures of the results tests, on top of the cast and the collection fixtures.

``year_data``: the 2024 suite of preset seed001-party (``review`` and ``party``, both
published), the published 镇街 indicator system (青山镇 and 白水镇 are its targets), a
closed Q1 monitoring period (青山镇 loses 3 points), an open year-end period (青山镇 91,
白水镇 85) and the components collected on paper (述职评议 and 领导评价)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from kaohe.schemes.tests import factories

D = Decimal

COMPONENTS = {
    # scheme code → input → (青山镇, 白水镇)
    "review": {"score": ("92", "80")},
    "party": {"review": ("92", "80"), "leader": ("90", "85")},
}


@dataclass
class YearData:
    review: Any
    party: Any
    system: Any
    q1: Any
    year_end: Any


def enter(period: Any, target: Any, indicator: Any, value: str, scorer: Any) -> None:
    from kaohe.collection.models import ScoreEntry

    ScoreEntry.objects.create(
        period=period, target=target, indicator=indicator, scorer_unit=scorer, value=D(value),
        updated_at=timezone.now(),
    )  # fmt: skip


def component(scheme: Any, unit: Any, name: str, value: str) -> None:
    from kaohe.results.models import ComponentScore

    ComponentScore.objects.update_or_create(
        scheme=scheme, unit=unit, input_name=name,
        defaults={"value": D(value), "updated_at": timezone.now()},
    )  # fmt: skip


@pytest.fixture
def party(db):
    return factories.party_schemes(factories.year_2024())


@pytest.fixture
def town_system(cast, party):
    return factories.system(
        party["party"], cast.town_category, responsible=cast.responsible_unit, publish=True
    )


@pytest.fixture
def year_data(cast, party, town_system) -> YearData:
    from kaohe.collection.models import PeriodKind, PeriodStatus
    from kaohe.collection.services import period_create
    from kaohe.schemes.services import scheme_set_status

    review = scheme_set_status(actor=None, scheme=party["review"], status="published")
    scheme = scheme_set_status(actor=None, scheme=party["party"], status="published")
    q1 = period_create(
        actor=None, scheme=scheme, kind=PeriodKind.QUARTERLY, key="Q1", name="第一季度监测",
        starts_on=dt.date(2024, 3, 20), ends_on=dt.date(2024, 3, 31), ranked=True,
        deductions_only=True, status=PeriodStatus.OPEN,
    )  # fmt: skip
    year_end = period_create(
        actor=None, scheme=scheme, kind=PeriodKind.YEAR_END, key="Y", name="年终考核",
        starts_on=dt.date(2024, 12, 1), ends_on=dt.date(2024, 12, 31), status=PeriodStatus.OPEN,
    )  # fmt: skip
    indicators = {i.code: i for i in town_system.indicators.all()}
    org = cast.responsible_unit
    enter(q1, cast.unit_a, indicators["1.1"], "3", org)
    for code, value in (("1.1", "18"), ("1.2", "2"), ("2.1", "55")):
        enter(year_end, cast.unit_a, indicators[code], value, org)
    for code, value in (("1.1", "15"), ("2.1", "50")):
        enter(year_end, cast.unit_b, indicators[code], value, org)
    for code, inputs in COMPONENTS.items():
        for name, (a, b) in inputs.items():
            component(party[code], cast.unit_a, name, a)
            component(party[code], cast.unit_b, name, b)
    return YearData(review=review, party=scheme, system=town_system, q1=q1, year_end=year_end)
