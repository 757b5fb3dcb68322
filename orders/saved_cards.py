"""Saved cards and the care plan visits charged to them (decision 0029): the state changes.
Stripe is asked only by orders.payments, outside these transactions: a row is written here
and committed, Stripe is asked, and the answer comes back here in a new short transaction
that may run twice.

A family member keeps one card at a time. A plan visit to be paid by card is a confirmed
order with a `Payment` of kind saved_card, left unsent until a day and a half before the visit
(`CHARGE_HOURS_AHEAD`, 36 h): then the card is charged off-session. A cancellation before that
costs nothing and touches no card; one after it is refunded as any paid order is."""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from accounts.models import User
from accounts.notifications import translatable
from marketplace.money import yuan
from orders import wording
from orders.models import Order, Payment, SavedCard
from orders.services import PLAN_VISIT_GOING_AHEAD
from providers.models import Provider

# Charged a day and a half before the visit: the frequent job (cms.jobs) finds every visit
# that starts within this many hours. A cancellation made before then touches no card; one
# after is refunded by the service's cancellation rules like any paid order (in its free
# window: in full). The half day leaves a family whose card is refused time to pay.
CHARGE_HOURS_AHEAD = 36

# A visit whose share is still owed: it goes ahead, and the family may pay on the pay page.
GOING_AHEAD = PLAN_VISIT_GOING_AHEAD

CARD_REFUSED = gettext_noop(
    "Your saved card was not charged for %(service)s on %(when)s (order %(code)s): "
    "%(reason)s The visit still goes ahead. Please pay %(amount)s on the pay page."
)
CARD_GONE_DOOR = gettext_noop(
    "There is no saved card to charge for %(service)s on %(when)s (order %(code)s), so "
    "%(amount)s is paid at the door."
)
CARD_GONE_PAY = gettext_noop(
    "There is no saved card to charge for %(service)s on %(when)s (order %(code)s). "
    "%(provider)s takes only card payments: please pay %(amount)s on the pay page."
)


def active_card(user: User | int) -> SavedCard | None:
    return SavedCard.objects.filter(user=user, status=SavedCard.Status.ACTIVE).first()


def provider_takes_card(provider: Provider) -> bool:
    return provider.plan_payment != Provider.PlanPayment.DOOR


def provider_takes_door(provider: Provider) -> bool:
    return provider.plan_payment != Provider.PlanPayment.CARD


@transaction.atomic
def begin_saving_card(*, by: User) -> SavedCard:
    """A row for the card about to be typed in: the SetupIntent is made for it next
    (payments.start_card_setup). An unfinished one is reused, so a reload makes no other."""
    if not by.is_authenticated:
        raise PermissionDenied
    User.objects.select_for_update().get(pk=by.pk)
    pending = SavedCard.objects.filter(user=by, status=SavedCard.Status.SETTING_UP).first()
    if pending is not None:
        return pending
    customer = (
        SavedCard.objects.filter(user=by)
        .exclude(stripe_customer_id="")
        .values_list("stripe_customer_id", flat=True)
        .first()
    )
    return SavedCard.objects.create(user=by, stripe_customer_id=customer or "")


@transaction.atomic
def record_card_saved(
    *, card: SavedCard, payment_method_id: str, brand: str, last4: str, exp_month, exp_year
) -> tuple[SavedCard, SavedCard | None]:
    """Stripe says the card is set up: it becomes the owner's card, and the one before it
    (if any) is removed. Returns the card and the replaced one (to detach from Stripe)."""
    User.objects.select_for_update().get(pk=card.user_id)
    card = SavedCard.objects.select_for_update().get(pk=card.pk)
    if card.status != SavedCard.Status.SETTING_UP:
        return card, None  # told twice
    now = timezone.now()
    replaced = active_card(card.user_id)
    if replaced is not None:
        replaced.status, replaced.removed_at = SavedCard.Status.REMOVED, now
        replaced.save(update_fields=["status", "removed_at"])
    card.status, card.saved_at = SavedCard.Status.ACTIVE, now
    card.stripe_payment_method_id = payment_method_id
    card.brand, card.last4 = brand[:20], last4[-4:]
    card.exp_month, card.exp_year = exp_month, exp_year
    card.save()
    return card, replaced


@transaction.atomic
def remove_saved_card(*, card: SavedCard, by: User) -> SavedCard:
    """Only its owner removes a card. Visits not yet charged fall back, when their day
    comes, to the door or to the pay page (prepare_charge)."""
    card = SavedCard.objects.select_for_update().get(pk=card.pk)
    if card.user_id != by.pk:
        raise PermissionDenied
    if card.status != SavedCard.Status.REMOVED:
        card.status, card.removed_at = SavedCard.Status.REMOVED, timezone.now()
        card.save(update_fields=["status", "removed_at"])
    return card


def due_for_charging(*, now: datetime.datetime) -> list[int]:
    """The plan visits whose share is to be charged now: confirmed, within a day and a half,
    not yet sent to Stripe."""
    return list(
        Payment.objects.filter(
            kind=Payment.Kind.SAVED_CARD,
            status=Payment.Status.CREATED,
            stripe_payment_intent_id__isnull=True,
            order__status=Order.Status.CONFIRMED,
            order__starts_at__gt=now,
            order__starts_at__lte=now + datetime.timedelta(hours=CHARGE_HOURS_AHEAD),
        )
        .order_by("order__starts_at", "pk")
        .values_list("pk", flat=True)
    )


def _tell_owner(order: Order, message: str, *, url: str, **extra) -> None:
    wording.tell_booker(order, message, url=url, amount="¥" + yuan(order.copay_fen), **extra)


def pay_url(order: Order) -> str:
    return reverse("orders:pay", kwargs={"code": order.code})


@transaction.atomic
def prepare_charge(*, payment: Payment) -> Payment | None:
    """Before the card is charged: the order still goes ahead and the owner still has a
    card. The card and the time of the first try are written (and committed) before Stripe
    is asked; a second run after a lost answer asks again with the same key. Without a card
    the visit falls back to the door (the provider takes it) or the pay page, and the owner
    is told; None means there is nothing to charge now."""
    payment = Payment.objects.select_for_update().select_related("order").get(pk=payment.pk)
    order = payment.order
    if (
        payment.kind != Payment.Kind.SAVED_CARD
        or payment.status != Payment.Status.CREATED
        or payment.stripe_payment_intent_id
        or order.status != Order.Status.CONFIRMED
    ):
        return None
    card = active_card(order.booked_by_id)
    if card is None:
        _without_card(order, payment)
        return None
    if payment.saved_card_id != card.pk:
        payment.saved_card = card
    payment.charge_tried_at = payment.charge_tried_at or timezone.now()
    payment.save(update_fields=["saved_card", "charge_tried_at"])
    return payment


def _without_card(order: Order, payment: Payment) -> None:
    if provider_takes_door(order.provider):
        payment.delete()  # never sent to Stripe: nothing refers to it
        Order.objects.filter(pk=order.pk).update(copay_offline=True)
        _tell_owner(order, CARD_GONE_DOOR, url=order.get_absolute_url())
    else:
        payment.status = Payment.Status.FAILED
        payment.save(update_fields=["status"])
        _tell_owner(order, CARD_GONE_PAY, url=pay_url(order))


@transaction.atomic
def record_charge_refused(
    *, payment: Payment, intent_id: str | None, client_secret: str, reason
) -> Payment:
    """The bank refused the off-session charge (declined, or it wants the payer to
    authenticate): the intent is kept for the pay page, where the payer finishes it on the
    same PaymentIntent, and the owner is told once, in their language."""
    payment = Payment.objects.select_for_update().select_related("order").get(pk=payment.pk)
    if payment.status != Payment.Status.CREATED:
        return payment  # told twice, or paid meanwhile
    if intent_id and not payment.stripe_payment_intent_id:
        payment.stripe_payment_intent_id, payment.client_secret = intent_id, client_secret
    payment.status = Payment.Status.FAILED
    payment.save(update_fields=["status", "stripe_payment_intent_id", "client_secret"])
    order = payment.order
    if order.status in GOING_AHEAD:
        _tell_owner(order, CARD_REFUSED, url=pay_url(order), reason=translatable(reason))
    return payment


@transaction.atomic
def record_charge_sent(*, payment: Payment, intent_id: str, client_secret: str) -> None:
    Payment.objects.filter(pk=payment.pk, stripe_payment_intent_id__isnull=True).update(
        stripe_payment_intent_id=intent_id, client_secret=client_secret
    )


def owes_card_payment(order: Order) -> bool:
    """The family may pay a plan visit's share on the pay page: its saved card was refused
    or is gone, and the visit goes ahead."""
    payment = getattr(order, "payment", None)
    return (
        payment is not None
        and payment.kind == Payment.Kind.SAVED_CARD
        and payment.status in (Payment.Status.FAILED, Payment.Status.CANCELED)
        and order.status in GOING_AHEAD
    )
