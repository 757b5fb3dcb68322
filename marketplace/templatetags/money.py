from django import template

from marketplace.money import yuan as format_yuan

register = template.Library()


@register.filter
def yuan(fen: int | None) -> str:
    """{{ service.price_fen|yuan }} → ¥123.45"""
    if fen is None:
        return ""
    return "¥" + format_yuan(int(fen))
