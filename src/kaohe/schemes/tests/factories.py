"""Builders shared by the fixtures (``conftest.py``) and the URL walk (``url_walk.py``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

TREE = [
    # code, parent, name, points, method, cap, with the responsible unit?
    ("1", None, "思想政治工作", "40", "award", None, True),
    ("1.1", "1", "理论学习中心组学习", "20", "award", None, True),
    ("1.2", "1", "意识形态工作", "20", "deduction", "20", True),
    ("2", None, "组织工作质量", "60", "award", None, False),
    ("2.1", "2", "基层党组织建设", "60", "award", None, False),
    ("3", None, "加分项", "1", "bonus", "3", False),
]


def year_2024() -> Any:
    from kaohe.orgs.models import AssessmentYear
    from kaohe.orgs.services import year_create

    found = AssessmentYear.objects.filter(year=2024).first()
    return found or year_create(actor=None, year=2024, name="2024年度")


def party_schemes(year: Any) -> dict[str, Any]:
    from kaohe.schemes import services
    from kaohe.schemes.models import Scheme

    found = {s.code: s for s in Scheme.objects.filter(year=year, preset="seed001-party")}
    if found:
        return found
    schemes = services.scheme_create_from_preset(actor=None, year=year, preset_id="seed001-party")
    return {s.code: s for s in schemes}


def discipline_unit(cast: Any) -> Any:
    from kaohe.orgs.models import Unit
    from kaohe.orgs.services import unit_create

    found = Unit.objects.filter(code="jiwei").first()
    return found or unit_create(
        actor=None, code="jiwei", name="县纪委监委", category=cast.dept_category
    )


def build_tree(system: Any, *, responsible: Any = None) -> dict[str, Any]:
    from kaohe.schemes import services

    made: dict[str, Any] = {}
    for code, parent, name, points, method, cap, with_unit in TREE:
        made[code] = services.indicator_create(
            actor=None,
            system=system,
            code=code,
            name=name,
            points=Decimal(points),
            method=method,
            cap=Decimal(cap) if cap else None,
            responsible_unit=responsible if with_unit else None,
            parent=made[parent] if parent else None,
        )
    return made


def system(scheme: Any, category: Any, *, responsible: Any, publish: bool) -> Any:
    from kaohe.schemes import services

    made = services.indicator_system_create(actor=None, scheme=scheme, category=category)
    build_tree(made, responsible=responsible)
    if publish:
        made = services.indicator_system_set_status(actor=None, system=made, status="published")
    return made
