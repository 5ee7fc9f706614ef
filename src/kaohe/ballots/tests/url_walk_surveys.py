"""Every URL of the surveys and leader ratings with every role (walked by
``core/tests/test_permissions`` through ``url_walk.py``). The objects:

- ``surveys_survey``: an open survey of 青山镇 with codes
- ``surveys_closed``: a closed survey of 白水镇 (no answers)
- ``surveys_round``: a unit rating round whose only leader is the cast's ``leader``
"""

from __future__ import annotations

from typing import Any

#                                                 anon admin scorer liaison outsider leader team committee
ROWS = [
    ("ballots:survey_list", (),                          (302, 200, 403, 403, 403, 403, 403, 403)),
    ("ballots:survey_create", (),                        (302, 200, 403, 403, 403, 403, 403, 403)),
    ("ballots:survey_detail", ("surveys_survey",),       (302, 200, 403, 403, 403, 403, 403, 403)),
    ("ballots:survey_codes", ("surveys_survey",),        (302, 200, 403, 403, 403, 403, 403, 403)),
    ("ballots:survey_codes_print", ("surveys_survey",),  (302, 200, 403, 403, 403, 403, 403, 403)),
    ("ballots:survey_template", ("surveys_survey",),     (302, 200, 403, 403, 403, 403, 403, 403)),
    ("ballots:survey_import", ("surveys_survey",),       (302, 200, 403, 403, 403, 403, 403, 403)),
    ("ballots:survey_results", ("surveys_survey",),      (302, 200, 403, 403, 403, 403, 403, 403)),
    ("ballots:survey_results_export", ("surveys_closed",), (302, 200, 403, 403, 403, 403, 403, 403)),
    # The public's pages: no account needed; the scan page takes no argument (the code
    # stays in the address's fragment, /ballots/s/scan/#CODE, which the browser never sends).
    ("ballots:survey_answer", (),                        (200, 200, 200, 200, 200, 200, 200, 200)),
    ("ballots:survey_done", (),                          (200, 200, 200, 200, 200, 200, 200, 200)),
    ("ballots:survey_scan", (),                          (200, 200, 200, 200, 200, 200, 200, 200)),
    ("ballots:rating_round_list", (),                    (302, 200, 403, 403, 403, 200, 403, 403)),
    ("ballots:rating_round_create", (),                  (302, 200, 403, 403, 403, 403, 403, 403)),
    ("ballots:rating_round_detail", ("surveys_round",),  (302, 200, 403, 403, 403, 403, 403, 403)),
    ("ballots:rating_round_targets", ("surveys_round",), (302, 200, 403, 403, 403, 403, 403, 403)),
    ("ballots:rating_round_cadre_search", ("surveys_round",), (302, 200, 403, 403, 403, 403, 403, 403)),
    ("ballots:rating_round_export", ("surveys_round",),  (302, 200, 403, 403, 403, 403, 403, 403)),
    # The office sees every rating but is no rater; the leader rates.
    ("ballots:rating_enter", ("surveys_round",),         (302, 403, 403, 403, 403, 200, 403, 403)),
]  # fmt: skip
POST_ONLY = {
    "ballots:survey_status",
    "ballots:rating_round_status",
    "ballots:rating_remind",
    "ballots:rating_round_targets_add",
    "ballots:rating_round_target_remove",
}


def objects(cast: Any) -> dict[str, Any]:
    from kaohe.ballots.tests import survey_factories as f

    survey = f.survey([cast.unit_a], codes=2)
    return {
        "surveys_survey": survey,
        "surveys_closed": f.survey([cast.unit_b], status="closed"),
        "surveys_round": f.rating_round([cast.leader], units=[cast.unit_a, cast.unit_b]),
    }
