"""WSGI entry point: ``gunicorn kaohe.config.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaohe.config.settings")

application = get_wsgi_application()
