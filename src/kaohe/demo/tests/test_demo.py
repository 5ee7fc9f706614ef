from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from kaohe.core.models import AuditEntry, User
from kaohe.core.roles import Role as UserRole
from kaohe.demo.services import DEMO_PASSWORD, DemoError, demo_instructions, demo_load
from kaohe.orgs.models import Cadre, Unit
from kaohe.orgs.scenario import scenario_entities

YEAR = 2019


@pytest.fixture
def demo(db):
    return demo_load(year=YEAR)


def test_the_demo_is_a_realistic_county(demo):
    towns = Unit.objects.filter(category__name="镇街")
    assert towns.count() == 14
    assert (
        towns.filter(name__endswith="街道").exists() and towns.filter(name__endswith="镇").exists()
    )
    others = Unit.objects.exclude(category__name__in=["镇街", "上级单位"])
    assert 45 <= others.count() <= 60
    for category in ("县直部门", "县直学校", "国企", "公立医院", "双管单位"):
        assert others.filter(category__name=category).exists()
    assert 1400 <= Cadre.objects.count() <= 1600


def test_the_demo_has_one_user_for_each_role(demo):
    # The party committees' and the cadre's logins come with the results' demo loaders
    # (their grades are made there), checked in the results app's demo tests.
    later = {UserRole.PARTY_COMMITTEE, UserRole.CADRE}
    assert {u.role for u in User.objects.all()} == set(UserRole) - later
    assert {name for name, _role, _unit in demo.users} >= {"admin", "scorer", "liaison", "leader"}
    assert User.objects.get(username="admin").check_password(DEMO_PASSWORD)


def test_the_demo_covers_every_special_case_of_seed_004(demo):
    cadres = scenario_entities(YEAR)["cadres"]
    seconded = [c["secondment"] for c in cadres if "secondment" in c]
    for level in ("central", "province", "city", "county"):
        months = [s["months"] for s in seconded if s["level"] == level]
        assert any(m >= 6 for m in months), level
        assert any(m < 6 for m in months), level
    assert sum(1 for c in cadres if c["role"] == "principal") >= 14 + 37
    assert any("secretary" in c.get("duties", []) for c in cadres)
    assert sum(1 for c in cadres if c.get("village_team")) == 14
    retired = [c["retired_on"] for c in cadres if "retired_on" in c]
    year_end = dt.date(YEAR, 12, 31)
    assert (
        any(r < year_end for r in retired)
        and year_end in retired
        and any(r > year_end for r in retired)
    )
    assert sum(1 for c in cadres if c.get("investigation") == "open") == 3
    assert {c.get("entrusted_by") for c in cadres} >= {
        "D10",
        "D15",
        "D24",
    }  # schools, enterprises, hospitals


def test_the_demo_grades_with_the_engine(demo):
    engine = pytest.importorskip("kaohe.engine")
    entities = scenario_entities(YEAR)
    document = {
        "format": "kaohe-scenario/1",
        "year": YEAR,
        "entities": entities,
        "schemes": [{
            "id": "cadre", "name": "领导干部年度考核", "subject": "cadre",
            "grades": ["优秀", "称职", "基本称职", "不称职"],
            "bands": {"优秀": 90, "称职": 60, "基本称职": 40},
            "quotas": [{"grade": "优秀", "ratio": 0.2}],
            "targets": [{"id": c["id"], "inputs": {"score": 80 + i % 20}} for i, c in enumerate(entities["cadres"])],
        }],
    }  # fmt: skip
    result = engine.evaluate(document).to_dict()["schemes"][0]
    statuses = {r["status"] for r in result["results"]}
    assert statuses == {"graded", "pending", "excluded"}
    assert any(q["group"] == "单列" for q in result["quotas"])


def test_the_demo_refuses_a_database_that_holds_data(demo):
    with pytest.raises(DemoError):
        demo_load(year=YEAR)


def test_the_demo_is_audited(demo):
    assert AuditEntry.objects.filter(action="demo.load").count() == 1


def test_the_instructions_name_the_url_the_users_and_the_password(demo):
    text = demo_instructions(demo, url="http://127.0.0.1:8000/")
    assert "http://127.0.0.1:8000/" in text and DEMO_PASSWORD in text and "liaison" in text


def test_the_command_loads_the_demo_and_prints_how_to_log_in(db):
    out = StringIO()
    call_command("demo", "--year", str(YEAR), stdout=out)
    assert "admin" in out.getvalue() and DEMO_PASSWORD in out.getvalue()
    from kaohe.schemes.models import IndicatorSystem, Scheme

    # the site demo also holds the seed presets' schemes and the 党建 indicator systems
    assert Scheme.objects.filter(year__year=YEAR).count() == 7
    assert IndicatorSystem.objects.filter(status="published", scheme__year__year=YEAR).count() == 5
    with pytest.raises(CommandError):
        call_command("demo", "--year", str(YEAR), stdout=StringIO())


def test_the_demo_s_posts_ranks_and_roles_agree(demo):
    from kaohe.orgs.models import LeadershipLevel, Posting, Precedence, Rank, Role, precedence_of

    titles = set(Rank.values) | set(LeadershipLevel.values) | {"其他"}
    postings = list(Posting.objects.select_related("cadre"))
    assert not [p.post for p in postings if p.post in titles]  # no rank title as a post
    for posting in postings:
        assert posting.precedence == precedence_of(posting.role, posting.duties)
        if (
            posting.role in (Role.PRINCIPAL, Role.MEMBER)
            and posting.unit.category.name != "上级单位"
        ):
            assert posting.cadre.leadership_level in (
                LeadershipLevel.SECTION_CHIEF,
                LeadershipLevel.DEPUTY_SECTION,
            )
    assert {p.role for p in postings} == set(Role)
    assert Posting.objects.filter(precedence=Precedence.STAFF).count() > 500
    assert all(c.search for c in Cadre.objects.all()[:50])


def test_a_demo_town_team_is_listed_as_its_office_ordered_it(demo):
    from kaohe.orgs.models import Posting, Team
    from kaohe.orgs.selectors import team_members

    team = Team.objects.get(unit__code="T03")
    posts = [p.post for p in team_members(Posting.objects.all(), team, on=dt.date(YEAR, 6, 30))]
    assert posts[:4] == ["党委书记", "党委副书记、镇长", "人大主席", "党委副书记"]


def test_the_audit_log_names_what_the_demo_loaded(demo):
    from kaohe.core.audit_display import audit_lines

    (line,) = audit_lines(AuditEntry.objects.filter(action="demo.load"))
    assert (line.action, line.object_type) == ("加载示例数据", "示例数据")
    assert [c.label for c in line.changes] == ["单位数", "干部数", "年度"]
