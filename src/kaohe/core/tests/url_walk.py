"""The core URLs added after the foundation's table (``test_permissions`` walks these too):
the office manages users; background jobs. ``core_user`` is the cast's liaison,
``core_job`` a job the office admin submitted (only its submitter and the office see it)."""

from __future__ import annotations

from typing import Any

#                                          anon admin scorer liaison outsider leader team committee
ROWS = [
    ("core:user_list", (),                    (302, 200, 403, 403, 403, 403, 403, 403)),
    ("core:user_create", (),                  (302, 200, 403, 403, 403, 403, 403, 403)),
    ("core:user_edit", ("core_user",),        (302, 200, 403, 403, 403, 403, 403, 403)),
    ("core:user_password", ("core_user",),    (302, 200, 403, 403, 403, 403, 403, 403)),
    ("core:job_list", (),                     (302, 200, 200, 200, 200, 200, 200, 200)),
    ("core:job_detail", ("core_job",),        (302, 200, 404, 404, 404, 404, 404, 404)),
]  # fmt: skip


def objects(cast: Any) -> dict[str, Any]:
    from kaohe.core.services import job_submit
    from kaohe.orgs.apps import UNITS_IMPORT

    job = job_submit(actor=cast.admin, kind=UNITS_IMPORT, file=b"x")  # never committed
    return {"core_user": cast.liaison, "core_job": job}
