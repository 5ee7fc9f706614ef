"""The result of an evaluation and its ``kaohe-result/1`` form."""

from __future__ import annotations

import gc
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from kaohe.engine.messages import message

RESULT_FORMAT = "kaohe-result/1"


@contextmanager
def paused_collector() -> Iterator[None]:
    """Pause the cyclic garbage collector while millions of small acyclic objects are
    made: it would walk the whole heap again and again (a third of the engine's time for a
    province). Reference counting still frees everything as usual."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


TraceStep = dict[str, Any]


@dataclass(slots=True)
class TargetResult:
    target: str
    name: str | None
    group: str
    score: Decimal | None
    rank: int | None
    status: str  # graded | pending | excluded
    grade: str | None
    band: str | None = None
    needs_decision: bool = False
    in_base: bool = True
    in_quota: bool = True
    proposed: str | None = None
    trace: list[TraceStep] = field(default_factory=list)
    requires: list[str] = field(default_factory=list)
    awards: list[str] = field(default_factory=list)

    def to_dict(self, lang: str = "zh", notes: bool = True) -> dict[str, Any]:
        return {
            "target": self.target,
            "name": self.name,
            "group": self.group,
            "score": json_number(self.score),
            "rank": self.rank,
            "status": self.status,
            "grade": self.grade,
            "band": self.band,
            "needs_decision": self.needs_decision,
            "in_base": self.in_base,
            "in_quota": self.in_quota,
            "proposed": self.proposed,
            "trace": [trace_step(step, lang, notes) for step in self.trace],
            "requires": list(self.requires),
            "awards": list(self.awards),
        }


@dataclass(slots=True)
class QuotaResult:
    group: str
    grade: str
    ratio: Decimal
    base: int
    slots: int
    used: int
    soft: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "group": self.group,
            "grade": self.grade,
            "ratio": json_number(self.ratio),
            "base": self.base,
            "slots": self.slots,
            "used": self.used,
            "soft": self.soft,
        }


@dataclass(slots=True)
class WarningResult:
    target: str
    period: str
    level: str
    group: str
    place: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "period": self.period,
            "level": self.level,
            "group": self.group,
            "place_from_bottom": self.place,
        }


@dataclass(slots=True)
class BallotResult:
    target: str
    valid: int
    invalid: int
    shares: dict[str, Decimal]
    by_rater: dict[str, Decimal]

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "valid": self.valid,
            "invalid": self.invalid,
            "shares": {key: json_number(value) for key, value in self.shares.items()},
            "by_rater": {key: json_number(value) for key, value in self.by_rater.items()},
        }


@dataclass(slots=True)
class Violation:
    target: str
    rule: str
    severity: str  # error | warning
    code: str
    params: dict[str, Any]

    def message(self, lang: str = "zh") -> str:
        return message(self.code, lang, **self.params)

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        return {
            "target": self.target,
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message(lang),
        }


@dataclass(slots=True)
class SchemeResult:
    id: str
    name: str | None
    subject: str
    grades: tuple[str, ...]
    precision: int
    results: list[TargetResult]
    quotas: list[QuotaResult]
    warnings: list[WarningResult]
    ballots: list[BallotResult]
    violations: list[Violation]

    def to_dict(self, lang: str = "zh", notes: bool = True) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "subject": self.subject,
            "grades": list(self.grades),
            "results": [item.to_dict(lang, notes) for item in self.results],
            "quotas": [item.to_dict() for item in self.quotas],
            "warnings": [item.to_dict() for item in self.warnings],
            "ballots": [item.to_dict() for item in self.ballots],
            "violations": [item.to_dict(lang) for item in self.violations],
        }

    def result_for(self, target: str) -> TargetResult:
        for item in self.results:
            if item.target == target:
                return item
        raise KeyError(target)


@dataclass(slots=True)
class Result:
    year: int
    schemes: list[SchemeResult]

    def to_dict(self, lang: str = "zh", notes: bool = True) -> dict[str, Any]:
        with paused_collector():
            return {
                "format": RESULT_FORMAT,
                "year": self.year,
                "schemes": [scheme.to_dict(lang, notes) for scheme in self.schemes],
            }

    def scheme(self, scheme_id: str) -> SchemeResult:
        for scheme in self.schemes:
            if scheme.id == scheme_id:
                return scheme
        raise KeyError(scheme_id)


def json_number(value: Decimal | None) -> int | float | None:
    """An exact decimal as a JSON number: an ``int`` when whole, else the float whose
    shortest representation is the decimal's own digits (true for up to 15 digits)."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def trace_step(step: Mapping[str, Any], lang: str, notes: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in step.items():
        if key == "code" or key == "params":
            continue
        out[key] = json_number(value) if isinstance(value, Decimal) else value
    if notes and "code" in step:
        out["note"] = note(step["code"], lang, step.get("params"))
    return out


_NOTES: dict[tuple[Any, ...], str] = {}


def note(code: str, lang: str, params: Mapping[str, Any] | None) -> str:
    """A trace step's explanation; the same step recurs for thousands of targets, so each
    distinct text is formatted once (and shared in memory)."""
    key = (code, lang, *(params or {}).items())
    try:
        return _NOTES[key]
    except KeyError:
        text = _NOTES[key] = message(code, lang, **(params or {}))
        if len(_NOTES) > 100_000:
            _NOTES.clear()
        return text
    except TypeError:  # an unhashable parameter
        return message(code, lang, **(params or {}))
