"""Live order updates: after a transition commits, everyone watching the order's page and
everyone concerned (family, provider managers, the worker, community staff) hears of it.
The message says only which order changed; pages fetch the new view in the reader's own
language and with the reader's own permissions."""

from accounts.consumers import user_group
from accounts.models import CareLink
from accounts.notifications import send_live
from accounts.roles import staff_covering
from orders.models import OrderEvent
from orders.reused_query import ReusedQuery
from providers.models import ProviderMember


def order_group(code: str) -> str:
    return f"order-{code}"


def _concerned_query(care_recipient_id: int, provider_id: int, community_id: int):
    family = CareLink.objects.filter(care_recipient_id=care_recipient_id).values_list("account_id")
    managers = (
        ProviderMember.objects.managing().filter(provider_id=provider_id).values_list("user_id")
    )
    staff = staff_covering([community_id]).values_list("pk")
    return family.union(managers, staff)


# Built by the ORM once per process: building it took a booking 1 ms of CPU, running it
# 0.15 ms (orders/reused_query.py).
CONCERNED = ReusedQuery(
    _concerned_query, care_recipient_id=-9_000_001, provider_id=-9_000_002, community_id=-9_000_003
)


def concerned_user_ids(
    *,
    booked_by_id: int,
    care_recipient_id: int,
    provider_id: int,
    community_id: int,
    worker_user_id: int | None,
) -> set[int]:
    """The booker, the family linked to the recipient, the provider's managers, the
    assigned worker and the community's staff, in one query."""
    rows = CONCERNED.rows(
        care_recipient_id=care_recipient_id, provider_id=provider_id, community_id=community_id
    )
    ids = {pk for (pk,) in rows}
    ids.add(booked_by_id)
    if worker_user_id:
        ids.add(worker_user_id)
    return ids


def _payload(event: OrderEvent) -> dict:
    """What a page hears of an event: which order changed, to what; it fetches the rest."""
    return {
        "type": "order_event",
        "code": event.order.code,
        "status": event.to_status,
        "action": event.action,
        "event": event.pk,
    }


def push_order_event(event: OrderEvent) -> None:
    """Run after the event's transaction commits, with the objects the service held: the
    people concerned never change on an order, so nothing is read again but them."""
    order = event.order
    payload = _payload(event)
    concerned = concerned_user_ids(
        booked_by_id=order.booked_by_id,
        care_recipient_id=order.care_recipient_id,
        provider_id=order.provider_id,
        community_id=order.community_id,
        worker_user_id=order.worker.user_id if order.worker_id else None,
    )
    # One trip for the order's page and everyone concerned (accounts.notifications).
    order_message = (order_group(order.code), {"type": "order.event", "payload": payload})
    user_message = {"type": "notify", "payload": payload}
    send_live([order_message] + [(user_group(pk), user_message) for pk in sorted(concerned)])


def concerned_by_last_event(
    events: list[OrderEvent], *, staff_of: dict[int, set[int]]
) -> dict[int, dict]:
    """Everyone concerned by any of these orders' events (as `concerned_user_ids` names
    them), each with the payload of the last event of theirs (small: a run keeps them
    until its end), in two queries. `staff_of`: community →
    its staff's ids (`accounts.roles.staff_covering`) for every community of the orders,
    kept by the caller (the daily run of care plans) for the whole run."""
    orders = [event.order for event in events]
    family: dict[int, set[int]] = {}
    for recipient_id, account_id in CareLink.objects.filter(
        care_recipient_id__in={order.care_recipient_id for order in orders}
    ).values_list("care_recipient_id", "account_id"):
        family.setdefault(recipient_id, set()).add(account_id)
    managers: dict[int, set[int]] = {}
    for provider_id, user_id in (
        ProviderMember.objects.managing()
        .filter(provider_id__in={order.provider_id for order in orders})
        .values_list("provider_id", "user_id")
    ):
        managers.setdefault(provider_id, set()).add(user_id)
    last: dict[int, dict] = {}
    for event in events:
        order = event.order
        payload = _payload(event)
        concerned = (
            {order.booked_by_id}
            | family.get(order.care_recipient_id, set())
            | managers.get(order.provider_id, set())
            | staff_of[order.community_id]
        )
        if order.worker_id:
            concerned.add(order.worker.user_id)
        for user_id in concerned:
            last[user_id] = payload
    return last


def push_orders_placed(last: dict[int, dict]) -> None:
    """After orders were placed many at once (care plans' visits): each person concerned
    hears once, of their last new order, and their open lists of visits refresh. Nobody
    can be watching the page of an order that did not exist, so the orders' own groups are
    not sent to: one message a person, not one an order."""
    send_live(
        [
            (user_group(user_id), {"type": "notify", "payload": payload})
            for user_id, payload in sorted(last.items())
        ]
    )
