"""The data migrations of the 职级 split, the search column and the list order: rows
written under the old schema come out as the services now write them, and back."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("orgs", "0002_seed_categories_and_flags")]
AFTER = [("orgs", "0005_cadre_search_and_posting_precedence")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_old_ranks_search_and_post_steps_are_mapped_forward_and_back():
    old = _migrate(BEFORE)
    category, _new = old.get_model("orgs", "UnitCategory").objects.get_or_create(name="镇街")
    unit = old.get_model("orgs", "Unit").objects.create(code="u1", name="青山镇", category=category)
    cadre_model = old.get_model("orgs", "Cadre")
    ranks = {"张青山": "正科级", "李白水": "副处级", "单雄": "一级主任科员", "王伟": "其他"}
    for name, rank in ranks.items():
        cadre_model.objects.create(name=name, rank=rank)
    zhang = cadre_model.objects.get(name="张青山")
    old.get_model("orgs", "Posting").objects.create(
        cadre=zhang, unit=unit, post="党委书记", role="principal", duties=["secretary"],
        start_date=dt.date(2020, 1, 1),
    )  # fmt: skip

    new = _migrate(AFTER)
    cadres = {c.name: c for c in new.get_model("orgs", "Cadre").objects.all()}
    assert (cadres["张青山"].leadership_level, cadres["张青山"].rank) == ("正科级", "")
    assert (cadres["李白水"].leadership_level, cadres["李白水"].rank) == ("副处级", "")
    assert (cadres["单雄"].leadership_level, cadres["单雄"].rank) == ("", "一级主任科员")
    assert (cadres["王伟"].leadership_level, cadres["王伟"].rank) == ("", "")
    assert "zqs" in cadres["张青山"].search.split()
    assert {"shanxiong", "danxiong"} <= set(cadres["单雄"].search.split())
    assert new.get_model("orgs", "Posting").objects.get().precedence == 10

    back = _migrate(BEFORE)
    assert dict(back.get_model("orgs", "Cadre").objects.values_list("name", "rank")) == {
        "张青山": "正科级", "李白水": "副处级", "单雄": "一级主任科员", "王伟": "",
    }  # fmt: skip
    _migrate(_latest())


def _latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()
