"""Result use: what a decided outcome leads to (awards, tenure credit, low grades, the
cascades of 001 第十八条) and the written explanations owed for 一般 and 差."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from kaohe.core.models import AuditEntry
from kaohe.engine import evaluate, load_text
from kaohe.presets import load_preset
from kaohe.results import outcomes, use
from kaohe.results.models import (
    FinalGrade,
    Outcome,
    OutcomeStatus,
    Run,
    RunRow,
    RunStatus,
    WrittenExplanation,
)
from kaohe.results.tests.test_runs import start

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def decided(cast, capture):
    """The 2024 党建 outcome decided, 白水镇 (computed 较好) decided 一般."""
    from kaohe.results.models import GradeSource

    run = start(cast, capture)
    outcome = outcomes.outcome_open(actor=cast.admin, run=run)
    final = FinalGrade.objects.get(
        outcome=outcome, unit=cast.unit_b, scheme__code="party", scheme__year__year=2024
    )
    outcomes.final_grade_change(
        actor=cast.admin, final=final, grade="一般", source=GradeSource.DECISION, reason="审定"
    )
    with transaction.atomic():
        outcomes.OUTCOME_WORKFLOW.move(outcome, OutcomeStatus.DECIDED, actor=cast.admin)
    return outcome


def test_a_unit_graded_general_owes_a_written_explanation_tracked_until_received(
    cast, year_data, django_capture_on_commit_callbacks
):
    outcome = decided(cast, django_capture_on_commit_callbacks)
    result = use.outcome_use(outcome)
    baishui = next(
        r
        for r in result.units
        if r.final.unit_id == cast.unit_b.pk and r.final.scheme_id == year_data.party.pk
    )
    assert (baishui.computed_grade, baishui.grade) == ("较好", "一般")
    # the engine's obligations (001 第十八条: not 好) are listed with the unit
    assert any("高质量发展" in text for text in baishui.requires)

    due = use.explanation_due_grades(outcome)
    assert [(f.unit_id, f.scheme_id) for f in due] == [(cast.unit_b.pk, year_data.party.pk)]
    with pytest.raises(ValidationError):
        use.explanations_open(actor=cast.admin, outcome=outcome, due_on=dt.date(2000, 1, 1))
    due_on = timezone.localdate() + dt.timedelta(days=10)
    items = use.explanations_open(actor=cast.admin, outcome=outcome, due_on=due_on)
    assert len(items) == 1 and items[0].clause == "001 第十八条"
    assert use.explanations_open(actor=cast.admin, outcome=outcome, due_on=due_on) == []
    item = items[0]

    # the unit's liaison (白水镇: ``outsider``) has it in the to-do list; the other unit not
    today = timezone.localdate()
    assert [t.key for t in use.explanation_todo_items(cast.outsider, today)] == [
        f"explanation:{item.pk}"
    ]
    assert use.explanation_todo_items(cast.liaison, today) == []
    # past the due day: late for the liaison, overdue for the office
    later = due_on + dt.timedelta(days=1)
    assert use.explanation_todo_items(cast.outsider, later)[0].late
    assert use.explanation_todo_items(cast.admin, today) == []
    office = use.explanation_todo_items(cast.admin, later)
    assert len(office) == 1 and office[0].late

    use.explanation_submit(actor=cast.outsider, item=item, upload=PDF, name="说明.pdf")
    item.refresh_from_db()
    assert item.received_on == today and item.attachment.unit_id == cast.unit_b.pk
    assert use.explanation_todo_items(cast.outsider, later) == []
    assert use.explanation_todo_items(cast.admin, later) == []
    assert AuditEntry.objects.filter(action__startswith="explanation.").count() == 2


def test_a_graded_outcome_has_no_use_until_it_is_decided(
    cast, year_data, django_capture_on_commit_callbacks
):
    run = start(cast, django_capture_on_commit_callbacks)
    outcome = outcomes.outcome_open(actor=cast.admin, run=run)
    assert use.outcome_use(outcome).rows == []
    with pytest.raises(ValidationError):
        use.explanations_open(actor=cast.admin, outcome=outcome, due_on=timezone.localdate())


# ---- cadres: awards, tenure credit, low grades, cascades ------------------------------


def _cadre_scheme(year):
    from kaohe.schemes.services import scheme_create_from_preset

    schemes = scheme_create_from_preset(actor=None, year=year, preset_id="seed004-annual")
    return next(s for s in schemes if s.code == "cadre")


def _cadre_outcome(
    cast, scheme, year, grade, *, awards=(), trace=None, status=OutcomeStatus.DECIDED
):
    from kaohe.orgs.models import AssessmentYear

    year_obj = AssessmentYear.objects.get_or_create(year=year)[0]
    now = timezone.now()
    target = f"c{cast.cadre_a.pk}"
    result = {"format": "kaohe-result/1", "schemes": [{"id": f"s{scheme.pk}", "results": [
        {"target": target, "grade": grade, "requires": [], "awards": list(awards)}]}]}  # fmt: skip
    run = Run.objects.create(year=year_obj, suite=scheme.suite, status=RunStatus.DONE,
                             snapshot="{}", result=json.dumps(result, ensure_ascii=False),
                             created_at=now, finished_at=now)  # fmt: skip
    row = RunRow.objects.create(run=run, scheme=scheme, target=target, cadre=cast.cadre_a,
                                name="张书记", status="graded", grade=grade, position=0,
                                trace=trace or [{"step": "band", "grade": grade}])  # fmt: skip
    outcome = Outcome.objects.create(year=year_obj, suite=scheme.suite, run=run, status=status,
                                     created_at=now)  # fmt: skip
    FinalGrade.objects.create(outcome=outcome, scheme=scheme, target=target, cadre=cast.cadre_a,
                              row=row, status="graded", computed_grade=grade, grade=grade,
                              updated_at=now)  # fmt: skip
    return outcome


def test_three_excellent_years_give_the_award_and_a_year_and_a_half_of_tenure_credit(cast, db):
    from kaohe.schemes.tests.factories import year_2024

    scheme = _cadre_scheme(year_2024())
    _cadre_outcome(cast, scheme, 2022, "优秀")
    _cadre_outcome(cast, scheme, 2023, "优秀")
    _cadre_outcome(cast, scheme, 2021, "优秀", status=OutcomeStatus.GRADED)  # not decided
    outcome = _cadre_outcome(cast, scheme, 2024, "优秀", awards=["三等功"])
    row = use.outcome_use(outcome).cadres[0]
    assert row.awards == ["三等功"] and row.award_stands
    assert row.excellent_years == [2022, 2023, 2024]
    assert row.tenure_credit_text == "1.5"
    assert row.consequences == []


def test_unfit_two_years_running_lists_both_consequences_with_their_clauses(cast, db):
    from kaohe.schemes.tests.factories import year_2024

    scheme = _cadre_scheme(year_2024())
    first = _cadre_outcome(cast, scheme, 2023, "不称职")
    assert [c.clause for c in use.outcome_use(first).cadres[0].consequences] == [
        "公务员法 第五十条"
    ]
    second = _cadre_outcome(cast, scheme, 2024, "不称职")
    clauses = [c.clause for c in use.outcome_use(second).cadres[0].consequences]
    assert clauses == ["公务员法 第五十条", "公务员法 第八十八条"]
    basic = use.consequences_for("基本称职", set())
    assert len(basic) == 1 and "公务员法" in basic[0].clause


def test_the_party_building_cascade_is_an_engine_rule_and_shows_on_the_use_page(cast, db, client):
    """001 第十八条: the secretary of a unit not 好 in 党建 cannot be 优秀: preset 004's rule
    caps him, the trace says so and the result-use page shows the cascade."""
    document = load_preset("seed004-annual", year=2024)
    document["entities"] = {
        "units": [{"id": "u1", "name": "青山镇", "flags": ["党建工作成效未达到好"]}, {"id": "u2"}],
        "cadres": [
            {"id": "c1", "unit": "u1", "duties": ["secretary"]},
            {"id": "c2", "unit": "u2", "duties": ["secretary"]},
        ],
    }
    cadre = next(s for s in document["schemes"] if s["id"] == "cadre")
    team = next(s for s in document["schemes"] if s["id"] == "team")
    team["targets"] = [{"id": "u1", "inputs": {"score": 85}}, {"id": "u2", "inputs": {"score": 85}}]
    cadre["score"] = {"sum": [{"weight": 1, "of": "score"}]}
    cadre.pop("ballots")
    cadre["quotas"] = []
    cadre["targets"] = [
        {"id": c, "inputs": {"score": 95, "leader_ratings": ["优秀"]}} for c in ("c1", "c2")
    ]
    result = evaluate(load_text(json.dumps(document, default=str, ensure_ascii=False)))
    items = {r["target"]: r for r in result.to_dict("zh", True)["schemes"][1]["results"]}
    assert (items["c1"]["grade"], items["c2"]["grade"]) == ("称职", "优秀")
    cascades = use.cascades_of(items["c1"]["trace"])
    assert [(c.rule, c.before, c.after) for c in cascades] == [
        ("party_building_not_good", "优秀", "称职")
    ]

    from kaohe.schemes.tests.factories import year_2024

    scheme = _cadre_scheme(year_2024())
    outcome = _cadre_outcome(cast, scheme, 2024, "称职", trace=items["c1"]["trace"])
    client.force_login(cast.admin)
    page = client.get(reverse("results:use_detail", args=[outcome.pk])).content.decode()
    assert "001 第十八条" in page and "优秀 → <strong>称职</strong>" in page
    workbook = client.get(reverse("results:use_xlsx", args=[outcome.pk]))
    assert workbook.status_code == 200 and workbook.content[:2] == b"PK"


def test_the_use_page_takes_a_bounded_number_of_queries(
    cast, year_data, client, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    outcome = decided(cast, django_capture_on_commit_callbacks)
    use.explanations_open(
        actor=cast.admin, outcome=outcome, due_on=timezone.localdate() + dt.timedelta(days=5)
    )
    client.force_login(cast.admin)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("results:use_detail", args=[outcome.pk]))
    assert response.status_code == 200
    assert "待报送" in response.content.decode()


def test_a_liaison_hands_in_its_own_explanation_and_cannot_see_another_units(
    cast, year_data, client, django_capture_on_commit_callbacks
):
    outcome = decided(cast, django_capture_on_commit_callbacks)
    item = use.explanations_open(
        actor=cast.admin, outcome=outcome, due_on=timezone.localdate() + dt.timedelta(days=5)
    )[0]
    client.force_login(cast.liaison)  # 青山镇: not its unit
    assert client.get(reverse("results:explanation_detail", args=[item.pk])).status_code == 404
    client.force_login(cast.outsider)  # 白水镇's liaison
    url = reverse("results:explanation_detail", args=[item.pk])
    bad = client.post(url, {"form": "submit", "file": _upload(b"MZ not a pdf", "x.pdf")})
    assert bad.status_code == 200 and "errorlist" in bad.content.decode()
    assert WrittenExplanation.objects.get(pk=item.pk).received_on is None
    ok = client.post(url, {"form": "submit", "file": _upload(PDF, "说明.pdf")})
    assert ok.status_code == 302
    assert WrittenExplanation.objects.get(pk=item.pk).received_on == timezone.localdate()


def _upload(data, name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/pdf")


def test_the_demo_loader_opens_the_explanations_and_a_whatif(
    cast, year_data, django_capture_on_commit_callbacks
):
    from kaohe.results.demo_use import use_demo_load
    from kaohe.results.models import WhatIfDraft

    assert use_demo_load(year=2024) == (0, 0)  # nothing graded yet
    decided(cast, django_capture_on_commit_callbacks)
    assert use_demo_load(year=2024) == (1, 1)
    assert WrittenExplanation.objects.get().unit == cast.unit_b
    assert WhatIfDraft.objects.get().run.outcomes.exists()
    assert use_demo_load(year=2024) == (0, 0)


def test_the_office_sees_the_overdue_and_records_one_received_on_paper(
    cast, year_data, client, django_capture_on_commit_callbacks
):
    outcome = decided(cast, django_capture_on_commit_callbacks)
    item = use.explanations_open(actor=cast.admin, outcome=outcome, due_on=timezone.localdate())[0]
    WrittenExplanation.objects.filter(pk=item.pk).update(
        due_on=timezone.localdate() - dt.timedelta(days=3)
    )
    client.force_login(cast.admin)
    listing = client.get(reverse("results:explanation_list")).content.decode()
    assert 'class="late"' in listing and "已逾期" in listing
    url = reverse("results:explanation_detail", args=[item.pk])
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    refused = client.post(url, {"form": "receive", "received_on": tomorrow})
    assert "收到日期不能晚于今天" in refused.content.decode()
    today = timezone.localdate().isoformat()
    assert (
        client.post(url, {"form": "receive", "received_on": today, "note": "纸质"}).status_code
        == 302
    )
    item.refresh_from_db()
    assert (item.received_on.isoformat(), item.note) == (today, "纸质")
    assert 'class="late"' not in client.get(reverse("results:explanation_list")).content.decode()
    # a committee member reads, but cannot record
    client.force_login(cast.committee_member)
    assert client.post(url, {"form": "receive", "received_on": today}).status_code == 403


def test_the_decided_party_building_result_marks_the_units_not_good(
    cast, year_data, client, django_capture_on_commit_callbacks
):
    """001 第十八条: once the 党建 result is decided, 白水镇 (decided 一般) carries the flag
    preset 004's rule reads and 青山镇 (好) does not; a later 好 takes the flag away."""
    from kaohe.results.models import GradeSource

    run = start(cast, django_capture_on_commit_callbacks)
    graded = outcomes.outcome_open(actor=cast.admin, run=run)
    with pytest.raises(ValidationError):
        use.party_flags_apply(actor=cast.admin, outcome=graded)  # not decided yet
    final = FinalGrade.objects.get(outcome=graded, unit=cast.unit_b, scheme__code="party")
    outcomes.final_grade_change(
        actor=cast.admin, final=final, grade="一般", source=GradeSource.DECISION, reason="审定"
    )
    with transaction.atomic():
        outcomes.OUTCOME_WORKFLOW.move(graded, OutcomeStatus.DECIDED, actor=cast.admin)

    client.force_login(cast.admin)
    page = client.get(reverse("results:use_detail", args=[graded.pk])).content.decode()
    assert 'id="party-flags"' in page
    response = client.post(reverse("results:party_flags_apply", args=[graded.pk]))
    assert response.status_code == 302

    def flags(unit):
        return set(unit.flags.values_list("name", flat=True))

    assert use.PARTY_FLAG in flags(cast.unit_b) and use.PARTY_FLAG not in flags(cast.unit_a)
    assert AuditEntry.objects.filter(action="outcome.party_flags").count() == 1

    outcomes.final_grade_change(
        actor=cast.admin, final=final, grade="好", source=GradeSource.REVIEW, reason="复核"
    )
    assert use.party_flags_apply(actor=cast.admin, outcome=graded) == (0, 1)
    assert use.PARTY_FLAG not in flags(cast.unit_b)
    # liaisons may not apply it
    client.force_login(cast.liaison)
    assert client.post(reverse("results:party_flags_apply", args=[graded.pk])).status_code == 403
