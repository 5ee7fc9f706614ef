"""Write services of the orgs app: ``<entity>_<action>``, keyword-only, one transaction and
one audit row each. Validation errors carry an ``OrgError`` code."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.core.audit import apply_changes, audit_record, snapshot
from kaohe.core.errors import field_error
from kaohe.core.models import AuditEntry
from kaohe.core.xlsx import ImportFailed, RowError
from kaohe.orgs import workbooks
from kaohe.orgs.errors import OrgError
from kaohe.orgs.models import (
    AssessmentYear,
    Cadre,
    Duty,
    Investigation,
    Posting,
    Role,
    Secondment,
    SecondmentLevel,
    Team,
    Unit,
    UnitCategory,
    UnitFlag,
    VillageAssignment,
    active_on,
    precedence_of,
)
from kaohe.orgs.pinyin import search_text

CATEGORY_FIELDS = ("name", "order", "description")
UNIT_FIELDS = ("code", "name", "category", "parent", "supervisor", "is_active", "order")
TEAM_FIELDS = ("unit", "name", "is_assessed")
CADRE_FIELDS = (
    "name",
    "gender",
    "birth_date",
    "leadership_level",
    "rank",
    "retired_on",
    "note",
)
POSTING_FIELDS = (
    "cadre",
    "unit",
    "post",
    "role",
    "duties",
    "is_primary",
    "start_date",
    "end_date",
    "order",
)
SECONDMENT_FIELDS = ("cadre", "level", "host", "start_date", "end_date")
VILLAGE_FIELDS = ("cadre", "village", "start_date", "end_date")
INVESTIGATION_FIELDS = ("cadre", "opened_on", "closed_on", "outcome")


def _check_dates(start: dt.date, end: dt.date | None, *, field: str = "end_date") -> None:
    if end is not None and end < start:
        raise field_error(field, _("结束日期不能早于开始日期"), OrgError.DATES_REVERSED)


# ---- years ---------------------------------------------------------------------------


@transaction.atomic
def year_create(*, actor: Any, year: int, name: str = "", note: str = "") -> AssessmentYear:
    if AssessmentYear.objects.filter(year=year).exists():
        raise field_error("year", _("该年度已存在"), OrgError.NAME_TAKEN)
    row = AssessmentYear.objects.create(year=year, name=name, note=note)
    audit_record(
        actor=actor, action="year.create", obj=row, after=snapshot(row, ("year", "name", "note"))
    )
    return row


@transaction.atomic
def year_update(*, actor: Any, year: AssessmentYear, **changes: Any) -> AssessmentYear:
    changed, before, after = apply_changes(year, changes, ("name", "note"))
    if changed:
        year.save(update_fields=changed)
        audit_record(actor=actor, action="year.update", obj=year, before=before, after=after)
    return year


# ---- categories ----------------------------------------------------------------------


@transaction.atomic
def category_create(
    *, actor: Any, name: str, order: int = 0, description: str = ""
) -> UnitCategory:
    if UnitCategory.objects.filter(name=name).exists():
        raise field_error("name", _("已有同名类别"), OrgError.NAME_TAKEN)
    row = UnitCategory.objects.create(name=name, order=order, description=description)
    audit_record(
        actor=actor, action="category.create", obj=row, after=snapshot(row, CATEGORY_FIELDS)
    )
    return row


@transaction.atomic
def category_update(*, actor: Any, category: UnitCategory, **changes: Any) -> UnitCategory:
    name = changes.get("name")
    if name and UnitCategory.objects.filter(name=name).exclude(pk=category.pk).exists():
        raise field_error("name", _("已有同名类别"), OrgError.NAME_TAKEN)
    changed, before, after = apply_changes(category, changes, CATEGORY_FIELDS)
    if changed:
        category.save(update_fields=changed)
        audit_record(
            actor=actor, action="category.update", obj=category, before=before, after=after
        )
    return category


@transaction.atomic
def category_delete(*, actor: Any, category: UnitCategory) -> None:
    if category.units.exists():
        raise ValidationError(_("该类别下还有单位，不能删除"), code=OrgError.CATEGORY_IN_USE)
    before = snapshot(category, CATEGORY_FIELDS)
    audit_record(actor=actor, action="category.delete", obj=category, before=before)
    category.delete()


@transaction.atomic
def flag_create(*, actor: Any, name: str, order: int = 0) -> UnitFlag:
    row, _created = UnitFlag.objects.get_or_create(name=name, defaults={"order": order})
    audit_record(actor=actor, action="flag.create", obj=row, after={"name": name})
    return row


# ---- units ---------------------------------------------------------------------------


def _check_unit_links(unit: Unit) -> None:
    ancestor = unit.parent
    seen: set[int] = set()
    while ancestor is not None:
        if ancestor.pk == unit.pk or ancestor.pk in seen:
            raise field_error("parent", _("上级单位不能是本单位或其下级"), OrgError.PARENT_CYCLE)
        seen.add(ancestor.pk)
        ancestor = ancestor.parent
    if unit.supervisor_id is not None and unit.supervisor_id == unit.pk:
        raise field_error("supervisor", _("委托考核主管部门不能是本单位"), OrgError.SUPERVISOR_SELF)


def _flag_names(unit: Unit) -> list[str]:
    return sorted(flag.name for flag in unit.flags.all())


@transaction.atomic
def unit_create(
    *,
    actor: Any,
    code: str,
    name: str,
    category: UnitCategory,
    parent: Unit | None = None,
    supervisor: Unit | None = None,
    flags: Iterable[UnitFlag] = (),
    is_active: bool = True,
    order: int = 0,
    team_name: str | None = None,
) -> Unit:
    """Create a unit and its leadership team (``team_name`` defaults to 「<name>领导班子」)."""
    if Unit.objects.filter(code=code).exists():
        raise field_error("code", _("编码已被使用"), OrgError.CODE_TAKEN)
    unit = Unit(
        code=code,
        name=name,
        category=category,
        parent=parent,
        supervisor=supervisor,
        is_active=is_active,
        order=order,
    )
    unit.save()
    _check_unit_links(unit)
    unit.flags.set(list(flags))
    Team.objects.create(unit=unit, name=team_name or f"{name}领导班子")
    after = snapshot(unit, UNIT_FIELDS) | {"flags": _flag_names(unit)}
    audit_record(actor=actor, action="unit.create", obj=unit, after=after)
    return unit


@transaction.atomic
def unit_update(
    *, actor: Any, unit: Unit, flags: Iterable[UnitFlag] | None = None, **changes: Any
) -> Unit:
    code = changes.get("code")
    if code and Unit.objects.filter(code=code).exclude(pk=unit.pk).exists():
        raise field_error("code", _("编码已被使用"), OrgError.CODE_TAKEN)
    changed, before, after = apply_changes(unit, changes, UNIT_FIELDS)
    _check_unit_links(unit)
    if flags is not None:
        old_flags = _flag_names(unit)
        unit.flags.set(list(flags))
        new_flags = _flag_names(unit)
        if new_flags != old_flags:
            before["flags"], after["flags"] = old_flags, new_flags
    if changed:
        unit.save(update_fields=changed)
    if before or after:
        audit_record(actor=actor, action="unit.update", obj=unit, before=before, after=after)
    return unit


@transaction.atomic
def team_update(*, actor: Any, team: Team, **changes: Any) -> Team:
    changed, before, after = apply_changes(team, changes, ("name", "is_assessed"))
    if changed:
        team.save(update_fields=changed)
        audit_record(actor=actor, action="team.update", obj=team, before=before, after=after)
    return team


@transaction.atomic
def team_order_set(*, actor: Any, team: Team, orders: Mapping[Posting, int]) -> list[Posting]:
    """Set the office's order of the team's members (postings in ``team.unit``); one audit
    row names each member whose order changed. Returns the postings that changed."""
    changed: list[Posting] = []
    before: dict[str, int] = {}
    after: dict[str, int] = {}
    for posting, order in orders.items():
        if posting.unit_id != team.unit_id:
            raise ValidationError(_("该任职不在本单位"), code=OrgError.NOT_IN_TEAM)
        if posting.order == order:
            continue
        label = f"{posting.cadre.name}（{posting.post}）"
        before[label], after[label] = posting.order, order
        posting.order = order
        changed.append(posting)
    if changed:
        Posting.objects.bulk_update(changed, ["order"])
        audit_record(
            actor=actor,
            action="team.order",
            obj=team,
            before={"order": before},
            after={"order": after},
        )
    return changed


# ---- cadres and their history --------------------------------------------------------


def _clean_duties(duties: Sequence[str]) -> list[str]:
    valid = set(Duty.values)
    unknown = [d for d in duties if d not in valid]
    if unknown:
        raise field_error(
            "duties",
            _("未知分工：%(duties)s") % {"duties": "、".join(unknown)},
            OrgError.UNKNOWN_DUTY,
        )
    return list(dict.fromkeys(duties))


@transaction.atomic
def cadre_create(
    *,
    actor: Any,
    name: str,
    gender: str = "",
    birth_date: dt.date | None = None,
    leadership_level: str = "",
    rank: str = "",
    retired_on: dt.date | None = None,
    note: str = "",
    first_posting: dict[str, Any] | None = None,
) -> Cadre:
    """Create a cadre and, with ``first_posting`` (unit, post, role, duties, start_date,
    optionally order), the post they hold; one audit row for both."""
    cadre = Cadre.objects.create(
        name=name,
        gender=gender,
        birth_date=birth_date,
        leadership_level=leadership_level,
        rank=rank,
        retired_on=retired_on,
        note=note,
        search=search_text(name),
    )
    after = snapshot(cadre, CADRE_FIELDS)
    if first_posting is not None:
        _check_dates(first_posting["start_date"], first_posting.get("end_date"))
        posting = _posting_new(
            cadre=cadre,
            unit=first_posting["unit"],
            post=first_posting["post"],
            role=first_posting.get("role", Role.MEMBER),
            duties=first_posting.get("duties", ()),
            is_primary=first_posting.get("is_primary", True),
            start_date=first_posting["start_date"],
            end_date=first_posting.get("end_date"),
            order=first_posting.get("order", 0),
        )
        after["posting"] = snapshot(posting, POSTING_FIELDS) | {"id": posting.pk}
    audit_record(actor=actor, action="cadre.create", obj=cadre, after=after)
    return cadre


def _posting_new(
    *,
    cadre: Cadre,
    unit: Unit,
    post: str,
    start_date: dt.date,
    role: str = Role.MEMBER,
    duties: Sequence[str] = (),
    is_primary: bool = True,
    end_date: dt.date | None = None,
    order: int = 0,
) -> Posting:
    """A new posting row, its step in lists (``precedence``) taken from role and duties."""
    duties = _clean_duties(duties)
    return Posting.objects.create(
        cadre=cadre,
        unit=unit,
        post=post,
        role=Role(role),
        duties=duties,
        is_primary=is_primary,
        start_date=start_date,
        end_date=end_date,
        precedence=precedence_of(role, duties),
        order=order,
    )


@transaction.atomic
def cadre_update(*, actor: Any, cadre: Cadre, **changes: Any) -> Cadre:
    changed, before, after = apply_changes(cadre, changes, CADRE_FIELDS)
    if "name" in changed:
        cadre.search = search_text(cadre.name)
        changed.append("search")
    if changed:
        cadre.save(update_fields=changed)
        audit_record(actor=actor, action="cadre.update", obj=cadre, before=before, after=after)
    return cadre


@transaction.atomic
def posting_start(
    *,
    actor: Any,
    cadre: Cadre,
    unit: Unit,
    post: str,
    start_date: dt.date,
    role: str = Role.MEMBER,
    duties: Sequence[str] = (),
    is_primary: bool = True,
    end_date: dt.date | None = None,
    order: int = 0,
) -> Posting:
    """Record a post (a first appointment, or a cross appointment with ``is_primary=False``).
    To move a cadre from one unit to another use ``cadre_transfer``. A primary post may not
    overlap another primary post of the cadre."""
    _check_dates(start_date, end_date)
    duties = _clean_duties(duties)
    if is_primary:
        _lock_cadre(cadre)
        clash = _overlapping(
            Posting.objects.filter(cadre=cadre, is_primary=True), start_date, end_date
        )
        if clash is not None:
            raise field_error(
                "start_date",
                _(
                    "与该干部的主要职务（%(post)s，%(period)s）时间重叠；一名干部同一时间只有一个"
                    "主要职务，调到新单位请用“职务变动”，兼任请取消“主要职务”"
                )
                % {"post": clash.post, "period": _period(clash)},
                OrgError.OVERLAPPING,
            )
    posting = _posting_new(
        cadre=cadre,
        unit=unit,
        post=post,
        role=role,
        duties=duties,
        is_primary=is_primary,
        start_date=start_date,
        end_date=end_date,
        order=order,
    )
    audit_record(
        actor=actor, action="posting.start", obj=posting, after=snapshot(posting, POSTING_FIELDS)
    )
    return posting


def _row_end(
    *,
    actor: Any,
    row: Posting | Secondment | VillageAssignment,
    end_date: dt.date,
    action: str,
    closed: str,
) -> None:
    """Close a dated row that is still open (``closed``: the message when it is not)."""
    if row.end_date is not None:
        raise ValidationError(closed, code=OrgError.ALREADY_CLOSED)
    _check_dates(row.start_date, end_date)
    changed, before, after = apply_changes(row, {"end_date": end_date}, ("end_date",))
    row.save(update_fields=changed)
    audit_record(actor=actor, action=action, obj=row, before=before, after=after)


@transaction.atomic
def posting_end(*, actor: Any, posting: Posting, end_date: dt.date) -> Posting:
    _row_end(
        actor=actor, row=posting, end_date=end_date, action="posting.end", closed=_("该任职已结束")
    )
    return posting


@transaction.atomic
def cadre_transfer(
    *,
    actor: Any,
    cadre: Cadre,
    unit: Unit,
    post: str,
    on: dt.date,
    role: str = Role.MEMBER,
    duties: Sequence[str] = (),
    order: int = 0,
) -> Posting:
    """Move a cadre: the current primary posting ends the day before ``on`` and a new one
    starts on ``on``. Earlier postings stay as they were (history is never rewritten); a
    primary posting that starts on or after ``on`` makes the transfer impossible (it would
    leave two open primary posts). The cadre's row is locked first, so two transfers of one
    cadre at once run one after the other and the second sees the first's new post."""
    _lock_cadre(cadre)
    current = list(
        Posting.objects.select_for_update()
        .filter(cadre=cadre, is_primary=True)
        .exclude(end_date__lt=on)
        .order_by("start_date")
    )
    for posting in current:
        if posting.start_date >= on:
            raise field_error(
                "on",
                _("调动日期必须晚于现任职务的任职日期 %(date)s") % {"date": posting.start_date},
                OrgError.TRANSFER_BEFORE_START,
            )
    before = [snapshot(p, POSTING_FIELDS) for p in current]
    for posting in current:
        posting.end_date = on - dt.timedelta(days=1)
        posting.save(update_fields=["end_date"])
    new = _posting_new(
        cadre=cadre, unit=unit, post=post, role=role, duties=duties, start_date=on, order=order
    )
    audit_record(
        actor=actor,
        action="cadre.transfer",
        obj=cadre,
        before={"postings": before},
        after={
            "ended": [{"id": p.pk, "end_date": p.end_date} for p in current],
            "posting": snapshot(new, POSTING_FIELDS) | {"id": new.pk},
        },
    )
    return new


def _lock_cadre(cadre: Cadre) -> None:
    """Take the cadre's row lock (PostgreSQL; SQLite has one writer anyway): the checks of
    dated rows that follow cannot race another transaction writing the same cadre's rows."""
    Cadre.objects.select_for_update().filter(pk=cadre.pk).exists()


def _overlapping(queryset: Any, start: dt.date, end: dt.date | None) -> Any:
    """The first row of ``queryset`` whose period shares a day with ``start``–``end`` (an
    open end runs for ever), or None."""
    qs = queryset.exclude(end_date__lt=start)
    if end is not None:
        qs = qs.filter(start_date__lte=end)
    return qs.order_by("start_date").first()


def _period(row: Any) -> str:
    if row.end_date is None:
        return _("%(start)s 起") % {"start": row.start_date}
    return f"{row.start_date} – {row.end_date}"


def _refuse_overlap(queryset: Any, start: dt.date, end: dt.date | None, message: str) -> None:
    """``message`` (with ``%(period)s``, the clashing row's) when a row overlaps."""
    clash = _overlapping(queryset, start, end)
    if clash is not None:
        raise field_error("start_date", message % {"period": _period(clash)}, OrgError.OVERLAPPING)


@transaction.atomic
def secondment_create(
    *,
    actor: Any,
    cadre: Cadre,
    level: str,
    host: Unit,
    start_date: dt.date,
    end_date: dt.date | None = None,
) -> Secondment:
    _check_dates(start_date, end_date)
    _lock_cadre(cadre)
    _refuse_overlap(
        Secondment.objects.filter(cadre=cadre),
        start_date,
        end_date,
        _("与该干部已有的挂职（%(period)s）时间重叠"),
    )
    row = Secondment.objects.create(
        cadre=cadre,
        level=SecondmentLevel(level),
        host=host,
        start_date=start_date,
        end_date=end_date,
    )
    audit_record(
        actor=actor, action="secondment.create", obj=row, after=snapshot(row, SECONDMENT_FIELDS)
    )
    return row


@transaction.atomic
def secondment_end(*, actor: Any, secondment: Secondment, end_date: dt.date) -> Secondment:
    _row_end(
        actor=actor,
        row=secondment,
        end_date=end_date,
        action="secondment.end",
        closed=_("该挂职已结束"),
    )
    return secondment


@transaction.atomic
def village_assignment_create(
    *,
    actor: Any,
    cadre: Cadre,
    village: str,
    start_date: dt.date,
    end_date: dt.date | None = None,
) -> VillageAssignment:
    _check_dates(start_date, end_date)
    _lock_cadre(cadre)
    _refuse_overlap(
        VillageAssignment.objects.filter(cadre=cadre),
        start_date,
        end_date,
        _("与该干部已有的驻村（%(period)s）时间重叠"),
    )
    row = VillageAssignment.objects.create(
        cadre=cadre, village=village, start_date=start_date, end_date=end_date
    )
    audit_record(actor=actor, action="village.create", obj=row, after=snapshot(row, VILLAGE_FIELDS))
    return row


@transaction.atomic
def village_assignment_end(
    *, actor: Any, assignment: VillageAssignment, end_date: dt.date
) -> VillageAssignment:
    _row_end(
        actor=actor,
        row=assignment,
        end_date=end_date,
        action="village.end",
        closed=_("该驻村已结束"),
    )
    return assignment


@transaction.atomic
def investigation_open(*, actor: Any, cadre: Cadre, opened_on: dt.date) -> Investigation:
    row = Investigation.objects.create(cadre=cadre, opened_on=opened_on)
    audit_record(
        actor=actor,
        action="investigation.open",
        obj=row,
        after=snapshot(row, INVESTIGATION_FIELDS),
    )
    return row


@transaction.atomic
def investigation_close(
    *, actor: Any, investigation: Investigation, closed_on: dt.date, outcome: str
) -> Investigation:
    if investigation.closed_on is not None:
        raise ValidationError(_("该案件已结案"), code=OrgError.ALREADY_CLOSED)
    _check_dates(investigation.opened_on, closed_on, field="closed_on")
    changed, before, after = apply_changes(
        investigation, {"closed_on": closed_on, "outcome": outcome}, ("closed_on", "outcome")
    )
    investigation.save(update_fields=changed)
    audit_record(
        actor=actor, action="investigation.close", obj=investigation, before=before, after=after
    )
    return investigation


# ---- Excel imports: all rows or none ---------------------------------------------------


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


# The column of the cadre sheet where a service's error on a posting's field belongs.
POSTING_COLUMNS = {"on": "start_date", "end_date": "start_date"}
# The same for the secondments, village-team stints and investigations sheet.
RECORD_COLUMNS = {"opened_on": "start_date", "closed_on": "end_date"}


def _row_failed(
    errors: list[RowError],
    kind: workbooks.Kind,
    number: int,
    error: ValidationError,
    *,
    columns: Mapping[str, str] = POSTING_COLUMNS,
) -> None:
    """A service's ``ValidationError`` on one row, placed in that row's column (a field
    named in ``columns`` in the column given there)."""
    keys = {column.key for column in kind.columns}
    fields = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
    for name, messages in fields.items():
        key = columns.get(name, name)
        for message in messages:
            if key in keys:
                errors.append(RowError(number, kind.letter(key), kind.header(key), message))
            else:
                errors.append(RowError(number, "", "", message))


def _audit_mark() -> int:
    """The newest audit row's key: what a row of an import wrote is what comes after it.
    (A maximum is read off the index; a count would scan the table once per row.) A row
    that creates needs no mark: it counts as created."""
    return AuditEntry.objects.aggregate(mark=Max("pk"))["mark"] or 0


def _count(summary: ImportSummary, audit_before: int, *, created: bool) -> None:
    if created:
        summary.created += 1
    elif AuditEntry.objects.filter(pk__gt=audit_before).exists():
        summary.updated += 1
    else:
        summary.unchanged += 1


def _units_in_order(rows: list[tuple[int, dict[str, Any]]]) -> list[tuple[int, dict[str, Any]]]:
    """Rows whose parent or supervisor is another row of the file come after that row."""
    pending = {row["code"]: (number, row) for number, row in rows}
    ordered: list[tuple[int, dict[str, Any]]] = []
    while pending:
        ready = [
            code
            for code, (_n, row) in pending.items()
            if not ({row["parent"], row["supervisor"]} & (set(pending) - {code}))
        ]
        if not ready:  # a cycle within the file: left for the services to refuse
            ready = list(pending)
        ordered.extend(pending.pop(code) for code in ready)
    return ordered


@transaction.atomic
def units_import(*, actor: Any, file: IO[bytes], units: QuerySet[Unit]) -> ImportSummary:
    """Create or change (by code) the units of a workbook; ``units`` are those the actor
    may see. Every bad row is reported (``ImportFailed``); nothing is written unless all
    rows are good. The audit rows are those of ``unit_create`` and ``unit_update``."""
    sheet = workbooks.read_units(file, units=units)
    existing = {unit.code: unit for unit in units.prefetch_related("flags")}
    summary, errors = ImportSummary(), []
    for number, row in _units_in_order(sheet.lines):
        links = {
            key: existing.get(row[key]) if row[key] else None for key in ("parent", "supervisor")
        }
        fields = {k: row[k] for k in ("name", "category", "order", "is_active")} | links
        looped = [key for key in links if row[key] and links[key] is None]
        for key in looped:
            errors.append(
                RowError(
                    number,
                    workbooks.UNITS.letter(key),
                    workbooks.UNITS.header(key),
                    _("与表中其他单位的上级关系形成循环"),
                )
            )
        if looped:
            continue
        unit = existing.get(row["code"])
        audit_before = _audit_mark() if unit is not None else 0
        try:
            if unit is None:
                existing[row["code"]] = unit_create(
                    actor=actor, code=row["code"], flags=row["flags"], **fields
                )
            else:
                unit_update(actor=actor, unit=unit, flags=row["flags"], **fields)
        except ValidationError as error:
            _row_failed(errors, workbooks.UNITS, number, error)
        else:
            _count(summary, audit_before, created=unit is None)
    if errors:
        raise ImportFailed(errors)
    return summary


@transaction.atomic
def teams_import(*, actor: Any, file: IO[bytes], teams: QuerySet[Team]) -> ImportSummary:
    """Rename leadership teams and set whether they are assessed, from a workbook."""
    sheet = workbooks.read_teams(file, teams=teams)
    summary, errors = ImportSummary(), []
    for number, row in sheet.lines:
        audit_before = _audit_mark()
        try:
            team_update(
                actor=actor, team=row["team"], name=row["name"], is_assessed=row["is_assessed"]
            )
        except ValidationError as error:
            _row_failed(errors, workbooks.TEAMS, number, error)
        else:
            _count(summary, audit_before, created=False)
    if errors:
        raise ImportFailed(errors)
    return summary


def _same_posting(posting: Posting, wanted: dict[str, Any]) -> bool:
    return (
        posting.unit_id == wanted["unit"].pk
        and posting.post == wanted["post"]
        and posting.role == wanted["role"]
        and list(posting.duties) == list(wanted["duties"])
        and posting.start_date == wanted["start_date"]
    )


def _current_postings(cadres: list[Cadre], chunk: int = 1000) -> dict[int, Posting]:
    """Each cadre's current primary posting (the latest to start), a query per ``chunk``
    cadres (SQLite limits the parameters of a query)."""
    current = Posting.objects.filter(active_on(timezone.localdate()), is_primary=True)
    found: dict[int, Posting] = {}
    for first in range(0, len(cadres), chunk):
        postings = current.filter(cadre__in=cadres[first : first + chunk]).order_by("start_date")
        found |= {posting.cadre_id: posting for posting in postings}
    return found


def _cadre_posting(
    *, actor: Any, cadre: Cadre, current: Posting | None, wanted: dict[str, Any]
) -> None:
    """Bring a cadre's current primary posting to ``wanted``: nothing when it is the same,
    a transfer when ``wanted`` starts later (history kept), else an error."""
    day = wanted["start_date"]
    if current is not None and _same_posting(current, wanted):
        return
    fields = {k: wanted[k] for k in ("unit", "post", "role", "duties")}
    if current is None:
        posting_start(actor=actor, cadre=cadre, start_date=day, **fields)
    elif day > current.start_date:
        cadre_transfer(actor=actor, cadre=cadre, on=day, **fields)
    else:
        raise field_error(
            "start_date",
            _(
                "与现任职务（%(post)s，%(date)s 起）不同；职务变动的任职日期须晚于 %(date)s，"
                "更正现任职务请在干部页面办理"
            )
            % {"post": current.post, "date": current.start_date},
            OrgError.TRANSFER_BEFORE_START,
        )


@transaction.atomic
def cadres_import(
    *, actor: Any, file: IO[bytes], cadres: QuerySet[Cadre], units: QuerySet[Unit]
) -> ImportSummary:
    """Create cadres (no 干部编号) or change them (with one), and their current posts."""
    sheet = workbooks.read_cadres(file, cadres=cadres, units=units)
    current = _current_postings([row["cadre"] for _n, row in sheet.lines if row["cadre"]])
    summary, errors = ImportSummary(), []
    for number, row in sheet.lines:
        personal = {k: row[k] for k in CADRE_FIELDS}
        wanted = row["posting"]
        cadre = row["cadre"]
        audit_before = _audit_mark() if cadre is not None else 0
        try:
            with transaction.atomic():
                if cadre is None:
                    cadre_create(actor=actor, first_posting=wanted, **personal)
                else:
                    cadre_update(actor=actor, cadre=cadre, **personal)
                    if wanted is not None:
                        _cadre_posting(
                            actor=actor, cadre=cadre, current=current.get(cadre.pk), wanted=wanted
                        )
        except ValidationError as error:
            _row_failed(errors, workbooks.CADRES, number, error)
        else:
            _count(summary, audit_before, created=cadre is None)
    if errors:
        raise ImportFailed(errors)
    return summary


def _record_write(*, actor: Any, row: dict[str, Any]) -> None:
    """Create the record of a row without 记录编号, or end the existing one when the row
    gives the end it lacks (reading has checked that nothing else differs)."""
    kind, record, end = row["type"], row["record"], row["end_date"]
    cadre, start = row["cadre"], row["start_date"]
    if record is None:
        if kind is workbooks.SECONDMENT:
            secondment_create(actor=actor, cadre=cadre, level=row["level"], host=row["host"],
                              start_date=start, end_date=end)  # fmt: skip
            return
        if kind is workbooks.VILLAGE:
            village_assignment_create(
                actor=actor, cadre=cadre, village=row["village"], start_date=start, end_date=end
            )
            return
        record = investigation_open(actor=actor, cadre=cadre, opened_on=start)
    if end is None or getattr(record, kind.end) is not None:
        return  # left open, or ended as it was
    if isinstance(record, Secondment):
        secondment_end(actor=actor, secondment=record, end_date=end)
    elif isinstance(record, VillageAssignment):
        village_assignment_end(actor=actor, assignment=record, end_date=end)
    else:
        investigation_close(
            actor=actor, investigation=record, closed_on=end, outcome=row["outcome"]
        )


@transaction.atomic
def assignments_import(
    *, actor: Any, file: IO[bytes], cadres: QuerySet[Cadre], units: QuerySet[Unit]
) -> ImportSummary:
    """Create secondments, village-team stints and investigations (no 记录编号) or end
    them (with one). Rows that end a record go first, so that a new secondment may start
    where the one the same file ends stops."""
    sheet = workbooks.read_assignments(file, cadres=cadres, units=units)
    summary, errors = ImportSummary(), []
    for number, row in sorted(sheet.lines, key=lambda line: line[1]["record"] is None):
        audit_before = _audit_mark() if row["record"] is not None else 0
        try:
            with transaction.atomic():
                _record_write(actor=actor, row=row)
        except ValidationError as error:
            _row_failed(errors, workbooks.ASSIGNMENTS, number, error, columns=RECORD_COLUMNS)
        else:
            _count(summary, audit_before, created=row["record"] is None)
    if errors:
        raise ImportFailed(errors)
    return summary
