"""Every URL of the collection app with every role (walked by ``core/tests/test_permissions``).
Each area adds its rows here and its objects in ``objects``. The objects:

- ``collection_evidence_a``: an evidence file of 青山镇 (the liaison's unit)
- ``periods_scheme``: the published 党建工作成效考核 scheme of 2024 (seed 001), whose
  calendar is made from its preset; ``periods_draft_scheme``: the draft 述职评议 scheme
- ``periods_planned``: its Q1 monitoring (planned), ``periods_open``: Q2 (open),
  ``periods_closed``: Q3 (closed)
- ``periods_notice``: a notice of the admin (anyone else: 404)
- ``collection_circular_h1``: the closed half-year evaluation of that scheme (its circular)
- ``collection_report_period``: the open July progress period of the 党建 scheme (青山镇
  and 白水镇 are its targets: the 镇街 system is published)
- ``collection_report_a``: 青山镇's progress report of that period, submitted and sent back
  (every reader sees it; its liaison corrects it)
- ``collection_report_b_draft``: 白水镇's draft of that period (nobody but 白水镇 sees a draft)
- ``collection_ranked_q1``: the ranked first quarter of the 2024 党建 scheme (a published 镇街
  system); ``collection_warning_a`` / ``collection_rectification_a``: 青山镇's warning of it
  and its rectification
- ``collection_score_period``: an open period of the 党建 scheme (key ``SC1``), whose 镇街
  system has 县委组织部 (``collection_score_unit``, the scorer's unit) responsible for 1.1
  and 1.2 and whose 县直部门 system has 县纪委监委 (``collection_other_unit``) responsible;
  ``collection_score_indicator``: 镇街 1.2; ``collection_unscored_indicator``: 镇街 2.1 (no
  responsible unit); ``collection_field_check``: a field check of 青山镇 with a deduction
"""

from __future__ import annotations

from typing import Any

#                                                                  anon admin scorer liaison outsider leader team committee
ROWS = [
    ("collection:attachment_download", ("collection_evidence_a",), (302, 200, 200, 200, 404, 200, 200, 200)),
    ("collection:period_list", (),                                (302, 200, 200, 200, 200, 200, 200, 200)),
    ("collection:period_calendar", ("periods_scheme",),           (302, 200, 200, 200, 200, 200, 200, 200)),
    ("collection:period_calendar", ("periods_draft_scheme",),     (302, 200, 404, 404, 404, 404, 404, 404)),
    ("collection:period_add", ("periods_scheme",),                (302, 200, 403, 403, 403, 403, 403, 403)),
    ("collection:period_edit", ("periods_planned",),              (302, 200, 403, 403, 403, 403, 403, 403)),
    ("collection:period_open", ("periods_planned",),              (302, 200, 403, 403, 403, 403, 403, 403)),
    ("collection:period_close", ("periods_open",),                (302, 200, 403, 403, 403, 403, 403, 403)),
    ("collection:period_reopen", ("periods_closed",),             (302, 200, 403, 403, 403, 403, 403, 403)),
    ("collection:notice_list", (),                                (302, 200, 200, 200, 200, 200, 200, 200)),
    ("collection:report_list", (),                                 (302, 200, 200, 200, 200, 200, 200, 200)),
    # A report is written by a unit's liaison (the office has no unit of its own: 404);
    # both liaisons have begun theirs already: sent on to its page (302).
    ("collection:report_start", ("collection_report_period",),     (302, 404, 403, 302, 302, 403, 403, 403)),
    ("collection:report_detail", ("collection_report_a",),         (302, 200, 200, 200, 404, 200, 200, 200)),
    ("collection:report_detail", ("collection_report_b_draft",),   (302, 404, 404, 404, 200, 404, 404, 404)),
    ("collection:report_edit", ("collection_report_a",),           (302, 404, 403, 200, 404, 403, 403, 403)),
    # The unit's own scores: a liaison's (the office and scorer have no such unit page).
    ("collection:own_scores", (),                                 (302, 200, 403, 200, 200, 403, 403, 403)),
    ("collection:progress", (),                                    (302, 200, 403, 403, 403, 200, 200, 200)),
    ("collection:warning_list", (),                               (302, 200, 200, 200, 200, 200, 200, 200)),
    ("collection:warning_ranking", ("collection_ranked_q1",),     (302, 200, 403, 403, 403, 200, 200, 200)),
    ("collection:warning_letter", ("collection_warning_a",),      (302, 200, 200, 200, 404, 200, 200, 200)),
    ("collection:circular", ("collection_circular_h1",),          (302, 200, 403, 403, 403, 403, 403, 403)),
    ("collection:circular_template", (),                          (302, 200, 403, 403, 403, 403, 403, 403)),
    ("collection:warning_template", (),                           (302, 200, 403, 403, 403, 403, 403, 403)),
    ("collection:warning_rectification_list", (),                 (302, 200, 200, 200, 200, 200, 200, 200)),
    ("collection:warning_rectification_detail", ("collection_rectification_a",),
                                                                  (302, 200, 200, 200, 404, 200, 200, 200)),
    ("collection:scoring_index", (),                               (302, 200, 200, 403, 403, 403, 403, 403)),
    ("collection:scoring_grid", ("collection_score_period", "collection_score_unit"), (302, 200, 200, 403, 403, 403, 403, 403)),
    ("collection:scoring_grid", ("collection_score_period", "collection_other_unit"), (302, 200, 404, 403, 403, 403, 403, 403)),
    ("collection:scoring_detail", ("collection_score_period", "collection_score_unit", "collection_target", "collection_score_indicator"), (302, 200, 200, 403, 403, 403, 403, 403)),
    ("collection:scoring_detail", ("collection_score_period", "collection_score_unit", "collection_target", "collection_unscored_indicator"), (302, 404, 404, 403, 403, 403, 403, 403)),
    ("collection:field_check_index", (),                           (302, 200, 200, 200, 200, 200, 200, 200)),
    ("collection:field_check_list", ("collection_score_period",),  (302, 200, 200, 200, 200, 200, 200, 200)),
    ("collection:field_check_new", ("collection_score_period",),   (302, 200, 403, 403, 403, 403, 200, 403)),
    ("collection:field_check_detail", ("collection_field_check",), (302, 200, 200, 200, 404, 200, 200, 200)),
]  # fmt: skip
POST_ONLY = {
    "collection:warning_rank",
    "collection:period_calendar_create",
    "collection:period_calendar_default",
    "collection:notice_read",
    "collection:notice_read_all",
    "collection:report_review",
    "collection:report_attachment_remove",
    "collection:scoring_cell",
    "collection:scoring_fill_zero",
    "collection:field_check_confirm",
    "collection:field_check_evidence_copy",
    "collection:scoring_evidence_delete",
}


def objects(cast: Any) -> dict[str, Any]:
    from kaohe.collection.evidence import attachment_save
    from kaohe.collection.models import OwnerType

    evidence = attachment_save(
        actor=None, unit=cast.unit_a, owner_type=OwnerType.REPORT, owner_id=1,
        upload=b"%PDF-1.4\n%test\n", name="材料.pdf",
    )  # fmt: skip
    return (
        {"collection_evidence_a": evidence}
        | _period_objects(cast)
        | report_objects(cast)
        | warning_objects(cast)
        | scoring_objects(cast)
    )


def _period_objects(cast: Any) -> dict[str, Any]:
    from django.utils import timezone

    from kaohe.collection.models import Notice, PeriodStatus
    from kaohe.collection.services import calendar_create, period_set_status
    from kaohe.schemes import services
    from kaohe.schemes.tests import factories

    schemes = factories.party_schemes(factories.year_2024())
    scheme = schemes["party"]
    if scheme.status == "draft":
        scheme = services.scheme_set_status(actor=None, scheme=scheme, status="published")
    calendar_create(actor=None, scheme=scheme)  # the missing periods only
    periods = {p.key: p for p in scheme.periods.all()}
    q2 = period_set_status(actor=None, period=periods["Q2"], status=PeriodStatus.OPEN)
    q3 = period_set_status(actor=None, period=periods["Q3"], status=PeriodStatus.OPEN)
    q3 = period_set_status(actor=None, period=q3, status=PeriodStatus.CLOSED)
    h1 = period_set_status(actor=None, period=periods["H1"], status=PeriodStatus.OPEN)
    h1 = period_set_status(actor=None, period=h1, status=PeriodStatus.CLOSED)
    notice = Notice.objects.create(
        user=cast.admin, key="walk", title="提醒", url="/", created_at=timezone.now()
    )
    return {
        "periods_scheme": scheme,
        "periods_draft_scheme": schemes["review"],
        "periods_planned": periods["Q1"],
        "periods_open": q2,
        "periods_closed": q3,
        "periods_notice": notice,
        "collection_circular_h1": h1,
    }


def report_objects(cast: Any) -> dict[str, Any]:
    import datetime as dt

    from kaohe.collection.models import Period, PeriodKind, PeriodStatus, ReportKind
    from kaohe.collection.reports import report_review, report_save, report_submit
    from kaohe.collection.services import period_create, period_set_status
    from kaohe.schemes.models import IndicatorSystem
    from kaohe.schemes.tests import factories

    scheme = factories.party_schemes(factories.year_2024())["party"]
    if not IndicatorSystem.objects.filter(scheme=scheme, category=cast.town_category).exists():
        factories.system(
            scheme, cast.town_category, responsible=cast.responsible_unit, publish=True
        )
    # The calendar's July progress period (made by the periods' objects, or here), opened.
    period = Period.objects.filter(scheme=scheme, key="M07").first() or period_create(
        actor=None, scheme=scheme, kind=PeriodKind.MONTHLY, key="M07", name="7月工作进展",
        starts_on=dt.date(2024, 7, 1), ends_on=dt.date(2024, 7, 31),
        report_due=dt.date(2024, 8, 5), report_kinds=[ReportKind.PROGRESS],
    )  # fmt: skip
    assert ReportKind.PROGRESS in period.report_kinds
    if period.status == PeriodStatus.PLANNED:
        period = period_set_status(actor=None, period=period, status=PeriodStatus.OPEN)
    sections = {"tasks": "推进情况", "highlights": "无", "cases": "无", "problems": "无"}
    report = report_save(
        actor=cast.liaison, period=period, unit=cast.unit_a, kind=ReportKind.PROGRESS,
        sections=sections,
    )  # fmt: skip
    report = report_submit(actor=cast.liaison, report=report)
    report = report_review(actor=cast.admin, report=report, accept=False, reason="请补充")
    draft = report_save(
        actor=cast.outsider, period=period, unit=cast.unit_b, kind=ReportKind.PROGRESS,
        sections={"tasks": "草稿"},
    )  # fmt: skip
    return {
        "collection_report_period": period,
        "collection_report_a": report,
        "collection_report_b_draft": draft,
    }


def warning_objects(cast: Any) -> dict[str, Any]:
    import datetime as dt
    from decimal import Decimal

    from kaohe.collection.models import PeriodKind, PeriodStatus
    from kaohe.collection.ranking import period_rank
    from kaohe.collection.services import period_create
    from kaohe.schemes.models import IndicatorSystem
    from kaohe.schemes.tests import factories

    scheme = factories.party_schemes(factories.year_2024())["party"]
    if not IndicatorSystem.objects.filter(scheme=scheme, category=cast.town_category).exists():
        factories.system(
            scheme, cast.town_category, responsible=cast.responsible_unit, publish=True
        )
    # Another area's walk may have made the scheme's periods already: a key of its own.
    period = period_create(
        actor=None, scheme=scheme, kind=PeriodKind.QUARTERLY, key="WQ1", name="第一季度监测",
        starts_on=dt.date(2024, 3, 20), ends_on=dt.date(2024, 3, 31), ranked=True,
        status=PeriodStatus.CLOSED,
    )  # fmt: skip
    scores = {cast.unit_a.pk: Decimal(70), cast.unit_b.pk: Decimal(90)}
    outcome = period_rank(
        actor=None, period=period, today=dt.date(2024, 4, 1), totals=lambda period: scores
    )
    warning = outcome.issued[0]
    return {
        "collection_ranked_q1": period,
        "collection_warning_a": warning,
        "collection_rectification_a": warning.rectification,
    }


def scoring_objects(cast: Any) -> dict[str, Any]:
    import datetime as dt
    from decimal import Decimal

    from kaohe.collection.models import Period, PeriodKind, PeriodStatus
    from kaohe.collection.scoring_field_checks import (
        field_check_create,
        field_check_deduction_add,
    )
    from kaohe.collection.services import period_create
    from kaohe.schemes.models import IndicatorSystem
    from kaohe.schemes.tests import factories

    party = factories.party_schemes(factories.year_2024())["party"]
    discipline = factories.discipline_unit(cast)

    def system(category: Any, responsible: Any) -> Any:
        found = IndicatorSystem.objects.filter(scheme=party, category=category).first()
        return found or factories.system(party, category, responsible=responsible, publish=True)

    town = system(cast.town_category, cast.responsible_unit)
    system(cast.dept_category, discipline)
    period = Period.objects.filter(scheme=party, key="SC1").first() or period_create(
        actor=None, scheme=party, kind=PeriodKind.QUARTERLY, key="SC1", name="评分测试周期",
        starts_on=dt.date(2024, 6, 20), ends_on=dt.date(2024, 6, 30), deductions_only=True,
        status=PeriodStatus.OPEN,
    )  # fmt: skip
    indicators = {i.code: i for i in town.indicators.all()}
    check = field_check_create(
        actor=None, period=period, target=cast.unit_a, method="visit",
        checked_on=dt.date(2024, 6, 25), findings="台账不全",
    )  # fmt: skip
    field_check_deduction_add(
        actor=None, field_check=check, indicator=indicators["1.2"], points=Decimal(1),
        reason="台账不全",
    )  # fmt: skip
    return {
        "collection_score_period": period,
        "collection_score_unit": cast.responsible_unit,
        "collection_other_unit": discipline,
        "collection_target": cast.unit_a,
        "collection_score_indicator": indicators["1.2"],
        "collection_unscored_indicator": indicators["2.1"],
        "collection_field_check": check,
    }
