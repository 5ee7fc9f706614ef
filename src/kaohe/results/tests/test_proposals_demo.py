"""The demo's party committees: one login per town, bound to its unit."""

from __future__ import annotations

from kaohe.conftest import PASSWORD


def test_the_demo_adds_a_party_committee_for_a_town_once(cast):
    from kaohe.core.models import User
    from kaohe.orgs.services import unit_create
    from kaohe.results.demo_outcomes import demo_proposals_load

    town = unit_create(actor=None, code="T03", name="青山镇（示例）", category=cast.town_category)
    added = demo_proposals_load(password=PASSWORD)
    assert added == [("dangwei", "单位党委（党组）", "青山镇（示例）")]  # T04 is not in this county
    user = User.objects.get(username="dangwei")
    assert (user.role, user.unit, user.check_password(PASSWORD)) == ("party_committee", town, True)
    assert demo_proposals_load(password=PASSWORD) == []
