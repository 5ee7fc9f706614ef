import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from kaohe.collection.rectification import rectifications_escalate


class Command(BaseCommand):
    help = (
        "Escalate the rectification tasks still open after their deadline (整改逾期督办); "
        "what Celery beat runs daily, for a site run from cron. Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", default=None, help="the day to check, YYYY-MM-DD")

    def handle(self, *args, **options):
        try:
            today = dt.date.fromisoformat(options["today"]) if options["today"] else None
        except ValueError as error:
            raise CommandError(f"--today: {error}") from error
        escalated = rectifications_escalate(today=today or timezone.localdate())
        self.stdout.write(f"escalated={len(escalated)}")
