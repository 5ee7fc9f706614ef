"""A cadre who moves keeps last year's records where they were earned."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from kaohe.core.models import AuditEntry
from kaohe.orgs import services
from kaohe.orgs.errors import OrgError
from kaohe.orgs.models import Posting
from kaohe.orgs.scenario import scenario_entities
from kaohe.orgs.selectors import cadres_for_user


@pytest.fixture
def moved(cast):
    """张青山 leaves 青山镇 for 白水镇 on 2024-03-01."""
    services.cadre_transfer(
        actor=cast.admin, cadre=cast.cadre_a, unit=cast.unit_b, post="党委书记",
        on=dt.date(2024, 3, 1), role="principal", duties=["secretary"],
    )  # fmt: skip
    return cast


def test_a_transfer_ends_the_old_post_the_day_before_and_starts_the_new_one(moved):
    old, new = Posting.objects.filter(cadre=moved.cadre_a).order_by("start_date")
    assert (old.unit, old.end_date) == (moved.unit_a, dt.date(2024, 2, 29))
    assert (new.unit, new.start_date, new.end_date) == (moved.unit_b, dt.date(2024, 3, 1), None)


def test_a_transfer_is_one_audit_row_naming_both_posts(moved):
    entry = AuditEntry.objects.get(action="cadre.transfer")
    assert entry.before["postings"][0]["unit"] == moved.unit_a.pk
    assert entry.after["posting"]["unit"] == moved.unit_b.pk
    assert entry.after["ended"][0]["end_date"] == "2024-02-29"


def test_last_year_the_cadre_still_counts_in_the_old_unit(moved):
    def unit_of(year):
        cadres = scenario_entities(year)["cadres"]
        return next(c["unit"] for c in cadres if c["id"] == moved.cadre_a.entity_id)

    assert unit_of(2023) == "qingshan"
    assert unit_of(2024) == "baishui"


def test_the_liaisons_see_the_cadre_where_the_cadre_is_now(moved):
    assert not cadres_for_user(moved.liaison).filter(pk=moved.cadre_a.pk).exists()
    assert cadres_for_user(moved.outsider).filter(pk=moved.cadre_a.pk).exists()


def test_a_transfer_cannot_start_before_the_current_post(cast):
    with pytest.raises(ValidationError) as error:
        services.cadre_transfer(
            actor=cast.admin, cadre=cast.cadre_a, unit=cast.unit_b, post="x", on=dt.date(2020, 1, 1)
        )
    assert error.value.error_dict["on"][0].code == OrgError.TRANSFER_BEFORE_START
    assert Posting.objects.filter(cadre=cast.cadre_a).count() == 1


def test_a_cross_appointment_does_not_move_the_cadre(cast):
    services.posting_start(
        actor=cast.admin, cadre=cast.cadre_a, unit=cast.responsible_unit, post="兼任",
        start_date=dt.date(2022, 1, 1), is_primary=False,
    )  # fmt: skip
    services.cadre_transfer(
        actor=cast.admin, cadre=cast.cadre_a, unit=cast.unit_b, post="镇长", on=dt.date(2024, 1, 1)
    )
    cross = Posting.objects.get(cadre=cast.cadre_a, is_primary=False)
    assert cross.end_date is None  # only the primary post ends
    cadre = next(c for c in scenario_entities(2024)["cadres"] if c["id"] == cast.cadre_a.entity_id)
    assert cadre["unit"] == "baishui"
