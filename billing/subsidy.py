"""The subsidy layer of billing (DESIGN §8): below orders, which calls it at booking.

`quote` computes the split of an order's price, in this order of operations:
list price → programme rate cap → subsidy rule → monthly cap left → budget left →
co-payment. `reserve` holds the cap and the budget with conditional updates in the
caller's transaction, `release` gives them back, `spend` counts the budget as spent when
a statement is approved. Only these (and billing.services.adjust_budget, for the budget
itself) write a programme's money. See docs/decisions/0011-subsidy-split.md; the budget
alerts at 80 % and 95 % are docs/decisions/0032.
"""

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Case, F, Q, Value, When
from django.db.models.lookups import GreaterThanOrEqual
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import CareRecipient
from assessments.levels import care_level_of
from billing import contracts, wording
from billing.exceptions import BillingError
from billing.models import Contract, Eligibility, MonthlyUsage, Programme
from communities.scoping import regions_covering
from marketplace.models import FundingMode, Service
from marketplace.money import percent_of, yuan


class NotEligible(BillingError):
    """No subsidy for this person and service, where the service is free only with one."""


class SubsidyChanged(Exception):
    """The cap or budget was taken by someone else between the quote and the reservation."""


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


def first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def subsidy_by_rule(programme: Programme, *, unit_price_fen: int, quantity: int) -> tuple[int, int]:
    """(recognised price, what the rule pays) for one order, before any cap. Pure."""
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


def allowance_for(
    programme: Programme, recipient: CareRecipient, on: datetime.date
) -> Allowance | None:
    """The person's monthly allowance under the programme on that day. A programme with
    entitlements grants by care level (assessed, or typed in where no assessment exists
    yet); a level it names no entitlement for gets nothing (None)."""
    entitlements = {e.care_level: e for e in programme.entitlements.all()}
    if not entitlements:
        return Allowance(programme.monthly_cap_fen, programme.monthly_cap_minutes)
    level = care_level_of(recipient, on).level
    entitlement = entitlements.get(level)
    if entitlement is None:
        return None
    return Allowance(entitlement.fen_per_month, entitlement.minutes_per_month)


def within_monthly_cap(
    allowance: Allowance, usage: MonthlyUsage | None, *, amount_fen: int, minutes: int
) -> tuple[int, int]:
    """(amount, minutes counted) that the person's monthly allowance still leaves. Pure.

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


def covering_programmes(service: Service, recipient: CareRecipient, on: datetime.date):
    """Programmes that cover this service, where the recipient lives, for which staff have
    recorded the recipient as eligible on that day. Only those with a contract with the
    service's provider pay for it: see `contracted_covers`."""
    eligible = Eligibility.objects.filter(
        care_recipient=recipient,
        revoked_at__isnull=True,
        valid_from__lte=on,
        valid_until__gte=on,
    ).values("programme_id")
    return (
        Programme.objects.filter(pk__in=eligible, valid_from__lte=on, valid_until__gte=on)
        .filter(region__in=regions_covering([recipient.community_id]))
        .filter(
            Q(services=service)
            | Q(categories=service.category_id)
            | Q(categories=service.category.parent_id)
        )
        .distinct()
        .order_by("pk")
        .prefetch_related("entitlements")
    )


def contracted_covers(
    service: Service, recipient: CareRecipient, on: datetime.date
) -> list[contracts.Cover]:
    """The programmes that pay for this service for this person on that day, each with its
    contract with the provider and the contracted price."""
    return contracts.contracted(covering_programmes(service, recipient, on), service, on)


def quote(
    *, service: Service, care_recipient: CareRecipient, quantity: int, on: datetime.date
) -> Split:
    """The split for booking `quantity` units of `service` for `care_recipient` on `on`.
    Of several programmes, the one that leaves the family least to pay is used (then the
    cheaper visit, then the oldest programme)."""
    list_price = service.price_fen * quantity
    minutes = service.duration_minutes
    month = first_of_month(on)
    best = Split(list_price_fen=list_price, subsidy_fen=0, copay_fen=list_price, quantity=quantity)
    if service.funding_mode != FundingMode.COMMERCIAL:
        for cover in contracted_covers(service, care_recipient, on):
            programme, contract = cover.programme, cover.contract
            allowance = allowance_for(programme, care_recipient, on)
            if allowance is None:
                continue
            recognised, by_rule = subsidy_by_rule(
                programme, unit_price_fen=cover.unit_price_fen, quantity=quantity
            )
            usage = MonthlyUsage.objects.filter(
                care_recipient=care_recipient, programme=programme, month=month
            ).first()
            amount, counted = within_monthly_cap(
                allowance, usage, amount_fen=by_rule, minutes=minutes
            )
            # The contract's quota is left the way a monthly allowance is.
            amount, counted = within_monthly_cap(
                Allowance(contract.quota_fen, contract.quota_minutes),
                contract,
                amount_fen=amount,
                minutes=counted,
            )
            amount = min(amount, programme.budget_left_fen)
            price = cover.unit_price_fen * quantity
            if amount > 0 and (price - amount, price) < (best.copay_fen, best.price_fen):
                best = Split(
                    list_price_fen=list_price,
                    subsidy_fen=amount,
                    copay_fen=price - amount,
                    programme_id=programme.pk,
                    month=month,
                    minutes=counted,
                    recognised_fen=recognised,
                    rule_fen=by_rule,
                    allowance=allowance,
                    contract_id=contract.pk,
                    contracted_unit_fen=cover.unit_price_fen,
                    quantity=quantity,
                )
    if service.funding_mode == FundingMode.PUBLIC and best.copay_fen > 0:
        raise NotEligible(
            _(
                "This public service is free for eligible people only, and %(name)s has no "
                "subsidy left for it (not registered as eligible, or this month's allowance or "
                "the programme's budget is used up). Community staff can help."
            )
            % {"name": care_recipient.name}
        )
    return best


def reserve(split: Split, *, care_recipient: CareRecipient) -> None:
    """Hold the split's share of the monthly cap and of the budget, in the caller's
    transaction. Conditional updates: two bookings can never overspend either."""
    if not split.subsidy_fen:
        return
    programme = Programme.objects.get(pk=split.programme_id)
    try:
        with transaction.atomic():
            MonthlyUsage.objects.get_or_create(
                care_recipient=care_recipient, programme=programme, month=split.month
            )
    except IntegrityError:
        pass  # created by a simultaneous booking: the row is there either way
    usage = MonthlyUsage.objects.filter(
        care_recipient=care_recipient, programme=programme, month=split.month
    )
    allowance = split.allowance
    if allowance.monthly_cap_fen is not None:
        usage = usage.filter(used_fen__lte=allowance.monthly_cap_fen - split.subsidy_fen)
    if allowance.monthly_cap_minutes is not None:
        usage = usage.filter(used_minutes__lte=allowance.monthly_cap_minutes - split.minutes)
    if (
        usage.update(
            used_fen=F("used_fen") + split.subsidy_fen,
            used_minutes=F("used_minutes") + split.minutes,
        )
        != 1
    ):
        raise SubsidyChanged
    if split.contract_id is not None and not _hold_quota(split):
        raise SubsidyChanged
    taken = Programme.objects.filter(
        pk=programme.pk,
        reserved_fen__lte=F("budget_fen") - F("spent_fen") - split.subsidy_fen,
    ).update(reserved_fen=F("reserved_fen") + split.subsidy_fen)
    if taken != 1:
        raise SubsidyChanged
    alert_if_crossed(programme.pk)


def _hold_quota(split: Split) -> bool:
    """Hold the split's share of its contract's quota: a conditional update, like the budget."""
    return (
        Contract.objects.filter(pk=split.contract_id)
        .filter(Q(quota_fen__isnull=True) | Q(used_fen__lte=F("quota_fen") - split.subsidy_fen))
        .filter(
            Q(quota_minutes__isnull=True) | Q(used_minutes__lte=F("quota_minutes") - split.minutes)
        )
        .update(
            used_fen=F("used_fen") + split.subsidy_fen,
            used_minutes=F("used_minutes") + split.minutes,
        )
        == 1
    )


def release(
    *,
    programme_id: int,
    provider_id: int,
    care_recipient_id: int,
    month: datetime.date,
    subsidy_fen: int,
    minutes: int,
) -> None:
    """Give back what an order held (it was cancelled, declined, expired or not done)."""
    if not subsidy_fen:
        return
    MonthlyUsage.objects.filter(
        care_recipient_id=care_recipient_id, programme_id=programme_id, month=month
    ).update(used_fen=F("used_fen") - subsidy_fen, used_minutes=F("used_minutes") - minutes)
    # A contract whose period was cut short no longer covers the month: it holds nothing
    # of this order's to give back (the guard keeps a counter from going below zero).
    Contract.objects.filter(
        programme_id=programme_id,
        provider_id=provider_id,
        first_month__lte=month,
        last_month__gte=month,
        used_fen__gte=subsidy_fen,
        used_minutes__gte=minutes,
    ).update(used_fen=F("used_fen") - subsidy_fen, used_minutes=F("used_minutes") - minutes)
    Programme.objects.filter(pk=programme_id).update(reserved_fen=F("reserved_fen") - subsidy_fen)


def spend(*, programme_id: int, amount_fen: int, reserved_fen: int = 0) -> None:
    """Count `amount_fen` as spent, `reserved_fen` of it out of what orders held (approval)."""
    if not amount_fen and not reserved_fen:
        return
    Programme.objects.filter(pk=programme_id).update(
        reserved_fen=F("reserved_fen") - reserved_fen,
        spent_fen=F("spent_fen") + amount_fen,
    )
    alert_if_crossed(programme_id)


# Officers are told once when the money committed (reserved + spent) reaches each of these
# percentages of the budget.
BUDGET_ALERTS = (80, 95)


def _reached(percent: int) -> GreaterThanOrEqual:
    return GreaterThanOrEqual((F("reserved_fen") + F("spent_fen")) * 100, F("budget_fen") * percent)


def alert_if_crossed(programme_id: int) -> int | None:
    """In the caller's transaction: if the programme's committed money has reached an alert
    threshold that its officers were not yet told of, claim it (a conditional update, so
    two bookings crossing together alert once) and tell them after commit. Returns the
    threshold alerted, if any. One UPDATE in the common case, on a row the caller's
    reservation has already locked."""
    low, high = BUDGET_ALERTS
    claimed = (
        Programme.objects.filter(pk=programme_id)
        .filter(
            (Q(_reached(high)) & Q(alerted_percent__lt=high))
            | (Q(_reached(low)) & Q(alerted_percent__lt=low))
        )
        .update(alerted_percent=Case(When(_reached(high), then=Value(high)), default=Value(low)))
    )
    if not claimed:
        return None
    programme = Programme.objects.select_related("purchaser").get(pk=programme_id)
    wording.alert_officers_of_budget(programme)
    return programme.alerted_percent


def rearm_alerts(programme_id: int) -> None:
    """After a budget change: thresholds the programme is now below may alert again."""
    reached = 0
    programme = Programme.objects.get(pk=programme_id)
    for percent in BUDGET_ALERTS:
        if programme.committed_fen * 100 >= programme.budget_fen * percent:
            reached = percent
    Programme.objects.filter(pk=programme_id, alerted_percent__gt=reached).update(
        alerted_percent=reached
    )


def move_reservation(
    *,
    programme_id: int,
    provider_id: int,
    care_recipient: CareRecipient,
    subsidy_fen: int,
    minutes: int,
    from_month: datetime.date,
    to_day: datetime.date,
) -> datetime.date:
    """A booked visit moves to another month: what it held of the old month's allowance (and
    contract quota) is given back and the same amount is held in the new month's, in the
    caller's transaction. The new month needs a contract with the provider too.
    Raises NotEligible (with the reason) when the new month cannot hold it; the caller's
    rollback then keeps the old reservation. Returns the new month."""
    to_month = first_of_month(to_day)
    if not subsidy_fen or to_month == from_month:
        return from_month
    programme = Programme.objects.prefetch_related("entitlements").get(pk=programme_id)
    release(
        programme_id=programme_id,
        provider_id=provider_id,
        care_recipient_id=care_recipient.pk,
        month=from_month,
        subsidy_fen=subsidy_fen,
        minutes=minutes,
    )
    allowance = allowance_for(programme, care_recipient, to_day)
    refusal = NotEligible(
        _(
            "%(name)s's allowance under %(programme)s for %(month)s cannot cover this visit, "
            "so it cannot move there at the same price. Please choose a time in %(booked)s, "
            "or cancel and book again."
        )
        % {
            "name": care_recipient.name,
            "programme": programme.name,
            "month": f"{to_month:%Y-%m}",
            "booked": f"{from_month:%Y-%m}",
        }
    )
    contract = contracts.contract_for_month(
        programme_id=programme_id, provider_id=provider_id, month=to_month
    )
    if allowance is None or contract is None or not programme.is_valid_on(to_day):
        raise refusal
    moved = Split(
        list_price_fen=0,
        subsidy_fen=subsidy_fen,
        copay_fen=0,
        programme_id=programme_id,
        month=to_month,
        minutes=minutes,
        allowance=allowance,
        contract_id=contract.pk,
    )
    try:
        with transaction.atomic():
            reserve(moved, care_recipient=care_recipient)
    except SubsidyChanged:
        raise refusal from None
    return to_month


def programmes_for(care_recipient: CareRecipient, on: datetime.date):
    """What covers whom, for the resident's page."""
    return Eligibility.objects.filter(
        care_recipient=care_recipient,
        revoked_at__isnull=True,
        valid_until__gte=on,
    ).select_related("programme__purchaser")


def explain(*, programme: Programme | None, subsidy_fen: int, copay_fen: int) -> str:
    """The split in words, for receipts: who pays what, under which programme."""
    if programme is None or not subsidy_fen:
        return gettext("You pay the full price of ¥%(copay)s.") % {"copay": yuan(copay_fen)}
    return gettext("%(purchaser)s pays ¥%(subsidy)s under %(programme)s; you pay ¥%(copay)s.") % {
        "purchaser": programme.purchaser.name,
        "subsidy": yuan(subsidy_fen),
        "programme": programme.name,
        "copay": yuan(copay_fen),
    }
