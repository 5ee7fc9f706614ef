from __future__ import annotations

from decimal import Decimal

import pytest


@pytest.fixture
def demo_county(db):
    from kaohe.demo.services import demo_load

    return demo_load(year=2024)


def test_it_loads_every_preset_and_a_published_system_per_demo_category(demo_county):
    from kaohe.schemes.models import IndicatorSystem, Scheme
    from kaohe.schemes.services import schemes_demo_load
    from kaohe.schemes.tree import check

    made = schemes_demo_load(year=2024)

    assert made["schemes"] == 7  # style; review, party; team, cadre (002); team, cadre (004)
    assert Scheme.objects.filter(year__year=2024).count() == 7
    systems = IndicatorSystem.objects.select_related("category", "current_version")
    assert sorted(s.category.name for s in systems) == sorted(
        ["镇街", "县直部门", "县直学校", "国企", "公立医院"]
    )
    for system in systems:
        assert system.status == "published"
        assert system.total_points == Decimal(100)
        assert check(system.current_version.indicators, total=Decimal(100)) == []
    town = systems.get(category__name="镇街")
    rows = {row["code"]: row for row in town.current_version.indicators}
    assert rows["2"]["lead_unit_name"] == "县委组织部"
    assert rows["3.1"]["responsible_unit_name"] == "县纪委监委"
    schools = systems.get(category__name="县直学校")
    assert schools.indicators.get(code="2").lead_unit.name == "县教育局"


def test_loading_twice_adds_nothing(demo_county):
    from kaohe.schemes.services import schemes_demo_load

    schemes_demo_load(year=2024)
    assert schemes_demo_load(year=2024) == {"schemes": 0, "systems": 0, "indicators": 0}
