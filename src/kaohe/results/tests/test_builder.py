"""The builder assembles the whole scenario of a year from the database, and the engine
grades it."""

from __future__ import annotations

from decimal import Decimal

from kaohe.engine import ScenarioError, evaluate, load_text
from kaohe.engine.parse import parse_scenario
from kaohe.results import jsonout
from kaohe.results.builder import build_scenario
from kaohe.results.tests.conftest import component

D = Decimal


def _scheme(document, scheme):
    return next(s for s in document["schemes"] if s["id"] == f"s{scheme.pk}")


def test_the_document_parses_and_grades_with_the_engine(cast, year_data):
    document = build_scenario(2024).document
    assert document["format"] == "kaohe-scenario/1"
    parse_scenario(load_text(jsonout.dumps(document)))  # the engine's own parser accepts it
    result = evaluate(build_scenario(2024).document)
    party = result.scheme(f"s{year_data.party.pk}")
    a = party.result_for(f"u{cast.unit_a.pk}")
    b = party.result_for(f"u{cast.unit_b.pk}")
    # 0.875 × (0.8 × 91 + 0.2 × 92) + 0.125 × 90 = 91.05; 白水镇: 84.125 → 84.13
    assert (a.score, a.grade) == (D("91.05"), "好")
    assert (b.score, b.grade) == (D("84.13"), "较好")


def test_targets_have_stable_ids_and_the_indicator_and_period_scores(cast, year_data):
    document = build_scenario(2024, "党建工作成效考核").document
    party = _scheme(document, year_data.party)
    targets = {t["id"]: t for t in party["targets"]}
    a = targets[f"u{cast.unit_a.pk}"]
    assert set(targets) == {f"u{cast.unit_a.pk}", f"u{cast.unit_b.pk}"}  # not 县委组织部
    assert a["inputs"]["indicators"] == D(91)  # the year-end period's score
    assert a["inputs"]["review"] == D(92) and a["inputs"]["leader"] == D(90)
    assert a["inputs"]["bonus"] == a["inputs"]["deduction"] == D(0)  # none: 0
    assert a["periods"] == {"Q1": D(97)}  # keyed by Period.key; the year-end is not a period
    assert party["periods"] == ["Q1"]
    # the scheme's reference to the review scheme follows the stable id, not the code
    review_rule = next(r for r in party["rules"] if r["id"] == "review_not_good")
    assert review_rule["when"]["grade_of"]["scheme"] == f"s{year_data.review.pk}"
    units = {u["id"]: u for u in document["entities"]["units"]}
    assert units[f"u{cast.unit_a.pk}"]["name"] == "青山镇"
    cadres = {c["id"]: c for c in document["entities"]["cadres"]}
    assert cadres[cast.cadre_a.entity_id]["unit"] == f"u{cast.unit_a.pk}"


def test_a_renamed_unit_code_changes_nothing_in_the_document(cast, year_data):
    from kaohe.orgs.models import Unit

    before = jsonout.dumps(build_scenario(2024).document)
    Unit.objects.filter(pk=cast.unit_a.pk).update(code="qingshan-new")
    assert jsonout.dumps(build_scenario(2024).document) == before


def test_a_draft_scheme_is_left_out_and_another_suite_can_be_chosen(cast, year_data):
    from kaohe.schemes.services import scheme_set_status

    assert build_scenario(2024, "没有这个方案组").document["schemes"] == []
    scheme_set_status(actor=None, scheme=year_data.party, status="draft")
    ids = [s["id"] for s in build_scenario(2024).document["schemes"]]
    assert ids == [f"s{year_data.review.pk}"]


def test_a_missing_component_is_named_by_the_engine(cast, year_data):
    from kaohe.results.models import ComponentScore

    ComponentScore.objects.filter(scheme=year_data.party, input_name="leader").delete()
    try:
        evaluate(build_scenario(2024).document)
    except ScenarioError as error:
        assert "leader" in error.message("zh")
    else:
        raise AssertionError("the engine graded a scheme without its leader ratings")


def test_an_imported_component_wins_over_the_indicator_score(cast, year_data):
    component(year_data.party, cast.unit_b, "indicators", "95")
    party = _scheme(build_scenario(2024).document, year_data.party)
    b = next(t for t in party["targets"] if t["id"] == f"u{cast.unit_b.pk}")
    assert b["inputs"]["indicators"] == D(95)


def test_the_snapshot_keeps_every_digit_of_a_rescaled_score():
    value = D(100) * D("87.5") / D(120)  # 72.91666… (28 digits)
    text = jsonout.dumps({"x": value, "n": [D("1E+2"), 3, None, True], "s": '引号"'})
    assert load_text(text) == {"x": value, "n": [D(100), 3, None, True], "s": '引号"'}


def test_sheets_are_streamed_from_a_generator():
    def sheets():
        yield {"rater": "上级", "marks": {"c1": "优秀"}}
        yield {"rater": "同级", "marks": {"c1": "称职"}}

    text = jsonout.dumps({"sheets": sheets()})
    assert load_text(text)["sheets"][1]["rater"] == "同级"
