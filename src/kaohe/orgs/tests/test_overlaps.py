"""A cadre holds at most one open primary post, one open secondment and one open
village-team stint, and no two of a kind overlap: the services refuse it with a clear
message and the database refuses it whatever the code does (partial unique indexes)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from kaohe.orgs import services
from kaohe.orgs.errors import OrgError
from kaohe.orgs.models import Posting, Secondment, VillageAssignment

# The cast's 张青山 holds 青山镇's 党委书记 since 2020-01-01.
CAST_START = dt.date(2020, 1, 1)


def _open_primaries(cadre):
    return Posting.objects.filter(cadre=cadre, is_primary=True, end_date__isnull=True).count()


def test_a_backdated_transfer_is_refused_and_leaves_one_open_primary_post(cast):
    with pytest.raises(ValidationError) as error:
        services.cadre_transfer(
            actor=cast.admin, cadre=cast.cadre_a, unit=cast.unit_b, post="镇长",
            on=dt.date(2019, 6, 1),
        )  # fmt: skip
    assert error.value.error_dict["on"][0].code == OrgError.TRANSFER_BEFORE_START
    assert "2020-01-01" in " ".join(error.value.messages)
    assert _open_primaries(cast.cadre_a) == 1


def test_a_second_primary_post_overlapping_the_first_is_refused(cast):
    with pytest.raises(ValidationError) as error:
        services.posting_start(
            actor=cast.admin, cadre=cast.cadre_a, unit=cast.unit_b, post="镇长",
            start_date=dt.date(2023, 1, 1),
        )  # fmt: skip
    assert error.value.error_dict["start_date"][0].code == OrgError.OVERLAPPING
    assert "主要职务" in str(error.value) and "职务变动" in str(error.value)
    assert _open_primaries(cast.cadre_a) == 1


def test_a_closed_primary_post_before_the_current_one_is_accepted(cast):
    services.posting_start(
        actor=cast.admin, cadre=cast.cadre_a, unit=cast.unit_b, post="副镇长",
        start_date=dt.date(2017, 1, 1), end_date=dt.date(2019, 12, 31),
    )  # fmt: skip
    assert Posting.objects.filter(cadre=cast.cadre_a, is_primary=True).count() == 2


def test_a_closed_primary_post_overlapping_the_current_one_is_refused(cast):
    with pytest.raises(ValidationError) as error:
        services.posting_start(
            actor=cast.admin, cadre=cast.cadre_a, unit=cast.unit_b, post="副镇长",
            start_date=dt.date(2017, 1, 1), end_date=dt.date(2020, 1, 1),
        )  # fmt: skip
    assert error.value.error_dict["start_date"][0].code == OrgError.OVERLAPPING


def test_a_cross_appointment_may_overlap_the_primary_post(cast):
    services.posting_start(
        actor=cast.admin, cadre=cast.cadre_a, unit=cast.unit_b, post="兼任",
        start_date=dt.date(2023, 1, 1), is_primary=False,
    )  # fmt: skip
    assert Posting.objects.filter(cadre=cast.cadre_a, end_date__isnull=True).count() == 2


def test_the_database_refuses_a_second_open_primary_post_whatever_the_code(cast):
    with pytest.raises(IntegrityError), transaction.atomic():
        Posting.objects.create(
            cadre=cast.cadre_a, unit=cast.unit_b, post="镇长", start_date=dt.date(2023, 1, 1)
        )
    assert _open_primaries(cast.cadre_a) == 1


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (dt.date(2023, 6, 1), None),  # inside the open one
        (dt.date(2022, 1, 1), dt.date(2023, 1, 1)),  # ends inside it
        (dt.date(2022, 1, 1), None),  # open, starting before it
    ],
)
def test_overlapping_secondments_are_refused(cast, start, end):
    services.secondment_create(
        actor=cast.admin, cadre=cast.cadre_a, level="city", host=cast.unit_b,
        start_date=dt.date(2023, 1, 1),
    )  # fmt: skip
    with pytest.raises(ValidationError) as error:
        services.secondment_create(
            actor=cast.admin, cadre=cast.cadre_a, level="city", host=cast.unit_b,
            start_date=start, end_date=end,
        )  # fmt: skip
    assert error.value.error_dict["start_date"][0].code == OrgError.OVERLAPPING
    assert Secondment.objects.filter(cadre=cast.cadre_a).count() == 1


def test_a_secondment_before_an_open_one_is_accepted(cast):
    services.secondment_create(
        actor=cast.admin, cadre=cast.cadre_a, level="city", host=cast.unit_b,
        start_date=dt.date(2023, 1, 1),
    )  # fmt: skip
    services.secondment_create(
        actor=cast.admin, cadre=cast.cadre_a, level="city", host=cast.unit_b,
        start_date=dt.date(2021, 1, 1), end_date=dt.date(2022, 12, 31),
    )  # fmt: skip
    assert Secondment.objects.filter(cadre=cast.cadre_a).count() == 2


def test_overlapping_village_team_stints_are_refused(cast):
    services.village_assignment_create(
        actor=cast.admin, cadre=cast.cadre_a, village="东山村", start_date=dt.date(2023, 1, 1)
    )
    with pytest.raises(ValidationError) as error:
        services.village_assignment_create(
            actor=cast.admin, cadre=cast.cadre_a, village="西山村",
            start_date=dt.date(2022, 1, 1), end_date=dt.date(2023, 3, 1),
        )  # fmt: skip
    assert error.value.error_dict["start_date"][0].code == OrgError.OVERLAPPING


@pytest.mark.parametrize("model", [Secondment, VillageAssignment])
def test_the_database_refuses_a_second_open_secondment_or_stint(cast, model):
    extra = {"level": "city", "host": cast.unit_b} if model is Secondment else {"village": "村"}
    model.objects.create(cadre=cast.cadre_a, start_date=dt.date(2023, 1, 1), **extra)
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.create(cadre=cast.cadre_a, start_date=dt.date(2024, 1, 1), **extra)


def test_a_transfer_page_shows_the_refusal_beside_the_date(client, cast):
    from django.urls import reverse

    client.force_login(cast.admin)
    response = client.post(
        reverse("orgs:cadre_transfer", args=[cast.cadre_a.pk]),
        {"unit": cast.unit_b.pk, "post": "镇长", "role": "member", "on": "2019-06-01"},
    )
    assert response.status_code == 200
    assert "调动日期必须晚于" in response.content.decode()
    assert _open_primaries(cast.cadre_a) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_transfers_at_once_leave_one_open_primary_post():
    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite takes one writer at a time anyway")
    from kaohe.orgs.models import Cadre, Unit, UnitCategory

    town = UnitCategory.objects.get(name="镇街")
    units = [
        services.unit_create(actor=None, code=f"u{n}", name=f"镇{n}", category=town)
        for n in range(3)
    ]
    cadre = services.cadre_create(
        actor=None, name="甲",
        first_posting={"unit": units[0], "post": "镇长", "start_date": CAST_START},
    )  # fmt: skip
    barrier, outcomes = threading.Barrier(2), []

    def transfer(unit: Unit, on: dt.date) -> None:
        try:
            barrier.wait(60)
            services.cadre_transfer(
                actor=None, cadre=Cadre.objects.get(pk=cadre.pk), unit=unit, post="书记", on=on
            )
            outcomes.append("moved")
        except ValidationError as error:
            outcomes.append(error.error_dict["on"][0].code)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=transfer, args=(units[1], dt.date(2024, 3, 1))),
        threading.Thread(target=transfer, args=(units[2], dt.date(2024, 3, 1))),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(180)
    assert sorted(outcomes) == ["moved", OrgError.TRANSFER_BEFORE_START]
    assert _open_primaries(cadre) == 1


@pytest.fixture
def back_to_the_latest_migrations():
    """Going back to orgs 0006 also unapplies the other apps' migrations that depend on a
    later orgs one (collection's); going forward to 0008 alone leaves them out. The tests
    after this one need every table again."""
    yield
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("back_to_the_latest_migrations")
def test_the_migration_closes_the_extra_open_rows_a_backdated_transfer_left():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before, after = (
        [("orgs", "0006_cadre_id_number")],
        [("orgs", "0008_one_open_posting_secondment_and_stint_per_cadre")],
    )
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    town = old.get_model("orgs", "UnitCategory").objects.create(name="测试类别")
    Unit, Cadre = old.get_model("orgs", "Unit"), old.get_model("orgs", "Cadre")
    Posting = old.get_model("orgs", "Posting")
    a, b = (Unit.objects.create(code=c, name=c, category=town) for c in ("a", "b"))
    moved, doubled = Cadre.objects.create(name="甲"), Cadre.objects.create(name="乙")
    # What a backdated transfer left: two open primary posts, the new one starting earlier.
    Posting.objects.create(cadre=moved, unit=a, post="镇长", start_date=dt.date(2020, 1, 1))
    Posting.objects.create(cadre=moved, unit=b, post="书记", start_date=dt.date(2019, 6, 1))
    for unit in (a, b):
        Posting.objects.create(cadre=doubled, unit=unit, post="x", start_date=dt.date(2021, 1, 1))

    executor = MigrationExecutor(connection)
    executor.migrate(after)

    rows = Posting.objects.filter(cadre=moved).order_by("start_date")
    assert [(p.post, p.end_date) for p in rows] == [
        ("书记", dt.date(2019, 12, 31)),
        ("镇长", None),
    ]
    assert sorted(Posting.objects.filter(cadre=doubled).values_list("is_primary", flat=True)) == [
        False,
        True,
    ]
    from kaohe.core.models import AuditEntry

    REASON = "migration orgs 0007: more than one open row per cadre"

    repairs = AuditEntry.objects.filter(action="posting.end", actor=None)
    assert [entry.after["reason"] for entry in repairs] == [REASON, REASON]
    # Back to the latest schema of every app: going back to orgs 0006 unapplied the
    # migrations of the apps that depend on later ones (collection, results …), and a later
    # transactional test would find their tables missing.
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
