"""Writes of the leader ratings (one transaction and one audit row each).

A round names its leaders (raters) and its targets (units, or cadres); a leader saves the
whole sheet at once (``ratings_save``) and may change it until the round closes. The office
reminds a leader who has not finished: there is no in-app notice model yet, so a reminder is
recorded in the audit log (``rating.remind``) and shown on the round's page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kaohe.ballots.models import Rating, RatingGrade, RatingRound, RatingStatus, RatingSubject
from kaohe.core.audit import audit_record, snapshot
from kaohe.core.errors import field_error
from kaohe.core.roles import Role
from kaohe.core.workflow import Workflow

ROUND_TRANSITIONS = {
    (RatingStatus.OPEN, RatingStatus.CLOSED): _("结束评价"),
    (RatingStatus.CLOSED, RatingStatus.OPEN): _("重新开放"),
}
ROUND_WORKFLOW = Workflow(
    set(ROUND_TRANSITIONS),
    states=RatingStatus,
    action="rating_round.status",
    code="rating_transition",
    reason_required={(RatingStatus.CLOSED, RatingStatus.OPEN)},
)
SCORE = re.compile(r"\d{1,3}(\.\d{1,2})?")  # plain digits: no sign, exponent, NaN
ROUND_FIELDS = ("year", "name", "subject", "period", "trimmed", "due_on")


@transaction.atomic
def rating_round_create(
    *,
    actor: Any,
    year: Any,
    name: str,
    subject: str,
    period: str = "Y",
    trimmed: bool = False,
    due_on: Any = None,
    raters: Iterable[Any],
    units: Iterable[Any] = (),
    cadres: Iterable[Any] = (),
) -> RatingRound:
    raters, units, cadres = list(raters), list(units), list(cadres)
    if not raters:
        raise field_error("raters", _("请选择评价的领导"), "no_raters")
    if any(getattr(r, "role", "") != Role.LEADER for r in raters):
        raise field_error("raters", _("评价人应为县领导账号"), "not_leader")
    targets = units if subject == RatingSubject.UNIT else cadres
    if not targets:
        field = "units" if subject == RatingSubject.UNIT else "cadres"
        raise field_error(field, _("请选择评价对象"), "no_targets")
    round_ = RatingRound(year=year, name=name, subject=subject, period=period.strip().upper(),
                         trimmed=trimmed, due_on=due_on)  # fmt: skip
    round_.full_clean()
    round_.save()
    round_.raters.set(raters)
    if subject == RatingSubject.UNIT:
        round_.units.set(units)
    else:
        round_.cadres.set(cadres)
    audit_record(
        actor=actor,
        action="rating_round.create",
        obj=round_,
        after={**snapshot(round_, ROUND_FIELDS), "raters": [r.pk for r in raters],
               "targets": [t.pk for t in targets]},
    )  # fmt: skip
    return round_


def _clean_value(round_: RatingRound, raw: Any) -> Decimal | str | None:
    """A unit's score 0–100 (two places at most) or a cadre's grade; None for empty."""
    if raw is None or str(raw).strip() == "":
        return None
    if round_.subject == RatingSubject.CADRE:
        if str(raw) not in RatingGrade.values:
            raise ValueError
        return str(raw)
    text = str(raw).strip()
    if not SCORE.fullmatch(text):
        raise ValueError
    value = Decimal(text)
    if not 0 <= value <= 100:
        raise ValueError
    return value


@transaction.atomic
def ratings_save(*, actor: Any, round: RatingRound, values: Mapping[int, Any]) -> dict[str, int]:
    """Save a leader's whole sheet: {target id: score or grade, or empty to clear}. All or
    nothing; refused once the round is closed or for a target not in the round."""
    round_ = RatingRound.objects.select_for_update().get(pk=round.pk)
    if round_.status != RatingStatus.OPEN:
        raise ValidationError(_("本轮评价已结束，不能再修改"), code="round_closed")
    if not round_.raters.filter(pk=actor.pk).exists():
        raise ValidationError(_("您不是本轮评价的评价人"), code="not_rater")
    is_unit = round_.subject == RatingSubject.UNIT
    allowed = set((round_.units if is_unit else round_.cadres).values_list("pk", flat=True))
    errors: dict[str, list[str]] = {}
    cleaned: dict[int, Decimal | str | None] = {}
    for target, raw in values.items():
        if target not in allowed:
            raise ValidationError(_("评价对象不在本轮评价中"), code="unknown_target")
        try:
            cleaned[target] = _clean_value(round_, raw)
        except (ValueError, InvalidOperation):
            message = _("请选择等次") if not is_unit else _("应为 0–100 之间的数，最多两位小数")
            errors.setdefault(f"t{target}", []).append(message)
    if errors:
        raise ValidationError(errors)
    key = "unit_id" if is_unit else "cadre_id"
    mine = {getattr(r, key): r for r in Rating.objects.filter(round=round_, rater=actor)}
    created = updated = cleared = 0
    for target, value in cleaned.items():
        rating = mine.get(target)
        if value is None:
            if rating is not None:
                rating.delete()
                cleared += 1
            continue
        field = "score" if is_unit else "grade"
        if rating is None:
            Rating.objects.create(round=round_, rater=actor, **{key: target, field: value})
            created += 1
        elif getattr(rating, field) != value:
            setattr(rating, field, value)
            rating.save(update_fields=[field, "updated_at"])
            updated += 1
    counts = {"created": created, "updated": updated, "cleared": cleared}
    audit_record(
        actor=actor, action="rating.save", obj=round_,
        after={**counts, "values": {str(k): v for k, v in cleaned.items()}},
    )  # fmt: skip
    return counts


@transaction.atomic
def rating_remind(*, actor: Any, round: RatingRound, rater: Any) -> None:
    """Remind a leader who has not finished the round (recorded in the audit log)."""
    if round.status != RatingStatus.OPEN:
        raise ValidationError(_("本轮评价已结束"), code="round_closed")
    if not round.raters.filter(pk=rater.pk).exists():
        raise ValidationError(_("该领导不是本轮评价的评价人"), code="not_rater")
    audit_record(
        actor=actor, action="rating.remind", obj=round,
        after={"rater": rater.pk, "rater_name": str(rater)},
    )  # fmt: skip


@transaction.atomic
def rating_round_set_status(
    *, actor: Any, round: RatingRound, status: str, reason: str = ""
) -> RatingRound:
    round_ = RatingRound.objects.select_for_update().get(pk=round.pk)
    ROUND_WORKFLOW.move(round_, status, actor=actor, reason=reason)
    return round_


def _round_open_for_change(round: RatingRound) -> RatingRound:
    round_ = RatingRound.objects.select_for_update().get(pk=round.pk)
    if round_.status != RatingStatus.OPEN:
        raise ValidationError(_("本轮评价已结束，不能修改评价对象"), code="round_closed")
    return round_


@transaction.atomic
def rating_round_targets_add(
    *, actor: Any, round: RatingRound, units: Iterable[Any] = (), cadres: Iterable[Any] = ()
) -> int:
    """Add units (a unit round) or cadres (a cadre round) — one, a whole unit's or a whole
    category's at once; those already in the round are left as they are. Returns how many
    were added."""
    round_ = _round_open_for_change(round)
    is_unit = round_.subject == RatingSubject.UNIT
    wanted = list(units if is_unit else cadres)
    if list(cadres) if is_unit else list(units):
        raise ValidationError(
            _("本轮评价对象为单位") if is_unit else _("本轮评价对象为干部"), code="subject"
        )
    relation = round_.units if is_unit else round_.cadres
    have = set(relation.values_list("pk", flat=True))
    new = [t for t in dict.fromkeys(wanted) if t.pk not in have]
    if new:
        relation.add(*new)
        audit_record(
            actor=actor, action="rating_round.targets", obj=round_,
            after={"added": [t.pk for t in new], "names": [str(t) for t in new[:50]]},
        )  # fmt: skip
    return len(new)


@transaction.atomic
def rating_round_target_remove(*, actor: Any, round: RatingRound, target: Any) -> None:
    """Take a unit or a cadre out of the round; refused once a leader has rated it."""
    round_ = _round_open_for_change(round)
    is_unit = round_.subject == RatingSubject.UNIT
    relation = round_.units if is_unit else round_.cadres
    if not relation.filter(pk=target.pk).exists():
        raise ValidationError(_("评价对象不在本轮评价中"), code="unknown_target")
    rated = Rating.objects.filter(round=round_, **{"unit" if is_unit else "cadre": target}).count()
    if rated:
        raise ValidationError(
            _("已有 %(n)s 位领导评价了「%(name)s」，不能移除") % {"n": rated, "name": target},
            code="rated",
        )
    if relation.count() <= 1:
        raise ValidationError(_("至少要保留一个评价对象"), code="last_target")
    relation.remove(target)
    audit_record(
        actor=actor, action="rating_round.targets", obj=round_,
        after={"removed": target.pk, "name": str(target)},
    )  # fmt: skip
