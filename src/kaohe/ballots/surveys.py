"""Writes of the public surveys (one transaction and one audit row each).

Anonymity: ``survey_answer_submit`` marks the code used and writes the answer to the holding
table in one transaction; its audit row names the code, never the answer. Closing the
survey (``survey_set_status``) moves the holding rows to ``SurveyAnswer`` in shuffled order
with new random keys, and on PostgreSQL vacuums the holding table once committed, so no
dead row keeps the order or the transaction ids of the answering.
"""

from __future__ import annotations

import logging
import random
import secrets
import uuid
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.ballots.models import (
    AnswerChannel,
    Survey,
    SurveyAnswer,
    SurveyAnswerHolding,
    SurveyArea,
    SurveyCode,
    SurveyIndex,
    SurveyQuestion,
    SurveyStatus,
)
from kaohe.core.audit import audit_record, snapshot
from kaohe.core.errors import field_error
from kaohe.core.workflow import Workflow

log = logging.getLogger(__name__)

SURVEY_TRANSITIONS = {
    (SurveyStatus.DRAFT, SurveyStatus.OPEN): _("开始调查"),
    (SurveyStatus.OPEN, SurveyStatus.CLOSED): _("结束调查"),
}
SURVEY_WORKFLOW = Workflow(
    set(SURVEY_TRANSITIONS), states=SurveyStatus, action="survey.status", code="survey_transition"
)
SURVEY_FIELDS = (
    "year", "name", "kind", "intro", "index_weights", "max_points", "point_bands", "min_answers",
)  # fmt: skip

# Codes people type from a slip: no 0/O, 1/I/L.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8
MAX_CODES_AT_ONCE = 5000

# The options offered when a question is written without its own (seed 002's 优差评).
DEFAULT_CHOICES: dict[str, list[list[Any]]] = {
    SurveyIndex.SATISFACTION: [["满意", 100], ["比较满意", 80], ["基本满意", 60], ["不满意", 0],
                               ["不了解", None]],
    SurveyIndex.HAPPINESS: [["幸福", 100], ["比较幸福", 80], ["一般", 60], ["不幸福", 0],
                            ["说不清", None]],
    SurveyIndex.SECURITY: [["安全", 100], ["比较安全", 80], ["基本安全", 60], ["不安全", 0],
                           ["说不清", None]],
}  # fmt: skip


class AnswerRefused(ValidationError):
    """A code that cannot answer: ``code`` is one of unknown, used, not_open, closed."""


# ---- checks --------------------------------------------------------------------------


def check_index_weights(weights: Mapping[str, Any]) -> dict[str, str]:
    """The index weights as exact decimals that add up to 1 (a ``ValidationError`` else)."""
    known = set(SurveyIndex.values)
    found: dict[str, str] = {}
    total = Decimal(0)
    for key, value in weights.items():
        if key not in known:
            raise field_error("index_weights", _("没有指数“%(key)s”") % {"key": key}, "index")
        try:
            weight = Decimal(str(value))
        except ArithmeticError:
            raise field_error("index_weights", _("权重应为数字"), "weight") from None
        if not weight.is_finite() or weight < 0:
            raise field_error("index_weights", _("权重应为不小于 0 的数字"), "weight")
        found[key] = str(weight)
        total += weight
    if total != 1:
        raise field_error(
            "index_weights", _("各指数权重合计应为 1，实际为 %(total)s") % {"total": total},
            "weights_sum",
        )  # fmt: skip
    return found


def check_point_bands(bands: Sequence[Any], max_points: Decimal) -> list[list[str]]:
    """Bands as [[minimum index, points], ...], minimums strictly falling, points 0..max."""
    found: list[list[str]] = []
    last: Decimal | None = None
    for band in bands:
        try:
            low, points = (Decimal(str(v)) for v in band)
        except (TypeError, ValueError, ArithmeticError):
            raise field_error("point_bands", _("每档应写成“最低指数=得分”"), "band") from None
        if not (0 <= low <= 100) or not (0 <= points <= max_points):
            raise field_error(
                "point_bands", _("指数应在 0–100 之间，得分在 0 到满分之间"), "band_range"
            )
        if last is not None and low >= last:
            raise field_error("point_bands", _("各档的最低指数应从高到低排列"), "band_order")
        last = low
        found.append([str(low), str(points)])
    return found


def check_choices(choices: Sequence[Any]) -> list[list[Any]]:
    """Options as [[label, points or None], ...]: 2 to 10, distinct labels, points 0..100."""
    found: list[list[Any]] = []
    labels: set[str] = set()
    for item in choices:
        label, points = item
        label = str(label).strip()
        if not label or len(label) > 20 or label in labels:
            raise field_error("choices", _("选项名称不能为空、重复或超过 20 个字"), "choice")
        labels.add(label)
        if points is not None:
            points = Decimal(str(points))
            if not (0 <= points <= 100):
                raise field_error("choices", _("选项分值应在 0–100 之间"), "choice_points")
            points = int(points) if points == points.to_integral_value() else str(points)
        found.append([label, points])
    if not 2 <= len(found) <= 10:
        raise field_error("choices", _("每题应有 2–10 个选项"), "choice_count")
    if all(points is None for _label, points in found):
        raise field_error("choices", _("至少一个选项要有分值"), "choice_points")
    return found


def _editable(survey: Survey) -> None:
    if survey.status != SurveyStatus.DRAFT:
        raise ValidationError(_("调查已开始，题目和权重不能再修改"), code="survey_started")


# ---- the questionnaire -----------------------------------------------------------------


@transaction.atomic
def survey_create(
    *,
    actor: Any,
    year: Any,
    name: str,
    kind: str,
    intro: str = "",
    index_weights: Mapping[str, Any] | None = None,
    max_points: Decimal = Decimal("100"),
    point_bands: Sequence[Any] = (),
    min_answers: int = 5,
) -> Survey:
    survey = Survey(year=year, name=name, kind=kind, intro=intro, max_points=max_points,
                    min_answers=min_answers)  # fmt: skip
    if index_weights is not None:
        survey.index_weights = check_index_weights(index_weights)
    survey.point_bands = check_point_bands(point_bands, Decimal(max_points))
    survey.full_clean()
    survey.save()
    audit_record(
        actor=actor, action="survey.create", obj=survey, after=snapshot(survey, SURVEY_FIELDS)
    )
    return survey


@transaction.atomic
def survey_question_add(
    *,
    actor: Any,
    survey: Survey,
    text: str,
    index: str,
    weight: Decimal = Decimal(1),
    choices: Sequence[Any] | None = None,
) -> SurveyQuestion:
    _editable(survey)
    last = survey.questions.order_by("-order").values_list("order", flat=True).first()
    question = SurveyQuestion(
        survey=survey, order=(last or 0) + 1, text=text, index=index, weight=weight,
        choices=check_choices(choices if choices else DEFAULT_CHOICES.get(index, [])),
    )  # fmt: skip
    question.full_clean()
    question.save()
    audit_record(
        actor=actor,
        action="survey.question_add",
        obj=survey,
        after=snapshot(question, ("order", "text", "index", "weight", "choices")),
    )
    return question


@transaction.atomic
def survey_question_delete(*, actor: Any, question: SurveyQuestion) -> None:
    _editable(question.survey)
    before = snapshot(question, ("order", "text", "index", "weight", "choices"))
    question.delete()
    audit_record(actor=actor, action="survey.question_delete", obj=question.survey, before=before)


@transaction.atomic
def survey_area_set(*, actor: Any, survey: Survey, unit: Any, quota: int) -> SurveyArea:
    """Add an area to the survey with its sampling quota, or change the quota."""
    if survey.status == SurveyStatus.CLOSED:
        raise ValidationError(_("调查已结束"), code="survey_closed")
    area = SurveyArea.objects.filter(survey=survey, unit=unit).first()
    before = {"quota": area.quota} if area else None
    area = area or SurveyArea(survey=survey, unit=unit, quota=quota)
    area.quota = quota
    area.full_clean()
    area.save()
    audit_record(
        actor=actor, action="survey.area_set", obj=survey, before=before,
        after={"unit": unit.pk, "quota": quota},
    )  # fmt: skip
    return area


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


@transaction.atomic
def survey_codes_issue(*, actor: Any, area: SurveyArea, count: int) -> list[SurveyCode]:
    """``count`` new one-time codes for ``area`` (random; a clash with an existing code is
    drawn again)."""
    if not 1 <= count <= MAX_CODES_AT_ONCE:
        raise field_error(
            "count", _("一次可生成 1–%(n)s 个调查码") % {"n": MAX_CODES_AT_ONCE}, "count"
        )
    if area.survey.status == SurveyStatus.CLOSED:
        raise ValidationError(_("调查已结束"), code="survey_closed")
    wanted: set[str] = set()
    while len(wanted) < count:
        batch = {_new_code() for _ in range(count - len(wanted))} - wanted
        taken = set(SurveyCode.objects.filter(code__in=batch).values_list("code", flat=True))
        wanted |= batch - taken
    codes = SurveyCode.objects.bulk_create(SurveyCode(area=area, code=c) for c in wanted)
    audit_record(
        actor=actor, action="survey.codes_issue", obj=area.survey,
        after={"unit": area.unit_id, "count": count},
    )  # fmt: skip
    return codes


def _move_to_answers(survey: Survey) -> int:
    """Move the survey's held answers to ``SurveyAnswer`` in shuffled order, with new keys,
    and delete them from the holding table (inside the caller's transaction)."""
    held = SurveyAnswerHolding.objects.filter(area__survey=survey)
    rows = list(held.values_list("area_id", "answered_on", "channel", "values"))
    random.SystemRandom().shuffle(rows)
    SurveyAnswer.objects.bulk_create(
        (SurveyAnswer(id=uuid.uuid4(), area_id=area, answered_on=day, channel=channel,
                      values=values) for area, day, channel, values in rows),
        batch_size=500,
    )  # fmt: skip
    held.delete()
    if connection.vendor == "postgresql":
        transaction.on_commit(_vacuum_holding)
    return len(rows)


def _vacuum_holding() -> None:
    """Remove the dead holding rows (their xmin and place would tell the order of
    answering). VACUUM cannot run in a transaction: after the commit, in autocommit."""
    if connection.in_atomic_block:  # a test's wrapping transaction: nothing committed
        return
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM {SurveyAnswerHolding._meta.db_table}")
    except Exception:  # the close is committed; a failed vacuum only delays the cleanup
        log.exception("VACUUM of the survey holding table failed")


@transaction.atomic
def survey_set_status(*, actor: Any, survey: Survey, status: str) -> Survey:
    """Open (needs questions and areas) or close a survey; closing moves the answers."""
    given, survey = survey, Survey.objects.select_for_update().get(pk=survey.pk)
    SURVEY_WORKFLOW.check(survey.status, status)
    fields: list[str] = []
    after: dict[str, Any] = {}
    if status == SurveyStatus.OPEN:
        if not survey.questions.exists() or not survey.areas.exists():
            raise ValidationError(_("请先添加题目和调查区域"), code="survey_incomplete")
        present = set(survey.questions.values_list("index", flat=True))
        missing = [SurveyIndex(k).label for k, w in survey.index_weights.items()
                   if Decimal(w) > 0 and k not in present]  # fmt: skip
        if missing:
            raise ValidationError(
                _("有权重的指数没有题目：%(names)s") % {"names": "、".join(map(str, missing))},
                code="index_without_questions",
            )
    if status == SurveyStatus.CLOSED:
        after["answers"] = _move_to_answers(survey)
        survey.closed_on = timezone.localdate()
        fields.append("closed_on")
    SURVEY_WORKFLOW.move(survey, status, actor=actor, fields=fields, after=after)
    given.status, given.closed_on = survey.status, survey.closed_on  # the caller's copy too
    return survey


# ---- answering -------------------------------------------------------------------------


def check_values(questions: Sequence[SurveyQuestion], values: Mapping[Any, Any]) -> dict[str, int]:
    """Each question's chosen option index (every question must be answered)."""
    found: dict[str, int] = {}
    for question in questions:
        raw = values.get(question.pk, values.get(str(question.pk)))
        try:
            chosen = int(raw)
        except (TypeError, ValueError):
            chosen = -1
        if not 0 <= chosen < len(question.choices):
            raise field_error(
                f"q{question.pk}", _("请回答第 %(n)s 题") % {"n": question.order}, "unanswered"
            )
        found[str(question.pk)] = chosen
    return found


def code_for_answering(code: str) -> SurveyCode:
    """The code's row if it may answer now; ``AnswerRefused`` with a Chinese message."""
    row = (
        SurveyCode.objects.select_related("area__survey", "area__unit")
        .filter(code=code.strip().upper().replace("-", "").replace(" ", ""))
        .first()
    )
    if row is None:
        raise AnswerRefused(_("调查码不存在，请核对后重新输入"), code="unknown")
    if row.used:
        raise AnswerRefused(_("该调查码已经使用过，每个调查码只能答卷一次"), code="used")
    status = row.area.survey.status
    if status == SurveyStatus.DRAFT:
        raise AnswerRefused(_("本次调查尚未开始"), code="not_open")
    if status == SurveyStatus.CLOSED:
        raise AnswerRefused(_("本次调查已经结束，感谢您的关注"), code="closed")
    return row


@transaction.atomic
def survey_answer_submit(*, code: str, values: Mapping[Any, Any]) -> None:
    """One answer for one code: the code is marked used and the answer held, in one
    transaction; the same code twice at once gives one answer (the conditional update)."""
    row = code_for_answering(code)
    questions = list(row.area.survey.questions.all())
    answer = check_values(questions, values)
    if not SurveyCode.objects.filter(pk=row.pk, used=False).update(used=True):
        raise AnswerRefused(_("该调查码已经使用过，每个调查码只能答卷一次"), code="used")
    SurveyAnswerHolding.objects.create(
        area_id=row.area_id, answered_on=timezone.localdate(), channel=AnswerChannel.WEB,
        values=answer,
    )  # fmt: skip
    # That a code was used, never which answer it gave.
    audit_record(actor=None, action="survey.code_use", obj=row, after={"used": True})


@transaction.atomic
def survey_answers_add(
    *, actor: Any, survey: Survey, answers: Sequence[tuple[SurveyArea, Any, str, dict[str, int]]]
) -> int:
    """Answers a survey team gathered (telephone, paper): (area, day, channel, values) each,
    all or none; one audit row with the count."""
    if survey.status != SurveyStatus.OPEN:
        raise ValidationError(_("只能在调查进行中导入答卷"), code="survey_not_open")
    SurveyAnswerHolding.objects.bulk_create(
        SurveyAnswerHolding(area=area, answered_on=day, channel=channel, values=values)
        for area, day, channel, values in answers
    )
    audit_record(
        actor=actor, action="survey.answers_import", obj=survey, after={"count": len(answers)}
    )
    return len(answers)
