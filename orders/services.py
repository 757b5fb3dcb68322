"""The only doors to changes of an order. One function per transition, each in one
transaction: lock the order, check who may act, re-check the state, write, record an
OrderEvent, and schedule everything that leaves the process after commit."""

import datetime
import math
from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import CareRecipient, User
from billing import subsidy
from communities.scoping import may_act_on_community
from linli.refusals import Refusal
from marketplace.models import Category, Service, Slot
from marketplace.money import yuan
from marketplace.querysets import bookable_q
from orders import access, wording
from orders.access import Relation
from orders.events import push_order_event
from orders.exceptions import OrdersError, SlotFull
from orders.lock_wait import bound_lock_wait, is_lock_timeout
from orders.models import (
    Order,
    OrderEvent,
    OrderExclusion,
    OrderHold,
    Payment,
    Refund,
    Transfer,
    VisitRecord,
)
from orders.moves import lock, move, record, release_place, take_place
from orders.policy import (
    RefundDecision,
    auto_close_cutoff,
    refund_for_cancellation,
    refund_for_no_show,
    request_expires_at,
)
from orders.reused_query import ReusedQuery
from orders.rosters import worker_is_free
from orders.transitions import WORKER_MAY_BE_SENT, target_of
from orders.workers import why_not_sendable
from providers.models import Provider, ProviderMember

BUSY = _("Many people are booking this right now. Please try again.")


class _DuplicateSubmission(Exception):
    pass


def quantity_for(service: Service, requested: int) -> int:
    """How many units an order of this service counts (hours come from its length)."""
    return _quantity(service, requested)


def _quantity(service: Service, requested: int) -> int:
    if service.unit == Service.Unit.HOUR:
        return max(1, math.ceil(service.duration_minutes / 60))
    if service.unit == Service.Unit.VISIT:
        return 1
    if not 1 <= requested <= 20:
        raise OrdersError(_("Please choose between 1 and 20 items."))
    return requested


# The slot with its service, the service's provider and category, column by column: a
# booking reads them in the same query that checks the slot may be booked.
_LOADED = (
    (Slot, ""),
    (Service, "service__"),
    (Provider, "service__provider__"),
    (Category, "service__category__"),
)
_LOADED_COLUMNS = [
    prefix + field.attname for model, prefix in _LOADED for field in model._meta.concrete_fields
]


def _bookable_slot_query(slot_id: int, community_id: int, now: datetime.datetime):
    return (
        Slot.objects.within_booking_window(now=now)
        .filter(bookable_q("service__"), pk=slot_id, service__communities=community_id)
        .order_by()
        .values_list(*_LOADED_COLUMNS)[:1]
    )


# Built once per process (orders/reused_query.py): the booking window's date arithmetic,
# the service's rules and the four tables' columns cost more to build than to run
# (building `select_related` for the slot took a booking about 1 ms of CPU).
BOOKABLE_SLOT = ReusedQuery(
    _bookable_slot_query,
    slot_id=-9_000_011,
    community_id=-9_000_012,
    now=datetime.datetime(1901, 1, 1, tzinfo=datetime.UTC),
)


def slot_from_row(row: tuple) -> Slot:
    """Instances as `select_related("service__provider", "service__category")` gives them
    (the columns need no conversion on the way from PostgreSQL: no JSON, no custom field)."""
    loaded, start = [], 0
    for model, _prefix in _LOADED:
        names = [field.attname for field in model._meta.concrete_fields]
        loaded.append(model.from_db("default", names, row[start : start + len(names)]))
        start += len(names)
    slot, service, provider, category = loaded
    service.provider, service.category = provider, category
    slot.service = service
    return slot


def _bookable_slot(slot_id: int, recipient: CareRecipient, now: datetime.datetime) -> Slot:
    """The slot with its service, if it may be booked for the recipient now; otherwise a
    refusal that says which rule failed."""
    rows = BOOKABLE_SLOT.rows(slot_id=slot_id, community_id=recipient.community_id, now=now)
    if rows:
        return slot_from_row(rows[0])
    slots = Slot.objects.select_related("service__provider", "service__category")
    slot = slots.get(pk=slot_id)
    service = slot.service
    if not Service.objects.bookable().filter(pk=service.pk).exists():
        raise OrdersError(_("This service cannot be booked at the moment."))
    if not service.communities.filter(pk=recipient.community_id).exists():
        raise OrdersError(
            _("This service is not offered in %(community)s, where %(name)s lives.")
            % {"community": recipient.community.name, "name": recipient.name}
        )
    # Whether a place is left is decided by the conditional update in take_place.
    if not Slot.objects.within_booking_window(now=now).filter(pk=slot.pk).exists():
        raise SlotFull(_("This time can no longer be booked. Please choose another."))
    return slot  # it became bookable between the two looks


def place_order(
    *,
    booked_by: User,
    slot: Slot,
    care_recipient: CareRecipient,
    idempotency_key: str,
    address: str = "",
    notes: str = "",
    quantity: int = 1,
    expected_copay_fen: int | None = None,
) -> Order:
    """A resident books a slot for someone they care for (or themself); community staff
    book for someone in their community who has no account (assisted ordering).
    Submitting the same form twice gives the same order. When the page showed a price
    (`expected_copay_fen`) and the subsidy changed meanwhile, nothing is booked and the
    person is told."""
    if not idempotency_key or len(idempotency_key) > 64:
        raise OrdersError(_("Please reload the page and try again."))
    try:
        return _place_order(
            booked_by=booked_by,
            slot=slot,
            care_recipient=care_recipient,
            idempotency_key=idempotency_key,
            address=address,
            notes=notes,
            quantity=quantity,
            expected_copay_fen=expected_copay_fen,
        )
    except OperationalError as exc:
        # Waited BOOKING_LOCK_WAIT_SECONDS for a lock: rolled back whole, nothing written.
        if is_lock_timeout(exc):
            raise OrdersError(BUSY) from None
        raise
    except (_DuplicateSubmission, Refusal):
        # The same form sent again gets the order its first sending made, even if the slot
        # has filled up since. Looked for only now: a first sending never needs the look.
        earlier = Order.objects.filter(booked_by=booked_by, idempotency_key=idempotency_key)
        if (order := earlier.first()) is None:
            raise
        return order


def _quote_and_reserve(service, care_recipient, quantity, on, expected_copay_fen):
    """Quote, then hold cap and budget; if someone took them in between, quote again."""
    for _attempt in range(3):
        split = subsidy.quote(
            service=service, care_recipient=care_recipient, quantity=quantity, on=on
        )
        if expected_copay_fen is not None and split.copay_fen != expected_copay_fen:
            raise OrdersError(
                _(
                    "The subsidy has changed since the page was shown: %(name)s would now pay "
                    "%(amount)s. Please look again before booking."
                )
                % {"name": care_recipient.name, "amount": "¥" + yuan(split.copay_fen)}
            )
        if not split.subsidy_fen:
            return split  # nothing to hold
        try:
            with transaction.atomic():
                subsidy.reserve(split, care_recipient=care_recipient)
        except subsidy.SubsidyChanged:
            continue
        return split
    raise OrdersError(BUSY)


@transaction.atomic
def _place_order(
    *,
    booked_by,
    slot,
    care_recipient,
    idempotency_key,
    address,
    notes,
    quantity,
    expected_copay_fen,
) -> Order:
    family = care_recipient.is_linked_to(booked_by)
    assisted = not family and may_act_on_community(
        booked_by, care_recipient.community_id, role="community_staff"
    )
    if not (family or assisted):
        raise PermissionDenied
    bound_lock_wait()
    now = timezone.now()
    slot = _bookable_slot(slot.pk, care_recipient, now)
    service = slot.service
    quantity = _quantity(service, quantity)
    # The place first: a full slot is refused before any subsidy is worked out, and every
    # transaction locks a slot before a programme, as cancelling does (no deadlock).
    take_place(slot.pk)
    split = _quote_and_reserve(
        service, care_recipient, quantity, timezone.localdate(slot.starts_at), expected_copay_fen
    )
    # Staff book for people without a card: what is left to pay is paid at the door.
    needs_payment = split.copay_fen > 0 and not assisted
    try:
        order = Order.objects.create(
            status=Order.Status.PENDING_PAYMENT if needs_payment else Order.Status.REQUESTED,
            service=service,
            provider=service.provider,
            slot=slot,
            community_id=care_recipient.community_id,
            booked_by=booked_by,
            care_recipient=care_recipient,
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
            title=service.title_zh,
            title_en=service.title_en,
            # At a venue the order carries the venue's address, never the home's (0028).
            address=(
                service.venue.address
                if service.venue_id
                else address.strip() or care_recipient.address
            ),
            venue_id=service.venue_id,
            notes=notes.strip(),
            quantity=quantity,
            unit_price_fen=split.unit_price_fen,
            list_price_fen=split.price_fen,
            subsidy_fen=split.subsidy_fen,
            copay_fen=split.copay_fen,
            programme_id=split.programme_id,
            subsidy_month=split.month,
            subsidy_minutes=split.minutes,
            assisted_by=booked_by if assisted else None,
            copay_offline=assisted and split.copay_fen > 0,
            free_cancel_hours=service.free_cancel_hours,
            late_cancel_fee_percent=service.late_cancel_fee_percent,
            idempotency_key=idempotency_key,
            expires_at=(
                now + datetime.timedelta(minutes=settings.ORDER_PAYMENT_WITHIN_MINUTES)
                if needs_payment
                else answer_deadline(now, slot.starts_at)
            ),
        )
    except IntegrityError:
        # The same key, sent twice at once: the whole booking rolls back (_place_order is
        # atomic) and place_order answers with the first one's order.
        raise _DuplicateSubmission from None
    reason = ""
    if assisted:
        reason = str(
            _("Booked by community staff %(staff)s for %(recipient)s")
            % {"staff": booked_by, "recipient": care_recipient.name}
        )
    event = OrderEvent.objects.create(
        order=order, actor=booked_by, action="place", to_status=order.status, reason=reason
    )
    transaction.on_commit(partial(push_order_event, event))
    if needs_payment:
        Payment.objects.create(order=order, amount_fen=order.copay_fen)
    else:
        wording.tell_provider_new_request(order)
    return order


# A plan visit whose share is charged later goes ahead in these states (orders.saved_cards).
PLAN_VISIT_GOING_AHEAD = (
    Order.Status.CONFIRMED,
    Order.Status.IN_SERVICE,
    Order.Status.COMPLETED,
    Order.Status.DISPUTED,
    Order.Status.CLOSED,
)


def answer_deadline(now: datetime.datetime, starts_at: datetime.datetime) -> datetime.datetime:
    return request_expires_at(
        requested_at=now,
        starts_at=starts_at,
        answer_within_hours=settings.ORDER_ANSWER_WITHIN_HOURS,
    )


@transaction.atomic
def confirm_payment(*, order: Order, stripe_payment_intent_id: str, amount_fen: int) -> Order:
    """Stripe says the resident's share is paid: the request goes to the provider. A
    payment that arrives after the order expired or was cancelled is refunded in full."""
    order = lock(order)
    payment = Payment.objects.select_for_update().get(order=order)
    if payment.status == Payment.Status.SUCCEEDED:
        return order  # told twice
    if payment.stripe_payment_intent_id != stripe_payment_intent_id:
        raise OrdersError("payment intent does not belong to this order")
    if amount_fen != payment.amount_fen:
        raise OrdersError("paid amount differs from the order")
    payment.status = Payment.Status.SUCCEEDED
    payment.succeeded_at = timezone.now()
    payment.save(update_fields=["status", "succeeded_at"])
    if payment.kind == Payment.Kind.SAVED_CARD and order.status in PLAN_VISIT_GOING_AHEAD:
        # A care plan's confirmed visit, charged to the saved card or paid on the pay page
        # after a refusal (decision 0029): the money follows the visit as any paid order's.
        if order.status == Order.Status.CLOSED:
            _schedule_transfer(order)
        return order
    if order.status != Order.Status.PENDING_PAYMENT:
        _refund(order, RefundDecision(payment.amount_fen, 0, "paid_after_closing"))
        return order
    move(order, "pay", by=None)
    order.expires_at = answer_deadline(timezone.now(), order.starts_at)
    order.save(update_fields=["expires_at"])
    wording.tell_provider_new_request(order)
    return order


@transaction.atomic
def record_payment_failure(*, order: Order) -> Order:
    """The card was refused; the order keeps its place until the payment window ends."""
    order = lock(order)
    Payment.objects.filter(order=order, status=Payment.Status.CREATED).update(
        status=Payment.Status.FAILED
    )
    return order


def _provider_in_good_standing(order: Order) -> None:
    """A suspended provider keeps its orders for staff to move, but takes on nothing."""
    if order.provider.status != Provider.Status.APPROVED:
        raise OrdersError(
            _("%(provider)s is suspended and cannot take on this visit.")
            % {"provider": order.provider.name}
        )


@transaction.atomic
def record_payment_canceled(*, order: Order, stripe_payment_intent_id: str) -> Order:
    """Stripe canceled the order's PaymentIntent (a wallet left unpaid until it expired):
    the next try on the pay page gets a new intent (payments.start_payment)."""
    order = lock(order)
    Payment.objects.filter(
        order=order,
        stripe_payment_intent_id=stripe_payment_intent_id,
        status__in=(Payment.Status.CREATED, Payment.Status.FAILED),
    ).update(status=Payment.Status.CANCELED)
    return order


@transaction.atomic
def accept_order(*, order: Order, by: User) -> Order:
    """The provider's manager accepts a requested booking."""
    order = lock(order)
    if not access.is_manager(by, order):
        raise PermissionDenied
    target_of("accept", order.status)
    _provider_in_good_standing(order)
    move(order, "accept", by=by)
    wording.tell_family(order, wording.CONFIRMED)
    return order


@transaction.atomic
def decline_order(*, order: Order, by: User, reason: str = "") -> Order:
    """The provider's manager declines; the resident gets everything back."""
    order = lock(order)
    if not access.is_manager(by, order):
        raise PermissionDenied
    move(order, "decline", by=by, reason=reason.strip())
    _refund_all(order)
    wording.tell_family(order, wording.DECLINED, reason=reason.strip() or "—")
    return order


def cancellation_preview(
    order: Order, *, relation: Relation, now: datetime.datetime | None = None
) -> RefundDecision:
    """What cancelling now would give back to someone in this relation to the order,
    shown before they confirm."""
    return refund_for_cancellation(
        paid_fen=_paid(order),
        # Moved out of the fee window, the order still counts from the start it left.
        starts_at=min(filter(None, (order.fee_counts_from, order.starts_at))),
        cancelled_at=now or timezone.now(),
        by_provider=relation.manager and not relation.family,
        free_cancel_hours=order.free_cancel_hours,
        late_cancel_fee_percent=order.late_cancel_fee_percent,
    )


@transaction.atomic
def cancel_order(*, order: Order, by: User, reason: str = "") -> RefundDecision:
    """The family, the provider's manager or community staff cancel; the policy decides
    the refund."""
    order = lock(order)
    relation = access.relation_to(by, order)
    if not (relation.family or relation.manager or relation.staff):
        raise PermissionDenied
    if not relation.family and not reason.strip():
        raise OrdersError(_("Please say why the order is cancelled."))
    decision = cancellation_preview(order, relation=relation)
    if relation.staff and not relation.family and not relation.manager:
        # Staff step in for the recipient (a suspended provider, a hospital stay): no fee.
        decision = RefundDecision(_paid(order), 0, "staff_cancelled")
    move(order, "cancel", by=by, reason=reason.strip())
    _keep_fee(order, decision)
    _refund(order, decision)
    wording.tell_everyone(order, wording.CANCELLED, by=by)
    return decision


@transaction.atomic
def reschedule_order(*, order: Order, by: User, slot: Slot) -> Order:
    """The family moves a booking to another time of the same service; the provider is
    asked again."""
    order = lock(order)
    if not access.is_family(by, order):
        raise PermissionDenied
    if slot.service_id != order.service_id:
        raise OrdersError(_("Please choose a time of the same service."))
    if slot.pk == order.slot_id:
        raise OrdersError(_("This is already the booked time."))
    target_of("reschedule", order.status)
    now = timezone.now()
    if not Slot.objects.within_booking_window(now=now).filter(pk=slot.pk).exists():
        raise SlotFull(_("This time can no longer be booked. Please choose another."))
    take_place(slot.pk)
    release_place(order.slot_id)
    old_start = timezone.localtime(order.starts_at)
    if order.programme_id:
        try:
            order.subsidy_month = subsidy.move_reservation(
                programme_id=order.programme_id,
                provider_id=order.provider_id,
                care_recipient=order.care_recipient,
                subsidy_fen=order.subsidy_fen,
                minutes=order.subsidy_minutes,
                from_month=order.subsidy_month,
                to_day=timezone.localdate(slot.starts_at),
            )
        except subsidy.NotEligible as refusal:
            raise OrdersError(refusal.message) from None
    if (
        order.status == Order.Status.CONFIRMED
        and order.fee_counts_from is None
        and order.starts_at - now < datetime.timedelta(hours=order.free_cancel_hours)
    ):
        # A confirmed visit inside its fee window: the fee keeps counting from this start
        # (decision 0025), so moving it five days out and cancelling costs the same fee.
        order.fee_counts_from = order.starts_at
        order.save(update_fields=["fee_counts_from"])
    order.slot = slot
    order.starts_at, order.ends_at = slot.starts_at, slot.ends_at
    # The worker stays where they are still free and may still go on the new day.
    if order.worker is not None and (
        why_not_sendable(order.worker, order)
        or not worker_is_free(order.worker, slot.starts_at, slot.ends_at, besides=order.pk)
    ):
        order.worker = None
    order.expires_at = answer_deadline(now, slot.starts_at)
    order.save(
        update_fields=[
            "slot",
            "starts_at",
            "ends_at",
            "worker",
            "expires_at",
            "subsidy_month",
            "updated_at",
        ]
    )
    move(order, "reschedule", by=by, reason=f"{old_start:%Y-%m-%d %H:%M}")
    wording.tell_provider_of_new_time(order, old_start=old_start)
    return order


@transaction.atomic
def assign_worker(*, order: Order, by: User, worker: ProviderMember) -> Order:
    """The provider's manager sends one of their workers; the worker sees the visit."""
    order = lock(order)
    if not access.is_manager(by, order):
        raise PermissionDenied
    if worker.provider_id != order.provider_id:
        raise PermissionDenied
    if order.status not in WORKER_MAY_BE_SENT:
        raise OrdersError(_("A worker can only be sent to an upcoming visit."))
    _provider_in_good_standing(order)
    if refusal := why_not_sendable(worker, order):
        raise OrdersError(refusal)
    if not worker_is_free(worker, order.starts_at, order.ends_at, besides=order.pk):
        raise OrdersError(_("%(worker)s has another visit at this time.") % {"worker": worker.user})
    order.worker = worker
    order.save(update_fields=["worker", "updated_at"])
    record(order, "assign", by=by, reason=str(worker.user))
    wording.tell_worker(order)
    return order


@transaction.atomic
def confirm_completion(*, order: Order, by: User) -> Order:
    """The family confirms the service was done; the order closes."""
    order = lock(order)
    if not access.is_family(by, order):
        raise PermissionDenied
    move(order, "confirm", by=by)
    VisitRecord.objects.create(
        order=order,
        kind=VisitRecord.Kind.RECIPIENT_CONFIRMED,
        method=VisitRecord.Method.FAMILY,
        at=timezone.now(),
        worker=order.worker,
        recorded_by=by,
    )
    _schedule_transfer(order)
    return order


@transaction.atomic
def report_no_show(*, order: Order, by: User, note: str = "") -> RefundDecision:
    """Either side says the visit did not happen: the family that the provider never came,
    the provider that nobody opened the door. Only once the visit should have started."""
    order = lock(order)
    relation = access.relation_to(by, order)
    if relation.family:
        provider_absent = True
    elif relation.provider_side:
        provider_absent = False
    else:
        raise PermissionDenied
    if timezone.now() < order.starts_at:
        raise OrdersError(_("A visit can be reported as missed only after its start time."))
    move(order, "no_show", by=by, reason=note.strip())
    order.no_show_by = Order.Side.PROVIDER if provider_absent else Order.Side.RESIDENT
    order.save(update_fields=["no_show_by"])
    decision = refund_for_no_show(
        paid_fen=_paid(order),
        provider_absent=provider_absent,
        late_cancel_fee_percent=order.late_cancel_fee_percent,
    )
    _keep_fee(order, decision)
    _refund(order, decision)
    wording.tell_everyone(order, wording.NO_SHOW, by=by)
    return decision


@transaction.atomic
def open_dispute(*, order: Order, by: User, reason: str) -> Order:
    """The family says something went wrong with a completed visit; staff will look."""
    order = lock(order)
    if not access.is_family(by, order):
        raise PermissionDenied
    reason = reason.strip()
    if not reason:
        raise OrdersError(_("Please describe what went wrong."))
    move(order, "dispute", by=by, reason=reason)
    order.dispute_reason = reason
    order.save(update_fields=["dispute_reason"])
    wording.tell_staff(order, wording.DISPUTED, reason=reason)
    return order


@transaction.atomic
def resolve_dispute(*, order: Order, by: User, outcome: str, refund_fen: int = 0) -> Order:
    """Community staff settle a dispute, optionally giving money back; the order closes."""
    order = lock(order)
    if not access.is_staff(by, order):
        raise PermissionDenied
    outcome = outcome.strip()
    if not outcome:
        raise OrdersError(_("Please write down how the dispute was settled."))
    if not 0 <= refund_fen <= _paid(order):
        raise OrdersError(_("The refund cannot be more than was paid."))
    move(order, "resolve", by=by, reason=outcome)
    if refund_fen:
        _refund(order, RefundDecision(refund_fen, _paid(order) - refund_fen, "dispute"))
    _schedule_transfer(order)
    wording.tell_everyone(order, wording.RESOLVED, by=by, outcome=outcome)
    return order


def _paid(order: Order) -> int:
    payment = getattr(order, "payment", None)
    if payment is None or payment.status != Payment.Status.SUCCEEDED:
        return 0
    return payment.amount_fen


def _keep_fee(order: Order, decision: RefundDecision) -> None:
    """What the policy kept, for the money ledger (orders.ledger)."""
    if decision.fee_fen:
        order.fee_fen = decision.fee_fen
        order.save(update_fields=["fee_fen"])


def _refund_all(order: Order) -> None:
    _refund(order, RefundDecision(_paid(order), 0, "full"))


def settle_no_show(order: Order, *, provider_absent: bool) -> RefundDecision:
    """What a missed visit costs, inside the caller's transaction (a locked order that has
    just become a no-show): the policy's fee is kept, the rest refunded."""
    decision = refund_for_no_show(
        paid_fen=_paid(order),
        provider_absent=provider_absent,
        late_cancel_fee_percent=order.late_cancel_fee_percent,
    )
    _keep_fee(order, decision)
    _refund(order, decision)
    return decision


def refund_in_full(order: Order) -> None:
    """Give back everything paid, inside the caller's transaction (a locked order)."""
    _refund_all(order)


def _refund(order: Order, decision: RefundDecision) -> None:
    """Record the refund now; Stripe is asked after commit (orders.tasks)."""
    if decision.refund_fen <= 0:
        return
    from orders.tasks import execute_refund

    refund = Refund.objects.create(
        payment=order.payment, amount_fen=decision.refund_fen, reason=decision.rule
    )
    transaction.on_commit(partial(execute_refund.enqueue, refund_id=refund.pk))


def _schedule_transfer(order: Order) -> None:
    """The provider's share of what the resident paid goes to its Connect account."""
    paid = _paid(order)
    refunded = sum(r.amount_fen for r in order.payment.refunds.all()) if paid else 0
    share = paid - refunded
    share -= share * settings.PLATFORM_FEE_PERCENT // 100
    if share <= 0:
        return
    from orders.tasks import send_transfer

    transfer = Transfer.objects.create(order=order, amount_fen=share)
    transaction.on_commit(partial(send_transfer.enqueue, transfer_id=transfer.pk))


def expire_overdue(*, now: datetime.datetime) -> int:
    """Batch: unpaid orders past their payment window and requests nobody answered give
    their place back (with a full refund of anything paid)."""
    expired = 0
    overdue = Order.objects.filter(
        status__in=(Order.Status.PENDING_PAYMENT, Order.Status.REQUESTED), expires_at__lte=now
    ).values_list("pk", flat=True)
    for order_id in list(overdue):
        with transaction.atomic():
            order = Order.objects.select_for_update().get(pk=order_id)
            if (
                order.status not in {Order.Status.PENDING_PAYMENT, Order.Status.REQUESTED}
                or order.expires_at > now
            ):
                continue  # answered, paid or cancelled meanwhile
            was_requested = order.status == Order.Status.REQUESTED
            move(order, "expire", by=None)
            _refund_all(order)
            if was_requested:
                wording.tell_family(order, wording.EXPIRED)
            expired += 1
    return expired


def close_overdue_orders(*, now: datetime.datetime) -> int:
    """Batch: completed orders close 72 hours after completion unless disputed."""
    closed = 0
    due = auto_close_cutoff(now=now, close_after_hours=settings.ORDER_AUTO_CLOSE_HOURS)
    for order_id in list(
        Order.objects.filter(status=Order.Status.COMPLETED, completed_at__lte=due).values_list(
            "pk", flat=True
        )
    ):
        with transaction.atomic():
            order = Order.objects.select_for_update().get(pk=order_id)
            if order.status != Order.Status.COMPLETED:
                continue  # the family confirmed or disputed it meanwhile
            move(
                order,
                "auto_close",
                by=None,
                reason=str(_("Closed automatically 72 hours after completion.")),
            )
            _schedule_transfer(order)
            closed += 1
    return closed


@transaction.atomic
def hold_order(*, order: Order, reason: str, note: str = "", by: User | None = None) -> OrderHold:
    """Keep a subsidised order off the purchaser's bill while something is open about it.
    Called by reviews (complaints, beneficiary feedback)."""
    order = lock(order)
    if reason not in OrderHold.Reason.values:
        raise ValueError(f"unknown hold reason {reason!r}")
    return OrderHold.objects.create(order=order, reason=reason, note=note[:300], opened_by=by)


@transaction.atomic
def release_hold(*, hold: OrderHold) -> OrderHold:
    """The matter is settled: the order may be billed again."""
    hold = OrderHold.objects.select_for_update().get(pk=hold.pk)
    if hold.released_at is None:
        hold.released_at = timezone.now()
        hold.save(update_fields=["released_at"])
    return hold


@transaction.atomic
def exclude_from_billing(*, order: Order, by: User, reason: str, note: str) -> OrderExclusion:
    """Community staff in scope keep an order off the purchaser's statements for good (a
    rejected visit, an upheld complaint's remedy). An order already billed stays on its
    statement: the purchaser's officer corrects it there with an adjustment."""
    order = lock(order)
    if not access.is_staff(by, order):
        raise PermissionDenied
    if reason not in OrderExclusion.Reason.values:
        raise ValueError(f"unknown exclusion reason {reason!r}")
    if not note.strip():
        raise OrdersError(_("Please give the reason for leaving the order off the statement."))
    if not order.subsidy_fen:
        raise OrdersError(_("This order is not billed to a purchaser."))
    if OrderExclusion.objects.filter(order=order).exists():
        raise OrdersError(_("This order is already left off the statements."))
    exclusion = OrderExclusion.objects.create(
        order=order, reason=reason, note=note.strip()[:300], excluded_by=by
    )
    record(order, "excluded", by=by, reason=note.strip())
    return exclusion


@transaction.atomic
def refund_copay(*, order: Order, by: User, reason: str) -> Refund:
    """Community staff in scope give the family back what they paid by card for the visit
    (an upheld complaint's remedy), through the same refund path as cancellations."""
    order = lock(order)
    if not access.is_staff(by, order):
        raise PermissionDenied
    if not reason.strip():
        raise OrdersError(_("Please give the reason for the refund."))
    paid = _paid(order)
    if not paid:
        raise OrdersError(_("Nothing was paid by card for this order, so nothing is refunded."))
    if order.payment.refunds.exists():
        raise OrdersError(_("This order has been refunded already."))
    _refund(order, RefundDecision(paid, 0, "complaint_upheld"))
    record(order, "copay_refunded", by=by, reason=reason.strip())
    wording.tell_family(order, wording.COPAY_REFUNDED, amount="¥" + yuan(paid))
    return order.payment.refunds.get()
