"""The header's count of unread notices: one query at most, a link to the notices page,
gone once they are read."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kaohe.collection.models import Notice


def _notice(user, key):
    return Notice.objects.create(user=user, key=key, title=f"提醒 {key}", created_at=timezone.now())


def _count_queries(context):
    return [q["sql"] for q in context.captured_queries if "collection_notice" in q["sql"]]


@pytest.mark.django_db
def test_the_header_shows_the_unread_notices_and_links_to_the_notices_page(client, cast):
    _notice(cast.liaison, "a")
    _notice(cast.liaison, "b")
    _notice(cast.admin, "c")  # another user's: not counted
    client.force_login(cast.liaison)
    with CaptureQueriesContext(connection) as context:
        page = client.get(reverse("core:guide_index")).content.decode()
    assert f'href="{reverse("collection:notice_list")}"' in page
    assert '<span class="unread">2</span>' in page
    assert len(_count_queries(context)) == 1


@pytest.mark.django_db
def test_the_count_is_counted_once_per_request_on_the_notices_page(client, cast):
    _notice(cast.liaison, "a")
    client.force_login(cast.liaison)
    with CaptureQueriesContext(connection) as context:
        page = client.get(reverse("collection:notice_list")).content.decode()
    unread = [sql for sql in _count_queries(context) if "read_at" in sql and "COUNT" in sql]
    # the page counts the unread once and the header reuses it (the other count: paging)
    assert '<span class="unread">1</span>' in page
    assert len(unread) == 1


@pytest.mark.django_db
def test_marking_read_empties_the_count(client, cast):
    notice = _notice(cast.liaison, "a")
    client.force_login(cast.liaison)
    client.post(reverse("collection:notice_read", args=[notice.pk]))
    page = client.get(reverse("core:guide_index")).content.decode()
    assert 'class="unread"' not in page
    assert Notice.objects.get(pk=notice.pk).read_at is not None
    _notice(cast.liaison, "b")
    client.post(reverse("collection:notice_read_all"))
    assert 'class="unread"' not in client.get(reverse("core:guide_index")).content.decode()


def test_an_anonymous_visitor_costs_no_query(client, db):
    with CaptureQueriesContext(connection) as context:
        client.get(reverse("core:login"))
    assert not _count_queries(context)


@pytest.mark.django_db
def test_the_home_page_counts_the_unread_once_for_its_bell_and_the_header(client, cast):
    _notice(cast.liaison, "a")
    client.force_login(cast.liaison)
    with CaptureQueriesContext(connection) as context:
        page = client.get(reverse("home:index")).content.decode()
    unread = [sql for sql in _count_queries(context) if "read_at" in sql and "COUNT" in sql]
    assert '<span class="unread">1</span>' in page and 'id="notice-bell"' in page
    assert len(unread) == 1
