from django import template
from django.db.models import Q
from django.utils import timezone

from billing.models import Programme
from billing.subsidy import subsidy_by_rule
from marketplace.models import FundingMode, Service

register = template.Library()


@register.simple_tag
def lowest_eligible_price(service: Service) -> int | None:
    """What an eligible person pays at least for one unit, under the most generous
    programme covering this service today; None when no programme covers it."""
    if service.funding_mode == FundingMode.COMMERCIAL:
        return None
    today = timezone.localdate()
    programmes = (
        Programme.objects.filter(valid_from__lte=today, valid_until__gte=today)
        .filter(models_q(service))
        .distinct()
    )
    best = None
    for programme in programmes:
        _recognised, paid = subsidy_by_rule(programme, unit_price_fen=service.price_fen, quantity=1)
        copay = service.price_fen - paid
        best = copay if best is None else min(best, copay)
    return best


def models_q(service: Service) -> Q:
    return (
        Q(services=service)
        | Q(categories=service.category_id)
        | Q(categories=service.category.parent_id)
    )
