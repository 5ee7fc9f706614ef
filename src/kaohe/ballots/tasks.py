"""The ballots app's periodic Celery task: live democratic evaluations closed at their
closing time (``CELERY_BEAT_SCHEDULE`` in settings runs it every few minutes)."""

from __future__ import annotations

from kaohe.ballots.evaluation_office_services import sessions_close_due
from kaohe.config.celery import app


@app.task(name="kaohe.ballots.tasks.sessions_close_due")
def sessions_close_due_task() -> int:
    """Close the live sessions past their closing time (idempotent); returns how many."""
    return len(sessions_close_due())
