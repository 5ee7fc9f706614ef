"""The ballots app feeds the built scenario: a closed session's sheets into the ballots
section of the schemes of its targets' subject, surveys and leader ratings as inputs."""

from __future__ import annotations

from decimal import Decimal

from kaohe.ballots import evaluation_services, ratings
from kaohe.ballots.evaluation_tally import session_result
from kaohe.ballots.models import RatingStatus, SurveyStatus
from kaohe.ballots.tests import survey_factories as f
from kaohe.ballots.tests.conftest import make_session
from kaohe.ballots.tests.conftest import vote as vote  # a fixture
from kaohe.engine import evaluate, load_text
from kaohe.engine.parse import parse_scenario
from kaohe.results import jsonout
from kaohe.results.builder import build_scenario

D = Decimal


def _published(preset: str, only: tuple[str, ...] = ("team", "cadre")) -> dict[str, object]:
    from kaohe.schemes import services
    from kaohe.schemes.tests.factories import year_2024

    made = services.scheme_create_from_preset(actor=None, year=year_2024(), preset_id=preset)
    return {
        s.subject: services.scheme_set_status(actor=None, scheme=s, status="published")
        for s in made
        if s.subject in only
    }


def _scheme(document, scheme):
    return next(s for s in document["schemes"] if s["id"] == f"s{scheme.pk}")


def _closed_cadre_round(cast, grades):
    leaders = [cast.leader]
    round_ = f.rating_round(leaders, cadres=list(grades), period="Q1")
    ratings.ratings_save(actor=cast.leader, round=round_,
                         values={c.pk: g for c, g in grades.items()})  # fmt: skip
    ratings.rating_round_set_status(actor=cast.admin, round=round_, status=RatingStatus.CLOSED)
    return round_


def _session_for_the_others(cast, session, vote):
    """A second closed session (白水镇's meeting) for the cadres the first one does not
    evaluate: every cadre target of the scheme needs a 测评 score."""
    import datetime as dt

    from django.utils import timezone

    from kaohe.ballots.models import BallotForm
    from kaohe.orgs.models import Cadre

    others = Cadre.objects.exclude(
        pk__in=session.targets.filter(cadre__isnull=False).values("cadre_id")
    )
    now = timezone.now()
    second = evaluation_services.session_create(
        actor=cast.admin, name="白水镇年度民主测评", year=session.year, unit=cast.unit_b,
        team_form=None, cadre_form=BallotForm.objects.get(name="领导干部年度考核测评"),
        opens_at=now - dt.timedelta(days=1), closes_at=now + dt.timedelta(days=1),
        rater_classes=[("上级", D("0.3")), ("同级", D("0.3")), ("下级", D("0.4"))],
        teams=[], cadres=[(c, "干部") for c in others],
    )  # fmt: skip
    evaluation_services.session_set_status(actor=cast.admin, session=second, status="open")
    vote(second, "同级")
    evaluation_services.session_set_status(actor=cast.admin, session=second, status="closed")
    return second


def test_a_closed_sessions_cadre_sheets_grade_in_the_built_document_as_in_ballots_own_tally(
    cast, vote
):
    from kaohe.orgs.models import Team
    from kaohe.results.tests.conftest import component

    schemes = _published("seed004-annual")
    for team in Team.objects.filter(is_assessed=True).select_related("unit"):
        component(schemes["team"], team.unit, "score", "90")  # the team scheme reads `score`
    session = make_session(cast)
    for _ in range(5):
        vote(session, "上级", {"张青山": "优秀"})
        vote(session, "下级", {"张青山": "基本称职"})
        vote(session, "同级")
    evaluation_services.session_set_status(actor=cast.admin, session=session, status="closed")
    session.refresh_from_db()
    own = session_result(session)
    _session_for_the_others(cast, session, vote)
    _closed_cadre_round(cast, {cast.cadre_a: "优秀"})

    document = build_scenario(2024).document
    cadre = _scheme(document, schemes["cadre"])
    section = cadre["ballots"]
    # the session's rater classes are merged over the preset's (which has other classes)
    weights = section["rater_weights"]
    assert {k: weights[k] for k in ("上级", "同级", "下级")} == {
        "上级": D("0.3"),
        "同级": D("0.3"),
        "下级": D("0.4"),
    }
    assert weights["班子成员"] == D("0.2")
    assert section["max_share"] == {"优秀": D("0.2")}
    sheets = list(section["sheets"])
    assert len(sheets) == 16  # both sessions' sheets
    targets = {t["id"] for t in cadre["targets"]}
    assert all(set(s["marks"]) <= targets for s in sheets)  # builder ids (c<pk>), not session's
    assert cast.cadre_a.entity_id in sheets[0]["marks"]

    document = build_scenario(2024).document  # sheets are read once: build again
    parse_scenario(load_text(jsonout.dumps(document)))
    result = evaluate(build_scenario(2024).document).scheme(f"s{schemes['cadre'].pk}")
    cadre_part = next(p for p in own.parts if p.form.subject == "cadre")
    compared = 0
    for row in cadre_part.rows:
        graded = result.result_for(f"c{row.target.cadre_id}")
        assert graded.score == row.value  # 0.3·100 + 0.3·80 + 0.4·60 = 78 for 张青山
        compared += 1
    assert compared == 5
    assert result.result_for(cast.cadre_a.entity_id).score == D("78.00")


def test_a_session_still_open_or_in_test_feeds_nothing(cast, vote):
    schemes = _published("seed004-annual")
    session = make_session(cast)
    vote(session, "上级", {"张青山": "优秀"})
    document = build_scenario(2024).document
    assert list(_scheme(document, schemes["cadre"])["ballots"]["sheets"]) == []


def test_a_survey_and_rating_rounds_give_inputs_with_the_builders_target_ids(cast):
    schemes = _published("seed002-team")
    team = schemes["team"]
    survey = f.survey([cast.unit_a], codes=2)
    f.answer_all(survey, survey.areas.get(unit=cast.unit_a), [0, 0, 0])
    from kaohe.ballots import surveys

    surveys.survey_set_status(actor=None, survey=survey, status=SurveyStatus.CLOSED)
    from kaohe.ballots.surveys_results import survey_scores

    expected_survey = survey_scores(survey=survey)[cast.unit_a.pk]
    leaders = [cast.leader, f.leader("l2")]
    q1 = f.rating_round(leaders, units=[cast.unit_a], period="Q1")
    q2 = f.rating_round(leaders, units=[cast.unit_a], period="Q2")
    for round_, scores in ((q1, ("80", "90")), (q2, ("90", "100"))):
        for leader, score in zip(leaders, scores, strict=True):
            ratings.ratings_save(actor=leader, round=round_, values={cast.unit_a.pk: score})
        ratings.rating_round_set_status(actor=cast.admin, round=round_, status=RatingStatus.CLOSED)
    open_round = f.rating_round(leaders, units=[cast.unit_a], period="Q3")
    ratings.ratings_save(actor=cast.leader, round=open_round, values={cast.unit_a.pk: "0"})
    _closed_cadre_round(cast, {cast.cadre_a: "良好"})

    document = build_scenario(2024).document
    targets = {t["id"]: t for t in _scheme(document, team)["targets"]}
    mine = targets[f"u{cast.unit_a.pk}"]["inputs"]
    assert mine["survey"] == expected_survey
    assert mine["leader"] == D("90")  # the mean of the closed rounds (85, 95); Q3 is open
    cadres = {t["id"]: t for t in _scheme(document, schemes["cadre"])["targets"]}
    assert cadres[cast.cadre_a.entity_id]["inputs"]["leader_ratings"] == ["良好"]
    assert cadres[cast.cadre_b.entity_id]["inputs"]["leader_ratings"] == []
    parse_scenario(load_text(jsonout.dumps(document)))


def test_a_closed_team_session_gives_seed_002s_team_ballot_input_from_the_engines_tally(cast, vote):
    from kaohe.orgs.models import Team
    from kaohe.results.tests.conftest import component

    schemes = _published("seed002-team", only=("team",))
    team_scheme = schemes["team"]
    teams = list(Team.objects.filter(is_assessed=True).select_related("unit"))
    for team in teams:
        for name in ("performance", "leader", "survey", "party"):
            component(team_scheme, team.unit, name, "80")
        if team.unit_id != cast.unit_a.pk:
            component(team_scheme, team.unit, "ballot", "70")  # imported, as before
    session = make_session(cast)
    for _ in range(3):
        vote(session, "上级", team="好")
        vote(session, "下级", team="较好")
    vote(session, "同级", team="一般")
    evaluation_services.session_set_status(actor=cast.admin, session=session, status="closed")
    session.refresh_from_db()
    own = session_result(session)
    team_row = next(r for p in own.parts if p.form.subject == "team" for r in p.rows)
    assert team_row.value is not None

    document = build_scenario(2024).document
    scheme = _scheme(document, team_scheme)
    assert "ballots" not in scheme or not scheme.get("ballots")  # no sheets: an input
    inputs = {t["id"]: t["inputs"] for t in scheme["targets"]}
    mine = inputs[f"u{cast.unit_a.pk}"]
    assert mine["ballot"] == team_row.value  # the session's own tally, weights rescaled
    assert all(i["ballot"] == D("70") for t, i in inputs.items() if t != f"u{cast.unit_a.pk}")
    result = evaluate(build_scenario(2024).document).scheme(f"s{team_scheme.pk}")
    expected = (D("0.9") * 80 + D("0.1") * team_row.value).quantize(D("0.01"))
    assert result.result_for(f"u{cast.unit_a.pk}").score == expected
    parse_scenario(load_text(jsonout.dumps(document)))


def test_an_imported_team_ballot_component_still_wins_over_the_session(cast, vote):
    from kaohe.orgs.models import Team
    from kaohe.results.tests.conftest import component

    team_scheme = _published("seed002-team", only=("team",))["team"]
    for team in Team.objects.filter(is_assessed=True).select_related("unit"):
        component(team_scheme, team.unit, "ballot", "66")
    session = make_session(cast, cadres=0)
    for _ in range(5):
        vote(session, "上级", team="好")
    evaluation_services.session_set_status(actor=cast.admin, session=session, status="closed")
    scheme = _scheme(build_scenario(2024).document, team_scheme)
    mine = next(t for t in scheme["targets"] if t["id"] == f"u{cast.unit_a.pk}")
    assert mine["inputs"]["ballot"] == D("66")
