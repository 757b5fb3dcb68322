"""Live order updates: after a transition commits, everyone watching the order's page and
everyone concerned (family, provider managers, the worker, community staff) hears of it.
The message says only which order changed; pages fetch the new view in the reader's own
language and with the reader's own permissions."""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from redis.exceptions import RedisError

from accounts.notifications import push_event
from accounts.roles import staff_covering
from orders.models import Order, OrderEvent

logger = logging.getLogger(__name__)


def order_group(code: str) -> str:
    return f"order-{code}"


def concerned_user_ids(order: Order) -> set[int]:
    ids = {order.booked_by_id}
    ids |= set(order.care_recipient.links.values_list("account_id", flat=True))
    ids |= set(
        order.provider.members.filter(role__in=("owner", "manager")).values_list(
            "user_id", flat=True
        )
    )
    if order.worker_id:
        ids.add(order.worker.user_id)
    ids |= set(staff_covering([order.community_id]).values_list("pk", flat=True))
    return ids


def push_order_event(event_id: int) -> None:
    event = OrderEvent.objects.select_related(
        "order__care_recipient", "order__provider", "order__worker"
    ).get(pk=event_id)
    order = event.order
    payload = {
        "type": "order_event",
        "code": order.code,
        "status": order.status,
        "action": event.action,
        "event": event.pk,
    }
    try:
        async_to_sync(get_channel_layer().group_send)(
            order_group(order.code), {"type": "order.event", "payload": payload}
        )
    except (RedisError, OSError):
        # Pages fall back to polling (static/js/order_live.js); the event row is saved.
        logger.warning("live push of order event %s failed", event_id, exc_info=True)
    push_event(user_ids=concerned_user_ids(order), payload=payload)
