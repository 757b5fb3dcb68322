"""One order's life as the order services would have lived it: the steps of the transition
table (orders.transitions) with their times, cut at "now". Pure, no database."""

import datetime
import random
from dataclasses import dataclass

from orders.transitions import target_of

H = datetime.timedelta(hours=1)
M = datetime.timedelta(minutes=1)

# How an order's story ends if time lets it; "now" may cut it short (a visit next week is
# merely confirmed).
FATES = {
    "closed_confirm": 68.0,
    "closed_auto": 17.0,
    "cancelled": 5.0,
    "declined": 2.5,
    "expired": 2.5,
    "no_show": 1.5,
    "disputed": 3.5,
}


@dataclass(frozen=True)
class Step:
    action: str
    before: str
    after: str
    at: datetime.datetime
    actor: str  # who acts: booker, manager, worker, staff, or "" for the site itself


def pick_fate(rng: random.Random) -> str:
    return rng.choices(list(FATES), weights=list(FATES.values()))[0]


def _minutes(rng: random.Random, low: float, high: float) -> datetime.timedelta:
    return datetime.timedelta(minutes=rng.uniform(low, high))


def plan_steps(
    rng: random.Random,
    fate: str,
    *,
    needs_payment: bool,
    created: datetime.datetime,
    starts: datetime.datetime,
    ends: datetime.datetime,
) -> list[tuple[str, datetime.datetime, str]]:
    """(action, when, actor) from booking to the fate's end."""
    first = "place"
    steps = [(first, created, "booker")]
    if needs_payment and fate == "expired":
        return [*steps, ("expire", created + 30 * M, "")]
    requested = created
    if needs_payment:
        requested = created + _minutes(rng, 1, 10)
        steps.append(("pay", requested, ""))
    if fate == "expired":
        return [*steps, ("expire", min(requested + 12 * H, starts), "")]
    if fate == "declined":
        return [*steps, ("decline", requested + _minutes(rng, 30, 360), "manager")]
    if fate == "cancelled":
        # Well before the free-cancellation limit (bookings are made 26 h ahead at least).
        return [*steps, ("cancel", requested + _minutes(rng, 5, 60), "booker")]
    accepted = requested + _minutes(rng, 20, 360)
    steps += [("accept", accepted, "manager"), ("assign", accepted + 10 * M, "manager")]
    if fate == "no_show":
        return [*steps, ("no_show", starts + 40 * M, "booker")]
    check_out = ends + _minutes(rng, -5, 15)
    steps += [("check_in", starts + _minutes(rng, -5, 10), "worker")]
    steps += [("check_out", check_out, "worker")]
    if fate == "closed_confirm":
        return [*steps, ("confirm", check_out + _minutes(rng, 30, 2880), "booker")]
    if fate == "closed_auto":
        return [*steps, ("auto_close", check_out + 72 * H + _minutes(rng, 0, 5), "")]
    disputed = check_out + _minutes(rng, 120, 2880)
    return [
        *steps,
        ("dispute", disputed, "booker"),
        ("resolve", disputed + _minutes(rng, 1440, 10080), "staff"),
    ]


def live(
    planned: list[tuple[str, datetime.datetime, str]], now: datetime.datetime, needs_payment: bool
) -> list[Step]:
    """The steps that have happened by `now`, each checked against the transition table."""
    status = "pending_payment" if needs_payment else "requested"
    steps = [Step("place", "", status, planned[0][1], planned[0][2])]
    for action, at, actor in planned[1:]:
        if at > now:
            break
        after = status if action == "assign" else target_of(action, status)
        steps.append(Step(action, status, after, at, actor))
        status = after
    return steps
