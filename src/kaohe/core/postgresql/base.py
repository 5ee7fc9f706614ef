"""Django's PostgreSQL backend, whose health check pings only a connection that has been
idle a while (``ENGINE = "kaohe.core.postgresql"``, set by ``config.env``).

Django's ``CONN_HEALTH_CHECKS`` sends ``SELECT 1`` before the first query of every request
on a persistent connection: a round trip per request, a tenth of a ballot's cost under
load (``bench/ballots.py``). A connection that ran a query less than
``HEALTH_CHECK_IDLE_SECONDS`` ago is taken as alive without one; one idle longer (after a
night, or a restart of PostgreSQL, which closes every connection) is pinged and replaced
when dead, as before. A connection that breaks in that second fails its query, and
Django closes it at the end of the request (``close_if_unusable_or_obsolete``), as it
would without health checks.
"""

from __future__ import annotations

import time
from typing import Any

from django.db.backends.postgresql import base

HEALTH_CHECK_IDLE_SECONDS = 1.0


# (django-stubs type neither ``health_check_done`` nor ``_cursor``: hence the ignores)
class DatabaseWrapper(base.DatabaseWrapper):
    _used_at: float = float("-inf")  # when this connection last gave a cursor

    def close_if_health_check_failed(self) -> None:
        if (
            self.connection is not None
            and not self.health_check_done  # type: ignore[has-type]
            and time.monotonic() - self._used_at < HEALTH_CHECK_IDLE_SECONDS
        ):
            self.health_check_done = True  # used just now: alive, no ping
            return
        super().close_if_health_check_failed()

    def connect(self) -> None:
        super().connect()
        self._used_at = float("-inf")  # a new connection is checked as Django would

    def _cursor(self, name: Any = None) -> Any:
        cursor = super()._cursor(name)  # type: ignore[misc]
        self._used_at = time.monotonic()
        return cursor
