"""Permissions: every URL with every role (the table in ``url_walk.py``), POSTs refused
to those who may not, and nothing of another unit's system or request in any list."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kaohe.schemes.tests import url_walk

ROLES = ("anonymous", "admin", "scorer", "liaison", "outsider", "leader", "team_member",
         "committee_member")  # fmt: skip


@pytest.fixture
def objects(cast):
    return url_walk.objects(cast)


@pytest.mark.parametrize(
    ("name", "args", "codes"),
    url_walk.ROWS,
    ids=[f"{row[0]}-{'-'.join(row[1])}" for row in url_walk.ROWS],
)
def test_every_role_gets_the_expected_status(client, cast, objects, name, args, codes):
    url = reverse(name, args=[objects[arg].pk for arg in args])
    users = cast.users()
    for role, expected in zip(ROLES, codes, strict=True):
        client.logout()
        if role != "anonymous":
            client.force_login(users[role])
        assert client.get(url).status_code == expected, f"{role} GET {url}"


def test_the_post_only_urls_refuse_a_get(client, cast, objects):
    client.force_login(cast.admin)
    args = {
        "schemes:scheme_status": objects["schemes_scheme"].pk,
        "schemes:system_status": objects["schemes_draft"].pk,
        "schemes:indicator_delete": objects["schemes_draft_indicator"].pk,
        "schemes:change_decide": objects["schemes_town_change"].pk,
    }
    assert set(args) == url_walk.POST_ONLY
    for name, pk in args.items():
        assert client.get(reverse(name, args=[pk])).status_code == 405


def test_only_the_office_changes_a_status_or_decides(client, cast, objects):
    posts = [
        ("schemes:scheme_status", "schemes_scheme", {"status": "locked"}),
        ("schemes:system_status", "schemes_draft", {"status": "published"}),
        ("schemes:indicator_delete", "schemes_draft_indicator", {}),
        ("schemes:change_decide", "schemes_town_change", {"decision": "approved"}),
    ]
    for user in (cast.scorer, cast.liaison, cast.outsider, cast.leader, cast.committee_member):
        client.force_login(user)
        for name, key, data in posts:
            response = client.post(reverse(name, args=[objects[key].pk]), data)
            assert response.status_code == 403, (user, name)
    objects["schemes_town_change"].refresh_from_db()
    assert objects["schemes_town_change"].status == "pending"
    assert objects["schemes_draft"].indicators.filter(code="1.1").exists()


def test_a_scorer_cannot_file_a_request_on_a_system_not_its_own(client, cast, objects):
    from kaohe.schemes.models import ChangeRequest

    client.force_login(cast.scorer)
    before = ChangeRequest.objects.count()
    response = client.post(
        reverse("schemes:change_create", args=[objects["schemes_dept"].pk]),
        {"reason": "x", "change-TOTAL_FORMS": "1", "change-INITIAL_FORMS": "0",
         "change-0-op": "remove", "change-0-code": "3"},
    )  # fmt: skip
    assert response.status_code == 404
    assert ChangeRequest.objects.count() == before


def test_the_other_units_see_nothing_of_a_system_or_request_not_theirs(client, cast, objects):
    dept = objects["schemes_dept"]
    for user in (cast.scorer, cast.liaison, cast.outsider):
        client.force_login(user)
        pages = [
            client.get(reverse("schemes:system_list")).content.decode(),
            client.get(reverse("schemes:scheme_detail", args=[dept.scheme_id])).content.decode(),
        ]
        if user == cast.scorer:
            pages.append(client.get(reverse("schemes:change_list")).content.decode())
            assert f"#{objects['schemes_town_change'].pk}" in pages[-1]
        for page in pages:
            assert dept.name not in page, user
            assert "县纪委监委" not in page, user
    client.force_login(cast.scorer)
    page = client.get(reverse("schemes:system_list")).content.decode()
    assert objects["schemes_draft"].name in page  # responsible for a draft: sees it
    client.force_login(cast.liaison)
    page = client.get(reverse("schemes:system_list")).content.decode()
    assert objects["schemes_town"].name in page
    assert objects["schemes_draft"].name not in page


def test_a_published_system_shows_its_draft_scheme_to_those_who_see_the_system(
    client, cast, party, town_system, discipline
):
    from kaohe.schemes.tests import factories

    # party: a draft scheme with a published 镇街 system the scorer, liaison and outsider see
    # review: a draft scheme whose only system is a published 县直部门 one of 县纪委监委
    factories.system(party["review"], cast.dept_category, responsible=discipline, publish=True)
    party_url = reverse("schemes:scheme_detail", args=[party["party"].pk])
    review_url = reverse("schemes:scheme_detail", args=[party["review"].pk])
    for user in (cast.scorer, cast.liaison, cast.outsider, cast.leader, cast.committee_member):
        client.force_login(user)
        page = client.get(party_url)
        assert page.status_code == 200, user
        assert "草稿" in page.content.decode()
        assert reverse("schemes:scheme_edit", args=[party["party"].pk]) not in page.content.decode()
        system_page = client.get(reverse("schemes:system_detail", args=[town_system.pk]))
        assert f'href="{party_url}"' in system_page.content.decode()
    for user in (cast.scorer, cast.liaison, cast.outsider):  # not their unit's system
        client.force_login(user)
        assert client.get(review_url).status_code == 404, user
        assert (
            party["review"].name not in client.get(reverse("schemes:scheme_list")).content.decode()
        )
    client.force_login(cast.leader)
    assert client.get(review_url).status_code == 200
