"""Each write service: one transaction, one audit row with before/after, coded errors."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from kaohe.core.models import AuditEntry
from kaohe.orgs import services
from kaohe.orgs.errors import OrgError
from kaohe.orgs.models import Posting, SecondmentLevel, UnitFlag


def codes(error: ValidationError) -> set[str | None]:
    if hasattr(error, "error_dict"):
        return {e.code for errors in error.error_dict.values() for e in errors}
    return {e.code for e in error.error_list}


def audit_count(action: str) -> int:
    return AuditEntry.objects.filter(action=action).count()


def test_unit_create_writes_the_unit_its_team_and_one_audit_row(cast):
    flag = UnitFlag.objects.get(name="先进集体")
    unit = services.unit_create(
        actor=cast.admin, code="shimen", name="石门镇", category=cast.town_category, flags=[flag]
    )
    assert unit.team.name == "石门镇领导班子"
    entry = AuditEntry.objects.get(action="unit.create", object_id=str(unit.pk))
    assert entry.actor == cast.admin
    assert entry.after["flags"] == ["先进集体"]
    assert entry.after["category"] == cast.town_category.pk


def test_unit_update_records_only_what_changed(cast):
    flag = UnitFlag.objects.get(name="文明单位")
    services.unit_update(actor=cast.admin, unit=cast.unit_a, name="青山镇", order=3, flags=[flag])
    entry = AuditEntry.objects.get(action="unit.update")
    assert entry.before == {"order": 0, "flags": []}
    assert entry.after == {"order": 3, "flags": ["文明单位"]}


def test_an_update_that_changes_nothing_writes_no_audit_row(cast):
    services.unit_update(actor=cast.admin, unit=cast.unit_a, name="青山镇", flags=[])
    assert audit_count("unit.update") == 0


def test_unit_codes_are_unique(cast):
    with pytest.raises(ValidationError) as error:
        services.unit_create(
            actor=cast.admin, code="qingshan", name="x", category=cast.town_category
        )
    assert codes(error.value) == {OrgError.CODE_TAKEN}


def test_a_unit_cannot_be_its_own_ancestor(cast):
    services.unit_update(actor=cast.admin, unit=cast.unit_b, parent=cast.unit_a)
    with pytest.raises(ValidationError) as error:
        services.unit_update(actor=cast.admin, unit=cast.unit_a, parent=cast.unit_b)
    assert codes(error.value) == {OrgError.PARENT_CYCLE}


def test_a_unit_cannot_supervise_itself(cast):
    with pytest.raises(ValidationError) as error:
        services.unit_update(actor=cast.admin, unit=cast.unit_a, supervisor=cast.unit_a)
    assert codes(error.value) == {OrgError.SUPERVISOR_SELF}


def test_a_category_in_use_cannot_be_deleted(cast):
    with pytest.raises(ValidationError) as error:
        services.category_delete(actor=cast.admin, category=cast.town_category)
    assert codes(error.value) == {OrgError.CATEGORY_IN_USE}


def test_category_names_are_unique(cast):
    with pytest.raises(ValidationError) as error:
        services.category_create(actor=cast.admin, name="镇街")
    assert codes(error.value) == {OrgError.NAME_TAKEN}


def test_category_update_and_delete_are_audited(cast):
    category = services.category_create(actor=cast.admin, name="临时")
    services.category_update(actor=cast.admin, category=category, name="临时类别")
    services.category_delete(actor=cast.admin, category=category)
    assert [audit_count(a) for a in ("category.create", "category.update", "category.delete")] == [
        1,
        1,
        1,
    ]
    assert AuditEntry.objects.get(action="category.delete").before["name"] == "临时类别"


def test_cadre_create_with_a_first_post_is_one_audit_row(cast):
    before = AuditEntry.objects.count()
    cadre = services.cadre_create(
        actor=cast.admin,
        name="王新",
        first_posting={"unit": cast.unit_a, "post": "副镇长", "start_date": dt.date(2023, 3, 1)},
    )
    assert AuditEntry.objects.count() == before + 1
    entry = AuditEntry.objects.get(action="cadre.create", object_id=str(cadre.pk))
    assert entry.after["posting"]["unit"] == cast.unit_a.pk


def test_unknown_duties_are_refused(cast):
    with pytest.raises(ValidationError) as error:
        services.posting_start(
            actor=cast.admin, cadre=cast.cadre_b, unit=cast.unit_a, post="x",
            start_date=dt.date(2023, 1, 1), duties=["astronaut"],
        )  # fmt: skip
    assert codes(error.value) == {OrgError.UNKNOWN_DUTY}


def test_cadre_update_is_audited_with_before_and_after(cast):
    services.cadre_update(actor=cast.admin, cadre=cast.cadre_a, retired_on=dt.date(2024, 12, 31))
    entry = AuditEntry.objects.get(action="cadre.update")
    assert entry.before == {"retired_on": None}
    assert entry.after == {"retired_on": "2024-12-31"}


def test_secondments_of_one_cadre_may_not_overlap(cast):
    services.secondment_create(
        actor=cast.admin, cadre=cast.cadre_b, level=SecondmentLevel.COUNTY, host=cast.unit_a,
        start_date=dt.date(2023, 1, 1), end_date=dt.date(2023, 6, 30),
    )  # fmt: skip
    with pytest.raises(ValidationError) as error:
        services.secondment_create(
            actor=cast.admin, cadre=cast.cadre_b, level=SecondmentLevel.COUNTY, host=cast.unit_a,
            start_date=dt.date(2023, 6, 1),
        )  # fmt: skip
    assert codes(error.value) == {OrgError.OVERLAPPING}
    # the day after it ends is fine
    services.secondment_create(
        actor=cast.admin, cadre=cast.cadre_b, level=SecondmentLevel.COUNTY, host=cast.unit_a,
        start_date=dt.date(2023, 7, 1),
    )  # fmt: skip
    assert audit_count("secondment.create") == 2


def test_end_dates_before_start_dates_are_refused(cast):
    with pytest.raises(ValidationError) as error:
        services.village_assignment_create(
            actor=cast.admin, cadre=cast.cadre_b, village="东山村",
            start_date=dt.date(2023, 5, 1), end_date=dt.date(2023, 4, 1),
        )  # fmt: skip
    assert codes(error.value) == {OrgError.DATES_REVERSED}


def test_an_investigation_opens_and_closes_once(cast):
    row = services.investigation_open(
        actor=cast.admin, cadre=cast.cadre_a, opened_on=dt.date(2023, 5, 1)
    )
    services.investigation_close(
        actor=cast.admin, investigation=row, closed_on=dt.date(2023, 9, 1), outcome="予以澄清"
    )
    with pytest.raises(ValidationError) as error:
        services.investigation_close(
            actor=cast.admin, investigation=row, closed_on=dt.date(2023, 10, 1), outcome="x"
        )
    assert codes(error.value) == {OrgError.ALREADY_CLOSED}
    assert AuditEntry.objects.get(action="investigation.close").after == {
        "closed_on": "2023-09-01",
        "outcome": "予以澄清",
    }


def test_ending_a_posting_is_audited_and_only_once(cast):
    posting = Posting.objects.get(cadre=cast.cadre_b)
    services.posting_end(actor=cast.admin, posting=posting, end_date=dt.date(2023, 1, 31))
    with pytest.raises(ValidationError):
        services.posting_end(actor=cast.admin, posting=posting, end_date=dt.date(2023, 2, 1))
    assert audit_count("posting.end") == 1


def test_year_create_is_audited(cast):
    services.year_create(actor=cast.admin, year=2024, name="2024年度")
    assert AuditEntry.objects.get(action="year.create").after["year"] == 2024
