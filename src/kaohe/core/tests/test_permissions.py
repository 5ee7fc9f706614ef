"""Every URL, every role: the expected status, from one explicit table per app.

302: anonymous, sent to the login page; 403: the role may not do this; 404: the row
belongs to another unit; 200: allowed. The core and orgs rows are below; another app adds
its own in ``kaohe/<app>/tests/url_walk.py`` with ``ROWS`` (same format) and
``objects(cast) -> dict`` (the rows its URLs take), and a test checks that every named URL
of every walked app is in a table.
"""

from __future__ import annotations

import importlib
import importlib.util

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, reverse

ROLES = (
    "anonymous",
    "admin",
    "scorer",
    "liaison",
    "outsider",
    "leader",
    "team_member",
    "committee_member",
)

# url name, args (names of cast objects),
#                         anon admin scorer liaison outsider leader team committee
TABLE = [
    ("core:audit_list", (),                   (302, 200, 403, 403, 403, 403, 403, 403)),
    ("core:audit_export", (),                 (302, 200, 403, 403, 403, 403, 403, 403)),
    ("orgs:unit_list", (),                    (302, 200, 200, 200, 200, 200, 200, 200)),
    ("orgs:unit_create", (),                  (302, 200, 403, 403, 403, 403, 403, 403)),
    ("orgs:unit_detail", ("unit_a",),         (302, 200, 200, 200, 404, 200, 200, 200)),
    ("orgs:unit_edit", ("unit_a",),           (302, 200, 403, 403, 403, 403, 403, 403)),
    ("orgs:category_list", (),                (302, 200, 403, 403, 403, 403, 403, 403)),
    ("orgs:category_edit", ("town_category",), (302, 200, 403, 403, 403, 403, 403, 403)),
    ("orgs:cadre_list", (),                   (302, 200, 403, 200, 200, 200, 200, 200)),
    ("orgs:cadre_create", (),                 (302, 200, 403, 403, 403, 403, 403, 403)),
    ("orgs:cadre_detail", ("cadre_a",),       (302, 200, 403, 200, 404, 200, 200, 200)),
    ("orgs:cadre_edit", ("cadre_a",),         (302, 200, 403, 403, 403, 403, 403, 403)),
    ("orgs:cadre_transfer", ("cadre_a",),     (302, 200, 403, 403, 403, 403, 403, 403)),
    ("orgs:secondment_add", ("cadre_a",),     (302, 200, 403, 403, 403, 403, 403, 403)),
    ("orgs:village_add", ("cadre_a",),        (302, 200, 403, 403, 403, 403, 403, 403)),
    ("orgs:investigation_open", ("cadre_a",), (302, 200, 403, 403, 403, 403, 403, 403)),
    ("orgs:investigation_close", ("cadre_a", "investigation"),
                                              (302, 200, 403, 403, 403, 403, 403, 403)),
    ("core:login", (),                        (200, 302, 302, 302, 302, 302, 302, 302)),
    ("core:guide_index", (),                  (302, 200, 200, 200, 200, 200, 200, 200)),
]  # fmt: skip
# POST-only URLs: a GET by a logged-in user is refused with 405.
POST_ONLY = {"core:logout", "orgs:category_delete"}
# The guide's chapters and images take a file name, not a row: walked in test_guide.
NOT_WALKED = {"set_language", "core:guide", "core:guide_image"}


def _app_walks():
    for config in apps.get_app_configs():
        module = f"{config.name}.tests.url_walk"
        if (
            config.name.startswith("kaohe.")
            and importlib.util.find_spec(f"{config.name}.tests")
            and importlib.util.find_spec(module)
        ):
            yield config.label, importlib.import_module(module)


WALKS = dict(_app_walks())
for _walk in WALKS.values():
    TABLE = TABLE + list(_walk.ROWS)


def _names(resolver: URLResolver, namespace: str = "") -> set[str]:
    found: set[str] = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            found |= _names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            found.add(f"{namespace}{pattern.name}")
    return found


def test_the_table_covers_every_named_url_of_core_orgs_and_every_walked_app():
    walked = {name for name, _args, _codes in TABLE} | POST_ONLY | NOT_WALKED
    post_only = {n for w in WALKS.values() for n in getattr(w, "POST_ONLY", ())}
    namespaces = {"core", "orgs", *WALKS}
    named = {n for n in _names(get_resolver()) if n.split(":")[0] in namespaces or ":" not in n}
    assert named == walked | post_only


def test_every_app_with_urls_has_a_walk_table():
    namespaces = {name.split(":")[0] for name in _names(get_resolver()) if ":" in name}
    missing = sorted(namespaces - {"core", "orgs", *WALKS})
    assert not missing, f"no tests/url_walk.py table, URLs not walked for: {', '.join(missing)}"


@pytest.fixture
def objects(cast):
    return walk_objects(cast)


def walk_objects(cast):
    """The rows the walked URLs take (also for the browser's walk of every page)."""
    from kaohe.orgs.services import investigation_open

    investigation = investigation_open(
        actor=None, cadre=cast.cadre_a, opened_on=cast.cadre_a.postings.first().start_date
    )
    found = {
        "unit_a": cast.unit_a,
        "town_category": cast.town_category,
        "cadre_a": cast.cadre_a,
        "investigation": investigation,
    }
    for walk in WALKS.values():
        found |= walk.objects(cast)
    return found


@pytest.mark.parametrize(("name", "args", "codes"), TABLE, ids=[row[0] for row in TABLE])
def test_every_role_gets_the_expected_status_on_every_url(client, cast, objects, name, args, codes):
    url = reverse(name, args=[objects[arg].pk for arg in args])
    users = cast.users()
    for role, expected in zip(ROLES, codes, strict=True):
        client.logout()
        if role != "anonymous":
            client.force_login(users[role])
        response = client.get(url)
        assert response.status_code == expected, f"{role} GET {url}"


@pytest.mark.parametrize("name", sorted(POST_ONLY))
def test_post_only_urls_refuse_a_get(client, cast, name):
    args = [cast.town_category.pk] if name == "orgs:category_delete" else []
    client.force_login(cast.admin)
    assert client.get(reverse(name, args=args)).status_code == 405


def test_a_liaison_cannot_post_to_another_units_cadre(client, cast):
    client.force_login(cast.outsider)
    response = client.post(reverse("orgs:cadre_edit", args=[cast.cadre_a.pk]), {"name": "x"})
    assert response.status_code == 403
    cast.cadre_a.refresh_from_db()
    assert cast.cadre_a.name == "张青山"


def test_only_the_office_deletes_categories(client, cast):
    from kaohe.orgs.models import UnitCategory

    spare = UnitCategory.objects.create(name="临时类别")
    for user in (cast.scorer, cast.liaison, cast.leader):
        client.force_login(user)
        assert client.post(reverse("orgs:category_delete", args=[spare.pk])).status_code == 403
    client.force_login(cast.admin)
    assert client.post(reverse("orgs:category_delete", args=[spare.pk])).status_code == 302
    assert not UnitCategory.objects.filter(pk=spare.pk).exists()


def test_the_outsider_sees_no_trace_of_unit_a_in_lists(client, cast):
    client.force_login(cast.outsider)
    units = client.get(reverse("orgs:unit_list")).content.decode()
    cadres = client.get(reverse("orgs:cadre_list")).content.decode()
    home = client.get(reverse("home:index")).content.decode()
    for page in (units, cadres, home):
        assert "青山镇" not in page
        assert "张青山" not in page
    assert "白水镇" in units
    assert "李白水" in cadres


def test_a_user_without_a_role_may_do_nothing(client, db):
    from kaohe.core.models import User

    nobody = User.objects.create(username="nobody")
    client.force_login(nobody)
    assert client.get(reverse("home:index")).status_code == 403
    assert client.get(reverse("orgs:unit_list")).status_code == 403


def test_the_role_table_gives_every_role_a_home_page():
    from kaohe.core.roles import ROLE_ACTIONS, Action, Role

    assert set(ROLE_ACTIONS) == set(Role)
    assert all(Action.DASHBOARD_VIEW in actions for actions in ROLE_ACTIONS.values())
    assert ROLE_ACTIONS[Role.OFFICE_ADMIN] == frozenset(Action)


def test_a_unit_bound_role_needs_a_unit(db):
    from django.core.exceptions import ValidationError

    from kaohe.core.roles import Role
    from kaohe.core.services import user_create

    with pytest.raises(ValidationError) as error:
        user_create(
            actor=None, username="x", password="whatever-long-1", role=Role.LIAISON, validate=False
        )
    assert error.value.error_dict["unit"][0].code == "unit_required"
