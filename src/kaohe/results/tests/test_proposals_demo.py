"""The demo county's current year, graded and open to proposals: the 004 suite's run is
done, its outcome based on it, and 青山镇's party committee finds its cadres' proposal."""

from __future__ import annotations

from django.urls import reverse

from kaohe.demo.services import DEMO_PASSWORD as PASSWORD


def test_the_demo_grades_the_year_and_a_party_committee_can_propose(db, client):
    from kaohe.core.models import User
    from kaohe.demo.services import demo_site_load
    from kaohe.results.demo_outcomes import demo_proposals_load
    from kaohe.results.models import Outcome, OutcomeStatus, RunStatus

    demo_site_load(year=2024)  # calls demo_proposals_load
    outcome = Outcome.objects.get(year__year=2024)
    assert outcome.run.status == RunStatus.DONE, outcome.run.message
    assert outcome.status == OutcomeStatus.GRADED
    grades = set(outcome.grades.values_list("grade", flat=True))
    assert {"优秀", "称职"} <= grades
    committee = User.objects.get(username="dangwei")
    assert committee.check_password(PASSWORD) and committee.unit.code == "T03"
    client.force_login(committee)
    listed = client.get(reverse("results:outcome_list")).content.decode()
    assert committee.unit.name in listed
    cadre = outcome.grades.filter(row__group=f"u{committee.unit_id}").select_related("row")[0]
    page = client.get(
        reverse("results:proposal_edit", args=[outcome.pk, cadre.scheme_id, cadre.row.group])
    )
    assert page.status_code == 200 and cadre.row.name in page.content.decode()
    assert demo_proposals_load(year=2024, password=PASSWORD)["users"] == []  # users once
