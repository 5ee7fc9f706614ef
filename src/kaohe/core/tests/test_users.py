"""The office manages users: create, role and unit, deactivate, reset a password."""

from __future__ import annotations

from django.urls import reverse

from kaohe.conftest import PASSWORD


def test_the_office_creates_a_liaison_who_needs_a_unit(client, cast):
    from kaohe.core.models import AuditEntry, User

    client.force_login(cast.admin)
    url = reverse("core:user_create")
    data = {"username": "newliaison", "display_name": "新联络员", "role": "liaison",
            "password1": "Qingshan-2024-ok", "password2": "Qingshan-2024-ok"}  # fmt: skip
    page = client.post(url, data).content.decode()
    assert "该角色必须指定所属单位" in page
    response = client.post(url, data | {"unit": cast.unit_a.pk})
    assert response.status_code == 302
    user = User.objects.get(username="newliaison")
    assert user.unit == cast.unit_a and user.check_password("Qingshan-2024-ok")
    assert AuditEntry.objects.filter(action="user.create", actor=cast.admin).exists()
    assert "用户名已被使用" in client.post(url, data).content.decode()


def test_the_password_rules_and_the_repeat_are_checked(client, cast):
    client.force_login(cast.admin)
    url = reverse("core:user_password", args=[cast.leader.pk])
    page = client.post(url, {"password1": "123", "password2": "123"}).content.decode()
    assert "errorlist" in page
    page = client.post(url, {"password1": "Long-enough-9x", "password2": "other"}).content
    assert "两次输入的密码不一致" in page.decode()
    assert (
        client.post(url, {"password1": "Long-enough-9x", "password2": "Long-enough-9x"}).status_code
        == 302
    )
    cast.leader.refresh_from_db()
    assert cast.leader.check_password("Long-enough-9x")


def test_a_deactivated_user_cannot_log_in_and_the_office_cannot_deactivate_itself(client, cast):
    from kaohe.core.models import AuditEntry

    client.force_login(cast.admin)
    url = reverse("core:user_edit", args=[cast.leader.pk])
    assert client.post(url, {"role": "leader", "display_name": "县领导"}).status_code == 302
    cast.leader.refresh_from_db()
    assert cast.leader.is_active is False and cast.leader.display_name == "县领导"
    entry = AuditEntry.objects.get(action="user.update")
    assert entry.before == {"display_name": "", "is_active": True}
    own = client.post(reverse("core:user_edit", args=[cast.admin.pk]), {"role": "office_admin"})
    assert "不能停用自己的账号" in own.content.decode()
    client.logout()
    client.post(reverse("core:login"), {"username": "leader", "password": PASSWORD})
    assert client.get(reverse("home:index")).status_code == 302


def test_changing_a_liaison_to_a_leader_drops_the_unit(client, cast):
    client.force_login(cast.admin)
    url = reverse("core:user_edit", args=[cast.liaison.pk])
    data = {"role": "leader", "unit": cast.unit_a.pk, "is_active": "on"}
    assert client.post(url, data).status_code == 302
    cast.liaison.refresh_from_db()
    assert cast.liaison.role == "leader" and cast.liaison.unit is None


def test_the_user_list_searches_and_pages_with_bounded_queries(
    client, cast, django_assert_max_num_queries
):
    from kaohe.core.models import User

    client.force_login(cast.admin)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("core:user_list"))
    User.objects.bulk_create(
        User(username=f"u{i}", role="liaison", unit=cast.unit_b) for i in range(60)
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("core:user_list")).content.decode()
    assert "共 67 个用户" in page
    found = client.get(reverse("core:user_list"), {"q": "outsider"}).content.decode()
    assert "共 1 个用户" in found
