"""Reminders and late notices: every active user's to-dos (``todos_for``) become in-app
notices and e-mails, each at most once.

``reminders_send`` runs daily (the Celery beat schedule in settings, or ``kaohe manage
remind``). For each to-do with a deadline it sends a reminder ``REMINDER_DAYS_BEFORE`` days
before it (or later, as long as it is not yet late), and a late notice once it is late.
A notice's ``key`` (``remind:<to-do key>``, ``late:<to-do key>``) is unique per user, so a
second run on the same day, or two runs at once, send nothing twice. The e-mail copy goes
out after the notices are committed, one mail per user listing their new notices; a notice
records when it was mailed, and a mail that failed is tried again on the next run (for a
week).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kaohe.collection.models import Notice
from kaohe.collection.todos import Todo, TodoState, todos_for
from kaohe.core.audit import audit_record

logger = logging.getLogger(__name__)

MAIL_RETRY_DAYS = 7
KEY_LENGTH = Notice._meta.get_field("key").max_length or 200


@dataclass(frozen=True)
class ReminderSummary:
    notices: int
    emails: int
    users: int


def notice_key(prefix: str, todo_key: str) -> str:
    """``prefix:todo_key``, or its digest when that is longer than the column."""
    key = f"{prefix}:{todo_key}"
    if len(key) <= KEY_LENGTH:
        return key
    return f"{prefix}:sha256:{hashlib.sha256(todo_key.encode()).hexdigest()}"


def _notice_for(todo: Todo, today: dt.date, days_before: int) -> tuple[str, str, str] | None:
    """(key, title, body) of the notice this to-do calls for today, or None."""
    due = todo.due.isoformat() if todo.due else ""
    if todo.state == TodoState.LATE:
        title = _("已逾期：%(title)s") % {"title": todo.title}
        body = _("截止日期 %(due)s 已过，请尽快办理。") % {"due": due} if due else ""
        return notice_key("late", todo.key), title, " ".join(filter(None, (body, todo.detail)))
    if todo.state in (TodoState.DUE, TodoState.RETURNED) and todo.due is not None:
        left = (todo.due - today).days
        if 0 <= left <= days_before:
            title = _("待办提醒：%(title)s") % {"title": todo.title}
            body = (
                _("今天截止（%(due)s）。") % {"due": due}
                if left == 0
                else ngettext(
                    "还有 %(days)d 天截止（%(due)s）。", "还有 %(days)d 天截止（%(due)s）。", left
                )
                % {"days": left, "due": due}
            )
            return (
                notice_key("remind", todo.key),
                title,
                " ".join(filter(None, (body, todo.detail))),
            )
    return None


def _recipients() -> QuerySet[Any]:
    return get_user_model().objects.filter(is_active=True).exclude(role="").order_by("pk")


@transaction.atomic
def _notices_create(*, today: dt.date, days_before: int) -> tuple[int, int]:
    """Every user's due notices, in one transaction with one audit row; (notices, users)."""
    now = timezone.now()
    created_total, users = 0, 0
    for user in _recipients():
        wanted: dict[str, Notice] = {}
        for todo in todos_for(user, today):
            found = _notice_for(todo, today, days_before)
            if found is None:
                continue
            key, title, body = found
            wanted.setdefault(
                key,
                Notice(user=user, key=key, title=title[:200], body=body, url=todo.url[:500],
                       created_at=now),
            )  # fmt: skip
        if not wanted:
            continue
        known = set(Notice.objects.filter(user=user, key__in=wanted).values_list("key", flat=True))
        new = [notice for key, notice in wanted.items() if key not in known]
        if new:
            # A run at the same moment may have written some: the unique key skips them.
            Notice.objects.bulk_create(new, ignore_conflicts=True)
            created_total += len(new)
            users += 1
    if created_total:
        audit_record(
            actor=None,
            action="notice.send",
            object_type="collection.notice",
            object_repr=_("%(date)s 的待办提醒") % {"date": today.isoformat()},
            after={"date": today, "notices": created_total, "users": users},
        )
    return created_total, users


def _site_link(url: str) -> str:
    base = (getattr(settings, "SITE_URL", "") or "").rstrip("/")
    return f"{base}{url}" if base and url.startswith("/") else url


def _mail_user(user: Any) -> bool:
    """Mail the user's notices not mailed yet (recent ones); True when a mail went out."""
    if not user.email:
        return False
    since = timezone.now() - dt.timedelta(days=MAIL_RETRY_DAYS)
    with transaction.atomic():
        # Locked: a second run waits, then finds them mailed.
        pending = list(
            Notice.objects.select_for_update()
            .filter(user=user, emailed_at__isnull=True, created_at__gte=since)
            .order_by("created_at", "pk")
        )
        if not pending:
            return False
        subject = ngettext(
            "考核管理系统：%(count)d 条待办提醒", "考核管理系统：%(count)d 条待办提醒", len(pending)
        ) % {"count": len(pending)}
        lines = [_("%(name)s，您好：") % {"name": user}, ""]
        for notice in pending:
            lines.append(f"· {notice.title}")
            if notice.body:
                lines.append(f"  {notice.body}")
            if notice.url:
                lines.append(f"  {_site_link(notice.url)}")
        lines += ["", _("请登录考核管理系统办理。此邮件由系统自动发送，请勿回复。")]
        try:
            send_mail(subject, "\n".join(lines), None, [user.email])
        except Exception:  # the notices stay unmailed: the next run tries again
            logger.exception("reminder mail to user %s failed", user.pk)
            return False
        Notice.objects.filter(pk__in=[n.pk for n in pending]).update(emailed_at=timezone.now())
    return True


def reminders_send(*, today: dt.date, days_before: int | None = None) -> ReminderSummary:
    """Send every active user the reminders and late notices their to-dos call for today,
    in the app and by e-mail, each once (see the module's note)."""
    days = settings.REMINDER_DAYS_BEFORE if days_before is None else days_before
    with translation.override(settings.LANGUAGE_CODE):
        notices, users = _notices_create(today=today, days_before=days)
        emails = sum(_mail_user(user) for user in _recipients().exclude(email=""))
    return ReminderSummary(notices=notices, emails=emails, users=users)


@transaction.atomic
def notices_mark_read(*, user: Any, notices: QuerySet[Notice]) -> int:
    """Mark the given notices of ``user`` read; the number marked. Not audited: reading
    one's own notice changes nothing anyone else relies on (the audit log keeps the sending)."""
    return notices.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
