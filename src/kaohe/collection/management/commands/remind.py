"""``kaohe manage remind [--date YYYY-MM-DD]``: send today's reminders and late notices
(what the daily Celery beat task does; safe to run again: nothing is sent twice)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from kaohe.collection.reminders import reminders_send


class Command(BaseCommand):
    help = "Send the reminders before deadlines and the late notices (in the app and by e-mail)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="the day to remind for (default: today)")
        parser.add_argument("--days", type=int, help="days before a deadline (default: setting)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            today = dt.date.fromisoformat(options["date"]) if options["date"] else None
        except ValueError:
            raise CommandError(f"not a date: {options['date']!r} (YYYY-MM-DD)") from None
        summary = reminders_send(today=today or timezone.localdate(), days_before=options["days"])
        self.stdout.write(
            f"notices={summary.notices} users={summary.users} emails={summary.emails}"
        )
