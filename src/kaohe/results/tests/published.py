"""A decided 2024 outcome of cadres, graded by the engine from a small snapshot written in
the site's id convention (``s<scheme>``, ``c<cadre>``, ``u<unit>``): 张青山 95 (优秀),
李白水 85 (称职), 王待定 92 under an open 立案审查 (pending). Used by the publicity,
appeal and own-page tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

SCORES = {"a": "95", "b": "85", "c": "92"}


@dataclass
class Published:
    outcome: Any
    scheme: Any
    cadre_c: Any
    finals: dict[str, Any]


def snapshot(cast: Any, scheme: Any, cadre_c: Any, *, open_case: bool = True) -> str:
    a, b = cast.unit_a.pk, cast.unit_b.pk
    case = ", investigation: open" if open_case else ""
    text = f"""format: kaohe-scenario/1
year: 2024
entities:
  units:
    - {{id: u{a}, name: 青山镇, category: 镇街}}
    - {{id: u{b}, name: 白水镇, category: 镇街}}
  cadres:
    - {{id: c{cast.cadre_a.pk}, name: 张青山, unit: u{a}}}
    - {{id: c{cast.cadre_b.pk}, name: 李白水, unit: u{b}}}
    - {{id: c{cadre_c.pk}, name: 王待定, unit: u{a}{case}}}
schemes:
  - id: s{scheme.pk}
    name: 领导干部年度考核
    subject: cadre
    grades: [优秀, 称职, 基本称职, 不称职]
    bands: {{优秀: 90, 称职: 60, 基本称职: 40}}
    targets:
      - {{id: c{cast.cadre_a.pk}, inputs: {{score: {SCORES["a"]}}}}}
      - {{id: c{cast.cadre_b.pk}, inputs: {{score: {SCORES["b"]}}}}}
      - {{id: c{cadre_c.pk}, inputs: {{score: {SCORES["c"]}}}}}
"""
    import yaml

    from kaohe.results import jsonout

    return "".join(jsonout.chunks(yaml.safe_load(text))) + "\n"


def graded_run(cast: Any, scheme: Any, cadre_c: Any, *, open_case: bool = True) -> Any:
    from kaohe.results.models import Run
    from kaohe.results.services import run_execute

    run = Run.objects.create(
        year=scheme.year, suite=scheme.suite, snapshot=snapshot(cast, scheme, cadre_c,
        open_case=open_case), created_by=cast.admin, created_at=timezone.now(),
    )  # fmt: skip
    with transaction.atomic():  # the job's transaction
        run_execute(run=run)
    run.refresh_from_db()
    return run


def decided(cast: Any) -> Published:
    from kaohe.orgs import services as orgs
    from kaohe.results.models import OutcomeStatus
    from kaohe.results.outcomes import OUTCOME_WORKFLOW, outcome_open
    from kaohe.schemes.tests import factories

    year = factories.year_2024()
    from kaohe.schemes.services import scheme_set_status

    scheme = factories.party_schemes(year)["review"]
    scheme = scheme_set_status(actor=None, scheme=scheme, status="published")
    cadre_c = orgs.cadre_create(
        actor=None, name="王待定",
        first_posting={"unit": cast.unit_a, "post": "副镇长", "start_date": dt.date(2020, 1, 1)},
    )  # fmt: skip
    orgs.investigation_open(actor=None, cadre=cadre_c, opened_on=dt.date(2024, 10, 1))
    run = graded_run(cast, scheme, cadre_c)
    with transaction.atomic():
        outcome = outcome_open(actor=cast.admin, run=run)
        OUTCOME_WORKFLOW.move(outcome, OutcomeStatus.DECIDED, actor=cast.admin)
    finals = {f.row.name: f for f in outcome.grades.select_related("cadre", "row")}
    return Published(outcome=outcome, scheme=scheme, cadre_c=cadre_c, finals=finals)
