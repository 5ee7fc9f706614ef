"""Every URL of the ballots app with every role (walked by ``core/tests/test_permissions``).

- ``ballots_session``: a live session of 青山镇 (the office manages it, the committee reads
  its results). The rater's scan page takes no argument: the code stays in the address's
  fragment (``/ballots/scan/#CODE``), which the browser does not send.
"""

from __future__ import annotations

from typing import Any

from kaohe.ballots.tests import url_walk_surveys

#                                                      anon admin scorer liaison outsider leader team committee
ROWS = [
    ("ballots:session_list", (),                         (302, 200, 403, 403, 403, 403, 403, 200)),
    ("ballots:session_create", (),                       (302, 200, 403, 403, 403, 403, 403, 403)),
    ("ballots:ballot_form_create", (),                   (302, 200, 403, 403, 403, 403, 403, 403)),
    ("ballots:session_detail", ("ballots_session",),     (302, 200, 403, 403, 403, 403, 403, 200)),
    ("ballots:session_codes", ("ballots_session",),      (302, 200, 403, 403, 403, 403, 403, 403)),
    ("ballots:session_codes_print", ("ballots_session",), (302, 200, 403, 403, 403, 403, 403, 403)),
    ("ballots:session_turnout", ("ballots_session",),    (302, 200, 403, 403, 403, 403, 403, 403)),
    ("ballots:session_results", ("ballots_session",),    (302, 200, 403, 403, 403, 403, 403, 200)),
    ("ballots:session_edit", ("ballots_session",),       (302, 200, 403, 403, 403, 403, 403, 403)),
    ("ballots:session_cadre_search", ("ballots_session",), (302, 200, 403, 403, 403, 403, 403, 403)),
    ("ballots:session_paper", ("ballots_session",),      (302, 200, 403, 403, 403, 403, 403, 403)),
    ("ballots:session_paper_template", ("ballots_session",), (302, 200, 403, 403, 403, 403, 403, 403)),
    ("ballots:session_paper_import", ("ballots_session",), (302, 200, 403, 403, 403, 403, 403, 403)),
    # the rater's pages: no account, the same for everyone
    ("ballots:vote_scan", (),                            (200, 200, 200, 200, 200, 200, 200, 200)),
    ("ballots:vote", (),                                 (200, 200, 200, 200, 200, 200, 200, 200)),
    ("ballots:vote_done", (),                            (200, 200, 200, 200, 200, 200, 200, 200)),
]  # fmt: skip
ROWS += url_walk_surveys.ROWS  # the surveys and leader ratings
POST_ONLY = {
    "ballots:session_status",
    "ballots:session_target_add",
    "ballots:session_target_remove",
    *url_walk_surveys.POST_ONLY,
}


def objects(cast: Any) -> dict[str, Any]:
    from kaohe.ballots.tests.conftest import make_session

    session = make_session(cast, cadres=1, name="权限测试测评")
    return {
        "ballots_session": session,
        **url_walk_surveys.objects(cast),
    }
