"""Read queries of the catalogue: browse and search for residents."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import BooleanField, Exists, F, IntegerField, OuterRef, Prefetch, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.http import QueryDict
from django.utils import timezone
from django.utils.functional import cached_property
from wagtail.images import get_image_model

from accounts.models import ResidentProfile
from communities.models import Region
from marketplace.models import Category, Service, Slot
from marketplace.search import Group, parse_query, tsquery

LIST_RENDITION = "fill-320x200"

SORTS = {
    "price": ("price_fen", "pk"),
    "-price": ("-price_fen", "pk"),
    "rating": (F("rating_average").desc(nulls_last=True), "pk"),
    "newest": ("-published_at", "pk"),
}


# "B" in the filter means "B or better".
GRADES_AT_LEAST = {"A": ("A",), "B": ("A", "B"), "C": ("A", "B", "C")}


@dataclass(frozen=True)
class CatalogueFilters:
    query: str = ""
    category: Category | None = None
    community: Region | None = None
    funding_mode: str = ""
    price_min_fen: int | None = None
    price_max_fen: int | None = None
    available_on: datetime.date | None = None
    provider_kind: str = ""
    min_rating: Decimal | None = None
    grade: str = ""
    sort: str = "relevance"


def home_community(user) -> Region | None:
    """The community of a signed-in resident's profile; None for anyone else. One query
    (the profile and its community at once)."""
    if not user.is_authenticated:
        return None
    return Region.objects.filter(
        pk__in=ResidentProfile.objects.filter(user=user).values("community")
    ).first()


def with_my_community(params: QueryDict, *, home: Region | None) -> QueryDict:
    """The catalogue's query with "serves my community" settled: it applies only to a
    resident with a community, and is on for them until they choose a community or none."""
    params = params.copy()
    if home is None:
        params.pop("mine", None)
    elif "community" not in params and "mine" not in params:
        params["mine"] = "1"
    return params


def serving_community(*, mine: bool, chosen: Region | None, home: Region | None) -> Region | None:
    """The community the catalogue is filtered by: the reader's own when they ask for the
    services that serve it, else the one chosen in the filters (or none)."""
    if mine and home is not None:
        return home
    return chosen


def search_services(
    filters: CatalogueFilters, *, now: datetime.datetime | None = None
) -> QuerySet[Service]:
    services = Service.objects.bookable()
    if filters.community is not None:
        services = services.in_community(filters.community.pk)
    if filters.category is not None:
        # An IN list rather than "the category or its parent": PostgreSQL can then use
        # the category index instead of joining every service to its category.
        subtree = Category.objects.filter(Q(pk=filters.category.pk) | Q(parent=filters.category))
        services = services.filter(category__in=subtree.values("pk"))
    if filters.funding_mode:
        services = services.filter(funding_mode=filters.funding_mode)
    if filters.price_min_fen is not None:
        services = services.filter(price_fen__gte=filters.price_min_fen)
    if filters.price_max_fen is not None:
        services = services.filter(price_fen__lte=filters.price_max_fen)
    if filters.provider_kind:
        services = services.filter(provider__kind=filters.provider_kind)
    if filters.min_rating is not None:
        services = services.filter(rating_average__gte=filters.min_rating)
    if filters.grade:
        services = services.filter(provider__grade__in=GRADES_AT_LEAST.get(filters.grade, ()))
    if filters.available_on is not None:
        open_slots = Slot.objects.open_for_booking(now=now).on_day(filters.available_on)
        services = services.filter(Exists(open_slots.filter(service=OuterRef("pk"))))

    ranked = False
    groups = parse_query(filters.query)
    if groups:
        services, ranked = _matching(services, groups)

    order = SORTS.get(filters.sort)
    if order is None:
        order = ("-rank", "pk") if ranked else SORTS["newest"]
    renditions = get_image_model().get_rendition_model().objects.filter(filter_spec=LIST_RENDITION)
    return (
        # The category's parent picks the drawn placeholder of a service without a photo;
        # the photo comes in the same query, its list-sized rendition in one more.
        services.select_related("provider", "category__parent", "image")
        .defer("search_terms", "search_vector")
        .prefetch_related(
            Prefetch("image__renditions", queryset=renditions, to_attr="prefetched_renditions")
        )
        .order_by(*order)
    )


# Above this many results the catalogue says "more than 1,000" instead of counting them all:
# counting stops at the cap however common the words (decision 0047).
COUNT_CAP = 1000


class CappedPaginator(Paginator):
    """A paginator that counts up to COUNT_CAP results; `estimated` says there are more.
    Pages beyond the cap are not offered: a reader narrows the search instead."""

    estimated = False

    @cached_property
    def count(self) -> int:
        found = self.object_list.order_by()[: COUNT_CAP + 1].count()
        self.estimated = found > COUNT_CAP
        return min(found, COUNT_CAP)


# The rank of a match (decision 0047): 2 when the title alone holds every word of the query,
# 1 when the title with the category and provider names do, 0 when the description is
# needed. It reads `search_headline` (the title, category and provider terms, weights A and
# B, kept in the row by the database: migration 0009), never the whole vector, which is
# stored out of line and is the costly part of a common word's thousands of matches.
RANK_SQL = (
    'CASE WHEN "marketplace_service"."search_headline" @@ %s::tsquery THEN 2'
    ' WHEN "marketplace_service"."search_headline" @@ %s::tsquery THEN 1 ELSE 0 END'
)


def _matching(services: QuerySet[Service], groups: list[Group]) -> tuple[QuerySet, bool]:
    if connection.vendor == "postgresql":
        # The headline first: the same matches (it is part of the vector), but a common
        # word is found there without reading the vector, and each has its own index.
        literal = tsquery(groups)
        matches = RawSQL(
            '("marketplace_service"."search_headline" @@ %s::tsquery'
            ' OR "marketplace_service"."search_vector" @@ %s::tsquery)',
            [literal, literal],
            output_field=BooleanField(),
        )
        rank = RawSQL(
            RANK_SQL,
            [tsquery(groups, weights="A"), literal],
            output_field=IntegerField(),
        )
        return services.filter(matches).annotate(rank=rank), True
    # Embedded SQLite: the same terms, matched in the space-separated term list.
    condition = Q()
    for group in groups:
        any_of = Q()
        for alternative in group:
            all_of = Q()
            for term in alternative:
                needle = f" {term.text}" if term.prefix else f" {term.text} "
                all_of &= Q(search_terms__contains=needle)
            any_of |= all_of
        condition &= any_of
    return services.filter(condition), False


def next_open_slots(service: Service, *, limit: int = 12, now=None) -> list[Slot]:
    return list(
        Slot.objects.open_for_booking(now=now or timezone.now())
        .filter(service=service)
        .order_by("starts_at")[:limit]
    )
