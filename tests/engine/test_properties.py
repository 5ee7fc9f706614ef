"""Properties of the engine, checked on generated scenarios (hypothesis)."""

from __future__ import annotations

import copy
import random
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kaohe.engine import Result, ScenarioError, evaluate

GRADES = ["好", "较好", "一般", "较差"]
GROUPS = ["镇街", "部门", "学校"]
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

scores = st.decimals(min_value=50, max_value=100, places=2, allow_nan=False, allow_infinity=False)
target_rows = st.lists(
    st.tuples(scores, st.sampled_from(GROUPS), st.sets(st.sampled_from(["veto", "weak", "fake"])),
              st.integers(min_value=0, max_value=3)),
    min_size=1,
    max_size=25,
)  # fmt: skip


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, Any]:
    rows = draw(target_rows)
    quota_ratio = draw(st.decimals(min_value=0, max_value=1, places=2))
    second_ratio = draw(st.decimals(min_value=quota_ratio, max_value=1, places=2))
    rounding = draw(st.sampled_from(["floor", "half_up", "ceil"]))
    targets = [
        {
            "id": f"t{i}",
            "group": group,
            "flags": sorted(flags),
            "inputs": {"score": score, "leader": Decimal(leader)},
            "periods": {"Q1": score - leader, "Q2": score + leader},
        }
        for i, (score, group, flags, leader) in enumerate(rows)
    ]
    return {
        "format": "kaohe-scenario/1",
        "year": 2023,
        "policy": {"quota_rounding": rounding},
        "schemes": [
            {
                "id": "s",
                "subject": "unit",
                "grades": GRADES,
                "bands": {"好": 90, "较好": 80, "一般": 60},
                "quotas": [
                    {"grade": "好", "ratio": quota_ratio},
                    {"grade": "较好", "ratio": second_ratio},
                ],
                "tie_breakers": ["leader"],
                "rules": [
                    {"id": "veto", "when": {"flag": "veto"}, "then": {"set": "较差"}},
                    {"id": "weak", "when": {"flag": "weak"}, "then": {"cap": "较好"}},
                    {"id": "fake", "when": {"flag": "fake"}, "then": {"downgrade": 1}},
                    {"id": "last", "when": {"rank": {"last": True}}, "then": {"cap": "一般"}},
                    {"id": "bottom", "when": {"bottom_share": {"ratio": "0.25", "consecutive": 2}},
                     "then": {"cap": "较好"}},
                    {"id": "explain", "when": {"grade": {"at_most": "一般"}}, "then": {"require": "书面说明"}},
                ],
                "warnings": {"bottom": 2, "levels": ["红", "黄"]},
                "targets": targets,
            }
        ],
    }  # fmt: skip


def by_target(result: Result) -> dict[str, dict[str, Any]]:
    return {item["target"]: item for item in result.to_dict("en")["schemes"][0]["results"]}


@SETTINGS
@given(scenarios())
def test_quotas_are_never_exceeded(doc: dict[str, Any]) -> None:
    result = evaluate(doc).scheme("s")
    for quota in result.quotas:
        level = GRADES.index(quota.grade)
        members = [r for r in result.results if r.group == quota.group and r.grade is not None]
        used = sum(1 for r in members if GRADES.index(r.grade or "") <= level)
        assert used == quota.used <= quota.slots


@SETTINGS
@given(scenarios(), st.randoms(use_true_random=False))
def test_shuffling_the_targets_changes_nothing(doc: dict[str, Any], rng: random.Random) -> None:
    shuffled = copy.deepcopy(doc)
    rng.shuffle(shuffled["schemes"][0]["targets"])
    first, second = evaluate(doc), evaluate(shuffled)
    assert by_target(first) == by_target(second)
    key = lambda row: sorted(map(str, row.values()))  # noqa: E731
    for part in ("quotas", "warnings", "violations"):
        one = first.to_dict("en")["schemes"][0][part]
        two = second.to_dict("en")["schemes"][0][part]
        assert sorted(map(key, one)) == sorted(map(key, two))


@SETTINGS
@given(scenarios(), st.data())
def test_raising_a_score_never_lowers_the_grade(doc: dict[str, Any], data: st.DataObject) -> None:
    targets = doc["schemes"][0]["targets"]
    index = data.draw(st.integers(min_value=0, max_value=len(targets) - 1))
    raise_by = data.draw(st.decimals(min_value="0.01", max_value=30, places=2))
    before = evaluate(doc).scheme("s").results[index]
    raised = copy.deepcopy(doc)
    raised["schemes"][0]["targets"][index]["inputs"]["score"] += raise_by
    after = evaluate(raised).scheme("s").results[index]
    assert GRADES.index(after.grade or "") <= GRADES.index(before.grade or "")


@SETTINGS
@given(scenarios())
def test_every_graded_target_has_a_trace_that_ends_in_its_grade(doc: dict[str, Any]) -> None:
    for item in evaluate(doc).scheme("s").results:
        assert item.status == "graded"
        assert item.trace[-1]["grade"] == item.grade
        assert [step["step"] for step in item.trace][:2] == ["score", "band"]


JUNK = [None, "x", -1, [], {}, True, Decimal("1.5"), "好", {"a": 1}]


@SETTINGS
@given(scenarios(), st.randoms(use_true_random=False))
def test_bad_input_never_yields_a_partial_result(doc: dict[str, Any], rng: random.Random) -> None:
    """Put junk in one random place: the engine either refuses the whole document with a
    ScenarioError or returns a result for every target; no other exception escapes."""
    broken = copy.deepcopy(doc)
    places: list[tuple[Any, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                places.append((node, key))
                walk(value)
        elif isinstance(node, list):
            for i, value in enumerate(node):
                places.append((node, i))
                walk(value)

    walk(broken)
    container, key = rng.choice(places)
    container[key] = rng.choice(JUNK)
    try:
        result = evaluate(broken)
    except ScenarioError as error:
        assert error.message("zh") and error.message("en")
        return
    assert len(result.schemes) == len(broken["schemes"])
    for scheme_result, scheme in zip(result.schemes, broken["schemes"], strict=True):
        assert len(scheme_result.results) == len(scheme.get("targets", []))
