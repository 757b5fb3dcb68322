"""The order's life as one table (pure, no database): each action, the statuses it may
start from, and the status it leads to. DESIGN §6 plus what it leaves unsaid, written down
in docs/decisions/0009-order-life.md."""

from django.utils.translation import gettext_lazy as _

from orders.exceptions import OrdersError
from orders.models import Order

Status = Order.Status

TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "pay": (frozenset({Status.PENDING_PAYMENT}), Status.REQUESTED),
    "accept": (frozenset({Status.REQUESTED}), Status.CONFIRMED),
    "decline": (frozenset({Status.REQUESTED}), Status.DECLINED),
    "cancel": (
        frozenset({Status.PENDING_PAYMENT, Status.REQUESTED, Status.CONFIRMED}),
        Status.CANCELLED,
    ),
    "expire": (frozenset({Status.PENDING_PAYMENT, Status.REQUESTED}), Status.EXPIRED),
    "reschedule": (frozenset({Status.REQUESTED, Status.CONFIRMED}), Status.REQUESTED),
    # The family takes the provider staff propose instead of a suspended one; it is asked.
    "change_provider": (frozenset({Status.REQUESTED, Status.CONFIRMED}), Status.REQUESTED),
    "check_in": (frozenset({Status.CONFIRMED}), Status.IN_SERVICE),
    "check_out": (frozenset({Status.IN_SERVICE}), Status.COMPLETED),
    "no_show": (frozenset({Status.CONFIRMED}), Status.NO_SHOW),
    # A venue's roll call corrected before the order closes: marked present, then absent
    # (decision 0028).
    "roll_call_absent": (frozenset({Status.COMPLETED}), Status.NO_SHOW),
    "confirm": (frozenset({Status.COMPLETED}), Status.CLOSED),
    "auto_close": (frozenset({Status.COMPLETED}), Status.CLOSED),
    "dispute": (frozenset({Status.COMPLETED}), Status.DISPUTED),
    "resolve": (frozenset({Status.DISPUTED}), Status.CLOSED),
}

ACTION_LABELS = {
    "pay": _("pay"),
    "accept": _("accept"),
    "decline": _("decline"),
    "cancel": _("cancel"),
    "expire": _("expire"),
    "reschedule": _("change the time"),
    "change_provider": _("move to another provider"),
    "check_in": _("check in"),
    "check_out": _("check out"),
    "no_show": _("report that the visit did not happen"),
    "roll_call_absent": _("mark as absent"),
    "confirm": _("confirm completion"),
    "auto_close": _("close"),
    "dispute": _("dispute"),
    "resolve": _("resolve the dispute"),
}

# status → statuses reachable from it.
NEXT: dict[str, set[str]] = {status: set() for status in Status.values}
for _sources, _target in TRANSITIONS.values():
    for _source in _sources:
        NEXT[_source].add(_target)

# Orders in these statuses hold a place in their slot.
HOLDS_A_PLACE = frozenset(
    {
        Status.PENDING_PAYMENT,
        Status.REQUESTED,
        Status.CONFIRMED,
        Status.IN_SERVICE,
        Status.COMPLETED,
        Status.DISPUTED,
        Status.CLOSED,
        Status.NO_SHOW,
    }
)

# A worker can be sent to a visit still to come (and sent again, to replace one).
WORKER_MAY_BE_SENT = frozenset({Status.REQUESTED, Status.CONFIRMED})
# Community staff can vouch for a visit once it has begun.
VISIT_STARTED = frozenset({Status.IN_SERVICE, Status.COMPLETED, Status.DISPUTED, Status.CLOSED})

# Public money is held only for visits that happen: these steps give the subsidy back,
RELEASES_SUBSIDY = frozenset({"decline", "cancel", "expire", "no_show", "roll_call_absent"})
# and orders in the statuses they lead to hold none.
SUBSIDY_RELEASED = frozenset(TRANSITIONS[action][1] for action in RELEASES_SUBSIDY)


class TransitionNotAllowed(OrdersError):
    def __init__(self, current: str, action: str):
        super().__init__(
            _("This order is %(current)s: you cannot %(action)s it now.")
            % {"current": Status(current).label, "action": ACTION_LABELS[action]}
        )


def target_of(action: str, current: str) -> str:
    sources, target = TRANSITIONS[action]
    if current not in sources:
        raise TransitionNotAllowed(current, action)
    return target


def releases_place(action: str) -> bool:
    """Actions after which the slot's place is free for someone else."""
    return TRANSITIONS[action][1] not in HOLDS_A_PLACE
