"""How long a provider may contest an excluded line (decision 0035); pure, no database."""

import datetime

from django.conf import settings
from django.utils import timezone

from statements.models import Statement

# An exclusion is final once the statement is approved; only then may it be contested.
CONTESTABLE_STATEMENTS = frozenset({Statement.Status.APPROVED, Statement.Status.PAID})


def contest_until(statement: Statement) -> datetime.date | None:
    """The last day (Shanghai time) a line of this statement may be contested, or None
    while the statement is not approved."""
    if statement.status not in CONTESTABLE_STATEMENTS or statement.approved_at is None:
        return None
    approved_on = timezone.localdate(statement.approved_at)
    return approved_on + datetime.timedelta(days=settings.STATEMENT_CONTEST_DAYS)
