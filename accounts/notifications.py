"""The one way any app tells people something: the notification centre, live over
WebSockets, and by e-mail in the reader's own language.

Callers pass an untranslated message marked with `gettext_noop` and its parameters; the
text is translated when it is read or mailed. Everything leaves the process only after
the caller's transaction commits.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from channels_redis.core import RedisChannelLayer
from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import translation
from redis.exceptions import RedisError

from accounts import live_loop
from accounts.consumers import user_group
from accounts.models import Notification, User
from linli.setwise import enqueue_many

logger = logging.getLogger(__name__)


def notify(
    *,
    users: Iterable[User],
    kind: str,
    message: str,
    params: dict | None = None,
    url: str = "",
    email: bool = True,
) -> list[Notification]:
    """Any service tells these people something; delivered after commit."""
    return notify_each([Notice(users, kind, message, params, url)], email=email)


@dataclass(frozen=True)
class Notice:
    users: Iterable[User]
    kind: str
    message: str
    params: dict | None = None
    url: str = ""


def notify_each(notices: Iterable[Notice], *, email: bool = True) -> list[Notification]:
    """Many notices at once (the daily run of care plans): one insert, one delivery after
    commit."""
    rows = Notification.objects.bulk_create(
        Notification(
            user_id=user_id,
            kind=notice.kind,
            message=notice.message,
            params=notice.params or {},
            url=notice.url,
        )
        for notice in notices
        for user_id in {user.pk for user in notice.users if user is not None and user.is_active}
    )
    if rows:
        transaction.on_commit(partial(deliver, [row.pk for row in rows], email=email))
    return rows


def translatable(label) -> dict:
    """A parameter that is itself translated when the notification is read (a document
    kind, a role): stored as its untranslated source text."""
    with translation.override(None):
        return {"msgid": str(label)}


def in_each_language(chinese: str, english: str) -> dict:
    """A parameter that has its own text in each language (a service's title): the reader
    gets theirs, or the Chinese when there is no English."""
    return {"zh-hans": chinese, "en": english or chinese}


def language_of(user: User) -> str:
    return user.language or settings.LANGUAGE_CODE


def text_for(notification: Notification, user: User) -> str:
    with translation.override(language_of(user)):
        return notification.text


def unread_count(user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def deliver(notification_ids: list[int], *, email: bool) -> None:
    """Push each notification to its reader's open pages and queue its e-mail."""
    from accounts.tasks import send_notification_email

    notifications = list(
        Notification.objects.filter(pk__in=notification_ids).select_related("user")
    )
    unread = dict(
        Notification.objects.filter(
            user_id__in={n.user_id for n in notifications}, read_at__isnull=True
        )
        .values_list("user_id")
        .annotate(n=Count("pk"))
    )
    send_live([live_message(n, unread=unread.get(n.user_id, 0)) for n in notifications])
    if email:
        enqueue_many(send_notification_email, [{"notification_id": n.pk} for n in notifications])


def live_message(notification: Notification, *, unread: int | None = None) -> tuple[str, dict]:
    """`unread`: the reader's unread count, if the caller counted many readers' at once."""
    payload = {
        "type": "notification",
        "id": notification.pk,
        "kind": notification.kind,
        "text": text_for(notification, notification.user),
        "url": notification.url,
        "unread": unread_count(notification.user) if unread is None else unread,
    }
    return user_group(notification.user_id), {"type": "notify", "payload": payload}


def send_live(messages: list[tuple[str, dict]]) -> None:
    """Send (group, message) pairs over the channel layer, in order, in one trip into an
    event loop that lives on (accounts.live_loop): a loop and a Redis connection started
    per push cost a booking more than its SQL (bench/README.md).

    The rows they announce are saved already; if Redis is gone, open pages fall back to
    polling and show them, so a failure is logged, never raised."""
    if not messages:
        return
    layer = get_channel_layer()

    async def send_all() -> int:
        for sent, (group, message) in enumerate(messages):
            try:
                await layer.group_send(group, message)
            except (RedisError, OSError):
                # The rest would wait for the same dead server one by one.
                logger.warning("live push to %s failed", group, exc_info=True)
                return sent
        return len(messages)

    if isinstance(layer, RedisChannelLayer):
        try:
            sent = live_loop.run(send_all())
        except TimeoutError:
            logger.warning("live push timed out", exc_info=True)
            sent = 0
    else:
        # The in-memory layer's queues belong to the loop of the server in this process.
        sent = async_to_sync(send_all)()
    if sent < len(messages):
        logger.warning("%d of %d live messages not sent", len(messages) - sent, len(messages))
