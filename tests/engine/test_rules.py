"""Table-driven tests of each part of the grading rules, with the spec's edge cases."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from kaohe.engine import evaluate
from kaohe.engine.evaluate import round_half_up

from .helpers import document, field, grades, run, scheme, scored

# --- rounding and scores ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "precision", "expected"),
    [
        ("87.875", 2, "87.88"),
        ("87.865", 2, "87.87"),  # half-up, not banker's rounding
        ("90.525", 2, "90.53"),
        ("89.994999", 2, "89.99"),
        ("59.995", 2, "60.00"),
        ("70.5", 0, "71"),
        ("-0.005", 2, "-0.01"),
    ],
)
def test_scores_round_half_up(value: str, precision: int, expected: str) -> None:
    assert round_half_up(Decimal(value), precision) == Decimal(expected)


def test_a_repeating_quotient_on_a_boundary_rounds_up() -> None:
    # 0.045 / 3 * 3 is exactly 0.045; the 80-digit quotient is 0.0449999...: snapped first
    third = Decimal("0.135") / 3
    assert round_half_up(third * 3 / 3 * 3 / 3, 2) == Decimal("0.05")


def test_exact_decimal_arithmetic_gives_ninety() -> None:
    result = run(
        scheme(
            [{"id": "a", "inputs": {"p": 88, "b": 93, "l": 93, "s": 93, "q": 93}}],
            score={
                "sum": [
                    {"weight": Decimal("0.6"), "of": "p"},
                    {"weight": Decimal("0.1"), "of": "b"},
                    {"weight": Decimal("0.1"), "of": "l"},
                    {"weight": Decimal("0.1"), "of": "s"},
                    {"weight": Decimal("0.1"), "of": "q"},
                ]
            },
        )
    )
    assert field(result, "score")["a"] == Decimal("90")
    assert grades(result)["a"] == "好"


def test_plus_minus_and_clamp_apply_after_the_weighting() -> None:
    expression = {
        "sum": [{"weight": 1, "of": "base"}],
        "plus": ["bonus"],
        "minus": ["deduction"],
        "clamp": [0, 100],
    }
    targets = [
        {"id": "a", "inputs": {"base": 95, "bonus": 8, "deduction": 1}},
        {"id": "b", "inputs": {"base": 10, "bonus": 0, "deduction": 30}},
        {"id": "c", "inputs": {"base": 80, "bonus": Decimal("2.5"), "deduction": 0}},
    ]
    result = run(scheme(targets, score=expression))
    assert field(result, "score") == {"a": 100, "b": 0, "c": Decimal("82.5")}


# --- ranking -------------------------------------------------------------------------


def test_ranking_is_competition_style_per_group() -> None:
    targets = scored(90, 85, 85, 80)
    targets.append({"id": "x", "group": "other", "inputs": {"score": 10}})
    result = run(scheme(targets))
    assert field(result, "rank") == {"t1": 1, "t2": 2, "t3": 2, "t4": 4, "x": 1}


def test_rank_uses_the_rounded_score() -> None:
    result = run(scheme(scored("89.994", "89.99", "89.996")))
    # 89.994 and 89.99 both show as 89.99 and tie; 89.996 shows as 90.00
    assert field(result, "rank") == {"t1": 2, "t2": 2, "t3": 1}


# --- bands ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "grade"),
    [(100, "好"), (90, "好"), ("89.99", "较好"), (80, "较好"), ("79.995", "较好"),
     ("79.994", "一般"), (60, "一般"), ("59.99", "较差"), (0, "较差")],
)  # fmt: skip
def test_bands_are_inclusive_minimums_of_the_rounded_score(score: Any, grade: str) -> None:
    assert grades(run(scheme(scored(score))))["t1"] == grade


def test_bands_by_group_override_the_default() -> None:
    targets = [
        {"id": "a", "group": "乡镇", "inputs": {"score": 88}},
        {"id": "b", "group": "县直", "inputs": {"score": 88}},
    ]
    result = run(scheme(targets, bands_by_group={"乡镇": {"好": 88}}))
    assert grades(result) == {"a": "好", "b": "较好"}


# --- rules ---------------------------------------------------------------------------


def rule(rule_id: str, when: dict[str, Any], then: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"id": rule_id, "when": when, "then": then, **extra}


@pytest.mark.parametrize(
    ("rules", "flags", "expected"),
    [
        ([rule("v", {"flag": "veto"}, {"set": "较差"})], ["veto"], "较差"),
        ([rule("v", {"flag": "veto"}, {"set": "较差"})], [], "好"),
        ([rule("c", {"flag": "x"}, {"cap": "较好"})], ["x"], "较好"),
        ([rule("d", {"flag": "x"}, {"downgrade": 1})], ["x"], "较好"),
        ([rule("d", {"flag": "x"}, {"downgrade": 9})], ["x"], "较差"),  # not below the last
        # several sets: the lowest wins; a cap beats a set; downgrade comes last
        (
            [
                rule("s1", {"flag": "x"}, {"set": "一般"}),
                rule("s2", {"flag": "x"}, {"set": "较好"}),
            ],
            ["x"],
            "一般",
        ),
        (
            [rule("s", {"flag": "x"}, {"set": "好"}), rule("c", {"flag": "x"}, {"cap": "较好"})],
            ["x"],
            "较好",
        ),
        (
            [rule("c", {"flag": "x"}, {"cap": "较好"}), rule("d", {"flag": "x"}, {"downgrade": 1})],
            ["x"],
            "一般",
        ),
        ([rule("n", {"not": {"flag": "x"}}, {"cap": "一般"})], [], "一般"),
        (
            [rule("a", {"all": [{"flag": "x"}, {"flag": "y"}]}, {"cap": "一般"})],
            ["x"],
            "好",
        ),
        (
            [rule("a", {"any": [{"flag": "x"}, {"flag": "y"}]}, {"cap": "一般"})],
            ["y"],
            "一般",
        ),
    ],
)
def test_grade_rules(rules: list[dict[str, Any]], flags: list[str], expected: str) -> None:
    result = run(scheme([{"id": "a", "inputs": {"score": 95}, "flags": flags}], rules=rules))
    assert grades(result)["a"] == expected


def test_a_set_lifts_a_grade_above_its_band() -> None:
    rules = [rule("affirm", {"flag": "x"}, {"set": "好"})]
    result = run(scheme([{"id": "a", "inputs": {"score": 70}, "flags": ["x"]}], rules=rules))
    assert grades(result)["a"] == "好"
    assert [step["step"] for step in result.scheme("s").results[0].trace] == [
        "score",
        "band",
        "rule",
    ]


@pytest.mark.parametrize(
    ("op", "value", "score", "expected"),
    [
        ("below", 90, 89, True),
        ("below", 90, 90, False),
        ("at_least", 90, 90, True),
        ("above", 90, 90, False),
        ("above", 90, 91, True),
        ("at_most", 90, 90, True),
        ("equals", 90, 90, True),
        ("equals", 90, "90.0", True),
    ],
)
def test_input_comparisons(op: str, value: Any, score: Any, expected: bool) -> None:
    rules = [rule("r", {"input": "ballot", op: value}, {"cap": "一般"})]
    targets = [{"id": "a", "inputs": {"score": 95, "ballot": Decimal(str(score))}}]
    assert (grades(run(scheme(targets, rules=rules)))["a"] == "一般") is expected


def test_list_inputs_lacks_and_contains() -> None:
    rules = [
        rule("no_excellent", {"input": "ratings", "lacks": "优秀"}, {"cap": "较好"}),
        rule("poor", {"input": "ratings", "contains": "差"}, {"cap": "一般"}),
    ]
    targets = [
        {"id": "a", "inputs": {"score": 95, "ratings": ["优秀", "良好"]}},
        {"id": "b", "inputs": {"score": 95, "ratings": ["良好"]}},
        {"id": "c", "inputs": {"score": 95, "ratings": ["优秀", "差"]}},
        {"id": "d", "inputs": {"score": 95, "ratings": []}},
    ]
    assert grades(run(scheme(targets, rules=rules))) == {
        "a": "好",
        "b": "较好",
        "c": "一般",
        "d": "较好",
    }


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ({"rank": {"last": True}}, {"t4": "一般", "t5": "一般"}),  # tied at the bottom: p = 1
        ({"rank": {"bottom": 3}}, {"t3": "一般", "t4": "一般", "t5": "一般"}),
        ({"rank": {"top": 1}}, {"t1": "一般"}),
    ],
)
def test_rank_conditions(when: dict[str, Any], expected: dict[str, str]) -> None:
    result = run(scheme(scored(95, 94, 93, 92, 92), rules=[rule("r", when, {"cap": "一般"})]))
    capped = {target: grade for target, grade in grades(result).items() if grade == "一般"}
    assert capped == expected


def test_grade_of_self_and_unit() -> None:
    units = [{"id": "u1", "category": "镇"}, {"id": "u2", "category": "镇"}]
    cadres = [
        {"id": "c1", "unit": "u1", "role": "principal"},
        {"id": "c2", "unit": "u2", "role": "principal"},
    ]
    team = scheme(
        [{"id": "u1", "inputs": {"score": 95}}, {"id": "u2", "inputs": {"score": 70}}],
        id="team",
        subject="team",
        group_by="category",
    )
    cadre = scheme(
        [{"id": "c1", "inputs": {"score": 95}}, {"id": "c2", "inputs": {"score": 95}}],
        id="cadre",
        subject="cadre",
        grades=["优秀", "称职", "基本称职", "不称职"],
        bands={"优秀": 90, "称职": 60, "基本称职": 40},
        rules=[
            rule(
                "weak_team",
                {
                    "all": [
                        {"role": "principal"},
                        {"grade_of": {"scheme": "team", "of": "unit", "at_most": "一般"}},
                    ]
                },
                {"cap": "称职"},
                soft=True,
            )
        ],
    )
    # the cadre scheme is written first: it is still evaluated after the team scheme
    result = evaluate(document(cadre, team, entities={"units": units, "cadres": cadres}))
    assert grades(result, "cadre") == {"c1": "优秀", "c2": "称职"}
    assert [s.id for s in result.schemes] == ["cadre", "team"]


def test_entity_and_unit_flag_conditions() -> None:
    units = [
        {"id": "u1", "kind": "school", "flags": ["群体性事件"]},
        {"id": "u2", "kind": "hospital"},
    ]
    cadres = [
        {"id": "a", "unit": "u1", "role": "principal"},
        {"id": "b", "unit": "u2", "role": "principal"},
    ]
    rules = [
        rule(
            "incident",
            {"all": [{"role": "principal"}, {"unit_flag": "群体性事件"}]},
            {"cap": "称职"},
        ),
        rule("hospital", {"entity": {"unit.kind": "hospital"}}, {"require": "报卫健委"}),
    ]
    cadre = scheme(
        [{"id": "a", "inputs": {"score": 95}}, {"id": "b", "inputs": {"score": 95}}],
        subject="cadre",
        grades=["优秀", "称职", "基本称职", "不称职"],
        bands={"优秀": 90, "称职": 60, "基本称职": 40},
        rules=rules,
    )
    result = run(cadre, entities={"units": units, "cadres": cadres})
    assert grades(result) == {"a": "称职", "b": "优秀"}
    assert field(result, "requires") == {"a": [], "b": ["报卫健委"]}


def test_require_sees_the_final_grade_after_quotas() -> None:
    rules = [rule("explain", {"grade": {"at_most": "较好"}}, {"require": "书面说明"})]
    result = run(scheme(scored(95, 94), quotas=[{"grade": "好", "ratio": "0.5"}], rules=rules))
    assert grades(result) == {"t1": "好", "t2": "较好"}
    assert field(result, "requires") == {"t1": [], "t2": ["书面说明"]}


def test_exclude_and_pending_rules() -> None:
    rules = [
        rule("trainee", {"flag": "trainee"}, {"exclude": "由派出单位考核"}),
        rule("punished", {"flag": "记过"}, {"pending": "受处分当年不定等次"}),
    ]
    targets = scored(95, 94, 93, 60)
    targets[0]["flags"] = ["trainee"]
    targets[1]["flags"] = ["记过"]
    result = run(scheme(targets, rules=rules, quotas=[{"grade": "好", "ratio": "0.34"}]))
    assert field(result, "status") == {
        "t1": "excluded",
        "t2": "pending",
        "t3": "graded",
        "t4": "graded",
    }
    assert field(result, "rank") == {"t1": None, "t2": 1, "t3": 2, "t4": 3}
    assert field(result, "score")["t1"] is None
    (quota,) = result.scheme("s").quotas
    assert (quota.base, quota.slots, quota.used) == (3, 1, 1)  # the pending one counts in the base
    assert grades(result) == {"t1": None, "t2": None, "t3": "好", "t4": "一般"}


# --- quotas --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rounding", "base", "ratio", "slots"),
    [
        ("floor", 7, "0.3", 2),
        ("half_up", 7, "0.3", 2),
        ("ceil", 7, "0.3", 3),
        ("floor", 5, "0.3", 1),
        ("half_up", 5, "0.3", 2),  # 1.5 → 2
        ("floor", 10, "0.3", 3),
        ("ceil", 10, "0.3", 3),  # exact: no rounding up
        ("floor", 3, "0.2", 0),
    ],
)
def test_quota_rounding_policies(rounding: str, base: int, ratio: str, slots: int) -> None:
    result = run(
        scheme(scored(*range(99, 99 - base, -1)), quotas=[{"grade": "好", "ratio": ratio}]),
        policy={"quota_rounding": rounding},
    )
    (quota,) = result.scheme("s").quotas
    assert (quota.base, quota.slots) == (base, slots)
    assert sum(1 for grade in grades(result).values() if grade == "好") == slots


def test_quotas_are_cumulative_and_applied_best_first() -> None:
    quotas = [{"grade": "好", "ratio": "0.2"}, {"grade": "较好", "ratio": "0.5"}]
    result = run(scheme(scored(99, 98, 97, 96, 95, 85, 84, 83, 82, 81), quotas=quotas))
    assert list(grades(result).values()) == [
        "好",
        "好",
        "较好",
        "较好",
        "较好",
        "一般",
        "一般",
        "一般",
        "一般",
        "一般",
    ]


def test_a_tie_straddling_the_cut_off_is_held_and_marked() -> None:
    result = run(scheme(scored(95, 93, 93, 80), quotas=[{"grade": "好", "ratio": "0.5"}]))
    assert grades(result) == {"t1": "好", "t2": "较好", "t3": "较好", "t4": "较好"}
    assert field(result, "needs_decision") == {"t1": False, "t2": True, "t3": True, "t4": False}


def test_a_tie_inside_the_slots_is_not_held() -> None:
    result = run(scheme(scored(93, 93, 91, 80), quotas=[{"grade": "好", "ratio": "0.5"}]))
    assert grades(result) == {"t1": "好", "t2": "好", "t3": "较好", "t4": "较好"}
    assert not any(field(result, "needs_decision").values())


def test_tie_breakers_settle_a_tie_at_the_cut_off() -> None:
    targets = scored(95, 93, 93, 80)
    for target, leader in zip(targets, (90, 85, 88, 70), strict=True):
        target["inputs"]["leader"] = leader
    result = run(scheme(targets, quotas=[{"grade": "好", "ratio": "0.5"}], tie_breakers=["leader"]))
    assert grades(result) == {"t1": "好", "t2": "较好", "t3": "好", "t4": "较好"}


def test_the_exceed_policy_lets_a_whole_tie_in() -> None:
    result = run(
        scheme(scored(95, 93, 93, 80), quotas=[{"grade": "好", "ratio": "0.5"}]),
        policy={"ties_at_cutoff": "exceed"},
    )
    assert grades(result) == {"t1": "好", "t2": "好", "t3": "好", "t4": "较好"}


def test_set_grades_take_slots_first() -> None:
    targets = scored(99, 98, 70)
    targets[2]["flags"] = ["affirmed"]
    rules = [rule("affirm", {"flag": "affirmed"}, {"set": "好"})]
    result = run(scheme(targets, rules=rules, quotas=[{"grade": "好", "ratio": "0.67"}]))
    assert grades(result) == {"t1": "好", "t2": "较好", "t3": "好"}


def test_ratio_by_unit_flag_takes_the_largest_that_applies() -> None:
    units = [{"id": "u1", "flags": ["先进集体", "文明单位"]}, {"id": "u2"}]
    cadres = [{"id": f"a{i}", "unit": "u1"} for i in range(10)] + [
        {"id": f"b{i}", "unit": "u2"} for i in range(10)
    ]
    targets = [{"id": c["id"], "inputs": {"score": 99 - i % 10}} for i, c in enumerate(cadres)]
    quota = {
        "grade": "优秀",
        "ratio": "0.2",
        "ratio_by_unit_flag": {"先进集体": "0.25", "文明单位": "0.3"},
    }
    cadre = scheme(
        targets,
        subject="cadre",
        grades=["优秀", "称职", "基本称职", "不称职"],
        bands={"优秀": 90, "称职": 60, "基本称职": 40},
        quotas=[quota],
    )
    result = run(cadre, entities={"units": units, "cadres": cadres})
    slots = {q.group: q.slots for q in result.scheme("s").quotas}
    assert slots == {"u1": 3, "u2": 2}


# --- placement -----------------------------------------------------------------------


def cadre_scheme(cadres: list[dict[str, Any]], **fields: Any) -> dict[str, Any]:
    return scheme(
        [{"id": c["id"], "inputs": {"score": 95}} for c in cadres],
        subject="cadre",
        grades=["优秀", "称职", "基本称职", "不称职"],
        bands={"优秀": 90, "称职": 60, "基本称职": 40},
        **fields,
    )


@pytest.mark.parametrize(
    ("cadre", "group", "status", "in_base"),
    [
        ({"unit": "home"}, "home", "graded", True),
        ({"unit": "home", "retired_on": "2023-12-31"}, "home", "excluded", False),
        ({"unit": "home", "retired_on": "2024-01-01"}, "home", "graded", True),
        ({"unit": "home", "village_team": True}, "home", "excluded", False),
        ({"unit": "home", "role": "principal"}, "单列", "graded", True),
        ({"unit": "home", "secondment": {"level": "city", "host": "host", "months": 12}}, "host", "graded", False),
        ({"unit": "home", "secondment": {"level": "central", "host": "host", "months": 1}}, "host", "graded", False),
        ({"unit": "home", "secondment": {"level": "county", "host": "host", "months": 6}}, "host", "graded", True),
        ({"unit": "home", "secondment": {"level": "county", "host": "host", "months": "5.9"}}, "home", "graded", True),
        ({"unit": "home", "investigation": "open"}, "home", "pending", True),
        ({"unit": "home", "investigation": "closed"}, "home", "graded", True),
        ({"unit": "home", "role": "principal", "village_team": True}, "home", "excluded", False),
    ],
)  # fmt: skip
def test_placement(cadre: dict[str, Any], group: str, status: str, in_base: bool) -> None:
    units = [{"id": "home"}, {"id": "host"}]
    cadres = [{"id": "c", **cadre}]
    result = run(cadre_scheme(cadres), entities={"units": units, "cadres": cadres})
    (item,) = result.scheme("s").results
    assert (item.group, item.status, item.in_base) == (group, status, in_base)
    assert (item.grade is None) is (status != "graded")


def test_secondment_minimum_months_is_configurable() -> None:
    units = [{"id": "home"}, {"id": "host"}]
    cadres = [
        {"id": "c", "unit": "home", "secondment": {"level": "county", "host": "host", "months": 4}}
    ]
    result = run(
        cadre_scheme(cadres, secondment_min_months=3), entities={"units": units, "cadres": cadres}
    )
    assert result.scheme("s").results[0].group == "host"


# --- bottom share and warnings -------------------------------------------------------


def periodic(scores_by_period: dict[str, list[int]]) -> list[dict[str, Any]]:
    count = len(next(iter(scores_by_period.values())))
    return [
        {
            "id": f"t{i + 1}",
            "inputs": {"score": 95},
            "periods": {period: scores[i] for period, scores in scores_by_period.items()},
        }
        for i in range(count)
    ]


@pytest.mark.parametrize(
    ("count", "capped"),
    [(3, []), (4, ["t4"]), (7, ["t7"]), (8, ["t7", "t8"])],
)
def test_bottom_share_counts_places_from_the_bottom(count: int, capped: list[str]) -> None:
    # with N = 8 and R = 0.25 the last two; with N = 7 only the last; N = 3: 0.75 → none
    scores = list(range(90, 90 - count, -1))
    targets = periodic({"Q1": scores, "Q2": scores})
    rules = [rule("b", {"bottom_share": {"ratio": "0.25", "consecutive": 2}}, {"cap": "较好"})]
    result = run(scheme(targets, rules=rules))
    assert sorted(t for t, g in grades(result).items() if g == "较好") == capped


def test_bottom_share_needs_adjacent_periods() -> None:
    targets = periodic({"Q1": [90, 80], "Q2": [80, 90], "Q3": [90, 80], "Q4": [90, 80]})
    rules = [rule("b", {"bottom_share": {"ratio": "0.5", "consecutive": 2}}, {"cap": "较好"})]
    result = run(scheme(targets, rules=rules))
    # t1 is at the bottom in Q2 only; t2 in Q1, then again in Q3 and Q4 (adjacent)
    assert grades(result) == {"t1": "好", "t2": "较好"}
    targets = periodic({"Q1": [90, 80], "Q2": [80, 90], "Q3": [90, 80], "Q4": [80, 90]})
    assert grades(run(scheme(targets, rules=rules))) == {"t1": "好", "t2": "好"}


def test_warnings_with_ties_and_per_group_bottoms() -> None:
    targets = periodic({"Q1": [90, 85, 70, 70, 60]})
    targets.extend(
        {"id": f"z{i}", "group": "镇街", "inputs": {"score": 90}, "periods": {"Q1": s}}
        for i, s in enumerate([90, 85, 60, 60])
    )
    warnings = {"bottom": 2, "bottom_by_group": {"镇街": 1}, "levels": ["红", "黄"]}
    result = run(scheme(targets, warnings=warnings))
    found = sorted((w.target, w.level) for w in result.scheme("s").warnings)
    assert found == [("t3", "黄"), ("t4", "黄"), ("t5", "红"), ("z2", "红"), ("z3", "红")]


# --- awards --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("history", "grade_score", "earned"),
    [
        ({2021: "好", 2022: "好"}, 95, True),
        ({2020: "好", 2021: "好", 2022: "好"}, 95, False),  # the run started again in 2022
        ({2019: "好", 2020: "好", 2021: "好", 2022: "好"}, 95, False),
        ({2018: "好", 2019: "好", 2020: "好", 2021: "好", 2022: "好"}, 95, True),
        ({2020: "好", 2022: "好"}, 95, False),  # a year missing breaks the run
        ({2021: "好", 2022: "好"}, 85, False),
    ],
)
def test_awards_for_consecutive_years(
    history: dict[int, str], grade_score: int, earned: bool
) -> None:
    targets = [{"id": "a", "inputs": {"score": grade_score}, "history": history}]
    result = run(scheme(targets, awards=[{"name": "三等功", "grade": "好", "consecutive": 3}]))
    assert (result.scheme("s").results[0].awards == ["三等功"]) is earned


# --- ballots -------------------------------------------------------------------------


def ballot_scheme(sheets: list[dict[str, Any]], **ballots: Any) -> dict[str, Any]:
    settings = {
        "into": "ballot",
        "choices": {"优秀": 100, "称职": 80, "基本称职": 60, "不称职": 0},
        "rater_weights": {"上级": "0.3", "同级": "0.3", "下级": "0.4"},
        "max_share": {"优秀": "0.2"},
        "sheets": sheets,
    }
    settings.update(ballots)
    return scheme(
        [{"id": f"c{i}"} for i in range(1, 6)],
        score="ballot",
        ballots=settings,
    )


def test_rater_weights_are_rescaled_over_the_classes_present() -> None:
    sheets = [
        {
            "rater": "上级",
            "marks": {"c1": "优秀", "c2": "称职", "c3": "称职", "c4": "称职", "c5": "称职"},
        },
        {
            "rater": "下级",
            "marks": {"c1": "称职", "c2": "称职", "c3": "称职", "c4": "称职", "c5": "称职"},
        },
    ]
    result = run(ballot_scheme(sheets))
    # c1: (0.3 × 100 + 0.4 × 80) / 0.7 = 88.571…
    assert field(result, "score")["c1"] == Decimal("88.57")


@pytest.mark.parametrize(
    ("sheet", "valid"),
    [
        ({"rater": "上级", "marks": {"c1": "优秀", "c2": "称职"}}, True),
        ({"rater": "上级", "marks": {"c1": "优秀", "c2": "优秀", "c3": "称职", "c4": "称职", "c5": "称职"}}, False),
        ({"rater": "上级", "marks": {"c1": "优秀", "c9": "称职"}}, False),  # unknown target
        ({"rater": "上级", "marks": {"c1": "很好"}}, False),  # not a choice
        ({"rater": "群众", "marks": {"c1": "称职"}}, False),  # rater class without a weight
    ],
)  # fmt: skip
def test_invalid_sheets_count_nowhere(sheet: dict[str, Any], valid: bool) -> None:
    # a sheet of 2 marks allows floor(0.4) = 0 优秀 ... so give the rest a valid sheet
    base = {"rater": "下级", "marks": {f"c{i}": "称职" for i in range(1, 6)}}
    settings = {"max_share": {"优秀": "0.5"}} if len(sheet["marks"]) == 2 else {}
    result = run(ballot_scheme([base, sheet], **settings))
    c1 = next(b for b in result.scheme("s").ballots if b.target == "c1")
    assert (c1.valid, c1.invalid) == ((2, 0) if valid else (1, 1))


def test_a_target_no_valid_sheet_marks_is_refused_by_name() -> None:
    from kaohe.engine import ScenarioError

    sheets = [{"rater": "上级", "marks": {"c1": "称职", "c2": "称职", "c3": "称职", "c4": "称职"}}]
    with pytest.raises(ScenarioError) as raised:
        run(ballot_scheme(sheets))
    assert raised.value.path == "schemes[0].targets[4].inputs.ballot"
    assert raised.value.code == "no_ballot_marks"


def test_sheets_may_be_a_generator() -> None:
    def sheets() -> Any:
        for _ in range(3):
            yield {"rater": "同级", "marks": {f"c{i}": "称职" for i in range(1, 6)}}

    result = run(ballot_scheme(sheets()))  # type: ignore[arg-type]
    assert [b.valid for b in result.scheme("s").ballots] == [3, 3, 3, 3, 3]
    assert field(result, "score")["c1"] == 80
