"""The scenario as frozen value objects, built by ``parse.py`` from plain data.

Grades are kept as indexes into their scheme's ``grades`` (0 is the best grade).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

InputValue = Decimal | tuple[str | Decimal, ...]
Subject = Literal["unit", "team", "cadre"]
Effect = Literal["set", "cap", "downgrade", "pending", "exclude", "require"]


@dataclass(frozen=True, slots=True)
class Unit:
    id: str
    name: str | None
    flags: frozenset[str]
    attrs: Mapping[str, object]


@dataclass(frozen=True, slots=True)
class Secondment:
    level: str  # central | province | city | county
    host: str
    months: Decimal


@dataclass(frozen=True, slots=True)
class Cadre:
    id: str
    name: str | None
    unit: str
    role: str  # principal | member
    duties: frozenset[str]
    secondment: Secondment | None
    village_team: bool
    retired_on: datetime.date | None
    investigation: str | None
    flags: frozenset[str]
    attrs: Mapping[str, object]


@dataclass(frozen=True, slots=True)
class Policy:
    quota_rounding: str  # floor | half_up | ceil
    ties_at_cutoff: str  # hold | exceed


# --- expressions ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WeightedSum:
    terms: tuple[tuple[Decimal, WeightedSum | str], ...]
    plus: tuple[str, ...]
    minus: tuple[str, ...]
    clamp: tuple[Decimal, Decimal] | None


Expression = WeightedSum | str


# --- conditions ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FlagCond:
    flag: str
    of_unit: bool = False  # extension `unit_flag`: the flag of the (cadre's home) unit


@dataclass(frozen=True, slots=True)
class InputCompare:
    input: str
    op: str  # below | at_least | above | at_most | equals
    value: Decimal


@dataclass(frozen=True, slots=True)
class InputMember:
    input: str
    op: str  # lacks | contains
    value: str | Decimal


@dataclass(frozen=True, slots=True)
class GradeOfCond:
    scheme: str
    of: str  # self | unit
    op: str  # is | at_most | below | at_least
    grade: int  # index in the other scheme's grades


@dataclass(frozen=True, slots=True)
class RankCond:
    kind: str  # last | bottom | top
    k: int


@dataclass(frozen=True, slots=True)
class BottomShareCond:
    ratio: Decimal
    consecutive: int


@dataclass(frozen=True, slots=True)
class RoleCond:
    role: str


@dataclass(frozen=True, slots=True)
class DutyCond:
    duty: str


@dataclass(frozen=True, slots=True)
class EntityCond:
    key: str
    value: object


@dataclass(frozen=True, slots=True)
class GradeCond:
    op: str  # is | at_most | below | at_least
    grade: int


@dataclass(frozen=True, slots=True)
class AllCond:
    items: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class AnyCond:
    items: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class NotCond:
    item: Condition


Condition = (
    FlagCond
    | InputCompare
    | InputMember
    | GradeOfCond
    | RankCond
    | BottomShareCond
    | RoleCond
    | DutyCond
    | EntityCond
    | GradeCond
    | AllCond
    | AnyCond
    | NotCond
)


# --- scheme parts --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    when: Condition
    effect: Effect
    grade: int | None  # set, cap
    levels: int  # downgrade
    text: str  # pending, exclude, require
    soft: bool


@dataclass(frozen=True, slots=True)
class Quota:
    grade: int
    ratio: Decimal
    by_grade_of: tuple[str, Mapping[int, Decimal]] | None  # scheme id, grade index -> ratio
    by_unit_flag: Mapping[str, Decimal]
    soft: bool


@dataclass(frozen=True, slots=True)
class Ballots:
    into: str
    choices: Mapping[str, Decimal]
    rater_weights: Mapping[str, Decimal]
    max_share: Mapping[str, Decimal]
    sheets: Iterable[object]
    path: str


@dataclass(frozen=True, slots=True)
class Warnings:
    bottom: int
    bottom_by_group: Mapping[str, int]
    levels: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Award:
    name: str
    grade: int
    consecutive: int


@dataclass(frozen=True, slots=True)
class Target:
    id: str
    position: int
    group: str | None
    inputs: Mapping[str, InputValue]
    flags: frozenset[str]
    periods: Mapping[str, Decimal]
    proposed: int | None
    history: Mapping[int, int]


@dataclass(frozen=True, slots=True)
class Scheme:
    id: str
    position: int
    name: str | None
    subject: Subject
    grades: tuple[str, ...]
    score: Expression
    precision: int
    bands: tuple[tuple[int, Decimal], ...]  # (grade, inclusive minimum), best first
    bands_by_group: Mapping[str, tuple[tuple[int, Decimal], ...]]
    group_by: str | None
    default_group: str
    principal_group: str
    secondment_min_months: Decimal
    quotas: tuple[Quota, ...]
    tie_breakers: tuple[str, ...]
    rules: tuple[Rule, ...]
    ballots: Ballots | None
    warnings: Warnings | None
    awards: tuple[Award, ...]
    targets: tuple[Target, ...]
    periods: tuple[str, ...]
    policy: Policy
    depends_on: frozenset[str]

    @property
    def path(self) -> str:
        return f"schemes[{self.position}]"


@dataclass(frozen=True, slots=True)
class Scenario:
    year: int
    policy: Policy
    units: Mapping[str, Unit]
    cadres: Mapping[str, Cadre]
    schemes: tuple[Scheme, ...]
