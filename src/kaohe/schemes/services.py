"""Write services of the schemes app: ``<entity>_<action>``, keyword-only, one transaction
and one audit row each. Validation errors carry a ``SchemeError`` code."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.core.audit import apply_changes, audit_record, snapshot
from kaohe.core.errors import field_error
from kaohe.core.roles import Role, role_of
from kaohe.core.workflow import Workflow
from kaohe.orgs.models import AssessmentYear, Unit, UnitCategory
from kaohe.presets import UnknownPresetError, list_presets, load_preset, preset_text
from kaohe.schemes import definitions, excel, notes, tree
from kaohe.schemes.errors import SchemeError
from kaohe.schemes.models import (
    CHANGE_TRANSITIONS,
    SCHEME_REASON_REQUIRED,
    SCHEME_TRANSITIONS,
    SYSTEM_TRANSITIONS,
    ChangeRequest,
    ChangeStatus,
    Indicator,
    IndicatorSystem,
    IndicatorSystemVersion,
    Method,
    Scheme,
    SchemeStatus,
    SchemeVersion,
    SystemStatus,
)

SCHEME_FIELDS = ("year", "suite", "code", "name", "subject", "preset", "status")
SYSTEM_FIELDS = ("scheme", "category", "name", "total_points", "status")
INDICATOR_FIELDS = ("code", *tree.FIELDS)
CHANGE_FIELDS = ("system", "reason", "changes", "status", "requested_unit", "decision_note")


# The status pipelines: the tables of ``models`` and the audit action of a move.
SCHEME_WORKFLOW = Workflow(
    SCHEME_TRANSITIONS,
    states=SchemeStatus,
    action="scheme.status",
    code=SchemeError.TRANSITION,
    reason_required=SCHEME_REASON_REQUIRED,
    reason_code=SchemeError.REASON_REQUIRED,
)
SYSTEM_WORKFLOW = Workflow(
    SYSTEM_TRANSITIONS,
    states=SystemStatus,
    action="indicator_system.status",
    code=SchemeError.TRANSITION,
)
CHANGE_WORKFLOW = Workflow(
    CHANGE_TRANSITIONS,
    states=ChangeStatus,
    action={
        ChangeStatus.APPROVED: "change_request.approve",
        ChangeStatus.REJECTED: "change_request.reject",
    },
    code=SchemeError.TRANSITION,
)


# ---- schemes ------------------------------------------------------------------------


def _engine_error(problem: definitions.DefinitionProblem, field: str = "text") -> ValidationError:
    message = (
        _("位置 %(path)s：%(message)s") % {"path": problem.path, "message": problem.message}
        if problem.path
        else problem.message
    )
    error = field_error(field, message, SchemeError.ENGINE)
    for item in error.error_dict[field]:
        item.problem = problem  # type: ignore[attr-defined]  # the place, for a form to use
    return error


def _suite_definitions(year: AssessmentYear, suite: str) -> dict[str, dict[str, Any]]:
    """The current definitions of a suite's schemes, by engine id."""
    versions = SchemeVersion.objects.filter(
        scheme__year=year, scheme__suite=suite, pk__in=Scheme.objects.values("current_version")
    ).select_related("scheme")
    return {version.scheme.code: version.definition for version in versions}


def _check_definition(
    definition: Mapping[str, Any], *, year: AssessmentYear, others: Mapping[str, Any], policy: Any
) -> None:
    try:
        definitions.check(definition, year=year.year, others=others, policy=policy)
    except definitions.DefinitionError as error:
        raise _engine_error(error.problem) from None


def _version_add(
    *,
    actor: Any,
    scheme: Scheme,
    definition: dict[str, Any],
    policy: dict[str, Any],
    text: str,
    note: str,
) -> SchemeVersion:
    number = (scheme.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    return SchemeVersion.objects.create(
        scheme=scheme,
        number=number,
        definition=definition,
        policy=policy,
        source_text=text,
        notes=notes.kept(notes.extract(text), definition),
        note=note,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        created_at=timezone.now(),
    )


def _scheme_new(
    *,
    actor: Any,
    year: AssessmentYear,
    suite: str,
    definition: dict[str, Any],
    policy: dict[str, Any],
    text: str,
    preset: str,
    note: str,
) -> Scheme:
    now = timezone.now()
    scheme = Scheme.objects.create(
        year=year,
        suite=suite,
        code=definition["id"],
        name=definition["name"],
        subject=definition["subject"],
        preset=preset,
        created_at=now,
        updated_at=now,
    )
    version = _version_add(
        actor=actor, scheme=scheme, definition=definition, policy=policy, text=text, note=note
    )
    scheme.current_version = version
    scheme.save(update_fields=["current_version"])
    return scheme


@transaction.atomic
def scheme_create_from_preset(*, actor: Any, year: AssessmentYear, preset_id: str) -> list[Scheme]:
    """One ``Scheme`` per engine scheme of the preset, in a suite named after it."""
    try:
        document = load_preset(preset_id, year=year.year)
    except UnknownPresetError:
        raise field_error("preset", _("没有这个预置方案"), SchemeError.ENGINE) from None
    info = next(p for p in list_presets() if p.id == preset_id)
    suite = info.name
    if Scheme.objects.filter(year=year, suite=suite).exists():
        raise field_error(
            "preset",
            _("%(year)s 已有方案组「%(suite)s」") % {"year": year, "suite": suite},
            SchemeError.SUITE_EXISTS,
        )
    policy = definitions.plain(document.get("policy") or {})
    own = {str(s["id"]): definitions.without_targets(s) for s in document["schemes"]}
    clauses = notes.preset_notes(preset_text(preset_id))  # the comments citing the seed
    schemes = []
    for index, (code, definition) in enumerate(own.items()):
        _check_definition(definition, year=year, others=own, policy=policy)
        schemes.append(
            _scheme_new(
                actor=actor,
                year=year,
                suite=suite,
                definition=definition,
                policy=policy,
                text=notes.dump(definition, clauses[index] if index < len(clauses) else {}),
                preset=preset_id,
                note=_("由预置方案「%(name)s」创建") % {"name": suite},
            )
        )
        assert schemes[-1].code == code
    audit_record(
        actor=actor,
        action="scheme.create_from_preset",
        object_type="schemes.scheme",
        object_id=",".join(str(s.pk) for s in schemes),
        object_repr=f"{year} {suite}",
        after={"preset": preset_id, "year": year.year, "schemes": [s.code for s in schemes]},
    )
    return schemes


def _check_name(*, year: AssessmentYear, suite: str, name: str, scheme: Scheme | None) -> None:
    """A name is unique within a year's suite, so name and suite tell schemes apart."""
    same = Scheme.objects.filter(year=year, suite=suite, name=name)
    if scheme is not None:
        same = same.exclude(pk=scheme.pk)
    if same.exists():
        raise field_error(
            "text",
            _("方案组「%(suite)s」中已有名为「%(name)s」的方案，请换一个名称")
            % {"suite": suite, "name": name},
            SchemeError.NAME_TAKEN,
        )


def _parse(text: str) -> tuple[dict[str, Any], dict[str, Any] | None]:
    try:
        return definitions.parse_text(text)
    except definitions.DefinitionError as error:
        raise _engine_error(error.problem) from None


@transaction.atomic
def scheme_create(*, actor: Any, year: AssessmentYear, suite: str, text: str) -> Scheme:
    """A scheme written by hand (YAML or JSON), validated by the engine."""
    definition, given_policy = _parse(text)
    policy = given_policy or {}
    others = _suite_definitions(year, suite)
    if definition["id"] in others:
        raise field_error(
            "text",
            _("方案编号 %(code)s 在本方案组中已被使用") % {"code": definition["id"]},
            SchemeError.CODE_TAKEN,
        )
    _check_name(year=year, suite=suite, name=definition["name"], scheme=None)
    _check_definition(definition, year=year, others=others, policy=policy)
    scheme = _scheme_new(
        actor=actor,
        year=year,
        suite=suite,
        definition=definition,
        policy=policy,
        text=text,
        preset="",
        note=_("新建"),
    )
    audit_record(
        actor=actor, action="scheme.create", obj=scheme, after=snapshot(scheme, SCHEME_FIELDS)
    )
    return scheme


@transaction.atomic
def scheme_update(*, actor: Any, scheme: Scheme, text: str, note: str = "") -> Scheme:
    """Save a new definition of a draft scheme as its next version."""
    if scheme.status != SchemeStatus.DRAFT:
        raise ValidationError(_("只有草稿状态的方案可以修改"), code=SchemeError.NOT_DRAFT)
    definition, given_policy = _parse(text)
    current = scheme.current_version
    policy = given_policy if given_policy is not None else (current.policy if current else {})
    if definition["id"] != scheme.code:
        raise field_error(
            "text",
            _("位置 id：方案编号不能修改（应为 %(code)s）") % {"code": scheme.code},
            SchemeError.CODE_CHANGED,
        )
    _check_name(year=scheme.year, suite=scheme.suite, name=definition["name"], scheme=scheme)
    others = _suite_definitions(scheme.year, scheme.suite)
    others[scheme.code] = definition
    _check_definition(definition, year=scheme.year, others=others, policy=policy)
    for code, other in others.items():  # the schemes that read this one must still hold
        if code != scheme.code and scheme.code in definitions.references(other):
            try:
                definitions.check(other, year=scheme.year.year, others=others, policy=policy)
            except definitions.DefinitionError as error:
                raise field_error(
                    "text",
                    _("方案 %(code)s 引用本方案，修改后出错：%(problem)s")
                    % {"code": code, "problem": error.problem},
                    SchemeError.ENGINE,
                ) from None
    unchanged = current is not None and (current.definition, current.policy) == (
        definition,
        policy,
    )
    if unchanged and current and current.notes == notes.kept(notes.extract(text), definition):
        return scheme
    before = {"version": current.number if current else None, "name": scheme.name}
    version = _version_add(
        actor=actor, scheme=scheme, definition=definition, policy=policy, text=text, note=note
    )
    scheme.current_version = version
    scheme.name = definition["name"]
    scheme.subject = definition["subject"]
    scheme.updated_at = timezone.now()
    scheme.save(update_fields=["current_version", "name", "subject", "updated_at"])
    audit_record(
        actor=actor,
        action="scheme.update",
        obj=scheme,
        before=before,
        after={"version": version.number, "name": scheme.name, "definition": definition},
    )
    return scheme


@transaction.atomic
def scheme_set_status(*, actor: Any, scheme: Scheme, status: str, reason: str = "") -> Scheme:
    """Move a scheme along ``SCHEME_TRANSITIONS``; anything else is refused. A move in
    ``SCHEME_REASON_REQUIRED`` (unlocking) needs a written reason, kept in the audit row."""
    SCHEME_WORKFLOW.check(scheme.status, status, reason=reason)
    if status == SchemeStatus.PUBLISHED and scheme.current_version is not None:
        others = _suite_definitions(scheme.year, scheme.suite)
        _check_definition(
            scheme.current_version.definition,
            year=scheme.year,
            others=others,
            policy=scheme.current_version.policy,
        )
    scheme.updated_at = timezone.now()
    SCHEME_WORKFLOW.move(scheme, status, actor=actor, fields=["updated_at"], reason=reason)
    return scheme


# ---- indicator systems --------------------------------------------------------------


def _require_draft(system: IndicatorSystem) -> None:
    if system.scheme.status == SchemeStatus.LOCKED:
        raise ValidationError(_("所属方案已锁定，不能修改"), code=SchemeError.SCHEME_LOCKED)
    if system.status != SystemStatus.DRAFT:
        raise ValidationError(_("指标体系已发布，修改须提交变更申请"), code=SchemeError.NOT_DRAFT)


@transaction.atomic
def indicator_system_create(
    *,
    actor: Any,
    scheme: Scheme,
    category: UnitCategory,
    name: str = "",
    total_points: Decimal = Decimal(100),
) -> IndicatorSystem:
    if scheme.status == SchemeStatus.LOCKED:
        raise ValidationError(_("所属方案已锁定，不能修改"), code=SchemeError.SCHEME_LOCKED)
    if IndicatorSystem.objects.filter(scheme=scheme, category=category).exists():
        raise field_error("category", _("该方案下已有此类别的指标体系"), SchemeError.CATEGORY_TAKEN)
    now = timezone.now()
    system = IndicatorSystem.objects.create(
        scheme=scheme,
        category=category,
        name=name
        or _("%(scheme)s指标体系（%(category)s）")
        % {"scheme": scheme.name, "category": category.name},
        total_points=total_points,
        created_at=now,
        updated_at=now,
    )
    audit_record(
        actor=actor,
        action="indicator_system.create",
        obj=system,
        after=snapshot(system, SYSTEM_FIELDS),
    )
    return system


@transaction.atomic
def indicator_system_update(
    *, actor: Any, system: IndicatorSystem, **changes: Any
) -> IndicatorSystem:
    _require_draft(system)
    changed, before, after = apply_changes(system, changes, ("name", "total_points"))
    if changed:
        system.updated_at = timezone.now()
        system.save(update_fields=[*changed, "updated_at"])
        audit_record(
            actor=actor, action="indicator_system.update", obj=system, before=before, after=after
        )
    return system


def indicator_rows(system: IndicatorSystem) -> list[dict[str, Any]]:
    """The system's indicators as a snapshot (one query). A read, kept beside the writes
    that store it in versions."""
    indicators = Indicator.objects.filter(system=system).select_related(
        "parent", "responsible_unit", "lead_unit"
    )
    return tree.ordered(
        {
            "code": i.code,
            "parent": i.parent.code if i.parent else None,
            "name": i.name,
            "points": tree.number(i.points),
            "method": i.method,
            "cap": tree.number(i.cap),
            "rule": i.rule,
            "evidence_required": i.evidence_required,
            "evidence_text": i.evidence_text,
            "responsible_unit": i.responsible_unit.code if i.responsible_unit else None,
            "responsible_unit_name": i.responsible_unit.name if i.responsible_unit else "",
            "lead_unit": i.lead_unit.code if i.lead_unit else None,
            "lead_unit_name": i.lead_unit.name if i.lead_unit else "",
            "order": i.order,
        }
        for i in indicators
    )


def _check_indicator(
    *, method: str, cap: Decimal | None, evidence_required: bool, evidence_text: str
) -> None:
    if method == Method.BONUS and (cap is None or cap <= 0):
        raise field_error("cap", _("加分指标须填写加分上限"), SchemeError.TREE)
    if method == Method.AWARD and cap is not None:
        raise field_error("cap", _("赋分指标不设上限"), SchemeError.TREE)
    if evidence_required and not evidence_text.strip():
        raise field_error("evidence_text", _("需要佐证材料时须写明材料要求"), SchemeError.TREE)


@transaction.atomic
def indicator_create(
    *,
    actor: Any,
    system: IndicatorSystem,
    code: str,
    name: str,
    points: Decimal,
    method: str = Method.AWARD,
    cap: Decimal | None = None,
    rule: str = "",
    evidence_required: bool = False,
    evidence_text: str = "",
    responsible_unit: Unit | None = None,
    lead_unit: Unit | None = None,
    parent: Indicator | None = None,
    order: int | None = None,
) -> Indicator:
    _require_draft(system)
    if Indicator.objects.filter(system=system, code=code).exists():
        raise field_error("code", _("编码已被使用"), SchemeError.CODE_TAKEN)
    if parent is not None and parent.system_id != system.pk:
        raise field_error("parent", _("上级指标不在本指标体系中"), SchemeError.PARENT)
    _check_indicator(
        method=method, cap=cap, evidence_required=evidence_required, evidence_text=evidence_text
    )
    if order is None:
        siblings = Indicator.objects.filter(system=system, parent=parent)
        order = (siblings.aggregate(n=Max("order"))["n"] or 0) + 1
    indicator = Indicator.objects.create(
        system=system,
        parent=parent,
        code=code,
        name=name,
        points=points,
        method=method,
        cap=cap,
        rule=rule,
        evidence_required=evidence_required,
        evidence_text=evidence_text,
        responsible_unit=responsible_unit,
        lead_unit=lead_unit,
        order=order,
    )
    audit_record(
        actor=actor,
        action="indicator.create",
        obj=indicator,
        after=snapshot(indicator, ("system", *INDICATOR_FIELDS)),
    )
    return indicator


def _descendant_ids(indicator: Indicator) -> set[int]:
    pairs = list(
        Indicator.objects.filter(system_id=indicator.system_id).values_list("pk", "parent_id")
    )
    found: set[int] = set()
    frontier = {indicator.pk}
    while frontier:
        frontier = {pk for pk, parent in pairs if parent in frontier} - found
        found |= frontier
    return found


@transaction.atomic
def indicator_update(*, actor: Any, indicator: Indicator, **changes: Any) -> Indicator:
    _require_draft(indicator.system)
    code = changes.get("code")
    if (
        code
        and Indicator.objects.filter(system_id=indicator.system_id, code=code)
        .exclude(pk=indicator.pk)
        .exists()
    ):
        raise field_error("code", _("编码已被使用"), SchemeError.CODE_TAKEN)
    parent = changes.get("parent")
    if parent is not None and (
        parent.system_id != indicator.system_id
        or parent.pk == indicator.pk
        or parent.pk in _descendant_ids(indicator)
    ):
        raise field_error("parent", _("上级指标不能是本指标或其下级"), SchemeError.PARENT)
    _check_indicator(
        method=changes.get("method", indicator.method),
        cap=changes.get("cap", indicator.cap),
        evidence_required=changes.get("evidence_required", indicator.evidence_required),
        evidence_text=changes.get("evidence_text", indicator.evidence_text),
    )
    for name in ("points", "cap"):
        if changes.get(name) is not None:
            changes[name] = Decimal(changes[name]).quantize(tree.CENT)
    changed, before, after = apply_changes(indicator, changes, INDICATOR_FIELDS)
    if changed:
        indicator.save(update_fields=changed)
        audit_record(
            actor=actor, action="indicator.update", obj=indicator, before=before, after=after
        )
    return indicator


@transaction.atomic
def indicator_delete(*, actor: Any, indicator: Indicator) -> None:
    """Remove an indicator of a draft system, with everything below it."""
    _require_draft(indicator.system)
    before = snapshot(indicator, ("system", *INDICATOR_FIELDS))
    before["descendants"] = len(_descendant_ids(indicator))
    audit_record(actor=actor, action="indicator.delete", obj=indicator, before=before)
    indicator.delete()


def _tree_error(problems: Sequence[tree.Problem]) -> ValidationError:
    return ValidationError(
        [
            ValidationError(
                str(p),
                code=SchemeError.TREE,
                params={"index": p.index, "field": p.field, "code": p.code},
            )
            for p in problems
        ]
    )


def _version_create(
    *, actor: Any, system: IndicatorSystem, rows: list[dict[str, Any]], note: str
) -> IndicatorSystemVersion:
    number = (system.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    return IndicatorSystemVersion.objects.create(
        system=system,
        number=number,
        total_points=system.total_points,
        indicators=rows,
        note=note,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        created_at=timezone.now(),
    )


@transaction.atomic
def indicator_system_set_status(
    *, actor: Any, system: IndicatorSystem, status: str
) -> IndicatorSystem:
    """Move a system along ``SYSTEM_TRANSITIONS``. Publishing checks the tree (points add
    up to the total, 001 第九条) and keeps it as the next version."""
    SYSTEM_WORKFLOW.check(system.status, status)
    if system.scheme.status == SchemeStatus.LOCKED:
        raise ValidationError(_("所属方案已锁定，不能修改"), code=SchemeError.SCHEME_LOCKED)
    fields = ["updated_at"]
    after: dict[str, Any] = {}
    if status == SystemStatus.PUBLISHED:
        rows = indicator_rows(system)
        problems = tree.check(rows, total=system.total_points)
        if problems:
            raise _tree_error(problems)
        version = _version_create(actor=actor, system=system, rows=rows, note=_("发布"))
        system.current_version = version
        fields.append("current_version")
        after["version"] = version.number
    system.updated_at = timezone.now()
    SYSTEM_WORKFLOW.move(system, status, actor=actor, fields=fields, after=after)
    return system


def _units_by_code(codes: set[str]) -> dict[str, Unit]:
    return {unit.code: unit for unit in Unit.objects.filter(code__in=codes)}


def _sync_indicators(system: IndicatorSystem, rows: Sequence[Mapping[str, Any]]) -> None:
    """Make the system's indicator rows equal ``rows`` in place: rows keep their ids."""
    existing = {i.code: i for i in Indicator.objects.filter(system=system)}
    units = _units_by_code(
        {row[name] for row in rows for name in tree.UNIT_FIELDS if row.get(name)}
    )
    wanted = {row["code"] for row in rows}
    created = Indicator.objects.bulk_create(
        [
            Indicator(
                system=system,
                code=row["code"],
                name=row["name"],
                points=Decimal(str(row["points"])),  # required by tree.check
            )
            for row in rows
            if row["code"] not in existing
        ]
    )
    if created and created[0].pk is None:  # backends that do not return ids
        created = list(Indicator.objects.filter(system=system, code__in=[c.code for c in created]))
    existing.update({i.code: i for i in created})
    for row in rows:
        indicator = existing[row["code"]]
        values = {
            "parent": existing[row["parent"]] if row.get("parent") else None,
            "name": row["name"],
            "points": Decimal(row["points"]).quantize(tree.CENT),
            "method": row["method"],
            "cap": Decimal(row["cap"]).quantize(tree.CENT) if row.get("cap") else None,
            "rule": row.get("rule") or "",
            "evidence_required": bool(row.get("evidence_required")),
            "evidence_text": row.get("evidence_text") or "",
            "responsible_unit": units.get(row.get("responsible_unit") or ""),
            "lead_unit": units.get(row.get("lead_unit") or ""),
            "order": int(row.get("order") or 0),
        }
        changed, _before, _after = apply_changes(indicator, values, values.keys())
        if changed:
            indicator.save(update_fields=changed)
    Indicator.objects.filter(system=system).exclude(code__in=wanted).delete()


@transaction.atomic
def indicator_system_import(*, actor: Any, system: IndicatorSystem, file: IO[bytes]) -> int:
    """Replace a draft system's indicators with a workbook's rows. Every bad row is
    reported (``excel.ImportFailed``) and nothing is written unless all rows are good."""
    _require_draft(system)
    rows = excel.read_indicators(file, units=Unit.objects.all())
    before = len(indicator_rows(system))
    Indicator.objects.filter(system=system).delete()
    _sync_indicators(system, rows)
    system.updated_at = timezone.now()
    system.save(update_fields=["updated_at"])
    audit_record(
        actor=actor,
        action="indicator_system.import",
        obj=system,
        before={"indicators": before},
        after={"indicators": len(rows)},
    )
    return len(rows)


# ---- change requests ----------------------------------------------------------------


def _unit_names(changes: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    codes = {
        str(change.get("fields", {}).get(name))
        for change in changes
        for name in tree.UNIT_FIELDS
        if change.get("fields", {}).get(name)
    }
    return {code: unit.name for code, unit in _units_by_code(codes).items()}


def change_proposal(
    system: IndicatorSystem, changes: Sequence[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """The tree a change would give (a read; raises ``ValidationError`` when it does not
    hold together)."""
    base = system.current_version.indicators if system.current_version else []
    try:
        rows = tree.apply(base, changes, unit_names=_unit_names(changes))
    except tree.TreeError as error:
        raise _tree_error(error.problems) from None
    problems = tree.check(rows, total=system.total_points)
    if problems:
        raise _tree_error(problems)
    return rows


def _check_scope(actor: Any, system: IndicatorSystem, changes: Sequence[Mapping[str, Any]]) -> None:
    """A scorer may change only the indicators its unit is responsible for: it edits or
    removes its own, and adds or moves an indicator only under one of its own (never at
    the top level, which is the office's)."""
    if role_of(actor) != Role.SCORER:
        return
    unit_id = getattr(actor, "unit_id", None)
    own = set(
        Indicator.objects.filter(system=system)
        .filter(Q(responsible_unit_id=unit_id) | Q(lead_unit_id=unit_id))
        .values_list("code", flat=True)
    )
    for index, change in enumerate(changes):
        fields = change.get("fields") or {}
        if change.get("op") != "add" and change.get("code") not in own:
            field, message = "code", _("只能申请变更本单位负责的指标")
        elif (change.get("op") == "add" or "parent" in fields) and fields.get("parent") not in own:
            field, message = "parent", _("只能在本单位负责的指标下新增或移入指标")
        else:
            continue
        raise _tree_error(
            [tree.Problem(message, code=str(change.get("code")), field=field, index=index)]
        )


@transaction.atomic
def change_request_create(
    *,
    actor: Any,
    system: IndicatorSystem,
    reason: str,
    changes: Sequence[Mapping[str, Any]],
) -> ChangeRequest:
    """File a request to change a published system (001 第八条). The proposed tree must
    hold together already (points add up) so the office decides on a whole picture."""
    if system.scheme.status == SchemeStatus.LOCKED:
        raise ValidationError(_("所属方案已锁定，不能修改"), code=SchemeError.SCHEME_LOCKED)
    if system.status != SystemStatus.PUBLISHED or system.current_version is None:
        raise ValidationError(
            _("只有已发布的指标体系需要变更申请；草稿可直接修改"), code=SchemeError.NOT_PUBLISHED
        )
    if not reason.strip():
        raise field_error("reason", _("请填写变更理由"), SchemeError.REASON_REQUIRED)
    if not changes:
        raise ValidationError(_("请至少填写一项变更"), code=SchemeError.NO_CHANGES)
    _check_scope(actor, system, changes)
    change_proposal(system, changes)
    request = ChangeRequest.objects.create(
        system=system,
        base_version=system.current_version,
        reason=reason.strip(),
        changes=[dict(change) for change in changes],
        requested_by=actor if getattr(actor, "is_authenticated", False) else None,
        requested_unit_id=getattr(actor, "unit_id", None),
        requested_at=timezone.now(),
    )
    audit_record(
        actor=actor,
        action="change_request.create",
        obj=request,
        after=snapshot(request, CHANGE_FIELDS),
    )
    return request


@transaction.atomic
def change_request_decide(
    *, actor: Any, request: ChangeRequest, status: str, note: str = ""
) -> ChangeRequest:
    """Approve (the change becomes the system's next version) or reject a request."""
    CHANGE_WORKFLOW.check(request.status, status)
    system = (
        IndicatorSystem.objects.select_for_update()
        .select_related("scheme")
        .get(pk=request.system_id)
    )
    after: dict[str, Any] = {"decision_note": note}
    fields = ["decided_by", "decided_at", "decision_note"]
    if status == ChangeStatus.REJECTED and not note.strip():
        raise field_error("note", _("驳回须填写审批意见"), SchemeError.REASON_REQUIRED)
    if status == ChangeStatus.APPROVED:
        if system.scheme.status == SchemeStatus.LOCKED or system.status != SystemStatus.PUBLISHED:
            raise ValidationError(
                _("指标体系已不是发布状态，不能批准"), code=SchemeError.NOT_PUBLISHED
            )
        rows = change_proposal(system, request.changes)
        _sync_indicators(system, rows)
        version = _version_create(
            actor=actor,
            system=system,
            rows=indicator_rows(system),
            note=_("变更申请 #%(id)s") % {"id": request.pk},
        )
        system.current_version = version
        system.updated_at = timezone.now()
        system.save(update_fields=["current_version", "updated_at"])
        request.result_version = version
        fields.append("result_version")
        after["version"] = version.number
    request.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    request.decided_at = timezone.now()
    request.decision_note = note.strip()
    CHANGE_WORKFLOW.move(request, status, actor=actor, fields=fields, after=after)
    return request


# ---- demo ---------------------------------------------------------------------------


@transaction.atomic
def schemes_demo_load(*, year: int, actor: Any = None) -> dict[str, int]:
    """The seed presets' schemes for the demo year, and a published 党建工作成效考核
    indicator system (seed 001) for each demo category that exists. Idempotent: what
    is already there is left alone."""
    from kaohe.schemes import demo_data

    year_row, _created = AssessmentYear.objects.get_or_create(
        year=year, defaults={"name": f"{year}年度"}
    )
    made = {"schemes": 0, "systems": 0, "indicators": 0}
    for preset in list_presets():
        if not Scheme.objects.filter(year=year_row, suite=preset.name).exists():
            made["schemes"] += len(
                scheme_create_from_preset(actor=actor, year=year_row, preset_id=preset.id)
            )
    party = Scheme.objects.filter(year=year_row, preset="seed001-party", code="party").first()
    if party is None:  # pragma: no cover - the preset holds it
        return made
    units = {u.name: u for u in Unit.objects.filter(category__name__in=["县直部门", "双管单位"])}
    by_role = {
        role: next((units[name] for name in names if name in units), None)
        for role, names in demo_data.UNIT_NAMES.items()
    }
    categories = UnitCategory.objects.filter(name__in=demo_data.DEMO_CATEGORIES)
    for category in categories:
        if IndicatorSystem.objects.filter(scheme=party, category=category).exists():
            continue
        system = indicator_system_create(actor=actor, scheme=party, category=category)
        lead = by_role.get(demo_data.LEAD_BY_CATEGORY[category.name])
        created: dict[str, Indicator] = {}
        for order, row in enumerate(demo_data.indicator_rows(category.name), start=1):
            code, parent, name, points, method, cap, rule, evidence, role = row
            responsible = lead if role == "lead" else by_role.get(role)
            created[code] = indicator_create(
                actor=actor,
                system=system,
                code=code,
                name=name,
                points=Decimal(points),
                method=method,
                cap=Decimal(cap) if cap else None,
                rule=rule,
                evidence_required=bool(evidence),
                evidence_text=evidence,
                responsible_unit=responsible,
                lead_unit=lead,
                parent=created[parent] if parent else None,
                order=order,
            )
        indicator_system_set_status(actor=actor, system=system, status=SystemStatus.PUBLISHED)
        made["systems"] += 1
        made["indicators"] += len(created)
    return made
