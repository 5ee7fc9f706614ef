"""``bench/pages.py`` finds the site's pages itself: every project URL is discovered and
every argument of one names a model, so a page another engineer adds is measured
without anyone editing the benchmark (and one it cannot fill fails here, not silently)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[4]  # the repository


def _bench():
    spec = importlib.util.spec_from_file_location("bench_pages", ROOT / "bench" / "pages.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_pages", module)
    spec.loader.exec_module(module)
    return module


pages = _bench()


def test_every_named_url_of_the_project_is_discovered():
    found = {page.name for page in pages.discover()}
    assert {"home:index", "orgs:cadre_list", "orgs:unit_detail", "schemes:scheme_detail",
            "core:audit_list", "orgs:investigation_close"} <= found  # fmt: skip
    assert "set_language" not in found  # Django's own view, not a page of the project


def test_the_guide_is_requested_with_its_chapters():
    page = next(p for p in pages.discover() if p.name == "core:guide")
    chapters = list(pages.argument_sets(page, None))
    assert {"slug": "index"} in chapters


def test_every_argument_of_every_url_names_a_model():
    unresolved = [
        (page.name, kwarg)
        for page in pages.discover()
        for kwarg in page.kwargs
        if pages.model_for(page, kwarg) is None
        and page.name not in pages.TEXT_ARGUMENTS
        and page.name not in pages.NOT_PAGES
    ]
    assert not unresolved


def test_a_url_names_the_model_of_its_path():
    from kaohe.collection.models import Attachment
    from kaohe.orgs.models import Cadre, Posting, Unit, UnitCategory
    from kaohe.schemes.models import ChangeRequest, IndicatorSystem

    by_name = {page.name: page for page in pages.discover()}
    assert pages.model_for(by_name["orgs:unit_detail"], "pk") is Unit
    assert pages.model_for(by_name["orgs:category_edit"], "pk") is UnitCategory
    assert pages.model_for(by_name["schemes:system_detail"], "pk") is IndicatorSystem
    assert pages.model_for(by_name["schemes:change_detail"], "pk") is ChangeRequest
    assert pages.model_for(by_name["collection:attachment_download"], "pk") is Attachment
    nested = by_name["orgs:posting_end"]
    assert pages.model_for(nested, "pk") is Cadre
    assert pages.model_for(nested, "posting_pk") is Posting


@pytest.mark.django_db
def test_a_liaison_is_offered_the_own_units_objects_first_and_a_nested_url_its_parent(cast):
    from kaohe.orgs.models import Posting, Unit

    assert next(pages.candidates(Unit, cast.liaison)) == cast.liaison.unit
    tried = list(pages.argument_sets(pages.Page("orgs:posting_end", "orgs/cadres/<int:pk>/"
                                                "postings/<int:posting_pk>/end/", ("pk", "posting_pk")),
                                     cast.liaison))  # fmt: skip
    assert tried
    for kwargs in tried:
        assert Posting.objects.get(pk=kwargs["posting_pk"]).cadre_id == kwargs["pk"]
        assert reverse("orgs:posting_end", kwargs=kwargs)
    own = Posting.objects.get(pk=tried[0]["posting_pk"])
    assert own.unit_id == cast.liaison.unit_id
