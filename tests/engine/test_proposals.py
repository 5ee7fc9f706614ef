"""Checks of proposed grades (a committee's 等次建议) against bands, rules and quotas."""

from __future__ import annotations

from typing import Any

from .helpers import run, scheme, scored


def violations(result: Any) -> list[tuple[str, str, str]]:
    return sorted((v.target, v.rule, v.severity) for v in result.scheme("s").violations)


def proposing(scores: list[int], proposals: list[str], **fields: Any) -> Any:
    targets = scored(*scores)
    for target, proposed in zip(targets, proposals, strict=True):
        if proposed:
            target["proposed"] = proposed
    return run(scheme(targets, **fields))


def test_a_lower_grade_than_computed_is_allowed() -> None:
    assert violations(proposing([95, 85], ["较好", "一般"])) == []


def test_a_grade_above_the_band_is_an_error() -> None:
    assert violations(proposing([85], ["好"])) == [("t1", "band", "error")]


def test_breaking_a_soft_cap_is_a_warning_and_a_hard_cap_an_error() -> None:
    rules = [
        {"id": "soft_cap", "when": {"flag": "a"}, "then": {"cap": "较好"}, "soft": True},
        {"id": "hard_cap", "when": {"flag": "b"}, "then": {"cap": "较好"}},
    ]
    targets = scored(95, 95)
    targets[0].update(flags=["a"], proposed="好")
    targets[1].update(flags=["b"], proposed="好")
    result = run(scheme(targets, rules=rules))
    assert violations(result) == [("t1", "soft_cap", "warning"), ("t2", "hard_cap", "error")]


def test_a_set_fixes_the_grade_either_way() -> None:
    rules = [{"id": "affirm", "when": {"flag": "x"}, "then": {"set": "好"}}]
    targets = scored(70, 70, 70)
    for target, proposed in zip(targets, ["好", "较好", "一般"], strict=True):
        target.update(flags=["x"], proposed=proposed)
    result = run(scheme(targets, rules=rules))
    assert violations(result) == [("t2", "affirm", "error"), ("t3", "affirm", "error")]


def test_a_downgrade_is_named_when_the_proposal_ignores_it() -> None:
    rules = [{"id": "falsified", "when": {"flag": "f"}, "then": {"downgrade": 1}}]
    targets = scored(95)
    targets[0].update(flags=["f"], proposed="好")
    assert violations(run(scheme(targets, rules=rules))) == [("t1", "falsified", "error")]


def test_proposals_past_the_quota_are_each_named() -> None:
    result = proposing(
        [95, 94, 93, 92], ["好", "好", "好", "好"], quotas=[{"grade": "好", "ratio": "0.5"}]
    )
    assert violations(result) == [("t3", "quota:好", "error"), ("t4", "quota:好", "error")]


def test_a_soft_quota_gives_warnings() -> None:
    quotas = [{"grade": "好", "ratio": "0.25", "soft": True}]
    result = proposing([95, 94, 93, 92], ["好", "好", "", ""], quotas=quotas)
    assert violations(result) == [("t2", "quota:好", "warning")]


def test_proposals_for_pending_or_excluded_targets_are_errors() -> None:
    rules = [
        {"id": "p", "when": {"flag": "p"}, "then": {"pending": "立案审查"}},
        {"id": "e", "when": {"flag": "e"}, "then": {"exclude": "培训"}},
    ]
    targets = scored(95, 95)
    targets[0].update(flags=["p"], proposed="好")
    targets[1].update(flags=["e"], proposed="较好")
    assert violations(run(scheme(targets, rules=rules))) == [
        ("t1", "status", "error"),
        ("t2", "status", "error"),
    ]
