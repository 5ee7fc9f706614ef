"""Paper sheets (纸质票) of a democratic evaluation, keyed in by the office: one sheet at a
time on a keyboard form (a digit per mark: 1 for the form's first choice …), or a workbook
per session with one row per sheet (测评人类别, then one column per target, or per target
and area, holding the choice's name or its number). Read through ``kaohe.core.xlsx``: every
bad cell is reported in Chinese with its row and column, and nothing is entered unless
every row is good (``paper_sheets_enter``, all or none)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import IO, Any

from django.db import transaction
from django.utils.translation import gettext as _

from kaohe.ballots.evaluation_office_services import PaperRefused, paper_sheets_enter
from kaohe.ballots.evaluation_tally import parts
from kaohe.ballots.models import BallotForm, RaterClass, Session, SessionTarget
from kaohe.core.xlsx import (
    Column,
    ImportFailed,
    Layout,
    RowError,
    import_lock,
    layout_workbook,
    read_sheet,
)


@dataclass(frozen=True)
class Mark:
    """One mark of a sheet: a target, or a target's area; ``key``: its form field and
    column key."""

    key: str
    target: SessionTarget
    form: BallotForm
    area: str  # "" on a form without areas

    @property
    def header(self) -> str:
        label = f"{self.target.order + 1}.{self.target.label}"
        return f"{label}-{self.area}"[:60] if self.area else label[:60]


def marks_of(session: Session) -> Iterator[Mark]:
    for form, targets in parts(session):
        for target in targets:
            if form.areas:
                for i, area in enumerate(form.areas):
                    yield Mark(f"m-{target.pk}-{i}", target, form, area)
            else:
                yield Mark(f"m-{target.pk}", target, form, "")


def choice_of(form: BallotForm, raw: str) -> str | None:
    """A typed mark: the choice's number (1 = the form's first, best choice) or its name."""
    names = form.choice_names()
    text = raw.strip()
    if text.isdigit() and 1 <= int(text) <= len(names):
        return names[int(text) - 1]
    return text if text in names else None


def marks_from(session: Session, values: Mapping[str, str]) -> tuple[dict[str, Any], list[Mark]]:
    """The sheet's marks from the typed values, and the marks left empty or not understood."""
    marks: dict[str, Any] = {}
    bad: list[Mark] = []
    for mark in marks_of(session):
        choice = choice_of(mark.form, values.get(mark.key, ""))
        if choice is None:
            bad.append(mark)
            continue
        if mark.area:
            marks.setdefault(str(mark.target.pk), {})[mark.area] = choice
        else:
            marks[str(mark.target.pk)] = choice
    return marks, bad


def paper_layout(session: Session) -> Layout:
    classes = [r.name for r in session.rater_classes.all()]
    columns = [Column("rater", "测评人类别", 14, choices=tuple(classes))]
    example: list[Any] = [classes[0] if classes else "下级"]
    for mark in marks_of(session):
        names = mark.form.choice_names()
        columns.append(Column(mark.key, mark.header, 12, choices=tuple(names)))
        example.append(names[1] if len(names) > 1 else names[0])
    return Layout(
        key="ballot_paper",
        label=_("纸质测评票"),
        sheet="纸质票",
        columns=tuple(columns),
        notes=(
            "纸质测评票录入说明",
            "每行一张纸质测评票：第一列填测评人类别（与下拉列表一致）。",
            "其后每列一个测评对象（或测评对象的一个测评项目），填所选等次的名称，或其序号（1 为第一个、最好的等次）。",
            "每一格都必须填写；超过比例限制的测评票照实录入，计票时按无效票处理。",
            "每张纸质票使用一个该类别未使用的测评码：请先生成足够的测评码。",
            "任何一行有误都不会录入，系统会列出每一处错误的行号、列和原因。",
            "不记录测评人，也不记录录入的是哪一张纸质票。",
        ),
        example=(tuple(example),),
    )


def paper_template(session: Session) -> bytes:
    return layout_workbook(paper_layout(session), [], example=True)


@transaction.atomic
def paper_import(*, actor: Any, session: Session, file: IO[bytes] | bytes) -> int:
    """Read and check every row, then enter them all (``paper_sheets_enter``) or none."""
    layout = paper_layout(session)
    classes = {r.name: r for r in session.rater_classes.all()}
    marks = list(marks_of(session))
    sheet = read_sheet(layout, file)
    found: list[tuple[RaterClass, dict[str, Any]]] = []
    for cells in sheet.cells():
        name = cells.choice("rater", {n: n for n in classes}, required=True)
        values: dict[str, Any] = {}
        for mark in marks:
            raw = cells.raw(mark.key)
            if not raw:
                if not cells.filled(mark.key):
                    cells.bad(mark.key, _("不能为空"))
                continue
            choice = choice_of(mark.form, raw)
            if choice is None:
                names = mark.form.choice_names()
                cells.bad(mark.key, _("应为%(choices)s之一（或序号 1–%(n)s），实际为“%(value)s”")
                          % {"choices": "、".join(names), "n": len(names), "value": raw[:50]})  # fmt: skip
                continue
            if mark.area:
                values.setdefault(str(mark.target.pk), {})[mark.area] = choice
            else:
                values[str(mark.target.pk)] = choice
        if name:
            found.append((classes[name], values))
    sheet.fail_if_bad()
    import_lock(f"ballot-paper-{session.pk}")
    try:
        return paper_sheets_enter(actor=actor, session=session, sheets=found)
    except PaperRefused as refused:
        rows = [number for number, _v in sheet.lines]
        raise ImportFailed(
            [RowError(rows[n - 1] if n else 0, "", "", message) for n, message in refused.problems],
            sheet=layout.sheet,
        ) from None
