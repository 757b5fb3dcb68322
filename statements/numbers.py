"""Statement numbers (decision 0036), e.g. `310115-01-202611-003`: the purchaser's region code
and id, the month billed, and the place of the statement among that purchaser's statements of
that month in the order they were issued. Given once, at issue, and never changed."""

import datetime

from billing.models import Purchaser
from statements.models import Statement


def statement_number(*, purchaser: Purchaser, month: datetime.date, sequence: int) -> str:
    return f"{purchaser.region.code}-{purchaser.pk:02d}-{month:%Y%m}-{sequence:03d}"


def next_number(statement: Statement) -> str:
    """The number for a statement being issued. The caller holds the purchaser's row lock,
    so two statements of one purchaser issued at once cannot take the same place."""
    numbered = Statement.objects.filter(
        purchaser_id=statement.purchaser_id, month=statement.month, number__isnull=False
    )
    return statement_number(
        purchaser=statement.purchaser, month=statement.month, sequence=numbered.count() + 1
    )
