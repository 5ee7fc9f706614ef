"""Write services of the orgs app: ``<entity>_<action>``, keyword-only, one transaction and
one audit row each. Validation errors carry an ``OrgError`` code."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from kaohe.core.audit import apply_changes, audit_entry, audit_record, snapshot
from kaohe.core.bulk import bulk_insert, fewer_collections
from kaohe.core.errors import field_error
from kaohe.core.models import AuditEntry
from kaohe.core.xlsx import (
    ImportFailed,
    ImportSummary,
    Outcome,
    concurrent_writes_refused,
    import_lock,
    row_errors,
    write_rows,
)
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
    precedence_of,
)
from kaohe.orgs.pinyin import search_text
from kaohe.orgs.rules import cadre_problems, dated_problems, id_number_clean, problems_error

CATEGORY_FIELDS = ("name", "order", "description")
UNIT_FIELDS = ("code", "name", "category", "parent", "supervisor", "is_active", "order")
TEAM_FIELDS = ("unit", "name", "is_assessed")
CADRE_FIELDS = (
    "name",
    "id_number",
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


def _check_dates(
    start: dt.date,
    end: dt.date | None,
    *,
    field: str = "end_date",
    start_field: str = "start_date",
    birth_date: dt.date | None = None,
) -> None:
    """Both dates plausible, the end not before the start, the start after the cadre's
    birth (``kaohe.orgs.rules``)."""
    problems = dated_problems(
        start=start, end=end, birth_date=birth_date, start_field=start_field, end_field=field
    )
    if error := problems_error(problems):
        raise error


def _check_cadre(cadre: Cadre) -> None:
    """The cadre's personal facts (``kaohe.orgs.rules``) and a 身份证号 of nobody else."""
    problems = cadre_problems(
        id_number=cadre.id_number,
        gender=cadre.gender,
        birth_date=cadre.birth_date,
        retired_on=cadre.retired_on,
    )
    if error := problems_error(problems):
        raise error
    if cadre.id_number and (
        Cadre.objects.filter(id_number=cadre.id_number).exclude(pk=cadre.pk).exists()
    ):
        raise field_error("id_number", _("该身份证号已登记为另一名干部"), OrgError.ID_NUMBER_TAKEN)


def _save_cadre(cadre: Cadre, **kwargs: Any) -> None:
    """Save; a 身份证号 another transaction registered meanwhile is a field error."""
    try:
        with transaction.atomic():
            cadre.save(**kwargs)
    except IntegrityError:
        raise field_error(
            "id_number", _("该身份证号已登记为另一名干部"), OrgError.ID_NUMBER_TAKEN
        ) from None


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
    unit_change(actor=actor, unit=unit, flags=flags, **changes)
    return unit


@transaction.atomic
def unit_change(
    *, actor: Any, unit: Unit, flags: Iterable[UnitFlag] | None = None, **changes: Any
) -> bool:
    """``unit_update`` that says whether anything changed (an import counts on it)."""
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
    return bool(before or after)


@transaction.atomic
def team_update(*, actor: Any, team: Team, **changes: Any) -> Team:
    team_change(actor=actor, team=team, **changes)
    return team


@transaction.atomic
def team_change(*, actor: Any, team: Team, **changes: Any) -> bool:
    """``team_update`` that says whether anything changed (an import counts on it)."""
    changed, before, after = apply_changes(team, changes, ("name", "is_assessed"))
    if changed:
        team.save(update_fields=changed)
        audit_record(actor=actor, action="team.update", obj=team, before=before, after=after)
    return bool(changed)


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


_DUTIES = frozenset(Duty.values)  # Django builds ``values`` anew at each call


def _clean_duties(duties: Sequence[str]) -> list[str]:
    unknown = [d for d in duties if d not in _DUTIES]
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
    id_number: str = "",
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
    cadre = Cadre(
        name=name,
        id_number=id_number_clean(id_number),
        gender=gender,
        birth_date=birth_date,
        leadership_level=leadership_level,
        rank=rank,
        retired_on=retired_on,
        note=note,
        search=search_text(name),
    )
    _check_cadre(cadre)
    if first_posting is not None:
        _check_dates(
            first_posting["start_date"], first_posting.get("end_date"), birth_date=birth_date
        )
    _save_cadre(cadre, force_insert=True)
    after = snapshot(cadre, CADRE_FIELDS)
    if first_posting is not None:
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
    if "id_number" in changes:
        changes["id_number"] = id_number_clean(changes["id_number"] or "")
    changed, before, after = apply_changes(cadre, changes, CADRE_FIELDS)
    if "name" in changed:
        cadre.search = search_text(cadre.name)
        changed.append("search")
    if changed:
        _check_cadre(cadre)
        _save_cadre(cadre, update_fields=changed)
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
    _check_dates(start_date, end_date, birth_date=cadre.birth_date)
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
    _check_dates(on, None, start_field="on", birth_date=cadre.birth_date)
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
    _check_dates(start_date, end_date, birth_date=cadre.birth_date)
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
    _check_dates(start_date, end_date, birth_date=cadre.birth_date)
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
    _check_dates(opened_on, None, start_field="opened_on", birth_date=cadre.birth_date)
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
    _check_dates(investigation.opened_on, closed_on, field="closed_on", start_field="opened_on")
    changed, before, after = apply_changes(
        investigation, {"closed_on": closed_on, "outcome": outcome}, ("closed_on", "outcome")
    )
    investigation.save(update_fields=changed)
    audit_record(
        actor=actor, action="investigation.close", obj=investigation, before=before, after=after
    )
    return investigation


# ---- Excel imports: all rows or none ---------------------------------------------------

# The column of the cadre sheet where a service's error on a posting's field belongs.
POSTING_COLUMNS = {"on": "start_date", "end_date": "start_date"}
# The same for the secondments, village-team stints and investigations sheet.
RECORD_COLUMNS = {"opened_on": "start_date", "closed_on": "end_date"}


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
    import_lock("orgs.units")
    sheet = workbooks.read_units(file, units=units)
    existing = {unit.code: unit for unit in units.prefetch_related("flags")}

    def write(row: dict[str, Any]) -> Outcome:
        links = {
            key: existing.get(row[key]) if row[key] else None for key in ("parent", "supervisor")
        }
        looped = {
            key: _("与表中其他单位的上级关系形成循环")
            for key in links
            if row[key] and links[key] is None
        }
        if looped:
            raise ValidationError(looped)
        fields = {k: row[k] for k in ("name", "category", "order", "is_active")} | links
        unit = existing.get(row["code"])
        if unit is None:
            existing[row["code"]] = unit_create(
                actor=actor, code=row["code"], flags=row["flags"], **fields
            )
            return Outcome.CREATED
        return Outcome.of(unit_change(actor=actor, unit=unit, flags=row["flags"], **fields))

    with concurrent_writes_refused():
        return write_rows(workbooks.UNITS, _units_in_order(sheet.lines), write)


@transaction.atomic
def teams_import(*, actor: Any, file: IO[bytes], teams: QuerySet[Team]) -> ImportSummary:
    """Rename leadership teams and set whether they are assessed, from a workbook."""
    sheet = workbooks.read_teams(file, teams=teams)
    return write_rows(
        workbooks.TEAMS,
        sheet.lines,
        lambda row: Outcome.of(
            team_change(
                actor=actor, team=row["team"], name=row["name"], is_assessed=row["is_assessed"]
            )
        ),
    )


def _same_posting(posting: Posting, wanted: dict[str, Any]) -> bool:
    return (
        posting.unit_id == wanted["unit"].pk
        and posting.post == wanted["post"]
        and posting.role == wanted["role"]
        and list(posting.duties) == list(wanted["duties"])
        and posting.start_date == wanted["start_date"]
    )


def _transfer_refused(current: Posting) -> str:
    return _(
        "与现任职务（%(post)s，%(date)s 起）不同；职务变动的任职日期须晚于 %(date)s，"
        "更正现任职务请在干部页面办理"
    ) % {"post": current.post, "date": current.start_date}


@dataclass
class _CadreWrites:
    """What a cadre import writes, gathered row by row and written in bulk."""

    actor: Any
    new: list[tuple[Cadre, dict[str, Any] | None]] = field(default_factory=list)
    changed: dict[int, tuple[Cadre, list[str], dict[str, Any], dict[str, Any]]] = field(
        default_factory=dict
    )
    ended: list[tuple[Cadre, Posting]] = field(default_factory=list)
    started: list[tuple[Cadre, Posting, Posting | None]] = field(default_factory=list)
    audit: list[AuditEntry] = field(default_factory=list)

    def posting(self, cadre: Cadre, wanted: dict[str, Any]) -> Posting:
        """A new primary posting, as ``_posting_new`` makes it (its ``precedence``)."""
        duties = _clean_duties(wanted["duties"])
        return Posting(
            cadre=cadre,
            unit=wanted["unit"],
            post=wanted["post"],
            role=Role(wanted["role"]),
            duties=duties,
            is_primary=True,
            start_date=wanted["start_date"],
            precedence=precedence_of(wanted["role"], duties),
        )

    def row(self, row: dict[str, Any]) -> Outcome:
        """Plan one row (refusing a posting that would rewrite history), write nothing."""
        personal = {k: row[k] for k in CADRE_FIELDS}
        cadre, wanted, current = row["cadre"], row["posting"], row["current"]
        if cadre is None:
            self.new.append((Cadre(**personal, search=search_text(personal["name"])), wanted))
            return Outcome.CREATED
        move: tuple[Posting, Posting | None] | None = None
        if wanted is not None and not (current is not None and _same_posting(current, wanted)):
            if current is not None and wanted["start_date"] <= current.start_date:
                raise field_error(
                    "start_date", _transfer_refused(current), OrgError.TRANSFER_BEFORE_START
                )
            move = (self.posting(cadre, wanted), current)
        changed, before, after = apply_changes(cadre, personal, CADRE_FIELDS)
        if changed:
            if "name" in changed:
                cadre.search = search_text(cadre.name)
            self.changed[cadre.pk] = (cadre, changed, before, after)
        if move is not None:
            new, old = move
            if old is not None:
                old.end_date = new.start_date - dt.timedelta(days=1)
                self.ended.append((cadre, old))
            self.started.append((cadre, new, old))
        return Outcome.UPDATED if changed or move else Outcome.UNCHANGED

    def write(self) -> None:
        """Everything in a few statements a thousand rows each, audit rows included."""
        batch = 1000
        bulk_insert(Cadre, [cadre for cadre, _w in self.new])
        firsts = [(c, self.posting(c, w)) for c, w in self.new if w is not None]
        Posting.objects.bulk_update([p for _c, p in self.ended], ["end_date"], batch_size=batch)
        bulk_insert(Posting, [p for _c, p in firsts] + [p for _c, p, _o in self.started])
        fields = sorted({name for _c, names, _b, _a in self.changed.values() for name in names})
        if "name" in fields:
            fields.append("search")
        if fields:
            Cadre.objects.bulk_update(
                [cadre for cadre, *_rest in self.changed.values()], fields, batch_size=batch
            )
        first_of = {cadre.pk: posting for cadre, posting in firsts}
        for cadre, _w in self.new:
            after = snapshot(cadre, CADRE_FIELDS)
            if cadre.pk in first_of:
                posting = first_of[cadre.pk]
                after["posting"] = snapshot(posting, POSTING_FIELDS) | {"id": posting.pk}
            self._audit("cadre.create", cadre, after=after)
        for cadre, _names, before, after in self.changed.values():
            self._audit("cadre.update", cadre, before=before, after=after)
        for cadre, new, old in self.started:
            if old is None:
                self._audit("posting.start", new, after=snapshot(new, POSTING_FIELDS))
                continue
            before_old = snapshot(old, POSTING_FIELDS) | {"end_date": None}
            self._audit(
                "cadre.transfer",
                cadre,
                before={"postings": [before_old]},
                after={
                    "ended": [{"id": old.pk, "end_date": old.end_date}],
                    "posting": snapshot(new, POSTING_FIELDS) | {"id": new.pk},
                },
            )
        bulk_insert(AuditEntry, self.audit)

    def _audit(self, action: str, obj: Any, **values: Any) -> None:
        self.audit.append(audit_entry(actor=self.actor, action=action, obj=obj, **values))


@transaction.atomic
def cadres_import(
    *, actor: Any, file: IO[bytes], cadres: QuerySet[Cadre], units: QuerySet[Unit]
) -> ImportSummary:
    """Create cadres or change them (found by 干部编号, 身份证号 or 姓名 + 出生日期 +
    单位: ``workbooks.read_cadres``) and their current posts, all rows or none. The rows
    are checked as ``cadre_create``, ``cadre_update``, ``posting_start`` and
    ``cadre_transfer`` check them and give the same audit rows, written in bulk. Two
    imports at once take turns; a 身份证号 registered meanwhile is refused in Chinese."""
    import_lock("orgs.cadres")
    with fewer_collections():
        sheet = workbooks.read_cadres(file, cadres=cadres, units=units)
        writes = _CadreWrites(actor)
        summary, errors = ImportSummary(), []
        for number, row in sheet.lines:
            try:
                summary.add(writes.row(row))
            except ValidationError as error:
                errors.extend(row_errors(workbooks.CADRES, number, error, columns=POSTING_COLUMNS))
        if errors:
            raise ImportFailed(errors, sheet=workbooks.CADRES.sheet)
        with concurrent_writes_refused():
            writes.write()
    return summary


def _record_write(*, actor: Any, row: dict[str, Any]) -> Outcome:
    """Create the record of a row without 记录编号, or end the existing one when the row
    gives the end it lacks (reading has checked that nothing else differs)."""
    kind, record, end = row["type"], row["record"], row["end_date"]
    cadre, start = row["cadre"], row["start_date"]
    if record is None:
        if kind is workbooks.SECONDMENT:
            secondment_create(actor=actor, cadre=cadre, level=row["level"], host=row["host"],
                              start_date=start, end_date=end)  # fmt: skip
            return Outcome.CREATED
        if kind is workbooks.VILLAGE:
            village_assignment_create(
                actor=actor, cadre=cadre, village=row["village"], start_date=start, end_date=end
            )
            return Outcome.CREATED
        record = investigation_open(actor=actor, cadre=cadre, opened_on=start)
    outcome = Outcome.CREATED if row["record"] is None else Outcome.UPDATED
    if end is None or getattr(record, kind.end) is not None:
        return outcome if row["record"] is None else Outcome.UNCHANGED  # left open, or as it was
    if isinstance(record, Secondment):
        secondment_end(actor=actor, secondment=record, end_date=end)
    elif isinstance(record, VillageAssignment):
        village_assignment_end(actor=actor, assignment=record, end_date=end)
    else:
        investigation_close(
            actor=actor, investigation=record, closed_on=end, outcome=row["outcome"]
        )
    return outcome


@transaction.atomic
def assignments_import(
    *, actor: Any, file: IO[bytes], cadres: QuerySet[Cadre], units: QuerySet[Unit]
) -> ImportSummary:
    """Create secondments, village-team stints and investigations (no 记录编号) or end
    them (with one). Rows that end a record go first, so that a new secondment may start
    where the one the same file ends stops."""
    import_lock("orgs.assignments")
    sheet = workbooks.read_assignments(file, cadres=cadres, units=units)
    lines = sorted(sheet.lines, key=lambda line: line[1]["record"] is None)
    return write_rows(
        workbooks.ASSIGNMENTS,
        lines,
        lambda row: _record_write(actor=actor, row=row),
        columns=RECORD_COLUMNS,
    )
