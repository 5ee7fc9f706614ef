"""The home page starts with the user's to-do list, for every role."""

import datetime as dt

import pytest
from django.urls import reverse

from kaohe.collection import todos
from kaohe.collection.todos import Todo, TodoState


@pytest.fixture
def provider(cast):
    def mine(user, today):
        if user.pk == cast.liaison.pk:
            yield Todo("b", "报送5月工作进展", "/b", TodoState.DUE, today + dt.timedelta(days=9))
            yield Todo("a", "报送半年工作总结", "/a", TodoState.DUE, today + dt.timedelta(days=2))
            yield Todo("c", "报送4月工作进展", "/c", TodoState.LATE, today - dt.timedelta(days=3))
            yield Todo("d", "修改后重新报送一季度任务完成情况", "/d", TodoState.RETURNED,
                       detail="退回理由：缺少典型案例")  # fmt: skip

    todos.register_todo_provider(mine)
    yield
    todos._PROVIDERS.remove(mine)


def test_the_home_page_lists_the_todos_returned_first_then_late_then_by_deadline(
    client, cast, provider
):
    client.force_login(cast.liaison)
    page = client.get(reverse("home:index")).content.decode()
    order = [page.index(title) for title in
             ("修改后重新报送", "报送4月工作进展", "报送半年工作总结", "报送5月工作进展")]  # fmt: skip
    assert order == sorted(order)
    assert page.index('id="todos"') < page.index('class="cards"')  # the to-dos come first
    assert "逾期 3 天" in page and "还有 2 天" in page and "退回理由：缺少典型案例" in page
    assert "共 4 项" in page and "1 项已逾期" in page


def test_a_user_without_todos_is_told_so(client, cast, provider):
    client.force_login(cast.outsider)
    assert "暂无待办事项" in client.get(reverse("home:index")).content.decode()


def test_the_bell_counts_the_unread_notices(client, cast):
    from django.utils import timezone

    from kaohe.collection.models import Notice

    for key in ("a", "b"):
        Notice.objects.create(user=cast.leader, key=key, title=key, created_at=timezone.now())
    Notice.objects.create(user=cast.leader, key="c", title="c", created_at=timezone.now(),
                          read_at=timezone.now())  # fmt: skip
    client.force_login(cast.leader)
    page = client.get(reverse("home:index")).content.decode()
    assert 'aria-label="未读通知">2</span>' in page


@pytest.mark.parametrize(
    "role", ["admin", "scorer", "liaison", "leader", "team_member", "committee_member"]
)
def test_every_role_has_the_todo_list_at_the_top_of_its_home_page(client, cast, role):
    client.force_login(cast.users()[role])
    page = client.get(reverse("home:index")).content.decode()
    assert "我的待办" in page
