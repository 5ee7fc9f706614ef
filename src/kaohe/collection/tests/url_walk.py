"""Every URL of the collection app with every role (walked by ``core/tests/test_permissions``).
Each area adds its rows here and its objects in ``objects``. The objects:

- ``collection_evidence_a``: an evidence file of 青山镇 (the liaison's unit)
"""

from __future__ import annotations

from typing import Any

#                                                        anon admin scorer liaison outsider leader team committee
ROWS = [
    ("collection:attachment_download", ("collection_evidence_a",), (302, 200, 200, 200, 404, 200, 200, 200)),
]  # fmt: skip


def objects(cast: Any) -> dict[str, Any]:
    from kaohe.collection.evidence import attachment_save
    from kaohe.collection.models import OwnerType

    evidence = attachment_save(
        actor=None, unit=cast.unit_a, owner_type=OwnerType.REPORT, owner_id=1,
        upload=b"%PDF-1.4\n%test\n", name="材料.pdf",
    )  # fmt: skip
    return {"collection_evidence_a": evidence}
