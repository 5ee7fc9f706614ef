"""What-if (模拟测算): a copy of a scheme's current version, changed (weights, bands, quotas,
or anything by YAML), graded against the snapshot of a stored run with the copy in the
scheme's place, through the engine, and compared with that run (``compare.compare_rows``).

Nothing here writes a ``Run``, a ``RunRow``, a ``FinalGrade`` or a scheme version: the
draft is the only thing saved, and the graded rows are never saved.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.core.audit import audit_record
from kaohe.core.roles import Action, can
from kaohe.engine import ScenarioError, evaluate, load_text
from kaohe.results.builder import _rewrite_references, scheme_id
from kaohe.results.compare import Change, _snapshot_parts, compare_rows
from kaohe.results.explain import clauses
from kaohe.results.models import Outcome, Run, RunRow, RunStatus, WhatIfDraft
from kaohe.results.services import _rows
from kaohe.schemes.definitions import DefinitionProblem, exact, plain
from kaohe.schemes.models import Scheme

WEIGHTS, BANDS, QUOTAS, DEFINITION = "weights", "bands", "quotas", "definition"


class WhatIfError(ValidationError):
    """An engine error on the draft: ``problem.path`` is relative to the scheme; ``group``
    says which part of the small form it belongs to."""

    def __init__(self, problem: DefinitionProblem) -> None:
        self.problem = problem
        self.group = group_of(problem.path)
        super().__init__(str(problem), code=problem.code)


def group_of(path: str) -> str:
    for prefix, group in (("score", WEIGHTS), ("bands", BANDS), ("quotas", QUOTAS)):
        if path == prefix or path.startswith((prefix + ".", prefix + "[")):
            return group
    return DEFINITION


# ---- the knobs of the small form --------------------------------------------------------


@dataclass(frozen=True)
class Knob:
    """One number the small form offers: where it is in the definition and its value."""

    name: str  # the form field's name
    group: str  # weights | bands | quotas
    path: tuple[str | int, ...]
    label: str
    value: Decimal
    note: str = ""  # the seed clause its scheme version cites for it (``explain.clauses``)

    @property
    def dotted(self) -> str:
        out = ""
        for part in self.path:
            out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
        return out


def _weights(expression: Any, path: tuple[str | int, ...], found: list[Knob]) -> None:
    if not isinstance(expression, Mapping):
        return
    for index, part in enumerate(expression.get("sum") or []):
        if not isinstance(part, Mapping) or "weight" not in part:
            continue
        of = part.get("of")
        here = (*path, "sum", index)
        label = str(of) if isinstance(of, str) else _("第 %(n)s 项（组合）") % {"n": index + 1}
        found.append(
            Knob(
                f"w{len(found)}",
                WEIGHTS,
                (*here, "weight"),
                _("权重：%(of)s") % {"of": label},
                Decimal(str(part["weight"])),
            )
        )
        _weights(of, (*here, "of"), found)


def knobs(definition: Mapping[str, Any], notes: Mapping[str, str] | None = None) -> list[Knob]:
    """The weights of the score, the band lines and the quota ratios of a definition, each
    with the note ``notes`` hold for it or for the item it sits in (the seed's clause)."""
    found: list[Knob] = []
    _weights(definition.get("score"), ("score",), found)
    bands = definition.get("bands") or {}
    grades = [g for g in definition.get("grades") or [] if g in bands]
    # in the grades' order: PostgreSQL's jsonb keeps a mapping's keys in an order of its own
    for grade in [*grades, *(g for g in bands if g not in grades)]:
        line = bands[grade]
        found.append(
            Knob(
                f"b{len(found)}",
                BANDS,
                ("bands", str(grade)),
                _("“%(grade)s”分数线") % {"grade": grade},
                Decimal(str(line)),
            )
        )
    for index, quota in enumerate(definition.get("quotas") or []):
        if isinstance(quota, Mapping) and "ratio" in quota:
            found.append(
                Knob(
                    f"q{len(found)}",
                    QUOTAS,
                    ("quotas", index, "ratio"),
                    _("“%(grade)s”名额比例") % {"grade": quota.get("grade", "")},
                    Decimal(str(quota["ratio"])),
                )
            )
    if notes:
        found = [dataclasses.replace(k, note=_note_of(k, notes)) for k in found]
    return found


def _note_of(knob: Knob, notes: Mapping[str, str]) -> str:
    dotted = knob.dotted
    parent = dotted.rsplit(".", 1)[0] if dotted.endswith((".weight", ".ratio")) else ""
    return clauses(notes.get(dotted) or (notes.get(parent, "") if parent else ""))


def with_knobs(definition: Mapping[str, Any], values: Mapping[str, Decimal]) -> dict[str, Any]:
    """A copy of ``definition`` with the knobs named in ``values`` set."""
    changed: dict[str, Any] = copy.deepcopy(dict(definition))
    for knob in knobs(definition):
        if knob.name not in values:
            continue
        place: Any = changed
        for part in knob.path[:-1]:
            place = place[part]
        place[knob.path[-1]] = plain(values[knob.name])
    return changed


def parse_number(text: str) -> Decimal:
    try:
        value = Decimal(text.strip())
    except (InvalidOperation, ValueError):
        raise ValidationError(_("应为数字"), code="not_number") from None
    if not value.is_finite():
        raise ValidationError(_("应为数字"), code="not_number")
    return value


# ---- selectors --------------------------------------------------------------------------


def drafts_for_user(user: object) -> QuerySet[WhatIfDraft]:
    """The office and the committee see every what-if draft (readers of results)."""
    if not can(user, Action.RESULTS_VIEW):
        return WhatIfDraft.objects.none()
    return WhatIfDraft.objects.select_related("scheme__year", "base_version", "run", "created_by")


def base_run(scheme: Scheme) -> Run | None:
    """The run a what-if of ``scheme`` is compared with: the run of its suite's outcome
    when there is one, else the latest finished run of its year that graded it."""
    outcome = Outcome.objects.filter(year_id=scheme.year_id, suite=scheme.suite).first()
    if outcome is not None:
        return outcome.run
    return (
        Run.objects.filter(year_id=scheme.year_id, status=RunStatus.DONE, rows__scheme=scheme)
        .order_by("-finished_at", "-pk")
        .first()
    )


# ---- grading ------------------------------------------------------------------------------


@dataclass
class WhatIfResult:
    changes: list[Change]
    graded: int

    @property
    def grade_changes(self) -> list[Change]:
        return [c for c in self.changes if c.grade_changed]


def _substituted(draft: WhatIfDraft, definition: Mapping[str, Any]) -> tuple[dict[str, Any], int]:
    document = load_text(draft.run.snapshot)
    wanted = scheme_id(draft.scheme_id)
    schemes = document.get("schemes") or []
    index = next((i for i, s in enumerate(schemes) if str(s.get("id")) == wanted), None)
    if index is None:
        raise ValidationError(_("对照的计算不含此方案"), code="scheme_not_in_run")
    ids = {
        code: scheme_id(pk)
        for code, pk in Scheme.objects.filter(
            year_id=draft.scheme.year_id, suite=draft.scheme.suite
        ).values_list("code", "pk")
    }
    base, new = exact(draft.base_version.definition), exact(dict(definition))
    entry = schemes[index]
    for key in dict.fromkeys([*base, *new]):
        if key in ("id", "targets") or base.get(key) == new.get(key):
            continue
        if key not in new:
            entry.pop(key, None)
        elif key == "ballots" and isinstance(entry.get("ballots"), Mapping):
            # the snapshot's sheets (and the settings they were marked with) stay
            entry["ballots"] = {**entry["ballots"], **{k: v for k, v in new[key].items() if k != "sheets"}}  # fmt: skip
        else:
            entry[key] = _rewrite_references(new[key], ids)
    return document, index


def whatif_grade(draft: WhatIfDraft, definition: Mapping[str, Any] | None = None) -> WhatIfResult:
    """Grade the run's snapshot with ``definition`` (the draft's by default) in the scheme's
    place and compare with the run. Raises ``WhatIfError`` for what the engine refuses."""
    document, index = _substituted(
        draft, definition if definition is not None else draft.definition
    )
    try:
        result = evaluate(document)
    except ScenarioError as error:
        raise WhatIfError(DefinitionProblem.from_error(error, index=index)) from None
    graded = result.to_dict("zh", True)
    new_rows = _rows(Run(pk=None, year_id=draft.run.year_id), graded)
    old_rows = list(RunRow.objects.filter(run=draft.run).select_related("scheme"))
    schemes = {row.scheme_id: row.scheme for row in old_rows}
    missing = {row.scheme_id for row in new_rows} - set(schemes)
    schemes.update(Scheme.objects.in_bulk(missing))
    for row in new_rows:
        row.scheme = schemes[row.scheme_id]
    parts = _snapshot_parts(draft.run.snapshot)
    changes = compare_rows(
        {(r.scheme_id, r.target): r for r in old_rows},
        {(r.scheme_id, r.target): r for r in new_rows},
        parts, parts, {},
    )  # fmt: skip
    return WhatIfResult(changes=changes, graded=len(new_rows))


RESULT_SECONDS = 3600  # how long a draft's graded result is kept in the cache


def _result_key(draft: WhatIfDraft) -> str:
    # a saved definition has its own ``updated_at``; the run and the base version never
    # change under a draft, but they are named so that a key cannot outlive them
    stamp = draft.updated_at.timestamp()
    return f"kaohe:whatif:{draft.pk}:{draft.run_id}:{draft.base_version_id}:{stamp}"


def whatif_result(draft: WhatIfDraft) -> WhatIfResult:
    """The draft's saved definition graded (``whatif_grade``), once per saved definition:
    kept in the cache, so its page does not grade the county at every visit."""
    key = _result_key(draft)
    found = cache.get(key)
    if not isinstance(found, WhatIfResult):
        found = whatif_grade(draft)
        cache.set(key, found, RESULT_SECONDS)
    return found


# ---- writes (the draft only) ----------------------------------------------------------------


@transaction.atomic
def whatif_create(*, actor: Any, scheme: Scheme, name: str = "") -> WhatIfDraft:
    """Copy ``scheme``'s current version into a new what-if draft."""
    if scheme.current_version is None:
        raise ValidationError(_("方案还没有版本，不能模拟测算"), code="no_version")
    run = base_run(scheme)
    if run is None or not run.snapshot:
        raise ValidationError(_("该方案还没有已完成的计算，不能模拟测算"), code="no_run")
    now = timezone.now()
    draft = WhatIfDraft.objects.create(
        scheme=scheme, base_version=scheme.current_version, run=run,
        name=(name.strip() or _("%(scheme)s 模拟") % {"scheme": scheme.name})[:100],
        definition=copy.deepcopy(scheme.current_version.definition),
        created_by=actor, created_at=now, updated_at=now,
    )  # fmt: skip
    audit_record(
        actor=actor, action="whatif.create", obj=draft,
        after={"scheme": scheme.pk, "version": scheme.current_version.number, "run": run.pk},
    )  # fmt: skip
    return draft


@transaction.atomic
def whatif_update(*, actor: Any, draft: WhatIfDraft, definition: Mapping[str, Any]) -> WhatIfResult:
    """Save a changed definition once the engine has graded it (``WhatIfError`` else)."""
    definition = plain(dict(definition))
    for key in ("id", "name", "subject"):
        if definition.get(key) != draft.base_version.definition.get(key):
            problem = DefinitionProblem(
                key, "fixed", _("模拟测算不能修改方案的编号、名称和考核对象")
            )
            raise WhatIfError(problem)
    result = whatif_grade(draft, definition)
    before = draft.definition
    draft.definition, draft.updated_at = definition, timezone.now()
    draft.save(update_fields=["definition", "updated_at"])
    cache.set(_result_key(draft), result, RESULT_SECONDS)  # the page shown next reads it
    audit_record(
        actor=actor, action="whatif.update", obj=draft,
        before={"definition": before}, after={"definition": definition},
    )  # fmt: skip
    return result


@transaction.atomic
def whatif_delete(*, actor: Any, draft: WhatIfDraft) -> None:
    audit_record(actor=actor, action="whatif.delete", obj=draft, before={"name": draft.name})
    draft.delete()
