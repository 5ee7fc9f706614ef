"""A leader-rating round's workbook for the office (ratings are not anonymous to it, and to
nobody else: the page that serves it asks for RATING_MANAGE).

Sheets: 评价结果 (a unit's mean, its trimmed mean and the score the round gives; a cadre's
count of each grade and the round's grade), 打分明细 (who rated what, one row per rating)
and 未完成 (each leader who has not rated every target, with the targets left). The numbers
are those of ``ratings_results``: no second rule."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from kaohe.ballots.models import Rating, RatingGrade, RatingRound, RatingSubject
from kaohe.ballots.ratings_results import (
    cadre_rating_counts,
    rating_mean,
    rating_progress,
    round_grade,
)
from kaohe.core.xlsx import append_row, header_sheet, workbook_bytes


def _more_sheet(book: Workbook, title: str, columns: list[tuple[str, int]]) -> Any:
    sheet = book.create_sheet(title)
    append_row(sheet, [header for header, _w in columns])
    for i, (_header, width) in enumerate(columns, start=1):
        sheet.cell(row=1, column=i).font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "A2"
    return sheet


def _number(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def round_workbook(round_: RatingRound) -> bytes:
    is_unit = round_.subject == RatingSubject.UNIT
    if is_unit:
        targets = [(u.pk, u.name) for u in round_.units.order_by("order", "name")]
    else:
        targets = [(c.pk, c.name) for c in round_.cadres.order_by("name", "pk")]
    names = dict(targets)
    ratings = list(
        Rating.objects.filter(round=round_)
        .select_related("rater")
        .order_by("rater__display_name", "rater__username", "pk")
    )
    book = Workbook()
    if is_unit:
        scores: dict[int, list[Decimal]] = defaultdict(list)
        for r in ratings:
            if r.unit_id is not None and r.score is not None:
                scores[r.unit_id].append(r.score)
        sheet = header_sheet(book, "评价结果", [("单位", 24), ("评价人数", 10), ("平均分", 10),
                             ("去掉最高最低后平均", 18), ("本轮得分", 10)])  # fmt: skip
        for pk, name in targets:
            given = scores.get(pk, [])
            mean = rating_mean(given, trimmed=False) if given else None
            trimmed = rating_mean(given, trimmed=True) if len(given) >= 3 else None
            used = rating_mean(given, trimmed=round_.trimmed) if given else None
            append_row(sheet, [name, len(given), _number(mean), _number(trimmed), _number(used)])
    else:
        counts = cadre_rating_counts(round=round_)
        grades = list(RatingGrade.values)
        sheet = header_sheet(
            book, "评价结果",
            [("干部", 16), *[(g, 8) for g in grades], ("评价人数", 10), ("本轮等次", 10)],
        )  # fmt: skip
        for pk, name in targets:
            found = counts.get(pk, dict.fromkeys(grades, 0))
            append_row(sheet, [name, *[found.get(g, 0) for g in grades], sum(found.values()),
                               round_grade(found) or ""])  # fmt: skip
    detail = _more_sheet(book, "打分明细", [("领导", 16), ("单位" if is_unit else "干部", 24),
                         ("得分" if is_unit else "等次", 10), ("修改时间", 18)])  # fmt: skip
    for r in ratings:
        target = r.unit_id if is_unit else r.cadre_id
        value: Any = _number(r.score) if is_unit else r.grade
        append_row(detail, [str(r.rater), names.get(target or 0, ""), value,
                            timezone.localtime(r.updated_at).strftime("%Y-%m-%d %H:%M")])  # fmt: skip
    pending = _more_sheet(book, "未完成", [("领导", 16), ("已评", 8), ("应评", 8),
                          ("未评对象", 80)])  # fmt: skip
    rated: dict[int, set[int]] = defaultdict(set)
    for r in ratings:
        rated[r.rater_id].add((r.unit_id if is_unit else r.cadre_id) or 0)
    for progress in rating_progress(round=round_):
        if progress.done:
            continue
        left = [name for pk, name in targets if pk not in rated[progress.rater.pk]]
        append_row(pending, [str(progress.rater), progress.rated, progress.total,
                             "、".join(left)])  # fmt: skip
    return workbook_bytes(book)
