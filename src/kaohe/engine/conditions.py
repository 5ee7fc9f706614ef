"""Rule conditions compiled into plain functions of a target's state."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING

from kaohe.engine.errors import ScenarioError
from kaohe.engine.model import (
    AllCond,
    AnyCond,
    BottomShareCond,
    Condition,
    DutyCond,
    EntityCond,
    FlagCond,
    GradeCond,
    GradeOfCond,
    InputCompare,
    InputMember,
    NotCond,
    RankCond,
    RoleCond,
)

if TYPE_CHECKING:
    from kaohe.engine.evaluate import State

Predicate = Callable[["State"], bool]
GradesBySchemes = Mapping[str, Mapping[str, int | None]]


def compare_grade(op: str, grade: int, expected: int) -> bool:
    """Grades are indexes, 0 the best: ``at_most: 较好`` is 较好 or worse."""
    if op == "is":
        return grade == expected
    if op == "at_most":
        return grade >= expected
    if op == "below":
        return grade > expected
    return grade <= expected  # at_least


def compile_condition(cond: Condition, grades_of: GradesBySchemes, scheme_path: str) -> Predicate:
    if isinstance(cond, FlagCond):
        flag = cond.flag
        if cond.of_unit:
            return lambda state: flag in state.unit_flags
        return lambda state: flag in state.flags
    if isinstance(cond, InputCompare):
        return _input_compare(cond, scheme_path)
    if isinstance(cond, InputMember):
        return _input_member(cond, scheme_path)
    if isinstance(cond, GradeOfCond):
        other = grades_of[cond.scheme]
        op, expected, of_unit = cond.op, cond.grade, cond.of == "unit"

        def grade_of(state: State) -> bool:
            key = state.home_unit if of_unit else state.target.id
            grade = other.get(key) if key is not None else None
            return grade is not None and compare_grade(op, grade, expected)

        return grade_of
    if isinstance(cond, RankCond):
        k = cond.k
        if cond.kind == "top":
            return lambda state: state.rank is not None and state.rank <= k
        return lambda state: state.place is not None and state.place <= k
    if isinstance(cond, BottomShareCond):
        return _bottom_share(cond)
    if isinstance(cond, RoleCond):
        role = cond.role
        return lambda state: state.cadre is not None and state.cadre.role == role
    if isinstance(cond, DutyCond):
        duty = cond.duty
        return lambda state: state.cadre is not None and duty in state.cadre.duties
    if isinstance(cond, EntityCond):
        return _entity(cond)
    if isinstance(cond, GradeCond):
        op, expected = cond.op, cond.grade
        return lambda state: state.grade is not None and compare_grade(op, state.grade, expected)
    if isinstance(cond, AllCond):
        parts = [compile_condition(item, grades_of, scheme_path) for item in cond.items]
        return lambda state: all(part(state) for part in parts)
    if isinstance(cond, AnyCond):
        parts = [compile_condition(item, grades_of, scheme_path) for item in cond.items]
        return lambda state: any(part(state) for part in parts)
    assert isinstance(cond, NotCond)
    inner = compile_condition(cond.item, grades_of, scheme_path)
    return lambda state: not inner(state)


def _input_compare(cond: InputCompare, scheme_path: str) -> Predicate:
    name, op, limit = cond.input, cond.op, cond.value

    def check(state: State) -> bool:
        value = state.input(name, scheme_path)
        if not isinstance(value, Decimal):
            raise ScenarioError(
                f"{scheme_path}.targets[{state.target.position}].inputs.{name}",
                "input_not_number",
                input=name,
            )
        if op == "below":
            return value < limit
        if op == "at_least":
            return value >= limit
        if op == "above":
            return value > limit
        if op == "at_most":
            return value <= limit
        return value == limit

    return check


def _input_member(cond: InputMember, scheme_path: str) -> Predicate:
    name, lacks, member = cond.input, cond.op == "lacks", cond.value

    def check(state: State) -> bool:
        value = state.input(name, scheme_path)
        if isinstance(value, Decimal):
            raise ScenarioError(
                f"{scheme_path}.targets[{state.target.position}].inputs.{name}",
                "input_not_list",
                input=name,
            )
        return (member not in value) if lacks else (member in value)

    return check


def _bottom_share(cond: BottomShareCond) -> Predicate:
    share, needed = cond.ratio, cond.consecutive

    def check(state: State) -> bool:
        run = 0
        for entry in state.period_places:
            if entry is not None and entry[0] <= share * entry[1]:
                run += 1
                if run >= needed:
                    return True
            else:
                run = 0
        return False

    return check


def _entity(cond: EntityCond) -> Predicate:
    key, expected = cond.key, cond.value
    unit_key = key[5:] if key.startswith("unit.") else None

    def check(state: State) -> bool:
        attrs = state.unit_attrs if unit_key is not None else state.attrs
        actual = attrs.get(unit_key if unit_key is not None else key)
        if isinstance(actual, (list, tuple)):
            return expected in actual
        return actual == expected

    return check
