"""Fixtures of the collection tests, on top of the project's cast (``kaohe/conftest.py``)
and the schemes' builders.

- ``party``: the schemes of preset seed001-party for 2024 (``party["party"]`` is the 党建
  scheme of the units)
- ``town_system``: its published 镇街 indicator system; the cast's scorer unit (县委组织部)
  is responsible for indicators 1, 1.1 and 1.2; 青山镇 (liaison) and 白水镇 (outsider) are
  among its targets
- ``q1``: the open first-quarter monitoring period of that scheme (deductions only, ranked)
"""

from __future__ import annotations

import datetime as dt

import pytest

from kaohe.schemes.tests import factories


@pytest.fixture
def party(db):
    return factories.party_schemes(factories.year_2024())


@pytest.fixture
def town_system(cast, party):
    return factories.system(
        party["party"], cast.town_category, responsible=cast.responsible_unit, publish=True
    )


@pytest.fixture
def q1(party):
    from kaohe.collection.models import PeriodKind, PeriodStatus
    from kaohe.collection.services import period_create

    return period_create(
        actor=None, scheme=party["party"], kind=PeriodKind.QUARTERLY, key="Q1",
        name="第一季度监测", starts_on=dt.date(2024, 3, 20), ends_on=dt.date(2024, 3, 31),
        review_due=dt.date(2024, 3, 31), ranked=True, deductions_only=True,
        status=PeriodStatus.OPEN,
    )  # fmt: skip
