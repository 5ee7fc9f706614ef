"""What-if (模拟测算): a copy of a scheme changed and graded against a stored run's snapshot,
compared with it, without touching the real results."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kaohe.results import outcomes, whatif
from kaohe.results.models import FinalGrade, Run, RunRow, WhatIfDraft
from kaohe.results.tests.test_runs import start

D = Decimal


def _real(run):
    rows = list(
        RunRow.objects.filter(run=run).values_list(
            "target", "scheme_id", "score", "rank", "grade", "trace"
        )
    )
    finals = list(FinalGrade.objects.values_list("target", "grade", "computed_grade", "source"))
    return rows, finals, Run.objects.count(), RunRow.objects.count(), run.result


@pytest.fixture
def graded(cast, year_data, django_capture_on_commit_callbacks):
    run = start(cast, django_capture_on_commit_callbacks)
    outcomes.outcome_open(actor=cast.admin, run=run)
    return run


def test_the_knobs_are_the_weights_the_band_lines_and_the_quota_ratios(year_data):
    found = whatif.knobs(year_data.party.current_version.definition)
    labels = [(k.group, k.dotted, k.value) for k in found]
    assert ("weights", "score.sum[0].weight", D("0.875")) in labels
    assert ("weights", "score.sum[0].of.sum[1].weight", D("0.2")) in labels
    assert ("bands", "bands.好", D("90")) in labels
    changed = whatif.with_knobs(year_data.party.current_version.definition,
                                {k.name: D("85") for k in found if k.dotted == "bands.好"})  # fmt: skip
    assert changed["bands"]["好"] == 85
    assert year_data.party.current_version.definition["bands"]["好"] == 90
    # the lines come in the grades' order, whatever the stored mapping's order (jsonb's)
    definition = dict(year_data.party.current_version.definition)
    definition["bands"] = dict(reversed(list(definition["bands"].items())))
    lines = [k.dotted for k in whatif.knobs(definition) if k.group == "bands"]
    assert lines == [f"bands.{g}" for g in definition["grades"] if g in definition["bands"]]


def test_lowering_a_band_line_shows_who_changes_and_never_writes_the_real_results(
    cast, year_data, graded
):
    before = _real(graded)
    draft = whatif.whatif_create(actor=cast.admin, scheme=year_data.party)
    assert draft.run == graded
    assert whatif.whatif_grade(draft).changes == []  # an unchanged copy changes nobody
    higher = {k.name: D("95") for k in whatif.knobs(draft.definition) if k.dotted == "bands.好"}
    definition = whatif.with_knobs(draft.definition, higher)
    result = whatif.whatif_update(actor=cast.admin, draft=draft, definition=definition)
    changed = {(c.name, c.old.grade, c.new.grade) for c in result.grade_changes}
    assert changed == {("青山镇", "好", "较好")}  # 91.05 is below a 95 line
    assert _real(graded) == before
    draft.refresh_from_db()
    assert draft.definition["bands"]["好"] == 95


def test_a_quota_added_by_yaml_moves_the_unit_past_its_slots_down(cast, year_data, graded):
    draft = whatif.whatif_create(actor=cast.admin, scheme=year_data.party)
    definition = dict(draft.definition)
    definition["quotas"] = [{"grade": "好", "ratio": 0.1}]  # floor(0.1 × 2) = 0 slots
    result = whatif.whatif_update(actor=cast.admin, draft=draft, definition=definition)
    moved = [(c.name, c.old.grade, c.new.grade) for c in result.grade_changes]
    assert ("青山镇", "好", "较好") in moved
    # the knobs now offer the quota ratio
    assert any(k.group == "quotas" for k in whatif.knobs(draft.definition))


def test_weights_that_do_not_add_up_are_refused_beside_the_weight_and_nothing_is_saved(
    cast, year_data, graded
):
    draft = whatif.whatif_create(actor=cast.admin, scheme=year_data.party)
    saved = draft.definition
    knob = next(k for k in whatif.knobs(draft.definition) if k.dotted == "score.sum[1].weight")
    with pytest.raises(whatif.WhatIfError) as caught:
        whatif.whatif_update(actor=cast.admin, draft=draft,
                             definition=whatif.with_knobs(draft.definition, {knob.name: D("0.2")}))  # fmt: skip
    assert caught.value.group == whatif.WEIGHTS
    assert caught.value.problem.path.startswith("score")
    draft.refresh_from_db()
    assert draft.definition == saved


def test_a_scheme_without_a_finished_run_cannot_be_simulated(cast, year_data):
    with pytest.raises(ValidationError):
        whatif.whatif_create(actor=cast.admin, scheme=year_data.party)


def test_the_page_shows_the_engine_error_beside_the_field_and_the_changes(
    cast, year_data, graded, client
):
    client.force_login(cast.admin)
    response = client.post(reverse("results:whatif_create"), {"scheme": year_data.party.pk})
    draft = WhatIfDraft.objects.get()
    assert response.url == reverse("results:whatif_detail", args=[draft.pk])
    url = response.url
    knobs = {k.dotted: k.name for k in whatif.knobs(draft.definition)}
    values = {k.name: format(k.value, "f") for k in whatif.knobs(draft.definition)}
    bad = client.post(url, {"form": "knobs", **values, knobs["score.sum[1].weight"]: "0.3"})
    page = bad.content.decode()
    assert bad.status_code == 200
    assert (
        f'id="id_{knobs["score.sum[0].weight"]}_errors"' in page
        or f'id="id_{knobs["score.sum[1].weight"]}_errors"' in page
    )
    bad_yaml = client.post(url, {"form": "yaml", "text": "id: party\nname: x\n"})
    assert "errorlist" in bad_yaml.content.decode()
    ok = client.post(url, {"form": "knobs", **values, knobs["bands.好"]: "95"})
    assert ok.status_code == 302
    page = client.get(url).content.decode()
    assert "grade-changed" in page
    client.force_login(cast.committee_member)  # may view, not change
    assert client.get(url).status_code == 200
    assert client.post(url, {"form": "knobs", **values}).status_code == 403


def test_the_whatif_page_takes_a_bounded_number_of_queries(
    cast, year_data, graded, client, django_assert_max_num_queries
):
    draft = whatif.whatif_create(actor=cast.admin, scheme=year_data.party)
    client.force_login(cast.admin)
    with django_assert_max_num_queries(16):
        assert client.get(reverse("results:whatif_detail", args=[draft.pk])).status_code == 200


def test_the_page_grades_once_per_saved_definition(cast, year_data, graded, client, monkeypatch):
    draft = whatif.whatif_create(actor=cast.admin, scheme=year_data.party)
    graded_now = []
    real = whatif.whatif_grade

    def counted(*args, **kwargs):
        graded_now.append(args[0].pk)
        return real(*args, **kwargs)

    monkeypatch.setattr(whatif, "whatif_grade", counted)
    client.force_login(cast.admin)
    url = reverse("results:whatif_detail", args=[draft.pk])
    first, second = client.get(url).content.decode(), client.get(url).content.decode()
    assert len(graded_now) == 1 and "grade-changed" not in first
    assert "grade-changed" not in second
    values = {k.name: format(k.value, "f") for k in whatif.knobs(draft.definition)}
    knob = next(k.name for k in whatif.knobs(draft.definition) if k.dotted == "bands.好")
    assert client.post(url, {"form": "knobs", **values, knob: "95"}).status_code == 302
    assert len(graded_now) == 2  # graded to save it; the page after reads that result
    assert "grade-changed" in client.get(url).content.decode()
    assert len(graded_now) == 2


def test_each_knob_says_the_clause_its_number_comes_from(cast, year_data, graded, client):
    version = year_data.party.current_version
    found = {k.dotted: k for k in whatif.knobs(version.definition, version.notes)}
    assert "第十四条" in found["score.sum[0].weight"].note  # 党建工作成效考核总分×0.875
    assert "第十四条" in found["score.sum[0].of.sum[1].weight"].note  # 述职评议 20%
    assert all(k.note == "" for k in whatif.knobs(version.definition))
    draft = whatif.whatif_create(actor=cast.admin, scheme=year_data.party)
    client.force_login(cast.admin)
    page = client.get(reverse("results:whatif_detail", args=[draft.pk])).content.decode()
    assert found["score.sum[0].weight"].note in page


def test_the_yaml_shows_the_draft_in_its_schemes_written_order(cast, year_data, graded, client):
    """PostgreSQL's jsonb keeps no key order: the draft's YAML follows the order its scheme
    version was written in (its text), on either database."""
    import yaml

    from kaohe.schemes.notes import in_written_order

    version = year_data.party.current_version
    assert version.source_text  # a scheme made from its preset keeps its text
    written, _notes = in_written_order(version)
    draft = whatif.whatif_create(actor=cast.admin, scheme=year_data.party)
    client.force_login(cast.admin)
    page = client.get(reverse("results:whatif_detail", args=[draft.pk]))
    text = page.context["yaml_form"].initial["text"]
    shown = yaml.safe_load(text)
    assert list(shown) == list(written)
    assert list(shown["bands"]) == list(written["bands"])
    assert text.startswith("id: ")
