"""The democratic evaluation's tally: a thin adapter over the engine's ``ballots`` tally.

Every number comes from ``kaohe.engine.ballots.tally`` (invalid sheets, the max share of a
choice, weights rescaled over the classes that marked a target): this module only cuts a
session's sheets into the engine's shape, one call per part (teams, cadres) and area, and
decides what may be shown (nothing below ``BALLOT_MIN_SHEETS`` valid sheets). A form with
areas gives each target the mean of its areas' values.

It also checks one sheet before it is submitted (``sheet_is_valid``): the engine's own
verdict on a sheet of one, so the phone and the tally can never disagree.
"""

from __future__ import annotations

import collections
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from django.conf import settings

from kaohe.ballots.models import (
    BallotForm,
    PendingSheet,
    RaterClass,
    Session,
    SessionStatus,
    SessionTarget,
    Sheet,
    Subject,
)
from kaohe.engine.ballots import Tally, tally
from kaohe.engine.model import Ballots

OVERALL = ""  # the area key of a form without areas
TWO_PLACES = Decimal("0.01")


def min_sheets() -> int:
    return int(getattr(settings, "BALLOT_MIN_SHEETS", 5))


def allowed_count(form: BallotForm, marks: int) -> int | None:
    """How many marks of the limited choice a part of a sheet with ``marks`` marks may give
    (the engine's floor of share × marks), for the phone's hint; None: no limit."""
    if not form.max_share_choice or form.max_share is None:
        return None
    return int((form.max_share * marks).to_integral_value(rounding=ROUND_FLOOR))


def _ballots(form: BallotForm, weights: Mapping[str, Decimal], sheets: Iterable[object]) -> Ballots:
    max_share = (
        {form.max_share_choice: form.max_share}
        if form.max_share_choice and form.max_share is not None
        else {}
    )
    return Ballots(
        into="ballot",
        choices=form.points(),
        rater_weights=dict(weights),
        max_share=max_share,
        sheets=sheets,
        path="ballots",
    )


def _area_sheets(
    rows: Iterable[tuple[str, Mapping[str, Any]]], target_ids: set[str], area: str
) -> Iterator[dict[str, object]]:
    """One area (or the overall mark) of one part of each sheet, as the engine reads it."""
    for rater, marks in rows:
        part: dict[str, object] = {}
        for target_id, mark in marks.items():
            if target_id not in target_ids:
                continue
            part[target_id] = mark.get(area) if area and isinstance(mark, dict) else mark
        if part:
            yield {"rater": rater, "marks": part}


def sheet_is_valid(session: Session, rater: str, marks: Mapping[str, Any]) -> bool:
    """The engine's verdict on one sheet: valid in every part and area."""
    weights = {rater: Decimal(1)}
    for form, targets in parts(session):
        ids = {str(t.pk) for t in targets}
        for area in form.areas or [OVERALL]:
            ballots = _ballots(form, weights, _area_sheets([(rater, marks)], ids, area))
            if any(t.invalid for t in tally(ballots, sorted(ids))):
                return False
    return True


def parts(session: Session) -> list[tuple[BallotForm, list[SessionTarget]]]:
    """The session's parts: (form, its targets) for teams, then cadres (kept on the session
    object: a request asks several times; targets do not change once a session is made)."""
    cached: list[tuple[BallotForm, list[SessionTarget]]] | None = getattr(
        session, "_ballot_parts", None
    )
    if cached is not None:
        return cached
    targets = list(session.targets.all())
    found = []
    for form, subject in ((session.team_form, Subject.TEAM), (session.cadre_form, Subject.CADRE)):
        mine = [t for t in targets if t.subject == subject]
        if form is not None and mine:
            found.append((form, mine))
    session._ballot_parts = found  # type: ignore[attr-defined]
    return found


@dataclass
class TargetResult:
    target: SessionTarget
    value: Decimal | None
    valid: int
    invalid: int
    shares: dict[str, Decimal]
    by_class: dict[str, Decimal | None]  # None: too few valid sheets to show
    areas: dict[str, Decimal | None] = field(default_factory=dict)
    hidden: bool = False  # fewer valid sheets than the minimum: nothing shown


@dataclass
class PartResult:
    form: BallotForm
    rows: list[TargetResult]


@dataclass
class Flag:
    kind: str
    message: str


@dataclass
class SessionResult:
    parts: list[PartResult]
    sheets: int
    sheets_by_class: dict[str, int]
    flags: list[Flag]
    minimum: int
    test: bool


def _sheet_rows(session: Session) -> list[tuple[str, dict[str, Any]]]:
    model = PendingSheet if session.status == SessionStatus.TESTING else Sheet
    names = dict(RaterClass.objects.filter(session=session).values_list("pk", "name"))
    return [
        (names[rater_id], marks)
        for rater_id, marks in model.objects.filter(session=session).values_list(
            "rater_class_id", "marks"
        )
    ]


def session_result(session: Session) -> SessionResult:
    """The session's results per part and target, through the engine; per rater class only
    where each class has at least the minimum of valid sheets for the target."""
    rows = _sheet_rows(session)
    classes = list(session.rater_classes.all())
    weights = {c.name: c.weight for c in classes}
    minimum = min_sheets()
    results = []
    for form, targets in parts(session):
        ids = [str(t.pk) for t in targets]
        id_set = set(ids)
        areas = form.areas or [OVERALL]
        per_area: dict[str, list[Tally]] = {}
        per_class_valid: dict[str, list[int]] = {}
        for area in areas:
            per_area[area] = tally(_ballots(form, weights, _area_sheets(rows, id_set, area)), ids)
        # valid sheets per class (the engine again, one class weighted at a time)
        first = areas[0]
        for c in classes:
            only = _ballots(form, {c.name: Decimal(1)}, _area_sheets(rows, id_set, first))
            per_class_valid[c.name] = [t.valid for t in tally(only, ids)]
        part_rows = []
        for i, target in enumerate(targets):
            main = per_area[first][i]
            values = [per_area[a][i].value for a in areas]
            present = [v for v in values if v is not None]
            value = sum(present, Decimal(0)) / len(present) if present else None
            shown_classes = [c.name for c in classes if per_class_valid[c.name][i]]
            every_class_enough = all(per_class_valid[n][i] >= minimum for n in shown_classes)
            by_class: dict[str, Decimal | None] = {}
            for name in shown_classes:
                means = [per_area[a][i].by_rater.get(name) for a in areas]
                known = [m for m in means if m is not None]
                by_class[name] = (
                    (sum(known, Decimal(0)) / len(known)).quantize(TWO_PLACES)
                    if known and every_class_enough
                    else None
                )
            hidden = main.valid < minimum
            part_rows.append(
                TargetResult(
                    target=target,
                    value=None if hidden or value is None else value.quantize(TWO_PLACES),
                    valid=main.valid,
                    invalid=main.invalid,
                    shares={} if hidden else main.shares,
                    by_class={} if hidden else by_class,
                    areas={}
                    if hidden or not form.areas
                    else {
                        a: (v.quantize(TWO_PLACES) if v is not None else None)
                        for a, v in zip(areas, values, strict=True)
                    },
                    hidden=hidden,
                )
            )
        results.append(PartResult(form=form, rows=part_rows))
    by_class_count = collections.Counter(rater for rater, _marks in rows)
    return SessionResult(
        parts=results,
        sheets=len(rows),
        sheets_by_class={c.name: by_class_count.get(c.name, 0) for c in classes},
        flags=unusual_patterns(session, rows, results, minimum),
        minimum=minimum,
        test=session.status == SessionStatus.TESTING,
    )


def _flat(marks: Mapping[str, Any]) -> list[str]:
    found: list[str] = []
    for mark in marks.values():
        if isinstance(mark, dict):
            found.extend(str(v) for v in mark.values())
        else:
            found.append(str(mark))
    return found


def unusual_patterns(
    session: Session,
    rows: Sequence[tuple[str, Mapping[str, Any]]],
    results: Sequence[PartResult],
    minimum: int,
) -> list[Flag]:
    """Patterns the office should look at, as counts: nobody is identified."""
    from django.utils.translation import gettext as _

    flags: list[Flag] = []
    forms = [p.form for p in results]
    best = {f.choice_names()[0] for f in forms if f.choices}
    worst = {f.choice_names()[-1] for f in forms if f.choices}
    by_class: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    all_best = all_worst = 0
    for rater, marks in rows:
        given = _flat(marks)
        if len(given) >= 2:
            by_class[rater][json.dumps(marks, sort_keys=True, ensure_ascii=False)] += 1
        if given and all(g in best for g in given):
            all_best += 1
        if given and all(g in worst for g in given):
            all_worst += 1
    for rater, counter in by_class.items():
        total = sum(counter.values())
        same = max(counter.values(), default=0)
        if same >= max(minimum, 3) and same * 10 >= total * 3:
            flags.append(
                Flag(
                    "identical",
                    _("「%(rater)s」有 %(n)s 张测评票完全相同（共 %(total)s 张）")
                    % {"rater": rater, "n": same, "total": total},
                )
            )
    if all_best:
        flags.append(Flag("all_best", _("%(n)s 张测评票全部评为最高等次") % {"n": all_best}))
    if all_worst:
        flags.append(Flag("all_worst", _("%(n)s 张测评票全部评为最低等次") % {"n": all_worst}))
    # a rater class far from the others: its mean over targets against the others' mean
    for part in results:
        points = [Decimal(str(c["points"])) for c in part.form.choices]
        spread = (max(points) - min(points)) if points else Decimal(0)
        classes: dict[str, list[Decimal]] = collections.defaultdict(list)
        for row in part.rows:
            for name, mean in row.by_class.items():
                if mean is not None:
                    classes[name].append(mean)
        if len(classes) < 2 or not spread:
            continue
        means = {name: sum(v, Decimal(0)) / len(v) for name, v in classes.items()}
        for name, mean in means.items():
            others = [m for n, m in means.items() if n != name]
            rest = sum(others, Decimal(0)) / len(others)
            if abs(mean - rest) >= spread * Decimal("0.15"):
                flags.append(
                    Flag(
                        "class_apart",
                        _(
                            "「%(form)s」中「%(rater)s」的平均分 %(mean)s 与其他类别（%(rest)s）相差较大"
                        )
                        % {
                            "form": part.form.name,
                            "rater": name,
                            "mean": mean.quantize(TWO_PLACES),
                            "rest": rest.quantize(TWO_PLACES),
                        },
                    )
                )
    return flags


def scenario_ballots(session: Session, form: BallotForm, area: str = OVERALL) -> dict[str, Any]:
    """The ``ballots`` section of a scenario (``spec/scenario-format.md``) for one part
    (and area) of a closed session, for the results' scenario builder: target ids are the
    session's target ids; the sheets are a generator read from the database in chunks."""
    targets = next((t for f, t in parts(session) if f.pk == form.pk), [])
    ids = {str(t.pk) for t in targets}
    names = dict(RaterClass.objects.filter(session=session).values_list("pk", "name"))
    model = PendingSheet if session.status == SessionStatus.TESTING else Sheet

    def rows() -> Iterator[tuple[str, dict[str, Any]]]:
        sheets = model.objects.filter(session=session).values_list("rater_class_id", "marks")
        for rater_id, marks in sheets.iterator(chunk_size=2000):
            yield names[rater_id], marks

    weights = {c.name: c.weight for c in session.rater_classes.all()}
    ballots = _ballots(form, weights, _area_sheets(rows(), ids, area))
    return {
        "into": "ballot",
        "choices": dict(ballots.choices),
        "rater_weights": dict(ballots.rater_weights),
        "max_share": dict(ballots.max_share),
        "sheets": ballots.sheets,
    }


def part_values(session: Session, form: BallotForm) -> dict[str, Decimal]:
    """{session target id: the engine's tally value} of one part (a form without areas) of
    a closed session: what a scheme without a ``ballots`` section reads as its ``ballot``
    input (the value the engine itself would put there from the sheets). Targets no valid
    sheet marked are left out."""
    section = scenario_ballots(session, form, OVERALL)
    targets = next((t for f, t in parts(session) if f.pk == form.pk), [])
    ids = [str(t.pk) for t in targets]
    ballots = Ballots(
        into="ballot",
        choices=section["choices"],
        rater_weights=section["rater_weights"],
        max_share=section["max_share"],
        sheets=section["sheets"],
        path="ballots",
    )
    return {
        target: counted.value
        for target, counted in zip(ids, tally(ballots, ids), strict=True)
        if counted.value is not None
    }
