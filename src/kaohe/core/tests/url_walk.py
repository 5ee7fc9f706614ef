"""The core URLs added after the foundation's table (``test_permissions`` walks these too):
the office manages users; background jobs. ``core_user`` is the cast's liaison,
``core_job`` a job the office admin submitted (only its submitter and the office see it),
``core_rejected`` a workbook an import refused the office admin (only its owner gets it)."""

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
    ("core:rejected_download", ("core_rejected",), (302, 200, 404, 404, 404, 404, 404, 404)),
]  # fmt: skip


def objects(cast: Any) -> dict[str, Any]:
    from kaohe.core.models import RejectedUpload
    from kaohe.core.services import job_submit, rejected_upload_keep
    from kaohe.core.xlsx import ImportFailed, RowError
    from kaohe.orgs.apps import UNITS_IMPORT

    job = job_submit(actor=cast.admin, kind=UNITS_IMPORT, file=b"x")  # never committed
    failure = ImportFailed([RowError(2, "A", "单位编码", "不能为空")], sheet="单位")
    kept = rejected_upload_keep(owner=cast.admin, file_name="单位.xlsx", data=b"x", failure=failure)
    assert kept is not None
    rejected = RejectedUpload.objects.get(pk=kept)
    return {"core_user": cast.liaison, "core_job": job, "core_rejected": rejected}
