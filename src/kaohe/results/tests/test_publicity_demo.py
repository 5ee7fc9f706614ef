"""The demo's past year: graded from the database (with the paper ballots of that year),
decided, publicised with an objection, published, one 复核 that changed a grade after a
recomputation, and the demo cadre who reads their grade."""

from __future__ import annotations

from django.urls import reverse

from kaohe.results.models import AppealKind, GradeSource, Outcome, OutcomeStatus


def test_the_demo_has_a_published_past_year_with_one_review(client, db):
    from kaohe.core.models import User
    from kaohe.demo.services import DEMO_PASSWORD, demo_site_load
    from kaohe.results.demo_published import demo_published_load

    summary = demo_site_load(year=2026)  # calls demo_published_load
    assert ("cadre", "干部本人", "") in summary.users
    outcome = Outcome.objects.get(year__year=2025)
    assert outcome.status == OutcomeStatus.PUBLISHED and outcome.objections.count() == 1
    assert outcome.grades.filter(grade="优秀").count() > 10
    changed = outcome.grades.get(source=GradeSource.REVIEW)
    change = changed.changes.get()
    assert (change.old_grade, change.new_grade) == ("称职", "优秀")
    assert change.run.recomputed_from_id == outcome.run_id
    assert changed.appeals.get().kind == AppealKind.REVIEW
    user = User.objects.get(username="cadre")
    assert user.cadre_id == changed.cadre_id and user.check_password(DEMO_PASSWORD)
    client.force_login(user)
    page = client.get(reverse("results:own_results")).content.decode()
    assert "2025 年度" in page and "优秀" in page and "复核" in page
    assert demo_published_load(password=DEMO_PASSWORD, year=summary.year) is None  # idempotent
    assert Outcome.objects.filter(year__year=2025).count() == 1
