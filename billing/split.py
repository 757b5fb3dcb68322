"""The pure half of the subsidy split (billing.subsidy loads, this computes): given what
was loaded — the programmes covering a visit, each with the person's allowance, their
month's usage and the budget left — the split of one order's price. The single quote at
booking and the daily run of care plans (billing.subsidy_batch) both compute here, so the
rules exist once. Nothing here reads the database."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from billing.exceptions import BillingError
from billing.models import Contract, Programme
from marketplace.models import FundingMode, Service
from marketplace.money import percent_of


class NotEligible(BillingError):
    """No subsidy for this person and service, where the service is free only with one."""


@dataclass(frozen=True)
class Allowance:
    """What one person may use of a programme in a month; None: no limit of that kind.
    From the entitlement of their care level, or the programme's flat monthly cap."""

    monthly_cap_fen: int | None
    monthly_cap_minutes: int | None


@dataclass(frozen=True)
class Split:
    list_price_fen: int
    subsidy_fen: int
    copay_fen: int
    programme_id: int | None = None
    month: datetime.date | None = None
    minutes: int = 0
    # Figures for the receipt: the capped price and what the rule alone would pay.
    recognised_fen: int = 0
    rule_fen: int = 0
    allowance: Allowance | None = None
    # The contract the programme pays under, and one unit's price by it (decision 0033).
    contract_id: int | None = None
    contracted_unit_fen: int | None = None
    quantity: int = 1
    # Programmes that would pay but for the provider's grade, named so the quote says why
    # (decision 0039).
    graded_out: tuple[str, ...] = ()

    @property
    def price_fen(self) -> int:
        """What the visit costs in all: the contracted price where a programme pays for it."""
        if self.contracted_unit_fen is None:
            return self.list_price_fen
        return self.contracted_unit_fen * self.quantity

    @property
    def unit_price_fen(self) -> int:
        return self.price_fen // self.quantity

    @property
    def below_list_price(self) -> bool:
        return self.price_fen < self.list_price_fen


@dataclass(frozen=True)
class Candidate:
    """One programme paying for the visit under its contract with the provider, with what
    was loaded for it: the person's allowance (None: their care level gets nothing), the
    month's usage so far, the contract's quota used so far and the programme's budget left."""

    programme: Programme
    allowance: Allowance | None
    used_fen: int
    used_minutes: int
    budget_left_fen: int
    contract: Contract
    contracted_unit_fen: int
    contract_used_fen: int
    contract_used_minutes: int


@dataclass(frozen=True)
class Used:
    """What has been used so far of an allowance or a quota."""

    used_fen: int
    used_minutes: int


def first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def subsidy_by_rule(programme: Programme, *, unit_price_fen: int, quantity: int) -> tuple[int, int]:
    """(recognised price, what the rule pays) for one order, before any cap."""
    unit = unit_price_fen
    if programme.rate_cap_fen is not None:
        unit = min(unit, programme.rate_cap_fen)
    recognised = unit * quantity
    if programme.rule == Programme.Rule.FULL:
        paid = recognised
    elif programme.rule == Programme.Rule.PERCENTAGE:
        paid = percent_of(recognised, programme.percent)
    else:
        paid = min(programme.fixed_fen, recognised)
    return recognised, paid


def within_monthly_cap(
    allowance: Allowance, usage, *, amount_fen: int, minutes: int
) -> tuple[int, int]:
    """(amount, minutes counted) that the person's monthly allowance still leaves; `usage`
    has `used_fen` and `used_minutes` (a MonthlyUsage) or is None.

    An allowance in minutes of service pays for the minutes left, pro rata, rounded down."""
    used_fen = usage.used_fen if usage else 0
    used_minutes = usage.used_minutes if usage else 0
    if allowance.monthly_cap_fen is not None:
        amount_fen = min(amount_fen, max(allowance.monthly_cap_fen - used_fen, 0))
    if allowance.monthly_cap_minutes is not None and minutes:
        minutes_left = max(allowance.monthly_cap_minutes - used_minutes, 0)
        if minutes_left < minutes:
            amount_fen = amount_fen * minutes_left // minutes
            minutes = minutes_left
    return amount_fen, minutes


def best_split(
    *,
    service: Service,
    quantity: int,
    on: datetime.date,
    candidates: Iterable[Candidate],
    recipient_name: str,
) -> Split:
    """The split for `quantity` units of `service` on `on`: of several programmes, the one
    that leaves the family least to pay (then the cheaper visit, then the first in the
    candidates' order). A public service that no programme pays in full is refused
    (NotEligible)."""
    list_price = service.price_fen * quantity
    month = first_of_month(on)
    best = Split(list_price_fen=list_price, subsidy_fen=0, copay_fen=list_price, quantity=quantity)
    if service.funding_mode != FundingMode.COMMERCIAL:
        for candidate in candidates:
            if candidate.allowance is None:
                continue
            recognised, by_rule = subsidy_by_rule(
                candidate.programme, unit_price_fen=candidate.contracted_unit_fen, quantity=quantity
            )
            amount, counted = within_monthly_cap(
                candidate.allowance, candidate, amount_fen=by_rule, minutes=service.duration_minutes
            )
            # The contract's quota is left the way a monthly allowance is.
            contract = candidate.contract
            amount, counted = within_monthly_cap(
                Allowance(contract.quota_fen, contract.quota_minutes),
                Used(candidate.contract_used_fen, candidate.contract_used_minutes),
                amount_fen=amount,
                minutes=counted,
            )
            amount = min(amount, candidate.budget_left_fen)
            price = candidate.contracted_unit_fen * quantity
            if amount > 0 and (price - amount, price) < (best.copay_fen, best.price_fen):
                best = Split(
                    list_price_fen=list_price,
                    subsidy_fen=amount,
                    copay_fen=price - amount,
                    programme_id=candidate.programme.pk,
                    month=month,
                    minutes=counted,
                    recognised_fen=recognised,
                    rule_fen=by_rule,
                    allowance=candidate.allowance,
                    contract_id=contract.pk,
                    contracted_unit_fen=candidate.contracted_unit_fen,
                    quantity=quantity,
                )
    if service.funding_mode == FundingMode.PUBLIC and best.copay_fen > 0:
        raise NotEligible(
            _(
                "This public service is free for eligible people only, and %(name)s has no "
                "subsidy left for it (not registered as eligible, or this month's allowance or "
                "the programme's budget is used up). Community staff can help."
            )
            % {"name": recipient_name}
        )
    return best
