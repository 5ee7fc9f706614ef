"""A rating round's targets chosen among many cadres (search, a whole unit or category,
remove) and its workbook for the office."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from kaohe.ballots import ratings
from kaohe.ballots.models import RatingRound
from kaohe.ballots.tests import survey_factories as f


def test_a_cadre_round_starts_from_a_unit_and_grows_by_search_and_category(client, cast):
    client.force_login(cast.admin)
    response = client.post(reverse("ballots:rating_round_create"), {
        "year": f.year_2024().pk, "name": "一季度", "subject": "cadre", "period": "Q1",
        "raters": [cast.leader.pk], "cadre_units": [cast.unit_a.pk],
    })  # fmt: skip
    round_ = RatingRound.objects.get()
    assert response.status_code == 302
    assert list(round_.cadres.values_list("name", flat=True)) == ["张青山"]
    found = client.get(reverse("ballots:rating_round_cadre_search", args=[round_.pk]),
                       {"q": "lbs"}).content.decode()  # fmt: skip
    assert "李白水" in found and "白水镇 副镇长" in found
    # one already in the round is not offered
    assert (
        "张青山"
        not in client.get(
            reverse("ballots:rating_round_cadre_search", args=[round_.pk]), {"q": "zqs"}
        ).content.decode()
    )
    add = reverse("ballots:rating_round_targets_add", args=[round_.pk])
    panel = client.post(add, {"category": cast.town_category.pk}, HTTP_HX_REQUEST="true")
    assert "已加入 1 个评价对象" in panel.content.decode()
    assert round_.cadres.count() == 2
    remove = reverse("ballots:rating_round_target_remove", args=[round_.pk])
    assert client.post(remove, {"target": cast.cadre_b.pk}).status_code == 302
    assert list(round_.cadres.values_list("name", flat=True)) == ["张青山"]


def test_a_unit_round_without_cadres_in_office_asks_for_another_choice(client, cast):
    client.force_login(cast.admin)
    page = client.post(reverse("ballots:rating_round_create"), {
        "year": f.year_2024().pk, "name": "空", "subject": "cadre", "period": "Q1",
        "raters": [cast.leader.pk], "cadre_units": [cast.responsible_unit.pk],
    }).content.decode()  # fmt: skip
    assert "没有在任干部" in page and not RatingRound.objects.exists()


def test_a_rated_target_stays_and_a_closed_round_is_fixed(cast):
    round_ = f.rating_round([cast.leader], cadres=[cast.cadre_a, cast.cadre_b])
    ratings.ratings_save(actor=cast.leader, round=round_, values={cast.cadre_a.pk: "优秀"})
    with pytest.raises(ValidationError) as refused:
        ratings.rating_round_target_remove(actor=cast.admin, round=round_, target=cast.cadre_a)
    assert refused.value.code == "rated" and "不能移除" in refused.value.messages[0]
    ratings.rating_round_set_status(actor=cast.admin, round=round_, status="closed")
    with pytest.raises(ValidationError) as refused:
        ratings.rating_round_targets_add(actor=cast.admin, round=round_, cadres=[cast.cadre_b])
    assert refused.value.code == "round_closed"


def test_the_targets_page_and_search_ask_a_bounded_number_of_queries(
    client, cast, django_assert_max_num_queries
):
    from kaohe.orgs import services as orgs

    many = [
        orgs.cadre_create(actor=None, name=f"王{i}号", first_posting={
            "unit": cast.unit_a, "post": "干事", "start_date": dt.date(2020, 1, 1)})
        for i in range(40)
    ]  # fmt: skip
    round_ = f.rating_round([cast.leader], cadres=many)
    client.force_login(cast.admin)
    with django_assert_max_num_queries(14):
        page = client.get(reverse("ballots:rating_round_targets", args=[round_.pk]))
    assert page.content.decode().count("王") >= 40
    round_two = f.rating_round([cast.leader], cadres=[cast.cadre_a], period="Q2")
    with django_assert_max_num_queries(10):
        found = client.get(reverse("ballots:rating_round_cadre_search", args=[round_two.pk]),
                           {"q": "wang"}).content.decode()  # fmt: skip
    assert found.count("王") == 30  # the search lists 30 at most


def test_the_workbook_gives_the_office_who_rated_what_and_who_has_not(client, cast):
    other = f.leader("leader2")
    third = f.leader("leader3")
    round_ = f.rating_round([cast.leader, other, third], units=[cast.unit_a, cast.unit_b],
                            trimmed=True)  # fmt: skip
    ratings.ratings_save(actor=cast.leader, round=round_,
                         values={cast.unit_a.pk: "90", cast.unit_b.pk: "70"})  # fmt: skip
    ratings.ratings_save(actor=other, round=round_, values={cast.unit_a.pk: "80"})
    ratings.ratings_save(actor=third, round=round_, values={cast.unit_a.pk: "1"})
    client.force_login(cast.admin)
    response = client.get(reverse("ballots:rating_round_export", args=[round_.pk]))
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["评价结果", "打分明细", "未完成"]
    results = {
        row[0].value: [c.value for c in row] for row in book["评价结果"].iter_rows(min_row=2)
    }
    # 青山镇: 90, 80, 1: mean 57, trimmed 80 (the round uses the trimmed mean)
    assert results["青山镇"] == ["青山镇", 3, 57.0, 80.0, 80.0]
    assert results["白水镇"] == ["白水镇", 1, 70.0, None, 70.0]
    detail = [[c.value for c in row][:3] for row in book["打分明细"].iter_rows(min_row=2)]
    assert len(detail) == 4 and [str(other), "青山镇", 80.0] in detail
    pending = [[c.value for c in row] for row in book["未完成"].iter_rows(min_row=2)]
    assert sorted(p[0] for p in pending) == sorted([str(other), str(third)])
    assert all(p[3] == "白水镇" for p in pending)
    client.force_login(cast.leader)
    assert client.get(reverse("ballots:rating_round_export", args=[round_.pk])).status_code == 403


def _county_of_cadres(cast, count):
    """``count`` cadres in office in the towns (bulk rows, with their search text)."""
    from kaohe.orgs.models import Cadre, Posting
    from kaohe.orgs.pinyin import search_text

    surnames = "王李张刘陈杨黄赵吴周"
    names = [f"{surnames[i % 10]}{'明华国强伟芳秀英'[i % 8]}{i}" for i in range(count)]
    cadres = Cadre.objects.bulk_create(Cadre(name=n, search=search_text(n)) for n in names)
    units = [cast.unit_a, cast.unit_b]
    Posting.objects.bulk_create(
        Posting(cadre=c, unit=units[i % 2], post="干部", start_date=dt.date(2020, 1, 1))
        for i, c in enumerate(cadres)
    )
    return cadres


def test_a_round_of_1500_cadres_is_chosen_with_a_bounded_number_of_queries(
    client, cast, django_assert_max_num_queries
):
    _county_of_cadres(cast, 1500)
    round_ = f.rating_round([cast.leader], cadres=[cast.cadre_a])
    client.force_login(cast.admin)
    add = reverse("ballots:rating_round_targets_add", args=[round_.pk])
    with django_assert_max_num_queries(20):
        panel = client.post(add, {"category": cast.town_category.pk}, HTTP_HX_REQUEST="true")
    assert "已加入 1501 个评价对象" in panel.content.decode()  # 李白水 and the 1,500
    assert round_.cadres.count() == 1502
    with django_assert_max_num_queries(14):
        page = client.get(reverse("ballots:rating_round_targets", args=[round_.pk]))
    assert page.content.decode().count('name="target"') == 1502
    search = reverse("ballots:rating_round_cadre_search", args=[round_.pk])
    remove = reverse("ballots:rating_round_target_remove", args=[round_.pk])
    client.post(remove, {"target": cast.cadre_b.pk})
    with django_assert_max_num_queries(8):
        found = client.get(search, {"q": "lbs"}).content.decode()
    assert "李白水" in found
