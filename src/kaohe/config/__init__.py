"""Django project configuration: settings from the environment, urls, wsgi, the Celery app."""
