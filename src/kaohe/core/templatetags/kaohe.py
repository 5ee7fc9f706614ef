"""Template filters of the core app."""

from __future__ import annotations

import json

from django import template

from kaohe.core.audit import action_label

register = template.Library()


@register.filter
def as_json(value: object) -> str:
    """A JSON value as readable JSON (Chinese kept as it is)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(", ", ": "))


@register.filter
def audit_action(code: str) -> str:
    return action_label(code)
