import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core import mail
from django.urls import reverse
from django.utils.translation import gettext_noop

from accounts.consumers import user_group
from accounts.models import Notification
from accounts.notifications import in_each_language, notify, text_for

pytestmark = pytest.mark.django_db

APPROVED = gettext_noop("%(provider)s has been approved and can now publish services.")


def test_a_notification_is_stored_mailed_and_pushed_only_after_commit(
    daughter, django_capture_on_commit_callbacks
):
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(user_group(daughter.pk), channel)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(
            users=[daughter],
            kind="test",
            message=APPROVED,
            params={"provider": "安馨"},
            url="/provider/",
        )
    assert Notification.objects.filter(user=daughter).count() == 1
    assert mail.outbox == []  # nothing leaves before commit

    for callback in callbacks:
        callback()

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [daughter.email]
    assert "安馨已通过审核" in mail.outbox[0].body
    pushed = async_to_sync(layer.receive)(channel)
    assert pushed["payload"]["text"] == "安馨已通过审核，现在可以发布服务了。"
    assert pushed["payload"]["unread"] == 1


def test_each_reader_gets_their_own_language(daughter, son, django_capture_on_commit_callbacks):
    son.language = "en"
    son.save(update_fields=["language"])

    with django_capture_on_commit_callbacks(execute=True):
        notify(users=[daughter, son], kind="test", message=APPROVED, params={"provider": "安馨"})

    bodies = {message.to[0]: message.body for message in mail.outbox}
    assert "安馨已通过审核" in bodies[daughter.email]
    assert "安馨 has been approved" in bodies[son.email]


def test_the_header_counts_unread_notifications_and_reading_clears_them(client, daughter):
    notify(
        users=[daughter], kind="test", message=APPROVED, params={"provider": "安馨"}, email=False
    )
    client.force_login(daughter)

    assert client.get("/").context["unread_count"] == 1
    assert client.get(reverse("accounts:notifications_unread")).json()["unread"] == 1
    page = client.get(reverse("accounts:notifications")).content.decode()
    assert "安馨已通过审核" in page

    client.post(reverse("accounts:notifications_read"))
    assert client.get("/").context["unread_count"] == 0


def test_nobody_reads_anothers_notifications(client, daughter, other_resident):
    notify(
        users=[daughter], kind="test", message=APPROVED, params={"provider": "安馨"}, email=False
    )
    client.force_login(other_resident)

    assert "安馨" not in client.get(reverse("accounts:notifications")).content.decode()
    assert client.get(reverse("accounts:notifications_unread")).json() == {
        "unread": 0,
        "latest": [],
    }
    client.post(reverse("accounts:notifications_read"))
    assert Notification.objects.get(user=daughter).read_at is None


def test_inactive_accounts_are_not_notified(daughter):
    daughter.is_active = False
    daughter.save(update_fields=["is_active"])
    assert notify(users=[daughter], kind="test", message=APPROVED, params={"provider": "x"}) == []


def test_a_name_with_its_own_english_is_given_to_each_reader_in_theirs(
    daughter, son, django_capture_on_commit_callbacks
):
    son.language = "en"
    son.save(update_fields=["language"])
    cleaning = in_each_language("家庭保洁", "Home cleaning")

    with django_capture_on_commit_callbacks(execute=True):
        notify(users=[daughter, son], kind="test", message=APPROVED, params={"provider": cleaning})

    bodies = {message.to[0]: message.body for message in mail.outbox}
    assert "家庭保洁已通过审核" in bodies[daughter.email]
    assert "Home cleaning has been approved" in bodies[son.email]


def test_a_name_without_english_is_given_in_chinese_to_english_readers(son):
    son.language = "en"
    son.save(update_fields=["language"])
    [row] = notify(
        users=[son],
        kind="test",
        message=APPROVED,
        params={"provider": in_each_language("家庭保洁", "")},
        email=False,
    )
    assert text_for(row, son).startswith("家庭保洁 has been approved")


def test_with_the_database_task_queue_many_notices_queue_their_emails_in_one_insert(
    daughter, son, settings, django_capture_on_commit_callbacks
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django_tasks_db.models import DBTaskResult

    from accounts.notifications import Notice, notify_each

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        rows = notify_each(
            Notice(users=[user], kind="test", message=APPROVED, params={"provider": "安馨"})
            for user in (daughter, son)
        )
    with CaptureQueriesContext(connection) as queries:
        for callback in callbacks:
            callback()

    table = DBTaskResult._meta.db_table
    inserts = [q for q in queries.captured_queries if q["sql"].startswith(f'INSERT INTO "{table}"')]
    assert len(inserts) == 1
    queued = DBTaskResult.objects.filter(task_path="accounts.tasks.send_notification_email")
    assert sorted(q.args_kwargs["kwargs"]["notification_id"] for q in queued) == sorted(
        row.pk for row in rows
    )
    assert mail.outbox == []  # queued, not sent

    for row in queued:  # as the worker runs them (it closes the test's connection)
        row.task.call(*row.args_kwargs["args"], **row.args_kwargs["kwargs"])

    assert sorted(m.to[0] for m in mail.outbox) == sorted([daughter.email, son.email])
