"""Pages added to the foundation: years, leadership teams, ending a posting or a
secondment (the services write the audit rows)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse


def test_the_office_adds_and_renames_a_year(client, cast):
    from kaohe.core.models import AuditEntry
    from kaohe.orgs.models import AssessmentYear

    client.force_login(cast.admin)
    url = reverse("orgs:year_list")
    assert client.post(url, {"year": 2025, "name": "2025年度"}).status_code == 302
    assert "该年度已存在" in client.post(url, {"year": 2025}).content.decode()
    year = AssessmentYear.objects.get(year=2025)
    edit = reverse("orgs:year_edit", args=[year.pk])
    assert client.post(edit, {"year": 1999, "name": "二〇二五年度"}).status_code == 302
    year.refresh_from_db()
    assert (year.year, year.name) == (2025, "二〇二五年度")
    assert AuditEntry.objects.filter(action="year.update").exists()
    client.force_login(cast.leader)
    assert client.post(url, {"year": 2026}).status_code == 403


def test_teams_are_listed_searched_and_edited(client, cast, django_assert_max_num_queries):
    client.force_login(cast.admin)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("orgs:team_list")).content.decode()
    assert "青山镇领导班子" in page
    assert "共 1 个" in client.get(reverse("orgs:team_list"), {"q": "白水"}).content.decode()
    team = cast.unit_a.team
    response = client.post(reverse("orgs:team_edit", args=[team.pk]), {"name": "青山镇班子"})
    assert response.status_code == 302
    team.refresh_from_db()
    assert team.name == "青山镇班子" and team.is_assessed is False
    client.force_login(cast.outsider)
    page = client.get(reverse("orgs:team_list")).content.decode()
    assert "青山镇" not in page and "白水镇领导班子" in page


def test_a_posting_a_secondment_and_a_village_stint_are_ended_on_their_pages(client, cast):
    from kaohe.core.models import AuditEntry
    from kaohe.orgs import services

    client.force_login(cast.admin)
    posting = cast.cadre_a.postings.get()
    detail = client.get(reverse("orgs:cadre_detail", args=[cast.cadre_a.pk])).content.decode()
    assert reverse("orgs:posting_end", args=[cast.cadre_a.pk, posting.pk]) in detail
    url = reverse("orgs:posting_end", args=[cast.cadre_a.pk, posting.pk])
    assert (
        "结束日期不能早于开始日期" in client.post(url, {"end_date": "2019-01-01"}).content.decode()
    )
    assert client.post(url, {"end_date": "2024-06-30"}).status_code == 302
    posting.refresh_from_db()
    assert posting.end_date == dt.date(2024, 6, 30)
    assert "该任职已结束" in client.post(url, {"end_date": "2024-07-01"}).content.decode()

    secondment = services.secondment_create(
        actor=None, cadre=cast.cadre_b, level="city", host=cast.unit_a,
        start_date=dt.date(2024, 1, 1),
    )  # fmt: skip
    url = reverse("orgs:secondment_end", args=[cast.cadre_b.pk, secondment.pk])
    assert client.post(url, {"end_date": "2024-12-31"}).status_code == 302
    secondment.refresh_from_db()
    assert secondment.end_date == dt.date(2024, 12, 31)
    assert AuditEntry.objects.filter(action__in=["posting.end", "secondment.end"]).count() == 2
    other = reverse("orgs:secondment_end", args=[cast.cadre_a.pk, secondment.pk])
    assert client.get(other).status_code == 404  # not a secondment of that cadre

    village = services.village_assignment_create(
        actor=None, cadre=cast.cadre_b, village="石桥村", start_date=dt.date(2024, 2, 1)
    )
    url = reverse("orgs:village_end", args=[cast.cadre_b.pk, village.pk])
    detail = client.get(reverse("orgs:cadre_detail", args=[cast.cadre_b.pk])).content.decode()
    assert url in detail
    page = client.post(url, {"end_date": "2024-01-31"}).content.decode()
    assert "结束日期不能早于开始日期" in page
    assert client.post(url, {"end_date": "2024-08-31"}).status_code == 302
    village.refresh_from_db()
    assert village.end_date == dt.date(2024, 8, 31)
    assert AuditEntry.objects.filter(action="village.end", object_id=str(village.pk)).exists()
    assert "该驻村已结束" in client.post(url, {"end_date": "2024-09-30"}).content.decode()
    detail = client.get(reverse("orgs:cadre_detail", args=[cast.cadre_b.pk])).content.decode()
    assert url not in detail  # an ended stint has no end link
    other = reverse("orgs:village_end", args=[cast.cadre_a.pk, village.pk])
    assert client.get(other).status_code == 404
