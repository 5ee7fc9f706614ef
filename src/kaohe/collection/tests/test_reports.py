"""The reports' services: saving, submitting (late), sending back (a reason), resubmitting
(history kept), the length check of the 述职述法报告, the to-dos and the progress figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kaohe.collection import reports as svc
from kaohe.collection.models import (
    OwnerType,
    PeriodKind,
    PeriodStatus,
    Report,
    ReportEventKind,
    ReportKind,
    ReportStatus,
)
from kaohe.collection.todos import TodoState, todos_for
from kaohe.core.models import AuditEntry

FULL = {"tasks": "完成了党建任务", "highlights": "红色物业", "cases": "无", "problems": "无"}


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@pytest.fixture
def month(party, town_system):
    from kaohe.collection.services import period_create

    return period_create(
        actor=None, scheme=party["party"], kind=PeriodKind.MONTHLY, key="M03",
        name="3月工作进展", starts_on=dt.date(2024, 3, 1), ends_on=dt.date(2024, 3, 31),
        report_due=dt.date(2024, 4, 5), review_due=dt.date(2024, 4, 10),
        report_kinds=[ReportKind.PROGRESS], status=PeriodStatus.OPEN,
    )  # fmt: skip


@pytest.fixture
def year_end(party, town_system):
    from kaohe.collection.services import period_create

    return period_create(
        actor=None, scheme=party["party"], kind=PeriodKind.YEAR_END, key="Y",
        name="年终考核", starts_on=dt.date(2024, 12, 1), ends_on=dt.date(2024, 12, 31),
        report_due=dt.date(2024, 12, 25),
        report_kinds=[ReportKind.WORK_SUMMARY, ReportKind.WORK_REPORT], status=PeriodStatus.OPEN,
    )  # fmt: skip


def save(cast, period, sections=FULL, kind=ReportKind.PROGRESS):
    return svc.report_save(
        actor=cast.liaison, period=period, unit=cast.unit_a, kind=kind, sections=sections
    )


def test_a_draft_is_saved_and_audited_once(cast, month):
    report = save(cast, month, {"tasks": "  进展  "})
    assert report.status == ReportStatus.DRAFT
    assert report.sections == {"tasks": "进展", "highlights": "", "cases": "", "problems": ""}
    assert AuditEntry.objects.filter(action="report.save").count() == 1
    again = save(cast, month, FULL)
    assert again.pk == report.pk and Report.objects.count() == 1


def test_a_submission_on_time_is_not_late_and_keeps_its_text(cast, month):
    report = svc.report_submit(
        actor=cast.liaison, report=save(cast, month), at=at(dt.date(2024, 4, 5), 23)
    )
    assert report.status == ReportStatus.SUBMITTED and not report.late
    event = report.events.get()
    assert event.kind == ReportEventKind.SUBMITTED and event.number == 1
    assert event.sections == FULL and not event.late
    entry = AuditEntry.objects.get(action="report.submit")
    assert entry.before == {"status": "draft"} and entry.after["late"] is False


def test_a_submission_after_the_due_day_is_late_but_taken(cast, month):
    report = svc.report_submit(
        actor=cast.liaison, report=save(cast, month), at=at(dt.date(2024, 4, 6), 9)
    )
    assert report.status == ReportStatus.SUBMITTED and report.late


def test_a_closed_period_refuses_a_submission(cast, month):
    from kaohe.collection.services import period_set_status

    report = save(cast, month)
    period_set_status(actor=None, period=month, status=PeriodStatus.CLOSED)
    with pytest.raises(ValidationError) as refused:
        svc.report_submit(actor=cast.liaison, report=report)
    assert refused.value.error_dict["__all__"][0].code == "period_not_open"
    with pytest.raises(ValidationError):
        save(cast, month)


def test_every_section_must_be_written_before_submitting(cast, month):
    report = save(cast, month, {**FULL, "cases": " "})
    with pytest.raises(ValidationError) as refused:
        svc.report_submit(actor=cast.liaison, report=report)
    assert refused.value.error_dict["section_cases"][0].code == "section_required"
    assert Report.objects.get().status == ReportStatus.DRAFT


def test_a_kind_the_period_does_not_ask_for_is_refused(cast, month):
    with pytest.raises(ValidationError) as refused:
        save(cast, month, {"text": "x"}, kind=ReportKind.WORK_REPORT)
    assert refused.value.error_dict["kind"][0].code == "kind_not_asked"


def test_sending_back_needs_a_reason(cast, month):
    report = svc.report_submit(actor=cast.liaison, report=save(cast, month))
    with pytest.raises(ValidationError) as refused:
        svc.report_review(actor=cast.admin, report=report, accept=False, reason="  ")
    assert refused.value.error_dict["reason"][0].code == "reason_required"
    returned = svc.report_review(
        actor=cast.admin, report=report, accept=False, reason="典型案例过于简略"
    )
    assert returned.status == ReportStatus.RETURNED
    assert returned.return_reason == "典型案例过于简略"
    assert AuditEntry.objects.get(action="report.return").after["reason"] == "典型案例过于简略"


def test_a_returned_report_is_corrected_and_resubmitted_with_its_history_kept(cast, month):
    first = svc.report_submit(
        actor=cast.liaison, report=save(cast, month), at=at(dt.date(2024, 4, 3))
    )
    svc.report_review(actor=cast.admin, report=first, accept=False, reason="请补充典型案例")
    corrected = save(cast, month, {**FULL, "cases": "某村党支部领办合作社"})
    second = svc.report_submit(actor=cast.liaison, report=corrected, at=at(dt.date(2024, 4, 8)))
    assert second.status == ReportStatus.SUBMITTED and second.submissions == 2
    # Late goes by the first submission (on time); the resubmission after the due day is
    # marked in its own event.
    assert not second.late
    accepted = svc.report_review(actor=cast.admin, report=second, accept=True)
    assert accepted.status == ReportStatus.ACCEPTED and accepted.return_reason == ""
    events = svc.timeline(accepted)
    assert [e.kind for e in events] == ["submitted", "returned", "submitted", "accepted"]
    assert events[0].sections["cases"] == "无"
    assert events[1].reason == "请补充典型案例"
    assert events[2].sections["cases"] == "某村党支部领办合作社" and events[2].late


def test_an_accepted_report_can_no_longer_change(cast, month):
    report = svc.report_submit(actor=cast.liaison, report=save(cast, month))
    svc.report_review(actor=cast.admin, report=report, accept=True)
    with pytest.raises(ValidationError) as refused:
        save(cast, month)
    assert refused.value.error_dict["__all__"][0].code == "not_editable"
    with pytest.raises(ValidationError) as again:
        svc.report_submit(actor=cast.liaison, report=report)
    assert again.value.code == "report_transition"


def test_the_submission_records_the_files_it_had(cast, month):
    from kaohe.collection.evidence import attachment_save

    report = save(cast, month)
    attachment_save(
        actor=cast.liaison, unit=cast.unit_a, owner_type=OwnerType.REPORT, owner_id=report.pk,
        upload=b"%PDF-1.4\n%x\n", name="台账.pdf",
    )  # fmt: skip
    submitted = svc.report_submit(actor=cast.liaison, report=report)
    assert [f["name"] for f in submitted.events.get().files] == ["台账.pdf"]


def test_a_file_is_removed_only_while_the_report_may_change(cast, month):
    from kaohe.collection.evidence import attachment_save
    from kaohe.collection.models import Attachment

    report = save(cast, month)
    upload = attachment_save(
        actor=cast.liaison, unit=cast.unit_a, owner_type=OwnerType.REPORT, owner_id=report.pk,
        upload=b"%PDF-1.4\n%x\n", name="a.pdf",
    )  # fmt: skip
    kept = attachment_save(
        actor=cast.liaison, unit=cast.unit_a, owner_type=OwnerType.REPORT, owner_id=report.pk,
        upload=b"%PDF-1.4\n%y\n", name="b.pdf",
    )  # fmt: skip
    svc.report_attachment_remove(actor=cast.liaison, report=report, attachment=upload)
    assert list(Attachment.objects.values_list("original_name", flat=True)) == ["b.pdf"]
    svc.report_submit(actor=cast.liaison, report=report)
    with pytest.raises(ValidationError):
        svc.report_attachment_remove(actor=cast.liaison, report=report, attachment=kept)


@pytest.mark.parametrize(
    ("chars", "warned"),
    [(2500, None), (1500, None), (3500, None), (1499, "少于 1500 字"), (3501, "超过 3500 字")],
)
def test_the_work_report_warns_when_far_from_2500_characters(cast, year_end, chars, warned):
    text = "述" * (chars - 10) + " \n" + "职" * 10  # whitespace is not counted
    report = save(cast, year_end, {"text": text}, kind=ReportKind.WORK_REPORT)
    warning = svc.length_warning(report.kind, report.sections)
    if warned is None:
        assert warning is None
    else:
        assert warned in warning and str(chars) in warning
    # It never blocks the submission.
    assert svc.report_submit(actor=cast.liaison, report=report).status == "submitted"


def test_the_length_bounds_come_from_the_settings(settings):
    settings.REPORT_WORK_REPORT_CHARS = (2000, 3000)
    assert svc.length_warning(ReportKind.WORK_REPORT, {"text": "字" * 1999})
    assert svc.length_warning(ReportKind.WORK_REPORT, {"text": "字" * 2000}) is None
    # Other kinds have no length check.
    assert svc.length_warning(ReportKind.WORK_SUMMARY, {"text": "字"}) is None


def test_a_section_longer_than_the_limit_is_refused(cast, month):
    with pytest.raises(ValidationError) as refused:
        save(cast, month, {"tasks": "字" * (svc.SECTION_MAX_CHARS + 1)})
    assert refused.value.error_dict["section_tasks"][0].code == "too_long"


def test_the_targets_are_the_units_of_categories_with_a_published_system(cast, month, party):
    from kaohe.schemes.tests import factories

    assert set(svc.period_targets(month)) == {cast.unit_a, cast.unit_b}
    factories.system(party["party"], cast.dept_category, responsible=None, publish=False)
    assert cast.responsible_unit not in set(svc.period_targets(month))


def test_the_liaison_sees_what_is_due_late_and_returned_among_its_todos(cast, month, year_end):
    before_due, after_due = dt.date(2024, 4, 1), dt.date(2024, 4, 6)
    states = {t.title: t.state for t in todos_for(cast.liaison, before_due)}
    assert states == {
        "3月工作进展 · 月度工作进展": TodoState.DUE,
        "年终考核 · 年度工作总结": TodoState.DUE,
        "年终考核 · 述职述法报告": TodoState.DUE,
    }
    assert todos_for(cast.liaison, after_due)[0].state == TodoState.LATE
    report = svc.report_submit(actor=cast.liaison, report=save(cast, month))
    titles = [t.title for t in todos_for(cast.liaison, after_due)]
    assert "3月工作进展 · 月度工作进展" not in titles
    svc.report_review(actor=cast.admin, report=report, accept=False, reason="补充案例")
    first = todos_for(cast.liaison, after_due)[0]
    assert first.state == TodoState.RETURNED and "补充案例" in first.detail
    assert first.url == f"/collection/reports/{report.pk}/edit/"
    # The outsider's unit (白水镇) owes its own reports, not 青山镇's returned one.
    assert all(t.state != TodoState.RETURNED for t in todos_for(cast.outsider, after_due))


def test_the_office_sees_the_reports_waiting_for_review(cast, month):
    assert not [t for t in todos_for(cast.admin, dt.date(2024, 4, 6)) if t.key.startswith("report")]
    svc.report_submit(actor=cast.liaison, report=save(cast, month))
    (todo,) = [t for t in todos_for(cast.admin, dt.date(2024, 4, 6)) if t.key.startswith("report")]
    assert todo.state == TodoState.WAITING and "1 份待审核" in todo.detail
    assert todo.due == dt.date(2024, 4, 10)
    # A reader without review rights has no such item.
    assert not [
        t for t in todos_for(cast.leader, dt.date(2024, 4, 6)) if t.key.startswith("report")
    ]


def test_the_progress_counts_who_reported_who_is_late_and_who_was_sent_back(cast, month):
    from kaohe.collection.totals import period_totals
    from kaohe.orgs.services import unit_create

    third = unit_create(actor=None, code="hongshan", name="红山镇", category=cast.town_category)
    svc.report_submit(actor=cast.liaison, report=save(cast, month), at=at(dt.date(2024, 4, 7)))
    returned = svc.report_submit(
        actor=cast.outsider,
        report=svc.report_save(
            actor=cast.outsider,
            period=month,
            unit=cast.unit_b,
            kind=ReportKind.PROGRESS,
            sections=FULL,
        ),
        at=at(dt.date(2024, 4, 2)),
    )
    svc.report_review(actor=cast.admin, report=returned, accept=False, reason="补充")
    progress = svc.period_progress(period=month, today=dt.date(2024, 4, 8))
    rows = {row.unit.name: row for row in progress.rows}
    assert set(rows) == {"青山镇", "白水镇", "红山镇"}
    assert rows["青山镇"].late and rows["青山镇"].complete
    assert rows["白水镇"].returned and not rows["白水镇"].late
    assert rows["红山镇"].late and rows[third.name].cells[0].report is None
    assert progress.counts == {"units": 3, "complete": 1, "late": 2, "returned": 1, "waiting": 1}
    # The scores so far are period_totals' (nothing given yet: the 扣分 indicator's 20).
    assert {row.unit.pk: row.score for row in progress.rows} == period_totals(period=month)
    assert rows["青山镇"].score == Decimal(20)
    assert progress.warnings_shown is False  # the warnings hook is not filled yet
