"""Writes of the democratic evaluation (one transaction and one audit row each).

``ballot_submit`` is the rater's only write. In one transaction it marks the code used (a
conditional update: of two submissions of one code at the same moment, exactly one finds
it unused) and puts the sheet in the holding table; its audit row says that a code was
used, never which sheet it gave. ``session_set_status`` to closed moves the sheets from
the holding table into ``Sheet`` in a shuffled order with fresh keys (see the models).
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import random
import secrets
import uuid
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaohe.ballots.models import (
    BallotForm,
    Code,
    PendingSheet,
    RaterClass,
    Session,
    SessionStatus,
    SessionTarget,
    Sheet,
    Subject,
)
from kaohe.core.audit import audit_record, snapshot
from kaohe.core.workflow import Workflow

SESSION_TRANSITIONS = {
    (SessionStatus.DRAFT, SessionStatus.TESTING): gettext_lazy("开始测试"),
    (SessionStatus.TESTING, SessionStatus.DRAFT): gettext_lazy("清除测试数据"),
    (SessionStatus.DRAFT, SessionStatus.OPEN): gettext_lazy("开始正式测评"),
    (SessionStatus.TESTING, SessionStatus.OPEN): gettext_lazy("清除测试数据并开始正式测评"),
    (SessionStatus.OPEN, SessionStatus.CLOSED): gettext_lazy("结束测评"),
}
SESSION_WORKFLOW = Workflow(
    SESSION_TRANSITIONS,
    states=SessionStatus,
    action="ballot_session.status",
    code="ballot_session_transition",
)

# Codes: no 0/O, 1/I/L, so that a typed code is read right; 8 characters of 31: ~8.5e11.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8
MAX_CODES = 5000  # per request
_random = random.SystemRandom()
# PostgreSQL advisory lock class of a session: votes share it, closing takes it alone.
_LOCK_CLASS = 0x6B68  # "kh"


class Refusal(enum.StrEnum):
    UNKNOWN = "unknown"
    USED = "used"
    NOT_OPEN = "not_open"
    CLOSED = "closed"
    BAD_SHEET = "bad_sheet"


REFUSAL_MESSAGES = {
    Refusal.UNKNOWN: gettext_lazy("测评码无效，请核对后重新输入。"),
    Refusal.USED: gettext_lazy("此测评码已经使用过，每个测评码只能提交一次。"),
    Refusal.NOT_OPEN: gettext_lazy("本次测评尚未开始，请在开始时间后再试。"),
    Refusal.CLOSED: gettext_lazy("本次测评已经结束，不再接受测评。"),
    Refusal.BAD_SHEET: gettext_lazy("测评表填写不完整或不符合要求，请返回修改。"),
}


class BallotRefused(ValidationError):
    def __init__(self, refusal: Refusal) -> None:
        super().__init__(str(REFUSAL_MESSAGES[refusal]), code=refusal.value)
        self.refusal = refusal


def normalize_code(raw: str) -> str:
    """What a person typed or a QR gave: spaces, dashes and case do not matter."""
    return "".join(ch for ch in raw.upper() if ch.isalnum())[: CODE_LENGTH * 2]


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def format_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}" if len(code) == CODE_LENGTH else code


# --- forms and sessions ---------------------------------------------------------------


@transaction.atomic
def ballot_form_create(
    *,
    actor: Any,
    name: str,
    subject: str,
    choices: Sequence[tuple[str, Decimal]],
    areas: Sequence[str] = (),
    max_share_choice: str = "",
    max_share: Decimal | None = None,
) -> BallotForm:
    form = BallotForm(
        name=name, subject=subject,
        choices=[{"name": n, "points": str(p)} for n, p in choices],
        areas=list(areas), max_share_choice=max_share_choice, max_share=max_share,
    )  # fmt: skip
    if max_share_choice and max_share_choice not in form.choice_names():
        raise ValidationError(
            {"max_share_choice": _("限制比例的选项必须是测评表的选项之一")}, code="choice"
        )
    form.full_clean()
    form.save()
    audit_record(
        actor=actor, action="ballot_form.create", obj=form,
        after=snapshot(form, ("name", "subject", "choices", "areas", "max_share_choice",
                              "max_share")),
    )  # fmt: skip
    return form


@transaction.atomic
def session_create(
    *,
    actor: Any,
    name: str,
    year: Any,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    rater_classes: Sequence[tuple[str, Decimal]],
    teams: Iterable[Any] = (),
    cadres: Iterable[tuple[Any, str]] = (),
    unit: Any = None,
    team_form: BallotForm | None = None,
    cadre_form: BallotForm | None = None,
) -> Session:
    """A session with its rater classes and targets (teams; cadres with their post)."""
    session = Session(
        name=name, year=year, unit=unit, team_form=team_form, cadre_form=cadre_form,
        opens_at=opens_at, closes_at=closes_at, created_by=actor if actor else None,
    )  # fmt: skip
    if closes_at <= opens_at:
        raise ValidationError({"closes_at": _("结束时间必须晚于开始时间")}, code="closes_at")
    if not rater_classes:
        raise ValidationError({"rater_classes": _("至少需要一个测评人类别")}, code="classes")
    names = [n for n, _w in rater_classes]
    if len(set(names)) != len(names):
        raise ValidationError({"rater_classes": _("测评人类别不能重名")}, code="classes")
    session.full_clean()
    session.save()
    for order, (class_name, weight) in enumerate(rater_classes):
        rater = RaterClass(session=session, name=class_name, weight=weight, order=order)
        rater.full_clean(exclude=["session"])
        rater.save()
    rows = [
        SessionTarget(session=session, team=team, label=team.name, order=i)
        for i, team in enumerate(teams)
    ]
    if rows and team_form is None:
        raise ValidationError({"team_form": _("测评领导班子需要选择班子测评表")}, code="form")
    start = len(rows)
    cadre_rows = [
        SessionTarget(session=session, cadre=cadre, label=cadre.name, note=post[:120],
                      order=start + i)
        for i, (cadre, post) in enumerate(cadres)
    ]  # fmt: skip
    if cadre_rows and cadre_form is None:
        raise ValidationError({"cadre_form": _("测评领导干部需要选择干部测评表")}, code="form")
    if not rows and not cadre_rows:
        raise ValidationError(_("没有测评对象：请选择单位或类别"), code="targets")
    SessionTarget.objects.bulk_create(rows + cadre_rows)
    audit_record(
        actor=actor, action="ballot_session.create", obj=session,
        after={**snapshot(session, ("name", "year", "unit", "team_form", "cadre_form",
                                     "opens_at", "closes_at")),
               "rater_classes": [[n, str(w)] for n, w in rater_classes],
               "targets": len(rows) + len(cadre_rows)},
    )  # fmt: skip
    return session


@transaction.atomic
def codes_create(*, actor: Any, session: Session, rater_class: RaterClass, count: int) -> int:
    """``count`` new one-time codes for a rater class (test codes while testing)."""
    status = Session.objects.values_list("status", flat=True).get(pk=session.pk)
    if status == SessionStatus.CLOSED:
        raise ValidationError(_("测评已结束，不能再生成测评码"), code="closed")
    if rater_class.session_id != session.pk:
        raise ValidationError({"rater_class": _("测评人类别不属于本次测评")}, code="class")
    if not 1 <= count <= MAX_CODES:
        raise ValidationError(
            {"count": _("数量应在 1 到 %(max)s 之间") % {"max": MAX_CODES}}, code="count"
        )
    test = status == SessionStatus.TESTING
    made = 0
    while made < count:
        wanted = {_new_code() for _ in range(count - made)}
        taken = set(Code.objects.filter(code__in=wanted).values_list("code", flat=True))
        fresh = [
            Code(session=session, rater_class=rater_class, code=c, test=test)
            for c in wanted - taken
        ]
        try:
            with transaction.atomic():
                Code.objects.bulk_create(fresh)
        except IntegrityError:  # made meanwhile by another request: draw again
            continue
        made += len(fresh)
    audit_record(
        actor=actor, action="ballot_code.create", obj=session,
        after={"rater_class": rater_class.name, "count": count, "test": test},
    )  # fmt: skip
    return made


def codes_for_printing(session: Session) -> list[Code]:
    """The session's unused codes (of the current mode) in a shuffled order."""
    codes = list(
        Code.objects.filter(
            session=session, used=False, test=session.status == SessionStatus.TESTING
        ).select_related("rater_class")
    )
    _random.shuffle(codes)
    return codes


def _wipe_test_data(session: Session) -> dict[str, int]:
    sheets = _clear_holding(session)
    codes, _ = Code.objects.filter(session=session, test=True).delete()
    return {"test_sheets": sheets, "test_codes": codes}


def _clear_holding(session: Session) -> int:
    """Remove the session's rows from the holding table so that no trace stays in its file.

    PostgreSQL keeps a deleted row (with the ``xmin`` of the vote that wrote it) until a
    vacuum may remove it, which a long transaction anywhere can put off. So when no other
    session holds sheets, the table is truncated in this transaction: its file is replaced
    at commit, whatever runs meanwhile. Otherwise the rows are deleted and the table is
    rewritten after the commit (``VACUUM FULL``); any row a running transaction still kept
    goes at the latest with the truncation when the last open session closes. SQLite
    overwrites deleted rows (``secure_delete``)."""
    rows = PendingSheet.objects.filter(session=session)
    count = rows.count()
    table = PendingSheet._meta.db_table
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
            if not PendingSheet.objects.exclude(session=session).exists():
                # the foreign keys' deferred checks of rows written in this transaction
                # (a test's) are run first: TRUNCATE refuses a table with pending ones
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute(f"TRUNCATE {table}")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
                return count
        rows.delete()
        transaction.on_commit(_rewrite_holding_table)
        return count
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:  # overwrite the deleted rows' bytes
            cursor.execute("PRAGMA secure_delete = ON")
    rows.delete()
    return count


@transaction.atomic
def session_set_status(
    *, actor: Any, session: Session, status: str, note: Mapping[str, Any] | None = None
) -> Session:
    """Test, wipe the test data, open, close. Closing moves the sheets out of the holding
    table in a shuffled order (see ``_archive_sheets``). ``note``: added to the audit row
    (the periodic close says it was the system's)."""
    # first wait for the votes under way to end (and hold off new ones), then lock the row
    # without blocking the key-share locks of their foreign keys
    _lock_session(session.pk, exclusive=True)
    session = Session.objects.select_for_update(no_key=True).get(pk=session.pk)
    SESSION_WORKFLOW.check(session.status, status)
    after: dict[str, Any] = dict(note or {})
    if session.status == SessionStatus.TESTING:
        after |= _wipe_test_data(session)
    if status == SessionStatus.CLOSED:
        after["sheets"] = _archive_sheets(session)
    SESSION_WORKFLOW.move(session, status, actor=actor, after=after)
    return session


def _archive_sheets(session: Session) -> int:
    """Copy the session's held sheets into ``Sheet`` in a random order, each with a new
    random key, then delete them from the holding table, all in the caller's transaction:
    every archived row carries this transaction's id and sits where the shuffle put it."""
    held = list(PendingSheet.objects.filter(session=session).values_list("rater_class_id", "marks"))
    _random.shuffle(held)
    Sheet.objects.bulk_create(
        (Sheet(session_id=session.pk, rater_class_id=rater, marks=marks) for rater, marks in held),
        batch_size=500,
    )
    _clear_holding(session)
    return len(held)


def _rewrite_holding_table() -> None:
    """After the commit, outside any transaction: write the holding table anew
    (``VACUUM FULL``; it is small: only the sheets of sessions still open)."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM FULL {PendingSheet._meta.db_table}")


def _lock_session(session_id: int, *, exclusive: bool) -> None:
    """PostgreSQL: votes hold the session's advisory lock shared, closing and wiping hold it
    alone, so no vote can land in the holding table after its session's sheets moved.
    (SQLite runs one writing transaction at a time.)"""
    if connection.vendor != "postgresql":
        return
    function = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s, %s)", [_LOCK_CLASS, session_id])


# --- the rater's side ------------------------------------------------------------------


Parts = list[tuple[BallotForm, list[SessionTarget]]]
# (session, its forms' rows, its targets' rows) -> its parts, and what the views keep for
# them (the rendered ballot)
_PARTS_CACHE: dict[tuple[Any, ...], tuple[Parts, dict[Any, Any]]] = {}
_PARTS_CACHE_SIZE = 256
_FORM_COLUMNS = ("id", "name", "choices", "areas", "max_share_choice", "max_share")


def _lookup_sql() -> str:
    """The rater's one read, in plain SQL (the ORM's compilation cost more than the query):
    the code with its rater class, its session, the session's forms and, as one JSON array,
    its targets in order."""
    code, session, rater = Code._meta.db_table, Session._meta.db_table, RaterClass._meta.db_table
    form, target = BallotForm._meta.db_table, SessionTarget._meta.db_table
    forms = ", ".join(f"{alias}.{c}" for alias in ("tf", "cf") for c in _FORM_COLUMNS)
    if connection.vendor == "postgresql":
        targets = (
            "(SELECT json_agg(json_build_array(t.id, t.team_id, t.cadre_id, t.label, t.note)"
            f' ORDER BY t."order", t.id)::text FROM {target} t WHERE t.session_id = s.id)'
        )
    else:
        targets = (
            "(SELECT json_group_array(json_array(id, team_id, cadre_id, label, note)) FROM"
            f' (SELECT * FROM {target} t WHERE t.session_id = s.id ORDER BY t."order", t.id))'
        )
    return (
        f"SELECT c.id, c.code, c.used, c.test, c.rater_class_id, r.name, s.id, s.name,"
        f" s.status, s.opens_at, s.closes_at, {targets}, {forms}"
        f" FROM {code} c JOIN {session} s ON s.id = c.session_id"
        f" JOIN {rater} r ON r.id = c.rater_class_id"
        f" LEFT JOIN {form} tf ON tf.id = s.team_form_id"
        f" LEFT JOIN {form} cf ON cf.id = s.cadre_form_id WHERE c.code = %s"
    )


_LOOKUP_SQL: dict[str, str] = {}


def _aware(value: Any) -> dt.datetime:
    if isinstance(value, str):  # pragma: no cover  (a driver without converters)
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def _form(row: Sequence[Any]) -> BallotForm | None:
    if row[0] is None:
        return None
    pk, name, choices, areas, limited, share = row
    return BallotForm(
        pk=pk, name=name,
        choices=json.loads(choices) if isinstance(choices, str) else choices,
        areas=json.loads(areas) if isinstance(areas, str) else areas,
        max_share_choice=limited,
        max_share=None if share is None else Decimal(str(share)),
    )  # fmt: skip


def _cached_parts(
    session_id: int, forms: tuple[Any, ...], targets: tuple[Any, ...]
) -> tuple[Parts, dict[Any, Any]]:
    """The session's parts (see ``evaluation_tally.parts``) for exactly these rows: kept in
    this process under the rows themselves, so any change of a form or a target (an edit
    in test mode, another form) gives another key and is read afresh. With them, a dict
    for what the views derive from them (dropped with them)."""
    key = (session_id, forms, targets)
    cached = _PARTS_CACHE.get(key)
    if cached is not None:
        return cached
    rows = [
        SessionTarget(pk=pk, session_id=session_id, team_id=team, cadre_id=cadre, label=label,
                      note=note)
        for pk, team, cadre, label, note in targets
    ]  # fmt: skip
    found: Parts = []
    for form_row, subject in ((forms[:6], Subject.TEAM), (forms[6:], Subject.CADRE)):
        form = _form(form_row)
        mine = [t for t in rows if t.subject == subject]
        if form is not None and mine:
            found.append((form, mine))
    if len(_PARTS_CACHE) >= _PARTS_CACHE_SIZE:
        _PARTS_CACHE.clear()
    cached = _PARTS_CACHE[key] = (found, {})
    return cached


def _code_lookup(raw: str) -> Code:
    """The code with its rater class and session (forms and targets in ``_ballot_parts``),
    as unsaved model objects built from one plain query."""
    sql = _LOOKUP_SQL.get(connection.vendor) or _LOOKUP_SQL.setdefault(
        connection.vendor, _lookup_sql()
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [normalize_code(raw)])
        row = cursor.fetchone()
    if row is None:
        raise BallotRefused(Refusal.UNKNOWN)
    pk, text, used, test, rater_id, rater_name, session_id, name, status, opens, closes = row[:11]
    targets = tuple(tuple(t) for t in json.loads(row[11] or "[]"))
    session = Session(
        pk=session_id, name=name, status=status, opens_at=_aware(opens), closes_at=_aware(closes)
    )
    parts, memo = _cached_parts(session_id, tuple(row[12:]), targets)
    session._ballot_parts = parts  # type: ignore[attr-defined]
    session._ballot_memo = memo  # type: ignore[attr-defined]
    code = Code(
        pk=pk, code=text, used=bool(used), test=bool(test), session=session,
        rater_class=RaterClass(pk=rater_id, session_id=session_id, name=rater_name),
    )  # fmt: skip
    return code


def code_check(raw: str, *, now: dt.datetime | None = None) -> Code:
    """The code a rater typed or scanned, if it may still vote; else ``BallotRefused``.
    One query; the session's forms and targets come with it (``evaluation_tally.parts``
    reads them from the session object)."""
    code = _code_lookup(raw)
    _check_session(code, code.session, now=now)
    if code.used:
        raise BallotRefused(Refusal.USED)
    return code


def _check_session(code: Code, session: Session, *, now: dt.datetime | None) -> None:
    now = now or timezone.now()
    if session.status == SessionStatus.CLOSED:
        raise BallotRefused(Refusal.CLOSED)
    if not session.accepts_codes or code.test != (session.status == SessionStatus.TESTING):
        # a test code once the session is live (wiped anyway), or a live code while testing
        raise BallotRefused(Refusal.UNKNOWN if code.test else Refusal.NOT_OPEN)
    if session.status == SessionStatus.OPEN:
        if now < session.opens_at:
            raise BallotRefused(Refusal.NOT_OPEN)
        if now >= session.closes_at:
            raise BallotRefused(Refusal.CLOSED)


def check_marks(session: Session, marks: Mapping[str, Any]) -> dict[str, Any]:
    """The marks' shape: every target of the session, each a choice of its form (per area on
    a form with areas). Whether the sheet keeps the max share is the engine's to say."""
    from kaohe.ballots.evaluation_tally import parts

    if not isinstance(marks, Mapping):
        raise BallotRefused(Refusal.BAD_SHEET)
    clean: dict[str, Any] = {}
    expected = 0
    for form, targets in parts(session):
        names = set(form.choice_names())
        for target in targets:
            expected += 1
            mark = marks.get(str(target.pk))
            if form.areas:
                if not isinstance(mark, Mapping) or set(mark) != set(form.areas):
                    raise BallotRefused(Refusal.BAD_SHEET)
                if not all(isinstance(v, str) and v in names for v in mark.values()):
                    raise BallotRefused(Refusal.BAD_SHEET)
                clean[str(target.pk)] = {a: mark[a] for a in form.areas}
            else:
                if not isinstance(mark, str) or mark not in names:
                    raise BallotRefused(Refusal.BAD_SHEET)
                clean[str(target.pk)] = mark
    if len(marks) != expected:
        raise BallotRefused(Refusal.BAD_SHEET)
    return clean


@transaction.atomic
def ballot_submit(
    *, code: str | Code, marks: Mapping[str, Any], now: dt.datetime | None = None
) -> None:
    """Use ``code`` once and keep its sheet. Returns nothing: not even the caller learns
    the sheet's key. Refused with ``BallotRefused`` (unknown, used, closed, bad sheet).

    ``code``: as typed, or what ``code_check`` gave in this request (not looked up again).
    Inside the session's shared lock: one conditional ``UPDATE`` of the code (unused, and
    its session still taking votes: a close that committed meanwhile is seen), one
    ``INSERT`` into the holding table, the audit row."""
    found = code if isinstance(code, Code) else _code_lookup(code)
    session = found.session
    now = now or timezone.now()
    _check_session(found, session, now=now)
    clean = check_marks(session, marks)
    _lock_session(session.pk, exclusive=False)
    status = SessionStatus.TESTING if found.test else SessionStatus.OPEN
    code_table, session_table = Code._meta.db_table, Session._meta.db_table
    sheet_id = PendingSheet._meta.pk.get_db_prep_save(uuid.uuid4(), connection)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {code_table} SET used = %s WHERE id = %s AND used = %s AND EXISTS ("
            f"SELECT 1 FROM {session_table} s WHERE s.id = %s AND s.status = %s"
            " AND (s.status <> %s OR (s.opens_at <= %s AND s.closes_at > %s)))",
            [True, found.pk, False, session.pk, status, SessionStatus.OPEN,
             connection.ops.adapt_datetimefield_value(now),
             connection.ops.adapt_datetimefield_value(now)],
        )  # fmt: skip
        if cursor.rowcount != 1:
            _refuse_after_race(found, now)
        cursor.execute(
            f"INSERT INTO {PendingSheet._meta.db_table} (id, session_id, rater_class_id, marks)"
            " VALUES (%s, %s, %s, %s)",
            [sheet_id, session.pk, found.rater_class_id,
             _MARKS_FIELD.get_db_prep_save(clean, connection)],
        )  # fmt: skip
    # that a code was used; never which sheet it gave
    audit_record(
        actor=None, action="ballot_code.use", object_type="ballots.code",
        object_id=str(found.pk), object_repr=format_code(found.code),
        after={"used": True},
    )  # fmt: skip


_MARKS_FIELD = PendingSheet._meta.get_field("marks")


def _refuse_after_race(found: Code, now: dt.datetime) -> None:
    """The conditional update found nothing: the code was used meanwhile, or the session
    stopped taking votes. Say which."""
    session = Session.objects.only("status", "opens_at", "closes_at").get(pk=found.session.pk)
    _check_session(found, session, now=now)
    raise BallotRefused(Refusal.USED)
