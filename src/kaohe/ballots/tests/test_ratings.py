"""Leader ratings: one sheet per leader saved at once, editable until the round closes; the
office's view of who has rated; the scores and grade counts a scheme reads."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from kaohe.ballots import ratings
from kaohe.ballots.models import Rating, RatingStatus
from kaohe.ballots.ratings_results import (
    leader_rating_grades,
    leader_rating_scores,
    rating_progress,
    round_grade,
)
from kaohe.ballots.ratings_selectors import rating_rounds_for_user, ratings_for_user
from kaohe.ballots.tests import survey_factories as f
from kaohe.core.models import AuditEntry


def test_a_leader_saves_the_whole_sheet_and_edits_it_until_the_round_closes(cast):
    round_ = f.rating_round([cast.leader], units=[cast.unit_a, cast.unit_b])
    ratings.ratings_save(actor=cast.leader, round=round_,
                         values={cast.unit_a.pk: "90", cast.unit_b.pk: "85.5"})  # fmt: skip
    counts = ratings.ratings_save(actor=cast.leader, round=round_,
                                  values={cast.unit_a.pk: "92", cast.unit_b.pk: ""})  # fmt: skip
    assert counts == {"created": 0, "updated": 1, "cleared": 1}
    assert list(Rating.objects.values_list("unit_id", "score")) == [
        (cast.unit_a.pk, Decimal("92.00"))
    ]
    ratings.rating_round_set_status(actor=cast.admin, round=round_, status=RatingStatus.CLOSED)
    with pytest.raises(ValidationError) as error:
        ratings.ratings_save(actor=cast.leader, round=round_, values={cast.unit_a.pk: "10"})
    assert error.value.code == "round_closed"


def test_a_bad_score_saves_nothing_of_the_sheet(cast):
    round_ = f.rating_round([cast.leader], units=[cast.unit_a, cast.unit_b])
    with pytest.raises(ValidationError) as error:
        ratings.ratings_save(actor=cast.leader, round=round_,
                             values={cast.unit_a.pk: "90", cast.unit_b.pk: "101"})  # fmt: skip
    assert f"t{cast.unit_b.pk}" in error.value.message_dict
    assert "0–100" in error.value.message_dict[f"t{cast.unit_b.pk}"][0]
    assert not Rating.objects.exists()
    for bad in ("NaN", "1e2", "90.123", "-1"):
        with pytest.raises(ValidationError):
            ratings.ratings_save(actor=cast.leader, round=round_, values={cast.unit_a.pk: bad})


def test_only_the_rounds_leaders_rate_and_only_their_targets(cast):
    other = f.leader("leader2")
    round_ = f.rating_round([cast.leader], units=[cast.unit_a])
    with pytest.raises(ValidationError) as error:
        ratings.ratings_save(actor=other, round=round_, values={cast.unit_a.pk: "90"})
    assert error.value.code == "not_rater"
    with pytest.raises(ValidationError) as error:
        ratings.ratings_save(actor=cast.leader, round=round_, values={cast.unit_b.pk: "90"})
    assert error.value.code == "unknown_target"
    with pytest.raises(ValidationError):
        f.rating_round([cast.admin], units=[cast.unit_a])  # not a leader's account


def test_another_leader_sees_neither_the_round_nor_the_ratings(cast):
    other = f.leader("leader2")
    round_ = f.rating_round([cast.leader], units=[cast.unit_a])
    ratings.ratings_save(actor=cast.leader, round=round_, values={cast.unit_a.pk: "90"})
    assert list(ratings_for_user(cast.leader)) == list(Rating.objects.all())
    assert not ratings_for_user(other).exists()
    assert not rating_rounds_for_user(other).exists()
    assert ratings_for_user(cast.admin).count() == 1
    for user in (cast.committee_member, cast.liaison, cast.scorer, cast.team_member):
        assert not ratings_for_user(user).exists()
        assert not rating_rounds_for_user(user).exists()


def test_the_unit_score_is_the_mean_or_the_trimmed_mean(cast):
    leaders = [cast.leader, *(f.leader(f"l{n}") for n in range(3))]
    plain = f.rating_round(leaders, units=[cast.unit_a])
    trimmed = f.rating_round(leaders, units=[cast.unit_a], trimmed=True, period="Q2")
    for leader, score in zip(leaders, ["60", "80", "85", "99"], strict=True):
        for round_ in (plain, trimmed):
            ratings.ratings_save(actor=leader, round=round_, values={cast.unit_a.pk: score})
    assert leader_rating_scores(round=plain) == {cast.unit_a.pk: Decimal("81.00")}
    assert leader_rating_scores(round=trimmed) == {cast.unit_a.pk: Decimal("82.50")}


def test_cadre_rounds_give_grade_counts_and_the_years_grades(cast):
    leaders = [cast.leader, f.leader("l2"), f.leader("l3")]
    q1 = f.rating_round(leaders, cadres=[cast.cadre_a, cast.cadre_b], period="Q1")
    q2 = f.rating_round(leaders, cadres=[cast.cadre_a], period="Q2")
    marks = {q1: [("优秀", "良好"), ("优秀", "一般"), ("良好", "一般")],
             q2: [("良好",), ("良好",), ("一般",)]}  # fmt: skip
    for round_, rows in marks.items():
        for leader, grades in zip(leaders, rows, strict=True):
            targets = [cast.cadre_a, cast.cadre_b][: len(grades)]
            ratings.ratings_save(actor=leader, round=round_,
                                 values={c.pk: g for c, g in zip(targets, grades, strict=True)})  # fmt: skip
    assert leader_rating_scores(round=q1)[cast.cadre_a.pk] == {
        "优秀": 2,
        "良好": 1,
        "一般": 0,
        "较差": 0,
    }
    assert leader_rating_grades(rounds=[q2, q1]) == {
        cast.cadre_a.pk: ["优秀", "良好"],
        cast.cadre_b.pk: ["一般"],
    }
    assert round_grade({"优秀": 1, "良好": 1, "一般": 0, "较差": 0}) == "良好"  # a tie: the lower


def test_the_office_sees_who_has_not_rated_and_a_reminder_is_recorded(cast):
    other = f.leader("leader2")
    round_ = f.rating_round([cast.leader, other], units=[cast.unit_a, cast.unit_b])
    ratings.ratings_save(actor=cast.leader, round=round_,
                         values={cast.unit_a.pk: "90", cast.unit_b.pk: "80"})  # fmt: skip
    ratings.ratings_save(actor=other, round=round_, values={cast.unit_a.pk: "70"})
    ratings.rating_remind(actor=cast.admin, round=round_, rater=other)
    progress = {p.rater.username: p for p in rating_progress(round=round_)}
    assert (progress["leader"].done, progress["leader2"].done) == (True, False)
    assert progress["leader2"].rated == 1
    assert progress["leader2"].reminded is not None and progress["leader"].reminded is None
    entry = AuditEntry.objects.get(action="rating.remind")
    assert entry.after["rater"] == other.pk and entry.actor == cast.admin


def test_reopening_a_closed_round_needs_a_reason(cast):
    round_ = f.rating_round([cast.leader], units=[cast.unit_a])
    ratings.rating_round_set_status(actor=cast.admin, round=round_, status=RatingStatus.CLOSED)
    round_.refresh_from_db()
    with pytest.raises(ValidationError):
        ratings.rating_round_set_status(actor=cast.admin, round=round_, status=RatingStatus.OPEN)
    ratings.rating_round_set_status(actor=cast.admin, round=round_, status=RatingStatus.OPEN,
                                    reason="一位领导出差，延长一周")  # fmt: skip
    round_.refresh_from_db()
    assert round_.status == RatingStatus.OPEN


def test_a_leaders_unfinished_rounds_are_listed_as_to_do_items(cast):
    import datetime as dt

    from kaohe.ballots.ratings_todos import rating_todo_items

    round_ = f.rating_round([cast.leader], units=[cast.unit_a, cast.unit_b])
    RatingRound = type(round_)
    RatingRound.objects.filter(pk=round_.pk).update(due_on=dt.date(2024, 12, 20))
    ratings.ratings_save(actor=cast.leader, round=round_, values={cast.unit_a.pk: "90"})
    (item,) = rating_todo_items(cast.leader, dt.date(2024, 12, 21))
    assert item.key == f"rating:{round_.pk}:{cast.leader.pk}" and item.late
    assert item.detail == "已评 1 / 2" and item.url.endswith(f"/ratings/{round_.pk}/rate/")
    assert rating_todo_items(f.leader("leader2"), dt.date(2024, 12, 1)) == []
    assert rating_todo_items(cast.liaison, dt.date(2024, 12, 1)) == []
    ratings.ratings_save(actor=cast.leader, round=round_, values={cast.unit_b.pk: "80"})
    assert rating_todo_items(cast.leader, dt.date(2024, 12, 1)) == []
