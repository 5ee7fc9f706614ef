"""The office's writes on a democratic evaluation besides its status (one transaction and
one audit row each): the periodic close at the closing time, the targets and rater classes
edited before live voting, and the paper sheets (纸质票) keyed in.

- ``sessions_close_due`` closes every live session whose closing time has passed through
  ``session_set_status`` (the same shuffled move, under the same advisory lock); a session
  already closed is left alone, so the Celery beat task may run any number of times.
- A session's targets and rater classes may change while it is being prepared or tested,
  and while live until its first sheet; then they are fixed (a sheet's marks name them).
- A paper sheet is a sheet like any other: it consumes an unused code of its rater class
  (so turnout counts it and a code still gives exactly one sheet) and waits in the holding
  table until the close shuffles it out. The audit row says how many were entered, nothing
  of any one of them.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.ballots import evaluation_services as core
from kaohe.ballots.models import (
    Code,
    PendingSheet,
    RaterClass,
    Session,
    SessionStatus,
    SessionTarget,
)
from kaohe.core.audit import audit_record

logger = logging.getLogger(__name__)
SYSTEM_CLOSE = {"closed_by": "system", "reason": "到达结束时间，系统自动结束"}


# --- the periodic close ----------------------------------------------------------------


def sessions_close_due(*, now: dt.datetime | None = None) -> list[int]:
    """Close every live session past its closing time, each in its own transaction (the
    shuffled move of ``session_set_status``). Returns the ids closed by this run."""
    now = now or timezone.now()
    due = Session.objects.filter(status=SessionStatus.OPEN, closes_at__lte=now)
    closed = []
    for pk in list(due.values_list("pk", flat=True)):
        try:
            with transaction.atomic():
                # the exclusive lock first (votes under way end), then the status read
                # again: a run meanwhile, or the office's own close, leaves nothing to do
                core._lock_session(pk, exclusive=True)
                session = Session.objects.get(pk=pk)
                if session.status != SessionStatus.OPEN or session.closes_at > now:
                    continue
                core.session_set_status(
                    actor=None, session=session, status=SessionStatus.CLOSED, note=SYSTEM_CLOSE
                )
        except Exception:  # one session's failure must not keep the others open
            logger.exception("ballot session %s: the periodic close failed", pk)
            continue
        closed.append(pk)
    return closed


# --- targets and rater classes ----------------------------------------------------------


def _editable(session: Session) -> Session:
    """The session locked for a change of its targets or classes; refused once it has live
    sheets (or is closed). A change in test mode wipes the test sheets (their marks name
    the old targets). Returns the locked session; must run inside a transaction."""
    core._lock_session(session.pk, exclusive=True)
    locked = Session.objects.select_for_update(no_key=True).get(pk=session.pk)
    if locked.status == SessionStatus.CLOSED:
        raise ValidationError(_("测评已结束，不能再修改测评对象和测评人类别"), code="closed")
    if locked.status == SessionStatus.OPEN and PendingSheet.objects.filter(session=locked).exists():
        raise ValidationError(
            _("已有正式测评票，不能再修改测评对象和测评人类别（测评票上的评价对应现有名单）"),
            code="live_sheets",
        )
    return locked


def _wipe_test_sheets(session: Session) -> int:
    if session.status != SessionStatus.TESTING:
        return 0
    return core._clear_holding(session)


@transaction.atomic
def session_target_add(
    *, actor: Any, session: Session, team: Any = None, cadre: Any = None, note: str = ""
) -> SessionTarget:
    """Add a team or a cadre (with the post printed beside the name) to the sheets."""
    session = _editable(session)
    if (team is None) == (cadre is None):
        raise ValidationError(_("请选择一个班子或一名干部"), code="target")
    if team is not None and session.team_form_id is None:
        raise ValidationError(_("本次测评没有班子测评表，不能加入领导班子"), code="form")
    if cadre is not None and session.cadre_form_id is None:
        raise ValidationError(_("本次测评没有干部测评表，不能加入领导干部"), code="form")
    existing = session.targets.filter(team=team) if team else session.targets.filter(cadre=cadre)
    if existing.exists():
        raise ValidationError(
            _("「%(name)s」已在测评对象中") % {"name": (team or cadre).name}, code="duplicate"
        )
    last = session.targets.order_by("-order").values_list("order", flat=True).first()
    target = SessionTarget.objects.create(
        session=session, team=team, cadre=cadre, label=(team or cadre).name[:120],
        note=note.strip()[:120], order=(last or 0) + 1,
    )  # fmt: skip
    wiped = _wipe_test_sheets(session)
    audit_record(
        actor=actor, action="ballot_session.targets", obj=session,
        after={"added": target.label, "note": target.note, "test_sheets_wiped": wiped},
    )  # fmt: skip
    return target


@transaction.atomic
def session_target_remove(*, actor: Any, session: Session, target: SessionTarget) -> None:
    session = _editable(session)
    if target.session_id != session.pk:
        raise ValidationError(_("测评对象不属于本次测评"), code="target")
    if session.targets.count() <= 1:
        raise ValidationError(_("至少要保留一个测评对象"), code="last_target")
    label = target.label
    target.delete()
    wiped = _wipe_test_sheets(session)
    audit_record(
        actor=actor, action="ballot_session.targets", obj=session,
        after={"removed": label, "test_sheets_wiped": wiped},
    )  # fmt: skip


@transaction.atomic
def session_rater_classes_set(
    *, actor: Any, session: Session, rater_classes: Sequence[tuple[str, Decimal]]
) -> dict[str, list[str]]:
    """The session's rater classes as listed (name = weight, in order): a class kept by
    name keeps its codes; a class left out goes with its unused codes (refused while any of
    its codes has been used: its sheet names it)."""
    session = _editable(session)
    if not rater_classes:
        raise ValidationError({"rater_classes": _("至少需要一个测评人类别")}, code="classes")
    names = [n for n, _w in rater_classes]
    if len(set(names)) != len(names):
        raise ValidationError({"rater_classes": _("测评人类别不能重名")}, code="classes")
    current = {r.name: r for r in session.rater_classes.all()}
    dropped = [r for name, r in current.items() if name not in names]
    used = Counter(
        Code.objects.filter(rater_class__in=dropped, used=True, test=False).values_list(
            "rater_class__name", flat=True
        )
    )
    if used:
        raise ValidationError(
            {"rater_classes": _("「%(name)s」已有测评码使用过，不能删除")
             % {"name": "、".join(sorted(used))}},
            code="class_used",
        )  # fmt: skip
    changes: dict[str, list[str]] = {"added": [], "changed": [], "removed": []}
    for gone in dropped:
        gone.delete()  # its codes (unused, or test ones) go with it
        changes["removed"].append(gone.name)
    for order, (name, weight) in enumerate(rater_classes):
        rater = current.get(name)
        if rater is None:
            rater = RaterClass(session=session, name=name, weight=weight, order=order)
            rater.full_clean(exclude=["session"])
            rater.save()
            changes["added"].append(f"{name}={weight}")
        elif rater.weight != weight or rater.order != order:
            if rater.weight != weight:
                changes["changed"].append(f"{name}={weight}")
            rater.weight, rater.order = weight, order
            rater.full_clean(exclude=["session"])
            rater.save(update_fields=["weight", "order"])
    wiped = _wipe_test_sheets(session) if changes["removed"] else 0
    audit_record(
        actor=actor, action="ballot_session.rater_classes", obj=session,
        after={**changes, "test_sheets_wiped": wiped},
    )  # fmt: skip
    return changes


# --- paper sheets ---------------------------------------------------------------------


class PaperRefused(ValidationError):
    """Paper sheets refused as a whole: ``problems`` lists (sheet number, message)."""

    def __init__(self, problems: Sequence[tuple[int, str]]) -> None:
        self.problems = list(problems)
        super().__init__(
            [f"第 {n} 张：{m}" if n else m for n, m in self.problems], code="paper_refused"
        )


@transaction.atomic
def paper_sheets_enter(
    *, actor: Any, session: Session, sheets: Sequence[tuple[RaterClass, Mapping[str, Any]]]
) -> int:
    """Key in sheets collected on paper: each ``(rater class, marks)`` is checked as a
    phone's would be, consumes an unused code of its class and joins the holding table;
    all of them or none. Open sessions (live codes) and sessions in test mode (test codes)
    take them, whatever the time: the office keys them in after the meeting, before it
    closes the session."""
    if not sheets:
        raise PaperRefused([(0, _("没有要录入的纸质票"))])
    core._lock_session(session.pk, exclusive=False)
    status = Session.objects.values_list("status", flat=True).get(pk=session.pk)
    if status not in (SessionStatus.OPEN, SessionStatus.TESTING):
        raise PaperRefused([(0, _("只有正式测评中或测试中的测评可以录入纸质票"))])
    session.status = status
    test = status == SessionStatus.TESTING
    problems: list[tuple[int, str]] = []
    clean: list[tuple[RaterClass, dict[str, Any]]] = []
    for number, (rater, marks) in enumerate(sheets, start=1):
        if rater.session_id != session.pk:
            problems.append((number, _("测评人类别不属于本次测评")))
            continue
        try:
            clean.append((rater, core.check_marks(session, marks)))
        except core.BallotRefused:
            problems.append((number, _("每个测评对象（每一项）都要有一个有效的等次")))
    if problems:
        raise PaperRefused(problems)
    wanted = Counter(rater.pk for rater, _marks in clean)
    taken: list[int] = []
    for rater_pk, count in wanted.items():
        # unused codes of the class, in a random order (the database's), locked so that a
        # phone using one meanwhile waits; codes a phone holds locked are skipped
        free = list(
            Code.objects.filter(session=session, rater_class_id=rater_pk, used=False, test=test)
            .select_for_update(skip_locked=True)
            .order_by("?")
            .values_list("pk", flat=True)[:count]
        )
        if len(free) < count:
            name = next(r.name for r, _m in clean if r.pk == rater_pk)
            problems.append(
                (0, _("「%(name)s」只剩 %(free)s 个未使用的测评码，要录入 %(count)s 张纸质票："
                      "请先生成测评码") % {"name": name, "free": len(free), "count": count})
            )  # fmt: skip
        taken += free
    if problems:
        raise PaperRefused(problems)
    if Code.objects.filter(pk__in=taken, used=False).update(used=True) != len(taken):
        raise PaperRefused([(0, _("测评码刚被使用，请重新提交"))])
    PendingSheet.objects.bulk_create(
        PendingSheet(session_id=session.pk, rater_class_id=rater.pk, marks=marks)
        for rater, marks in clean
    )
    # how many, never which codes nor which sheets
    audit_record(
        actor=actor, action="ballot_paper.enter", obj=session,
        after={"paper_sheets": len(clean), "test": test},
    )  # fmt: skip
    return len(clean)
