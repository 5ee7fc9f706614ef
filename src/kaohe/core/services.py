"""Write services of the core app: users, login throttling and background jobs."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.core.audit import apply_changes, audit_record, snapshot
from kaohe.core.errors import field_error
from kaohe.core.models import JOB_TRANSITIONS, Job, JobStatus, LoginThrottle, RejectedUpload, User
from kaohe.core.registry import JobKind, job_kind
from kaohe.core.roles import CADRE_BOUND_ROLES, UNIT_BOUND_ROLES, Role
from kaohe.core.workflow import Workflow

USER_FIELDS = ("username", "display_name", "role", "unit", "cadre", "is_active")


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    password: str,
    role: Role,
    unit: Any = None,  # a kaohe.orgs Unit or None (core imports no domain app)
    cadre: Any = None,  # a kaohe.orgs Cadre, for a cadre-bound role
    display_name: str = "",
    validate: bool = True,
) -> User:
    if role in UNIT_BOUND_ROLES and unit is None:
        raise field_error("unit", _("该角色必须指定所属单位"), "unit_required")
    if role not in UNIT_BOUND_ROLES:
        unit = None
    if role in CADRE_BOUND_ROLES and cadre is None:
        raise field_error("cadre", _("该角色必须指定对应的干部"), "cadre_required")
    if role not in CADRE_BOUND_ROLES:
        cadre = None
    user = User(username=username, role=role, unit=unit, cadre=cadre, display_name=display_name)
    if validate:
        validate_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    audit_record(actor=actor, action="user.create", obj=user, after=snapshot(user, USER_FIELDS))
    return user


@transaction.atomic
def user_update(*, actor: User | None, user: User, **changes: Any) -> User:
    """Change a user's name, role, unit, cadre or whether they may log in (``is_active``)."""
    role = changes.get("role", user.role)
    if "role" in changes or "unit" in changes:
        unit = changes.get("unit", user.unit)
        if role in UNIT_BOUND_ROLES and unit is None:
            raise field_error("unit", _("该角色必须指定所属单位"), "unit_required")
        if role not in UNIT_BOUND_ROLES:
            changes["unit"] = None
    if "role" in changes or "cadre" in changes:
        cadre = changes.get("cadre", user.cadre)
        if role in CADRE_BOUND_ROLES and cadre is None:
            raise field_error("cadre", _("该角色必须指定对应的干部"), "cadre_required")
        if role not in CADRE_BOUND_ROLES:
            changes["cadre"] = None
    if actor is not None and user.pk == actor.pk and changes.get("is_active") is False:
        raise field_error("is_active", _("不能停用自己的账号"), "self_deactivate")
    changed, before, after = apply_changes(user, changes, USER_FIELDS[1:])
    if changed:
        user.save(update_fields=changed)
        audit_record(actor=actor, action="user.update", obj=user, before=before, after=after)
    return user


@transaction.atomic
def user_password_reset(*, actor: User | None, user: User, password: str) -> User:
    """Set a new password (checked by the password rules); the audit row holds no secret."""
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    LoginThrottle.objects.filter(username=user.username.lower()).delete()
    audit_record(actor=actor, action="user.password_reset", obj=user)
    return user


def _lock_period() -> dt.timedelta:
    return dt.timedelta(minutes=settings.LOGIN_LOCK_MINUTES)


# How failed logins are limited (LOGIN_* settings):
# - per (address, username): LOGIN_MAX_FAILURES failures in a row lock that username for
#   LOGIN_LOCK_MINUTES, at that address only. A stranger who guesses at the office admin's
#   password locks only himself out; the admin still logs in from the office. A success
#   from the address clears its count for the username.
# - per address (the row with an empty username): LOGIN_MAX_ADDRESS_FAILURES failures
#   within LOGIN_LOCK_MINUTES of each other lock every username at that address: one
#   address cannot try many usernames or passwords. A success does not clear it (a user
#   with an account could otherwise guess at others' between two logins of his own); a
#   quiet spell as long as the lock starts a fresh count, so a shared office address that
#   mistypes now and then is never locked.
# - Guessing from many addresses is bounded by the password rules (kaohe.core.passwords).
# Only a lock is audited (login.lock, login.lock_address), not each failure: the audit
# log is not a place where anyone may write by mistyping. Usernames the login form refuses
# (too long, control characters) never reach these rows: no password was tried.


def login_locked_until(*, address: str, username: str) -> dt.datetime | None:
    """Until when logging in as ``username`` from ``address`` is locked (the later of the
    pair's and the address's locks), or None. (A read, kept beside the writes.)"""
    locks = LoginThrottle.objects.filter(
        address=address, username__in={username.lower(), ""}, locked_until__gt=timezone.now()
    ).values_list("locked_until", flat=True)
    return max((until for until in locks if until is not None), default=None)


def _count_failure(
    *, address: str, username: str, limit: int, window: dt.timedelta | None, now: dt.datetime
) -> LoginThrottle | None:
    """Add one failure to the (address, username) row; the row when it locks now."""
    row, _created = LoginThrottle.objects.select_for_update().get_or_create(
        address=address, username=username
    )
    expired = row.locked_until is not None and row.locked_until <= now
    quiet = (
        window is not None
        and row.last_failure_at is not None
        and now - row.last_failure_at > window
        and row.locked_until is None
    )
    if expired or quiet:  # a lock that has run out, or an old count, starts afresh
        row.failures, row.locked_until = 0, None
    row.failures += 1
    row.last_failure_at = now
    locks = row.failures >= limit and row.locked_until is None
    if locks:
        row.locked_until = now + _lock_period()
    row.save(update_fields=["failures", "last_failure_at", "locked_until"])
    return row if locks else None


@transaction.atomic
def login_failure_record(*, address: str, username: str) -> dt.datetime | None:
    """Count one failed login (a password tried for ``username`` from ``address``) for the
    pair and for the address; audit a lock when one starts. Returns until when this login
    is now locked, or None."""
    now = timezone.now()
    username = username.lower()
    pair = _count_failure(
        address=address, username=username, limit=settings.LOGIN_MAX_FAILURES, window=None,
        now=now,
    )  # fmt: skip
    whole = _count_failure(
        address=address, username="", limit=settings.LOGIN_MAX_ADDRESS_FAILURES,
        window=_lock_period(), now=now,
    )  # fmt: skip
    if pair is not None:
        _login_lock_audit(pair, action="login.lock", shown=username)
    if whole is not None:
        _login_lock_audit(whole, action="login.lock_address", shown=address)
    return login_locked_until(address=address, username=username)


def _login_lock_audit(row: LoginThrottle, *, action: str, shown: str) -> None:
    audit_record(
        actor=None,
        action=action,
        object_type="core.user" if row.username else "address",
        object_repr=shown,
        after={"address": row.address, "failures": row.failures, "locked_until": row.locked_until},
    )


@transaction.atomic
def login_success_record(*, user: User, address: str) -> None:
    """Log a success; it clears the failures of this username at this address only."""
    LoginThrottle.objects.filter(address=address, username=user.username.lower()).delete()
    audit_record(actor=user, action="login.success", obj=user)


@transaction.atomic
def logout_record(*, user: User) -> None:
    audit_record(actor=user, action="logout", obj=user)


@transaction.atomic
def job_submit(*, actor: User, kind: JobKind | str, file: bytes, file_name: str = "") -> Job:
    """Keep the job and its file, and hand it to the queue once they are committed (in
    eager mode the job runs right then, in this process). ``kind``: a registered kind
    (``LookupError`` for any other)."""
    from kaohe.core.tasks import job_enqueue

    kind = job_kind(str(kind)).key
    job = Job.objects.create(
        kind=kind,
        submitted_by=actor,
        unit=actor.unit,
        file=file,
        file_name=file_name[:200],
        created_at=timezone.now(),
    )
    audit_record(actor=actor, action="job.submit", obj=job, after={"kind": kind, "file": file_name})
    transaction.on_commit(lambda: job_enqueue(job.pk))
    return job


JOB_WORKFLOW = Workflow(JOB_TRANSITIONS, states=JobStatus, action="job.status")


@transaction.atomic
def job_set_status(*, job: Job, status: JobStatus, result: dict[str, Any] | None = None) -> Job:
    """Move a job along ``JOB_TRANSITIONS`` (refusing the rest); an ended job keeps its
    ``result`` and drops its file."""
    JOB_WORKFLOW.check(job.status, status)
    if status == JobStatus.RUNNING:
        job.started_at = timezone.now()
        fields = ["started_at"]
    else:
        job.finished_at, job.file, job.result = timezone.now(), None, result or {}
        fields = ["finished_at", "file", "result"]
    JOB_WORKFLOW.move(job, status, actor=None, fields=fields)
    return job


REJECTED_KEPT = 5  # refused workbooks kept per user


@transaction.atomic
def rejected_upload_keep(*, owner: User, file_name: str, data: bytes, failure: Any) -> int | None:
    """Keep a workbook an import refused (``failure``: its ``ImportFailed``) for its
    owner to download with the bad cells marked; the owner's older ones are dropped.
    Not audited: it changes nothing of the register. None when no error names a row."""
    if not failure.has_cells:
        return None
    row = RejectedUpload.objects.create(
        owner=owner,
        file_name=file_name[:200],
        sheet=failure.sheet[:60],
        file=bytes(data),
        errors=[asdict(error) for error in failure.errors],
        created_at=timezone.now(),
    )
    older = RejectedUpload.objects.filter(owner=owner).values_list("pk", flat=True)[REJECTED_KEPT:]
    RejectedUpload.objects.filter(pk__in=list(older)).delete()
    return row.pk
