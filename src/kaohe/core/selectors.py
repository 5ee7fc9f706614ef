"""Reads of the core app: which audit entries, users and background jobs a user may see."""

from __future__ import annotations

from typing import Any, cast

from django.db.models import QuerySet

from kaohe.core.models import AuditEntry, Job, User
from kaohe.core.roles import Action, Role, can, role_of


def audit_entries_for_user(user: object) -> QuerySet[AuditEntry]:
    if not can(user, Action.AUDIT_VIEW):
        return AuditEntry.objects.none()
    return AuditEntry.objects.select_related("actor")


def users_for_user(user: object) -> QuerySet[User]:
    if not can(user, Action.USER_MANAGE):
        return User.objects.none()
    return User.objects.select_related("unit").order_by("username")


def unit_choices_for_user(user: object) -> QuerySet[Any]:
    """The units the office may bind an account to: every unit (read through the user's
    foreign key, so that core imports no domain app)."""
    units = User._meta.get_field("unit").related_model._default_manager
    return units.all() if can(user, Action.USER_MANAGE) else units.none()


def cadre_choices_for_user(user: object) -> QuerySet[Any]:
    """The cadres the office may bind a cadre's account to (read through the user's
    foreign key, so that core imports no domain app)."""
    cadres = User._meta.get_field("cadre").related_model._default_manager
    return cadres.all() if can(user, Action.USER_MANAGE) else cadres.none()


def jobs_for_user(user: object) -> QuerySet[Job]:
    """The office admin sees every job, anyone else the jobs they submitted (never the
    file, which only the worker reads)."""
    role = role_of(user)
    if role is None:
        return Job.objects.none()
    jobs = Job.objects.defer("file").select_related("submitted_by", "unit")
    # a role means a signed-in, active User
    return jobs if role == Role.OFFICE_ADMIN else jobs.filter(submitted_by=cast(User, user))
