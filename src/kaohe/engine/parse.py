"""From plain data (a parsed YAML/JSON document) to the frozen ``Scenario``.

Every check names the place of the problem; the first problem found is raised as a
``ScenarioError``. Mapping keys are checked against the keys the format defines, so a
misspelt key is refused instead of silently ignored (entities may carry any extra
attribute: rules can test them with ``{entity: {KEY: VALUE}}``).
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from kaohe.engine.errors import ScenarioError
from kaohe.engine.model import (
    AllCond,
    AnyCond,
    Award,
    Ballots,
    BottomShareCond,
    Cadre,
    Condition,
    DutyCond,
    Effect,
    EntityCond,
    Expression,
    FlagCond,
    GradeCond,
    GradeOfCond,
    InputCompare,
    InputMember,
    InputValue,
    NotCond,
    Policy,
    Quota,
    RankCond,
    RoleCond,
    Rule,
    Scenario,
    Scheme,
    Secondment,
    Subject,
    Target,
    Unit,
    Warnings,
    WeightedSum,
)

FORMAT = "kaohe-scenario/1"
ONE = Decimal(1)

TOP_KEYS = {"format", "year", "policy", "entities", "schemes", "expect", "name", "description"}
POLICY_KEYS = {"quota_rounding", "ties_at_cutoff"}
SCHEME_KEYS = {
    "id",
    "name",
    "description",
    "subject",
    "grades",
    "score",
    "precision",
    "bands",
    "bands_by_group",
    "group_by",
    "default_group",
    "principal_group",
    "secondment_min_months",
    "quotas",
    "tie_breakers",
    "rules",
    "ballots",
    "warnings",
    "awards",
    "targets",
    "periods",
    "policy",
}
TARGET_KEYS = {"id", "name", "group", "inputs", "flags", "periods", "proposed", "history"}
RULE_KEYS = {"id", "when", "then", "soft", "note"}
EFFECTS: tuple[Effect, ...] = ("set", "cap", "downgrade", "pending", "exclude", "require")
QUOTA_KEYS = {"grade", "ratio", "ratio_by_grade_of", "ratio_by_unit_flag", "soft"}
BALLOT_KEYS = {"into", "choices", "rater_weights", "max_share", "sheets"}
WARNING_KEYS = {"bottom", "bottom_by_group", "levels"}
AWARD_KEYS = {"name", "grade", "consecutive"}
COMPARISONS = ("below", "at_least", "above", "at_most", "equals")
MEMBERSHIPS = ("lacks", "contains")
GRADE_COMPARISONS = ("is", "at_most", "below", "at_least")
CONDITION_KEYS = (
    "flag",
    "unit_flag",
    "input",
    "grade_of",
    "rank",
    "bottom_share",
    "role",
    "duty",
    "entity",
    "grade",
    "all",
    "any",
    "not",
)
FORBIDDEN_CONDITIONS: Mapping[str, frozenset[str]] = {
    "exclude": frozenset({"rank", "bottom_share", "grade"}),
    "pending": frozenset({"rank", "bottom_share", "grade"}),
    "set": frozenset({"grade"}),
    "cap": frozenset({"grade"}),
    "downgrade": frozenset({"grade"}),
    "require": frozenset(),
}
SECONDMENT_LEVELS = ("central", "province", "city", "county")
ROLES = ("principal", "member")
UNIT_KEYS_RESERVED = {"id", "name", "flags"}
CADRE_KEYS_RESERVED = {
    "id",
    "name",
    "unit",
    "role",
    "duties",
    "secondment",
    "village_team",
    "retired_on",
    "investigation",
    "flags",
}


# --- small readers -------------------------------------------------------------------


def mapping(value: object, path: str) -> Mapping[Any, Any]:
    if not isinstance(value, Mapping):
        raise ScenarioError(path, "not_mapping")
    return value


def sequence(value: object, path: str) -> list[Any]:
    if not isinstance(value, (list, tuple)):
        raise ScenarioError(path, "not_list")
    return list(value)


def record(
    value: object, path: str, allowed: set[str], *, required: Iterable[str] = ()
) -> Mapping[Any, Any]:
    """A mapping with only ``allowed`` keys and every ``required`` one."""
    data = mapping(value, path)
    check_keys(data, allowed, path)
    for key in required:
        if key not in data:
            raise ScenarioError(join(path, key), "missing")
    return data


def check_keys(data: Mapping[Any, Any], allowed: set[str], path: str) -> None:
    if data.keys() <= allowed:
        return
    for key in data:
        if key not in allowed:
            raise ScenarioError(join(path, str(key)), "unknown_key", key=key)


def join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def text(value: object, path: str) -> str:
    if isinstance(value, str) and value:
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)  # an id or a name written as a bare number
    if isinstance(value, str):
        raise ScenarioError(path, "empty")
    raise ScenarioError(path, "not_string")


def number(value: object, path: str) -> Decimal:
    if isinstance(value, bool):
        raise ScenarioError(path, "not_number", value=value)
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        result = Decimal(repr(value))  # the shortest decimal that reads back as this float
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except InvalidOperation:
            raise ScenarioError(path, "not_number", value=value) from None
    else:
        raise ScenarioError(path, "not_number", value=value)
    if not result.is_finite():
        raise ScenarioError(path, "not_number", value=value)
    if result.adjusted() > 15:
        raise ScenarioError(path, "number_too_large")
    return result


def integer(value: object, path: str, *, low: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        raise ScenarioError(path, "not_integer", value=value)
    if isinstance(value, Decimal) and value != value.to_integral_value():
        raise ScenarioError(path, "not_integer", value=value)
    result = int(value)
    if low is not None and result < low:
        raise ScenarioError(path, "out_of_range", low=low, high="∞")
    return result


def ratio(value: object, path: str) -> Decimal:
    result = number(value, path)
    if not Decimal(0) <= result <= ONE:
        raise ScenarioError(path, "out_of_range", low=0, high=1)
    return result


def boolean(value: object, path: str) -> bool:
    if not isinstance(value, bool):
        raise ScenarioError(path, "not_bool")
    return value


def date(value: object, path: str) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ScenarioError(path, "not_date", value=value)


def names(value: object, path: str) -> tuple[str, ...]:
    """A list of names; a single name is accepted as a list of one."""
    if type(value) is list and all(type(item) is str and item for item in value):
        return tuple(value)
    if isinstance(value, str):
        return (text(value, path),)
    return tuple(text(item, f"{path}[{i}]") for i, item in enumerate(sequence(value, path)))


def one_of(value: object, choices: Iterable[str], path: str) -> str:
    options = tuple(choices)
    if not isinstance(value, str) or value not in options:
        raise ScenarioError(path, "one_of", choices=options, value=value)
    return value


def unique_ids(items: Iterable[str], paths: Iterable[str]) -> None:
    seen: set[str] = set()
    for item, path in zip(items, paths, strict=True):
        if item in seen:
            raise ScenarioError(path, "duplicate_id", id=item)
        seen.add(item)


# --- the document --------------------------------------------------------------------


def parse_scenario(document: object) -> Scenario:
    data = mapping(document, "")
    check_keys(data, TOP_KEYS, "")
    if "format" not in data:
        raise ScenarioError("format", "missing")
    if data["format"] != FORMAT:
        raise ScenarioError("format", "bad_format", value=data["format"])
    if "year" not in data:
        raise ScenarioError("year", "missing")
    year = integer(data["year"], "year", low=1900)
    policy = parse_policy(data.get("policy", {}), "policy", Policy("floor", "hold"))
    units, cadres = parse_entities(data.get("entities", {}), "entities")
    if "schemes" not in data:
        raise ScenarioError("schemes", "missing")
    raw_schemes = sequence(data["schemes"], "schemes")
    grades_of = scheme_grades(raw_schemes)
    context = _Context(year, policy, units, cadres, grades_of)
    schemes = tuple(
        parse_scheme(raw, f"schemes[{i}]", i, context) for i, raw in enumerate(raw_schemes)
    )
    return Scenario(year, policy, units, cadres, schemes)


class _Context:
    __slots__ = ("cadres", "grades_of", "policy", "units", "year")

    def __init__(
        self,
        year: int,
        policy: Policy,
        units: Mapping[str, Unit],
        cadres: Mapping[str, Cadre],
        grades_of: Mapping[str, tuple[str, ...]],
    ) -> None:
        self.year = year
        self.policy = policy
        self.units = units
        self.cadres = cadres
        self.grades_of = grades_of


def parse_policy(value: object, path: str, base: Policy) -> Policy:
    data = mapping(value, path)
    check_keys(data, POLICY_KEYS, path)
    rounding = base.quota_rounding
    ties = base.ties_at_cutoff
    if "quota_rounding" in data:
        rounding = one_of(
            data["quota_rounding"], ("floor", "half_up", "ceil"), join(path, "quota_rounding")
        )
    if "ties_at_cutoff" in data:
        ties = one_of(data["ties_at_cutoff"], ("hold", "exceed"), join(path, "ties_at_cutoff"))
    return Policy(rounding, ties)


def scheme_grades(raw_schemes: list[Any]) -> dict[str, tuple[str, ...]]:
    """First pass: every scheme's id and grades, so rules may refer to any scheme."""
    grades_of: dict[str, tuple[str, ...]] = {}
    for i, raw in enumerate(raw_schemes):
        path = f"schemes[{i}]"
        data = mapping(raw, path)
        if "id" not in data:
            raise ScenarioError(join(path, "id"), "missing")
        scheme_id = text(data["id"], join(path, "id"))
        if scheme_id in grades_of:
            raise ScenarioError(join(path, "id"), "duplicate_id", id=scheme_id)
        if "grades" not in data:
            raise ScenarioError(join(path, "grades"), "missing")
        grades = names(data["grades"], join(path, "grades"))
        if len(grades) < 2:
            raise ScenarioError(join(path, "grades"), "grades_too_few")
        unique_ids(grades, (f"{path}.grades[{g}]" for g in range(len(grades))))
        grades_of[scheme_id] = grades
    return grades_of


# --- entities ------------------------------------------------------------------------


def parse_entities(value: object, path: str) -> tuple[dict[str, Unit], dict[str, Cadre]]:
    data = mapping(value, path)
    check_keys(data, {"units", "cadres"}, path)
    units: dict[str, Unit] = {}
    for i, raw in enumerate(sequence(data.get("units", []), join(path, "units"))):
        unit_path = f"{path}.units[{i}]"
        unit = parse_unit(raw, unit_path)
        if unit.id in units:
            raise ScenarioError(join(unit_path, "id"), "duplicate_id", id=unit.id)
        units[unit.id] = unit
    cadres: dict[str, Cadre] = {}
    for i, raw in enumerate(sequence(data.get("cadres", []), join(path, "cadres"))):
        cadre_path = f"{path}.cadres[{i}]"
        cadre = parse_cadre(raw, cadre_path, units)
        if cadre.id in cadres:
            raise ScenarioError(join(cadre_path, "id"), "duplicate_id", id=cadre.id)
        cadres[cadre.id] = cadre
    return units, cadres


def _attributes(data: Mapping[Any, Any], path: str) -> dict[str, object]:
    attrs: dict[str, object] = {}
    for key, value in data.items():
        attrs[text(key, path)] = value
    return attrs


def parse_unit(raw: object, path: str) -> Unit:
    data = mapping(raw, path)
    if "id" not in data:
        raise ScenarioError(join(path, "id"), "missing")
    unit_id = text(data["id"], join(path, "id"))
    name = text(data["name"], join(path, "name")) if "name" in data else None
    flags = frozenset(names(data.get("flags", []), join(path, "flags")))
    if "category" in data:
        text(data["category"], join(path, "category"))
    return Unit(unit_id, name, flags, _attributes(data, path))


def parse_cadre(raw: object, path: str, units: Mapping[str, Unit]) -> Cadre:
    data = mapping(raw, path)
    for key in ("id", "unit"):
        if key not in data:
            raise ScenarioError(join(path, key), "missing")
    cadre_id = text(data["id"], join(path, "id"))
    unit = text(data["unit"], join(path, "unit"))
    if unit not in units:
        raise ScenarioError(join(path, "unit"), "unknown_unit", unit=unit)
    name = text(data["name"], join(path, "name")) if "name" in data else None
    role = one_of(data.get("role", "member"), ROLES, join(path, "role"))
    duties = frozenset(names(data.get("duties", []), join(path, "duties")))
    secondment = None
    if data.get("secondment") is not None:
        secondment = parse_secondment(data["secondment"], join(path, "secondment"), units)
    village_team = boolean(data.get("village_team", False), join(path, "village_team"))
    retired_on = None
    if data.get("retired_on") is not None:
        retired_on = date(data["retired_on"], join(path, "retired_on"))
    investigation = None
    if data.get("investigation") is not None:
        investigation = text(data["investigation"], join(path, "investigation"))
    flags = frozenset(names(data.get("flags", []), join(path, "flags")))
    return Cadre(
        cadre_id,
        name,
        unit,
        role,
        duties,
        secondment,
        village_team,
        retired_on,
        investigation,
        flags,
        _attributes(data, path),
    )


def parse_secondment(raw: object, path: str, units: Mapping[str, Unit]) -> Secondment:
    data = mapping(raw, path)
    check_keys(data, {"level", "host", "months"}, path)
    for key in ("level", "host", "months"):
        if key not in data:
            raise ScenarioError(join(path, key), "missing")
    level = one_of(data["level"], SECONDMENT_LEVELS, join(path, "level"))
    host = text(data["host"], join(path, "host"))
    if host not in units:
        raise ScenarioError(join(path, "host"), "unknown_unit", unit=host)
    months = number(data["months"], join(path, "months"))
    if months < 0:
        raise ScenarioError(join(path, "months"), "must_not_be_negative")
    return Secondment(level, host, months)


# --- a scheme ------------------------------------------------------------------------


def parse_scheme(raw: object, path: str, position: int, ctx: _Context) -> Scheme:
    data = mapping(raw, path)
    check_keys(data, SCHEME_KEYS, path)
    scheme_id = text(data["id"], join(path, "id"))
    grades = ctx.grades_of[scheme_id]
    index = {grade: i for i, grade in enumerate(grades)}
    name = text(data["name"], join(path, "name")) if "name" in data else None
    if "subject" not in data:
        raise ScenarioError(join(path, "subject"), "missing")
    subject = cast(
        Subject, one_of(data["subject"], ("unit", "team", "cadre"), join(path, "subject"))
    )
    policy = parse_policy(data.get("policy", {}), join(path, "policy"), ctx.policy)
    precision = integer(data.get("precision", 2), join(path, "precision"), low=0)
    if precision > 10:
        raise ScenarioError(join(path, "precision"), "out_of_range", low=0, high=10)

    def grade(value: object, where: str) -> int:
        name = text(value, where)
        if name not in index:
            raise ScenarioError(where, "unknown_grade", grade=name)
        return index[name]

    # targets first: the inputs they give are what rules may refer to
    ballots_into: str | None = None
    if data.get("ballots") is not None:
        ballots_data = mapping(data["ballots"], join(path, "ballots"))
        if "into" in ballots_data:
            ballots_into = text(ballots_data["into"], join(path, "ballots.into"))
    targets = parse_targets(
        data.get("targets", []), join(path, "targets"), subject, grade, ctx, ballots_into
    )
    known_inputs: set[str] = set()
    for target in targets:
        known_inputs.update(target.inputs)
    if ballots_into is not None:
        known_inputs.add(ballots_into)

    def known_input(value: object, where: str) -> str:
        name = text(value, where)
        # a scheme without targets (a preset, a scheme being written) knows no inputs yet
        if targets and name not in known_inputs:
            raise ScenarioError(where, "unknown_input", input=name)
        return name

    score = parse_expression(data.get("score", "score"), join(path, "score"))
    bands, bands_by_group = parse_bands(data, path, grades, grade)
    group_by: str | None = None
    if data.get("group_by") is not None:
        group_by = text(data["group_by"], join(path, "group_by"))
        if subject == "cadre" and group_by != "placement":
            raise ScenarioError(
                join(path, "group_by"), "one_of", choices=("placement",), value=group_by
            )
        if subject == "cadre":
            group_by = None
    default_group = text(data.get("default_group", "全部"), join(path, "default_group"))
    principal_group = text(data.get("principal_group", "单列"), join(path, "principal_group"))
    min_months = number(data.get("secondment_min_months", 6), join(path, "secondment_min_months"))
    depends: set[str] = set()
    quotas = parse_quotas(
        data.get("quotas", []), join(path, "quotas"), scheme_id, grades, grade, ctx, depends
    )
    tie_breakers = tuple(
        known_input(item, f"{path}.tie_breakers[{i}]")
        for i, item in enumerate(sequence(data.get("tie_breakers", []), join(path, "tie_breakers")))
    )
    rules = parse_rules(
        data.get("rules", []),
        join(path, "rules"),
        scheme_id,
        subject,
        grade,
        known_input,
        ctx,
        depends,
        ballots_into,
    )
    ballots = None
    if data.get("ballots") is not None:
        ballots = parse_ballots(data["ballots"], join(path, "ballots"))
    warnings = None
    if data.get("warnings") is not None:
        warnings = parse_warnings(data["warnings"], join(path, "warnings"))
    awards = tuple(
        parse_award(item, f"{path}.awards[{i}]", grade)
        for i, item in enumerate(sequence(data.get("awards", []), join(path, "awards")))
    )
    periods = parse_period_order(data.get("periods"), join(path, "periods"), targets, path)
    return Scheme(
        id=scheme_id,
        position=position,
        name=name,
        subject=subject,
        grades=grades,
        score=score,
        precision=precision,
        bands=bands,
        bands_by_group=bands_by_group,
        group_by=group_by,
        default_group=default_group,
        principal_group=principal_group,
        secondment_min_months=min_months,
        quotas=quotas,
        tie_breakers=tie_breakers,
        rules=rules,
        ballots=ballots,
        warnings=warnings,
        awards=awards,
        targets=targets,
        periods=periods,
        policy=policy,
        depends_on=frozenset(depends),
    )


def parse_expression(raw: object, path: str) -> Expression:
    if isinstance(raw, str):
        return text(raw, path)
    data = mapping(raw, path)
    check_keys(data, {"sum", "plus", "minus", "clamp"}, path)
    if "sum" not in data:
        raise ScenarioError(join(path, "sum"), "missing")
    sum_path = join(path, "sum")
    items = sequence(data["sum"], sum_path)
    if not items:
        raise ScenarioError(sum_path, "empty")
    terms: list[tuple[Decimal, WeightedSum | str]] = []
    total = Decimal(0)
    for i, item in enumerate(items):
        term_path = f"{sum_path}[{i}]"
        term = mapping(item, term_path)
        check_keys(term, {"weight", "of"}, term_path)
        for key in ("weight", "of"):
            if key not in term:
                raise ScenarioError(join(term_path, key), "missing")
        weight = number(term["weight"], join(term_path, "weight"))
        if weight <= 0:
            raise ScenarioError(join(term_path, "weight"), "must_be_positive")
        total += weight
        terms.append((weight, parse_expression(term["of"], join(term_path, "of"))))
    if total != ONE:
        raise ScenarioError(sum_path, "weights_sum", total=total.normalize())
    plus = names(data.get("plus", []), join(path, "plus"))
    minus = names(data.get("minus", []), join(path, "minus"))
    clamp = None
    if data.get("clamp") is not None:
        bounds = sequence(data["clamp"], join(path, "clamp"))
        if len(bounds) != 2:
            raise ScenarioError(join(path, "clamp"), "not_list")
        low = number(bounds[0], join(path, "clamp[0]"))
        high = number(bounds[1], join(path, "clamp[1]"))
        if low > high:
            raise ScenarioError(join(path, "clamp"), "out_of_range", low=low, high=high)
        clamp = (low, high)
    return WeightedSum(tuple(terms), plus, minus, clamp)


def parse_bands(
    data: Mapping[Any, Any], path: str, grades: tuple[str, ...], grade: Any
) -> tuple[tuple[tuple[int, Decimal], ...], dict[str, tuple[tuple[int, Decimal], ...]]]:
    if "bands" not in data:
        raise ScenarioError(join(path, "bands"), "missing")
    base = _band_map(data["bands"], join(path, "bands"), grades, grade)
    bands = _ordered_bands(base, join(path, "bands"), grades)
    by_group: dict[str, tuple[tuple[int, Decimal], ...]] = {}
    raw_groups = mapping(data.get("bands_by_group", {}), join(path, "bands_by_group"))
    for key, value in raw_groups.items():
        group_path = f"{path}.bands_by_group.{key}"
        group = text(key, group_path)
        merged = dict(base)
        merged.update(_band_map(value, group_path, grades, grade))
        by_group[group] = _ordered_bands(merged, group_path, grades)
    return bands, by_group


def _band_map(raw: object, path: str, grades: tuple[str, ...], grade: Any) -> dict[int, Decimal]:
    result: dict[int, Decimal] = {}
    for key, value in mapping(raw, path).items():
        where = join(path, str(key))
        index = grade(key, where)
        if index == len(grades) - 1:
            raise ScenarioError(where, "band_for_lowest", grade=grades[index])
        result[index] = number(value, where)
    return result


def _ordered_bands(
    bands: Mapping[int, Decimal], path: str, grades: tuple[str, ...]
) -> tuple[tuple[int, Decimal], ...]:
    ordered = tuple(sorted(bands.items()))
    for (better, better_min), (worse, worse_min) in itertools.pairwise(ordered):
        if better_min <= worse_min:
            raise ScenarioError(
                path,
                "bands_order",
                better=grades[better],
                better_min=better_min,
                worse=grades[worse],
                worse_min=worse_min,
            )
    return ordered


def parse_targets(
    raw: object,
    path: str,
    subject: str,
    grade: Any,
    ctx: _Context,
    ballots_into: str | None,
) -> tuple[Target, ...]:
    items = sequence(raw, path)
    targets: list[Target] = []
    seen: set[str] = set()
    for i, item in enumerate(items):
        target_path = f"{path}[{i}]"
        data = mapping(item, target_path)
        check_keys(data, TARGET_KEYS, target_path)
        if "id" not in data:
            raise ScenarioError(join(target_path, "id"), "missing")
        target_id = text(data["id"], join(target_path, "id"))
        if target_id in seen:
            raise ScenarioError(join(target_path, "id"), "duplicate_id", id=target_id)
        seen.add(target_id)
        if subject == "cadre":
            if target_id not in ctx.cadres:
                raise ScenarioError(join(target_path, "id"), "unknown_cadre", cadre=target_id)
        elif ctx.units and target_id not in ctx.units:
            raise ScenarioError(join(target_path, "id"), "unknown_unit", unit=target_id)
        group = (
            text(data["group"], join(target_path, "group"))
            if data.get("group") is not None
            else None
        )
        inputs: dict[str, InputValue] = {}
        raw_inputs = mapping(data.get("inputs", {}), join(target_path, "inputs"))
        for key, value in raw_inputs.items():
            input_path = f"{target_path}.inputs.{key}"
            name = text(key, input_path)
            if name == ballots_into:
                raise ScenarioError(input_path, "input_from_ballots", input=name)
            inputs[name] = input_value(value, input_path)
        flags = frozenset(names(data.get("flags", []), join(target_path, "flags")))
        periods: dict[str, Decimal] = {}
        for key, value in mapping(data.get("periods", {}), join(target_path, "periods")).items():
            period_path = f"{target_path}.periods.{key}"
            periods[text(key, period_path)] = number(value, period_path)
        proposed = None
        if data.get("proposed") is not None:
            proposed = grade(data["proposed"], join(target_path, "proposed"))
        history: dict[int, int] = {}
        for key, value in mapping(data.get("history", {}), join(target_path, "history")).items():
            history_path = f"{target_path}.history.{key}"
            year = integer(
                key if not isinstance(key, str) else _int_text(key, history_path), history_path
            )
            if year >= ctx.year:
                raise ScenarioError(history_path, "history_year", value=year, year=ctx.year)
            history[year] = grade(value, history_path)
        targets.append(Target(target_id, i, group, inputs, flags, periods, proposed, history))
    return tuple(targets)


def _int_text(value: str, path: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise ScenarioError(path, "not_integer", value=value) from None


def input_value(value: object, path: str) -> InputValue:
    if type(value) is Decimal and value.is_finite() and value.adjusted() <= 15:
        return value
    if isinstance(value, (list, tuple)):
        items: list[str | Decimal] = []
        for i, item in enumerate(value):
            if isinstance(item, str):
                items.append(item)
            else:
                items.append(number(item, f"{path}[{i}]"))
        return tuple(items)
    if isinstance(value, (int, Decimal, float)) and not isinstance(value, bool):
        return number(value, path)
    raise ScenarioError(path, "not_input_value", value=value)


def parse_period_order(
    raw: object, path: str, targets: tuple[Target, ...], scheme_path: str
) -> tuple[str, ...]:
    """The order of periods: given, or as written in the targets (which must agree)."""
    if raw is not None:
        order = names(raw, path)
        unique_ids(order, (f"{path}[{i}]" for i in range(len(order))))
        known = set(order)
        for target in targets:
            for key in target.periods:
                if key not in known:
                    raise ScenarioError(
                        f"{scheme_path}.targets[{target.position}].periods.{key}",
                        "unknown_period",
                        period=key,
                    )
        return order
    order_list: list[str] = []
    position: dict[str, int] = {}
    for target in targets:
        last = -1
        previous = ""
        for key in target.periods:
            if key not in position:
                position[key] = len(order_list)
                order_list.append(key)
            if position[key] < last:
                raise ScenarioError(
                    f"{scheme_path}.targets[{target.position}].periods",
                    "period_order",
                    first=previous,
                    second=key,
                )
            last = position[key]
            previous = key
    return tuple(order_list)


def parse_quotas(
    raw: object,
    path: str,
    scheme_id: str,
    grades: tuple[str, ...],
    grade: Any,
    ctx: _Context,
    depends: set[str],
) -> tuple[Quota, ...]:
    quotas: list[Quota] = []
    seen: set[int] = set()
    for i, item in enumerate(sequence(raw, path)):
        quota_path = f"{path}[{i}]"
        data = record(item, quota_path, QUOTA_KEYS, required=("grade", "ratio"))
        index = grade(data["grade"], join(quota_path, "grade"))
        if index == len(grades) - 1:
            raise ScenarioError(join(quota_path, "grade"), "band_for_lowest", grade=grades[index])
        if index in seen:
            raise ScenarioError(join(quota_path, "grade"), "duplicate_id", id=grades[index])
        seen.add(index)
        base_ratio = ratio(data["ratio"], join(quota_path, "ratio"))
        by_grade_of = None
        if data.get("ratio_by_grade_of") is not None:
            by_path = join(quota_path, "ratio_by_grade_of")
            by = mapping(data["ratio_by_grade_of"], by_path)
            check_keys(by, {"scheme", "grades"}, by_path)
            for key in ("scheme", "grades"):
                if key not in by:
                    raise ScenarioError(join(by_path, key), "missing")
            other = _other_scheme(by["scheme"], join(by_path, "scheme"), scheme_id, ctx)
            depends.add(other)
            other_grades = ctx.grades_of[other]
            table: dict[int, Decimal] = {}
            for key, value in mapping(by["grades"], join(by_path, "grades")).items():
                where = f"{by_path}.grades.{key}"
                name = text(key, where)
                if name not in other_grades:
                    raise ScenarioError(where, "unknown_grade", grade=name)
                table[other_grades.index(name)] = ratio(value, where)
            by_grade_of = (other, table)
        by_flag: dict[str, Decimal] = {}
        for key, value in mapping(
            data.get("ratio_by_unit_flag", {}), join(quota_path, "ratio_by_unit_flag")
        ).items():
            where = f"{quota_path}.ratio_by_unit_flag.{key}"
            by_flag[text(key, where)] = ratio(value, where)
        soft = boolean(data.get("soft", False), join(quota_path, "soft"))
        quotas.append(Quota(index, base_ratio, by_grade_of, by_flag, soft))
    return tuple(sorted(quotas, key=lambda quota: quota.grade))


def _other_scheme(value: object, path: str, scheme_id: str, ctx: _Context) -> str:
    other = text(value, path)
    if other not in ctx.grades_of:
        raise ScenarioError(path, "unknown_scheme", scheme=other)
    if other == scheme_id:
        raise ScenarioError(path, "self_reference")
    return other


def parse_rules(
    raw: object,
    path: str,
    scheme_id: str,
    subject: str,
    grade: Any,
    known_input: Any,
    ctx: _Context,
    depends: set[str],
    ballots_into: str | None = None,
) -> tuple[Rule, ...]:
    rules: list[Rule] = []
    seen: set[str] = set()
    for i, item in enumerate(sequence(raw, path)):
        rule_path = f"{path}[{i}]"
        data = record(item, rule_path, RULE_KEYS, required=("id", "when", "then"))
        rule_id = text(data["id"], join(rule_path, "id"))
        if rule_id in seen:
            raise ScenarioError(join(rule_path, "id"), "duplicate_id", id=rule_id)
        seen.add(rule_id)
        then_path = join(rule_path, "then")
        then = mapping(data["then"], then_path)
        effects = [key for key in then if key in EFFECTS]
        if len(then) != 1 or len(effects) != 1:
            raise ScenarioError(then_path, "one_effect", keys=list(then))
        effect = cast(Effect, effects[0])
        value = then[effect]
        effect_path = join(then_path, effect)
        rule_grade: int | None = None
        levels = 0
        rule_text = ""
        if effect in ("set", "cap"):
            rule_grade = grade(value, effect_path)
        elif effect == "downgrade":
            levels = integer(value, effect_path, low=1)
        else:
            rule_text = text(value, effect_path)
        parser = _ConditionParser(scheme_id, subject, effect, known_input, ctx, depends)
        parser.ballots_into = ballots_into
        when = parser.parse(data["when"], join(rule_path, "when"))
        soft = boolean(data.get("soft", False), join(rule_path, "soft"))
        rules.append(Rule(rule_id, when, effect, rule_grade, levels, rule_text, soft))
    return tuple(rules)


class _ConditionParser:
    def __init__(
        self,
        scheme_id: str,
        subject: str,
        effect: str,
        known_input: Any,
        ctx: _Context,
        depends: set[str],
    ) -> None:
        self.scheme_id = scheme_id
        self.subject = subject
        self.effect = effect
        self.known_input = known_input
        self.ctx = ctx
        self.depends = depends
        self.forbidden = FORBIDDEN_CONDITIONS[effect]
        self.ballots_into: str | None = None

    def parse(self, raw: object, path: str) -> Condition:
        data = mapping(raw, path)
        keys = [key for key in data if key in CONDITION_KEYS]
        if "input" in data:
            return self._input(data, path)
        if len(data) != 1 or len(keys) != 1:
            raise ScenarioError(path, "one_condition", keys=list(data))
        key = keys[0]
        where = join(path, key)
        if key in self.forbidden:
            raise ScenarioError(where, "condition_forbidden", effect=self.effect, condition=key)
        value = data[key]
        if key == "flag":
            return FlagCond(text(value, where))
        if key == "unit_flag":
            return FlagCond(text(value, where), of_unit=True)
        if key in ("role", "duty"):
            if self.subject != "cadre":
                raise ScenarioError(where, "only_for_cadres")
            return (
                RoleCond(one_of(value, ROLES, where))
                if key == "role"
                else DutyCond(text(value, where))
            )
        if key == "entity":
            items = mapping(value, where)
            if len(items) != 1:
                raise ScenarioError(where, "one_condition", keys=list(items))
            ((attribute, expected),) = items.items()
            return EntityCond(text(attribute, where), expected)
        if key == "grade_of":
            return self._grade_of(value, where)
        if key == "rank":
            return self._rank(value, where)
        if key == "bottom_share":
            share = mapping(value, where)
            check_keys(share, {"ratio", "consecutive"}, where)
            if "ratio" not in share:
                raise ScenarioError(join(where, "ratio"), "missing")
            return BottomShareCond(
                ratio(share["ratio"], join(where, "ratio")),
                integer(share.get("consecutive", 1), join(where, "consecutive"), low=1),
            )
        if key == "grade":
            grades = self.ctx.grades_of[self.scheme_id]
            op, name = self._comparison(value, where)
            if name not in grades:
                raise ScenarioError(join(where, op), "unknown_grade", grade=name)
            return GradeCond(op, grades.index(name))
        items_path = where
        if key in ("all", "any"):
            parts = sequence(value, items_path)
            if not parts:
                raise ScenarioError(items_path, "empty")
            parsed = tuple(self.parse(item, f"{items_path}[{i}]") for i, item in enumerate(parts))
            return AllCond(parsed) if key == "all" else AnyCond(parsed)
        return NotCond(self.parse(value, where))

    def _input(self, data: Mapping[Any, Any], path: str) -> Condition:
        name = self.known_input(data["input"], join(path, "input"))
        if name == self.ballots_into and self.effect in ("exclude", "pending"):
            # status rules come before the ballots are tallied (order of evaluation, 1)
            raise ScenarioError(
                join(path, "input"), "condition_forbidden", effect=self.effect, condition=name
            )
        ops = [key for key in data if key != "input"]
        if len(ops) != 1 or ops[0] not in COMPARISONS + MEMBERSHIPS:
            raise ScenarioError(path, "one_comparison", choices=COMPARISONS + MEMBERSHIPS)
        op = ops[0]
        where = join(path, op)
        if op in COMPARISONS:
            return InputCompare(name, op, number(data[op], where))
        value = data[op]
        member: str | Decimal = value if isinstance(value, str) else number(value, where)
        return InputMember(name, op, member)

    def _comparison(self, value: object, path: str) -> tuple[str, str]:
        data = mapping(value, path)
        ops = [key for key in data if key in GRADE_COMPARISONS]
        if len(ops) != 1:
            raise ScenarioError(path, "one_comparison", choices=GRADE_COMPARISONS)
        return ops[0], text(data[ops[0]], join(path, ops[0]))

    def _grade_of(self, value: object, path: str) -> Condition:
        data = mapping(value, path)
        check_keys(data, {"scheme", "of", *GRADE_COMPARISONS}, path)
        if "scheme" not in data:
            raise ScenarioError(join(path, "scheme"), "missing")
        other = _other_scheme(data["scheme"], join(path, "scheme"), self.scheme_id, self.ctx)
        self.depends.add(other)
        of = one_of(data.get("of", "self"), ("self", "unit"), join(path, "of"))
        op, name = self._comparison({k: v for k, v in data.items() if k in GRADE_COMPARISONS}, path)
        grades = self.ctx.grades_of[other]
        if name not in grades:
            raise ScenarioError(join(path, op), "unknown_grade", grade=name)
        return GradeOfCond(other, of, op, grades.index(name))

    def _rank(self, value: object, path: str) -> Condition:
        data = mapping(value, path)
        check_keys(data, {"last", "bottom", "top"}, path)
        if len(data) != 1:
            raise ScenarioError(path, "one_comparison", choices=("last", "bottom", "top"))
        ((kind, amount),) = data.items()
        if kind == "last":
            if not boolean(amount, join(path, "last")):
                return NotCond(RankCond("bottom", 1))
            return RankCond("bottom", 1)
        return RankCond(kind, integer(amount, join(path, kind), low=1))


def parse_ballots(raw: object, path: str) -> Ballots:
    data = record(raw, path, BALLOT_KEYS, required=("into", "choices", "rater_weights"))
    into = text(data["into"], join(path, "into"))
    choices: dict[str, Decimal] = {}
    for key, value in mapping(data["choices"], join(path, "choices")).items():
        where = f"{path}.choices.{key}"
        choices[text(key, where)] = number(value, where)
    if not choices:
        raise ScenarioError(join(path, "choices"), "empty")
    weights: dict[str, Decimal] = {}
    for key, value in mapping(data["rater_weights"], join(path, "rater_weights")).items():
        where = f"{path}.rater_weights.{key}"
        weight = number(value, where)
        if weight <= 0:
            raise ScenarioError(where, "must_be_positive")
        weights[text(key, where)] = weight
    if not weights:
        raise ScenarioError(join(path, "rater_weights"), "empty")
    max_share: dict[str, Decimal] = {}
    for key, value in mapping(data.get("max_share", {}), join(path, "max_share")).items():
        where = f"{path}.max_share.{key}"
        name = text(key, where)
        if name not in choices:
            raise ScenarioError(where, "unknown_choice", choice=name)
        max_share[name] = ratio(value, where)
    sheets = data.get("sheets", [])
    if isinstance(sheets, (str, bytes, Mapping)) or not isinstance(sheets, Iterable):
        raise ScenarioError(join(path, "sheets"), "not_list")
    return Ballots(into, choices, weights, max_share, sheets, path)


def parse_warnings(raw: object, path: str) -> Warnings:
    data = mapping(raw, path)
    check_keys(data, WARNING_KEYS, path)
    if "bottom" not in data:
        raise ScenarioError(join(path, "bottom"), "missing")
    bottom = integer(data["bottom"], join(path, "bottom"), low=0)
    by_group: dict[str, int] = {}
    for key, value in mapping(
        data.get("bottom_by_group", {}), join(path, "bottom_by_group")
    ).items():
        where = f"{path}.bottom_by_group.{key}"
        by_group[text(key, where)] = integer(value, where, low=0)
    levels = names(data.get("levels", ["红", "黄"]), join(path, "levels"))
    if not levels:
        raise ScenarioError(join(path, "levels"), "empty")
    return Warnings(bottom, by_group, levels)


def parse_award(raw: object, path: str, grade: Any) -> Award:
    data = record(raw, path, AWARD_KEYS, required=AWARD_KEYS)
    return Award(
        text(data["name"], join(path, "name")),
        grade(data["grade"], join(path, "grade")),
        integer(data["consecutive"], join(path, "consecutive"), low=1),
    )
