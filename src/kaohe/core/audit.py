"""The audit log helper. Every write service calls ``audit_record`` inside its own
transaction, so the write and its audit row are committed (or rolled back) together."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from kaohe.core.models import AuditEntry
from kaohe.core.registry import audit_action_label


def action_label(code: str) -> str:
    """What the audit log pages call an action; each app registers its own labels."""
    return audit_action_label(code)


_SCALARS = frozenset((str, int, bool, float, type(None)))


def _plain(value: Any) -> Any:
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is dict:  # the common container first (the checks below exclude each other)
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The named fields of ``instance`` as JSON-ready values (foreign keys by id)."""
    result: dict[str, Any] = {}
    model = type(instance)
    for name in fields:
        key = (model, name)
        if (foreign := _FOREIGN.get(key)) is None:
            field = instance._meta.get_field(name)
            foreign = _FOREIGN[key] = field.attname if isinstance(field, models.ForeignKey) else ""
        if foreign:
            result[name] = getattr(instance, foreign)
        else:
            result[name] = _plain(getattr(instance, name))
    return result


# (model, field name) -> the column a foreign key reads ("" for another field).
_FOREIGN: dict[tuple[type[models.Model], str], str] = {}


def audit_entry(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
) -> AuditEntry:
    """An audit row, not yet saved: ``audit_record`` saves one, a bulk write (an import)
    saves many with ``AuditEntry.objects.bulk_create`` in its transaction."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEntry(
        actor_id=actor.pk if authenticated else None,  # the id: no descriptor (bulk imports)
        actor_name=str(actor) if authenticated else "",
        at=timezone.now(),
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:200],
        before=_plain(before) if before is not None else None,
        after=_plain(after) if after is not None else None,
    )


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
) -> AuditEntry:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must run inside the write's transaction")
    entry = audit_entry(
        actor=actor,
        action=action,
        obj=obj,
        before=before,
        after=after,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
    )
    entry.save(force_insert=True)
    return entry


def apply_changes(
    instance: models.Model, changes: dict[str, Any], allowed: Iterable[str]
) -> tuple[list[str], dict[str, Any], dict[str, Any]]:
    """Set ``changes`` on ``instance``; return the fields that really changed with their
    values before and after (for ``save(update_fields=...)`` and the audit row)."""
    allowed = set(allowed)
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"cannot change {sorted(unknown)} of {instance._meta.label}")
    changed = [
        name for name, value in changes.items() if snapshot(instance, [name])[name] != _plain(value)
    ]
    before = snapshot(instance, changed)
    for name in changed:
        setattr(instance, name, changes[name])
    return changed, before, snapshot(instance, changed)
