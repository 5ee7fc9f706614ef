"""Results through the engine: weights rescaled over the classes present, invalid sheets,
nothing shown below the minimum, per class only where each class reaches it; unusual
patterns flagged as counts."""

from __future__ import annotations

from decimal import Decimal

from kaohe.ballots import evaluation_services as services
from kaohe.ballots.evaluation_tally import session_result, sheet_is_valid
from kaohe.ballots.models import PendingSheet
from kaohe.ballots.tests.conftest import make_session, marks_for


def _close(cast, session):
    services.session_set_status(actor=cast.admin, session=session, status="closed")
    session.refresh_from_db()
    return session_result(session)


def _row(result, label):
    return next(r for p in result.parts for r in p.rows if r.target.label == label)


def test_weights_are_rescaled_over_the_classes_that_voted(cast, evaluation, vote):
    # 上级 (0.3) gives 张青山 优秀 (100) ×5, 下级 (0.4) 称职 (80) ×5; 同级 is absent:
    # (0.3 × 100 + 0.4 × 80) / 0.7 = 88.571…
    for _ in range(5):
        vote(evaluation, "上级", {"张青山": "优秀"})
        vote(evaluation, "下级", {"张青山": "称职"})
    result = _close(cast, evaluation)
    row = _row(result, "张青山")
    assert row.value == Decimal("88.57")
    assert row.valid == 10 and row.invalid == 0
    assert row.by_class == {"上级": Decimal("100.00"), "下级": Decimal("80.00")}
    assert row.shares["优秀"] == Decimal("0.5")
    assert result.sheets_by_class == {"上级": 5, "同级": 0, "下级": 5}


def test_a_sheet_over_the_max_share_stored_anyway_counts_nowhere(cast, evaluation, vote):
    for _ in range(5):
        vote(evaluation, "下级")
    # a sheet that bypassed the pages: two 优秀 of five cadres (at most floor(0.2 × 5) = 1)
    bad = marks_for(evaluation, {"张青山": "优秀", "干部0": "优秀"})
    assert not sheet_is_valid(evaluation, "下级", bad)
    PendingSheet.objects.create(
        session=evaluation, rater_class=evaluation.rater_classes.get(name="下级"), marks=bad
    )
    row = _row(_close(cast, evaluation), "张青山")
    assert row.valid == 5 and row.invalid == 1
    assert row.value == Decimal("80.00")


def test_nothing_is_shown_below_the_minimum_and_no_class_breakdown_if_one_class_is_small(
    cast, evaluation, vote, settings
):
    settings.BALLOT_MIN_SHEETS = 3
    for _ in range(3):
        vote(evaluation, "下级", {"张青山": "称职"})
    vote(evaluation, "上级", {"张青山": "不称职"})  # one 上级: must not be unmasked
    result = _close(cast, evaluation)
    row = _row(result, "张青山")
    assert not row.hidden and row.value is not None
    assert row.by_class == {"上级": None, "下级": None}
    settings.BALLOT_MIN_SHEETS = 5
    row = _row(session_result(evaluation), "张青山")
    assert row.hidden and row.value is None and row.shares == {} and row.by_class == {}


def test_identical_all_lowest_sheets_and_a_class_apart_are_flagged_without_names(cast, vote):
    session = make_session(cast, cadres=4)
    for _ in range(6):
        vote(session, "下级", default="不称职", team="差")
    for _ in range(5):
        vote(session, "上级", {"张青山": "优秀"}, default="称职")
    result = _close(cast, session)
    kinds = {flag.kind for flag in result.flags}
    assert {"identical", "all_worst", "class_apart"} <= kinds
    text = " ".join(flag.message for flag in result.flags)
    assert "6 张测评票完全相同" in text
    assert "张青山" not in text


def test_the_areas_of_a_form_give_the_mean_of_their_values(cast, vote):
    from kaohe.ballots.models import BallotForm, Session

    session = make_session(cast, cadres=0)
    Session.objects.filter(pk=session.pk).update(
        team_form=BallotForm.objects.get(name="领导班子分项评价（五个方面）")
    )
    session.refresh_from_db()
    areas = session.team_form.areas
    team = session.targets.get(team__isnull=False)
    cadre = session.targets.get(cadre__isnull=False)
    for _ in range(5):
        marks = {str(team.pk): {a: ("好" if i < 4 else "一般") for i, a in enumerate(areas)},
                 str(cadre.pk): "称职"}  # fmt: skip
        services.ballot_submit(code=_code(session), marks=marks)
    row = _row(_close(cast, session), "青山镇领导班子")
    assert row.value == Decimal("94.00")  # (4 × 100 + 70) / 5
    assert row.areas["作风建设"] == Decimal("70.00")


def _code(session):
    from kaohe.ballots.tests.conftest import new_code

    return new_code(session, "上级")


def test_a_scenario_built_from_a_session_grades_through_evaluate_to_the_same_values(
    cast, evaluation, vote
):
    from kaohe.ballots.evaluation_tally import parts, scenario_ballots
    from kaohe.engine import evaluate

    for _ in range(5):
        vote(evaluation, "上级", {"张青山": "优秀"})
        vote(evaluation, "下级", {"张青山": "基本称职"})
    result = _close(cast, evaluation)
    form, targets = parts(evaluation)[1]
    document = {
        "format": "kaohe-scenario/1", "year": 2024,
        "schemes": [{
            "id": "cadres", "name": "干部测评", "subject": "team", "grades": ["优秀", "称职"],
            "bands": {"优秀": 90}, "score": {"sum": [{"weight": 1, "of": "ballot"}]},
            "precision": 2, "ballots": scenario_ballots(evaluation, form),
            "targets": [{"id": str(t.pk), "inputs": {}} for t in targets],
        }],
    }  # fmt: skip
    graded = evaluate(document).to_dict()["schemes"][0]["results"]
    by_id = {row["target"]: Decimal(str(row["score"])) for row in graded}
    for row in result.parts[1].rows:
        assert by_id[str(row.target.pk)] == row.value
