"""The one way any app tells people something: the notification centre, live over
WebSockets, and by e-mail in the reader's own language.

Callers pass an untranslated message marked with `gettext_noop` and its parameters; the
text is translated when it is read or mailed. Everything leaves the process only after
the caller's transaction commits.
"""

import logging
from collections.abc import Iterable
from functools import partial

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import transaction
from django.utils import translation
from redis.exceptions import RedisError

from accounts.consumers import user_group
from accounts.models import Notification, User

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
    recipients = {user.pk: user for user in users if user is not None and user.is_active}
    rows = Notification.objects.bulk_create(
        Notification(user_id=user_id, kind=kind, message=message, params=params or {}, url=url)
        for user_id in recipients
    )
    transaction.on_commit(partial(deliver, [row.pk for row in rows], email=email))
    return rows


def translatable(label) -> dict:
    """A parameter that is itself translated when the notification is read (a document
    kind, a role): stored as its untranslated source text."""
    with translation.override(None):
        return {"msgid": str(label)}


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

    notifications = Notification.objects.filter(pk__in=notification_ids).select_related("user")
    for notification in notifications:
        push_live(notification)
        if email:
            send_notification_email.enqueue(notification_id=notification.pk)


def push_live(notification: Notification) -> None:
    payload = {
        "type": "notification",
        "id": notification.pk,
        "kind": notification.kind,
        "text": text_for(notification, notification.user),
        "url": notification.url,
        "unread": unread_count(notification.user),
    }
    try:
        async_to_sync(get_channel_layer().group_send)(
            user_group(notification.user_id), {"type": "notify", "payload": payload}
        )
    except (RedisError, OSError):
        # The row is saved; open pages fall back to polling and will show it.
        logger.warning("live delivery of notification %s failed", notification.pk, exc_info=True)


def push_event(*, user_ids: Iterable[int], payload: dict) -> None:
    """Send a live page update (not a stored notification) to these people's pages."""
    layer = get_channel_layer()
    for user_id in set(user_ids):
        try:
            async_to_sync(layer.group_send)(
                user_group(user_id), {"type": "notify", "payload": payload}
            )
        except (RedisError, OSError):
            logger.warning("live event to user %s failed", user_id, exc_info=True)
