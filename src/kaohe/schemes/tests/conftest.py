"""Fixtures of the schemes tests, on top of the project's cast (``kaohe/conftest.py``).

- ``year``: the assessment year 2024
- ``party``: the schemes of preset seed001-party (review, party), ``party`` in draft
- ``town_system``: a published 镇街 system; the cast's scorer unit (县委组织部) is
  responsible for some of its indicators, so the scorer sees it; the liaison (青山镇, a
  镇街 unit) sees it too, by category
- ``dept_system``: a published 县直部门 system whose only responsible unit is 县纪委监委:
  the scorer, the liaison and the outsider must see nothing of it
"""

from __future__ import annotations

from decimal import Decimal

import pytest

TREE = [
    # code, parent, name, points, method, cap, responsible (cast attribute or None)
    ("1", None, "思想政治工作", "40", "award", None, "responsible_unit"),
    ("1.1", "1", "理论学习中心组学习", "20", "award", None, "responsible_unit"),
    ("1.2", "1", "意识形态工作", "20", "deduction", "20", "responsible_unit"),
    ("2", None, "组织工作质量", "60", "award", None, None),
    ("2.1", "2", "基层党组织建设", "60", "award", None, None),
    ("3", None, "加分项", "1", "bonus", "3", None),
]


def build_tree(system, *, responsible=None):  # type: ignore[no-untyped-def]
    from kaohe.schemes import services

    made = {}
    for code, parent, name, points, method, cap, who in TREE:
        made[code] = services.indicator_create(
            actor=None,
            system=system,
            code=code,
            name=name,
            points=Decimal(points),
            method=method,
            cap=Decimal(cap) if cap else None,
            responsible_unit=responsible if who else None,
            parent=made[parent] if parent else None,
        )
    return made


@pytest.fixture
def year(db):  # type: ignore[no-untyped-def]
    from kaohe.orgs.services import year_create

    return year_create(actor=None, year=2024, name="2024年度")


@pytest.fixture
def party(year):  # type: ignore[no-untyped-def]
    from kaohe.schemes import services

    schemes = services.scheme_create_from_preset(actor=None, year=year, preset_id="seed001-party")
    return {s.code: s for s in schemes}


@pytest.fixture
def discipline(cast):  # type: ignore[no-untyped-def]
    from kaohe.orgs.services import unit_create

    return unit_create(actor=None, code="jiwei", name="县纪委监委", category=cast.dept_category)


@pytest.fixture
def town_system(cast, party):  # type: ignore[no-untyped-def]
    from kaohe.schemes import services

    system = services.indicator_system_create(
        actor=None, scheme=party["party"], category=cast.town_category
    )
    build_tree(system, responsible=cast.responsible_unit)
    return services.indicator_system_set_status(actor=None, system=system, status="published")


@pytest.fixture
def dept_system(cast, party, discipline):  # type: ignore[no-untyped-def]
    from kaohe.schemes import services

    system = services.indicator_system_create(
        actor=None, scheme=party["party"], category=cast.dept_category
    )
    build_tree(system, responsible=discipline)
    return services.indicator_system_set_status(actor=None, system=system, status="published")


@pytest.fixture
def draft_system(cast, party):  # type: ignore[no-untyped-def]
    from kaohe.orgs.models import UnitCategory
    from kaohe.schemes import services

    system = services.indicator_system_create(
        actor=None, scheme=party["party"], category=UnitCategory.objects.get(name="县直学校")
    )
    build_tree(system, responsible=cast.responsible_unit)
    return system
