"""Every URL of the API with every role, logged in with a session as the walk does
(a token gives the same answers: ``test_api``). Anonymous: 401 from the JSON endpoints,
the login page from the token pages and the documentation; the schema is a 401 too.

The objects: ``api_secondment``, ``api_village`` and ``api_investigation``, a secondment, a
village-team stint and an investigation of ``cadre_a`` (青山镇: the outsider gets 404)."""

from __future__ import annotations

from typing import Any

#                                                         anon admin scorer liaison outsider leader team committee
ROWS = [
    ("api:docs", (),                                         (302, 200, 200, 200, 200, 200, 200, 200)),
    ("api:schema", (),                                       (401, 200, 200, 200, 200, 200, 200, 200)),
    ("api:token_list", (),                                   (302, 200, 403, 403, 403, 403, 403, 403)),
    ("api:year-list", (),                                    (401, 200, 200, 200, 200, 200, 200, 200)),
    ("api:year-detail", ("orgs_year",),                      (401, 200, 200, 200, 200, 200, 200, 200)),
    ("api:category-list", (),                                (401, 200, 403, 403, 403, 403, 403, 403)),
    ("api:category-detail", ("town_category",),              (401, 200, 403, 403, 403, 403, 403, 403)),
    ("api:unit-list", (),                                    (401, 200, 200, 200, 200, 200, 200, 200)),
    ("api:unit-detail", ("unit_a",),                         (401, 200, 200, 200, 404, 200, 200, 200)),
    ("api:team-list", (),                                    (401, 200, 200, 200, 200, 200, 200, 200)),
    ("api:team-detail", ("orgs_team_a",),                    (401, 200, 200, 200, 404, 200, 200, 200)),
    ("api:cadre-list", (),                                   (401, 200, 403, 200, 200, 200, 200, 200)),
    ("api:cadre-detail", ("cadre_a",),                       (401, 200, 403, 200, 404, 200, 200, 200)),
    ("api:secondment-list", (),                              (401, 200, 403, 200, 200, 200, 200, 200)),
    ("api:secondment-detail", ("api_secondment",),           (401, 200, 403, 200, 404, 200, 200, 200)),
    ("api:village-assignment-list", (),                      (401, 200, 403, 200, 200, 200, 200, 200)),
    ("api:village-assignment-detail", ("api_village",),      (401, 200, 403, 200, 404, 200, 200, 200)),
    ("api:investigation-list", (),                           (401, 200, 403, 200, 200, 200, 200, 200)),
    ("api:investigation-detail", ("api_investigation",),     (401, 200, 403, 200, 404, 200, 200, 200)),
    ("api:scheme-list", (),                                  (401, 200, 200, 200, 200, 200, 200, 200)),
    ("api:scheme-detail", ("schemes_scheme",),               (401, 200, 200, 200, 200, 200, 200, 200)),
    ("api:scheme-detail", ("schemes_draft_scheme",),         (401, 200, 404, 404, 404, 404, 404, 404)),
    ("api:indicator-system-list", (),                        (401, 200, 200, 200, 200, 200, 200, 200)),
    ("api:indicator-system-detail", ("schemes_town",),       (401, 200, 200, 200, 200, 200, 200, 200)),
    ("api:indicator-system-detail", ("schemes_dept",),       (401, 200, 404, 404, 404, 200, 200, 200)),
]  # fmt: skip
POST_ONLY = {
    "api:token_revoke",
    "api:cadre-transfer",
    "api:secondment-end",
    "api:village-assignment-end",
    "api:investigation-close",
}


def objects(cast: Any) -> dict[str, Any]:
    import datetime as dt

    from kaohe.orgs import services

    # ended before the orgs walk's rows of cadre_a start (they would overlap)
    start, end = dt.date(2023, 3, 1), dt.date(2023, 12, 31)
    return {
        "api_secondment": services.secondment_create(
            actor=None,
            cadre=cast.cadre_a,
            level="city",
            host=cast.unit_b,
            start_date=start,
            end_date=end,
        ),
        "api_village": services.village_assignment_create(
            actor=None, cadre=cast.cadre_a, village="东岭村", start_date=start, end_date=end
        ),
        "api_investigation": services.investigation_open(
            actor=None, cadre=cast.cadre_a, opened_on=start
        ),
    }
