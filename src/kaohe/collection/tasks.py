"""The collection app's periodic Celery task: the daily reminders (``CELERY_BEAT_SCHEDULE``
in settings runs it every morning; ``kaohe manage remind`` runs the same service)."""

from __future__ import annotations

from dataclasses import asdict

from django.utils import timezone

from kaohe.collection.reminders import reminders_send
from kaohe.config.celery import app


@app.task(name="kaohe.collection.tasks.reminders_send_daily")
def reminders_send_daily() -> dict[str, int]:
    """Today's reminders and late notices (idempotent: a second run sends nothing new)."""
    return asdict(reminders_send(today=timezone.localdate()))
