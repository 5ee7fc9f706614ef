"""List pages make a bounded number of queries, whatever the number of rows."""

from __future__ import annotations

import pytest
from django.urls import reverse


@pytest.fixture
def many(cast, year):
    """Every preset (7 schemes), five systems, a dozen change requests."""
    from kaohe.orgs.models import UnitCategory
    from kaohe.schemes import services
    from kaohe.schemes.models import Scheme
    from kaohe.schemes.tests import factories

    for preset in ("seed000-style", "seed001-party", "seed002-team", "seed004-annual"):
        services.scheme_create_from_preset(actor=None, year=year, preset_id=preset)
    party = Scheme.objects.get(preset="seed001-party", code="party")
    systems = [
        factories.system(party, category, responsible=cast.responsible_unit, publish=True)
        for category in UnitCategory.objects.all()[:5]
    ]
    for i in range(12):
        services.change_request_create(
            actor=cast.scorer,
            system=systems[i % 5],
            reason=f"调整 {i}",
            changes=[{"op": "update", "code": "1.1", "fields": {"name": f"学习 {i}"}}],
        )
    return systems


@pytest.mark.parametrize("name", ["schemes:scheme_list", "schemes:system_list",
                                  "schemes:change_list"])  # fmt: skip
@pytest.mark.parametrize("who", ["admin", "scorer"])
def test_list_pages_make_a_bounded_number_of_queries(
    client, cast, many, django_assert_max_num_queries, name, who
):
    client.force_login(getattr(cast, who))
    with django_assert_max_num_queries(12):
        response = client.get(reverse(name))
    assert response.status_code == 200
    with django_assert_max_num_queries(12):
        client.get(reverse(name), HTTP_HX_REQUEST="true")


def test_the_system_page_makes_a_bounded_number_of_queries(
    client, cast, many, django_assert_max_num_queries
):
    client.force_login(cast.admin)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("schemes:system_detail", args=[many[0].pk]))
    assert response.status_code == 200


def test_the_lists_search_and_filter(client, cast, many):
    client.force_login(cast.admin)
    page = client.get(reverse("schemes:scheme_list"), {"q": "述职"}).content.decode()
    assert "述职评议" in page and "作风能力" not in page
    page = client.get(reverse("schemes:system_list"), {"category": many[0].category_id})
    assert page.context["page"].paginator.count == 1
    page = client.get(reverse("schemes:change_list"), {"status": "approved"})
    assert page.context["page"].paginator.count == 0
