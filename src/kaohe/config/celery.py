"""The Celery app. Without ``CELERY_BROKER_URL`` tasks run eagerly in the calling process
(the demo and the tests need no broker); production points it at Redis."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaohe.config.settings")

app = Celery("kaohe")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
