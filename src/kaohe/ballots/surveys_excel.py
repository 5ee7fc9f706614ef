"""The workbook of answers a survey team gathered by telephone or on paper: one row per
answer (单位, 方式, 日期, then one column per question holding the chosen option's name).
Read through ``kaohe.core.xlsx``: every bad cell is reported in Chinese with its row and
column, and nothing is imported unless every row is good."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import IO, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from kaohe.ballots.models import AnswerChannel, Survey, SurveyArea, SurveyIndex
from kaohe.ballots.surveys import survey_answers_add
from kaohe.ballots.surveys_results import survey_results
from kaohe.core.text import strip_control_characters
from kaohe.core.xlsx import (
    Column,
    Layout,
    append_row,
    header_sheet,
    import_lock,
    layout_workbook,
    read_sheet,
    workbook_bytes,
)

CHANNELS = {str(AnswerChannel.PHONE.label): AnswerChannel.PHONE,
            str(AnswerChannel.PAPER.label): AnswerChannel.PAPER}  # fmt: skip


def _drop_down(labels: Iterable[str]) -> tuple[str, ...]:
    """The labels offered as the column's drop-down list, or none when Excel's list cannot
    hold them (a comma or quote in a label, over 250 characters in all)."""
    found = tuple(strip_control_characters(str(label), multiline=False) for label in labels)
    if any("," in label or '"' in label for label in found) or len(",".join(found)) > 250:
        return ()
    return found


def answers_layout(survey: Survey) -> Layout:
    questions = list(survey.questions.all())
    areas = list(survey.areas.select_related("unit"))
    columns = [
        Column("unit", "单位", 16, choices=_drop_down(a.unit.name for a in areas)),
        Column("channel", "方式", 10, choices=tuple(CHANNELS)),
        Column("date", "日期", 12, is_date=True),
    ]
    for q in questions:
        header = f"{q.order}. {q.text}"[:60]
        columns.append(Column(f"q{q.pk}", header, 18, choices=_drop_down(c[0] for c in q.choices)))
    first = areas[0].unit.name if areas else "青山镇"
    example = (first, str(AnswerChannel.PHONE.label), "2024-11-20",
               *(q.choices[0][0] for q in questions))  # fmt: skip
    return Layout(
        key="survey_answers",
        label=_("调查答卷"),
        sheet="答卷",
        columns=tuple(columns),
        notes=(
            "调查答卷导入说明",
            "每行一份答卷：单位填调查区域的单位名称；方式填“电话调查”或“纸质问卷”；日期可留空（记为导入当天）。",
            "每题填所选选项的名称（与下拉列表一致）；每题都必须填写。",
            "任何一行有误都不会导入，系统会列出每一处错误的行号、列和原因。",
            "答卷不记录受访人，也不记录具体时间。",
        ),
        example=(example,),
    )


def results_workbook(survey: Survey) -> bytes:
    """The closed survey's results by area (for the feedback to the units, seed 002)."""

    indices = [i for i in SurveyIndex.values
               if Decimal(str(survey.index_weights.get(i, 0))) > 0]  # fmt: skip
    columns = [("单位", 16), ("答卷", 8), ("配额", 8)]
    for index in indices:
        label = str(SurveyIndex(index).label)
        columns += [(label, 12), (f"{label}样本量", 10), (f"{label}95%下限", 12),
                    (f"{label}95%上限", 12)]  # fmt: skip
    columns += [("综合指数", 12), ("民评得分", 12), ("说明", 24)]
    book = Workbook(write_only=False)
    sheet = header_sheet(book, "调查结果", columns)
    for row in survey_results(survey=survey):
        values: list[Any] = [row.unit_name, row.answers, row.quota]
        for index in indices:
            result = row.indices.get(index)
            values += ([result.mean, result.n, result.low, result.high] if result
                       else [None, None, None, None])  # fmt: skip
        note = (f"样本不足 {survey.min_answers} 份，不计得分" if row.suppressed
                else "未达配额" if row.answers < row.quota else "")  # fmt: skip
        values += [row.composite, row.points, note]
        append_row(sheet, [float(v) if isinstance(v, Decimal) else v for v in values])
    return workbook_bytes(book)


def answers_template(survey: Survey) -> bytes:
    return layout_workbook(answers_layout(survey), [], example=True)


@transaction.atomic
def answers_import(*, actor: Any, survey: Survey, file: IO[bytes] | bytes) -> int:
    """Read and check every row, then add them all (``survey_answers_add``) or none."""
    layout = answers_layout(survey)
    questions = list(survey.questions.all())
    areas: dict[str, SurveyArea] = {}
    for row in survey.areas.select_related("unit"):
        areas[row.unit.name] = row
        areas[row.unit.code] = row
    sheet = read_sheet(layout, file)
    today = timezone.localdate()
    answers: list[tuple[SurveyArea, dt.date, str, dict[str, int]]] = []
    for cells in sheet.cells():
        unit = cells.text("unit", max_length=100, required=True)
        area = areas.get(unit)
        if unit and area is None:
            cells.bad("unit", _("“%(v)s”不是本次调查的区域") % {"v": unit[:50]})
        channel = cells.choice("channel", CHANNELS, required=True)
        day = cells.date("date") or today
        if day > today:
            cells.bad("date", _("日期不能晚于今天"))
        values: dict[str, int] = {}
        for q in questions:
            labels = {str(label): str(i) for i, (label, _p) in enumerate(q.choices)}
            chosen = cells.choice(f"q{q.pk}", labels, required=True)
            if chosen:
                values[str(q.pk)] = int(chosen)
        if area is not None and channel and len(values) == len(questions):
            answers.append((area, day, channel, values))
    sheet.fail_if_bad()
    import_lock(f"survey-{survey.pk}")
    return survey_answers_add(actor=actor, survey=survey, answers=answers)
