"""The demo county (about 1,500 cadres, every placement case of seed 004) graded from the
database: the 004 suite's document parses, places every cadre and grades them."""

from __future__ import annotations

import random
from collections import defaultdict

from kaohe.engine import evaluate
from kaohe.results.builder import PROVIDERS, Contribution, build_scenario


def sheets_for_cadres(context):
    """Sheets for every cadre (the demo's closed session covers only some): one sheet per rater class
    and unit, at most 20% 优秀, and each cadre's leader ratings."""
    out = {}
    units = {c["id"]: c["unit"] for c in context.entities["cadres"]}
    for scheme in context.schemes:
        if scheme.subject != "cadre":
            continue
        contribution = Contribution()
        by_unit = defaultdict(list)
        for target in scheme.targets:
            by_unit[units[target]].append(target)
            contribution.inputs[target]["leader_ratings"] = ["优秀"]

        def sheets(by_unit=by_unit):
            rng = random.Random(3)
            for cadres in by_unit.values():
                for rater in ("班子成员", "职工代表"):
                    best = len(cadres) // 5
                    marks = {}
                    for cadre in cadres:
                        marks[cadre] = "优秀" if best and rng.random() < 0.3 else "称职"
                        best -= marks[cadre] == "优秀"
                    yield {"rater": rater, "marks": marks}

        contribution.sheets = sheets
        out[scheme.id] = contribution
    return out


def test_the_demo_countys_annual_suite_grades_from_the_database(db):
    from kaohe.demo.services import demo_site_load
    from kaohe.orgs.models import Team
    from kaohe.results.models import ComponentScore
    from kaohe.schemes.models import Scheme

    demo_site_load(year=2024)  # publishes the 004 suite, with the teams' scores imported
    schemes = {s.code: s for s in Scheme.objects.filter(year__year=2024, preset="seed004-annual")}
    assert {schemes[code].status for code in ("team", "cadre")} == {"published"}
    assert ComponentScore.objects.filter(scheme=schemes["team"]).count() == (
        Team.objects.filter(is_assessed=True).count()
    )
    suite = schemes["cadre"].suite
    result = evaluate(
        build_scenario(2024, suite, providers=(*PROVIDERS, sheets_for_cadres)).document
    )
    cadres = result.scheme(f"s{schemes['cadre'].pk}").results
    statuses = {r.status for r in cadres}
    groups = {r.group for r in cadres}
    assert len(cadres) > 300
    assert statuses == {"graded", "pending", "excluded"}  # investigations, retirements …
    assert "单列" in groups  # principals ranked apart
    assert {r.grade for r in cadres if r.status == "graded"} >= {"优秀", "称职"}
