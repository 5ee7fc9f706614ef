"""gunicorn's settings for a production site::

    .venv/bin/gunicorn -c python:kaohe.config.gunicorn kaohe.config.wsgi

Behind a reverse proxy (nginx or the like) that buffers requests and answers: gunicorn's
synchronous workers serve one request at a time each, so a slow client would hold a
worker for the whole of its request, which the proxy prevents. ``bench/ballots.py``
measured them against the threaded worker (4 workers × 4 threads) on two cores: the same
sheets a second within the run-to-run noise (about 270–330), and a lower 95th percentile
(about 45–85 ms against 100–107). Each setting can be given on the command line too
(``--bind``, ``--workers``) or by the environment variables below.

- ``KAOHE_BIND``: the address to listen on (``127.0.0.1:8000``; the proxy's upstream).
- ``WEB_CONCURRENCY``: the number of workers (two per core and one: a worker waits for
  the database about half of its time).
- ``KAOHE_WORKER_TIMEOUT``: seconds before a silent worker is restarted (60; big exports
  and imports run as background jobs, not in a request).
- ``KAOHE_ACCESS_LOG``: a file (``-``: standard output) for gunicorn's own access log;
  none by default, the proxy keeps one.
"""

from __future__ import annotations

import os

bind = [os.environ.get("KAOHE_BIND", "127.0.0.1:8000")]
workers = int(os.environ.get("WEB_CONCURRENCY", "0")) or 2 * (os.cpu_count() or 1) + 1
worker_class = "sync"
threads = 1
timeout = int(os.environ.get("KAOHE_WORKER_TIMEOUT", "60"))
graceful_timeout = 30
backlog = 2048
# the application is loaded in each worker after the fork, so that no database connection
# or thread made while loading is shared between processes
preload_app = False
# no access log of its own (the proxy keeps one) unless asked: then lines without the
# query string and without cookies
accesslog = os.environ.get("KAOHE_ACCESS_LOG") or None
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)s'
