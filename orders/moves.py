"""How an order changes status, for every module that changes orders (services, visits):
lock the row, check the step against the table in orders.transitions, write the
OrderEvent, give back the slot's place and the subsidy when the step ends the visit, and
push the event to those watching only once the transaction has committed, so a step
that is rolled back never reaches a browser."""

from functools import partial

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from billing import subsidy
from marketplace.models import Slot
from orders.events import push_order_event
from orders.exceptions import SlotFull
from orders.models import Order, OrderEvent
from orders.transitions import RELEASES_SUBSIDY, releases_place, target_of

Status = Order.Status


FULL = _("Sorry, this time has just been fully booked. Please choose another.")


def lock(order: Order) -> Order:
    """The order's row, locked until the transaction ends: a double click, or the family
    and the provider acting at once, are taken one after the other, each seeing the
    status the other left."""
    return Order.objects.select_for_update().get(pk=order.pk)


def move(order: Order, action: str, *, by: User | None, reason: str = "") -> OrderEvent:
    """Apply one transition of the table to a locked order and record it."""
    to = target_of(action, order.status)
    event = OrderEvent.objects.create(
        order=order,
        actor=by,
        action=action,
        from_status=order.status,
        to_status=to,
        reason=reason,
    )
    order.status = to
    fields = ["status", "updated_at"]
    if to == Status.COMPLETED:
        order.completed_at = timezone.now()
        fields.append("completed_at")
    if to == Status.CLOSED:
        order.closed_at = timezone.now()
        fields.append("closed_at")
    order.save(update_fields=fields)
    if releases_place(action):
        release_place(order.slot_id)
    if action in RELEASES_SUBSIDY:
        subsidy.release(
            programme_id=order.programme_id,
            provider_id=order.provider_id,
            care_recipient_id=order.care_recipient_id,
            month=order.subsidy_month,
            subsidy_fen=order.subsidy_fen,
            minutes=order.subsidy_minutes,
        )
    transaction.on_commit(partial(push_order_event, event))
    return event


def record(order: Order, action: str, *, by: User | None, reason: str = "") -> OrderEvent:
    """An event that changes no status (assignment), pushed like the others."""
    event = OrderEvent.objects.create(
        order=order,
        actor=by,
        action=action,
        from_status=order.status,
        to_status=order.status,
        reason=reason,
    )
    transaction.on_commit(partial(push_order_event, event))
    return event


# A conditional update: two people racing for the last place cannot both get it. Written
# out once: the ORM took longer to build this update (about 0.5 ms of CPU, every booking)
# than PostgreSQL to run it.
_TAKE_PLACE = (
    "UPDATE {table} SET {booked} = {booked} + 1 "
    "WHERE {id} = %s AND NOT {closed} AND {booked} < {capacity}"
).format(
    table=Slot._meta.db_table,
    **{name: Slot._meta.get_field(name).column for name in ("booked", "closed", "capacity")},
    id=Slot._meta.pk.column,
)


def take_place(slot_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(_TAKE_PLACE, [slot_id])
        taken = cursor.rowcount
    if taken != 1:
        raise SlotFull(FULL)


def lock_slots(slot_ids) -> None:
    """A transaction that books or cancels several visits (a plan accepted, changed, paused
    or ended) locks all their slots first, lowest id first. Otherwise it would hold a
    programme's row from its first visit while reaching for a later visit's slot, which a
    one-off booking may hold while reaching for that programme: a deadlock. Locked this
    way, every transaction takes its slots before any programme, and shared slots in one
    order."""
    ids = sorted(set(slot_ids))
    if ids:
        list(Slot.objects.select_for_update().filter(pk__in=ids).order_by("pk").values("pk"))


def release_place(slot_id: int) -> None:
    Slot.objects.filter(pk=slot_id, booked__gt=0).update(booked=F("booked") - 1)
