"""Evaluating a scenario: the order of evaluation of ``scenario-format.md``.

1. placement (cadres), then ``exclude`` and ``pending`` rules;
2. ballots tallied, scores computed and rounded half-up at ``precision``;
3. ranking per group by rounded score, competition style; places from the bottom;
4. band grade; ``set`` (the lowest wins), ``cap`` (the lowest wins), ``downgrade``;
5. quotas, best grade first, cumulative;
6. ``require`` rules, awards, warnings, checks of proposed grades.

Schemes are evaluated in dependency order (``grade_of``, ``ratio_by_grade_of``); the
result lists them in the order written.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping
from decimal import (
    ROUND_CEILING,
    ROUND_FLOOR,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    Decimal,
    localcontext,
)
from typing import Any

from kaohe.engine.ballots import Tally, tally
from kaohe.engine.conditions import Predicate, compile_condition
from kaohe.engine.errors import ScenarioError
from kaohe.engine.model import (
    Cadre,
    Expression,
    InputValue,
    Quota,
    Rule,
    Scenario,
    Scheme,
    Target,
    Unit,
)
from kaohe.engine.parse import parse_scenario
from kaohe.engine.result import (
    BallotResult,
    QuotaResult,
    Result,
    SchemeResult,
    TargetResult,
    TraceStep,
    Violation,
    WarningResult,
    paused_collector,
)

PRECISION = 80  # decimal digits for intermediate results: sums and products are exact
SNAP = Decimal("1e-40")  # see round_half_up
QUANTA = [Decimal(1).scaleb(-places) for places in range(11)]
EMPTY: Mapping[str, object] = {}
GRADED, PENDING, EXCLUDED = "graded", "pending", "excluded"


def evaluate(document: object, *, lang: str = "zh") -> Result:
    """Grade every scheme of a ``kaohe-scenario/1`` document (see the module docstring)."""
    del lang  # messages are rendered when the result is shown: Result.to_dict(lang)
    with paused_collector():
        return _evaluate(document)


def _evaluate(document: object) -> Result:
    with localcontext() as context:
        context.prec = PRECISION
        scenario = parse_scenario(document)
        grades_of: dict[str, dict[str, int | None]] = {}
        results: dict[str, SchemeResult] = {}
        for scheme in dependency_order(scenario.schemes):
            evaluation = SchemeEvaluation(scenario, scheme, grades_of)
            results[scheme.id] = evaluation.run()
            grades_of[scheme.id] = {
                state.target.id: state.grade if state.status == GRADED else None
                for state in evaluation.states
            }
        return Result(scenario.year, [results[scheme.id] for scheme in scenario.schemes])


def dependency_order(schemes: tuple[Scheme, ...]) -> list[Scheme]:
    """Schemes after the schemes they depend on; a cycle is refused, naming it."""
    by_id = {scheme.id: scheme for scheme in schemes}
    ordered: list[Scheme] = []
    done: set[str] = set()
    visiting: list[str] = []

    def visit(scheme: Scheme) -> None:
        if scheme.id in done:
            return
        if scheme.id in visiting:
            cycle = [*visiting[visiting.index(scheme.id) :], scheme.id]
            raise ScenarioError(scheme.path, "cycle", cycle=" → ".join(cycle))
        visiting.append(scheme.id)
        for other in sorted(scheme.depends_on, key=lambda key: by_id[key].position):
            visit(by_id[other])
        visiting.pop()
        done.add(scheme.id)
        ordered.append(scheme)

    for scheme in schemes:
        visit(scheme)
    return ordered


def round_half_up(value: Decimal, precision: int) -> Decimal:
    """Half-up rounding of an exact value.

    Sums and products of the inputs are exact at 80 digits; only a mean of ballot marks
    divides. Such a quotient p/q is either exactly on a rounding boundary or at least
    1/(1000·q) away from it, so snapping the 80-digit value to 40 places first (which
    moves it by far less than that for any realistic q) makes the half-up rounding exact.
    """
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -40:
        with localcontext() as context:
            context.prec = PRECISION
            value = value.quantize(SNAP, rounding=ROUND_HALF_EVEN)
    return value.quantize(QUANTA[precision], rounding=ROUND_HALF_UP)


class State:
    """A target while its scheme is evaluated."""

    __slots__ = (
        "attrs",
        "awards",
        "band",
        "band_min",
        "cadre",
        "caps",
        "downgrades",
        "fixed",
        "flags",
        "grade",
        "group",
        "home_unit",
        "in_base",
        "in_quota",
        "inputs",
        "needs_decision",
        "period_places",
        "place",
        "prequota",
        "rank",
        "requires",
        "score",
        "set_grade",
        "set_rule",
        "status",
        "target",
        "trace",
        "unit_attrs",
        "unit_flags",
    )

    def __init__(self, target: Target, inputs: Mapping[str, InputValue]) -> None:
        self.target = target
        self.inputs = inputs
        self.cadre: Cadre | None = None
        self.attrs: Mapping[str, object] = EMPTY
        self.unit_attrs: Mapping[str, object] = EMPTY
        self.flags: frozenset[str] = target.flags
        self.unit_flags: frozenset[str] = frozenset()
        self.home_unit: str | None = None
        self.group = ""
        self.in_base = True
        self.in_quota = True
        self.status = GRADED
        self.score: Decimal | None = None
        self.rank: int | None = None
        self.place: int | None = None
        self.period_places: list[tuple[int, int] | None] = []
        self.band: int | None = None
        self.band_min: Decimal | None = None
        self.grade: int | None = None
        self.set_grade: int | None = None
        self.set_rule: Rule | None = None
        self.caps: list[Rule] = []
        self.downgrades: list[Rule] = []
        self.prequota: int | None = None
        self.fixed = False
        self.needs_decision = False
        self.trace: list[TraceStep] = []
        self.requires: list[str] = []
        self.awards: list[str] = []

    def input(self, name: str, scheme_path: str) -> InputValue:
        value = self.inputs.get(name)
        if value is None:
            raise ScenarioError(
                f"{scheme_path}.targets[{self.target.position}].inputs.{name}", "missing"
            )
        return value


class SchemeEvaluation:
    def __init__(
        self,
        scenario: Scenario,
        scheme: Scheme,
        grades_of: Mapping[str, Mapping[str, int | None]],
    ) -> None:
        self.scenario = scenario
        self.scheme = scheme
        self.grades_of = grades_of
        self.path = scheme.path
        self.grades = scheme.grades
        self.lowest = len(scheme.grades) - 1
        self.states: list[State] = []
        self.groups: dict[str, list[State]] = {}
        self.rules: dict[str, list[tuple[Rule, Predicate]]] = {
            effect: [] for effect in ("set", "cap", "downgrade", "pending", "exclude", "require")
        }
        for rule in scheme.rules:
            predicate = compile_condition(rule.when, grades_of, self.path)
            self.rules[rule.effect].append((rule, predicate))
        self.tallies: list[Tally] | None = None
        self.quotas: list[QuotaResult] = []
        self.violations: list[Violation] = []
        self.warnings: list[WarningResult] = []
        self.positions = {target.id: target.position for target in scheme.targets}

    # --- the steps ----------------------------------------------------------------

    def run(self) -> SchemeResult:
        scheme = self.scheme
        self.states = [State(target, target.inputs) for target in scheme.targets]
        for state in self.states:
            self.place(state)
        self.status_rules()
        if scheme.ballots is not None:
            self.tally_ballots()
        for state in self.states:
            if state.status != EXCLUDED:
                self.compute_score(state)
                self.groups.setdefault(state.group, []).append(state)
        for members in self.groups.values():
            rank_group(members)
        if scheme.periods:
            self.rank_periods()
        for state in self.states:
            if state.status == GRADED:
                self.grade(state)
        for group, members in self.groups.items():
            self.apply_quotas(group, members)
        for state in self.states:
            if state.status != EXCLUDED:
                self.finish(state)
        self.check_proposals()
        return self.result()

    def place(self, state: State) -> None:
        """Placement: the group a target is ranked in, and whether it counts."""
        scheme, target = self.scheme, state.target
        units = self.scenario.units
        if scheme.subject != "cadre":
            unit = units.get(target.id)
            if unit is not None:
                state.attrs = state.unit_attrs = unit.attrs
                state.flags = target.flags | unit.flags
                state.unit_flags = unit.flags
            state.home_unit = target.id
            state.group = self.unit_group(target, unit)
            return
        cadre = self.scenario.cadres[target.id]
        state.cadre = cadre
        state.attrs = cadre.attrs
        state.flags = target.flags | cadre.flags
        home = units[cadre.unit]
        state.home_unit = cadre.unit
        state.unit_attrs = home.attrs
        state.unit_flags = home.flags
        year_end = datetime.date(self.scenario.year, 12, 31)
        group = cadre.unit
        step: TraceStep = {"step": "placement", "code": "place_home"}
        if cadre.retired_on is not None and cadre.retired_on <= year_end:
            self.exclude(state, "retired", "excluded_retired", date=cadre.retired_on.isoformat())
        elif cadre.village_team:
            self.exclude(state, "village_team", "excluded_village_team")
        elif cadre.role == "principal":
            group = scheme.principal_group
            step = {"step": "placement", "code": "place_principal"}
        elif cadre.secondment is not None:
            secondment = cadre.secondment
            months = scheme.secondment_min_months
            params = {"months": months}
            if secondment.level != "county":
                group = secondment.host
                state.in_base = state.in_quota = False
                step = {"step": "placement", "code": "place_secondment_outside"}
            elif secondment.months >= months:
                group = secondment.host
                step = {"step": "placement", "code": "place_secondment_host", "params": params}
            else:
                step = {"step": "placement", "code": "place_secondment_home", "params": params}
        state.group = target.group if target.group is not None else group
        if state.status == EXCLUDED:
            return
        step["group"] = state.group
        state.trace.append(step)
        if cadre.investigation == "open":
            state.status = PENDING
            state.trace.append(
                {
                    "step": "pending",
                    "reason": "investigation",
                    "grade": None,
                    "code": "pending_investigation",
                }
            )

    def unit_group(self, target: Target, unit: Unit | None) -> str:
        if target.group is not None:
            return target.group
        group_by = self.scheme.group_by
        if group_by is None:
            return self.scheme.default_group
        value = unit.attrs.get(group_by) if unit is not None else None
        if value is None or isinstance(value, (list, dict)):
            raise ScenarioError(
                f"{self.path}.targets[{target.position}].group",
                "group_attribute_missing",
                unit=target.id,
                attribute=group_by,
            )
        return str(value)

    def exclude(self, state: State, why: str, code: str, **params: object) -> None:
        state.status = EXCLUDED
        state.in_base = state.in_quota = False
        state.trace.append(
            {"step": "exclude", "reason": why, "grade": None, "code": code, "params": params}
        )

    def status_rules(self) -> None:
        for state in self.states:
            if state.status == EXCLUDED:
                continue
            for rule, predicate in self.rules["exclude"]:
                if predicate(state):
                    self.exclude(
                        state, rule.text, "step_excluded_rule", rule=rule.id, reason=rule.text
                    )
                    state.trace[-1]["rule"] = rule.id
                    break
            if state.status == EXCLUDED:
                continue
            for rule, predicate in self.rules["pending"]:
                if predicate(state):
                    state.status = PENDING
                    state.trace.append(
                        {
                            "step": "pending",
                            "rule": rule.id,
                            "reason": rule.text,
                            "grade": None,
                            "code": "step_pending_rule",
                            "params": {"rule": rule.id, "reason": rule.text},
                        }
                    )

    def tally_ballots(self) -> None:
        ballots = self.scheme.ballots
        assert ballots is not None
        self.tallies = tally(ballots, [state.target.id for state in self.states])
        for state, counted in zip(self.states, self.tallies, strict=True):
            if counted.value is not None:
                state.inputs = {**state.target.inputs, ballots.into: counted.value}

    def compute_score(self, state: State) -> None:
        ballots_into = self.scheme.ballots.into if self.scheme.ballots is not None else None

        def value_of(name: str) -> Decimal:
            value = state.inputs.get(name)
            if value is None:
                code = "no_ballot_marks" if name == ballots_into else "missing"
                raise ScenarioError(
                    f"{self.path}.targets[{state.target.position}].inputs.{name}", code
                )
            if not isinstance(value, Decimal):
                raise ScenarioError(
                    f"{self.path}.targets[{state.target.position}].inputs.{name}",
                    "input_not_number",
                    input=name,
                )
            return value

        raw = expression_value(self.scheme.score, value_of)
        state.score = round_half_up(raw, self.scheme.precision)
        step: TraceStep = {
            "step": "score",
            "score": state.score,
            "code": "step_score",
            "params": {"score": self.show(state.score)},
        }
        if raw != state.score:
            step["unrounded"] = str(
                raw.quantize(Decimal("1e-10"), rounding=ROUND_HALF_EVEN).normalize()
            )
        state.trace.append(step)

    def rank_periods(self) -> None:
        scheme = self.scheme
        for state in self.states:
            state.period_places = [None] * len(scheme.periods)
        for members in self.groups.values():
            for index, period in enumerate(scheme.periods):
                scored = [
                    (round_half_up(state.target.periods[period], scheme.precision), state)
                    for state in members
                    if period in state.target.periods
                ]
                for state, place in places_from_bottom(scored):
                    state.period_places[index] = (place, len(scored))

    def grade(self, state: State) -> None:
        assert state.score is not None
        bands = self.scheme.bands_by_group.get(state.group, self.scheme.bands)
        band, minimum = self.lowest, None
        for grade, threshold in bands:
            if state.score >= threshold:
                band, minimum = grade, threshold
                break
        state.band, state.band_min, state.grade = band, minimum, band
        if minimum is None:
            state.trace.append(
                {
                    "step": "band",
                    "grade": self.grades[band],
                    "min": None,
                    "code": "step_band_lowest",
                    "params": {"grade": self.grades[band]},
                }
            )
        else:
            state.trace.append(
                {
                    "step": "band",
                    "grade": self.grades[band],
                    "min": minimum,
                    "code": "step_band",
                    "params": {"grade": self.grades[band]},
                }
            )
        for rule, predicate in self.rules["set"]:
            if predicate(state):
                assert rule.grade is not None
                if state.set_grade is None or rule.grade > state.set_grade:
                    state.set_grade, state.set_rule = rule.grade, rule
                state.grade = state.set_grade
                state.fixed = True
                self.rule_step(state, rule, "step_set", grade=self.grades[state.grade])
        for rule, predicate in self.rules["cap"]:
            if predicate(state):
                assert rule.grade is not None
                state.caps.append(rule)
                if rule.grade > state.grade:
                    state.grade = rule.grade
                    state.fixed = False
                self.rule_step(
                    state,
                    rule,
                    "step_cap",
                    cap=self.grades[rule.grade],
                    grade=self.grades[state.grade],
                )
        for rule, predicate in self.rules["downgrade"]:
            if predicate(state):
                state.downgrades.append(rule)
                lowered = min(state.grade + rule.levels, self.lowest)
                if lowered != state.grade:
                    state.grade = lowered
                    state.fixed = False
                self.rule_step(
                    state,
                    rule,
                    "step_downgrade",
                    levels=rule.levels,
                    grade=self.grades[state.grade],
                )
        state.prequota = state.grade

    def rule_step(self, state: State, rule: Rule, code: str, **params: object) -> None:
        assert state.grade is not None
        step: TraceStep = {
            "step": "rule",
            "rule": rule.id,
            "effect": rule.effect,
            "grade": self.grades[state.grade],
            "code": code,
            "params": {"rule": rule.id, **params},
        }
        if rule.soft:
            step["soft"] = True
        state.trace.append(step)

    # --- quotas ---------------------------------------------------------------------

    def quota_ratio(self, quota: Quota, group: str) -> Decimal:
        """The ratio for a group: by the group unit's grade in another scheme where
        listed (else ``ratio``), raised to the largest ratio of the unit's flags."""
        value = quota.ratio
        if quota.by_grade_of is not None:
            other, table = quota.by_grade_of
            grade = self.grades_of[other].get(group)
            if grade is not None and grade in table:
                value = table[grade]
        unit = self.scenario.units.get(group)
        if unit is not None and quota.by_unit_flag:
            flagged = [ratio for flag, ratio in quota.by_unit_flag.items() if flag in unit.flags]
            if flagged:
                value = max(value, *flagged)
        return value

    def slots(self, ratio: Decimal, base: int) -> int:
        rounding = {"floor": ROUND_FLOOR, "half_up": ROUND_HALF_UP, "ceil": ROUND_CEILING}
        exact = ratio * base
        return int(exact.to_integral_value(rounding=rounding[self.scheme.policy.quota_rounding]))

    def sort_key(self, state: State, grade: int) -> tuple[Any, ...]:
        assert state.score is not None
        breakers = tuple(-self.tie_breaker(state, name) for name in self.scheme.tie_breakers)
        return (grade, -state.score, *breakers)

    def tie_breaker(self, state: State, name: str) -> Decimal:
        value = state.inputs.get(name)
        if not isinstance(value, Decimal):
            raise ScenarioError(
                f"{self.path}.targets[{state.target.position}].inputs.{name}",
                "tie_breaker_missing" if value is None else "input_not_number",
                input=name,
            )
        return value

    def apply_quotas(self, group: str, members: list[State]) -> None:
        if not self.scheme.quotas:
            return
        base = sum(1 for state in members if state.in_base)
        competing = [state for state in members if state.in_quota and state.status == GRADED]
        hold = self.scheme.policy.ties_at_cutoff == "hold"
        results: list[tuple[Quota, QuotaResult]] = []
        for quota in self.scheme.quotas:
            ratio = self.quota_ratio(quota, group)
            slots = self.slots(ratio, base)
            label = self.grades[quota.grade]
            results.append((quota, QuotaResult(group, label, ratio, base, slots, 0, quota.soft)))
            candidates = [s for s in competing if s.grade is not None and s.grade <= quota.grade]
            fixed = [s for s in candidates if s.fixed]
            others = sorted(
                (
                    (self.sort_key(s, s.grade), s)
                    for s in candidates
                    if not s.fixed and s.grade is not None
                ),
                key=lambda pair: pair[0],
            )
            for state in fixed:
                state.trace.append(
                    {
                        "step": "quota",
                        "quota": label,
                        "slots": slots,
                        "fixed": True,
                        "grade": self.grades[state.grade or 0],
                        "code": "step_quota_fixed",
                        "params": {"quota": label},
                    }
                )
            if len(fixed) > slots:
                for state in fixed:
                    self.violations.append(
                        Violation(
                            state.target.id,
                            f"quota:{label}",
                            "warning",
                            "violation_quota_fixed",
                            {"grade": label, "used": len(fixed), "slots": slots},
                        )
                    )
            keep_until, held_key = quota_cut(
                [key for key, _ in others], slots - len(fixed), hold=hold
            )
            below = quota.grade + 1
            positions = tie_positions([key for key, _ in others], start=len(fixed) + 1)
            for index, ((key, state), position) in enumerate(zip(others, positions, strict=True)):
                params = {"quota": label, "slots": slots, "position": position}
                if index < keep_until:
                    state.trace.append(
                        {
                            "step": "quota",
                            "quota": label,
                            "slots": slots,
                            "position": position,
                            "grade": self.grades[state.grade or 0],
                            "code": "step_quota_kept",
                            "params": {**params, "grade": self.grades[state.grade or 0]},
                        }
                    )
                    continue
                state.grade = below
                step: TraceStep = {
                    "step": "quota",
                    "quota": label,
                    "slots": slots,
                    "position": position,
                    "grade": self.grades[below],
                    "moved": True,
                    "code": "step_quota_moved",
                    "params": {**params, "grade": self.grades[below]},
                }
                if held_key is not None and key == held_key:
                    state.needs_decision = True
                    step["held"] = True
                    step["code"] = "step_quota_held"
                state.trace.append(step)
        for quota, outcome in results:
            outcome.used = sum(
                1 for s in competing if s.grade is not None and s.grade <= quota.grade
            )
            self.quotas.append(outcome)

    # --- after the grade ----------------------------------------------------------

    def finish(self, state: State) -> None:
        for rule, predicate in self.rules["require"]:
            if predicate(state):
                state.requires.append(rule.text)
                state.trace.append(
                    {
                        "step": "require",
                        "rule": rule.id,
                        "text": rule.text,
                        "grade": self.grades[state.grade]
                        if state.status == GRADED and state.grade is not None
                        else None,
                        "code": "step_require",
                        "params": {"rule": rule.id, "text": rule.text},
                    }
                )
        if state.status == GRADED and state.grade is not None:
            state.awards = earned_awards(self.scheme, state.target, state.grade, self.scenario.year)

    def collect_warnings(self) -> list[WarningResult]:
        settings = self.scheme.warnings
        if settings is None or not self.scheme.periods:
            return []
        found: list[WarningResult] = []
        for index, period in enumerate(self.scheme.periods):
            for group, members in self.groups.items():
                bottom = settings.bottom_by_group.get(group, settings.bottom)
                warned = [
                    (entry[0], state)
                    for state in members
                    if (entry := state.period_places[index]) is not None and entry[0] <= bottom
                ]
                warned.sort(key=lambda pair: (pair[0], pair[1].target.position))
                for place, state in warned:
                    level = settings.levels[min(place, len(settings.levels)) - 1]
                    found.append(WarningResult(state.target.id, period, level, group, place))
        return found

    def check_proposals(self) -> None:
        proposing = [state for state in self.states if state.target.proposed is not None]
        if not proposing:
            return
        for state in proposing:
            self.check_proposal(state)
        outcomes = {(quota.group, quota.grade): quota for quota in self.quotas}
        for group, members in self.groups.items():
            self.check_proposal_quotas(group, members, outcomes)

    def violation(
        self, state: State, rule_id: str, level: str, code: str, **params: object
    ) -> None:
        self.violations.append(Violation(state.target.id, rule_id, level, code, dict(params)))

    def rule_violation(self, state: State, rule: Rule, code: str, **params: object) -> None:
        self.violation(state, rule.id, severity(rule), code, rule=rule.id, **params)

    def check_proposal(self, state: State) -> None:
        proposed = state.target.proposed
        assert proposed is not None
        name = self.grades[proposed]
        if state.status != GRADED:
            self.violation(
                state, "status", "error", "violation_status", status=state.status, proposed=name
            )
            return
        assert state.band is not None and state.prequota is not None
        named = False
        if state.set_rule is not None and state.set_grade is not None:
            rule = state.set_rule
            if proposed < state.set_grade or proposed > state.prequota:
                self.rule_violation(
                    state,
                    rule,
                    "violation_set",
                    grade=self.grades[state.set_grade],
                    proposed=name,
                )
                named = True
        elif proposed < state.band:
            self.violation(
                state,
                "band",
                "error",
                "violation_band",
                proposed=name,
                band=self.grades[state.band],
            )
            named = True
        for rule in state.caps:
            assert rule.grade is not None
            if proposed < rule.grade:
                self.rule_violation(
                    state,
                    rule,
                    "violation_cap",
                    cap=self.grades[rule.grade],
                    proposed=name,
                )
                named = True
        if not named and proposed < state.prequota:
            for rule in state.downgrades:
                self.rule_violation(
                    state,
                    rule,
                    "violation_downgrade",
                    grade=self.grades[state.prequota],
                    proposed=name,
                )

    def check_proposal_quotas(
        self, group: str, members: list[State], outcomes: Mapping[tuple[str, str], QuotaResult]
    ) -> None:
        competing = [s for s in members if s.in_quota and s.status == GRADED]
        hold = self.scheme.policy.ties_at_cutoff == "hold"
        for quota in self.scheme.quotas:
            label = self.grades[quota.grade]
            slots = outcomes[(group, label)].slots

            def effective(state: State) -> int:
                proposed = state.target.proposed
                return proposed if proposed is not None else (state.grade or 0)

            candidates = [s for s in competing if effective(s) <= quota.grade]
            fixed = [s for s in candidates if s.fixed and effective(s) == s.grade]
            others = sorted(
                (
                    (self.sort_key(s, 0), s)
                    for s in candidates
                    if not (s.fixed and effective(s) == s.grade)
                ),
                key=lambda pair: pair[0],
            )
            cut, _ = quota_cut([key for key, _ in others], slots - len(fixed), hold=hold)
            positions = tie_positions([key for key, _ in others], start=len(fixed) + 1)
            for (_, state), position in zip(others[cut:], positions[cut:], strict=True):
                if state.target.proposed is not None:
                    self.violation(
                        state,
                        f"quota:{label}",
                        "warning" if quota.soft else "error",
                        "violation_quota",
                        grade=label,
                        slots=slots,
                        position=position,
                    )

    # --- the result ---------------------------------------------------------------

    def show(self, value: Decimal) -> str:
        return f"{value:.{self.scheme.precision}f}"

    def result(self) -> SchemeResult:
        scheme = self.scheme
        self.warnings = self.collect_warnings()
        targets: list[TargetResult] = []
        units, cadres = self.scenario.units, self.scenario.cadres
        for state in self.states:
            entity: Unit | Cadre | None = (
                cadres.get(state.target.id)
                if scheme.subject == "cadre"
                else units.get(state.target.id)
            )
            graded = state.status == GRADED and state.grade is not None
            proposed = state.target.proposed
            targets.append(
                TargetResult(
                    target=state.target.id,
                    name=entity.name if entity is not None else None,
                    group=state.group,
                    score=state.score,
                    rank=state.rank,
                    status=state.status,
                    grade=self.grades[state.grade] if graded and state.grade is not None else None,
                    band=self.grades[state.band] if state.band is not None else None,
                    needs_decision=state.needs_decision,
                    in_base=state.in_base,
                    in_quota=state.in_quota,
                    proposed=self.grades[proposed] if proposed is not None else None,
                    trace=state.trace,
                    requires=state.requires,
                    awards=state.awards,
                )
            )
        ballots: list[BallotResult] = []
        if self.tallies is not None:
            for state, counted in zip(self.states, self.tallies, strict=True):
                ballots.append(
                    BallotResult(
                        state.target.id,
                        counted.valid,
                        counted.invalid,
                        counted.shares,
                        counted.by_rater,
                    )
                )
        self.violations.sort(key=lambda v: self.position_of(v.target))
        return SchemeResult(
            scheme.id,
            scheme.name,
            scheme.subject,
            scheme.grades,
            scheme.precision,
            targets,
            self.quotas,
            self.warnings,
            ballots,
            self.violations,
        )

    def position_of(self, target_id: str) -> int:
        return self.positions[target_id]


def severity(rule: Rule) -> str:
    return "warning" if rule.soft else "error"


def expression_value(expression: Expression, value_of: Callable[[str], Decimal]) -> Decimal:
    if isinstance(expression, str):
        return value_of(expression)
    total = Decimal(0)
    for weight, part in expression.terms:
        total += weight * expression_value(part, value_of)
    for name in expression.plus:
        total += value_of(name)
    for name in expression.minus:
        total -= value_of(name)
    if expression.clamp is not None:
        low, high = expression.clamp
        total = min(max(total, low), high)
    return total


def quota_cut(
    keys: list[tuple[Any, ...]], room: int, *, hold: bool
) -> tuple[int, tuple[Any, ...] | None]:
    """How many of the sorted candidates keep the grade, and the key of a tie held at the
    cut-off. ``hold``: no member of a tie that straddles the cut-off keeps the grade;
    ``exceed``: every member does."""
    room = max(0, room)
    if not 0 < room < len(keys) or keys[room - 1] != keys[room]:
        return min(room, len(keys)), None
    tie, cut = keys[room], room
    if hold:
        while cut > 0 and keys[cut - 1] == tie:
            cut -= 1
        return cut, tie
    while cut < len(keys) and keys[cut] == tie:
        cut += 1
    return cut, None


def tie_positions(keys: list[tuple[Any, ...]], start: int) -> list[int]:
    """Positions in a sorted list, competition style: equal keys share a position."""
    positions: list[int] = []
    for index, key in enumerate(keys):
        tied = index > 0 and keys[index - 1] == key
        positions.append(positions[-1] if tied else start + index)
    return positions


def rank_group(members: list[State]) -> None:
    """Competition ranking by rounded score (90, 85, 85, 80 → 1, 2, 2, 4) and the place
    from the bottom (1 + the number of targets with a strictly lower score)."""
    ordered = sorted(members, key=lambda state: state.score or 0, reverse=True)
    previous: Decimal | None = None
    rank = 0
    for position, state in enumerate(ordered, start=1):
        if state.score != previous:
            rank, previous = position, state.score
        state.rank = rank
    for state, place in places_from_bottom([(s.score or Decimal(0), s) for s in members]):
        state.place = place


def places_from_bottom(scored: Iterable[tuple[Decimal, State]]) -> list[tuple[State, int]]:
    ordered = sorted(scored, key=lambda pair: pair[0])
    places: list[tuple[State, int]] = []
    place = 0
    previous: Decimal | None = None
    for position, (score, state) in enumerate(ordered, start=1):
        if score != previous:
            place, previous = position, score
        places.append((state, place))
    return places


def earned_awards(scheme: Scheme, target: Target, grade: int, year: int) -> list[str]:
    """An award is earned in a year that completes ``consecutive`` years in a row at its
    grade (history plus this year); the run starts again after each award."""
    earned: list[str] = []
    grades_by_year = {**target.history, year: grade}
    for award in scheme.awards:
        run = 0
        previous_year: int | None = None
        for current in sorted(grades_by_year):
            if grades_by_year[current] == award.grade:
                run = (
                    run + 1
                    if previous_year is not None and current == previous_year + 1 and run
                    else 1
                )
            else:
                run = 0
            previous_year = current
            if run == award.consecutive:
                if current == year:
                    earned.append(award.name)
                run = 0
        del run
    return earned
