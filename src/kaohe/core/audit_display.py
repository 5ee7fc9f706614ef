"""The audit log as people read it: Chinese action labels, the object's kind and name with
a link to its page, and the change as a list of fields (their verbose names) with the
value before and after. The rows keep the codes; only the display changes. A model may
show one of its fields its own way with ``audit_text(name, value)`` (``None``: as usual)
and name a key its services record that is no field in ``AUDIT_LABELS``.

Works on any model: an entry's ``object_type`` is a model label (``orgs.cadre``); a model
links to its page through ``get_absolute_url``; a nested snapshot under a key that names a
model of the same app (``posting``, ``postings``) is labelled by that model's fields.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaohe.core.audit import action_label
from kaohe.core.models import AuditEntry

# Actions of signing in and out: in the log, but not in the home page's recent activity.
SESSION_ACTIONS = ("login.success", "login.fail", "login.lock", "login.lock_address", "logout")
# Object types that are no model: their label and the labels of the keys they record
OTHER_TYPES = {
    "demo": (
        gettext_lazy("示例数据"),
        {
            "units": gettext_lazy("单位数"),
            "cadres": gettext_lazy("干部数"),
            "year": gettext_lazy("年度"),
        },
    ),
}


def without_sessions(entries: QuerySet[AuditEntry]) -> QuerySet[AuditEntry]:
    """``entries`` without logins and logouts (the home page's recent activity)."""
    return entries.exclude(action__in=SESSION_ACTIONS)


def model_of(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def object_type_label(object_type: str) -> str:
    """``orgs.cadre`` → 干部 (the model's verbose name); the code when it is no model."""
    model = model_of(object_type)
    if model is not None:
        return str(model._meta.verbose_name)
    other = OTHER_TYPES.get(object_type)
    return str(other[0]) if other else object_type


@dataclass
class Change:
    label: str
    before: str
    after: str


@dataclass
class AuditLine:
    """One entry ready for a page."""

    entry: AuditEntry
    action: str
    object_type: str
    url: str = ""
    changes: list[Change] = field(default_factory=list)

    @property
    def has_before(self) -> bool:
        """Whether there was anything before (a creation shows only what it wrote)."""
        return any(change.before for change in self.changes)


def _field(model: type[models.Model] | None, name: str) -> models.Field | None:
    if model is None:
        return None
    try:
        found = model._meta.get_field(name)
    except Exception:  # FieldDoesNotExist, or a reverse relation
        return None
    return found if isinstance(found, models.Field) else None


def _nested_model(model: type[models.Model] | None, key: str) -> type[models.Model] | None:
    """The model a nested snapshot under ``key`` describes: one of the same app named
    ``key`` (or its singular)."""
    if model is None:
        return None
    for name in (key, key.removesuffix("s")):
        try:
            return apps.get_model(model._meta.app_label, name)
        except LookupError:
            continue
    return None


class _Names:
    """The names of the rows foreign keys point to, read with one query per model."""

    def __init__(self) -> None:
        self.wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
        self.found: dict[type[models.Model], dict[Any, models.Model]] = {}

    def want(self, model: type[models.Model], value: Any) -> None:
        if isinstance(value, list):
            for item in value:
                self.want(model, item)
        elif isinstance(value, int | str) and not isinstance(value, bool):
            self.wanted[model].add(value)

    def load(self) -> None:
        for model, keys in self.wanted.items():
            self.found[model] = model._default_manager.in_bulk(keys)

    def name(self, model: type[models.Model], value: Any) -> str:
        row = self.found.get(model, {}).get(value)
        return str(row) if row is not None else f"#{value}"


def _walk(model: type[models.Model] | None, data: Any, names: _Names) -> None:
    """Ask ``names`` for every foreign key in a snapshot (first pass)."""
    if not isinstance(data, dict):
        return
    for key, value in data.items():
        found = _field(model, key)
        if found is not None and found.is_relation and found.related_model is not None:
            names.want(found.related_model, value)
        elif isinstance(value, dict | list):
            nested = _nested_model(model, key)
            for item in value if isinstance(value, list) else [value]:
                _walk(nested, item, names)


def _text(model: type[models.Model] | None, key: str, value: Any, names: _Names) -> str:
    """A value as a person reads it: choices by their label, foreign keys by the name of
    the row, yes/no, dates, lists joined by 、, nested snapshots field by field."""
    if value is None or value == "" or value == []:
        return "—"
    own = getattr(model, "audit_text", None)  # a model may show a field its own way
    shown = own(key, value) if own is not None else None
    if shown is not None:
        return str(shown)
    found = _field(model, key)
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if found is not None and found.is_relation and found.related_model is not None:
        if isinstance(value, list):
            return "、".join(names.name(found.related_model, v) for v in value)
        return names.name(found.related_model, value)
    if found is not None and found.choices:
        labels = {str(k): str(v) for k, v in found.flatchoices}
        if isinstance(value, list):
            return "、".join(labels.get(str(v), str(v)) for v in value)
        return labels.get(str(value), str(value))
    if isinstance(value, list):
        nested = _nested_model(model, key)
        return "；".join(_text(nested, key, item, names) for item in value)
    if isinstance(value, dict):
        nested = _nested_model(model, key)
        return "，".join(
            f"{_label(nested, k)}：{_text(nested, k, v, names)}" for k, v in value.items()
        )
    if isinstance(value, str) and found is not None and isinstance(found, models.DateField):
        try:
            return dt.date.fromisoformat(value[:10]).isoformat()
        except ValueError:
            return value
    return str(value)


def _label(model: type[models.Model] | None, key: str) -> str:
    named = getattr(model, "AUDIT_LABELS", {}).get(key)  # what a model's services record
    if named is not None:
        return str(named)
    found = _field(model, key)
    if found is not None:
        return str(found.verbose_name)
    nested = _nested_model(model, key)
    if nested is not None:
        return str(nested._meta.verbose_name)
    return key


def _changes(model: type[models.Model] | None, entry: AuditEntry, names: _Names) -> list[Change]:
    before = entry.before if isinstance(entry.before, dict) else {}
    after = entry.after if isinstance(entry.after, dict) else {}
    other = OTHER_TYPES.get(entry.object_type, ("", {}))[1]
    # The same order on every database (PostgreSQL's jsonb keeps no key order): the type's
    # own labels first, then the model's fields as declared, then the rest by name.
    known = [*other, *getattr(model, "AUDIT_LABELS", {})]
    if model is not None:
        known += [f.name for f in model._meta.get_fields()]
    rank = {key: i for i, key in reversed(list(enumerate(known)))}
    keys = sorted({*before, *after}, key=lambda key: (rank.get(key, len(rank)), key))
    return [
        Change(
            label=str(other[key]) if key in other else _label(model, key),
            before=_text(model, key, before[key], names) if key in before else "",
            after=_text(model, key, after[key], names) if key in after else "",
        )
        for key in keys
    ]


def audit_lines(entries: Iterable[AuditEntry]) -> list[AuditLine]:
    """``entries`` ready for a page: a query per model named (the objects, for their
    links) and per model their foreign keys point to."""
    entries = list(entries)
    objects: dict[type[models.Model], set[str]] = defaultdict(set)
    names = _Names()
    for entry in entries:
        model = model_of(entry.object_type)
        if model is not None and entry.object_id:
            objects[model].add(entry.object_id)
        for data in (entry.before, entry.after):
            _walk(model, data, names)
    linked: dict[type[models.Model], dict[str, str]] = {}
    for model, ids in objects.items():
        if not hasattr(model, "get_absolute_url"):
            continue
        keys = [int(i) for i in ids if i.isdigit()]
        linked[model] = {
            str(pk): row.get_absolute_url()  # type: ignore[attr-defined]
            for pk, row in model._default_manager.in_bulk(keys).items()
        }
    names.load()
    lines = []
    for entry in entries:
        model = model_of(entry.object_type)
        lines.append(
            AuditLine(
                entry=entry,
                action=action_label(entry.action),
                object_type=object_type_label(entry.object_type),
                url=linked.get(model, {}).get(entry.object_id, "") if model else "",
                changes=_changes(model, entry, names),
            )
        )
    return lines


def actions_matching(text: str, codes: Sequence[str]) -> list[str]:
    """The action codes among ``codes`` whose Chinese label contains ``text``."""
    return [code for code in codes if text in action_label(code)]
