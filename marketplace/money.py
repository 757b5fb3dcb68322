"""Money is integer fen everywhere; yuan exist only at the edges (forms and display)."""

from decimal import ROUND_HALF_UP, Decimal


def yuan(fen: int) -> str:
    """Format fen for display: 12345 -> '123.45'. Never parse this back."""
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    return f"{sign}{fen // 100}.{fen % 100:02d}"


def fen_from_yuan(amount: Decimal) -> int:
    """What a person typed in yuan (at most two decimals) as fen."""
    return int((amount * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def percent_of(fen: int, percent: int) -> int:
    """Integer percentage, rounded down. The remainder stays with the resident's share,
    so subsidy + copay always equals the list price exactly."""
    return fen * percent // 100
