"""A cadre's secondments (挂职), village-team stints (驻村) and investigations (立案审查)
through the API: created and ended through the services (audited, validated), seen with
the cadre, never edited or deleted."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from kaohe.api.tests.conftest import api

KINDS = ("secondment", "village-assignment", "investigation")
START = dt.date(2023, 3, 1)
# kind: the action that ends a record, the date field it sets, a body that ends it, and
# the audit actions of creating and of ending it
FINISH = {
    "secondment": ("end", "end_date", {"end_date": "2024-02-29"}, "secondment.create secondment.end"),
    "village-assignment": ("end", "end_date", {"end_date": "2024-02-29"}, "village.create village.end"),
    "investigation": ("close", "closed_on", {"closed_on": "2024-02-29", "outcome": "免予处分"},
                      "investigation.open investigation.close"),
}  # fmt: skip


def new_record(cast, kind, cadre=None, **extra):
    """The body that creates a record of ``kind`` for ``cadre`` (by default cadre_a)."""
    fields = {
        "secondment": {"level": "city", "host": cast.unit_b.pk, "start_date": START.isoformat()},
        "village-assignment": {"village": "东岭村", "start_date": START.isoformat()},
        "investigation": {"opened_on": START.isoformat()},
    }[kind]
    return {"cadre": (cadre or cast.cadre_a).pk, **fields, **extra}


@pytest.fixture
def records(cast):
    """One record of each kind for cadre_a (青山镇) and for cadre_b (白水镇)."""
    from kaohe.orgs import services

    made = {}
    for cadre in (cast.cadre_a, cast.cadre_b):
        made[cadre.pk] = {
            "secondment": services.secondment_create(
                actor=None,
                cadre=cadre,
                level="county",
                host=cast.responsible_unit,
                start_date=START,
            ),
            "village-assignment": services.village_assignment_create(
                actor=None, cadre=cadre, village="西坪村", start_date=START
            ),
            "investigation": services.investigation_open(actor=None, cadre=cadre, opened_on=START),
        }
    return made


@pytest.mark.parametrize("kind", KINDS)
def test_a_record_is_created_and_ended_through_the_service_with_audit_rows(cast, tokens, kind):
    from kaohe.core.models import AuditEntry

    finish, field, done, audit = FINISH[kind]
    created_action, ended_action = audit.split()
    client = api(tokens["admin"])
    created = client.post(reverse(f"api:{kind}-list"), new_record(cast, kind), format="json")
    assert created.status_code == 201, created.json()
    row = created.json()
    assert row["cadre_name"] == "张青山" and row[field] is None
    opened = AuditEntry.objects.get(action=created_action, object_id=str(row["id"]))
    assert opened.actor == cast.admin

    url = reverse(f"api:{kind}-{finish}", args=[row["id"]])
    early = client.post(url, done | {field: "2023-02-28"}, format="json")
    assert early.status_code == 400 and field in early.json()
    ended = client.post(url, done, format="json")
    assert ended.status_code == 200, ended.json()
    assert ended.json()[field] == "2024-02-29"
    entry = AuditEntry.objects.get(action=ended_action, object_id=str(row["id"]))
    assert entry.actor == cast.admin and entry.before[field] is None

    before = AuditEntry.objects.count()
    again = client.post(url, done, format="json")
    assert again.status_code == 400 and again.json()[0].endswith(("已结束", "已结案"))
    assert AuditEntry.objects.count() == before
    detail = client.get(reverse(f"api:{kind}-detail", args=[row["id"]])).json()
    assert detail[field] == "2024-02-29"


def test_a_secondment_is_shown_with_its_host_and_refused_when_dates_are_wrong(cast, tokens):
    client = api(tokens["admin"])
    url = reverse("api:secondment-list")
    created = client.post(url, new_record(cast, "secondment", end_date="2023-12-31"), format="json")
    assert created.status_code == 201
    body = created.json()
    assert (body["level"], body["host_code"], body["host_name"]) == ("city", "baishui", "白水镇")

    reversed_dates = new_record(
        cast, "secondment", cadre=cast.cadre_b, start_date="2024-05-01", end_date="2024-04-30"
    )
    response = client.post(url, reversed_dates, format="json")
    assert response.status_code == 400 and "end_date" in response.json()
    overlapping = client.post(
        url, new_record(cast, "secondment", start_date="2023-06-01"), format="json"
    )
    assert overlapping.status_code == 400 and "start_date" in overlapping.json()


def test_the_cadre_shows_its_secondments_village_stints_and_investigations(cast, tokens, records):
    from kaohe.orgs import services

    services.investigation_close(
        actor=None,
        investigation=records[cast.cadre_a.pk]["investigation"],
        closed_on=dt.date(2023, 9, 1),
        outcome="不予处分",
    )
    cadre = api(tokens["liaison"]).get(reverse("api:cadre-detail", args=[cast.cadre_a.pk])).json()
    secondment = records[cast.cadre_a.pk]["secondment"]
    assert cadre["secondments"] == [
        {"id": secondment.pk, "level": "county", "host": cast.responsible_unit.pk,
         "host_code": "zuzhibu", "host_name": "县委组织部", "start_date": "2023-03-01",
         "end_date": None},
    ]  # fmt: skip
    assert [(v["village"], v["end_date"]) for v in cadre["village_assignments"]] == [
        ("西坪村", None)
    ]
    assert [(i["opened_on"], i["closed_on"], i["outcome"]) for i in cadre["investigations"]] == [
        ("2023-03-01", "2023-09-01", "不予处分")
    ]


@pytest.mark.parametrize("kind", KINDS)
def test_the_lists_show_the_users_cadres_and_filter_by_cadre(cast, tokens, records, kind):
    url = reverse(f"api:{kind}-list")
    everything = api(tokens["admin"]).get(url).json()
    assert {r["cadre"] for r in everything["results"]} == {cast.cadre_a.pk, cast.cadre_b.pk}
    one = api(tokens["admin"]).get(url, {"cadre": cast.cadre_b.pk}).json()
    assert [r["id"] for r in one["results"]] == [records[cast.cadre_b.pk][kind].pk]
    own = api(tokens["outsider"]).get(url).json()
    assert [r["cadre_name"] for r in own["results"]] == ["李白水"]
    assert api(tokens["outsider"]).get(url, {"cadre": cast.cadre_a.pk}).json()["count"] == 0
    bad = api(tokens["admin"]).get(url, {"cadre": "张青山"})
    assert bad.status_code == 400 and "cadre" in bad.json()


@pytest.mark.parametrize("kind", KINDS)
def test_another_units_records_are_not_found_and_its_cadres_cannot_be_named(
    cast, tokens, records, kind, monkeypatch
):
    """The outsider (白水镇) gets 404 for 青山镇's records; given the right to write, it
    still could not name 青山镇's cadre, nor end its records."""
    from kaohe.core.models import AuditEntry
    from kaohe.core.roles import ROLE_ACTIONS, Action, Role

    theirs = records[cast.cadre_a.pk][kind]
    client = api(tokens["outsider"])
    assert client.get(reverse(f"api:{kind}-detail", args=[theirs.pk])).status_code == 404

    monkeypatch.setitem(
        ROLE_ACTIONS, Role.LIAISON, ROLE_ACTIONS[Role.LIAISON] | {Action.CADRE_EDIT}
    )
    before = AuditEntry.objects.count()
    created = client.post(reverse(f"api:{kind}-list"), new_record(cast, kind), format="json")
    assert created.status_code == 400 and "cadre" in created.json()
    finish, _field, done, _audit = FINISH[kind]
    url = reverse(f"api:{kind}-{finish}", args=[theirs.pk])
    assert client.post(url, done, format="json").status_code == 404
    assert AuditEntry.objects.count() == before


def test_a_secondment_may_only_name_a_host_the_user_sees(cast, tokens, monkeypatch):
    from kaohe.core.roles import ROLE_ACTIONS, Action, Role

    monkeypatch.setitem(
        ROLE_ACTIONS, Role.LIAISON, ROLE_ACTIONS[Role.LIAISON] | {Action.CADRE_EDIT}
    )
    body = new_record(cast, "secondment", cadre=cast.cadre_b) | {"host": cast.unit_a.pk}
    response = api(tokens["outsider"]).post(reverse("api:secondment-list"), body, format="json")
    assert response.status_code == 400 and list(response.json()) == ["host"]
    body["host"] = cast.unit_b.pk
    response = api(tokens["outsider"]).post(reverse("api:secondment-list"), body, format="json")
    assert response.status_code == 201


@pytest.mark.parametrize(
    "role", ["scorer", "liaison", "outsider", "leader", "team_member", "committee_member"]
)
def test_only_the_office_creates_and_ends_records(cast, tokens, records, role):
    from kaohe.core.models import AuditEntry

    before = AuditEntry.objects.count()
    client = api(tokens[role])
    for kind in KINDS:
        body = new_record(cast, kind, cadre=cast.cadre_b)
        assert client.post(reverse(f"api:{kind}-list"), body, format="json").status_code == 403
        finish, _field, done, _audit = FINISH[kind]
        url = reverse(f"api:{kind}-{finish}", args=[records[cast.cadre_b.pk][kind].pk])
        assert client.post(url, done, format="json").status_code == 403
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize("kind", KINDS)
def test_records_are_never_changed_or_deleted_but_by_ending_them(cast, tokens, records, kind):
    client = api(tokens["admin"])
    url = reverse(f"api:{kind}-detail", args=[records[cast.cadre_a.pk][kind].pk])
    assert client.put(url, new_record(cast, kind), format="json").status_code == 405
    assert client.patch(url, {"cadre": cast.cadre_b.pk}, format="json").status_code == 405
    assert client.delete(url).status_code == 405
    assert client.post(url, {}, format="json").status_code == 405
    assert client.get(url).json()["cadre"] == cast.cadre_a.pk
