"""Every example scenario of ``shared/scenarios`` gives its expected result.

The files are copied into ``tests/engine/scenarios`` so the suite runs on its own; a
test checks that the copies are in step with ``../shared/scenarios`` where it exists.
Only the fields an ``expect`` names are compared, as ``scenarios/README.md`` says.
"""

from __future__ import annotations

import filecmp
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from kaohe.engine import Result, ScenarioError, evaluate, load_path

HERE = Path(__file__).parent / "scenarios"
SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "scenarios"
FILES = sorted(HERE.glob("*.yaml"))


def test_the_copies_are_in_step_with_shared() -> None:
    if not SHARED.is_dir():
        pytest.skip("../shared/scenarios is not beside the checkout")
    shared = sorted(path.name for path in SHARED.glob("*.yaml"))
    assert shared == [path.name for path in FILES], (
        "copy the new scenarios into tests/engine/scenarios"
    )
    for name in shared:
        assert filecmp.cmp(SHARED / name, HERE / name, shallow=False), f"{name} differs from shared"


def same(actual: Any, expected: Any) -> bool:
    if expected is None:
        return actual is None
    if isinstance(expected, (int, float, Decimal)) and not isinstance(expected, bool):
        return actual is not None and Decimal(str(actual)) == Decimal(str(expected))
    if isinstance(expected, list):
        return (
            isinstance(actual, list)
            and len(actual) == len(expected)
            and all(same(a, e) for a, e in zip(actual, expected, strict=True))
        )
    return bool(actual == expected)


def check_targets(result: Result, scheme_id: str, expected: dict[str, dict[str, Any]]) -> list[str]:
    problems: list[str] = []
    scheme = result.scheme(scheme_id).to_dict("en")
    by_target = {item["target"]: item for item in scheme["results"]}
    for target, fields in expected.items():
        actual = by_target.get(target)
        if actual is None:
            problems.append(f"{scheme_id}.{target}: no result")
            continue
        for field, value in fields.items():
            if not same(actual[field], value):
                problems.append(
                    f"{scheme_id}.{target}.{field}: {actual[field]!r}, expected {value!r}"
                )
    return problems


def multiset(rows: list[list[Any]]) -> Counter[tuple[str, ...]]:
    return Counter(tuple(str(cell) for cell in row) for row in rows)


@pytest.mark.parametrize("path", FILES, ids=[path.stem for path in FILES])
def test_scenario_gives_its_expected_result(path: Path) -> None:
    document = load_path(path)
    expect = document["expect"]
    if "_error" in expect:
        with pytest.raises(ScenarioError) as raised:
            evaluate(document)
        assert expect["_error"] in raised.value.path
        return
    result = evaluate(document)
    problems: list[str] = []
    for key, value in expect.items():
        if not key.startswith("_"):
            problems += check_targets(result, key, value)
    for scheme_id, rows in expect.get("_warnings", {}).items():
        actual = [[w.target, w.period, w.level] for w in result.scheme(scheme_id).warnings]
        if multiset(actual) != multiset(rows):
            problems.append(f"{scheme_id} warnings: {actual}, expected {rows}")
    for scheme_id, rows in expect.get("_quotas", {}).items():
        actual = [[q.group, q.grade, q.base, q.slots] for q in result.scheme(scheme_id).quotas]
        if multiset(actual) != multiset(rows):
            problems.append(f"{scheme_id} quotas: {actual}, expected {rows}")
    for scheme_id, rows in expect.get("_violations", {}).items():
        actual = [[v.target, v.rule, v.severity] for v in result.scheme(scheme_id).violations]
        if multiset(actual) != multiset(rows):
            problems.append(f"{scheme_id} violations: {actual}, expected {rows}")
    for scheme_id, targets in expect.get("_ballots", {}).items():
        ballots = {b.target: b for b in result.scheme(scheme_id).ballots}
        for target, fields in targets.items():
            for field, value in fields.items():
                if getattr(ballots[target], field) != value:
                    problems.append(
                        f"{scheme_id} ballots {target}.{field}: {getattr(ballots[target], field)}"
                    )
    for scheme_id, targets in expect.get("_awards", {}).items():
        for target, awards in targets.items():
            actual = result.scheme(scheme_id).result_for(target).awards
            if actual != awards:
                problems.append(f"{scheme_id} awards {target}: {actual}, expected {awards}")
    assert not problems, "\n".join(problems)


def test_every_expectation_kind_is_understood() -> None:
    known = {"_warnings", "_quotas", "_violations", "_ballots", "_awards", "_error"}
    for path in FILES:
        expect = load_path(path)["expect"]
        unknown = {key for key in expect if key.startswith("_")} - known
        assert not unknown, f"{path.name}: the test does not compare {unknown}"
