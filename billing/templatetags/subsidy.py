from django import template
from django.db.models import Q
from django.utils import timezone

from billing.contracts import contracted
from billing.models import Programme
from billing.subsidy import subsidy_by_rule
from marketplace.models import FundingMode, Service

register = template.Library()


@register.simple_tag
def lowest_eligible_price(service: Service) -> int | None:
    """What an eligible person pays at least for one unit, under the most generous
    programme paying for this service today (under a contract with its provider); None
    when no programme does."""
    if service.funding_mode == FundingMode.COMMERCIAL:
        return None
    today = timezone.localdate()
    programmes = (
        Programme.objects.filter(valid_from__lte=today, valid_until__gte=today)
        .filter(models_q(service))
        .distinct()
    )
    best = None
    for cover in contracted(programmes, service, today):
        _recognised, paid = subsidy_by_rule(
            cover.programme, unit_price_fen=cover.unit_price_fen, quantity=1
        )
        copay = cover.unit_price_fen - paid
        best = copay if best is None else min(best, copay)
    return best


@register.simple_tag
def contracted_prices(service: Service) -> list:
    """The programmes that pay for this service this month under a contract at a price
    below the list price, with that price: for the service page."""
    if service.funding_mode == FundingMode.COMMERCIAL:
        return []
    today = timezone.localdate()
    programmes = (
        Programme.objects.filter(valid_from__lte=today, valid_until__gte=today)
        .filter(models_q(service))
        .distinct()
        .select_related("purchaser")
    )
    return [
        cover
        for cover in contracted(programmes, service, today)
        if cover.unit_price_fen < service.price_fen
    ]


def models_q(service: Service) -> Q:
    return (
        Q(services=service)
        | Q(categories=service.category_id)
        | Q(categories=service.category.parent_id)
    )
