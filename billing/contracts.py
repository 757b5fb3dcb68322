"""Which contract lets a programme pay for a service, and at what price (decision 0033).

A programme pays only for services of providers it has contracted for the month of the
visit. `contracted` answers, for the programmes that would otherwise cover a service: which
of them have such a contract, and what one unit of the service then costs. The split
(billing.subsidy.quote) applies the programme's rule to that price."""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from billing.models import Contract, ContractItem, Programme
from marketplace.models import Service
from providers.grading import GRADES
from providers.models import ProviderGrade

MINUTES_IN_AN_HOUR = 60


@dataclass(frozen=True)
class Cover:
    programme: Programme
    contract: Contract
    # What one unit of the service costs under the contract: never more than its list price.
    unit_price_fen: int


def unit_minutes(service: Service) -> int:
    """The minutes one unit of the service lasts: an hour for services sold by the hour."""
    if service.unit == Service.Unit.HOUR:
        return MINUTES_IN_AN_HOUR
    return service.duration_minutes


def item_for(contract: Contract, service: Service) -> ContractItem | None:
    """The contract's most specific item covering the service: the service itself, then its
    category, then the parent category. Reads the prefetched items."""
    items = list(contract.items.all())
    for matches in (
        lambda item: item.service_id == service.pk,
        lambda item: item.category_id is not None and item.category_id == service.category_id,
        lambda item: (
            item.category_id is not None and item.category_id == service.category.parent_id
        ),
    ):
        for item in items:
            if matches(item):
                return item
    return None


def unit_price(item: ContractItem | None, service: Service) -> int:
    """One unit's contracted price. A rate above the list price is cut to it: a family
    never pays more for a programme's visit than anybody else pays for the same visit."""
    if item is None or item.rate_fen is None:
        return service.price_fen
    rate = item.rate_fen
    if item.per == ContractItem.Per.HOUR:
        rate = rate * unit_minutes(service) // MINUTES_IN_AN_HOUR
    return min(rate, service.price_fen)


def contracted(programmes: Iterable[Programme], service: Service, on: datetime.date) -> list[Cover]:
    """Of these programmes (those covering the service for the person), the ones with a
    contract with the service's provider for `on`'s month that covers the service."""
    by_id = {programme.pk: programme for programme in programmes}
    if not by_id:
        return []
    month = on.replace(day=1)
    found = Contract.objects.filter(
        programme_id__in=by_id,
        provider_id=service.provider_id,
        first_month__lte=month,
        last_month__gte=month,
    ).prefetch_related("items")
    return covers_among(by_id.values(), service, on, found)


def latest_confirmed_grades(provider_ids: Iterable[int]) -> dict[int, tuple[str, datetime.date]]:
    """provider id → (grade, quarter) of its latest grade staff have confirmed: a proposed
    grade is the formula's and may still change."""
    latest: dict[int, tuple[str, datetime.date]] = {}
    grades = (
        ProviderGrade.objects.filter(provider_id__in=provider_ids)
        .exclude(confirmed="")
        .order_by("provider_id", "-quarter")
        .values_list("provider_id", "confirmed", "quarter")
    )
    for provider_id, confirmed, quarter in grades:
        latest.setdefault(provider_id, (confirmed, quarter))
    return latest


def confirmed_grade(provider_id: int) -> str:
    """The provider's latest confirmed grade; empty when none has been confirmed yet."""
    return latest_confirmed_grades([provider_id]).get(provider_id, ("", None))[0]


def below_minimum(programme: Programme, grade: str) -> bool:
    """Whether the programme refuses a provider of this grade (decision 0039). A provider
    not graded yet is not below any grade: a new provider is judged after its first quarter."""
    if not programme.minimum_grade or not grade:
        return False
    return GRADES.index(grade) > GRADES.index(programme.minimum_grade)


def graded_out(programmes: Iterable[Programme], provider_id: int) -> tuple[str, ...]:
    """The names of these programmes that refuse the provider for its grade."""
    wanting = [programme for programme in programmes if programme.minimum_grade]
    if not wanting:
        return ()
    grade = confirmed_grade(provider_id)
    return tuple(programme.name for programme in wanting if below_minimum(programme, grade))


def covers_among(
    programmes: Iterable[Programme],
    service: Service,
    on: datetime.date,
    contracts: Iterable[Contract],
    *,
    grade_of: Callable[[int], str] = confirmed_grade,
) -> list[Cover]:
    """`contracted`, from contracts already loaded (their items prefetched; any provider,
    any months): the daily run of care plans loads a chunk's contracts at once. A programme
    whose minimum grade the provider falls below pays nothing for new visits; `grade_of`
    gives a provider's latest confirmed grade (the daily run reads each provider's once)."""
    by_id = {programme.pk: programme for programme in programmes}
    if any(programme.minimum_grade for programme in by_id.values()):
        grade = grade_of(service.provider_id)
        by_id = {pk: p for pk, p in by_id.items() if not below_minimum(p, grade)}
    month = on.replace(day=1)
    covers = []
    for contract in sorted(contracts, key=lambda contract: (contract.programme_id, contract.pk)):
        if (
            contract.programme_id not in by_id
            or contract.provider_id != service.provider_id
            or not contract.covers_month(month)
        ):
            continue
        has_items = bool(contract.items.all())
        item = item_for(contract, service)
        if has_items and item is None:
            continue
        covers.append(Cover(by_id[contract.programme_id], contract, unit_price(item, service)))
    return covers


def contract_for_month(*, programme_id: int, provider_id: int, month: datetime.date):
    """The contract between them for that month, if any: periods never overlap."""
    return Contract.objects.filter(
        programme_id=programme_id,
        provider_id=provider_id,
        first_month__lte=month,
        last_month__gte=month,
    ).first()
