"""Every URL of the schemes app with every role (walked by ``core/tests/test_permissions``
and by ``test_permissions`` here). The objects:

- ``schemes_scheme``: the published 党建工作成效考核 scheme; ``schemes_draft_scheme``: a draft
- ``schemes_town``: a published 镇街 system (县委组织部, the scorer's unit, responsible)
- ``schemes_dept``: a published 县直部门 system (only 县纪委监委 responsible)
- ``schemes_draft``: a draft 县直学校 system (县委组织部 responsible)
- ``schemes_town_change``: a request by the scorer on the 镇街 system
- ``schemes_dept_change``: a request by a 县纪委监委 scorer on the 县直部门 system
"""

from __future__ import annotations

from typing import Any

#                                            anon admin scorer liaison outsider leader team committee
ROWS = [
    ("schemes:scheme_list", (),                              (302, 200, 200, 200, 200, 200, 200, 200)),
    ("schemes:scheme_create", (),                            (302, 200, 403, 403, 403, 403, 403, 403)),
    ("schemes:scheme_create_from_preset", (),                (302, 200, 403, 403, 403, 403, 403, 403)),
    ("schemes:scheme_detail", ("schemes_scheme",),           (302, 200, 200, 200, 200, 200, 200, 200)),
    ("schemes:scheme_detail", ("schemes_draft_scheme",),     (302, 200, 404, 404, 404, 404, 404, 404)),
    ("schemes:scheme_edit", ("schemes_draft_scheme",),       (302, 200, 403, 403, 403, 403, 403, 403)),
    ("schemes:scheme_edit_yaml", ("schemes_draft_scheme",),  (302, 200, 403, 403, 403, 403, 403, 403)),
    ("schemes:scheme_export", ("schemes_scheme",),           (302, 200, 200, 200, 200, 200, 200, 200)),
    ("schemes:scheme_export", ("schemes_draft_scheme",),     (302, 200, 404, 404, 404, 404, 404, 404)),
    ("schemes:scheme_form_row", (),                          (302, 404, 403, 403, 403, 403, 403, 403)),
    ("schemes:scheme_lock", ("schemes_scheme",),             (302, 200, 403, 403, 403, 403, 403, 403)),
    ("schemes:scheme_unlock", ("schemes_scheme",),           (302, 302, 403, 403, 403, 403, 403, 403)),
    ("schemes:system_list", (),                              (302, 200, 200, 200, 200, 200, 200, 200)),
    ("schemes:system_create", (),                            (302, 200, 403, 403, 403, 403, 403, 403)),
    ("schemes:system_template", (),                          (302, 200, 403, 403, 403, 403, 403, 403)),
    ("schemes:system_detail", ("schemes_town",),             (302, 200, 200, 200, 200, 200, 200, 200)),
    ("schemes:system_detail", ("schemes_dept",),             (302, 200, 404, 404, 404, 200, 200, 200)),
    ("schemes:system_detail", ("schemes_draft",),            (302, 200, 200, 404, 404, 404, 404, 404)),
    ("schemes:system_edit", ("schemes_draft",),              (302, 200, 403, 403, 403, 403, 403, 403)),
    ("schemes:system_export", ("schemes_dept",),             (302, 200, 404, 404, 404, 200, 200, 200)),
    ("schemes:system_import", ("schemes_draft",),            (302, 200, 403, 403, 403, 403, 403, 403)),
    ("schemes:system_diff", ("schemes_dept",),               (302, 200, 404, 404, 404, 200, 200, 200)),
    ("schemes:indicator_create", ("schemes_draft",),         (302, 200, 403, 403, 403, 403, 403, 403)),
    ("schemes:indicator_edit", ("schemes_draft_indicator",), (302, 200, 403, 403, 403, 403, 403, 403)),
    ("schemes:change_create", ("schemes_town",),             (302, 200, 200, 403, 403, 403, 403, 403)),
    ("schemes:change_create", ("schemes_dept",),             (302, 200, 404, 403, 403, 403, 403, 403)),
    ("schemes:change_list", (),                              (302, 200, 200, 403, 403, 403, 403, 200)),
    ("schemes:change_detail", ("schemes_town_change",),      (302, 200, 200, 403, 403, 403, 403, 200)),
    ("schemes:change_detail", ("schemes_dept_change",),      (302, 200, 404, 403, 403, 403, 403, 200)),
]  # fmt: skip
POST_ONLY = {
    "schemes:scheme_status",
    "schemes:system_status",
    "schemes:indicator_delete",
    "schemes:change_decide",
}


def objects(cast: Any) -> dict[str, Any]:
    from kaohe.core.roles import Role
    from kaohe.core.services import user_create
    from kaohe.orgs.models import UnitCategory
    from kaohe.schemes import services
    from kaohe.schemes.tests import factories

    schemes = factories.party_schemes(factories.year_2024())
    scheme = services.scheme_set_status(actor=None, scheme=schemes["party"], status="published")
    discipline = factories.discipline_unit(cast)
    town = factories.system(
        scheme, cast.town_category, responsible=cast.responsible_unit, publish=True
    )
    dept = factories.system(scheme, cast.dept_category, responsible=discipline, publish=True)
    draft = factories.system(
        scheme,
        UnitCategory.objects.get(name="县直学校"),
        responsible=cast.responsible_unit,
        publish=False,
    )
    rename = [{"op": "update", "code": "1.1", "fields": {"name": "中心组学习"}}]
    town_change = services.change_request_create(
        actor=cast.scorer, system=town, reason="调整名称", changes=rename
    )
    other_scorer = user_create(
        actor=None, username="jiwei-scorer", password="x", role=Role.SCORER, unit=discipline,
        validate=False,
    )  # fmt: skip
    dept_change = services.change_request_create(
        actor=other_scorer, system=dept, reason="调整名称", changes=rename
    )
    return {
        "schemes_scheme": scheme,
        "schemes_draft_scheme": schemes["review"],
        "schemes_town": town,
        "schemes_dept": dept,
        "schemes_draft": draft,
        "schemes_draft_indicator": draft.indicators.get(code="1.1"),
        "schemes_town_change": town_change,
        "schemes_dept_change": dept_change,
    }
