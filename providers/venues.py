"""A provider's venues (day-care centres, elder canteens) and their weekly sittings, kept by
the provider's managers (decision 0028). The services served there, and their bookable
times, are marketplace's: it follows the sittings."""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from communities.models import Region
from providers.access import can_manage_provider
from providers.exceptions import ProvidersError
from providers.models import Provider, Venue, VenueSitting

WEEKDAYS = dict(VenueSitting._meta.get_field("weekday").choices)


def _require_manager(by: User, provider_id: int) -> None:
    if not can_manage_provider(by, provider_id):
        raise PermissionDenied


def _check(
    provider: Provider, *, name: str, address: str, community: Region, venue_pk: int | None = None
) -> None:
    if not name.strip():
        raise ProvidersError(_("Please give the venue a name."))
    if not address.strip():
        raise ProvidersError(_("Please give the venue's address."))
    if not provider.communities.filter(pk=community.pk).exists():
        raise ProvidersError(
            _("%(provider)s does not serve %(community)s.")
            % {"provider": provider.name, "community": community.name}
        )
    if provider.venues.filter(name=name.strip()).exclude(pk=venue_pk).exists():
        raise ProvidersError(
            _("%(provider)s already has a venue called %(name)s.")
            % {"provider": provider.name, "name": name.strip()}
        )


@transaction.atomic
def create_venue(
    *,
    provider: Provider,
    by: User,
    name: str,
    address: str,
    community: Region,
    opening_hours: str = "",
) -> Venue:
    """A manager adds a venue in one of the communities the provider serves."""
    _require_manager(by, provider.pk)
    _check(provider, name=name, address=address, community=community)
    return Venue.objects.create(
        provider=provider,
        name=name.strip(),
        address=address.strip(),
        community=community,
        opening_hours=opening_hours.strip(),
    )


@transaction.atomic
def update_venue(
    *,
    venue: Venue,
    by: User,
    name: str,
    address: str,
    community: Region,
    opening_hours: str = "",
) -> Venue:
    """A manager edits a venue. Orders already booked keep the address they were booked with."""
    venue = Venue.objects.select_for_update().get(pk=venue.pk)
    _require_manager(by, venue.provider_id)
    _check(venue.provider, name=name, address=address, community=community, venue_pk=venue.pk)
    venue.name = name.strip()
    venue.address = address.strip()
    venue.community = community
    venue.opening_hours = opening_hours.strip()
    venue.save(update_fields=["name", "address", "community", "opening_hours"])
    return venue


def _minutes(moment: datetime.time) -> int:
    return moment.hour * 60 + moment.minute


@transaction.atomic
def add_sitting(
    *, venue: Venue, by: User, weekday: int, starts_at: datetime.time, minutes: int, places: int
) -> VenueSitting:
    """A manager adds a weekly sitting; sittings of one day may not overlap (a person
    booked for one would be counted in two)."""
    venue = Venue.objects.select_for_update().get(pk=venue.pk)
    _require_manager(by, venue.provider_id)
    if weekday not in WEEKDAYS:
        raise ProvidersError(_("Please choose a weekday."))
    if not 15 <= minutes <= 720:
        raise ProvidersError(_("A sitting lasts from 15 minutes to 12 hours."))
    if places < 1:
        raise ProvidersError(_("A sitting has at least one place."))
    begin = _minutes(starts_at)
    if begin + minutes > 24 * 60:
        raise ProvidersError(_("A sitting must end on the day it begins."))
    for other in venue.sittings.filter(weekday=weekday):
        other_begin = _minutes(other.starts_at)
        if begin < other_begin + other.minutes and other_begin < begin + minutes:
            raise ProvidersError(
                _("This overlaps the sitting on %(day)s at %(time)s.")
                % {"day": WEEKDAYS[weekday], "time": f"{other.starts_at:%H:%M}"}
            )
    try:
        with transaction.atomic():
            return VenueSitting.objects.create(
                venue=venue, weekday=weekday, starts_at=starts_at, minutes=minutes, places=places
            )
    except IntegrityError:
        raise ProvidersError(_("There is a sitting at this time already.")) from None


@transaction.atomic
def remove_sitting(*, sitting: VenueSitting, by: User) -> None:
    """A manager removes a sitting. Times already booked stay (closed to new bookings)."""
    _require_manager(by, sitting.venue.provider_id)
    sitting.delete()
