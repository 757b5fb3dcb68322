"""Read queries of the catalogue: browse and search for residents."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import BooleanField, Exists, F, FloatField, OuterRef, Prefetch, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.http import QueryDict
from django.utils import timezone
from wagtail.images import get_image_model

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
    """The community of a signed-in resident's profile; None for anyone else."""
    if not user.is_authenticated:
        return None
    profile = getattr(user, "resident_profile", None)
    return profile.community if profile is not None else None


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
    renditions = get_image_model().get_rendition_model().objects
    return (
        # The category's parent picks the drawn placeholder of a service without a photo.
        # The photo joins the services; its thumbnails come in one more query (what
        # prefetch_renditions does, without a query of its own for the images).
        services.select_related("provider", "category__parent", "image")
        .prefetch_related(
            Prefetch(
                "image__renditions",
                queryset=renditions.filter(filter_spec=LIST_RENDITION),
                to_attr="prefetched_renditions",
            )
        )
        .order_by(*order)
    )


def _matching(services: QuerySet[Service], groups: list[Group]) -> tuple[QuerySet, bool]:
    if connection.vendor == "postgresql":
        literal = tsquery(groups)
        matches = RawSQL(
            '"marketplace_service"."search_vector" @@ %s::tsquery',
            [literal],
            output_field=BooleanField(),
        )
        rank = RawSQL(
            'ts_rank("marketplace_service"."search_vector", %s::tsquery)',
            [literal],
            output_field=FloatField(),
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
