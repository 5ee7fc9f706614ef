"""``scenario_entities(year)`` gives the engine what its placement needs (seed 004)."""

from __future__ import annotations

import datetime as dt

import pytest

from kaohe.orgs import services
from kaohe.orgs.models import UnitCategory
from kaohe.orgs.scenario import full_months, scenario_entities

D = dt.date
LONG_AGO = D(2020, 1, 1)


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (D(2023, 7, 1), D(2023, 12, 31), 6),
        (D(2023, 7, 2), D(2023, 12, 31), 5),
        (D(2023, 1, 1), D(2023, 12, 31), 12),
        (D(2022, 10, 15), D(2023, 4, 14), 6),
        (D(2022, 10, 15), D(2023, 4, 13), 5),
        (D(2023, 12, 31), D(2023, 12, 31), 0),
        (D(2023, 1, 31), D(2023, 2, 27), 0),
        (D(2023, 1, 31), D(2023, 2, 28), 1),  # the month-end rule of relativedelta
    ],
)
def test_full_months_counts_whole_months_both_days_included(start, end, months):
    assert full_months(start, end) == months


@pytest.fixture
def county(cast):
    """Every case of seed 004 around 青山镇 (qingshan), assessed for 2023."""
    admin = cast.admin
    upper = UnitCategory.objects.create(name="上级单位", order=90)
    school_category = UnitCategory.objects.get(name="县直学校")
    city = services.unit_create(actor=admin, code="city", name="市发改委", category=upper)
    dept = cast.responsible_unit
    school = services.unit_create(
        actor=admin, code="school1", name="县一中", category=school_category, supervisor=dept
    )
    town = cast.unit_a
    people = {}

    def cadre(key, unit, *, start=LONG_AGO, end=None, role="member", **attrs):
        people[key] = services.cadre_create(actor=admin, name=key, **attrs, first_posting={
            "unit": unit, "post": "职务", "role": role, "start_date": start, "end_date": end})  # fmt: skip
        return people[key]

    for i in range(1, 9):
        cadre(f"m{i}", town)
    people["p"] = cast.cadre_a  # principal of the town, duty secretary
    for level, start in (
        ("central", D(2023, 3, 1)),
        ("province", D(2023, 9, 1)),
        ("city", D(2023, 9, 1)),
    ):
        c = cadre(f"s_{level}", city)
        services.secondment_create(actor=admin, cadre=c, level=level, host=town, start_date=start)
    k_long = cadre("k_long", dept)
    services.secondment_create(
        actor=admin, cadre=k_long, level="county", host=town, start_date=D(2023, 7, 1)
    )
    k_short = cadre("k_short", dept)
    services.secondment_create(
        actor=admin, cadre=k_short, level="county", host=town, start_date=D(2023, 7, 2)
    )
    k_over = cadre("k_over", dept)  # came back in October: assessed at home
    services.secondment_create(
        actor=admin,
        cadre=k_over,
        level="county",
        host=town,
        start_date=D(2023, 1, 1),
        end_date=D(2023, 10, 31),
    )
    for i in range(1, 5):
        cadre(f"d{i}", dept)
    v = cadre("v", town)
    services.village_assignment_create(
        actor=admin, cadre=v, village="东山村", start_date=D(2022, 4, 1)
    )
    cadre("r_on", town, retired_on=D(2023, 12, 31))
    cadre("r_before", town, retired_on=D(2023, 6, 30), end=D(2023, 6, 30))
    cadre("r_after", town, retired_on=D(2024, 3, 31))
    cadre("r_long_ago", town, retired_on=D(2021, 6, 30), end=D(2021, 6, 30))
    i_open = cadre("i_open", town)
    services.investigation_open(actor=admin, cadre=i_open, opened_on=D(2023, 5, 1))
    i_closed = cadre("i_closed", town)
    row = services.investigation_open(actor=admin, cadre=i_closed, opened_on=D(2023, 2, 1))
    services.investigation_close(
        actor=admin, investigation=row, closed_on=D(2023, 8, 1), outcome="澄清"
    )
    cadre("e", school)
    cadre("later", town, start=D(2024, 2, 1))  # appointed after 12-31: not in 2023
    return people


def by_name(entities):
    return {c["name"]: c for c in entities["cadres"]}


def test_entities_carry_every_placement_attribute(county):
    cadres = by_name(scenario_entities(2023))
    assert cadres["张青山"] == {
        "id": county["p"].entity_id, "name": "张青山", "unit": "qingshan", "role": "principal",
        "duties": ["secretary"],
    }  # fmt: skip
    assert cadres["s_central"]["secondment"] == {
        "level": "central",
        "host": "qingshan",
        "months": 10,
    }
    assert cadres["s_city"]["secondment"]["months"] == 4
    assert cadres["k_long"]["secondment"] == {"level": "county", "host": "qingshan", "months": 6}
    assert cadres["k_short"]["secondment"]["months"] == 5
    assert "secondment" not in cadres["k_over"]
    assert cadres["v"]["village_team"] is True
    assert cadres["r_on"]["retired_on"] == D(2023, 12, 31)
    assert cadres["r_before"]["retired_on"] == D(2023, 6, 30)
    assert cadres["i_open"]["investigation"] == "open"
    assert "investigation" not in cadres["i_closed"]
    assert cadres["e"]["entrusted_by"] == "zuzhibu"
    assert "r_long_ago" not in cadres and "later" not in cadres


def test_units_carry_category_flags_and_supervisor(county):
    units = {u["id"]: u for u in scenario_entities(2023)["units"]}
    assert units["qingshan"] == {
        "id": "qingshan",
        "name": "青山镇",
        "category": "镇街",
        "flags": [],
    }
    assert units["school1"]["supervisor"] == "zuzhibu"


def test_entities_are_built_in_a_fixed_number_of_queries(county, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        scenario_entities(2023)


def test_the_engine_places_the_database_cadres_as_seed_004_says(county):
    engine = pytest.importorskip("kaohe.engine")
    entities = scenario_entities(2023)
    document = {
        "format": "kaohe-scenario/1",
        "year": 2023,
        "entities": entities,
        "schemes": [
            {
                "id": "cadre",
                "name": "领导干部年度考核",
                "subject": "cadre",
                "grades": ["优秀", "称职", "基本称职", "不称职"],
                "bands": {"优秀": 90, "称职": 60, "基本称职": 40},
                "quotas": [{"grade": "优秀", "ratio": 0.2}],
                "targets": [{"id": c["id"], "inputs": {"score": 95}} for c in entities["cadres"]],
            }
        ],
    }
    result = engine.evaluate(document).to_dict()["schemes"][0]
    names = {c["id"]: c["name"] for c in entities["cadres"]}
    placed = {names[r["target"]]: r for r in result["results"]}

    def where(name):
        row = placed[name]
        return row["status"], row["group"], row["in_base"]

    assert where("m1") == ("graded", "qingshan", True)
    assert where("张青山")[:2] == ("graded", "单列")
    for level in ("central", "province", "city"):
        assert where(f"s_{level}") == ("graded", "qingshan", False)  # outside the host's quota
    assert where("k_long") == ("graded", "qingshan", True)
    assert where("k_short") == ("graded", "zuzhibu", True)
    assert where("k_over") == ("graded", "zuzhibu", True)
    for name in ("v", "r_on", "r_before"):
        assert placed[name]["status"] == "excluded"
    assert where("r_after") == ("graded", "qingshan", True)
    assert placed["i_open"]["status"] == "pending" and placed["i_open"]["grade"] is None
    assert placed["i_closed"]["status"] == "graded"
    assert where("e") == ("graded", "school1", True)
    quotas = {q["group"]: q for q in result["quotas"]}
    # qingshan: m1..m8, k_long, r_after, i_open, i_closed = 12 counted; 20% → 2 slots
    assert (quotas["qingshan"]["base"], quotas["qingshan"]["slots"]) == (12, 2)
