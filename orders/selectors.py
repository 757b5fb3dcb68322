"""Read side of orders: what a person may do with an order (the same predicates the
services check), and the lists on residents', providers', workers' and staff pages."""

from django.db.models import Count, Q
from django.utils import timezone

from orders.access import Relation
from orders.models import Order
from orders.saved_cards import owes_card_payment
from orders.transitions import TRANSITIONS, VISIT_STARTED, WORKER_MAY_BE_SENT


def _allowed(action: str, order: Order) -> bool:
    return order.status in TRANSITIONS[action][0]


def actions_for(order: Order, relation: Relation) -> set[str]:
    """What someone in this relation to the order may do with it now."""
    family, manager, staff = relation.family, relation.manager, relation.staff
    started = timezone.now() >= order.starts_at
    actions: set[str] = set()
    if family:
        if _allowed("pay", order) or owes_card_payment(order):
            actions.add("pay")
        if _allowed("cancel", order):
            actions.add("cancel")
        if _allowed("reschedule", order):
            actions.add("reschedule")
        if _allowed("confirm", order):
            actions |= {"confirm", "dispute"}
        if _allowed("no_show", order) and started:
            actions.add("no_show")
    if manager:
        # A suspended provider may still decline, but takes nothing on (ADR 0020).
        in_good_standing = order.provider.status == "approved"
        if _allowed("accept", order):
            actions |= {"accept", "decline"} if in_good_standing else {"decline"}
        if order.status in WORKER_MAY_BE_SENT and in_good_standing:
            actions.add("assign")
        if _allowed("cancel", order):
            actions.add("cancel")
    if relation.provider_side:
        if order.worker_id and _allowed("check_in", order):
            actions.add("check_in")
        if order.worker_id and _allowed("check_out", order):
            actions.add("check_out")
        if _allowed("no_show", order) and started:
            actions.add("no_show")
    if staff:
        if _allowed("cancel", order):
            actions.add("cancel")
        if _allowed("resolve", order):
            actions.add("resolve")
        if order.status in VISIT_STARTED:
            actions.add("confirm_visit")
    if (manager or staff) and order.visit_records.exists():
        actions.add("correct_visit")
    return actions


# The tabs of "my orders", in the order shown (decision 0042). "To review" holds a visit
# the family still has to confirm, and a closed order nobody has reviewed yet.
ORDER_TABS = ("to_pay", "upcoming", "to_review", "past")
UPCOMING = (Order.Status.REQUESTED, Order.Status.CONFIRMED, Order.Status.IN_SERVICE)


def _tab_filters() -> dict[str, Q]:
    to_review = Q(status=Order.Status.COMPLETED) | Q(
        status=Order.Status.CLOSED, review__isnull=True
    )
    to_pay = Q(status=Order.Status.PENDING_PAYMENT)
    upcoming = Q(status__in=UPCOMING)
    return {
        "to_pay": to_pay,
        "upcoming": upcoming,
        "to_review": to_review,
        "past": ~(to_pay | upcoming | to_review),
    }


def order_tabs(orders, tab: str | None) -> tuple[str, dict[str, int], object]:
    """The chosen tab (the first with something in it when none or an unknown one is
    asked for), each tab's count from one query, and the chosen tab's orders."""
    filters = _tab_filters()
    counts = orders.aggregate(**{name: Count("pk", filter=filters[name]) for name in ORDER_TABS})
    if tab not in filters:
        tab = next((name for name in ORDER_TABS if counts[name]), "upcoming")
    chosen = orders.filter(filters[tab])
    # What comes next first; what is over, the latest first.
    ordering = "starts_at" if tab in ("to_pay", "upcoming") else "-starts_at"
    return tab, counts, chosen.order_by(ordering)


def may_have_receipt(order: Order) -> bool:
    """A receipt once the order stands: not while it waits for payment, nor when that
    payment never came."""
    return order.status not in (Order.Status.PENDING_PAYMENT, Order.Status.EXPIRED)
