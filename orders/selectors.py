"""Read side of orders: what a person may do with an order (the same predicates the
services check), and the lists on residents', providers', workers' and staff pages."""

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
