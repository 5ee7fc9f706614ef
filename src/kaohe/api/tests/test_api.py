"""The JSON API: tokens, the same permissions as the pages, writes through the services
(audited, validated), paged lists with bounded queries, a schema without warnings."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from kaohe.api.tests.conftest import api


def test_every_endpoint_needs_a_valid_token(cast, tokens):
    from kaohe.api.models import ApiToken
    from kaohe.api.services import token_revoke

    url = reverse("api:unit-list")
    assert api().get(url).status_code == 401
    assert api().get(url)["WWW-Authenticate"] == "Token"
    assert api("not-a-key").get(url).status_code == 401
    assert api(tokens["admin"]).get(url).status_code == 200
    assert APIClient(HTTP_AUTHORIZATION=f"Bearer {tokens['admin']}").get(url).status_code == 200

    token = ApiToken.objects.get(user=cast.leader)
    token_revoke(actor=cast.admin, token=token)
    assert api(tokens["leader"]).get(url).status_code == 401
    cast.liaison.is_active = False
    cast.liaison.save(update_fields=["is_active"])
    assert api(tokens["liaison"]).get(url).status_code == 401


def test_only_a_hash_of_the_key_is_stored(cast, tokens):
    from kaohe.api.models import ApiToken

    token = ApiToken.objects.get(user=cast.admin)
    assert tokens["admin"] not in (token.key_hash, token.prefix)
    assert tokens["admin"].startswith(token.prefix)


def test_a_token_sees_what_its_user_sees(cast, tokens):
    units = api(tokens["outsider"]).get(reverse("api:unit-list")).json()
    assert [u["code"] for u in units["results"]] == ["baishui"]
    cadres = api(tokens["outsider"]).get(reverse("api:cadre-list")).json()["results"]
    assert [c["name"] for c in cadres] == ["李白水"]
    assert cadres[0]["postings"][0]["unit_code"] == "baishui"
    admin_units = api(tokens["admin"]).get(reverse("api:unit-list")).json()
    assert admin_units["count"] == 3


def test_a_404_names_no_model_and_says_so_in_the_requests_language(cast, tokens):
    url = reverse("api:cadre-detail", args=[cast.cadre_a.pk])
    body = api(tokens["outsider"]).get(url).json()
    assert body == {"detail": "找不到这条记录，或它不在您可以查看的范围内。"}
    english = api(tokens["outsider"]).get(url, HTTP_ACCEPT_LANGUAGE="en").json()["detail"]
    assert "Cadre" not in english and "matches" not in english
    assert english.startswith("Not found")
    missing = api(tokens["admin"]).get(reverse("api:unit-detail", args=[987654])).json()
    assert missing["detail"] == body["detail"]


@pytest.mark.parametrize(
    ("role", "status"),
    [("admin", 200), ("liaison", 200), ("outsider", 404), ("scorer", 403), ("leader", 200)],
)
def test_another_units_cadre_is_not_found(cast, tokens, role, status):
    url = reverse("api:cadre-detail", args=[cast.cadre_a.pk])
    assert api(tokens[role]).get(url).status_code == status


@pytest.mark.parametrize("role", ["scorer", "liaison", "outsider", "leader", "committee_member"])
def test_only_the_office_writes(cast, tokens, role):
    from kaohe.core.models import AuditEntry

    before = AuditEntry.objects.count()
    client = api(tokens[role])
    unit = {"code": "x", "name": "某单位", "category": cast.town_category.pk}
    assert client.post(reverse("api:unit-list"), unit, format="json").status_code == 403
    url = reverse("api:cadre-detail", args=[cast.cadre_b.pk])
    assert client.patch(url, {"name": "改名"}, format="json").status_code == 403
    assert AuditEntry.objects.count() == before


def test_a_write_goes_through_the_service_and_leaves_an_audit_row(cast, tokens):
    from kaohe.core.models import AuditEntry
    from kaohe.orgs.models import Unit

    client = api(tokens["admin"])
    response = client.post(
        reverse("api:unit-list"),
        {"code": "hongqi", "name": "红旗镇", "category": cast.town_category.pk,
         "flags": ["文明单位"], "parent": None},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["team"]["name"] == "红旗镇领导班子" and body["flags"] == ["文明单位"]
    entry = AuditEntry.objects.get(action="unit.create", object_id=str(body["id"]))
    assert entry.actor == cast.admin and entry.after["flags"] == ["文明单位"]

    again = client.post(
        reverse("api:unit-list"),
        {"code": "hongqi", "name": "重复", "category": cast.town_category.pk},
        format="json",
    )
    assert again.status_code == 400 and "编码已被使用" in again.json()["code"][0]

    unit = Unit.objects.get(code="hongqi")
    patched = client.patch(
        reverse("api:unit-detail", args=[unit.pk]), {"parent": unit.pk}, format="json"
    )
    assert patched.status_code == 400 and "parent" in patched.json()
    renamed = client.patch(
        reverse("api:team-detail", args=[unit.team.pk]), {"is_assessed": False}, format="json"
    )
    assert renamed.status_code == 200 and renamed.json()["is_assessed"] is False
    assert AuditEntry.objects.filter(action="team.update", actor=cast.admin).exists()


def test_cadres_are_created_with_a_post_changed_and_transferred(cast, tokens):
    from kaohe.core.models import AuditEntry

    client = api(tokens["admin"])
    created = client.post(
        reverse("api:cadre-list"),
        {"name": "周新", "gender": "男", "first_posting": {"unit": cast.unit_a.pk,
         "post": "副镇长", "duties": ["party_building"], "start_date": "2023-02-01"}},
        format="json",
    )  # fmt: skip
    assert created.status_code == 201, created.json()
    cadre = created.json()
    assert cadre["postings"][0]["duties"] == ["party_building"]
    detail = reverse("api:cadre-detail", args=[cadre["id"]])
    patched = client.patch(
        detail, {"leadership_level": "副科级", "rank": "一级主任科员"}, format="json"
    ).json()
    assert (patched["leadership_level"], patched["rank"]) == ("副科级", "一级主任科员")
    moved = client.post(
        reverse("api:cadre-transfer", args=[cadre["id"]]),
        {"unit": cast.unit_b.pk, "post": "副镇长", "on": "2024-05-01"},
        format="json",
    )
    assert moved.status_code == 201 and moved.json()["unit_code"] == "baishui"
    postings = client.get(detail).json()["postings"]
    assert [p["end_date"] for p in postings] == [None, "2024-04-30"]
    actions = set(AuditEntry.objects.filter(actor=cast.admin).values_list("action", flat=True))
    assert {"cadre.create", "cadre.update", "cadre.transfer"} <= actions
    early = client.post(
        reverse("api:cadre-transfer", args=[cadre["id"]]),
        {"unit": cast.unit_a.pk, "post": "镇长", "on": "2024-05-01"},
        format="json",
    )
    assert early.status_code == 400 and "on" in early.json()


def test_a_unit_outside_the_users_rows_cannot_be_named(cast, tokens):
    """Even the office's token names units by id among those it sees; the outsider's
    token sees only its own unit (and may not write)."""
    client = api(tokens["admin"])
    response = client.post(
        reverse("api:cadre-list"),
        {
            "name": "某人",
            "first_posting": {"unit": 999999, "post": "x", "start_date": "2024-01-01"},
        },
        format="json",
    )
    assert response.status_code == 400 and "unit" in response.json()["first_posting"]


def test_years_categories_schemes_and_systems(cast, tokens, town_system, dept_system):
    from kaohe.core.models import AuditEntry

    client = api(tokens["admin"])
    year = client.post(reverse("api:year-list"), {"year": 2030, "name": "2030年度"}, format="json")
    assert year.status_code == 201
    assert AuditEntry.objects.filter(action="year.create").exists()
    assert client.post(reverse("api:year-list"), {"year": 2030}, format="json").status_code == 400
    category = client.post(reverse("api:category-list"), {"name": "园区"}, format="json")
    assert category.status_code == 201
    assert (
        client.post(reverse("api:category-list"), {"name": "园区"}, format="json").status_code
        == 400
    )

    systems = api(tokens["scorer"]).get(reverse("api:indicator-system-list")).json()["results"]
    assert [s["id"] for s in systems] == [town_system.pk]
    detail = api(tokens["scorer"]).get(
        reverse("api:indicator-system-detail", args=[town_system.pk])
    )
    codes = [i["code"] for i in detail.json()["indicators"]]
    assert "1.1" in codes
    assert (
        api(tokens["scorer"])
        .get(reverse("api:indicator-system-detail", args=[dept_system.pk]))
        .status_code
        == 404
    )
    schemes = api(tokens["leader"]).get(reverse("api:scheme-list")).json()
    # a draft scheme shows only through a published system of it (party: town_system)
    shown = {s["id"]: s["status"] for s in schemes["results"]}
    assert shown[town_system.scheme_id] == "draft"
    assert all(status != "draft" for pk, status in shown.items() if pk != town_system.scheme_id)
    assert len(shown) == 1  # review, a draft with no system, stays hidden


LISTS = ["unit", "cadre", "team", "secondment", "village-assignment", "investigation"]


def add_cadre_with_records(cast, i):
    """A new unit and its cadre, moved to 白水镇 a year later: two postings, two
    secondments, a village-team stint and an investigation."""
    from kaohe.orgs import services

    start = dt.date(2021, 1, 1)
    unit = services.unit_create(
        actor=None, code=f"u{i}", name=f"单位{i}", category=cast.town_category
    )
    cadre = services.cadre_create(
        actor=None,
        name=f"干部{i}",
        first_posting={"unit": unit, "post": "委员", "start_date": start},
    )
    services.cadre_transfer(
        actor=None, cadre=cadre, unit=cast.unit_b, post="副镇长", on=dt.date(2022, 1, 1)
    )
    for year in (2021, 2023):
        services.secondment_create(
            actor=None, cadre=cadre, level="city", host=unit,
            start_date=dt.date(year, 1, 1), end_date=dt.date(year, 6, 30),
        )  # fmt: skip
    services.village_assignment_create(actor=None, cadre=cadre, village=f"{i}村", start_date=start)
    services.investigation_open(actor=None, cadre=cadre, opened_on=start)


@pytest.mark.parametrize("name", [f"api:{name}-list" for name in LISTS])
def test_list_endpoints_are_paged_with_a_fixed_number_of_queries(
    cast, tokens, name, django_assert_max_num_queries
):
    """Counted first with one cadre that has every kind of record (no list is empty), then
    with 30 more: the cadre list, which shows all their records, asks no more."""
    client = api(tokens["admin"])
    add_cadre_with_records(cast, 0)
    client.get(reverse(name))
    with django_assert_max_num_queries(8) as few:
        client.get(reverse(name))
    for i in range(1, 31):
        add_cadre_with_records(cast, i)
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = client.get(reverse(name), {"page_size": 20}).json()
    assert len(body["results"]) == 20 and body["next"]


def test_the_schema_generates_without_warnings(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    text = target.read_text(encoding="utf-8")
    for path in (
        "/api/units/",
        "/api/cadres/{id}/transfer/",
        "/api/indicator-systems/{id}/",
        "/api/secondments/{id}/end/",
        "/api/village-assignments/{id}/end/",
        "/api/investigations/{id}/close/",
    ):
        assert path in text
    assert "tokenAuth" in text


def test_the_schema_and_the_documentation_page_are_served_to_signed_in_users_only(
    client, cast, tokens
):
    assert client.get(reverse("api:schema")).status_code == 401
    assert client.get(reverse("api:docs")).status_code == 302
    assert api(tokens["leader"]).get(reverse("api:schema")).status_code == 200
    client.force_login(cast.leader)
    assert client.get(reverse("api:schema")).status_code == 200
    page = client.get(reverse("api:docs")).content.decode()
    assert "/static/api/swagger-ui/swagger-ui-bundle.js" in page
    assert "unpkg" not in page and "cdn" not in page.lower()


def test_the_office_creates_a_token_sees_its_key_once_and_revokes_it(client, cast):
    from kaohe.api.models import ApiToken
    from kaohe.core.models import AuditEntry

    client.force_login(cast.admin)
    page = client.post(reverse("api:token_list"), {"user": cast.leader.pk, "name": "大数据平台"})
    token = ApiToken.objects.get(name="大数据平台")
    text = page.content.decode()
    assert 'id="new-key"' in text and token.prefix in text
    assert 'id="new-key"' not in client.get(reverse("api:token_list")).content.decode()
    assert AuditEntry.objects.filter(action="token.create", actor=cast.admin).exists()
    client.post(reverse("api:token_revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEntry.objects.filter(action="token.revoke").exists()
