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
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from django.db import IntegrityError, transaction
from django.db.models import Case, F, Q, Value, When
from django.db.models.lookups import GreaterThanOrEqual
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import CareRecipient
from assessments.levels import CareLevel, care_level_of
from billing import contracts, wording
from billing.models import Contract, Eligibility, MonthlyUsage, Programme
from billing.split import (  # noqa: F401 (the names callers know billing.subsidy by)
    Allowance,
    Candidate,
    NotEligible,
    Split,
    best_split,
    first_of_month,
    subsidy_by_rule,
    within_monthly_cap,
)
from communities.scoping import regions_covering
from marketplace.models import FundingMode, Service
from marketplace.money import yuan


class SubsidyChanged(Exception):
    """The cap or budget was taken by someone else between the quote and the reservation."""


def allowance_for(
    programme: Programme,
    recipient: CareRecipient,
    on: datetime.date,
    *,
    level_of: Callable[[CareRecipient, datetime.date], CareLevel] = care_level_of,
) -> Allowance | None:
    """The person's monthly allowance under the programme on that day. A programme with
    entitlements grants by care level (assessed, or typed in where no assessment exists
    yet); a level it names no entitlement for gets nothing (None). `level_of`: where the
    care level comes from (the daily run of plans passes the levels it loaded at once)."""
    entitlements = {e.care_level: e for e in programme.entitlements.all()}
    if not entitlements:
        return Allowance(programme.monthly_cap_fen, programme.monthly_cap_minutes)
    entitlement = entitlements.get(level_of(recipient, on).level)
    if entitlement is None:
        return None
    return Allowance(entitlement.fen_per_month, entitlement.minutes_per_month)


@dataclass(frozen=True)
class Cover:
    """A programme covering a service for a person from `first` to `last` (their
    eligibility and the programme's validity both hold)."""

    programme: Programme
    first: datetime.date
    last: datetime.date


def covers_over(
    pairs: Iterable[tuple[Service, CareRecipient]],
    start: datetime.date,
    end: datetime.date,
    *,
    regions: dict[int, set[int]] | None = None,
) -> dict[tuple[int, int], list[Cover]]:
    """For each (service, person): the programmes that cover this service, where the person
    lives, for which staff have recorded the person as eligible, on days between `start`
    and `end`. The only place the rule lives: one visit (`covering_programmes`) and a
    day's run of care plans both ask here, in a handful of queries however many pairs.
    `regions`: community → the regions covering it, kept by a caller asking many times."""
    pairs = list(pairs)
    recipients = {recipient.pk: recipient for _service, recipient in pairs}
    eligible = list(
        Eligibility.objects.filter(
            care_recipient_id__in=recipients,
            revoked_at__isnull=True,
            valid_from__lte=end,
            valid_until__gte=start,
            programme__valid_from__lte=end,
            programme__valid_until__gte=start,
        ).values_list("care_recipient_id", "programme_id", "valid_from", "valid_until")
    )
    if not eligible:
        return {}
    programmes = {
        p.pk: p
        for p in Programme.objects.filter(pk__in={row[1] for row in eligible}).prefetch_related(
            "entitlements"
        )
    }
    services = defaultdict(set)
    for programme_id, service_id in Programme.services.through.objects.filter(
        programme_id__in=programmes
    ).values_list("programme_id", "service_id"):
        services[programme_id].add(service_id)
    categories = defaultdict(set)
    for programme_id, category_id in Programme.categories.through.objects.filter(
        programme_id__in=programmes
    ).values_list("programme_id", "category_id"):
        categories[programme_id].add(category_id)
    regions = {} if regions is None else regions
    for community in {recipients[row[0]].community_id for row in eligible} - set(regions):
        regions[community] = set(regions_covering([community]).values_list("pk", flat=True))
    by_recipient = defaultdict(list)
    for recipient_id, programme_id, valid_from, valid_until in eligible:
        by_recipient[recipient_id].append((programmes[programme_id], valid_from, valid_until))
    found: dict[tuple[int, int], list[Cover]] = {}
    for service, recipient in pairs:
        service_categories = {service.category_id, service.category.parent_id} - {None}
        found[(service.pk, recipient.pk)] = [
            Cover(
                programme,
                max(valid_from, programme.valid_from),
                min(valid_until, programme.valid_until),
            )
            for programme, valid_from, valid_until in by_recipient.get(recipient.pk, ())
            if programme.region_id in regions[recipient.community_id]
            and (
                service.pk in services[programme.pk]
                or service_categories & categories[programme.pk]
            )
        ]
    return found


def covering_on(covers: Iterable[Cover], on: datetime.date) -> list[Programme]:
    """Of these covers, the programmes covering on that day, each once, by id."""
    return sorted(
        {c.programme.pk: c.programme for c in covers if c.first <= on <= c.last}.values(),
        key=lambda programme: programme.pk,
    )


def covering_programmes(service: Service, recipient: CareRecipient, on: datetime.date):
    """Programmes that cover this service, where the recipient lives, for which staff have
    recorded the recipient as eligible on that day."""
    covers = covers_over([(service, recipient)], on, on)
    return covering_on(covers.get((service.pk, recipient.pk), ()), on)


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
    cheaper visit, then the oldest programme; billing.split computes it)."""

    def used(programme: Programme, month: datetime.date) -> tuple[int, int]:
        usage = MonthlyUsage.objects.filter(
            care_recipient=care_recipient, programme=programme, month=month
        ).first()
        return (usage.used_fen, usage.used_minutes) if usage else (0, 0)

    commercial = service.funding_mode == FundingMode.COMMERCIAL
    programmes = [] if commercial else covering_programmes(service, care_recipient, on)
    split = quote_with(
        service=service,
        care_recipient=care_recipient,
        quantity=quantity,
        on=on,
        covers=contracts.contracted(programmes, service, on),
        used=used,
        contract_used=lambda contract: (contract.used_fen, contract.used_minutes),
        budget_left=lambda programme: programme.budget_left_fen,
    )
    if split.subsidy_fen:
        return split
    return replace(split, graded_out=contracts.graded_out(programmes, service.provider_id))


def quote_with(
    *,
    service: Service,
    care_recipient: CareRecipient,
    quantity: int,
    on: datetime.date,
    covers: Iterable[contracts.Cover],
    used: Callable[[Programme, datetime.date], tuple[int, int]],
    contract_used: Callable[[Contract], tuple[int, int]],
    budget_left: Callable[[Programme], int],
    level_of: Callable[[CareRecipient, datetime.date], CareLevel] = care_level_of,
) -> Split:
    """`quote`, given the programmes paying for the visit that day under a contract with
    its provider, and where the person's month so far (fen, minutes), the contract's quota
    used, the budget left and the care level come from: the database for one booking, a
    chunk's locked rows for the daily run of care plans."""
    month = first_of_month(on)
    candidates = []
    if service.funding_mode != FundingMode.COMMERCIAL:
        for cover in covers:
            programme = cover.programme
            used_fen, used_minutes = used(programme, month)
            contract_used_fen, contract_used_minutes = contract_used(cover.contract)
            candidates.append(
                Candidate(
                    programme=programme,
                    allowance=allowance_for(programme, care_recipient, on, level_of=level_of),
                    used_fen=used_fen,
                    used_minutes=used_minutes,
                    budget_left_fen=budget_left(programme),
                    contract=cover.contract,
                    contracted_unit_fen=cover.unit_price_fen,
                    contract_used_fen=contract_used_fen,
                    contract_used_minutes=contract_used_minutes,
                )
            )
    return best_split(
        service=service,
        quantity=quantity,
        on=on,
        candidates=candidates,
        recipient_name=care_recipient.name,
    )


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
