import datetime as dt

from kaohe.collection.todos import TodoState, todos_for


def rating_keys(user, day):
    return [t for t in todos_for(user, day) if t.key.startswith("rating:")]


def test_a_leaders_unfinished_rating_round_is_on_the_to_do_list(cast):
    from kaohe.ballots.models import RatingStatus, RatingSubject
    from kaohe.ballots.ratings import rating_round_create, rating_round_set_status
    from kaohe.orgs.models import AssessmentYear

    year = AssessmentYear.objects.create(year=2024, name="2024年度")
    round_ = rating_round_create(
        actor=cast.admin, year=year, name="第一季度领导评价", subject=RatingSubject.UNIT,
        period="Q1", units=[cast.unit_a, cast.unit_b], raters=[cast.leader],
        due_on=dt.date(2024, 4, 10),
    )  # fmt: skip
    before = rating_keys(cast.leader, dt.date(2024, 4, 5))
    assert [(t.state, t.due) for t in before] == [(TodoState.DUE, dt.date(2024, 4, 10))]
    late = rating_keys(cast.leader, dt.date(2024, 4, 11))
    assert late[0].state == TodoState.LATE and f"rating:{round_.pk}:" in late[0].key
    assert rating_keys(cast.committee_member, dt.date(2024, 4, 5)) == []
    rating_round_set_status(actor=cast.admin, round=round_, status=RatingStatus.CLOSED)
    assert rating_keys(cast.leader, dt.date(2024, 4, 11)) == []  # a closed round asks nothing
