"""The orgs URLs added after the foundation's table (``core/tests/test_permissions.py``
walks these rows too): Excel, leadership teams and their members, years, ending a posting, secondment or village stint.

- ``orgs_year``: a year; ``orgs_team_a``: unit A's team; ``orgs_posting_a``: the post of
  the cast's cadre of unit A; ``orgs_secondment``: a current secondment of that cadre,
  ``orgs_village``: a current village-team stint of that cadre
"""

from __future__ import annotations

from typing import Any

#                                              anon admin scorer liaison outsider leader team committee
ROWS = [
    ("orgs:workbook_import", (),                  (302, 200, 403, 403, 403, 403, 403, 403)),
    ("orgs:workbook_template", (),                (302, 200, 403, 403, 403, 403, 403, 403)),
    ("orgs:workbook_export", (),                  (302, 200, 200, 200, 200, 200, 200, 200)),
    ("orgs:year_list", (),                        (302, 200, 200, 200, 200, 200, 200, 200)),
    ("orgs:year_edit", ("orgs_year",),            (302, 200, 403, 403, 403, 403, 403, 403)),
    ("orgs:team_list", (),                        (302, 200, 200, 200, 200, 200, 200, 200)),
    ("orgs:team_detail", ("orgs_team_a",),        (302, 200, 200, 200, 404, 200, 200, 200)),
    ("orgs:team_edit", ("orgs_team_a",),          (302, 200, 403, 403, 403, 403, 403, 403)),
    ("orgs:posting_end", ("cadre_a", "orgs_posting_a"),
                                                  (302, 200, 403, 403, 403, 403, 403, 403)),
    ("orgs:secondment_end", ("cadre_a", "orgs_secondment"),
                                                  (302, 200, 403, 403, 403, 403, 403, 403)),
    ("orgs:village_end", ("cadre_a", "orgs_village"),
                                                  (302, 200, 403, 403, 403, 403, 403, 403)),
]  # fmt: skip
POST_ONLY: set[str] = set()


def objects(cast: Any) -> dict[str, Any]:
    import datetime as dt

    from kaohe.orgs import services

    secondment = services.secondment_create(
        actor=None, cadre=cast.cadre_a, level="city", host=cast.unit_b,
        start_date=dt.date(2024, 3, 1),
    )  # fmt: skip
    village = services.village_assignment_create(
        actor=None, cadre=cast.cadre_a, village="石桥村", start_date=dt.date(2024, 3, 1)
    )
    year = services.year_create(actor=None, year=2031, name="2031年度")
    return {
        "orgs_year": year,
        "orgs_team_a": cast.unit_a.team,
        "orgs_posting_a": cast.cadre_a.postings.get(),
        "orgs_secondment": secondment,
        "orgs_village": village,
    }
