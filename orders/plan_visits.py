"""A care plan's visit made as an ordinary order (care plans sit above orders and call this).

The provider accepted the plan once, so a plan visit is confirmed from the start, with the
plan's carer where they are qualified and free. It takes its slot's place and reserves its
own month's subsidy in one transaction, like any booking; what is left for the family is
paid at the door, or charged to their saved card a day and a half before the visit (0029,
orders.saved_cards). When the plan's programme has nothing left for the month, the
programme's rule decides: the visit goes ahead at the higher co-pay, or is refused here
(`AllowanceUsedUp`) and held for staff by the caller."""

import datetime
from dataclasses import dataclass
from functools import partial

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import CareRecipient, User
from billing import subsidy
from marketplace.models import Service, Slot
from marketplace.money import yuan
from marketplace.slots import materialise_slots
from orders import wording
from orders.events import push_order_event
from orders.exceptions import OrdersError
from orders.models import Order, OrderEvent, Payment
from orders.moves import take_place
from orders.rosters import worker_is_free
from orders.services import BUSY
from orders.workers import worker_is_qualified
from providers.models import ProviderMember


class AllowanceUsedUp(OrdersError):
    """The plan's programme has nothing left for this visit and holds such visits."""


@dataclass(frozen=True)
class PlanTerms:
    booked_by: User
    assisted: bool
    worker: ProviderMember | None
    programme_id: int | None
    hold_when_used_up: bool
    notes: str
    reference: str  # unique per plan line and day: the order's idempotency key
    # The family pays each visit with their saved card, charged 36 h before (decision
    # 0029); otherwise at the door.
    pays_by_card: bool = False


@dataclass(frozen=True)
class PlanVisit:
    order: Order
    # The plan's programme paid less than its rule would: the month's allowance or the
    # budget ran out, and the family pays more for this visit.
    allowance_used_up: bool


def slot_at(service: Service, starts_at: datetime.datetime) -> Slot | None:
    return Slot.objects.filter(service=service, starts_at=starts_at, closed=False).first()


@transaction.atomic
def place_plan_visit(
    *,
    terms: PlanTerms,
    service: Service,
    starts_at: datetime.datetime,
    care_recipient: CareRecipient,
    quantity: int = 1,
    slot: Slot | None = None,
    tell_carer: bool = True,
) -> PlanVisit:
    """`slot`: the service's slot at `starts_at` if the caller has already loaded it (a
    plan's run loads them once); its place is still taken by a conditional update.
    `tell_carer`: False for the visits a plan makes on its own (its carer was told of the
    plan once); True for one a person books by hand."""
    now = timezone.now()
    if starts_at <= now:
        raise OrdersError(_("This visit's time has passed."))
    if not Service.objects.bookable().filter(pk=service.pk).exists():
        raise OrdersError(NOT_BOOKABLE)
    if not service.communities.filter(pk=care_recipient.community_id).exists():
        raise OrdersError(not_offered(care_recipient))
    if slot is None or slot.service_id != service.pk or slot.starts_at != starts_at:
        slot = slot_at(service, starts_at)
    if slot is None:
        # Slots are made 42 days ahead by a daily job; a plan never waits for it.
        materialise_slots(service, start=timezone.localdate(starts_at), days=1)
        slot = slot_at(service, starts_at)
    if slot is None:
        raise OrdersError(NO_SLOT)
    take_place(slot.pk)
    split = subsidy.quote(
        service=service,
        care_recipient=care_recipient,
        quantity=quantity,
        on=timezone.localdate(starts_at),
    )
    used_up = allowance_used_up(terms, split)
    if used_up and terms.hold_when_used_up:
        raise AllowanceUsedUp(held_because(starts_at))
    if split.subsidy_fen:
        try:
            with transaction.atomic():
                subsidy.reserve(split, care_recipient=care_recipient)
        except subsidy.SubsidyChanged:
            raise OrdersError(BUSY) from None
    worker = terms.worker
    if worker is not None and not (
        worker_is_qualified(worker, service, timezone.localdate(starts_at))
        and worker_is_free(worker, slot.starts_at, slot.ends_at)
    ):
        worker = None
    order = plan_order(
        terms=terms,
        service=service,
        slot=slot,
        care_recipient=care_recipient,
        quantity=quantity,
        split=split,
        worker=worker,
    )
    order.save(force_insert=True)
    payment = card_payment(terms, order)
    if payment is not None:
        payment.save(force_insert=True)
    event = placed_event(terms, order)
    event.save(force_insert=True)
    transaction.on_commit(partial(push_order_event, event))
    if worker is not None and tell_carer:
        wording.tell_worker(order)
    return PlanVisit(order=order, allowance_used_up=used_up)


NOT_BOOKABLE = _("This service cannot be booked at the moment.")
NO_SLOT = _("The provider offers no visit of this service at this time.")


def not_offered(care_recipient: CareRecipient) -> str:
    return _("This service is not offered in %(community)s, where %(name)s lives.") % {
        "community": care_recipient.community.name,
        "name": care_recipient.name,
    }


def held_because(starts_at: datetime.datetime) -> str:
    return _("The programme's allowance or budget for %(month)s is used up.") % {
        "month": f"{starts_at:%Y-%m}"
    }


def allowance_used_up(terms: PlanTerms, split: subsidy.Split) -> bool:
    """Used up: no programme pays, or the paying one's cap or budget cut what its rule pays.
    Another programme paying a visit in full (her meals under the meal programme on a
    bathing plan) is not."""
    return bool(terms.programme_id) and (
        split.programme_id is None or split.subsidy_fen < split.rule_fen
    )


def plan_order(
    *,
    terms: PlanTerms,
    service: Service,
    slot: Slot,
    care_recipient: CareRecipient,
    quantity: int,
    split: subsidy.Split,
    worker: ProviderMember | None,
) -> Order:
    """The visit's order, not yet saved: one visit saves it, the daily run of plans saves
    a chunk's at once (care.plan_runs)."""
    return Order(
        status=Order.Status.CONFIRMED,
        service=service,
        provider=service.provider,
        slot=slot,
        community_id=care_recipient.community_id,
        booked_by=terms.booked_by,
        care_recipient=care_recipient,
        worker=worker,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        title=service.title_zh,
        title_en=service.title_en,
        address=service.venue.address if service.venue_id else care_recipient.address,
        venue_id=service.venue_id,
        notes=terms.notes,
        quantity=quantity,
        unit_price_fen=split.unit_price_fen,
        list_price_fen=split.price_fen,
        subsidy_fen=split.subsidy_fen,
        copay_fen=split.copay_fen,
        programme_id=split.programme_id,
        subsidy_month=split.month,
        subsidy_minutes=split.minutes,
        assisted_by=terms.booked_by if terms.assisted else None,
        copay_offline=split.copay_fen > 0 and not terms.pays_by_card,
        free_cancel_hours=service.free_cancel_hours,
        late_cancel_fee_percent=service.late_cancel_fee_percent,
        idempotency_key=terms.reference,
    )


def card_payment(terms: PlanTerms, order: Order) -> Payment | None:
    """The saved-card charge to come (decision 0029), not yet saved; None: paid at the door
    or nothing to pay."""
    if not (terms.pays_by_card and order.copay_fen > 0):
        return None
    return Payment(order=order, amount_fen=order.copay_fen, kind=Payment.Kind.SAVED_CARD)


def placed_event(terms: PlanTerms, order: Order) -> OrderEvent:
    """The order's first event, not yet saved, saying who pays what and how."""
    if terms.pays_by_card and order.copay_fen > 0:
        reason = _(
            "From the care plan; %(copay)s is charged to the saved card a day and a half before "
            "the visit."
        )
    else:
        reason = _("From the care plan; the family pays %(copay)s at the door.")
    return OrderEvent(
        order=order,
        actor=terms.booked_by,
        action="place",
        to_status=order.status,
        reason=str(reason) % {"copay": "¥" + yuan(order.copay_fen)},
    )
