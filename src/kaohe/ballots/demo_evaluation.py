"""The demo county's democratic evaluations (called by the demo with the county loaded):

- a finished meeting of the first town: its team and cadres marked by 上级、同级、下级 on
  seed 004's forms (优秀 at most 20% a sheet), two 下级 sheets collected on paper and keyed
  in by the office, closed, so its results show;
- a county-wide 单位互评 of the towns' teams in test mode, with a few test sheets, to try
  the phone's pages and wipe in one click.

Sheets are drawn from a seeded random generator through the same services a rater uses.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.utils import timezone

from kaohe.ballots import evaluation_services as services
from kaohe.ballots.evaluation_office_services import paper_sheets_enter
from kaohe.ballots.evaluation_selectors import session_targets
from kaohe.ballots.evaluation_tally import allowed_count, parts
from kaohe.ballots.models import BallotForm, Code, RaterClass, Session, SessionStatus
from kaohe.orgs.models import AssessmentYear, Unit, UnitCategory

RATERS = (("上级", Decimal("0.3"), 5), ("同级", Decimal("0.3"), 12), ("下级", Decimal("0.4"), 24))
TURNOUT = Decimal("0.9")
PAPER_SHEETS = 2  # of 下级, on the codes the phones left


def _codes(session: Session, rater: RaterClass, count: int) -> list[str]:
    services.codes_create(actor=None, session=session, rater_class=rater, count=count)
    return list(Code.objects.filter(rater_class=rater, used=False).values_list("code", flat=True))


def _marks(session: Session, rng: random.Random, mood: float) -> dict[str, Any]:
    """A plausible sheet: mostly the second choice, some the best within the limit."""
    marks: dict[str, Any] = {}
    for form, targets in parts(session):
        names = form.choice_names()
        limit = allowed_count(form, len(targets))
        best_left = len(targets) if limit is None else limit

        def pick(names: list[str] = names) -> str:
            nonlocal best_left
            roll = rng.random()
            if roll < mood and best_left > 0:
                best_left -= 1
                return names[0]
            if roll > 0.93 and len(names) > 2:
                return names[2]
            return names[1]

        for target in rng.sample(targets, len(targets)):
            marks[str(target.pk)] = {a: pick() for a in form.areas} if form.areas else pick()
    return marks


def ballots_demo_load(*, year: int) -> dict[str, int]:
    rng = random.Random(year)
    assessment_year = AssessmentYear.objects.get(year=year)
    town = Unit.objects.filter(category__name="镇街", is_active=True).order_by("order").first()
    summary = {"sessions": 0, "sheets": 0, "codes": 0}
    if town is None:
        return summary
    forms = {f.name: f for f in BallotForm.objects.all()}

    # a finished meeting of the town, on the last working days of the year
    teams, cadres = session_targets(town, None, dt.date(year, 12, 31))
    opens = timezone.make_aware(dt.datetime(year, 12, 28, 9))
    meeting = services.session_create(
        actor=None, name=f"{town.name}{year}年度民主测评", year=assessment_year, unit=town,
        team_form=forms["领导班子综合评价"] if teams else None,
        cadre_form=forms["领导干部年度考核测评"] if cadres else None,
        opens_at=opens, closes_at=opens + dt.timedelta(hours=3),
        rater_classes=[(n, w) for n, w, _count in RATERS], teams=teams, cadres=cadres,
    )  # fmt: skip
    services.session_set_status(actor=None, session=meeting, status=SessionStatus.OPEN)
    during = opens + dt.timedelta(minutes=30)
    for rater in meeting.rater_classes.all():
        count = next(c for n, _w, c in RATERS if n == rater.name)
        codes = _codes(meeting, rater, count)
        summary["codes"] += len(codes)
        mood = {"上级": 0.15, "同级": 0.2, "下级": 0.1}[rater.name]
        for code in codes[: int(len(codes) * TURNOUT)]:
            services.ballot_submit(code=code, marks=_marks(meeting, rng, mood), now=during)
            summary["sheets"] += 1
    # two raters marked paper sheets; the office keys them in before the close
    lower = meeting.rater_classes.get(name="下级")
    paper = [(lower, _marks(meeting, rng, 0.1)) for _ in range(PAPER_SHEETS)]
    summary["sheets"] += paper_sheets_enter(actor=None, session=meeting, sheets=paper)
    services.session_set_status(actor=None, session=meeting, status=SessionStatus.CLOSED)
    summary["sessions"] += 1

    # the towns' mutual evaluation, still in test mode
    category = UnitCategory.objects.get(name="镇街")
    teams, _none = session_targets(None, category, dt.date(year, 12, 31))
    now = timezone.now()
    mutual = services.session_create(
        actor=None, name=f"{year}年度镇街领导班子测评（单位互评）", year=assessment_year,
        team_form=forms["领导班子分项评价（五个方面）"],
        opens_at=now - dt.timedelta(hours=1), closes_at=now + dt.timedelta(days=14),
        rater_classes=[("单位测评", Decimal("0.5")), ("县级领导评价", Decimal("0.3")),
                       ("单位互评", Decimal("0.2"))],
        teams=teams,
    )  # fmt: skip
    services.session_set_status(actor=None, session=mutual, status=SessionStatus.TESTING)
    for rater in mutual.rater_classes.all():
        codes = _codes(mutual, rater, 4)
        summary["codes"] += len(codes)
        for code in codes[:1]:
            services.ballot_submit(code=code, marks=_marks(mutual, rng, 0.3))
            summary["sheets"] += 1
    summary["sessions"] += 1
    return summary
