"""Writes of the results app: grading runs and imported components (one transaction each).

A run is graded by a background job (``kaohe.results.jobs``): the scenario is built from
the database and written as JSON with exact decimals (the snapshot); the engine grades the
snapshot as read back, so ``kaohe evaluate`` of the snapshot gives exactly the stored result.
A recomputation grades a stored run's snapshot again, without reading the database.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.core.audit import audit_record
from kaohe.core.errors import field_error
from kaohe.core.services import job_submit
from kaohe.core.workflow import Workflow
from kaohe.core.xlsx import ImportFailed, ImportSummary, Outcome, RowError, read_sheet
from kaohe.engine import Result, ScenarioError, evaluate, load_text
from kaohe.orgs.models import AssessmentYear, Cadre, Posting, Unit, active_on
from kaohe.results import jsonout
from kaohe.results.builder import build_scenario, expression_inputs
from kaohe.results.models import ComponentScore, Run, RunRow, RunStatus
from kaohe.schemes.models import Scheme, SchemeVersion, Subject

RUN_TRANSITIONS = {
    (RunStatus.QUEUED, RunStatus.RUNNING),
    (RunStatus.QUEUED, RunStatus.FAILED),
    (RunStatus.RUNNING, RunStatus.DONE),
    (RunStatus.RUNNING, RunStatus.FAILED),
}
RUN_WORKFLOW = Workflow(
    RUN_TRANSITIONS, states=RunStatus, action="run.status", code="run_transition"
)


@dataclass(frozen=True)
class Timings:
    """Seconds spent building the scenario, in the engine and storing the result."""

    build: float = 0.0
    engine: float = 0.0
    store: float = 0.0


# ---- building and grading -------------------------------------------------------------


def scenario_snapshot(year: int, suite: str | None = None) -> tuple[str, list[SchemeVersion]]:
    """The built document as JSON text (exact decimals, sheets streamed) and the scheme
    versions it read."""
    scenario = build_scenario(year, suite)
    return jsonout.dumps(scenario.document), scenario.versions


def grade_snapshot(snapshot: str) -> Result:
    """The engine's result for a snapshot, read back exactly as ``kaohe evaluate`` reads a
    file. Raises ``ScenarioError``."""
    return evaluate(load_text(snapshot))


def result_text(document: dict[str, Any]) -> str:
    """The ``kaohe-result/1`` document as stored: compact JSON in the key order
    ``kaohe evaluate --format json`` prints it (``printed`` indents it the same way)."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


def printed(text: str) -> str:
    """A stored result as ``kaohe evaluate --format json`` prints it, byte for byte."""
    return json.dumps(json.loads(text), ensure_ascii=False, indent=2) + "\n"


def _target_fk(target: str) -> tuple[int | None, int | None]:
    """(unit pk, cadre pk) of a document id (``u12``, ``c5``)."""
    kind, number = target[:1], target[1:]
    if not number.isdigit() or kind not in ("u", "c"):
        return None, None
    return (int(number), None) if kind == "u" else (None, int(number))


def _rows(run: Run, document: dict[str, Any]) -> list[RunRow]:
    known_units = set(Unit.objects.values_list("pk", flat=True))
    known_cadres = set(Cadre.objects.values_list("pk", flat=True))
    rows = []
    for scheme in document["schemes"]:
        scheme_pk = int(str(scheme["id"])[1:])
        for position, item in enumerate(scheme["results"]):
            unit, cadre = _target_fk(str(item["target"]))
            score = item["score"]
            rows.append(
                RunRow(
                    run=run,
                    scheme_id=scheme_pk,
                    target=str(item["target"])[:20],
                    unit_id=unit if unit in known_units else None,
                    cadre_id=cadre if cadre in known_cadres else None,
                    name=str(item.get("name") or "")[:100],
                    group=str(item.get("group") or "")[:100],
                    score=None if score is None else Decimal(str(score)),
                    rank=item["rank"],
                    status=item["status"],
                    grade=item["grade"] or "",
                    band=item.get("band") or "",
                    needs_decision=bool(item.get("needs_decision")),
                    position=position,
                    trace=item["trace"],
                )
            )
    return rows


def run_store(*, run: Run, result: Result) -> int:
    """Keep the engine's result and its rows on ``run`` (in the caller's transaction)."""
    document = result.to_dict("zh", True)
    run.result = result_text(document)
    run.finished_at = timezone.now()
    RunRow.objects.filter(run=run).delete()
    rows = _rows(run, document)
    RunRow.objects.bulk_create(rows, batch_size=1000)
    RUN_WORKFLOW.move(run, RunStatus.DONE, actor=run.created_by, fields=["result", "finished_at"],
                      after={"rows": len(rows)})  # fmt: skip
    return len(rows)


def run_execute(*, run: Run) -> Timings:
    """Grade ``run``: build its snapshot (unless it has one: a recomputation), evaluate,
    store. A scenario the engine refuses fails the run with the engine's message."""
    run.started_at = timezone.now()
    RUN_WORKFLOW.move(run, RunStatus.RUNNING, actor=run.created_by, fields=["started_at"])
    started = time.perf_counter()
    try:
        if not run.snapshot:
            run.snapshot, versions = scenario_snapshot(run.year.year, run.suite or None)
            run.save(update_fields=["snapshot"])
            run.versions.set(versions)
        built = time.perf_counter()
        result = grade_snapshot(run.snapshot)
    except ScenarioError as error:
        run.message, run.finished_at = error.message("zh")[:2000], timezone.now()
        RUN_WORKFLOW.move(
            run, RunStatus.FAILED, actor=run.created_by, fields=["message", "finished_at"]
        )
        return Timings()
    graded = time.perf_counter()
    run_store(run=run, result=result)
    return Timings(built - started, graded - built, time.perf_counter() - graded)


# ---- runs -----------------------------------------------------------------------------


def _submit(*, actor: Any, run: Run) -> Run:
    job = job_submit(
        actor=actor, kind="results.grade", file=json.dumps({"run": run.pk}).encode(),
        file_name=f"run-{run.pk}",
    )  # fmt: skip
    run.job = job
    run.save(update_fields=["job"])
    return run


@transaction.atomic
def run_create(*, actor: Any, year: AssessmentYear, suite: str = "") -> Run:
    """Queue the grading of ``year`` (one ``suite``, or all when empty) as a job."""
    schemes = Scheme.objects.filter(year=year, current_version__isnull=False).exclude(
        status="draft"
    )
    if suite:
        schemes = schemes.filter(suite=suite)
    if not schemes.exists():
        raise field_error("suite", _("没有可计算的已发布方案"), "no_schemes")
    run = Run.objects.create(year=year, suite=suite, created_by=actor, created_at=timezone.now())
    audit_record(actor=actor, action="run.create", obj=run,
                 after={"year": year.year, "suite": suite})  # fmt: skip
    return _submit(actor=actor, run=run)


@transaction.atomic
def run_recompute(*, actor: Any, run: Run) -> Run:
    """Queue a new run that grades ``run``'s snapshot again (not the database)."""
    if not run.snapshot:
        raise ValidationError(_("这次计算没有输入快照，不能重算"), code="no_snapshot")
    again = Run.objects.create(
        year_id=run.year_id, suite=run.suite, snapshot=run.snapshot, recomputed_from=run,
        created_by=actor, created_at=timezone.now(),
    )  # fmt: skip
    again.versions.set(run.versions.all())
    audit_record(actor=actor, action="run.create", obj=again,
                 after={"recomputed_from": run.pk})  # fmt: skip
    return _submit(actor=actor, run=again)


# ---- components imported from Excel ---------------------------------------------------

COMPONENT_COLUMNS = ("unit", "cadre", "input", "value")


def component_layout(scheme: Scheme) -> Any:
    from kaohe.core.xlsx import Column, Layout

    inputs = scheme_component_inputs(scheme)
    return Layout(
        key="components",
        label=_("分项得分"),
        sheet=_("分项得分"),
        columns=(
            Column("unit", _("单位编码"), 16),
            Column("cadre", _("干部姓名"), 14),
            Column("input", _("分项"), 16, choices=_listable(inputs)),
            Column("value", _("分值"), 10),
        ),
        notes=(
            _("每行一个考核对象的一个分项得分（如民意调查指数、领导评价得分）。"),
            _("单位、领导班子方案：填单位编码，干部姓名留空；干部方案：填干部 12 月 31 日所在单位的编码和姓名。"),
            _("分项为方案计分公式中的名称；分值为数字。已有的同一分项会被覆盖。"),
            _("有任何一行出错时，整个文件都不导入。"),
        ),
    )  # fmt: skip


def _listable(names: list[str]) -> tuple[str, ...]:
    """The names a drop-down list of the template can offer: Excel's list is one quoted,
    comma-separated text of at most 255 characters (a name with a comma or a quote, or a
    list too long, is typed instead)."""
    offered = tuple(n for n in names if not any(c in n for c in ',"') and n.isprintable())
    return offered if len(",".join(offered)) <= 250 else ()


def scheme_component_inputs(scheme: Scheme) -> list[str]:
    """The input names a scheme's score reads (its tie-breakers too), in a stable order."""
    definition = scheme.current_version.definition if scheme.current_version else {}
    weighted, added = expression_inputs(definition.get("score"))
    names = weighted | added | {str(n) for n in definition.get("tie_breakers", []) or []}
    into = (definition.get("ballots") or {}).get("into")
    return sorted(name for name in names if name != into)


MAX_VALUE = Decimal("99999")


@transaction.atomic
def components_import(
    *, actor: Any, scheme: Scheme, file: IO[bytes] | bytes, file_name: str = ""
) -> ImportSummary:
    """Import a scheme's components from a workbook: every row or none."""
    layout = component_layout(scheme)
    sheet = read_sheet(layout, file)
    inputs = {name: name for name in scheme_component_inputs(scheme)}
    units = {code: pk for code, pk in Unit.objects.values_list("code", "pk")}
    year_end = dt.date(scheme.year.year, 12, 31)
    posted: dict[tuple[int, str], list[int]] = {}
    if scheme.subject == Subject.CADRE:
        for posted_unit, posted_name, posted_cadre in Posting.objects.filter(
            active_on(year_end), is_primary=True
        ).values_list("unit_id", "cadre__name", "cadre_id"):
            posted.setdefault((posted_unit, posted_name), []).append(posted_cadre)
    parsed: list[tuple[int | None, int | None, str, Decimal]] = []
    seen: dict[str, int] = {}
    for cells in sheet.cells():
        code = cells.text("unit", max_length=40, required=True)
        name = cells.text("cadre", max_length=50, required=scheme.subject == Subject.CADRE)
        input_name = cells.choice("input", inputs, required=True)
        raw = cells.raw("value")
        value: Decimal | None = None
        try:
            value = Decimal(raw)
            if not value.is_finite() or abs(value) > MAX_VALUE:
                raise ArithmeticError
            value = value.quantize(Decimal("0.0001"))
        except (ArithmeticError, ValueError):
            cells.bad("value", _("应为数字（如 92.5），实际为“%(value)s”") % {"value": raw[:50]})
            value = None
        unit_pk: int | None = units.get(code) if code else None
        if code and unit_pk is None:
            cells.bad("unit", _("没有编码为“%(code)s”的单位") % {"code": code[:40]})
        cadre_pk: int | None = None
        if scheme.subject == Subject.CADRE and unit_pk is not None and name:
            found = posted.get((unit_pk, name), [])
            if len(found) != 1:
                message = (
                    _("12 月 31 日该单位没有名为“%(name)s”的干部")
                    if not found
                    else _("12 月 31 日该单位有 %(n)s 名“%(name)s”，无法区分")
                )
                cells.bad("cadre", message % {"name": name, "n": len(found)})
            else:
                cadre_pk = found[0]
        elif scheme.subject != Subject.CADRE and name:
            cells.bad("cadre", _("单位、领导班子方案的干部姓名应留空"))
        key = f"{code}/{name}/{input_name}"
        if key in seen:
            cells.bad("input", _("与第 %(row)s 行重复") % {"row": seen[key]})
        else:
            seen[key] = cells.number
        if value is not None and input_name:
            parsed.append((None if cadre_pk else unit_pk, cadre_pk, input_name, value))
    sheet.fail_if_bad()
    summary = ImportSummary()
    now = timezone.now()
    for target_unit, target_cadre, input_name, value in parsed:
        target: dict[str, Any] = {"unit_id": target_unit, "cadre_id": target_cadre}
        row = ComponentScore.objects.filter(scheme=scheme, input_name=input_name, **target).first()
        if row is None:
            ComponentScore.objects.create(
                scheme=scheme, unit_id=target_unit, cadre_id=target_cadre, input_name=input_name,
                value=value, file_name=file_name[:200], updated_by=actor, updated_at=now,
            )  # fmt: skip
            summary.add(Outcome.CREATED)
        elif row.value != value:
            row.value, row.file_name, row.updated_by, row.updated_at = (
                value, file_name[:200], actor, now,
            )  # fmt: skip
            row.save(update_fields=["value", "file_name", "updated_by", "updated_at"])
            summary.add(Outcome.UPDATED)
        else:
            summary.add(Outcome.UNCHANGED)
    audit_record(
        actor=actor, action="component.import", obj=scheme,
        after={"file": file_name[:200], **vars(summary)},
    )  # fmt: skip
    return summary


__all__ = [
    "ImportFailed",
    "RowError",
    "Timings",
    "components_import",
    "grade_snapshot",
    "run_create",
    "run_execute",
    "run_recompute",
    "run_store",
    "scenario_snapshot",
]
