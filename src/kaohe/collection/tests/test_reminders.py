"""Reminders before a deadline and late notices: in the app and by e-mail, never twice."""

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from kaohe.collection import todos
from kaohe.collection.models import Notice
from kaohe.collection.reminders import notice_key, reminders_send
from kaohe.collection.todos import Todo, TodoState
from kaohe.core.models import AuditEntry

DUE = dt.date(2024, 6, 20)


@pytest.fixture
def liaison_todo(cast):
    """One to-do of the liaison: the half-year summary, due 06-20 (late after it)."""
    cast.liaison.email = "liaison@example.org"
    cast.liaison.save(update_fields=["email"])

    def provider(user, today):
        if user.pk == cast.liaison.pk:
            state = TodoState.LATE if today > DUE else TodoState.DUE
            yield Todo("report:1:H1", "报送半年工作总结", "/collection/x/", state, DUE)

    todos.register_todo_provider(provider)
    yield cast.liaison
    todos._PROVIDERS.remove(provider)


def test_a_reminder_goes_out_three_days_before_and_never_twice(liaison_todo):
    assert reminders_send(today=dt.date(2024, 6, 16)).notices == 0  # four days before
    first = reminders_send(today=dt.date(2024, 6, 17))
    second = reminders_send(today=dt.date(2024, 6, 17))
    again_later = reminders_send(today=dt.date(2024, 6, 19))
    notice = Notice.objects.get(user=liaison_todo)
    assert (first.notices, first.emails) == (1, 1)
    assert (second.notices, second.emails) == (0, 0)
    assert again_later.notices == 0
    assert notice.key == "remind:report:1:H1"
    assert notice.title == "待办提醒：报送半年工作总结"
    assert "还有 3 天截止（2024-06-20）" in notice.body
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["liaison@example.org"]
    assert "报送半年工作总结" in mail.outbox[0].body and "/collection/x/" in mail.outbox[0].body
    assert AuditEntry.objects.filter(action="notice.send").count() == 1


def test_a_late_notice_goes_out_once_when_the_deadline_has_passed(liaison_todo):
    reminders_send(today=dt.date(2024, 6, 21))
    reminders_send(today=dt.date(2024, 6, 22))
    notices = Notice.objects.filter(user=liaison_todo)
    assert [n.key for n in notices] == ["late:report:1:H1"]
    assert notices.get().title == "已逾期：报送半年工作总结"
    assert len(mail.outbox) == 1 and "已逾期" in mail.outbox[0].body


def test_the_days_before_come_from_the_settings(liaison_todo, settings):
    settings.REMINDER_DAYS_BEFORE = 5
    assert reminders_send(today=dt.date(2024, 6, 15)).notices == 1


def test_a_user_without_an_address_gets_the_notice_in_the_app_only(liaison_todo):
    liaison_todo.email = ""
    liaison_todo.save(update_fields=["email"])
    summary = reminders_send(today=dt.date(2024, 6, 20))
    assert (summary.notices, summary.emails) == (1, 0)
    assert "今天截止" in Notice.objects.get().body
    assert mail.outbox == []


def test_a_failed_mail_is_tried_again_on_the_next_run(liaison_todo, monkeypatch):
    from kaohe.collection import reminders

    def broken(*args, **kwargs):
        raise OSError("smtp down")

    monkeypatch.setattr(reminders, "send_mail", broken)
    assert reminders_send(today=dt.date(2024, 6, 18)).emails == 0
    monkeypatch.undo()
    assert reminders_send(today=dt.date(2024, 6, 18)).emails == 1
    assert len(mail.outbox) == 1
    assert reminders_send(today=dt.date(2024, 6, 18)).emails == 0


def test_an_inactive_user_gets_nothing(liaison_todo):
    liaison_todo.is_active = False
    liaison_todo.save(update_fields=["is_active"])
    assert reminders_send(today=dt.date(2024, 6, 21)).notices == 0


def test_a_long_todo_key_is_kept_unique_by_its_digest():
    key = notice_key("remind", "x" * 400)
    assert len(key) <= 200 and key.startswith("remind:sha256:")
    assert key != notice_key("remind", "x" * 399 + "y")


def test_the_office_is_reminded_of_periods_to_open(cast, q1, party):
    from kaohe.collection.models import PeriodStatus
    from kaohe.collection.services import period_set_status

    cast.admin.email = "office@example.org"
    cast.admin.save(update_fields=["email"])
    period_set_status(actor=None, period=q1, status=PeriodStatus.CLOSED)
    q1_open = period_set_status(actor=None, period=q1, status=PeriodStatus.OPEN, reason="补录")
    reminders_send(today=dt.date(2024, 4, 2))
    notice = Notice.objects.get(user=cast.admin)
    assert notice.key == f"late:period:{q1_open.pk}:close"
    assert "关闭" in notice.title and "第一季度监测" in notice.title


def test_the_celery_task_and_the_command_send_the_same(liaison_todo, monkeypatch, capsys):
    from django.utils import timezone

    from kaohe.collection import tasks

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2024, 6, 18))
    assert tasks.reminders_send_daily.delay().get() == {"notices": 1, "emails": 1, "users": 1}
    call_command("remind", "--date", "2024-06-21")
    assert "notices=1 users=1 emails=1" in capsys.readouterr().out
    assert Notice.objects.count() == 2 and len(mail.outbox) == 2


def test_the_beat_schedule_runs_the_reminders_daily(settings):
    from celery.schedules import crontab

    entry = settings.CELERY_BEAT_SCHEDULE["reminders-daily"]
    assert entry["task"] == "kaohe.collection.tasks.reminders_send_daily"
    assert isinstance(entry["schedule"], crontab)


# ---- the notices pages ------------------------------------------------------------


def _notice(user, key="k", url="/collection/periods/"):
    from django.utils import timezone

    return Notice.objects.create(user=user, key=key, title=f"提醒 {key}", url=url,
                                 created_at=timezone.now())  # fmt: skip


def test_the_notices_page_lists_the_users_own_and_marks_them_read(client, cast):
    mine, theirs = _notice(cast.liaison, "mine"), _notice(cast.outsider, "theirs")
    client.force_login(cast.liaison)
    page = client.get(reverse("collection:notice_list")).content.decode()
    assert "提醒 mine" in page and "提醒 theirs" not in page
    assert client.post(reverse("collection:notice_read", args=[theirs.pk])).status_code == 404
    answer = client.post(reverse("collection:notice_read", args=[mine.pk]), {"go": "1"})
    assert answer["Location"] == "/collection/periods/"
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is not None and theirs.read_at is None


def test_marking_read_never_sends_the_user_to_another_site(client, cast):
    notice = _notice(cast.liaison, url="https://evil.example/")
    client.force_login(cast.liaison)
    answer = client.post(reverse("collection:notice_read", args=[notice.pk]), {"go": "1"})
    assert answer["Location"] == reverse("collection:notice_list")


def test_all_notices_are_marked_read_at_once(client, cast):
    _notice(cast.liaison, "a"), _notice(cast.liaison, "b"), _notice(cast.outsider, "c")
    client.force_login(cast.liaison)
    client.post(reverse("collection:notice_read_all"))
    assert not Notice.objects.filter(user=cast.liaison, read_at__isnull=True).exists()
    assert Notice.objects.filter(user=cast.outsider, read_at__isnull=True).exists()


def test_the_notices_page_asks_a_fixed_number_of_queries(
    client, cast, django_assert_max_num_queries
):
    for n in range(30):
        _notice(cast.liaison, f"k{n}")
    client.force_login(cast.liaison)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("collection:notice_list")).status_code == 200


def test_the_audit_log_shows_the_days_sending(client, cast, liaison_todo):
    reminders_send(today=dt.date(2024, 6, 21))
    client.force_login(cast.admin)
    page = client.get(reverse("core:audit_list")).content.decode()
    assert "发送待办提醒和逾期通知" in page and "2024-06-21 的待办提醒" in page
