"""Result use (结果运用): what a decided outcome leads to, per target, and the written
explanations (书面说明) units owe for a low grade.

Read from the standing grades (``FinalGrade``, decided or later), the engine's result of the
outcome's run (the awards and the obligations it computed, ``requires``), the traces (where
a rule that carries another assessment's grade changed a grade) and the standing grades of
earlier outcomes (a cadre's 优秀 years, two 不称职 in a row). Nothing here grades: the rules
are the schemes' (engine rules in the presets); this module only lists what follows.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaohe.core.audit import audit_record
from kaohe.core.roles import Action, can
from kaohe.results.models import FinalGrade, Outcome, OutcomeStatus, WrittenExplanation
from kaohe.schemes.models import Subject

USED_STATUSES = (OutcomeStatus.DECIDED, OutcomeStatus.PUBLICITY, OutcomeStatus.PUBLISHED)
EXPLANATION_OWNER = "explanation"  # owner type of its evidence file (collection.evidence)

EXCELLENT = "优秀"
TENURE_CREDIT_PER_EXCELLENT = Decimal("0.5")
TENURE_CLAUSE = (
    "002 突出实绩考核：每获得一个年度考核优秀等次的领导干部在职级晋升时任职年限要求缩短半年"
)

# What a cadre's low grade leads to. Seed 004 does not list it: these are the national rules
# the rules catalogue names (公务员法 2018). ``twice``: only for the second year running.
CONSEQUENCES: dict[str, list[tuple[str, Any, bool]]] = {
    "不称职": [
        ("公务员法 第五十条", gettext_lazy("按照规定程序降低一个职务或者职级层次任职"), False),
        ("公务员法 第八十八条", gettext_lazy("连续两年被确定为不称职，予以辞退"), True),
    ],
    "基本称职": [
        (
            "公务员法 第三十七条、《公务员考核规定》",
            gettext_lazy(
                "作为调整职务职级、工资以及公务员奖励、培训、辞退的依据；诫勉、限期改进（须考核办核对条款）"
            ),
            False,
        ),
    ],
}

# Engine rules that carry the grade of another assessment into this one (cascades): rule
# id → the clause. Their steps in a trace are shown on the result-use page.
CASCADE_RULES: dict[str, str] = {
    "party_building_not_good": "001 第十八条",
    "review_not_good": "001 第十七条 第二款",
    "principal_of_general_team": "004 一(三)5",
    "principal_of_poor_team": "004 一(三)5",
}
WRITTEN_EXPLANATION_RULE = "written_explanation"
WRITTEN_EXPLANATION_CLAUSE = "001 第十八条"


@dataclass(frozen=True)
class Consequence:
    clause: str
    text: str


@dataclass(frozen=True)
class Cascade:
    rule: str
    clause: str
    before: str
    after: str
    note: str


@dataclass
class UseRow:
    """One target's result use in one scheme of an outcome."""

    final: FinalGrade
    scheme: str
    name: str
    grade: str
    computed_grade: str
    awards: list[str] = field(default_factory=list)
    requires: list[str] = field(default_factory=list)
    excellent_years: list[int] = field(default_factory=list)
    consequences: list[Consequence] = field(default_factory=list)
    cascades: list[Cascade] = field(default_factory=list)
    explanation: WrittenExplanation | None = None
    explanation_state: str = ""

    @property
    def tenure_credit(self) -> Decimal:
        return TENURE_CREDIT_PER_EXCELLENT * len(self.excellent_years)

    @property
    def tenure_credit_text(self) -> str:
        return format(self.tenure_credit.normalize(), "f") if self.excellent_years else ""

    @property
    def award_stands(self) -> bool:
        """The engine's awards follow the computed grade: they stand while the standing
        grade is the computed one."""
        return self.grade == self.computed_grade

    @property
    def has_use(self) -> bool:
        return bool(
            self.awards or self.requires or self.excellent_years or self.consequences
            or self.cascades or self.explanation
        )  # fmt: skip


@dataclass
class OutcomeUse:
    outcome: Outcome
    rows: list[UseRow]

    @property
    def cadres(self) -> list[UseRow]:
        return [r for r in self.rows if r.final.cadre_id is not None]

    @property
    def units(self) -> list[UseRow]:
        return [r for r in self.rows if r.final.cadre_id is None]

    @property
    def awards(self) -> list[UseRow]:
        return [r for r in self.rows if r.awards]

    @property
    def cascades(self) -> list[UseRow]:
        return [r for r in self.rows if r.cascades]


# ---- selectors ------------------------------------------------------------------------


def outcomes_for_user(user: object) -> QuerySet[Outcome]:
    """Outcomes whose use a user may read: those who read results (the office, county
    leaders, the committee) see every outcome of the county."""
    if not can(user, Action.RESULTS_VIEW):
        return Outcome.objects.none()
    return Outcome.objects.select_related("year", "run")


def _engine_parts(outcome: Outcome) -> dict[tuple[int, str], Mapping[str, Any]]:
    """(scheme pk, target) → the engine's result item (awards, requires) of the run."""
    if not outcome.run.result:
        return {}
    document = json.loads(outcome.run.result)
    found: dict[tuple[int, str], Mapping[str, Any]] = {}
    for scheme in document.get("schemes", []):
        sid = str(scheme.get("id", ""))
        if not sid[1:].isdigit():
            continue
        for item in scheme.get("results", []):
            found[(int(sid[1:]), str(item.get("target")))] = item
    return found


def cascades_of(trace: Iterable[Mapping[str, Any]]) -> list[Cascade]:
    """The steps of a trace where a rule carrying another assessment's grade changed the
    grade, with the grade before and after it."""
    found = []
    grade = ""
    for step in trace:
        after = str(step.get("grade") or "")
        rule = str(step.get("rule") or "")
        if step.get("step") == "rule" and rule in CASCADE_RULES and after != grade:
            found.append(
                Cascade(rule, CASCADE_RULES[rule], grade, after, str(step.get("note") or ""))
            )
        if after:
            grade = after
    return found


def _cadre_history(outcome: Outcome, cadres: set[int]) -> dict[int, dict[int, set[str]]]:
    """cadre pk → year → the standing grades in cadre schemes (a cadre may be graded in two
    suites), over the outcomes decided or later up to the outcome's year (one query)."""
    history: dict[int, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
    if not cadres:
        return history
    rows = (
        FinalGrade.objects.filter(
            cadre_id__in=cadres,
            scheme__subject=Subject.CADRE,
            outcome__status__in=USED_STATUSES,
            outcome__year__year__lte=outcome.year.year,
        )
        .exclude(grade="")
        .values_list("cadre_id", "outcome__year__year", "grade")
    )
    for cadre, year, grade in rows:
        history[cadre][year].add(grade)
    return history


def consequences_for(grade: str, previous: set[str]) -> list[Consequence]:
    """What ``grade`` leads to; ``previous``: the cadre's grades of the year before."""
    return [
        Consequence(clause, str(text))
        for clause, text, twice in CONSEQUENCES.get(grade, [])
        if not twice or grade in previous
    ]


def outcome_use(outcome: Outcome) -> OutcomeUse:
    """Every target's result use in ``outcome`` (a bounded number of queries)."""
    if outcome.status not in USED_STATUSES:
        return OutcomeUse(outcome, [])
    finals = list(
        FinalGrade.objects.filter(outcome=outcome)
        .select_related("scheme", "row", "explanation__attachment")
        .order_by("scheme_id", "row__position")
    )
    engine = _engine_parts(outcome)
    cadres = {f.cadre_id for f in finals if f.cadre_id is not None}
    history = _cadre_history(outcome, cadres)
    year = outcome.year.year
    today = timezone.localdate()
    rows = []
    for final in finals:
        item = engine.get((final.scheme_id, final.target), {})
        row = UseRow(
            final=final,
            scheme=final.scheme.label,
            name=final.row.name,
            grade=final.grade,
            computed_grade=final.computed_grade,
            awards=[str(a) for a in item.get("awards") or []],
            requires=[str(r) for r in item.get("requires") or []],
            cascades=cascades_of(final.row.trace or []),
            explanation=getattr(final, "explanation", None),
        )
        if row.explanation is not None:
            row.explanation_state = explanation_state(row.explanation, today)
        if final.cadre_id is not None and final.scheme.subject == Subject.CADRE:
            years = history.get(final.cadre_id, {})
            row.excellent_years = sorted(y for y, grades in years.items() if EXCELLENT in grades)
            row.consequences = consequences_for(final.grade, years.get(year - 1, set()))
        rows.append(row)
    return OutcomeUse(outcome, rows)


def use_workbook(use: OutcomeUse) -> bytes:
    """The outcome's result use as a workbook (user text written as text)."""
    from openpyxl import Workbook

    from kaohe.core.xlsx import append_row, header_sheet, workbook_bytes

    workbook = Workbook()
    columns = [
        (_("考核方案"), 26), (_("考核对象"), 16), (_("计算等次"), 10), (_("确定等次"), 10),
        (_("奖励"), 12), (_("优秀年度"), 18), (_("累计缩短任职年限（年）"), 14),
        (_("等次运用"), 50), (_("关联等次限制"), 40), (_("书面说明"), 24),
    ]  # fmt: skip
    sheet = header_sheet(workbook, _("结果运用"), columns)
    for row in use.rows:
        append_row(
            sheet,
            [
                row.scheme,
                row.name,
                row.computed_grade,
                row.grade,
                "、".join(row.awards),
                "、".join(str(y) for y in row.excellent_years),
                float(row.tenure_credit) if row.excellent_years else None,
                "；".join([f"{c.clause}：{c.text}" for c in row.consequences] + row.requires),
                "；".join(f"{c.clause}：{c.before}→{c.after}" for c in row.cascades),
                row.explanation_state,
            ],
        )
    return workbook_bytes(workbook)


# ---- written explanations -------------------------------------------------------------


def explanation_state(item: WrittenExplanation, today: dt.date) -> str:
    if item.received_on is not None:
        return _("已收到（%(day)s）") % {"day": item.received_on.isoformat()}
    if item.due_on < today:
        return _("已逾期（应于 %(day)s 前报送）") % {"day": item.due_on.isoformat()}
    return _("待报送（%(day)s 前）") % {"day": item.due_on.isoformat()}


def explanations_for_user(user: object) -> QuerySet[WrittenExplanation]:
    """The office and readers of results see all; a unit's liaison sees its unit's own."""
    base = WrittenExplanation.objects.select_related(
        "outcome__year", "unit", "attachment", "final__scheme"
    )
    if can(user, Action.RESULTS_VIEW):
        return base
    unit_id = getattr(user, "unit_id", None)
    if can(user, Action.REPORT_SUBMIT) and unit_id is not None:
        return base.filter(unit_id=unit_id)
    return WrittenExplanation.objects.none()


def explanation_due_grades(outcome: Outcome) -> list[FinalGrade]:
    """The unit and team grades of ``outcome`` whose scheme asks a written explanation
    (its rule ``written_explanation``: ``when: {grade: {at_most: G}}``) and whose standing
    grade is ``G`` or lower."""
    finals = list(
        FinalGrade.objects.filter(outcome=outcome, unit__isnull=False, cadre__isnull=True)
        .exclude(grade="")
        .select_related("scheme__current_version", "row")
    )
    due = []
    for final in finals:
        version = final.scheme.current_version
        definition = version.definition if version else {}
        grades = list(definition.get("grades") or [])
        limit = _explanation_limit(definition)
        if (
            limit in grades
            and final.grade in grades
            and grades.index(final.grade) >= grades.index(limit)
        ):
            due.append(final)
    return due


def _explanation_limit(definition: Mapping[str, Any]) -> str | None:
    for rule in definition.get("rules") or []:
        if isinstance(rule, Mapping) and rule.get("id") == WRITTEN_EXPLANATION_RULE:
            grade = ((rule.get("when") or {}).get("grade") or {}).get("at_most")
            return str(grade) if grade else None
    return None


@transaction.atomic
def explanations_open(*, actor: Any, outcome: Outcome, due_on: dt.date) -> list[WrittenExplanation]:
    """A tracked item for every target of the decided ``outcome`` that owes a written
    explanation and has none yet (those already open keep their dates)."""
    if outcome.status not in USED_STATUSES:
        raise ValidationError(_("考核结果审定后才能要求书面说明"), code="outcome_not_decided")
    if due_on < timezone.localdate():
        raise ValidationError({"due_on": _("报送期限不能早于今天")}, code="due_in_past")
    existing = set(
        WrittenExplanation.objects.filter(outcome=outcome).values_list("final_id", flat=True)
    )
    now = timezone.now()
    items = [
        WrittenExplanation(
            outcome=outcome,
            final=final,
            unit_id=final.unit_id or 0,  # explanation_due_grades: units only
            grade=final.grade,
            clause=WRITTEN_EXPLANATION_CLAUSE,
            due_on=due_on,
            created_at=now,
        )
        for final in explanation_due_grades(outcome)
        if final.pk not in existing
    ]
    if not items:
        return []
    WrittenExplanation.objects.bulk_create(items)
    audit_record(
        actor=actor, action="explanation.open", obj=outcome,
        after={"due_on": due_on.isoformat(), "units": [i.unit_id for i in items]},
    )  # fmt: skip
    return items


@transaction.atomic
def explanation_submit(
    *, actor: Any, item: WrittenExplanation, upload: IO[bytes] | bytes, name: str | None = None
) -> WrittenExplanation:
    """The unit hands in its written explanation: the file is checked and kept as the
    unit's evidence; the item counts as received today."""
    from kaohe.collection.evidence import attachment_save

    item = WrittenExplanation.objects.select_for_update().get(pk=item.pk)
    attachment = attachment_save(
        actor=actor, unit=item.unit, owner_type=EXPLANATION_OWNER, owner_id=item.pk,
        upload=upload, name=name,
    )  # fmt: skip
    before = {"received_on": item.received_on.isoformat() if item.received_on else None}
    item.attachment, item.received_on = attachment, timezone.localdate()
    item.save(update_fields=["attachment", "received_on"])
    audit_record(
        actor=actor, action="explanation.submit", obj=item, before=before,
        after={"received_on": item.received_on.isoformat(), "attachment": attachment.pk},
    )  # fmt: skip
    return item


@transaction.atomic
def explanation_receive(
    *, actor: Any, item: WrittenExplanation, received_on: dt.date, note: str = ""
) -> WrittenExplanation:
    """The office records a written explanation received on paper."""
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": _("收到日期不能晚于今天")}, code="received_future")
    before = {"received_on": item.received_on.isoformat() if item.received_on else None}
    item.received_on, item.note = received_on, note.strip()
    item.save(update_fields=["received_on", "note"])
    audit_record(
        actor=actor, action="explanation.receive", obj=item, before=before,
        after={"received_on": received_on.isoformat(), "note": item.note},
    )  # fmt: skip
    return item


# ---- to-dos (wrapped into the home page's list by ``kaohe.home.todos``) ------------------


@dataclass(frozen=True)
class ExplanationTodo:
    key: str  # stable: explanation:<pk> / explanations:overdue:<user>
    title: str
    url: str
    due: dt.date | None
    late: bool
    detail: str


def explanation_todo_items(user: object, today: dt.date) -> list[ExplanationTodo]:
    """A liaison: each written explanation its unit still owes (one query). The office:
    one item for the explanations past their due day and not received (one query)."""
    from django.urls import reverse

    items: list[ExplanationTodo] = []
    unit_id = getattr(user, "unit_id", None)
    if can(user, Action.RESULTS_RUN):
        overdue = WrittenExplanation.objects.filter(
            received_on__isnull=True, due_on__lt=today
        ).count()
        if overdue:
            items.append(
                ExplanationTodo(
                    key=f"explanations:overdue:{getattr(user, 'pk', 0)}",
                    title=_("书面说明逾期未收到"),
                    url=reverse("results:explanation_list"),
                    due=None,
                    late=True,
                    detail=_("%(n)s 个单位逾期未报送") % {"n": overdue},
                )
            )
    elif can(user, Action.REPORT_SUBMIT) and unit_id is not None:
        for item in WrittenExplanation.objects.filter(
            unit_id=unit_id, received_on__isnull=True
        ).select_related("outcome__year", "final__scheme"):
            items.append(
                ExplanationTodo(
                    key=f"explanation:{item.pk}",
                    title=_("报送书面说明：%(scheme)s %(grade)s")
                    % {"scheme": item.final.scheme.name, "grade": item.grade},
                    url=reverse("results:explanation_detail", args=[item.pk]),
                    due=item.due_on,
                    late=item.due_on < today,
                    detail=item.clause,
                )
            )
    return items


# ---- 001 第十八条: the 党建 grade marks the unit for the cadre schemes ---------------------

# The unit flag preset 004's rule ``party_building_not_good`` reads, and the grade a unit
# must reach in preset seed001-party's scheme ``party`` not to carry it.
PARTY_FLAG = "党建工作成效未达到好"
PARTY_PRESET, PARTY_CODE, PARTY_GOOD = "seed001-party", "party", "好"


def party_grades(outcome: Outcome) -> list[FinalGrade]:
    """The units' standing grades in the outcome's 党建 scheme (preset seed001-party), or
    none when the suite has no such scheme."""
    return list(
        outcome.grades.filter(
            scheme__preset=PARTY_PRESET, scheme__code=PARTY_CODE, unit__isnull=False
        )
        .exclude(status="excluded")
        .select_related("unit")
        .prefetch_related("unit__flags")
        .order_by("row__position")
    )


@transaction.atomic
def party_flags_apply(*, actor: Any, outcome: Outcome) -> tuple[int, int]:
    """Mark every unit whose standing 党建 grade is not 好 with ``PARTY_FLAG`` and unmark
    the others (001 第十八条), so that the cadre scheme's rule caps its secretary and
    party-building deputy; only once the outcome is decided. Returns (marked, unmarked):
    the units whose flag changed."""
    from kaohe.orgs.models import UnitFlag
    from kaohe.orgs.services import flag_create, unit_change

    if outcome.status not in USED_STATUSES:
        raise ValidationError(_("党建考核结果审定后才能据此标记单位"), code="not_decided")
    grades = party_grades(outcome)
    if not grades:
        raise ValidationError(_("本方案组没有党建工作成效考核"), code="no_party_scheme")
    flag = UnitFlag.objects.filter(name=PARTY_FLAG).first() or flag_create(
        actor=actor, name=PARTY_FLAG
    )
    marked = unmarked = 0
    for final in grades:
        unit = final.unit
        assert unit is not None  # filtered above
        current = list(unit.flags.all())
        has = any(f.pk == flag.pk for f in current)
        # pending (no grade yet) counts as not 好: the cap holds until a grade says otherwise
        wants = final.grade != PARTY_GOOD
        if wants and not has:
            unit_change(actor=actor, unit=unit, flags=[*current, flag])
            marked += 1
        elif has and not wants:
            unit_change(actor=actor, unit=unit, flags=[f for f in current if f.pk != flag.pk])
            unmarked += 1
    audit_record(
        actor=actor,
        action="outcome.party_flags",
        obj=outcome,
        after={"flag": PARTY_FLAG, "marked": marked, "unmarked": unmarked},
    )
    return marked, unmarked
