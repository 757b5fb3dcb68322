"""Live order updates: after a transition commits, everyone watching the order's page and
everyone concerned (family, provider managers, the worker, community staff) hears of it.
The message says only which order changed; pages fetch the new view in the reader's own
language and with the reader's own permissions."""

from accounts.consumers import user_group
from accounts.notifications import send_live
from accounts.roles import staff_covering
from orders.models import Order, OrderEvent


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
    # One trip for the order's page and everyone concerned (accounts.notifications).
    order_message = (order_group(order.code), {"type": "order.event", "payload": payload})
    user_message = {"type": "notify", "payload": payload}
    send_live(
        [order_message]
        + [(user_group(pk), user_message) for pk in sorted(concerned_user_ids(order))]
    )
