"""``demo_published_load()``: the demo county's past year (the year before the demo's
current one) graded, decided, publicised and published, with one 复核 that corrected a
leader rating, graded again and changed the grade, and a demo user ``cadre`` (Role.CADRE)
bound to a cadre with a published grade.

The past year's ballots and leader ratings were collected before the site was in use:
they are given to the builder by a provider here (the team scores go in as components
imported on paper), the rest of the document (the cadres as of 12-31, the schemes) is
built from the database as for any year. Dates are the past January and February.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from kaohe.core.roles import Role
from kaohe.core.services import user_create
from kaohe.orgs.models import AssessmentYear, Team
from kaohe.results import appeals, jsonout
from kaohe.results.builder import PROVIDERS, BuildContext, Contribution, build_scenario
from kaohe.results.models import (
    AppealDecision,
    AppealKind,
    ComponentScore,
    FinalGrade,
    Outcome,
    Run,
)
from kaohe.results.outcomes import outcome_open
from kaohe.results.proposals import outcome_decide
from kaohe.results.services import run_execute
from kaohe.schemes.models import Scheme
from kaohe.schemes.services import scheme_set_status, schemes_demo_load

PRESET = "seed004-annual"
CADRE_USERNAME = "cadre"


def _paper_inputs(appellant: set[str]) -> Any:
    """A provider of the past year's sheets and leader ratings (collected on paper): one
    sheet per rater class and unit, at most a fifth 优秀 per unit; every cadre has a 优秀
    among the leader ratings, but the appellant's were entered as 良好 (the 复核 finds it)."""

    def provide(context: BuildContext) -> dict[str, Contribution]:
        out = {}
        units = {c["id"]: c["unit"] for c in context.entities["cadres"]}
        for scheme in context.schemes:
            if scheme.subject != "cadre":
                continue
            contribution = Contribution()
            by_unit: dict[str, list[str]] = defaultdict(list)
            for target in scheme.targets:
                by_unit[units[target]].append(target)
                ratings = ["良好", "良好"] if target in appellant else ["优秀", "良好"]
                contribution.inputs[target]["leader_ratings"] = ratings

            def sheets(by_unit: dict[str, list[str]] = by_unit) -> Any:
                rng = random.Random(7)
                for cadres in by_unit.values():
                    for rater in ("班子成员", "职工代表"):
                        best = len(cadres) // 5
                        marks = {}
                        for cadre in cadres:
                            good = best > 0 and rng.random() < 0.35
                            marks[cadre] = "优秀" if good else "称职"
                            best -= good
                        yield {"rater": rater, "marks": marks}

            contribution.sheets = sheets
            out[scheme.id] = contribution
        return out

    return provide


def _graded(year: int, suite: str, appellant: set[str], actor: Any) -> Run:
    document = build_scenario(year, suite, providers=(*PROVIDERS, _paper_inputs(appellant)))
    snapshot = "".join(jsonout.chunks(document.document)) + "\n"
    run = Run.objects.create(
        year=AssessmentYear.objects.get(year=year), suite=suite, snapshot=snapshot,
        created_by=actor, created_at=timezone.now(),
        message="往年测评票和领导评价为纸质收集，由演示数据提供",
    )  # fmt: skip
    run.versions.set(
        Scheme.objects.filter(
            year__year=year, preset=PRESET, current_version__isnull=False
        ).values_list("current_version", flat=True)
    )
    run_execute(run=run)
    run.refresh_from_db()
    return run


def _appellant(run: Run) -> str:
    """The cadre of the 复核: the first 优秀 of the correctly entered grading (graded
    again with their leader ratings mis-entered, the 优秀 rule of 004 caps them)."""
    rows = run.rows.filter(status="graded", grade="优秀", cadre__isnull=False).order_by(
        "group", "rank"
    )
    first = rows.first()
    assert first is not None, "the demo's past year has no 优秀"
    return first.target


@transaction.atomic
def demo_published_load(*, password: str, year: int | None = None) -> Outcome | None:
    """Load the past year's published outcome (idempotent: nothing when there is one)."""
    from kaohe.core.models import User

    current = year or AssessmentYear.objects.order_by("-year").values_list("year", flat=True)[0]
    past = current - 1
    if Outcome.objects.filter(year__year=past).exists():
        return None
    schemes_demo_load(year=past)
    admin = User.objects.filter(role=Role.OFFICE_ADMIN).order_by("pk").first()
    suite = ""
    for scheme in Scheme.objects.filter(year__year=past, preset=PRESET):
        if scheme.status == "draft":
            scheme_set_status(actor=None, scheme=scheme, status="published")
        suite = scheme.suite
        if scheme.subject == "team":
            ComponentScore.objects.bulk_create(
                ComponentScore(scheme=scheme, unit_id=unit, input_name="score",
                               value=Decimal(72 + unit * 7 % 27), updated_at=timezone.now())
                for unit in Team.objects.filter(is_assessed=True).values_list("unit_id", flat=True)
            )  # fmt: skip
    # the grades as the committee saw them: the appellant's leader ratings mis-entered
    honest = _graded(past, suite, set(), admin)
    appellant = _appellant(honest)
    base = _graded(past, suite, {appellant}, admin)
    honest.delete()
    outcome = outcome_open(actor=admin, run=base)
    # decided as computed (that year's proposals were made on paper)
    outcome = outcome_decide(actor=admin, outcome=outcome,
                             decision_ref=f"县委常委会 {current}年1月8日会议")  # fmt: skip
    outcome.decided_at = timezone.make_aware(dt.datetime(current, 1, 8, 10))
    outcome.save(update_fields=["decided_at"])
    start, end = dt.date(current, 1, 12), dt.date(current, 1, 16)
    appeals.publicity_start(
        actor=admin, outcome=outcome, start=start, end=end,
        contact="县委组织部干部科（县委大院 3 号楼 302 室），电话 0000-12380，"
        "来信请寄县委组织部干部科，注明“年度考核公示”",
    )  # fmt: skip
    listed = list(appeals.excellent_list(outcome)[:1])
    if listed:
        objection = appeals.objection_record(
            actor=admin, final=listed[0], received_on=dt.date(current, 1, 14), channel="来信",
            content="反映该同志年内多次缺席单位例会",
        )  # fmt: skip
        appeals.objection_handle(
            actor=admin, objection=objection, result="rejected",
            handling="经查会议签到记录，缺席均已请假并经批准，异议不成立",
        )  # fmt: skip
    appeals.outcome_publish(actor=admin, outcome=outcome, today=end)
    outcome.published_at = timezone.make_aware(dt.datetime(current, 1, 19, 9))
    outcome.save(update_fields=["published_at"])

    final = FinalGrade.objects.get(outcome=outcome, target=appellant, cadre__isnull=False)
    review = appeals.appeal_file(
        actor=admin, final=final, kind=AppealKind.REVIEW, filed_on=dt.date(current, 1, 26),
        reason="本人领导评价中有一位县领导评为“优秀”，录入时误录为“良好”",
    )  # fmt: skip
    run = _graded(past, suite, set(), admin)  # the corrected ratings, the same sheets
    run.recomputed_from = base
    run.message = "复核：更正领导评价后重新计算"
    run.save(update_fields=["recomputed_from", "message"])
    review.run, review.correction = run, "leader_ratings = 优秀、良好"
    review.status = "recomputing"
    review.save(update_fields=["run", "correction", "status"])
    appeals.appeal_decide(
        actor=admin, appeal=review, decision=AppealDecision.CHANGED,
        reason="核对领导评价原始表，确有一位县领导评为“优秀”，更正后重新计算为优秀",
        decided_on=dt.date(current, 2, 9),
    )  # fmt: skip
    # the demo's cadre: the appellant, whose page shows the 复核 that changed the grade
    if not User.objects.filter(username=CADRE_USERNAME).exists():
        user_create(
            actor=None, username=CADRE_USERNAME, password=password, role=Role.CADRE,
            cadre=final.cadre, display_name=str(final.cadre),
        )  # fmt: skip
    return outcome
