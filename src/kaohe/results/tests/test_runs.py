"""Grading runs: a background job builds, grades and stores; a stored run can be
exported, recomputed from its snapshot and compared with another."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout
from decimal import Decimal

import pytest

from kaohe.cli import main
from kaohe.core.models import Job, JobStatus
from kaohe.results import services
from kaohe.results.builder import build_scenario
from kaohe.results.compare import compare_runs
from kaohe.results.models import Run, RunRow, RunStatus
from kaohe.results.tests.conftest import component

D = Decimal


def start(cast, capture, suite=""):
    from kaohe.orgs.models import AssessmentYear

    with capture(execute=True):  # the job runs (eagerly) on commit
        run = services.run_create(
            actor=cast.admin, year=AssessmentYear.objects.get(year=2024), suite=suite
        )
    run.refresh_from_db()
    return run


def test_a_run_grades_the_year_in_a_background_job_and_keeps_everything(
    cast, year_data, django_capture_on_commit_callbacks
):
    run = start(cast, django_capture_on_commit_callbacks)
    assert run.status == RunStatus.DONE and run.started_at and run.finished_at
    assert Job.objects.get(pk=run.job_id).status == JobStatus.DONE
    row = RunRow.objects.get(run=run, scheme=year_data.party, unit=cast.unit_a)
    assert (row.score, row.rank, row.grade, row.name) == (D("91.05"), 1, "好", "青山镇")
    assert any(step.get("step") == "band" for step in row.trace)
    assert set(run.versions.all()) == {year_data.party.current_version,
                                       year_data.review.current_version}  # fmt: skip
    assert (
        run.snapshot
        == "".join(
            __import__("kaohe.results.jsonout", fromlist=["x"]).chunks(
                build_scenario(2024).document
            )
        )
        + "\n"
    )
    assert run.result_document["format"] == "kaohe-result/1"


def test_kaohe_evaluate_of_the_exported_scenario_gives_exactly_the_exported_result(
    cast, year_data, django_capture_on_commit_callbacks, tmp_path
):
    start(cast, django_capture_on_commit_callbacks, suite="党建工作成效考核")

    def cli(*args):
        out = io.StringIO()
        with redirect_stdout(out):
            assert main(list(args)) == 0
        return out.getvalue()

    scenario = tmp_path / "scenario.json"
    scenario.write_text(cli("scenario", "export", "2024", "--suite", "党建工作成效考核"))
    evaluated = cli("evaluate", str(scenario), "--format", "json")
    exported = cli("results", "export", "2024", "--suite", "党建工作成效考核")
    assert json.loads(evaluated) == json.loads(exported)
    assert exported == evaluated  # byte for byte, too


def test_results_export_without_a_finished_run_says_so(cast, year_data, capsys):
    assert main(["results", "export", "2024"]) == 2
    assert "没有已完成的考核结果计算" in capsys.readouterr().err


def test_a_scenario_the_engine_refuses_fails_the_run_with_its_message(
    cast, year_data, django_capture_on_commit_callbacks
):
    from kaohe.results.models import ComponentScore

    ComponentScore.objects.filter(scheme=year_data.party, input_name="leader").delete()
    run = start(cast, django_capture_on_commit_callbacks)
    assert run.status == RunStatus.FAILED
    assert "leader" in run.message
    assert not RunRow.objects.filter(run=run).exists()


def test_a_stored_run_recomputed_from_its_snapshot_gives_the_same_result(
    cast, year_data, django_capture_on_commit_callbacks
):
    first = start(cast, django_capture_on_commit_callbacks)
    component(year_data.party, cast.unit_b, "leader", "100")  # the database moves on
    with django_capture_on_commit_callbacks(execute=True):
        again = services.run_recompute(actor=cast.admin, run=first)
    again.refresh_from_db()
    assert again.status == RunStatus.DONE and again.recomputed_from == first
    assert again.result == first.result
    assert compare_runs(first, again) == []


def test_comparing_two_runs_names_who_changed_and_why(
    cast, year_data, django_capture_on_commit_callbacks
):
    first = start(cast, django_capture_on_commit_callbacks)
    component(year_data.party, cast.unit_b, "indicators", "99")
    component(year_data.party, cast.unit_b, "leader", "99")
    component(year_data.party, cast.unit_b, "review", "95")
    component(year_data.review, cast.unit_b, "score", "95")  # 好 in the review: no cap
    second = start(cast, django_capture_on_commit_callbacks)
    changes = compare_runs(first, second)
    review = "党委(党组)书记抓基层党建工作述职评议（党建工作成效考核）"
    assert {(c.scheme, c.name) for c in changes} == {
        ("党建工作成效考核", "白水镇"),
        ("党建工作成效考核", "青山镇"),
        (review, "白水镇"),
        (review, "青山镇"),
    }
    by_name = {c.name: c for c in changes if c.scheme == "党建工作成效考核"}
    change = by_name["白水镇"]
    assert (change.old.grade, change.new.grade) == ("较好", "好")
    assert change.grade_changed
    assert "分项 indicators：85 → 99" in change.reasons
    assert "分项 leader：85 → 99" in change.reasons
    # 青山镇 kept its grade but lost first place to 白水镇: its own inputs did not change
    moved = by_name["青山镇"]
    assert (moved.old.rank, moved.new.rank, moved.grade_changed) == (1, 2, False)
    assert moved.reasons == ["输入相同；其他考核对象的变化影响了排名或名额"], moved.reasons


def test_history_comes_from_the_latest_finished_run_of_an_earlier_year(cast, year_data):
    from django.utils import timezone

    from kaohe.orgs.services import year_create
    from kaohe.schemes.tests import factories

    earlier = year_create(actor=None, year=2023, name="2023年度")
    party_2023 = factories.party_schemes(earlier)["party"]
    for finished, grade in ((timezone.now() - timezone.timedelta(days=1), "一般"),
                            (timezone.now(), "好")):  # fmt: skip
        run = Run.objects.create(year=earlier, status=RunStatus.DONE, created_at=finished,
                                 finished_at=finished)  # fmt: skip
        RunRow.objects.create(run=run, scheme=party_2023, target=f"u{cast.unit_a.pk}",
                              status="graded", grade=grade, position=0)  # fmt: skip
    party = next(
        s for s in build_scenario(2024).document["schemes"] if s["id"] == f"s{year_data.party.pk}"
    )
    a = next(t for t in party["targets"] if t["id"] == f"u{cast.unit_a.pk}")
    assert a["history"] == {2023: "好"}


def test_a_year_without_published_schemes_cannot_be_graded(cast, party):
    from django.core.exceptions import ValidationError

    from kaohe.orgs.models import AssessmentYear

    with pytest.raises(ValidationError) as refused:
        services.run_create(actor=cast.admin, year=AssessmentYear.objects.get(year=2024))
    assert refused.value.error_dict["suite"][0].code == "no_schemes"
