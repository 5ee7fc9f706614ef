"""The pages of the results app: start a run, follow it, read it, compare two, import."""

from __future__ import annotations

import io

from django.urls import reverse

from kaohe.core.models import Job, JobStatus
from kaohe.core.xlsx import layout_workbook
from kaohe.results import services
from kaohe.results.models import ComponentScore, Run, RunStatus


def _start(client, cast, capture, suite=""):
    from kaohe.orgs.models import AssessmentYear

    client.force_login(cast.admin)
    year = AssessmentYear.objects.get(year=2024)
    with capture(execute=True):
        response = client.post(reverse("results:run_create"), {"year": year.pk, "suite": suite})
    run = Run.objects.latest("pk")
    assert response.status_code == 302 and response["Location"] == run.get_absolute_url()
    return run


def test_the_office_starts_a_run_and_reads_every_schemes_table(
    client, cast, year_data, django_capture_on_commit_callbacks
):
    run = _start(client, cast, django_capture_on_commit_callbacks)
    page = client.get(run.get_absolute_url()).content.decode()
    assert "党建工作成效考核" in page and "青山镇" in page and "91.05" in page
    assert 'value="100"' in page  # the progress bar is full
    assert "hx-trigger" not in page  # a finished run is not polled


def test_the_run_page_polls_while_queued_and_reloads_once_done(client, cast, year_data):
    from kaohe.orgs.models import AssessmentYear

    run = services.run_create(actor=cast.admin, year=AssessmentYear.objects.get(year=2024))
    client.force_login(cast.leader)
    page = client.get(run.get_absolute_url()).content.decode()
    assert reverse("results:run_progress", args=[run.pk]) in page and "every 2s" in page
    polled = client.get(reverse("results:run_progress", args=[run.pk]), HTTP_HX_REQUEST="true")
    assert "HX-Refresh" not in polled and 'value="10"' in polled.content.decode()
    Job.objects.filter(pk=run.job_id).update(status=JobStatus.RUNNING)
    polled = client.get(reverse("results:run_progress", args=[run.pk]), HTTP_HX_REQUEST="true")
    assert 'value="50"' in polled.content.decode() and "计算中" in polled.content.decode()
    Run.objects.filter(pk=run.pk).update(status=RunStatus.DONE)
    polled = client.get(reverse("results:run_progress", args=[run.pk]), HTTP_HX_REQUEST="true")
    assert polled["HX-Refresh"] == "true"


def test_the_run_page_costs_the_same_queries_for_more_targets(
    client, cast, year_data, django_capture_on_commit_callbacks
):
    from kaohe.orgs.services import unit_create

    small = _start(client, cast, django_capture_on_commit_callbacks)
    for i in range(6):
        unit = unit_create(actor=None, code=f"t{i}", name=f"镇{i}", category=cast.town_category)
        for code, name, value in (("review", "score", "70"), ("party", "review", "70"),
                                  ("party", "leader", "70")):  # fmt: skip
            scheme = year_data.review if code == "review" else year_data.party
            ComponentScore.objects.create(scheme=scheme, unit=unit, input_name=name,
                                          value=value, updated_at=small.created_at)  # fmt: skip
    large = _start(client, cast, django_capture_on_commit_callbacks)
    assert large.rows.count() > small.rows.count() + 10
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(small.get_absolute_url()).status_code == 200
    with CaptureQueriesContext(connection) as many:
        assert client.get(large.get_absolute_url()).status_code == 200
    assert 0 < len(many.captured_queries) == len(few.captured_queries) <= 20


def test_the_trace_page_reads_the_engines_steps_in_chinese(
    client, cast, year_data, django_capture_on_commit_callbacks
):
    run = _start(client, cast, django_capture_on_commit_callbacks)
    row = run.rows.get(scheme=year_data.party, unit=cast.unit_b)
    page = client.get(reverse("results:row_trace", args=[row.pk])).content.decode()
    assert "白水镇" in page and "较好" in page
    assert all(step["note"] in page for step in row.trace if "note" in step)
    # each step with the seed clause of the element that made it (the preset's comments)
    assert "001 第十七条 第二款" in page  # the review_not_good cap
    assert "001 第十四条" in page  # the score's weights


def test_comparing_on_the_page_lists_the_change_with_its_reason(
    client, cast, year_data, django_capture_on_commit_callbacks
):
    first = _start(client, cast, django_capture_on_commit_callbacks)
    ComponentScore.objects.filter(scheme=year_data.party, unit=cast.unit_a,
                                  input_name="leader").update(value=20)  # fmt: skip
    second = _start(client, cast, django_capture_on_commit_callbacks)
    client.force_login(cast.committee_member)
    page = client.get(reverse("results:run_compare"), {"old": first.pk, "new": second.pk})
    text = page.content.decode()
    assert "青山镇" in text and "分项 leader：90 → 20" in text


def test_recompute_on_the_page_starts_a_run_from_the_snapshot(
    client, cast, year_data, django_capture_on_commit_callbacks
):
    first = _start(client, cast, django_capture_on_commit_callbacks)
    client.force_login(cast.leader)
    assert client.post(reverse("results:run_recompute", args=[first.pk])).status_code == 403
    client.force_login(cast.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("results:run_recompute", args=[first.pk]))
    again = Run.objects.latest("pk")
    assert response["Location"] == again.get_absolute_url()
    assert again.recomputed_from == first and again.result == first.result


def _workbook(scheme, rows):
    return io.BytesIO(layout_workbook(services.component_layout(scheme), rows))


def test_components_are_imported_from_excel_all_or_nothing(client, cast, year_data):
    client.force_login(cast.admin)
    url = reverse("results:component_import", args=[year_data.party.pk])
    bad = _workbook(
        year_data.party,
        [["qingshan", "", "leader", "88"], ["nowhere", "", "leader", "80"],
         ["baishui", "", "salary", "80"], ["baishui", "", "leader", "=1+1"]],
    )  # fmt: skip
    bad.name = "bad.xlsx"
    page = client.post(url, {"file": bad}).content.decode()
    assert "没有编码为“nowhere”的单位" in page
    assert "应为数字" in page and "salary" in page
    assert ComponentScore.objects.get(scheme=year_data.party, unit=cast.unit_a,
                                      input_name="leader").value == 90  # fmt: skip
    good = _workbook(year_data.party, [["qingshan", "", "leader", "88.5"]])
    good.name = "good.xlsx"
    response = client.post(url, {"file": good})
    assert response.status_code == 302
    row = ComponentScore.objects.get(scheme=year_data.party, unit=cast.unit_a, input_name="leader")
    assert (row.value, row.file_name, row.updated_by) == (88.5, "good.xlsx", cast.admin)


def test_the_component_template_offers_the_schemes_inputs(client, cast, year_data):
    from openpyxl import load_workbook

    client.force_login(cast.admin)
    response = client.get(reverse("results:component_template", args=[year_data.party.pk]))
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [c.value for c in sheet[1]] == ["单位编码", "干部姓名", "分项", "分值"]
    assert "leader" in str(sheet.data_validations.dataValidation[0].formula1)


def test_the_guide_chapter_is_linked_and_served_with_its_screenshots(client, cast):
    client.force_login(cast.leader)
    page = client.get(reverse("results:run_list")).content.decode()
    chapter = reverse("core:guide", args=["results"])
    assert chapter in page
    text = client.get(chapter).content.decode()
    assert "考核结果计算" in text and "results-trace.png" in text
    for name in ("results-run.png", "results-trace.png", "results-compare.png"):
        image = client.get(reverse("core:guide_image", args=[name]))
        assert image.status_code == 200, name


def test_hostile_cells_are_refused_by_row_and_column_in_chinese(client, cast, year_data):
    client.force_login(cast.admin)
    url = reverse("results:component_import", args=[year_data.party.pk])
    bad = _workbook(
        year_data.party,
        [["qingshan", "", "leader", "NaN"], ["qingshan", "", "review", "1e400"],
         ["baishui", "", "leader", "=SUM(A1:A9)"], ["baishui", "张三", "leader", "80"],
         ["qingshan", "", "leader", "70"], ["qingshan", "", "leader", "71"]],
    )  # fmt: skip
    bad.name = "hostile.xlsx"
    response = client.post(url, {"file": bad})
    places = {(e.row, e.header) for e in response.context["errors"]}
    assert {
        (2, "分值"),
        (3, "分值"),
        (4, "分值"),
        (5, "干部姓名"),
        (6, "分项"),
        (7, "分项"),
    } <= places
    messages = [e.message for e in response.context["errors"]]
    assert "单位、领导班子方案的干部姓名应留空" in messages, messages
    assert messages.count("与第 2 行重复") == 2, messages  # rows 6 and 7 repeat row 2
    assert not ComponentScore.objects.filter(file_name="hostile.xlsx").exists()


def test_a_run_whose_job_failed_outside_the_engine_shows_the_jobs_message(client, cast, year_data):
    from kaohe.orgs.models import AssessmentYear

    run = services.run_create(actor=cast.admin, year=AssessmentYear.objects.get(year=2024))
    Job.objects.filter(pk=run.job_id).update(
        status=JobStatus.FAILED, result={"message": "OperationalError: database is locked"}
    )
    client.force_login(cast.admin)
    page = client.get(run.get_absolute_url()).content.decode()
    assert "计算未完成：OperationalError: database is locked" in page
    assert "every 2s" not in page


def test_the_run_list_shows_each_runs_state_in_few_queries(
    client, cast, year_data, django_capture_on_commit_callbacks
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _start(client, cast, django_capture_on_commit_callbacks)
    with CaptureQueriesContext(connection) as one:
        assert "已完成" in client.get(reverse("results:run_list")).content.decode()
    for _ in range(3):
        _start(client, cast, django_capture_on_commit_callbacks)
    with CaptureQueriesContext(connection) as four:
        assert client.get(reverse("results:run_list")).content.decode().count("已完成") == 4
    assert 0 < len(four.captured_queries) == len(one.captured_queries) <= 12
