"""The demo county's proposers (called by the demo, after the other loaders): a party
committee (党委) login for the first two towns, who propose their cadres' grades once the
office has based the year's outcome on a finished run (``kaohe.results.proposals``).

Not loaded here: the grading of the 004 suite itself. Its cadre score is the 民主测评, and
the demo holds one town's closed meeting only; a run of the suite needs sheets for every
cadre (see ``results/tests/test_demo_county.py``), which the ballots demo does not yet make.
"""

from __future__ import annotations

from kaohe.core.roles import Role
from kaohe.core.services import user_create
from kaohe.orgs.models import Unit

# username, unit code, display name
COMMITTEES = (("dangwei", "T03", "青山镇党委"), ("dangwei2", "T04", "白水镇党委"))


def demo_proposals_load(*, password: str) -> list[tuple[str, str, str]]:
    """Add the party committee users (those whose unit exists) with the demo's password
    (``kaohe.demo.services.DEMO_PASSWORD``: results may not import the demo); returns
    (username, role label, unit name) as the demo summary lists users."""
    from kaohe.core.models import User

    added = []
    units = {u.code: u for u in Unit.objects.filter(code__in=[c for _u, c, _n in COMMITTEES])}
    for username, code, display in COMMITTEES:
        unit = units.get(code)
        if unit is None or User.objects.filter(username=username).exists():
            continue
        user_create(
            actor=None, username=username, password=password,
            role=Role.PARTY_COMMITTEE, unit=unit, display_name=display,
        )  # fmt: skip
        added.append((username, str(Role.PARTY_COMMITTEE.label), unit.name))
    return added
