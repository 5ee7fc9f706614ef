"""Fixtures of the democratic evaluation's tests, on top of the project's cast.

- ``evaluation``: a live session of 青山镇 (its team on the overall team form, its cadre
  张青山 and four more cadres on seed 004's cadre form, 优秀 at most 20%), rater classes
  上级 0.3 / 同级 0.3 / 下级 0.4, open from yesterday to tomorrow, no codes yet
- ``vote``: ``vote(session, rater_name, marks_by_label)`` uses a fresh code and submits
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from kaohe.conftest import PASSWORD as PASSWORD_FOR_TESTS  # noqa: F401  (the browser tests sign in)


def make_session(
    cast: Any, *, status: str = "open", cadres: int = 4, name: str = "青山镇年度民主测评"
) -> Any:
    from django.utils import timezone

    from kaohe.ballots import evaluation_services as services
    from kaohe.ballots.models import BallotForm
    from kaohe.orgs import services as orgs
    from kaohe.orgs.models import Team
    from kaohe.schemes.tests.factories import year_2024

    extra = [
        orgs.cadre_create(
            actor=None, name=f"干部{i}",
            first_posting={"unit": cast.unit_a, "post": "副镇长", "start_date": dt.date(2020, 1, 1)},
        )
        for i in range(cadres)
    ]  # fmt: skip
    now = timezone.now()
    session = services.session_create(
        actor=cast.admin, name=name, year=year_2024(), unit=cast.unit_a,
        team_form=BallotForm.objects.get(name="领导班子综合评价"),
        cadre_form=BallotForm.objects.get(name="领导干部年度考核测评"),
        opens_at=now - dt.timedelta(days=1), closes_at=now + dt.timedelta(days=1),
        rater_classes=[("上级", Decimal("0.3")), ("同级", Decimal("0.3")), ("下级", Decimal("0.4"))],
        teams=[Team.objects.get(unit=cast.unit_a)],
        cadres=[(cast.cadre_a, "党委书记"), *[(c, "副镇长") for c in extra]],
    )  # fmt: skip
    if status != "draft":
        services.session_set_status(actor=cast.admin, session=session, status=status)
        session.refresh_from_db()
    return session


@pytest.fixture
def evaluation(cast):
    return make_session(cast)


def new_code(session: Any, rater: str) -> str:
    from kaohe.ballots import evaluation_services as services
    from kaohe.ballots.models import Code

    rater_class = session.rater_classes.get(name=rater)
    before = set(Code.objects.filter(rater_class=rater_class).values_list("code", flat=True))
    services.codes_create(actor=None, session=session, rater_class=rater_class, count=1)
    return Code.objects.filter(rater_class=rater_class).exclude(code__in=before).get().code


def marks_for(
    session: Any, by_label: dict[str, Any], default: str = "称职", team: str = "好"
) -> dict[str, Any]:
    marks = {}
    for target in session.targets.all():
        marks[str(target.pk)] = by_label.get(target.label, team if target.team_id else default)
    return marks


@pytest.fixture
def vote():
    from kaohe.ballots import evaluation_services as services

    def cast_vote(
        session: Any, rater: str, by_label: dict[str, Any] | None = None, **kw: Any
    ) -> str:
        code = new_code(session, rater)
        services.ballot_submit(code=code, marks=marks_for(session, by_label or {}, **kw))
        return code

    return cast_vote


VOTE = "/ballots/vote/"
SCAN = "/ballots/scan/"


def scan(client: Any, code: str) -> Any:
    """What a phone does with a slip's QR code (``/ballots/scan/#CODE``): it asks for the
    scan page (the fragment stays in the browser), whose script posts the code."""
    page = client.get(SCAN)
    assert page.status_code == 200 and "data-scan" in page.content.decode()
    return client.post(VOTE, {"step": "code", "code": code})
