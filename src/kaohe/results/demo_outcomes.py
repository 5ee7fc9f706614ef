"""The demo county's current year, graded and open to proposals (called by the demo after
the other loaders, inside its transaction):

- the seed-004 suite (领导班子年度考核, 领导干部年度考核) published;
- the teams' summed 测评 results as the office imports them on paper (``ComponentScore``
  ``score``);
- a county-wide 民主测评 meeting of every cadre posted on 12-31 (through the ballots
  services, as raters use them: at most 20% 优秀 on a sheet, the rater classes of the
  town's meeting so the two agree), closed;
- a closed round of the county leaders' year-end ratings of the cadres (全年领导评价: those
  without an 优秀 cannot be 优秀);
- a run of the suite graded as the background job grades it, the year's outcome based on
  it (``outcome_base``), and a party committee (党委) login for the first two towns, who
  find their cadres' proposal waiting.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.utils import timezone

from kaohe.core.roles import Role


def _committees(password: str) -> list[tuple[str, str, str]]:
    from kaohe.core.models import User
    from kaohe.core.services import user_create
    from kaohe.orgs.models import Unit

    added = []
    units = {u.code: u for u in Unit.objects.filter(code__in=[c for _u, c, _n in COMMITTEES])}
    for username, code, display in COMMITTEES:
        unit = units.get(code)
        if unit is None or User.objects.filter(username=username).exists():
            continue
        user_create(
            actor=None, username=username, password=password, role=Role.PARTY_COMMITTEE,
            unit=unit, display_name=display,
        )  # fmt: skip
        added.append((username, str(Role.PARTY_COMMITTEE.label), unit.name))
    return added


# username, unit code, display name
COMMITTEES = (("dangwei", "T03", "青山镇党委"), ("dangwei2", "T04", "白水镇党委"))
PRESET = "seed004-annual"
# the rater classes of the town's meeting (``ballots.demo_evaluation``): the sessions agree
RATERS = (("上级", Decimal("0.3"), 3), ("同级", Decimal("0.3"), 4), ("下级", Decimal("0.4"), 5))


def _publish(year: int) -> dict[str, Any]:
    from kaohe.schemes.models import Scheme, SchemeStatus
    from kaohe.schemes.services import scheme_set_status

    schemes = {s.code: s for s in Scheme.objects.filter(year__year=year, preset=PRESET)}
    for code, scheme in schemes.items():
        if scheme.status == SchemeStatus.DRAFT:
            schemes[code] = scheme_set_status(actor=None, scheme=scheme, status="published")
    return schemes


def _team_scores(team: Any, rng: random.Random) -> int:
    from kaohe.orgs.models import Team
    from kaohe.results.models import ComponentScore

    now = timezone.now()
    made = ComponentScore.objects.bulk_create(
        ComponentScore(scheme=team, unit_id=unit, input_name="score", file_name="领导班子测评汇总.xlsx",
                       value=Decimal(rng.randint(7200, 9700)) / 100, updated_at=now)
        for unit in Team.objects.filter(is_assessed=True).values_list("unit_id", flat=True)
    )  # fmt: skip
    return len(made)


def _cadres(year: int) -> list[tuple[Any, str]]:
    from kaohe.orgs.models import Posting, active_on

    seen: set[int] = set()
    found = []
    postings = (
        Posting.objects.filter(active_on(dt.date(year, 12, 31)))
        .select_related("cadre")
        .order_by("unit__code", "precedence", "cadre__name", "pk")
    )
    for posting in postings:
        cadre = posting.cadre
        if cadre.pk in seen or (cadre.retired_on and cadre.retired_on.year <= year):
            continue
        seen.add(cadre.pk)
        found.append((cadre, posting.post))
    return found


def _meeting(year: int, cadres: list[tuple[Any, str]], good: set[int], rng: random.Random) -> int:
    from kaohe.ballots import evaluation_services as ballots
    from kaohe.ballots.evaluation_tally import allowed_count, parts
    from kaohe.ballots.models import BallotForm, Code, SessionStatus
    from kaohe.orgs.models import AssessmentYear

    opens = timezone.make_aware(dt.datetime(year, 12, 29, 9))
    session = ballots.session_create(
        actor=None, name=f"{year}年度县管领导干部民主测评（全县汇总）",
        year=AssessmentYear.objects.get(year=year),
        cadre_form=BallotForm.objects.get(name="领导干部年度考核测评"),
        opens_at=opens, closes_at=opens + dt.timedelta(hours=4),
        rater_classes=[(n, w) for n, w, _c in RATERS], cadres=cadres,
    )  # fmt: skip
    ballots.session_set_status(actor=None, session=session, status=SessionStatus.OPEN)
    ((form, targets),) = parts(session)
    names = form.choice_names()
    limit = allowed_count(form, len(targets)) or len(targets)
    sheets = 0
    for rater in session.rater_classes.all():
        count = next(c for n, _w, c in RATERS if n == rater.name)
        ballots.codes_create(actor=None, session=session, rater_class=rater, count=count)
        for code in Code.objects.filter(rater_class=rater, used=False).values_list(
            "code", flat=True
        ):
            marks: dict[str, str] = {}
            best = 0
            for target in targets:
                roll = rng.random()
                if target.cadre_id in good and roll < 0.8 and best < limit:
                    choice, best = names[0], best + 1
                elif roll > 0.95 and len(names) > 2:
                    choice = names[2]
                else:
                    choice = names[1]
                marks[str(target.pk)] = choice
            ballots.ballot_submit(code=code, marks=marks, now=opens + dt.timedelta(hours=1))
            sheets += 1
    ballots.session_set_status(actor=None, session=session, status=SessionStatus.CLOSED)
    return sheets


def _leader_ratings(year: int, cadres: list[Any], good: set[int], rng: random.Random) -> None:
    from kaohe.ballots import ratings
    from kaohe.ballots.models import RatingStatus, RatingSubject
    from kaohe.core.models import User
    from kaohe.orgs.models import AssessmentYear

    leaders = list(User.objects.filter(role=Role.LEADER, is_active=True).order_by("pk")[:1])
    if not leaders:
        return
    round_ = ratings.rating_round_create(
        actor=None, year=AssessmentYear.objects.get(year=year),
        name=f"{year}年度县领导评价（县管干部）", subject=RatingSubject.CADRE, period="Y",
        raters=leaders, cadres=cadres,
    )  # fmt: skip
    values = {c.pk: "优秀" if c.pk in good and rng.random() < 0.85 else "良好" for c in cadres}
    ratings.ratings_save(actor=leaders[0], round=round_, values=values)
    ratings.rating_round_set_status(actor=None, round=round_, status=RatingStatus.CLOSED)


def demo_proposals_load(*, year: int, password: str) -> dict[str, Any]:
    """Grade the current year's 004 suite and open its outcome to proposals (see the
    module). ``password``: the demo's (``kaohe.demo.services.DEMO_PASSWORD``: results may
    not import the demo). Returns what was made; the users as the demo summary lists them."""
    from kaohe.core.models import User
    from kaohe.orgs.models import AssessmentYear
    from kaohe.results.models import Outcome, Run, RunStatus
    from kaohe.results.proposals import outcome_base
    from kaohe.results.services import run_execute

    rng = random.Random(year + 4)
    summary: dict[str, Any] = {"users": _committees(password)}
    schemes = _publish(year)
    if not {"team", "cadre"} <= set(schemes):
        return summary
    if Outcome.objects.filter(year__year=year, suite=schemes["cadre"].suite).exists():
        return summary  # loaded already
    summary["team_scores"] = _team_scores(schemes["team"], rng)
    cadres = _cadres(year)
    good = {c.pk for c, _post in cadres if rng.random() < 0.22}
    summary["sheets"] = _meeting(year, cadres, good, rng)
    _leader_ratings(year, [c for c, _post in cadres], good, rng)
    admin = User.objects.filter(role=Role.OFFICE_ADMIN).order_by("pk").first()
    run = Run.objects.create(
        year=AssessmentYear.objects.get(year=year), suite=schemes["cadre"].suite,
        created_by=admin, created_at=timezone.now(),
    )  # fmt: skip
    run_execute(run=run)
    run.refresh_from_db()
    summary["run"] = run.pk
    summary["run_status"] = run.status
    if run.status == RunStatus.DONE:
        summary["outcome"] = outcome_base(actor=admin, run=run).pk
    else:
        summary["message"] = run.message
    return summary
