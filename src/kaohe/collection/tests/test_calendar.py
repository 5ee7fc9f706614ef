"""The preset calendars (seed 000 三(1)/(3); seed 001 第十一条、第十二条; seed 004 一(三)1)
and the services that write and edit them."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from kaohe.collection.calendar import calendar_for
from kaohe.collection.models import Period, PeriodKind, PeriodStatus, ReportKind
from kaohe.collection.services import (
    PeriodError,
    calendar_create,
    period_set_status,
    period_update,
)
from kaohe.core.models import AuditEntry
from kaohe.presets import list_presets


def _by_key(plans):
    return {plan.key: plan for plan in plans}


def test_the_style_scheme_brings_monthly_reports_quarter_tasks_and_the_year_end():
    plans = _by_key(calendar_for("seed000-style", "style", 2024))
    assert sorted(plans) == sorted(
        [f"M{m:02d}" for m in range(1, 13)] + ["Q1", "Q2", "Q3", "Q4", "Y"]
    )
    january = plans["M01"]
    assert january.kind == PeriodKind.MONTHLY
    assert (january.starts_on, january.ends_on) == (dt.date(2024, 1, 1), dt.date(2024, 1, 31))
    assert january.report_due == dt.date(2024, 2, 5)  # the 5th of the next month
    assert january.report_kinds == (ReportKind.PROGRESS,)
    assert plans["M12"].report_due == dt.date(2025, 1, 5)
    q2 = plans["Q2"]
    assert q2.ranked and not q2.deductions_only
    assert q2.report_kinds == (ReportKind.QUARTER_TASKS,)
    assert (q2.starts_on, q2.ends_on, q2.report_due) == (
        dt.date(2024, 4, 1),
        dt.date(2024, 6, 30),
        dt.date(2024, 6, 30),
    )


def test_the_monthly_report_day_is_a_parameter_kept_within_the_month():
    plans = _by_key(calendar_for("seed000-style", "style", 2024, progress_day=31))
    assert plans["M01"].report_due == dt.date(2024, 2, 29)
    assert plans["M02"].report_due == dt.date(2024, 3, 31)
    assert _by_key(calendar_for("seed000-style", "style", 2024, progress_day=10))[
        "M06"
    ].report_due == dt.date(2024, 7, 10)


def test_party_monitoring_runs_from_the_20th_to_the_quarter_end_deductions_only_and_ranked():
    plans = _by_key(calendar_for("seed001-party", "party", 2024))
    assert sorted(plans) == ["H1", "Q1", "Q2", "Q3", "Q4", "Y"]
    for quarter, (month, last) in enumerate(((3, 31), (6, 30), (9, 30), (12, 31)), start=1):
        plan = plans[f"Q{quarter}"]
        assert plan.kind == PeriodKind.QUARTERLY
        assert (plan.starts_on, plan.ends_on) == (
            dt.date(2024, month, 20),
            dt.date(2024, month, last),
        )
        assert plan.ranked and plan.deductions_only


def test_the_half_year_summary_is_due_on_06_20_and_its_review_on_06_25():
    half = _by_key(calendar_for("seed001-party", "party", 2024))["H1"]
    assert half.kind == PeriodKind.HALF_YEAR
    assert (half.report_due, half.review_due) == (dt.date(2024, 6, 20), dt.date(2024, 6, 25))
    assert half.report_kinds == (ReportKind.HALF_YEAR_SUMMARY,)


@pytest.mark.parametrize(
    ("preset", "code", "kinds"),
    [
        ("seed001-party", "party", (ReportKind.WORK_SUMMARY,)),
        ("seed001-party", "review", (ReportKind.WORK_REPORT,)),
        ("seed002-team", "team", (ReportKind.WORK_SUMMARY,)),
        ("seed002-team", "cadre", (ReportKind.WORK_REPORT,)),
        ("seed004-annual", "team", (ReportKind.WORK_SUMMARY,)),
        ("seed004-annual", "cadre", (ReportKind.WORK_REPORT,)),
    ],
)
def test_the_year_end_asks_for_the_summary_or_the_cadres_work_report(preset, code, kinds):
    year_end = _by_key(calendar_for(preset, code, 2024))["Y"]
    assert year_end.kind == PeriodKind.YEAR_END
    assert year_end.report_kinds == kinds
    # 004 一(三)1: 总结自评 by January 5th, results by January 8th (of the year after).
    assert (year_end.report_due, year_end.review_due) == (dt.date(2025, 1, 5), dt.date(2025, 1, 8))


def test_a_scheme_written_by_hand_has_no_preset_calendar():
    assert calendar_for("", "style", 2024) == []
    assert calendar_for("seed000-style", "other", 2024) == []


@pytest.mark.django_db
@pytest.mark.parametrize("preset", [p.id for p in list_presets()])
def test_every_preset_schemes_calendar_is_created_with_valid_dates(preset):
    from kaohe.schemes.services import scheme_create_from_preset
    from kaohe.schemes.tests.factories import year_2024

    for scheme in scheme_create_from_preset(actor=None, year=year_2024(), preset_id=preset):
        created = calendar_create(actor=None, scheme=scheme)
        assert [p.key for p in created] == [p.key for p in calendar_for(preset, scheme.code, 2024)]
        assert all(p.status == PeriodStatus.PLANNED for p in created)


def test_calendar_create_makes_the_years_periods_with_one_audit_row(cast, party):
    scheme = party["party"]
    created = calendar_create(actor=cast.admin, scheme=scheme)
    assert sorted(p.key for p in created) == ["H1", "Q1", "Q2", "Q3", "Q4", "Y"]
    entries = AuditEntry.objects.filter(action="period.calendar_create")
    assert entries.count() == 1
    assert entries.get().after == {
        "year": 2024,
        "periods": ["Q1", "H1", "Q2", "Q3", "Y", "Q4"],
    }  # by start


def test_calendar_create_again_creates_nothing_and_keeps_the_offices_dates(cast, party):
    scheme = party["party"]
    calendar_create(actor=cast.admin, scheme=scheme)
    q1 = Period.objects.get(scheme=scheme, key="Q1")
    period_update(actor=cast.admin, period=q1, name="一季度监测", starts_on=dt.date(2024, 3, 18),
                  ends_on=q1.ends_on, report_due=None, review_due=q1.review_due)  # fmt: skip
    Period.objects.filter(scheme=scheme, key="Y").delete()
    again = calendar_create(actor=cast.admin, scheme=scheme)
    assert [p.key for p in again] == ["Y"]  # only the missing one
    assert calendar_create(actor=cast.admin, scheme=scheme) == []
    assert Period.objects.get(scheme=scheme, key="Q1").starts_on == dt.date(2024, 3, 18)
    assert Period.objects.filter(scheme=scheme).count() == 6
    assert AuditEntry.objects.filter(action="period.calendar_create").count() == 2


def test_calendar_create_refuses_a_scheme_without_a_preset_calendar(cast, party):
    scheme = party["party"]
    scheme.preset = ""
    with pytest.raises(ValidationError) as refused:
        calendar_create(actor=cast.admin, scheme=scheme)
    assert refused.value.error_dict["scheme"][0].code == PeriodError.NO_CALENDAR
    assert not Period.objects.exists()


def _update(period, **changes):
    values = {
        f: getattr(period, f) for f in ("name", "starts_on", "ends_on", "report_due", "review_due")
    }
    return period_update(actor=None, period=period, **(values | changes))


def _codes(refused):
    return {field: [e.code for e in errors] for field, errors in refused.value.error_dict.items()}


def test_a_period_cannot_end_before_it_starts(q1):
    with pytest.raises(ValidationError) as refused:
        _update(q1, ends_on=dt.date(2024, 3, 1))
    assert _codes(refused) == {"ends_on": [PeriodError.ENDS_BEFORE_START]}
    assert "结束日期不能早于开始日期" in refused.value.error_dict["ends_on"][0].message


def test_a_date_outside_the_year_and_its_first_quarter_after_is_refused(q1):
    with pytest.raises(ValidationError) as refused:
        _update(q1, review_due=dt.date(2025, 4, 1), starts_on=dt.date(2023, 12, 31))
    assert _codes(refused) == {
        "review_due": [PeriodError.OUTSIDE_YEAR],
        "starts_on": [PeriodError.OUTSIDE_YEAR],
    }
    assert "2024-01-01 至 2025-03-31" in refused.value.error_dict["starts_on"][0].message
    # January of the next year is the year-end's month: allowed
    assert _update(q1, review_due=dt.date(2025, 1, 8)).review_due == dt.date(2025, 1, 8)


def test_deadlines_before_the_start_or_the_review_before_the_report_are_refused(q1):
    with pytest.raises(ValidationError) as refused:
        _update(q1, report_due=dt.date(2024, 3, 1))
    assert _codes(refused) == {"report_due": [PeriodError.DUE_BEFORE_START]}
    with pytest.raises(ValidationError) as refused:
        _update(q1, report_due=dt.date(2024, 3, 28), review_due=dt.date(2024, 3, 25))
    assert _codes(refused) == {"review_due": [PeriodError.REVIEW_BEFORE_REPORT]}


def test_editing_a_period_is_audited_with_before_and_after(cast, q1):
    _update(q1, name="一季度", ends_on=dt.date(2024, 3, 29))
    entry = AuditEntry.objects.filter(action="period.update").get()
    assert entry.before["ends_on"] == "2024-03-31" and entry.after["ends_on"] == "2024-03-29"
    assert entry.after["name"] == "一季度"


def test_a_closed_period_is_not_edited_until_reopened(cast, q1):
    period_set_status(actor=cast.admin, period=q1, status=PeriodStatus.CLOSED)
    with pytest.raises(ValidationError) as refused:
        _update(q1, name="改名")
    assert _codes(refused) == {"starts_on": [PeriodError.CLOSED]}
