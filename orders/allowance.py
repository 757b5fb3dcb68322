"""What is left of a person's monthly allowance: allowed, reserved by visits to come,
used by visits done, left. Read from the orders themselves, so the figures add up to the
visits a family can see; the binding count (what a booking may still take) is
billing.MonthlyUsage, which the same orders moved."""

import datetime
from dataclasses import dataclass

from django.db.models import Q, Sum

from accounts.models import CareRecipient
from billing.models import Eligibility, Programme
from billing.subsidy import Allowance, allowance_for, first_of_month
from orders.models import Order
from orders.transitions import SUBSIDY_RELEASED

Status = Order.Status
VISIT_DONE = frozenset({Status.COMPLETED, Status.DISPUTED, Status.CLOSED})


@dataclass(frozen=True)
class Figures:
    """One kind of allowance (minutes or fen) in one month; `allowed` None: no limit."""

    allowed: int | None
    reserved: int
    used: int

    @property
    def left(self) -> int | None:
        if self.allowed is None:
            return None
        return max(self.allowed - self.reserved - self.used, 0)


@dataclass(frozen=True)
class MonthAllowance:
    programme: Programme
    month: datetime.date
    allowance: Allowance | None  # None: the person's level is not entitled this month
    minutes: Figures
    money: Figures


def _sums(orders) -> dict[str, int]:
    done = Q(status__in=VISIT_DONE)
    return orders.aggregate(
        used_minutes=Sum("subsidy_minutes", filter=done, default=0),
        used_fen=Sum("subsidy_fen", filter=done, default=0),
        reserved_minutes=Sum("subsidy_minutes", filter=~done, default=0),
        reserved_fen=Sum("subsidy_fen", filter=~done, default=0),
    )


def _held(programme: Programme, month: datetime.date):
    return Order.objects.filter(programme=programme, subsidy_month=month).exclude(
        status__in=SUBSIDY_RELEASED
    )


def allowances_of(recipient: CareRecipient, day: datetime.date) -> list[MonthAllowance]:
    """For each programme the person is eligible for on `day`, its month's figures."""
    month = first_of_month(day)
    programmes = Programme.objects.filter(
        pk__in=Eligibility.objects.filter(
            care_recipient=recipient,
            revoked_at__isnull=True,
            valid_from__lte=day,
            valid_until__gte=day,
        ).values("programme_id"),
        valid_from__lte=day,
        valid_until__gte=day,
    ).prefetch_related("entitlements")
    rows = []
    for programme in programmes:
        allowance = allowance_for(programme, recipient, day)
        sums = _sums(_held(programme, month).filter(care_recipient=recipient))
        rows.append(
            MonthAllowance(
                programme=programme,
                month=month,
                allowance=allowance,
                minutes=Figures(
                    allowance.monthly_cap_minutes if allowance else 0,
                    sums["reserved_minutes"],
                    sums["used_minutes"],
                ),
                money=Figures(
                    allowance.monthly_cap_fen if allowance else 0,
                    sums["reserved_fen"],
                    sums["used_fen"],
                ),
            )
        )
    return rows


@dataclass(frozen=True)
class ProgrammeMonth:
    """An officer's view of one programme's month: what its people hold and used."""

    month: datetime.date
    people: int
    reserved_minutes: int
    used_minutes: int
    reserved_fen: int
    used_fen: int


def programme_month(programme: Programme, month: datetime.date) -> ProgrammeMonth:
    held = _held(programme, first_of_month(month))
    sums = _sums(held)
    return ProgrammeMonth(
        month=first_of_month(month),
        people=held.values("care_recipient").distinct().count(),
        reserved_minutes=sums["reserved_minutes"],
        used_minutes=sums["used_minutes"],
        reserved_fen=sums["reserved_fen"],
        used_fen=sums["used_fen"],
    )
