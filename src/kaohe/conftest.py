"""The fixed cast every Django test can use.

- ``admin``: the assessment office administrator (考核办管理员)
- ``scorer``: a scorer of a responsible unit (县委组织部)
- ``liaison``: the liaison of unit A (青山镇)
- ``outsider``: the liaison of another unit (白水镇), who must see nothing of unit A
- ``leader``, ``team_member``, ``committee_member``: the read-only roles
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

PASSWORD = "a-Long-test-pass-9"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every transactional test keeps ``serialized_rollback=True``. The flush after one
    without it runs ``post_migrate``, which re-creates the content types; the next test
    that restores the serialized database then fails on them (UNIQUE constraint)."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker is None or not marker.kwargs.get("transaction"):
            continue
        if not marker.kwargs.get("serialized_rollback"):
            raise pytest.UsageError(
                f"{item.nodeid}: django_db(transaction=True) needs serialized_rollback=True"
            )


@pytest.fixture(autouse=True)
def _no_language_left_over():
    # A request in English leaves English active in the thread (LocaleMiddleware switches
    # per request and never back); the next test starts in the site's own language.
    from django.utils import translation

    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # argon2 stays first in production (a test checks the settings module); tests hash fast.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _evidence_in_tmp(settings, tmp_path):
    # Evidence files a test uploads go under its own temporary directory.
    settings.EVIDENCE_ROOT = tmp_path / "evidence"


@dataclass
class Cast:
    town_category: object
    dept_category: object
    unit_a: object
    unit_b: object
    responsible_unit: object
    cadre_a: object
    cadre_b: object
    admin: object
    scorer: object
    liaison: object
    outsider: object
    leader: object
    team_member: object
    committee_member: object

    def users(self) -> dict[str, object]:
        return {
            "admin": self.admin,
            "scorer": self.scorer,
            "liaison": self.liaison,
            "outsider": self.outsider,
            "leader": self.leader,
            "team_member": self.team_member,
            "committee_member": self.committee_member,
        }


@pytest.fixture
def cast(db) -> Cast:
    from kaohe.core.roles import Role as UserRole
    from kaohe.core.services import user_create
    from kaohe.orgs import services
    from kaohe.orgs.models import Role, UnitCategory

    town = UnitCategory.objects.get(name="镇街")
    dept = UnitCategory.objects.get(name="县直部门")
    unit_a = services.unit_create(actor=None, code="qingshan", name="青山镇", category=town)
    unit_b = services.unit_create(actor=None, code="baishui", name="白水镇", category=town)
    org = services.unit_create(actor=None, code="zuzhibu", name="县委组织部", category=dept)

    start = dt.date(2020, 1, 1)
    cadre_a = services.cadre_create(
        actor=None,
        name="张青山",
        first_posting={"unit": unit_a, "post": "党委书记", "role": Role.PRINCIPAL,
                       "duties": ["secretary"], "start_date": start},
    )  # fmt: skip
    cadre_b = services.cadre_create(
        actor=None,
        name="李白水",
        first_posting={"unit": unit_b, "post": "副镇长", "start_date": start},
    )

    def user(username: str, role: UserRole, unit: object = None) -> object:
        return user_create(
            actor=None, username=username, password=PASSWORD, role=role, unit=unit, validate=False
        )

    return Cast(
        town_category=town,
        dept_category=dept,
        unit_a=unit_a,
        unit_b=unit_b,
        responsible_unit=org,
        cadre_a=cadre_a,
        cadre_b=cadre_b,
        admin=user("admin", UserRole.OFFICE_ADMIN),
        scorer=user("scorer", UserRole.SCORER, org),
        liaison=user("liaison", UserRole.LIAISON, unit_a),
        outsider=user("outsider", UserRole.LIAISON, unit_b),
        leader=user("leader", UserRole.LEADER),
        team_member=user("team", UserRole.TEAM_MEMBER),
        committee_member=user("committee", UserRole.COMMITTEE_MEMBER),
    )
