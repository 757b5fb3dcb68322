"""The money ledger check (decision 0025): for every order, what was paid, less what went
back and the fee kept, is what the resident was finally charged; and what was transferred is
what the provider is owed. `manage.py check_money` and the daily job run it; the staff money
page lists the differences. Reads only our rows: the webhooks keep them as Stripe says."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from orders.models import Order, Payment, Refund

# Orders whose service never happened: the resident owes nothing for it (a fee aside).
NOT_DELIVERED = {
    Order.Status.PENDING_PAYMENT,
    Order.Status.DECLINED,
    Order.Status.CANCELLED,
    Order.Status.EXPIRED,
    Order.Status.NO_SHOW,
}
BACK_TO_RESIDENT = (Refund.Status.SUCCEEDED, Refund.Status.HANDED_OVER)

WHY = {
    "refund_pending": _("A refund is not yet settled by Stripe."),
    "refund_with_staff": _("A refund failed and waits for staff on this page."),
    "refunded_outside": _("Money was refunded in Stripe's dashboard, outside Linli."),
    "chargeback": _("The resident's bank took the money back (a chargeback)."),
    "unexplained": _("No refund, fee or chargeback explains it."),
    "transfer": _("The transfer to the provider differs from what it is owed."),
}


@dataclass(frozen=True)
class Figures:
    """One order's money, in fen."""

    paid: int
    refunded: int
    fee: int
    charged: int  # what the resident was finally charged for the service
    transferred: int
    owed_to_provider: int

    @property
    def gap(self) -> int:
        return self.paid - self.refunded - self.fee - self.charged


@dataclass(frozen=True)
class Difference:
    order: Order
    figures: Figures
    kind: str

    @property
    def why(self) -> str:
        return str(WHY[self.kind])


def figures(order: Order) -> Figures:
    payment = getattr(order, "payment", None)
    refunds = list(payment.refunds.all()) if payment else []
    paid = payment.amount_fen if payment and payment.status == Payment.Status.SUCCEEDED else 0
    lost = sum(d.amount_fen for d in payment.disputes.all() if d.lost) if payment else 0
    refunded = sum(r.amount_fen for r in refunds if r.status in BACK_TO_RESIDENT) + lost
    if order.status in NOT_DELIVERED or not paid:
        charged = 0
    else:
        # Staff gave part back when settling a dispute: that part was never charged.
        decided = sum(r.amount_fen for r in refunds if r.reason == "dispute")
        charged = paid - decided
    owed = 0
    if order.status == Order.Status.CLOSED:
        owed = charged - charged * settings.PLATFORM_FEE_PERCENT // 100
    transfer = getattr(order, "transfer", None)
    return Figures(
        paid=paid,
        refunded=refunded,
        fee=order.fee_fen,
        charged=charged,
        transferred=transfer.amount_fen if transfer else 0,
        owed_to_provider=owed,
    )


def _kind(order: Order, money: Figures) -> str:
    payment = getattr(order, "payment", None)
    refunds = list(payment.refunds.all()) if payment else []
    if any(r.origin == Refund.Origin.STRIPE for r in refunds):
        return "refunded_outside"
    if payment and any(d.lost for d in payment.disputes.all()):
        return "chargeback"
    unsettled = [r for r in refunds if r.status not in BACK_TO_RESIDENT]
    if any(r.handed_to_staff_at for r in unsettled):
        return "refund_with_staff"
    if unsettled:
        return "refund_pending"
    return "unexplained"


def with_money(orders: QuerySet) -> QuerySet:
    return (
        orders.filter(Q(payment__isnull=False) | Q(transfer__isnull=False) | ~Q(fee_fen=0))
        .select_related("payment", "transfer")
        .prefetch_related("payment__refunds", "payment__disputes")
        .order_by("pk")
    )


def differences(orders: Iterable[Order] | None = None) -> list[Difference]:
    """Every order whose money does not add up, with the likeliest reason."""
    if orders is None:
        orders = with_money(Order.objects.all()).iterator(chunk_size=2000)
    return list(_differences(orders))


def _differences(orders: Iterable[Order]) -> Iterator[Difference]:
    for order in orders:
        money = figures(order)
        if money.gap:
            yield Difference(order, money, _kind(order, money))
        elif money.transferred != money.owed_to_provider:
            yield Difference(order, money, "transfer")
