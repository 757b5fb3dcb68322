from decimal import Decimal

from django import template

from marketplace import pictures

register = template.Library()


@register.filter
def category_icon(category) -> str:
    """{{ category|category_icon }} → the URL of its drawn icon."""
    return pictures.icon_url(category)


@register.filter
def placeholder(category) -> str:
    """{{ service.category|placeholder }} → the drawn picture shown instead of a photo."""
    return pictures.placeholder_url(category)


@register.simple_tag
def provider_placeholder() -> str:
    return pictures.provider_placeholder_url()


@register.inclusion_tag("marketplace/includes/stars.html")
def stars(average: Decimal | float | None, count: int) -> dict:
    """Five stars filled to the average, with the words for screen readers."""
    if not count or average is None:
        return {"rated": False}
    average = Decimal(str(average)).quantize(Decimal("0.1"))
    return {
        "rated": True,
        "average": average,
        "count": count,
        # Filled to the nearest half star by a class: the CSP forbids style attributes.
        "halves": int((average * 2).quantize(Decimal("1"))),
    }
