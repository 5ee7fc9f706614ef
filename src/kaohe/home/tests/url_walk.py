"""The home page in the permission walk (``core/tests/test_permissions.py``): every role
has one; anyone else is sent to the login page."""

from __future__ import annotations

from typing import Any

#                                          anon admin scorer liaison outsider leader team committee
ROWS = [
    ("home:index", (),                        (302, 200, 200, 200, 200, 200, 200, 200)),
]  # fmt: skip


def objects(cast: Any) -> dict[str, Any]:
    return {}
