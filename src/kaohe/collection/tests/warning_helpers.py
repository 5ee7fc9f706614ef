"""Builders of the ranking and warning tests: a county made in the database from an engine
scenario (units of each category, a published one-indicator system per category, the
period scores as 赋分 entries), so that ``period_totals`` gives the scenario's scores."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.utils import timezone

SCENARIOS = Path(__file__).resolve().parents[4] / "tests" / "engine" / "scenarios"
QUARTERS = {
    "Q1": (dt.date(3, 3, 20), dt.date(3, 3, 31)),
    "Q2": (dt.date(3, 6, 20), dt.date(3, 6, 30)),
    "Q3": (dt.date(3, 9, 20), dt.date(3, 9, 30)),
    "Q4": (dt.date(3, 12, 20), dt.date(3, 12, 31)),
}


def quarter(scheme: Any, key: str, *, status: str = "closed", deductions_only: bool = False) -> Any:
    from kaohe.collection.models import Period, PeriodKind
    from kaohe.collection.services import period_create

    found = Period.objects.filter(scheme=scheme, key=key).first()
    if found is not None:
        return found
    year = scheme.year.year
    start, end = (day.replace(year=year) for day in QUARTERS[key])
    return period_create(
        actor=None, scheme=scheme, kind=PeriodKind.QUARTERLY, key=key,
        name=f"{key} 季度监测", starts_on=start, ends_on=end, ranked=True, status=status,
        deductions_only=deductions_only,
    )  # fmt: skip


def one_indicator_system(scheme: Any, category: Any) -> Any:
    """A published system of one 100-point 赋分 indicator (code ``1``) for ``category``."""
    from kaohe.schemes import services
    from kaohe.schemes.models import IndicatorSystem

    found = IndicatorSystem.objects.filter(scheme=scheme, category=category).first()
    if found is not None:
        return found
    system = services.indicator_system_create(actor=None, scheme=scheme, category=category)
    services.indicator_create(
        actor=None, system=system, code="1", name="综合", points=Decimal(100), method="award"
    )
    return services.indicator_system_set_status(actor=None, system=system, status="published")


def set_score(period: Any, unit: Any, score: Decimal | int | str) -> None:
    """Make ``unit``'s score of ``period`` equal ``score`` (one 赋分 entry, replaced)."""
    from kaohe.collection.models import ScoreEntry
    from kaohe.schemes.models import Indicator

    indicator = Indicator.objects.get(
        system__scheme=period.scheme, system__category=unit.category, code="1"
    )
    ScoreEntry.objects.update_or_create(
        period=period, target=unit, indicator=indicator, scorer_unit=unit,
        defaults={"value": Decimal(str(score)), "updated_at": timezone.now()},
    )  # fmt: skip


def county_from_scenario(scheme: Any, name: str) -> dict[str, Any]:
    """The units, systems and period scores of the scenario file ``name``'s first scheme;
    returns {"units": {id: Unit}, "periods": {key: Period}, "scenario": the loaded file}."""
    from kaohe.engine import load_path
    from kaohe.orgs.models import UnitCategory
    from kaohe.orgs.services import unit_create

    scenario = load_path(SCENARIOS / name)
    units: dict[str, Any] = {}
    for order, entity in enumerate(scenario["entities"]["units"]):
        category, _made = UnitCategory.objects.get_or_create(name=entity["category"])
        one_indicator_system(scheme, category)
        units[entity["id"]] = unit_create(
            actor=None, code=entity["id"], name=f"单位{entity['id']}", category=category,
            order=order,
        )  # fmt: skip
    periods: dict[str, Any] = {}
    for target in scenario["schemes"][0]["targets"]:
        for key, score in target.get("periods", {}).items():
            if key not in periods:
                periods[key] = quarter(scheme, key)
            set_score(periods[key], units[target["id"]], score)
    return {"units": units, "periods": periods, "scenario": scenario}


def deduct(period: Any, unit: Any, points: Decimal | int) -> None:
    """Take ``points`` from ``unit`` in a deductions-only period: one entry on the first leaf
    indicator of its category's system that has that many points."""
    from kaohe.collection.models import ScoreEntry
    from kaohe.schemes.models import Indicator

    leaves = Indicator.objects.filter(
        system__scheme=period.scheme, system__category=unit.category, children__isnull=True,
        points__gte=points,
    ).exclude(method="bonus").order_by("pk")  # fmt: skip
    indicator = leaves.first()
    assert indicator is not None, unit.category
    ScoreEntry.objects.update_or_create(
        period=period, target=unit, indicator=indicator, scorer_unit=unit,
        defaults={"value": Decimal(points), "updated_at": timezone.now()},
    )  # fmt: skip
