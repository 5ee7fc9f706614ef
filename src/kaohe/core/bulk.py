"""Inserting many rows at once (an import's cadres, postings and audit rows).

On PostgreSQL the rows take their ids from the table's sequence and go in with ``COPY``:
about five times faster than ``bulk_create``'s INSERT statements, whose SQL Django builds
in Python value by value. Elsewhere (SQLite) ``bulk_create``. Either way every object
has its primary key afterwards, and the rows are inside the caller's transaction.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from operator import attrgetter
from typing import Any

from django.db import models, transaction

# The field classes whose value goes to the database as it is when it already has the
# type Django would convert it to (``get_db_prep_save`` would return it unchanged on
# PostgreSQL: the backend passes dates and keys as they are). Exact classes, not
# subclasses: a subclass may convert differently. Others (JSON, datetimes, a choices
# enum as value) take ``get_db_prep_save``.
_PASSED: dict[type[models.Field], tuple[type, ...]] = {
    models.CharField: (str,),
    models.TextField: (str,),
    models.BooleanField: (bool,),
    # Keys; not the other integer fields, which the backend wraps (psycopg's Int2 …).
    models.AutoField: (int,),
    models.BigAutoField: (int,),
    models.SmallAutoField: (int,),
    models.DateField: (dt.date,),
}


def _passed_types(field: models.Field) -> tuple[type, ...] | None:
    """The types a value of ``field`` goes to ``COPY`` as it is (None with them), or None
    when every value takes ``get_db_prep_save``."""
    if isinstance(field, models.ForeignKey):
        field = field.target_field
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return None  # pre_save sets the value
    return _PASSED.get(type(field))


def _rows(
    fields: Sequence[models.Field], objects: Sequence[models.Model], connection: Any
) -> Iterator[list[Any]]:
    """Each object's values for ``COPY``: what ``field.get_db_prep_save(field.pre_save(obj,
    True), connection)`` gives, that call skipped for a value already of its column's type
    (most of an import's values)."""
    values = attrgetter(*(f.attname for f in fields))
    passed = [_passed_types(f) for f in fields]
    columns = list(zip(fields, passed, strict=True))
    for obj in objects:
        yield [
            value
            if kinds is not None and (value is None or type(value) in kinds)
            else field.get_db_prep_save(field.pre_save(obj, True), connection)
            for value, (field, kinds) in zip(values(obj), columns, strict=True)
        ]


def bulk_insert(model: type[models.Model], objects: Sequence[models.Model]) -> None:
    """Insert ``objects`` (new ``model`` instances; foreign keys to objects saved before
    are taken from those objects)."""
    if not objects:
        return
    connection = transaction.get_connection()  # the wrapper itself, not the proxy
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(objects, batch_size=1000)
        return
    meta = model._meta
    quote = connection.ops.quote_name
    fields = list(meta.concrete_fields)
    if len(fields) < 2:  # attrgetter of one name gives the value, not a tuple
        raise ValueError(f"{meta.label}: a table of one column is not bulk-inserted here")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(objects)],
        )
        for obj, (pk,) in zip(objects, cursor.fetchall(), strict=True):
            # the step bulk_create takes first; private, so not in django-stubs
            obj._prepare_related_fields_for_save(operation_name="bulk_insert")  # type: ignore[attr-defined]
            obj.pk = pk
            obj._state.adding, obj._state.db = False, connection.alias
        columns = ", ".join(quote(f.column) for f in fields)
        statement = f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN"
        # The raw psycopg cursor: its errors are wrapped as Django's (an IntegrityError).
        with connection.wrap_database_errors, cursor.cursor.copy(statement) as copy:
            for row in _rows(fields, objects, connection):
                copy.write_row(row)


@contextmanager
def fewer_collections(young: int = 50_000) -> Iterator[None]:
    """Run the cyclic garbage collector less often while a bulk job makes its objects.

    An import creates some ten objects a row (cells, dicts, model instances, audit
    values), nearly none in cycles, so the default threshold (700 allocations) starts a
    collection every few rows, each visiting the rows made so far: an eighth of a
    10,000-row import's CPU time. With ``young`` allocations between collections the
    cycles that do arise are still collected (memory stays bounded); the thresholds are
    restored at the end (they are the process's: other threads collect less often
    meanwhile, which is harmless)."""
    before = gc.get_threshold()
    gc.set_threshold(max(young, before[0]), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)
