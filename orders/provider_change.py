"""Moving an open order away from a suspended provider (issue 19, 3; ADR 0020). Community
staff in scope propose another approved provider's time of a service of the same category
serving the order's community; the family accepts (the order becomes a request to the new
provider, at the price it was booked at) or declines (cancelled, everything refunded)."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from marketplace.models import Slot
from marketplace.querysets import bookable_q
from orders import access, wording
from orders.exceptions import OrdersError, SlotFull
from orders.models import Order, ProviderChange
from orders.moves import lock, move, record, release_place
from orders.services import answer_deadline, refund_in_full
from orders.transitions import WORKER_MAY_BE_SENT, target_of
from providers.models import Provider

OPEN = ProviderChange.Status.PROPOSED


def alternative_slots(order: Order) -> QuerySet:
    """Times another approved provider offers for a service of the same category in the
    order's community, with a place free, nearest the booked time first."""
    return (
        Slot.objects.within_booking_window()
        .filter(
            bookable_q("service__"),
            booked__lt=F("capacity"),
            service__category=order.service.category_id,
            service__communities=order.community_id,
        )
        .exclude(service__provider=order.provider_id)
        .select_related("service__provider")
        .order_by("starts_at")
    )


@transaction.atomic
def propose_provider_change(*, order: Order, by: User, slot: Slot, reason: str) -> ProviderChange:
    order = lock(order)
    if not access.is_staff(by, order):
        raise PermissionDenied
    if order.provider.status != Provider.Status.SUSPENDED:
        raise OrdersError(_("Only orders of a suspended provider are moved to another one."))
    if order.status not in WORKER_MAY_BE_SENT:
        raise OrdersError(_("Only an order still to come can be moved to another provider."))
    if not reason.strip():
        raise OrdersError(_("Please say why the order is moved."))
    if not alternative_slots(order).filter(pk=slot.pk).exists():
        raise OrdersError(_("Please choose a time another approved provider offers here."))
    # A new proposal replaces one the family has not answered (that time may be gone).
    order.provider_changes.filter(status=OPEN).update(status=ProviderChange.Status.WITHDRAWN)
    change = ProviderChange.objects.create(
        order=order,
        from_provider=order.provider,
        to_slot=slot,
        reason=reason.strip()[:300],
        proposed_by=by,
    )
    record(order, "provider_change_proposed", by=by, reason=str(slot.service.provider.name))
    wording.tell_family(
        order,
        wording.PROVIDER_CHANGE_PROPOSED,
        new_provider=slot.service.provider.name,
        new_when=f"{timezone.localtime(slot.starts_at):%Y-%m-%d %H:%M}",
    )
    return change


def _open_change(order: Order, by: User) -> ProviderChange:
    if not access.is_family(by, order):
        raise PermissionDenied
    change = (
        ProviderChange.objects.select_for_update()
        .select_related("to_slot__service__provider")
        .filter(order=order, status=OPEN)
        .first()
    )
    if change is None:
        raise OrdersError(_("There is no proposal waiting for your answer."))
    return change


def _decide(change: ProviderChange, status: str, by: User) -> None:
    change.status = status
    change.decided_by = by
    change.decided_at = timezone.now()
    change.save(update_fields=["status", "decided_by", "decided_at"])


@transaction.atomic
def accept_provider_change(*, order: Order, by: User) -> Order:
    order = lock(order)
    change = _open_change(order, by)
    target_of("change_provider", order.status)
    slot = change.to_slot
    if not alternative_slots(order).filter(pk=slot.pk).exists():
        _decide(change, ProviderChange.Status.WITHDRAWN, by)
        raise SlotFull(_("That time is no longer free. Community staff will propose another."))
    taken = Slot.objects.filter(pk=slot.pk, booked__lt=F("capacity")).update(booked=F("booked") + 1)
    if taken != 1:
        raise SlotFull(_("That time is no longer free. Community staff will propose another."))
    release_place(order.slot_id)
    service = slot.service
    order.service, order.provider, order.slot = service, service.provider, slot
    order.starts_at, order.ends_at = slot.starts_at, slot.ends_at
    order.title, order.title_en = service.title_zh, service.title_en
    order.worker = None
    # A time staff chose because the provider was suspended: no late fee counts from the old one.
    order.fee_counts_from = None
    order.expires_at = answer_deadline(timezone.now(), slot.starts_at)
    order.save(
        update_fields=[
            "service",
            "provider",
            "slot",
            "starts_at",
            "ends_at",
            "title",
            "title_en",
            "worker",
            "fee_counts_from",
            "expires_at",
            "updated_at",
        ]
    )
    _decide(change, ProviderChange.Status.ACCEPTED, by)
    move(order, "change_provider", by=by, reason=service.provider.name)
    wording.tell_provider_new_request(order)
    return order


@transaction.atomic
def decline_provider_change(*, order: Order, by: User) -> Order:
    order = lock(order)
    change = _open_change(order, by)
    _decide(change, ProviderChange.Status.DECLINED, by)
    record(order, "provider_change_declined", by=by)
    move(order, "cancel", by=by, reason=str(_("The family declined another provider.")))
    refund_in_full(order)
    wording.tell_everyone(order, wording.CANCELLED, by=by)
    return order
