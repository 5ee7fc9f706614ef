"""The scenario builder: the whole ``kaohe-scenario/1`` document of a year (and optionally
one suite) from the database, one provider per app (``shared/spec/scenario-format.md``).

- entities: ``kaohe.orgs.scenario`` (units and cadres as of 12-31, with that day's flags);
- schemes: each scheme's current version (not drafts), the targets it assesses;
- one ``Provider`` per app gives each scheme's inputs, periods, history and ballot
  sheets by target: ``collection`` (indicator-system scores and period scores),
  ``ballots`` (democratic evaluation sheets, surveys, leader ratings), the components
  imported from Excel (``ComponentScore``) and ``history`` (the grades of earlier years'
  runs).

Ids are stable: a unit is ``u<pk>`` (a team has its unit's id), a cadre ``c<pk>``, a scheme
``s<pk>``; never a code a user can rename. References between schemes of a suite
(``grade_of``, ``ratio_by_grade_of``) are rewritten from codes to those ids.
Ballot sheets are generators: they are read once, when the document is written or graded.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from kaohe.collection.models import Period, PeriodKind, PeriodStatus
from kaohe.collection.totals import period_totals
from kaohe.orgs.models import Team, Unit
from kaohe.orgs.scenario import scenario_entities
from kaohe.schemes.definitions import exact
from kaohe.schemes.models import (
    IndicatorSystem,
    Scheme,
    SchemeStatus,
    SchemeVersion,
    Subject,
    SystemStatus,
)

FORMAT = "kaohe-scenario/1"
# The input a year-end period's indicator-system score goes into (seed 001 第十四条:
# 指标考核分值); a scheme whose score does not read it simply ignores it.
INDICATORS_INPUT = "indicators"

Sheets = Callable[[], Iterator[Mapping[str, Any]]]


def unit_id(pk: int) -> str:
    return f"u{pk}"


def cadre_id(pk: int) -> str:
    return f"c{pk}"


def scheme_id(pk: int) -> str:
    return f"s{pk}"


@dataclass(frozen=True)
class BuiltScheme:
    """A scheme as the providers see it: its model, the version read, its id in the
    document, its definition (exact decimals, ids rewritten) and its targets."""

    model: Scheme
    version: SchemeVersion
    id: str
    definition: dict[str, Any]
    targets: tuple[str, ...]

    @property
    def subject(self) -> str:
        return self.model.subject

    @property
    def grades(self) -> tuple[str, ...]:
        return tuple(self.definition.get("grades", ()))


@dataclass(frozen=True)
class BuildContext:
    year: int
    suite: str | None
    schemes: tuple[BuiltScheme, ...]
    entities: Mapping[str, list[dict[str, Any]]]

    @property
    def year_end(self) -> dt.date:
        return dt.date(self.year, 12, 31)


@dataclass
class Contribution:
    """What one app gives one scheme: by target id, inputs, period scores, past grades;
    the order of the periods; the scheme's ballot sheets (a function returning a fresh
    generator, or None)."""

    inputs: dict[str, dict[str, Any]] = field(default_factory=lambda: defaultdict(dict))
    periods: dict[str, dict[str, Decimal]] = field(default_factory=lambda: defaultdict(dict))
    period_order: list[str] = field(default_factory=list)
    history: dict[str, dict[int, str]] = field(default_factory=lambda: defaultdict(dict))
    sheets: Sheets | None = None
    # the choices, rater weights and max share the sheets were marked with (merged over the
    # scheme's ballots section), or None
    ballots: dict[str, Any] | None = None


# A provider: the build context in, a contribution per scheme id out (schemes it has
# nothing for may be left out).
Provider = Callable[[BuildContext], Mapping[str, Contribution]]


@dataclass
class Scenario:
    """A built document (its sheets are generators: write or grade it once) and the
    scheme versions it read, by scheme id."""

    document: dict[str, Any]
    schemes: dict[str, BuiltScheme]

    @property
    def versions(self) -> list[SchemeVersion]:
        return [scheme.version for scheme in self.schemes.values()]


# ---- the schemes ----------------------------------------------------------------------


def _rewrite_references(value: Any, ids: Mapping[str, str]) -> Any:
    """The definition with ``grade_of.scheme`` and ``ratio_by_grade_of.scheme`` codes
    replaced by the document's scheme ids (codes of another suite are left as they are:
    the engine refuses them by name)."""
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if key in ("grade_of", "ratio_by_grade_of") and isinstance(item, Mapping):
                item = dict(item)
                if isinstance(item.get("scheme"), str):
                    item["scheme"] = ids.get(item["scheme"], item["scheme"])
            out[key] = _rewrite_references(item, ids)
        return out
    if isinstance(value, list):
        return [_rewrite_references(item, ids) for item in value]
    return value


def expression_inputs(expression: Any) -> tuple[set[str], set[str]]:
    """The input names a score expression reads: (weighted or plain ones, those added or
    subtracted after the weighting)."""
    if expression is None:
        return {"score"}, set()
    if isinstance(expression, str):
        return {expression}, set()
    weighted: set[str] = set()
    added: set[str] = set()
    if isinstance(expression, Mapping):
        for part in expression.get("sum", ()) or ():
            inner, extra = expression_inputs(part.get("of") if isinstance(part, Mapping) else None)
            weighted |= inner
            added |= extra
        for key in ("plus", "minus"):
            added |= {str(name) for name in expression.get(key, ()) or ()}
    return weighted, added


def _assessed_units(schemes: Iterable[Scheme]) -> dict[tuple[int, str], list[int]]:
    """(year id, suite) → the active units the suite assesses: those of the categories
    its published (or locked) indicator systems are for, or every active unit when it has
    none."""
    suites = {(s.year_id, s.suite) for s in schemes}
    categories: dict[tuple[int, str], set[int]] = defaultdict(set)
    for year_id, suite, category in (
        IndicatorSystem.objects.filter(
            scheme__year_id__in={y for y, _ in suites}, scheme__suite__in={s for _, s in suites}
        )
        .exclude(status=SystemStatus.DRAFT)
        .values_list("scheme__year_id", "scheme__suite", "category_id")
    ):
        categories[(year_id, suite)].add(category)
    units = list(
        Unit.objects.filter(is_active=True)
        .order_by("category__order", "order", "code")
        .values_list("pk", "category_id")
    )
    return {
        key: [pk for pk, category in units if not categories[key] or category in categories[key]]
        for key in suites
    }


def _targets(
    scheme: Scheme, assessed: Mapping[tuple[int, str], list[int]], teams: set[int],
    cadres: list[str],
) -> tuple[str, ...]:  # fmt: skip
    if scheme.subject == Subject.CADRE:
        return tuple(cadres)
    units = assessed[(scheme.year_id, scheme.suite)]
    if scheme.subject == Subject.TEAM:
        units = [pk for pk in units if pk in teams]
    return tuple(unit_id(pk) for pk in units)


def _schemes(year: int, suite: str | None, entities: Mapping[str, Any]) -> list[BuiltScheme]:
    schemes = list(
        Scheme.objects.filter(year__year=year, current_version__isnull=False)
        .exclude(status=SchemeStatus.DRAFT)
        .select_related("current_version")
        .order_by("suite", "pk")
    )
    if suite is not None:
        schemes = [s for s in schemes if s.suite == suite]
    assessed = _assessed_units(schemes)
    teams = set(Team.objects.filter(is_assessed=True).values_list("unit_id", flat=True))
    # Every cadre posted on 12-31 (004 一(一): 全县各单位领导干部, 含职务公务员 …; 一般干部 are
    # placed as members are, ``kaohe.orgs.scenario``); the engine's placement excludes the
    # retired and village-team members visibly.
    cadres = [c["id"] for c in entities["cadres"]]
    ids_by_suite: dict[str, dict[str, str]] = defaultdict(dict)
    for scheme in schemes:
        ids_by_suite[scheme.suite][scheme.code] = scheme_id(scheme.pk)
    built = []
    for scheme in schemes:
        version = scheme.current_version
        assert version is not None
        definition = _rewrite_references(exact(version.definition), ids_by_suite[scheme.suite])
        if version.policy and "policy" not in definition:
            definition["policy"] = exact(version.policy)
        definition["id"] = scheme_id(scheme.pk)
        definition.setdefault("name", scheme.name)
        built.append(
            BuiltScheme(
                model=scheme,
                version=version,
                id=scheme_id(scheme.pk),
                definition=definition,
                targets=_targets(scheme, assessed, teams, cadres),
            )
        )
    return built


# ---- the entities ---------------------------------------------------------------------


def _entities(year: int) -> dict[str, list[dict[str, Any]]]:
    """``kaohe.orgs.scenario`` with units by stable id instead of their code."""
    entities = scenario_entities(year)
    by_code = {code: unit_id(pk) for code, pk in Unit.objects.values_list("code", "pk")}
    for unit in entities["units"]:
        unit["id"] = by_code[unit["id"]]
        if "supervisor" in unit:
            unit["supervisor"] = by_code[unit["supervisor"]]
    for cadre in entities["cadres"]:
        cadre["unit"] = by_code[cadre["unit"]]
        if "entrusted_by" in cadre:
            cadre["entrusted_by"] = by_code[cadre["entrusted_by"]]
        if "secondment" in cadre:
            cadre["secondment"] = {
                **cadre["secondment"],
                "host": by_code[cadre["secondment"]["host"]],
            }
    return entities


# ---- the providers --------------------------------------------------------------------


def collection_provider(context: BuildContext) -> dict[str, Contribution]:
    """Unit schemes: each started period's score (``period_totals``) as the target's
    ``periods`` (keyed by ``Period.key``, in date order); the year-end period's score as
    input ``indicators``. Periods not yet started give nothing."""
    by_scheme = {s.model.pk: s for s in context.schemes if s.subject == Subject.UNIT}
    periods = (
        Period.objects.filter(scheme_id__in=by_scheme)
        .exclude(status=PeriodStatus.PLANNED)
        .order_by("scheme_id", "starts_on", "key")
    )
    out: dict[str, Contribution] = {}
    for period in periods:
        scheme = by_scheme[period.scheme_id]
        contribution = out.setdefault(scheme.id, Contribution())
        wanted = set(scheme.targets)
        totals = {unit_id(pk): score for pk, score in period_totals(period=period).items()}
        if period.kind == PeriodKind.YEAR_END:
            for target, score in totals.items():
                if target in wanted:
                    contribution.inputs[target][INDICATORS_INPUT] = score
            continue
        contribution.period_order.append(period.key)
        for target, score in totals.items():
            if target in wanted:
                contribution.periods[target][period.key] = score
    return out


# The inputs the ballots app gives (the names the presets read): a closed survey's unit
# points (seed 002 民意调查 ``survey``), a closed unit rating round's score (seed 001 第十四条
# 领导评价得分 ``leader``) and the cadre rounds' grades (seed 004 一(三)5 ``leader_ratings``).
SURVEY_INPUT = "survey"
LEADER_INPUT = "leader"
# A closed team session's tally (seed 002 突出实绩考核: 班子民主测评占10%) for the team schemes
# whose score reads ``ballot`` and that declare no ``ballots`` section of their own.
BALLOT_INPUT = "ballot"
LEADER_RATINGS_INPUT = "leader_ratings"


def _mean_by_target(found: Mapping[str, list[Decimal]]) -> dict[str, Decimal]:
    return {target: sum(values, Decimal(0)) / len(values) for target, values in found.items()}


def _session_sheets(sections: list[dict[str, Any]]) -> Sheets:
    """The sheets of several sessions' parts, read again (from the database) on each call."""
    from kaohe.ballots.evaluation_tally import scenario_ballots

    def sheets() -> Iterator[Mapping[str, Any]]:
        for section in sections:
            ids = section["ids"]
            for sheet in scenario_ballots(section["session"], section["form"])["sheets"]:
                yield {
                    "rater": sheet["rater"],
                    "marks": {ids[target]: mark for target, mark in sheet["marks"].items()},
                }

    return sheets


def ballots_provider(context: BuildContext) -> dict[str, Contribution]:
    """What the ballots app gives the year's schemes.

    - 民主测评: each closed (live, not test) session of the year, part by part: the team
      part feeds every team scheme, the cadre part every cadre scheme, of the year (and
      suite) that declares a ``ballots`` section; its sheets (read from the database when
      the document is written or graded) with the session's target ids rewritten to the
      builder's (``u<unit pk>`` for a team, ``c<pk>`` for a cadre; a target the scheme does
      not assess is left out of the marks). The choices, rater weights and max share the
      raters voted with are merged over the scheme's (a name in both: the session's value)
      when every session feeding it agrees on them; otherwise the scheme's stay as they are. A form with areas (one mark per area) has no single
      mark per target for the engine's tally: such parts are not fed.
    - 民主测评 for a team scheme without a ``ballots`` section whose score reads ``ballot``
      (seed 002's team scheme, 班子民主测评占10%): each closed session's team part (a form
      without areas) gives each team the engine's own tally of its sheets
      (``part_values``: invalid sheets dropped, weights rescaled over the classes that
      marked it) as input ``ballot``; a team in several sessions: the mean of their values.
      Imported components still win (``components_provider`` comes after).
    - Surveys: each closed survey of the year gives its unit points (``survey_scores``) as
      input ``survey`` to the unit and team schemes whose score reads it (several surveys:
      their mean).
    - Leader ratings: the closed unit rounds of the year give ``leader`` (the mean of the
      rounds' scores) to the unit and team schemes whose score reads it; when the year has a
      closed cadre round, every target of the cadre schemes gets ``leader_ratings``, the
      list of its rounds' grades in period order (none: an empty list, 全年领导评价无优秀).
    """
    from kaohe.ballots.evaluation_tally import OVERALL, part_values, parts, scenario_ballots
    from kaohe.ballots.models import (
        RatingRound,
        RatingStatus,
        RatingSubject,
        Session,
        SessionStatus,
        Survey,
        SurveyStatus,
    )
    from kaohe.ballots.ratings_results import leader_rating_grades, unit_rating_scores
    from kaohe.ballots.surveys_results import survey_scores

    out: dict[str, Contribution] = {}
    with_ballots: dict[str, list[BuiltScheme]] = {
        str(subject): [
            s for s in context.schemes if s.subject == subject and s.definition.get("ballots")
        ]
        for subject in (Subject.TEAM, Subject.CADRE)
    }
    sections: dict[str, list[dict[str, Any]]] = defaultdict(list)
    # team schemes that read `ballot` from an input, not from sheets of their own
    tallied = [
        s for s in context.schemes
        if s.subject == Subject.TEAM and not s.definition.get("ballots")
        and BALLOT_INPUT in set().union(*expression_inputs(s.definition.get("score")))
    ]  # fmt: skip
    team_values: dict[str, list[Decimal]] = defaultdict(list)
    sessions = (
        Session.objects.filter(year__year=context.year, status=SessionStatus.CLOSED)
        .select_related("team_form", "cadre_form")
        .prefetch_related("targets__team", "rater_classes")
        .order_by("opens_at", "pk")
    )
    for session in sessions:
        for form, targets in parts(session):
            if form.areas:
                continue  # one mark per area: not the engine's single mark per target
            subject = targets[0].subject
            builder_ids: dict[str, str] = {}
            for t in targets:
                if t.team is not None:
                    builder_ids[str(t.pk)] = unit_id(t.team.unit_id)
                elif t.cadre_id is not None:
                    builder_ids[str(t.pk)] = cadre_id(t.cadre_id)
            if subject == Subject.TEAM and tallied:
                for session_target, value in part_values(session, form).items():
                    team_values[builder_ids[session_target]].append(value)
            for scheme in with_ballots.get(subject, []):
                known = set(scheme.targets)
                ids = {pk: target for pk, target in builder_ids.items() if target in known}
                if not ids:
                    continue
                section = scenario_ballots(session, form, OVERALL)
                sections[scheme.id].append({
                    "session": session, "form": form, "ids": ids,
                    "voted": {k: section[k] for k in ("choices", "rater_weights", "max_share")},
                })  # fmt: skip
    for scheme in context.schemes:
        found = sections.get(scheme.id)
        if not found:
            continue
        contribution = out.setdefault(scheme.id, Contribution())
        contribution.sheets = _session_sheets(found)
        voted = [section["voted"] for section in found]
        if all(v == voted[0] for v in voted):
            contribution.ballots = voted[0]

    means = _mean_by_target(team_values)
    for scheme in tallied:
        for target in set(scheme.targets) & means.keys():
            out.setdefault(scheme.id, Contribution()).inputs[target][BALLOT_INPUT] = means[target]

    def give(name: str, values: Mapping[str, Decimal]) -> None:
        for scheme in context.schemes:
            if scheme.subject == Subject.CADRE:
                continue
            weighted, added = expression_inputs(scheme.definition.get("score"))
            if name not in weighted | added:
                continue
            known = set(scheme.targets)
            for target, value in values.items():
                if target in known:
                    out.setdefault(scheme.id, Contribution()).inputs[target][name] = value

    surveys: dict[str, list[Decimal]] = defaultdict(list)
    for survey in Survey.objects.filter(year__year=context.year, status=SurveyStatus.CLOSED):
        for pk, points in survey_scores(survey=survey).items():
            surveys[unit_id(pk)].append(points)
    give(SURVEY_INPUT, _mean_by_target(surveys))

    rounds = list(RatingRound.objects.filter(year__year=context.year, status=RatingStatus.CLOSED))
    leader: dict[str, list[Decimal]] = defaultdict(list)
    for round_ in rounds:
        if round_.subject == RatingSubject.UNIT:
            for pk, score in unit_rating_scores(round=round_).items():
                leader[unit_id(pk)].append(score)
    give(LEADER_INPUT, _mean_by_target(leader))
    if any(r.subject == RatingSubject.CADRE for r in rounds):
        grades = {cadre_id(pk): found for pk, found in leader_rating_grades(rounds=rounds).items()}
        for scheme in context.schemes:
            if scheme.subject != Subject.CADRE:
                continue
            contribution = out.setdefault(scheme.id, Contribution())
            for target in scheme.targets:
                contribution.inputs[target][LEADER_RATINGS_INPUT] = list(grades.get(target, []))
    return out


def components_provider(context: BuildContext) -> dict[str, Contribution]:
    """The components imported from Excel (``ComponentScore``), as inputs."""
    from kaohe.results.models import ComponentScore

    by_scheme = {s.model.pk: s for s in context.schemes}
    out: dict[str, Contribution] = {}
    rows = ComponentScore.objects.filter(scheme_id__in=by_scheme).values_list(
        "scheme_id", "unit_id", "cadre_id", "input_name", "value"
    )
    for scheme_pk, unit_pk, cadre_pk, name, value in rows:
        scheme = by_scheme[scheme_pk]
        target = unit_id(unit_pk) if unit_pk else cadre_id(cadre_pk)
        out.setdefault(scheme.id, Contribution()).inputs[target][name] = value
    return out


def history_provider(context: BuildContext) -> dict[str, Contribution]:
    """Past grades: for each earlier year, the latest finished run that graded a scheme of
    the same suite and code; its graded targets' grades (those this scheme knows)."""
    from kaohe.results.models import RunRow, RunStatus

    wanted = {(s.model.suite, s.model.code): s for s in context.schemes}
    if not wanted:
        return {}
    latest: dict[tuple[int, str, str], tuple[Any, int, int]] = {}
    found = (
        RunRow.objects.filter(
            run__status=RunStatus.DONE,
            run__year__year__lt=context.year,
            scheme__suite__in={suite for suite, _ in wanted},
            scheme__code__in={code for _, code in wanted},
        )
        .values_list("run__year__year", "scheme__suite", "scheme__code", "run__finished_at",
                     "run_id", "scheme_id")
        .distinct()
    )  # fmt: skip
    for year, suite, code, finished, run, graded in found:
        key = (year, suite, code)
        if key not in latest or (finished, run) > latest[key][:2]:
            latest[key] = (finished, run, graded)
    out: dict[str, Contribution] = {}
    pairs = {(run, scheme_pk): (year, wanted[(suite, code)])
             for (year, suite, code), (_f, run, scheme_pk) in latest.items()}  # fmt: skip
    if not pairs:
        return out
    targets_of = {s.id: set(s.targets) for s in context.schemes}
    rows = RunRow.objects.filter(
        run_id__in={run for run, _ in pairs}, scheme_id__in={s for _, s in pairs}
    ).exclude(grade="")
    for run, scheme_pk, target, grade in rows.values_list("run_id", "scheme_id", "target", "grade"):
        if (run, scheme_pk) not in pairs:
            continue
        year, scheme = pairs[(run, scheme_pk)]
        if grade in scheme.grades and target in targets_of[scheme.id]:
            out.setdefault(scheme.id, Contribution()).history[target][year] = grade
    return out


# collection and ballots first; the imported components, given on purpose, win over both
PROVIDERS: tuple[Provider, ...] = (
    collection_provider,
    ballots_provider,
    components_provider,
    history_provider,
)


# ---- the document ---------------------------------------------------------------------


def _scheme_document(scheme: BuiltScheme, parts: list[Contribution]) -> dict[str, Any]:
    definition = dict(scheme.definition)
    _weighted, added = expression_inputs(definition.get("score"))
    order: list[str] = []
    for part in parts:
        order.extend(key for key in part.period_order if key not in order)
    targets = []
    for target in scheme.targets:
        inputs: dict[str, Any] = {name: Decimal(0) for name in sorted(added)}  # none: 0
        periods: dict[str, Decimal] = {}
        history: dict[int, str] = {}
        for part in parts:
            inputs.update(part.inputs.get(target, {}))
            periods.update(part.periods.get(target, {}))
            history.update(part.history.get(target, {}))
        entry: dict[str, Any] = {"id": target, "inputs": inputs}
        if periods:
            entry["periods"] = {key: periods[key] for key in order if key in periods}
        if history:
            entry["history"] = {year: history[year] for year in sorted(history)}
        targets.append(entry)
    definition["targets"] = targets
    if order and "periods" not in definition:
        definition["periods"] = order
    sheets = [part.sheets for part in parts if part.sheets is not None]
    if "ballots" in definition and definition["ballots"] is not None:
        ballots = dict(definition["ballots"])
        for part in parts:  # merged over the scheme's: another source's sheets stay valid
            for key, given in (part.ballots or {}).items():
                ballots[key] = {**(ballots.get(key) or {}), **given}
        ballots["sheets"] = _chain(sheets)
        definition["ballots"] = ballots
    return definition


def _chain(sources: list[Sheets]) -> Iterator[Mapping[str, Any]]:
    for source in sources:
        yield from source()


def build_scenario(
    year: int, suite: str | None = None, *, providers: Iterable[Provider] = PROVIDERS
) -> Scenario:
    """The ``kaohe-scenario/1`` document of ``year`` (every suite, or ``suite`` only)."""
    entities = _entities(year)
    schemes = _schemes(year, suite, entities)
    context = BuildContext(year=year, suite=suite, schemes=tuple(schemes), entities=entities)
    contributions = [provider(context) for provider in providers]
    document: dict[str, Any] = {
        "format": FORMAT,
        "year": year,
        "entities": entities,
        "schemes": [
            _scheme_document(scheme, [c[scheme.id] for c in contributions if scheme.id in c])
            for scheme in schemes
        ],
    }
    return Scenario(document=document, schemes={s.id: s for s in schemes})
