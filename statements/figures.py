"""The purchaser dashboard's figures (decision 0038): what was committed and what was billed,
by month, programme and community, and who was served of those eligible.

Committed: the subsidy of every order that still counts (reserved or spent). Billed: the order's
line on an issued statement, not excluded by the officer. A month is the order's subsidy
month (the month of the visit), not the month of the statement that billed it, so a late
visit counts where it happened. Adjustments correct statements, not orders, so they are
on the statements and the reconciliation, not here. Served: a person with at least one
billed visit that month."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum

from billing.models import Eligibility, Programme
from communities.models import Region
from orders.models import Order
from orders.transitions import SUBSIDY_RELEASED
from statements.models import Statement, StatementLine

MONTHS_SHOWN = 6


@dataclass(frozen=True)
class Row:
    """One month, programme or community."""

    label: object
    orders: int
    subsidy_fen: int
    billed: int
    billed_fen: int
    people_served: int


@dataclass(frozen=True)
class Figures:
    month: datetime.date
    by_month: list[Row]
    by_programme: list[Row]
    by_community: list[Row]
    served: int
    eligible: int
    not_served: list[Eligibility]


def months_up_to(month: datetime.date) -> list[datetime.date]:
    months = [month]
    while len(months) < MONTHS_SHOWN:
        months.insert(0, (months[0] - datetime.timedelta(days=1)).replace(day=1))
    return months


def committed(programmes) -> QuerySet:
    """Subsidised orders whose subsidy still counts: not released (cancelled, declined…),
    and not left off a statement (the officer's exclusion, or community staff's)."""
    left_off = StatementLine.objects.filter(
        Q(exclusion__isnull=False) | Q(kind=StatementLine.Kind.EXCLUDED)
    )
    return (
        Order.objects.filter(programme__in=programmes, subsidy_fen__gt=0)
        .exclude(status__in=SUBSIDY_RELEASED)
        .exclude(pk__in=left_off.values("order_id"))
    )


def billed_lines() -> QuerySet:
    return StatementLine.objects.filter(
        kind=StatementLine.Kind.BILLED, exclusion__isnull=True
    ).exclude(statement__status=Statement.Status.DRAFT)


def _rows(orders: QuerySet, key: str) -> dict:
    rows = (
        orders.annotate(is_billed=Exists(billed_lines().filter(order=OuterRef("pk"))))
        .values(key)
        .annotate(
            orders=Count("pk"),
            subsidy=Sum("subsidy_fen"),
            billed=Count("pk", filter=Q(is_billed=True)),
            billed_fen=Sum("subsidy_fen", filter=Q(is_billed=True), default=0),
            served=Count("care_recipient", filter=Q(is_billed=True), distinct=True),
        )
        .order_by(key)
    )
    return {
        row[key]: (row["orders"], row["subsidy"], row["billed"], row["billed_fen"], row["served"])
        for row in rows
    }


def eligible_in(programmes, month: datetime.date) -> QuerySet:
    """Eligibilities that held on some day of the month (a revocation counts from its day)."""
    following = (month + datetime.timedelta(days=32)).replace(day=1)
    return Eligibility.objects.filter(
        programme__in=programmes, valid_from__lt=following, valid_until__gte=month
    ).filter(Q(revoked_at__isnull=True) | Q(revoked_at__date__gte=month))


def figures(purchasers, month: datetime.date) -> Figures:
    programmes = Programme.objects.filter(purchaser__in=purchasers)
    orders = committed(programmes)
    months = months_up_to(month)
    per_month = _rows(orders.filter(subsidy_month__in=months), "subsidy_month")
    in_month = orders.filter(subsidy_month=month)
    by_programme = _rows(in_month, "programme_id")
    by_community = _rows(in_month, "community_id")
    names = programmes.in_bulk(by_programme)
    communities = Region.objects.in_bulk(by_community)
    served = set(
        in_month.filter(Exists(billed_lines().filter(order=OuterRef("pk")))).values_list(
            "care_recipient", flat=True
        )
    )
    eligible = eligible_in(programmes, month)
    return Figures(
        month=month,
        by_month=[Row(start, *per_month.get(start, (0, 0, 0, 0, 0))) for start in months],
        by_programme=[Row(names[pk], *row) for pk, row in by_programme.items()],
        by_community=[Row(communities[pk], *row) for pk, row in by_community.items()],
        served=len(served),
        eligible=eligible.values("care_recipient").distinct().count(),
        not_served=list(
            eligible.exclude(care_recipient__in=served)
            .select_related("care_recipient__community", "programme")
            .order_by("care_recipient__name", "programme__name_zh")
        ),
    )
