"""Template filters of the core app."""

from __future__ import annotations

from django import template

from kaohe.core.audit import action_label

register = template.Library()


@register.filter
def audit_action(code: str) -> str:
    return action_label(code)
