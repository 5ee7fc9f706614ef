"""Status pipelines as data (Oscar's order pipeline): a table of the allowed moves and one
``move`` that refuses the rest, saves the new status and writes the move's audit row.

A service checks what its move needs (a valid tree before publishing, a note before a
rejection), sets the other fields the move changes, and calls ``move`` inside its
transaction. A move may carry a written reason, kept in the audit row; the moves listed in
``reason_required`` (unlocking a locked scheme) are refused without one.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from kaohe.core.audit import audit_record
from kaohe.core.errors import field_error


class TransitionRefused(ValidationError):
    """A move the table does not allow; the message names both statuses as users know them."""

    def __init__(self, message: str, *, code: str, current: str, wanted: str) -> None:
        super().__init__(message, code=code)
        self.current, self.wanted = current, wanted


@dataclass(frozen=True)
class Workflow:
    """``transitions``: the allowed (from, to) pairs, e.g. a dict (from, to) → the label of
    the button that makes the move; ``states``: the status choices; ``action``: the audit
    action of a move, or one per status moved to; ``code``: the refusal's error code (tests
    assert on it); ``reason_required``: the moves that need a written reason (refused
    without one, on the form's ``reason`` field, with ``reason_code``)."""

    transitions: Collection[tuple[str, str]]
    states: type[models.TextChoices]
    action: str | Mapping[str, str]
    code: str = "transition"
    field: str = "status"
    reason_required: Collection[tuple[str, str]] = frozenset()
    reason_code: str = "reason_required"

    def allows(self, current: str, wanted: str) -> bool:
        return (current, wanted) in self.transitions

    def check(self, current: str, wanted: str, *, reason: str = "") -> None:
        """Refuse a move the table does not allow, or one that needs a reason and has none
        (services call it before their own checks)."""
        if not self.allows(current, wanted):
            names = dict(self.states.choices)
            message = _("不能从「%(current)s」改为「%(wanted)s」") % {
                "current": names.get(current, current),
                "wanted": names.get(wanted, wanted),
            }
            raise TransitionRefused(message, code=self.code, current=current, wanted=wanted)
        if (current, wanted) in self.reason_required and not reason.strip():
            raise field_error("reason", _("请填写理由"), self.reason_code)

    def move(
        self,
        obj: models.Model,
        wanted: str,
        *,
        actor: Any,
        fields: Sequence[str] = (),
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
        reason: str = "",
    ) -> models.Model:
        """Move ``obj`` to ``wanted`` and save the status with ``fields`` (set by the caller);
        audit the move with the statuses, ``before``/``after`` and the ``reason`` (if any)."""
        current = getattr(obj, self.field)
        self.check(current, wanted, reason=reason)
        setattr(obj, self.field, wanted)
        obj.save(update_fields=[self.field, *fields])
        audit_after = {self.field: wanted, **(after or {})}
        if reason.strip():
            audit_after["reason"] = reason.strip()
        audit_record(
            actor=actor,
            action=self.action if isinstance(self.action, str) else self.action[wanted],
            obj=obj,
            before={self.field: current, **(before or {})},
            after=audit_after,
        )
        return obj
