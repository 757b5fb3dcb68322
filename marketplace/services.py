"""The only doors to changes of the catalogue: services, their review by staff, price
changes, weekly plans and exceptions. Availability into slots is in marketplace.slots."""

import datetime

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.db.models import F
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.images import get_image_model

from accounts.models import User
from marketplace import wording
from marketplace.exceptions import MarketplaceError
from marketplace.models import DateException, Service, ServiceChange, WeeklyHours
from marketplace.search import index_terms, tsvector
from marketplace.slots import materialise_slots
from providers.access import can_manage_provider, may_vet
from providers.models import Provider
from providers.uploads import check_photo_upload, without_metadata

# What a provider may edit at once; price and funding mode of a live service are reviewed.
DETAIL_FIELDS = (
    "category",
    "title_zh",
    "title_en",
    "description_zh",
    "description_en",
    "unit",
    "duration_minutes",
    "required_qualification",
    "min_notice_hours",
    "max_days_ahead",
    "free_cancel_hours",
    "late_cancel_fee_percent",
    "venue",
)
REVIEWED_FIELDS = ("price_fen", "funding_mode")


def _lock(service: Service) -> Service:
    return Service.objects.select_for_update().get(pk=service.pk)


def _require_manager(by: User, provider: Provider) -> None:
    if not can_manage_provider(by, provider.pk):
        raise PermissionDenied


def _check_details(provider: Provider, fields: dict, communities) -> None:
    category = fields.get("category")
    if category is not None and category.parent_id is None:
        raise MarketplaceError(_("Please choose a specific category, such as 保洁 (cleaning)."))
    if communities is not None:
        communities = list(communities)
        if not communities:
            raise MarketplaceError(_("Please choose at least one community."))
        served = set(provider.communities.values_list("pk", flat=True))
        outside = [c for c in communities if c.pk not in served]
        if outside:
            raise MarketplaceError(
                _("%(provider)s does not serve %(communities)s.")
                % {
                    "provider": provider.name,
                    "communities": "、".join(str(c.name) for c in outside),
                }
            )
    venue = fields.get("venue")
    if venue is not None and venue.provider_id != provider.pk:
        raise MarketplaceError(
            _("Please choose a venue of %(provider)s.") % {"provider": provider.name}
        )
    if "price_fen" in fields and fields["price_fen"] < 0:
        raise MarketplaceError(_("The price cannot be negative."))


@transaction.atomic
def create_service(*, provider: Provider, by: User, communities, **fields) -> Service:
    """A provider manager drafts a new service; it goes live only after staff review."""
    provider = Provider.objects.select_for_update().get(pk=provider.pk)
    _require_manager(by, provider)
    if not provider.can_publish_services:
        raise MarketplaceError(
            _("Services can be added once community staff have approved %(provider)s.")
            % {"provider": provider.name}
        )
    unknown = set(fields) - set(DETAIL_FIELDS) - set(REVIEWED_FIELDS)
    if unknown:
        raise ValueError(f"not service fields: {sorted(unknown)}")
    _check_details(provider, fields, communities)
    service = Service.objects.create(provider=provider, **fields)
    service.communities.set(communities)
    reindex(service)
    return service


@transaction.atomic
def update_service(*, service: Service, by: User, communities=None, **fields) -> Service:
    """A manager edits a service. Price and funding mode of a published service change
    only through `propose_change` and staff review."""
    service = _lock(service)
    _require_manager(by, service.provider)
    unknown = set(fields) - set(DETAIL_FIELDS) - set(REVIEWED_FIELDS)
    if unknown:
        raise ValueError(f"not service fields: {sorted(unknown)}")
    if service.status in {
        Service.Status.PUBLISHED,
        Service.Status.SUSPENDED,
        Service.Status.PENDING_REVIEW,
    }:
        changed = [f for f in REVIEWED_FIELDS if f in fields and fields[f] != getattr(service, f)]
        if changed:
            raise MarketplaceError(
                _("Price and funding mode of this service change through a review.")
            )
        fields = {k: v for k, v in fields.items() if k not in REVIEWED_FIELDS}
    _check_details(service.provider, fields, communities)
    for name, value in fields.items():
        setattr(service, name, value)
    service.save(update_fields=list(fields) or None)
    if communities is not None:
        service.communities.set(communities)
    reindex(service)
    if service.status == Service.Status.PUBLISHED:
        materialise_slots(service, start=timezone.localdate())
    return service


@transaction.atomic
def submit_service(*, service: Service, by: User) -> Service:
    """A manager sends a new (or rejected and corrected) service to staff for review."""
    service = _lock(service)
    _require_manager(by, service.provider)
    if service.status not in {Service.Status.DRAFT, Service.Status.REJECTED}:
        raise MarketplaceError(_("Only a draft or a rejected service can be submitted."))
    if service.venue_id:
        if not service.venue.sittings.exists():
            raise MarketplaceError(
                _("Please add the sittings of %(venue)s first, so residents can book.")
                % {"venue": service.venue.name}
            )
    elif not service.weekly_hours.exists():
        raise MarketplaceError(_("Please set the weekly hours first, so residents can book."))
    service.status = Service.Status.PENDING_REVIEW
    service.save(update_fields=["status"])
    wording.tell_staff_service_waits(service)
    return service


@transaction.atomic
def approve_service(*, service: Service, by: User) -> Service:
    """Community staff publish a new service."""
    service = _lock(service)
    if not may_vet(by, service.provider):
        raise PermissionDenied
    if service.status != Service.Status.PENDING_REVIEW:
        raise MarketplaceError(_("This service is not waiting for review."))
    service.status = Service.Status.PUBLISHED
    service.review_note = ""
    service.published_at = timezone.now()
    service.save(update_fields=["status", "review_note", "published_at"])
    materialise_slots(service, start=timezone.localdate())
    wording.tell_managers(service, wording.SERVICE_PUBLISHED)
    return service


@transaction.atomic
def reject_service(*, service: Service, by: User, reason: str) -> Service:
    """Community staff send a new service back, saying why."""
    reason = (reason or "").strip()
    if not reason:
        raise MarketplaceError(_("Please say why the service is rejected."))
    service = _lock(service)
    if not may_vet(by, service.provider):
        raise PermissionDenied
    if service.status != Service.Status.PENDING_REVIEW:
        raise MarketplaceError(_("This service is not waiting for review."))
    service.status = Service.Status.REJECTED
    service.review_note = reason[:300]
    service.save(update_fields=["status", "review_note"])
    wording.tell_managers(service, wording.SERVICE_REJECTED, reason=reason)
    return service


@transaction.atomic
def propose_change(
    *, service: Service, by: User, price_fen: int, funding_mode: str
) -> ServiceChange | Service:
    """A manager changes price or funding mode. Before publication it applies at once;
    after, it waits for staff and the live price stays until they approve."""
    service = _lock(service)
    _require_manager(by, service.provider)
    if price_fen < 0:
        raise MarketplaceError(_("The price cannot be negative."))
    if service.status in {Service.Status.DRAFT, Service.Status.REJECTED}:
        service.price_fen = price_fen
        service.funding_mode = funding_mode
        service.save(update_fields=["price_fen", "funding_mode"])
        return service
    if (price_fen, funding_mode) == (service.price_fen, service.funding_mode):
        raise MarketplaceError(_("Nothing changes: this is the current price and funding mode."))
    service.changes.filter(status=ServiceChange.Status.PENDING).update(
        status=ServiceChange.Status.REJECTED,
        review_note=str(_("Replaced by a newer proposal.")),
        reviewed_at=timezone.now(),
    )
    change = ServiceChange.objects.create(
        service=service, price_fen=price_fen, funding_mode=funding_mode, requested_by=by
    )
    wording.tell_staff_service_waits(service)
    return change


@transaction.atomic
def approve_change(*, change: ServiceChange, by: User) -> Service:
    """Community staff accept a new price or funding mode; it is live from now on."""
    service = _lock(change.service)
    change = ServiceChange.objects.select_for_update().get(pk=change.pk)
    if not may_vet(by, service.provider):
        raise PermissionDenied
    if change.status != ServiceChange.Status.PENDING:
        raise MarketplaceError(_("This change has already been reviewed."))
    service.price_fen = change.price_fen
    service.funding_mode = change.funding_mode
    service.save(update_fields=["price_fen", "funding_mode"])
    change.status = ServiceChange.Status.APPROVED
    change.reviewed_by = by
    change.reviewed_at = timezone.now()
    change.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    wording.tell_managers(service, wording.CHANGE_APPROVED)
    return service


@transaction.atomic
def reject_change(*, change: ServiceChange, by: User, reason: str) -> ServiceChange:
    """Community staff refuse a price or funding-mode change; the live values stay."""
    reason = (reason or "").strip()
    if not reason:
        raise MarketplaceError(_("Please say why the change is rejected."))
    service = _lock(change.service)
    change = ServiceChange.objects.select_for_update().get(pk=change.pk)
    if not may_vet(by, service.provider):
        raise PermissionDenied
    if change.status != ServiceChange.Status.PENDING:
        raise MarketplaceError(_("This change has already been reviewed."))
    change.status = ServiceChange.Status.REJECTED
    change.reviewed_by = by
    change.reviewed_at = timezone.now()
    change.review_note = reason[:300]
    change.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note"])
    wording.tell_managers(service, wording.CHANGE_REJECTED, reason=reason)
    return change


@transaction.atomic
def set_weekly_hours(*, service: Service, by: User, rows: list[dict]) -> list[WeeklyHours]:
    """A manager replaces the weekly plan (weekday, from, until, capacity per slot)."""
    service = _lock(service)
    _require_manager(by, service.provider)
    for row in rows:
        if row["ends_at"] <= row["starts_at"]:
            raise MarketplaceError(_("Each period must end after it starts."))
        if row.get("capacity", 1) < 1:
            raise MarketplaceError(_("At least one order must fit in a slot."))
    service.weekly_hours.all().delete()
    created = WeeklyHours.objects.bulk_create(WeeklyHours(service=service, **row) for row in rows)
    if service.status == Service.Status.PUBLISHED:
        materialise_slots(service, start=timezone.localdate())
    return created


@transaction.atomic
def set_date_exception(
    *,
    service: Service,
    by: User,
    date: datetime.date,
    closed: bool = True,
    starts_at: datetime.time | None = None,
    ends_at: datetime.time | None = None,
    capacity: int = 1,
    reason: str = "",
) -> DateException:
    """A manager closes a day (a holiday) or gives it different hours."""
    service = _lock(service)
    _require_manager(by, service.provider)
    if not closed and (starts_at is None or ends_at is None or ends_at <= starts_at):
        raise MarketplaceError(_("Give the hours of that day, ending after they start."))
    exception, _created = DateException.objects.update_or_create(
        service=service,
        date=date,
        defaults={
            "closed": closed,
            "starts_at": None if closed else starts_at,
            "ends_at": None if closed else ends_at,
            "capacity": capacity,
            "reason": reason,
        },
    )
    if service.status == Service.Status.PUBLISHED:
        materialise_slots(service, start=timezone.localdate())
    return exception


@transaction.atomic
def remove_date_exception(*, exception: DateException, by: User) -> None:
    service = _lock(exception.service)
    _require_manager(by, service.provider)
    exception.delete()
    if service.status == Service.Status.PUBLISHED:
        materialise_slots(service, start=timezone.localdate())


def reindex(service: Service) -> None:
    """Recompute the search terms of one service (title weighs most, then category)."""
    category = service.category
    parent = category.parent if category.parent_id else None
    title = index_terms(service.title_zh, service.title_en)
    labels = index_terms(
        category.name_zh,
        category.name_en,
        *(p for p in (parent.name_zh, parent.name_en) if parent),
        service.provider.name,
    )
    body = index_terms(service.description_zh, service.description_en)
    terms = sorted(set(title) | set(labels) | set(body))
    Service.objects.filter(pk=service.pk).update(
        search_terms=" " + " ".join(terms) + " ", indexed_provider_name=service.provider.name
    )
    if connection.vendor == "postgresql":
        literal = tsvector({"A": title, "B": labels, "C": body})
        Service.objects.filter(pk=service.pk).update(
            search_vector=RawSQL("%s::tsvector", [literal])
        )


def reindex_renamed() -> int:
    """Recompute the terms of every service whose provider has been renamed since they
    were last computed; returns how many."""
    renamed = Service.objects.exclude(indexed_provider_name=F("provider__name")).select_related(
        "provider", "category__parent"
    )
    count = 0
    for service in renamed.iterator(chunk_size=500):
        reindex(service)
        count += 1
    return count


@transaction.atomic
def set_service_photo(*, service: Service, by: User, upload: UploadedFile) -> Service:
    """A manager sets the photo shown on the service's card and page."""
    service = _lock(service)
    _require_manager(by, service.provider)
    checked = check_photo_upload(upload)
    image = get_image_model()(title=service.title_zh)
    image.file.save(checked.stored_name, without_metadata(upload), save=False)
    try:
        image.save()
    except BaseException:
        image.file.delete(save=False)
        raise
    previous = service.image
    service.image = image
    service.save(update_fields=["image"])
    if previous is not None:
        previous.delete()
    return service
