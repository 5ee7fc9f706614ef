import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from kaohe.collection.models import (
    PeriodStatus,
    PeriodWarning,
    RankEntry,
    Rectification,
    RectificationStatus,
)
from kaohe.collection.ranking import one_month_after, period_rank, ranking_document
from kaohe.collection.tests.warning_helpers import county_from_scenario, quarter, set_score
from kaohe.core.models import AuditEntry
from kaohe.engine import evaluate

APRIL_1 = dt.date(2024, 4, 1)


@pytest.mark.parametrize(
    ("issued", "due"),
    [
        (dt.date(2024, 3, 31), dt.date(2024, 4, 30)),  # 001 第十一条(八): clamped to April's end
        (dt.date(2024, 1, 31), dt.date(2024, 2, 29)),  # a leap year's February
        (dt.date(2023, 1, 31), dt.date(2023, 2, 28)),
        (dt.date(2024, 2, 29), dt.date(2024, 3, 29)),
        (dt.date(2024, 4, 1), dt.date(2024, 5, 1)),
        (dt.date(2024, 12, 15), dt.date(2025, 1, 15)),  # into the next year
    ],
)
def test_the_deadline_is_one_calendar_month_after_issue(issued, due):
    assert one_month_after(issued) == due


@pytest.fixture
def county(party):
    return county_from_scenario(party["party"], "periods-warnings.yaml")


def warnings_of(period):
    return sorted(
        (w.target.code, period.key, w.level)
        for w in PeriodWarning.objects.filter(period=period, withdrawn_at__isnull=True)
    )


def test_ranking_from_the_database_gives_the_engines_warnings_of_the_scenario(county):
    """periods-warnings.yaml built in the database: its expected warnings, quarter by
    quarter (the bottom 2 of 市直部门, only the last of 镇街, 红 the last and 黄 the one
    before, ties sharing their place)."""
    expected = county["scenario"]["expect"]["_warnings"]["style"]
    for key, period in county["periods"].items():
        period_rank(actor=None, period=period, today=APRIL_1)
        assert warnings_of(period) == sorted(tuple(w) for w in expected if w[1] == key)


def test_the_stored_ranks_are_the_engines_competition_ranks_per_category(county):
    q2 = county["periods"]["Q2"]
    period_rank(actor=None, period=q2, today=APRIL_1)
    ranks = {e.target.code: (e.group, e.rank, e.score) for e in RankEntry.objects.all()}
    # 市直部门 Q2: 95, 90, 85, 70, 70, 60 → 1, 2, 3, 4, 4, 6
    assert ranks["x5"] == ("市直部门", 1, Decimal("95.00"))
    assert ranks["x3"][1] == ranks["x4"][1] == 4
    assert ranks["x6"] == ("市直部门", 6, Decimal("60.00"))
    # 镇街 Q2: y7 and y8 tie last at 80: both 7th, both warned 红 (only the last of towns)
    assert ranks["y7"][1] == ranks["y8"][1] == 7
    assert {w.target.code: w.rank for w in PeriodWarning.objects.filter(group="镇街")} == {
        "y7": 7,
        "y8": 7,
    }
    assert all(e.group_size == (6 if e.group == "市直部门" else 8) for e in RankEntry.objects.all())


def test_the_document_gives_the_engine_the_history_of_the_earlier_quarters(county):
    q2 = county["periods"]["Q2"]
    document, unit_of = ranking_document(period=q2)
    scheme = document["schemes"][0]
    assert scheme["periods"] == ["Q1", "Q2"]
    x6 = next(t for t in scheme["targets"] if t["id"] == "x6")
    assert x6["periods"] == {"Q1": Decimal(70), "Q2": Decimal(60)}
    assert x6["inputs"] == {"score": Decimal(60)}
    assert unit_of["x6"] == county["units"]["x6"].pk
    assert {u["category"] for u in document["entities"]["units"]} == {"市直部门", "镇街"}
    # the engine's own reading of this document, independently of what was stored
    result = evaluate(document).schemes[0]
    assert {(w.target, w.level) for w in result.warnings if w.period == "Q1"} == {
        ("x5", "黄"),
        ("x6", "红"),
        ("y8", "红"),
    }


def test_re_ranking_changes_nothing_when_the_scores_have_not_changed(county):
    q1 = county["periods"]["Q1"]
    first = period_rank(actor=None, period=q1, today=APRIL_1)
    before = {
        w.pk: (w.serial, w.level, w.issued_on, w.rectification.pk, w.rectification.due_on)
        for w in PeriodWarning.objects.select_related("rectification")
    }
    second = period_rank(actor=None, period=q1, today=dt.date(2024, 4, 9))
    after = {
        w.pk: (w.serial, w.level, w.issued_on, w.rectification.pk, w.rectification.due_on)
        for w in PeriodWarning.objects.select_related("rectification")
    }
    assert len(first.issued) == 3 and not second.issued and len(second.kept) == 3
    assert before == after
    assert RankEntry.objects.count() == 14 and Rectification.objects.count() == 3
    assert AuditEntry.objects.filter(action="ranking.run").count() == 2


def test_re_ranking_withdraws_a_warning_that_no_longer_applies_and_reinstates_it_later(county):
    q1 = county["periods"]["Q1"]
    period_rank(actor=None, period=q1, today=APRIL_1)
    y8 = PeriodWarning.objects.get(target__code="y8")
    number = y8.number
    # a corrected score: y8 is no longer last of the towns, y7 is
    set_score(q1, county["units"]["y8"], 99)
    outcome = period_rank(actor=None, period=q1, today=dt.date(2024, 4, 3))
    y8.refresh_from_db()
    assert [w.target.code for w in outcome.withdrawn] == ["y8"]
    assert y8.withdrawn_at is not None
    assert y8.rectification.status == RectificationStatus.CANCELLED
    y7 = PeriodWarning.objects.get(target__code="y7")
    assert y7.level == "红" and y7.serial == 4 and y7.rectification.due_on == dt.date(2024, 5, 3)
    # the score set back: the same letter is reinstated, with a new deadline
    set_score(q1, county["units"]["y8"], 83)
    outcome = period_rank(actor=None, period=q1, today=dt.date(2024, 4, 10))
    y8.refresh_from_db()
    assert [w.target.code for w in outcome.reinstated] == ["y8"]
    assert y8.withdrawn_at is None and y8.number == number
    assert y8.rectification.status == RectificationStatus.OPEN
    assert y8.rectification.due_on == dt.date(2024, 5, 10)
    entry = AuditEntry.objects.filter(action="ranking.run").latest("pk")
    assert entry.after["reinstated"] == [f"{y8.target_id}:红"]


def test_a_signed_off_rectification_stays_signed_off_when_its_warning_is_withdrawn(county):
    q1 = county["periods"]["Q1"]
    period_rank(actor=None, period=q1, today=APRIL_1)
    task = Rectification.objects.get(unit__code="y8")
    Rectification.objects.filter(pk=task.pk).update(status=RectificationStatus.SIGNED_OFF)
    set_score(q1, county["units"]["y8"], 99)
    period_rank(actor=None, period=q1, today=APRIL_1)
    task.refresh_from_db()
    assert task.status == RectificationStatus.SIGNED_OFF
    assert task.warning.withdrawn_at is not None


def test_letter_numbers_run_on_through_the_year(county):
    period_rank(actor=None, period=county["periods"]["Q1"], today=APRIL_1)
    period_rank(actor=None, period=county["periods"]["Q2"], today=dt.date(2024, 7, 1))
    serials = sorted(PeriodWarning.objects.values_list("serial", flat=True))
    assert serials == list(range(1, 9))
    first = PeriodWarning.objects.get(period__key="Q1", target__code="x6")
    assert first.number == "预督〔2024〕1号"  # the engine lists 红 (the last) first


def test_a_scheme_with_its_own_warning_rule_is_ranked_by_it(county):
    q1 = county["periods"]["Q1"]
    version = q1.scheme.current_version
    version.definition = {**version.definition, "warnings": {"bottom": 1, "levels": ["红"]}}
    version.save(update_fields=["definition"])
    period_rank(actor=None, period=q1, today=APRIL_1)
    assert warnings_of(q1) == [("x6", "Q1", "红"), ("y8", "Q1", "红")]


def test_a_period_that_is_not_ranked_or_not_started_is_refused(party, county):
    q3 = quarter(party["party"], "Q3", status=PeriodStatus.PLANNED)
    with pytest.raises(ValidationError) as refused:
        period_rank(actor=None, period=q3)
    assert refused.value.code == "not_started"
    q1 = county["periods"]["Q1"]
    q1.ranked = False
    q1.save(update_fields=["ranked"])
    with pytest.raises(ValidationError) as refused:
        period_rank(actor=None, period=q1)
    assert refused.value.code == "not_ranked"
    assert not PeriodWarning.objects.exists()


def test_a_category_nobody_scored_this_period_is_not_ranked(county):
    from kaohe.collection.models import ScoreEntry

    q1 = county["periods"]["Q1"]
    ScoreEntry.objects.filter(period=q1, target__category__name="镇街").delete()
    period_rank(actor=None, period=q1, today=APRIL_1)
    assert set(RankEntry.objects.values_list("group", flat=True)) == {"市直部门"}
    assert warnings_of(q1) == [("x5", "Q1", "黄"), ("x6", "Q1", "红")]


def test_the_stored_document_recomputes_to_the_same_ranking(county, party):
    from kaohe.collection.models import Ranking

    q2 = county["periods"]["Q2"]
    set_score(q2, county["units"]["x1"], "85.55")  # a decimal that is no binary float
    period_rank(actor=None, period=q2, today=APRIL_1)
    ranking = Ranking.objects.get(period=q2)
    ranking.refresh_from_db()
    again = evaluate(ranking.document).schemes[0]
    stored = {e.target.code: (e.rank, e.score) for e in ranking.entries.all()}
    assert {r.target: (r.rank, r.score) for r in again.results} == stored
    assert stored["x1"] == (3, Decimal("85.55"))
    assert ranking.scheme_version == party["party"].current_version
