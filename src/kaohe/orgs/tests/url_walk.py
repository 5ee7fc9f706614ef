"""The orgs URLs added after the foundation's table (``core/tests/test_permissions.py``
walks these rows too): Excel, leadership teams, years, ending a posting or secondment.

- ``orgs_secondment``: a current secondment of the cast's cadre of unit A
"""

from __future__ import annotations

from typing import Any

#                                              anon admin scorer liaison outsider leader team committee
ROWS = [
    ("orgs:workbook_import", (),                  (302, 200, 403, 403, 403, 403, 403, 403)),
    ("orgs:workbook_template", (),                (302, 200, 403, 403, 403, 403, 403, 403)),
    ("orgs:workbook_export", (),                  (302, 200, 200, 200, 200, 200, 200, 200)),
]  # fmt: skip
POST_ONLY: set[str] = set()


def objects(cast: Any) -> dict[str, Any]:
    return {}
