"""Reads of the core app: which audit entries a user may see."""

from __future__ import annotations

from django.db.models import QuerySet

from kaohe.core.models import AuditEntry, User
from kaohe.core.roles import Action, can


def audit_entries_for_user(user: object) -> QuerySet[AuditEntry]:
    if not can(user, Action.AUDIT_VIEW):
        return AuditEntry.objects.none()
    return AuditEntry.objects.select_related("actor")


def users_for_user(user: object) -> QuerySet[User]:
    if not can(user, Action.USER_MANAGE):
        return User.objects.none()
    return User.objects.select_related("unit").order_by("username")
