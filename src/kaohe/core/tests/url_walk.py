"""The core URLs added after the foundation's table (``test_permissions`` walks these too):
the office manages users. ``core_user`` is the cast's liaison."""

from __future__ import annotations

from typing import Any

#                                          anon admin scorer liaison outsider leader team committee
ROWS = [
    ("core:user_list", (),                    (302, 200, 403, 403, 403, 403, 403, 403)),
    ("core:user_create", (),                  (302, 200, 403, 403, 403, 403, 403, 403)),
    ("core:user_edit", ("core_user",),        (302, 200, 403, 403, 403, 403, 403, 403)),
    ("core:user_password", ("core_user",),    (302, 200, 403, 403, 403, 403, 403, 403)),
]  # fmt: skip


def objects(cast: Any) -> dict[str, Any]:
    return {"core_user": cast.liaison}
