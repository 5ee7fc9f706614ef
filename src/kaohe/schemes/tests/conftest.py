"""Fixtures of the schemes tests, on top of the project's cast (``kaohe/conftest.py``).

- ``year``: the assessment year 2024
- ``party``: the schemes of preset seed001-party (review, party), both drafts
- ``town_system``: a published 镇街 system; the cast's scorer unit (县委组织部) is
  responsible for indicators 1, 1.1 and 1.2, so the scorer sees it; the liaison and the
  outsider (both of 镇街 units) see it by category
- ``dept_system``: a published 县直部门 system whose only responsible unit is 县纪委监委:
  the scorer, the liaison and the outsider must see nothing of it
- ``draft_system``: a draft 县直学校 system, 县委组织部 responsible
"""

from __future__ import annotations

import pytest

from kaohe.schemes.tests import factories


@pytest.fixture
def year(db):
    return factories.year_2024()


@pytest.fixture
def party(year):
    return factories.party_schemes(year)


@pytest.fixture
def discipline(cast):
    return factories.discipline_unit(cast)


@pytest.fixture
def town_system(cast, party):
    return factories.system(
        party["party"], cast.town_category, responsible=cast.responsible_unit, publish=True
    )


@pytest.fixture
def dept_system(cast, party, discipline):
    return factories.system(
        party["party"], cast.dept_category, responsible=discipline, publish=True
    )


@pytest.fixture
def draft_system(cast, party):
    from kaohe.orgs.models import UnitCategory

    schools = UnitCategory.objects.get(name="县直学校")
    return factories.system(
        party["party"], schools, responsible=cast.responsible_unit, publish=False
    )
