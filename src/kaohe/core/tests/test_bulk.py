"""``bulk_insert``: the values ``COPY`` sends are what Django's own save would send."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone
from psycopg.types.json import Jsonb

from kaohe.core import bulk
from kaohe.core.audit import audit_entry
from kaohe.core.models import AuditEntry
from kaohe.orgs.models import Cadre, Posting, Role


def _plain(value):
    return ("json", value.obj) if isinstance(value, Jsonb) else (type(value), value)


@pytest.mark.django_db
def test_copy_values_are_what_get_db_prep_save_gives(cast):
    """The short cut for values already of their column's type changes nothing: enums,
    JSON, a datetime in a date field and lazy text still take Django's conversion."""
    if connection.vendor != "postgresql":
        pytest.skip("needs DATABASE_URL pointing at PostgreSQL (COPY)")
    cadre = Cadre(name="王青", gender="男", birth_date=dt.date(1980, 1, 2), note="")
    cadre.pk = 10**9
    other = Cadre(name="李白", birth_date=timezone.now(), rank=Role.MEMBER)  # not plain
    other.pk = 10**9 + 1
    posting = Posting(cadre=cadre, unit=cast.unit_a, post="副镇长", role=Role.PRINCIPAL,
                      duties=["party_building"], start_date=dt.date(2020, 1, 1), precedence=2)  # fmt: skip
    posting.pk = 10**9
    entries = [
        audit_entry(actor=cast.admin, action="cadre.create", obj=cadre, after={"n": 1}),
        audit_entry(actor=None, action="cadre.update", obj=cadre, before={"d": "2020-01-01"}),
    ]
    for i, entry in enumerate(entries):
        entry.pk = 10**9 + i
    for model, objects in ((Cadre, [cadre, other]), (Posting, [posting]), (AuditEntry, entries)):
        fields = list(model._meta.concrete_fields)
        fast = list(bulk._rows(fields, objects, connection))
        slow = [
            [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
            for obj in objects
        ]
        for got, expected in zip(fast, slow, strict=True):
            for field, a, b in zip(fields, got, expected, strict=True):
                assert _plain(a) == _plain(b), (model, field.name)


@pytest.mark.django_db
def test_bulk_insert_gives_every_object_its_key_and_row(cast):
    cadres = [Cadre(name=f"干部{i}", birth_date=dt.date(1980, 1, 1 + i)) for i in range(3)]
    bulk.bulk_insert(Cadre, cadres)
    assert all(c.pk for c in cadres)
    postings = [
        Posting(cadre=c, unit=cast.unit_a, post="科员", role=Role.MEMBER, start_date=dt.date(2020, 1, 1))
        for c in cadres
    ]  # fmt: skip
    bulk.bulk_insert(Posting, postings)
    stored = Posting.objects.filter(pk__in=[p.pk for p in postings])
    assert sorted(stored.values_list("cadre__name", flat=True)) == ["干部0", "干部1", "干部2"]
    assert {p.role for p in stored} == {Role.MEMBER}


def test_fewer_collections_restores_the_thresholds_even_after_an_error():
    import gc

    before = gc.get_threshold()
    with pytest.raises(ValueError), bulk.fewer_collections(young=123_456):
        assert gc.get_threshold()[0] == 123_456
        raise ValueError
    assert gc.get_threshold() == before
