"""Scoring evidence: the scorer deletes a file it attached while the period is open (audited,
refused after close); a field check's evidence is referenced by the entries its deductions
change, without a second copy of the file."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from kaohe.collection.evidence import stored_path
from kaohe.collection.models import Attachment, OwnerType, PeriodStatus
from kaohe.collection.scoring import score_evidence_delete, score_set
from kaohe.collection.scoring_field_checks import (
    field_check_create,
    field_check_deduction_add,
    field_check_deduction_confirm,
    field_check_evidence_copy,
)
from kaohe.collection.services import period_set_status
from kaohe.core.models import AuditEntry

D = Decimal
PDF = b"%PDF-1.4\n%evidence\n"


@pytest.fixture
def ind(town_system):
    return {i.code: i for i in town_system.indicators.all()}


@pytest.fixture
def entry(cast, q1, ind):
    return score_set(
        actor=cast.scorer, period=q1, unit=cast.responsible_unit, target=cast.unit_a,
        indicator=ind["1.2"], value=D(2), reason="学习记录不全", uploads=[PDF, PDF + b"2"],
    )  # fmt: skip


def _files(entry):
    return list(Attachment.objects.filter(owner_type=OwnerType.SCORE, owner_id=entry.pk))


def test_the_scorer_deletes_its_own_file_while_the_period_is_open(cast, entry):
    first, second = _files(entry)
    score_evidence_delete(actor=cast.scorer, attachment=first)
    assert _files(entry) == [second]
    assert AuditEntry.objects.filter(action="attachment.delete", object_id=str(first.pk)).exists()


def test_deleting_after_close_is_refused(cast, q1, entry):
    first = _files(entry)[0]
    period_set_status(actor=cast.admin, period=q1, status=PeriodStatus.CLOSED)
    with pytest.raises(ValidationError) as refused:
        score_evidence_delete(actor=cast.scorer, attachment=first)
    assert refused.value.code == "period_closed"
    assert len(_files(entry)) == 2


def test_nobody_else_deletes_the_scorers_file(cast, entry):
    first = _files(entry)[0]
    for user in (cast.liaison, cast.outsider):
        with pytest.raises(PermissionDenied):
            score_evidence_delete(actor=user, attachment=first)
    with pytest.raises(ValidationError) as refused:  # the office may score, but did not upload
        score_evidence_delete(actor=cast.admin, attachment=first)
    assert refused.value.code == "not_uploader"


def test_the_last_file_of_a_deduction_that_requires_evidence_stays(cast, entry, ind):
    ind["1.2"].evidence_required = True
    ind["1.2"].save(update_fields=["evidence_required"])
    first, second = _files(entry)
    score_evidence_delete(actor=cast.scorer, attachment=first)
    with pytest.raises(ValidationError) as refused:
        score_evidence_delete(actor=cast.scorer, attachment=second)
    assert refused.value.code == "evidence_required"


def test_the_page_deletes_and_says_so_and_the_file_leaves_the_disk(
    client, cast, q1, entry, ind, django_capture_on_commit_callbacks
):
    first = _files(entry)[0]
    path = stored_path(first)
    assert path.is_file()
    client.force_login(cast.scorer)
    detail = reverse(
        "collection:scoring_detail",
        args=[q1.pk, cast.responsible_unit.pk, cast.unit_a.pk, ind["1.2"].pk],
    )
    assert (
        reverse("collection:scoring_evidence_delete", args=[first.pk])
        in client.get(detail).content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            reverse("collection:scoring_evidence_delete", args=[first.pk]), follow=True
        )
    assert "已删除佐证材料" in answer.content.decode()
    assert not path.exists()
    client.force_login(cast.outsider)
    other = _files(entry)[0]
    answer = client.post(reverse("collection:scoring_evidence_delete", args=[other.pk]))
    assert answer.status_code in (403, 404)


@pytest.fixture
def check(cast, q1, ind):
    return field_check_create(
        actor=cast.team_member, period=q1, target=cast.unit_a, method="documents",
        checked_on=dt.date(2024, 3, 22), findings="中心组学习记录缺少研讨内容",
        uploads=[PDF], today=dt.date(2024, 3, 25),
    )  # fmt: skip


def test_a_field_checks_evidence_is_referenced_not_copied(
    cast, check, ind, django_capture_on_commit_callbacks
):
    deduction = field_check_deduction_add(
        actor=cast.team_member, field_check=check, indicator=ind["1.2"], points=D(1),
        reason="记录不全",
    )  # fmt: skip
    with pytest.raises(ValidationError):  # not confirmed yet
        field_check_evidence_copy(actor=cast.scorer, deduction=deduction)
    entry = field_check_deduction_confirm(actor=cast.scorer, deduction=deduction)
    shared = field_check_evidence_copy(actor=cast.scorer, deduction=deduction)
    source = Attachment.objects.get(owner_type=OwnerType.FIELD_CHECK, owner_id=check.pk)
    assert [(a.owner_id, a.stored_name, a.source_id) for a in shared] == [
        (entry.pk, source.stored_name, source.pk)
    ]
    assert field_check_evidence_copy(actor=cast.scorer, deduction=deduction) == []  # once
    files = [p for p in stored_path(source).parent.parent.rglob("*") if p.is_file()]
    assert len(files) == 1  # one file on disk for the two rows
    assert AuditEntry.objects.filter(action="attachment.share").count() == 1
    # the scorer removes its reference: the field check's file stays
    with django_capture_on_commit_callbacks(execute=True):
        score_evidence_delete(actor=cast.scorer, attachment=shared[0])
    assert stored_path(source).is_file()


def test_confirming_on_the_page_can_reference_the_evidence(client, cast, check, ind):
    deduction = field_check_deduction_add(
        actor=cast.team_member, field_check=check, indicator=ind["1.2"], points=D(1),
        reason="记录不全",
    )  # fmt: skip
    client.force_login(cast.scorer)
    answer = client.post(
        reverse("collection:field_check_confirm", args=[deduction.pk]),
        {"with_evidence": "1"},
        follow=True,
    )
    assert "并引用了佐证材料 1 份" in answer.content.decode()
    deduction.refresh_from_db()
    assert len(_files(deduction.entry)) == 1
