"""Tie a purchaser's statements, programme budgets and orders together, to the fen."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Sum
from django.utils.translation import gettext as _

from billing.models import Programme, Purchaser
from orders.models import Order
from orders.transitions import SUBSIDY_RELEASED
from statements.models import Statement, StatementLine
from statements.services import Totals, totals

SETTLED = (Statement.Status.APPROVED, Statement.Status.PAID)


@dataclass(frozen=True)
class Check:
    label: str
    left_fen: int
    right_fen: int

    @property
    def holds(self) -> bool:
        return self.left_fen == self.right_fen


@dataclass
class Reconciliation:
    purchaser: Purchaser
    month: datetime.date
    statements: list[tuple[Statement, Totals]] = field(default_factory=list)
    programmes: list[Programme] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)

    @property
    def all_hold(self) -> bool:
        return all(check.holds for check in self.checks)


def reconcile(purchaser: Purchaser, month: datetime.date) -> Reconciliation:
    result = Reconciliation(purchaser=purchaser, month=month)
    for statement in Statement.objects.filter(purchaser=purchaser, month=month).select_related(
        "provider"
    ):
        statement_totals = totals(statement)
        result.statements.append((statement, statement_totals))
        frozen = statement.lines.filter(kind="billed").aggregate(
            orders=Sum("order__subsidy_fen", default=0)
        )["orders"]
        result.checks.append(
            Check(
                _("%(provider)s: billed lines = the orders' frozen subsidies")
                % {"provider": statement.provider.name},
                statement_totals.billed_fen,
                frozen,
            )
        )
    result.programmes = list(Programme.objects.filter(purchaser=purchaser).order_by("pk"))

    spent = sum(p.spent_fen for p in result.programmes)
    settled_lines = StatementLine.objects.filter(
        statement__purchaser=purchaser,
        statement__status__in=SETTLED,
        kind="billed",
        exclusion__isnull=True,
    ).aggregate(total=Sum("subsidy_fen", default=0))["total"]
    settled_adjustments = Statement.objects.filter(
        purchaser=purchaser, status__in=SETTLED
    ).aggregate(total=Sum("adjustments__amount_fen", default=0))["total"]
    result.checks.append(
        Check(
            _("Spent in the budgets = approved statements, all months"),
            spent,
            settled_lines + settled_adjustments,
        )
    )

    reserved = sum(p.reserved_fen for p in result.programmes)
    holding = (
        Order.objects.filter(programme__purchaser=purchaser, subsidy_fen__gt=0)
        .exclude(status__in=SUBSIDY_RELEASED)
        .exclude(
            pk__in=StatementLine.objects.filter(
                kind__in=("billed", "excluded"), statement__status__in=SETTLED
            ).values("order_id")
        )
        .aggregate(total=Sum("subsidy_fen", default=0))["total"]
    )
    result.checks.append(
        Check(
            _("Reserved in the budgets = subsidies of open orders not yet settled"),
            reserved,
            holding,
        )
    )
    return result
