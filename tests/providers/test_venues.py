"""A provider's managers keep its venues and their sittings; a service is served at one of
its own venues; nobody else sees or changes them (decision 0028)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation

from marketplace import services as marketplace_services
from marketplace.exceptions import MarketplaceError
from providers import venues
from providers.exceptions import ProvidersError
from providers.models import Venue, VenueSitting
from tests.marketplace.conftest import publish
from tests.orders.canteen import LUNCH, make_canteen
from tests.providers.test_views_authorisation import log_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english():
    with translation.override("en"):
        yield


def test_a_manager_adds_a_venue_and_its_sittings_through_the_screens(
    client, provider_a, provider_manager, weifang_1
):
    log_in(client, provider_manager)
    response = client.post(
        reverse("providers:venues", args=[provider_a.pk]),
        {
            "name": "幸福食堂",
            "address": "潍坊一村12号楼底层",
            "community": weifang_1.pk,
            "opening_hours": "周一至周六 10:30–13:30",
        },
    )
    venue = Venue.objects.get(provider=provider_a)
    assert response.status_code == 302
    assert response.url == reverse("providers:venue", args=[venue.pk])
    client.post(
        reverse("providers:add_sitting", args=[venue.pk]),
        {"weekday": 0, "starts_at": "11:30", "minutes": 60, "places": 30},
    )
    sitting = venue.sittings.get()
    assert (sitting.weekday, sitting.starts_at, sitting.places) == (0, LUNCH, 30)
    page = client.get(reverse("providers:venue", args=[venue.pk])).content.decode()
    assert "幸福食堂" in page and "11:30" in page
    client.post(reverse("providers:remove_sitting", args=[venue.pk, sitting.pk]))
    assert not venue.sittings.exists()


def test_overlapping_sittings_on_one_day_are_refused(provider_a, provider_manager, weifang_1):
    venue = make_canteen(provider_a, weifang_1, days=[0])
    with pytest.raises(ProvidersError, match="overlaps the sitting on Monday at 11:30"):
        venues.add_sitting(
            venue=venue,
            by=provider_manager,
            weekday=0,
            starts_at=datetime.time(12),
            minutes=60,
            places=10,
        )
    venues.add_sitting(
        venue=venue,
        by=provider_manager,
        weekday=0,
        starts_at=datetime.time(12, 30),
        minutes=60,
        places=10,
    )
    assert venue.sittings.count() == 2


def test_a_venue_is_in_a_community_the_provider_serves(provider_a, provider_manager, laoshan):
    with pytest.raises(ProvidersError, match="does not serve"):
        venues.create_venue(
            provider=provider_a,
            by=provider_manager,
            name="远处食堂",
            address="崂山路1号",
            community=laoshan,
        )


def test_a_service_is_served_only_at_a_venue_of_its_own_provider(
    provider_a, provider_manager, other_provider_manager, weifang_1, laoshan
):
    service = publish(provider_a, title_zh="老年助餐", category="meal-assistance")
    own = make_canteen(provider_a, weifang_1)
    other_provider = other_provider_manager.provider_memberships.get().provider
    foreign = Venue.objects.create(
        provider=other_provider, name="崂山食堂", address="崂山路1号", community=laoshan
    )
    with pytest.raises(MarketplaceError, match="choose a venue of"):
        marketplace_services.update_service(service=service, by=provider_manager, venue=foreign)
    marketplace_services.update_service(service=service, by=provider_manager, venue=own)
    service.refresh_from_db()
    assert service.venue == own


@pytest.mark.parametrize(
    "who", ["daughter", "caregiver", "other_provider_manager", "community_staff"]
)
def test_nobody_else_reaches_a_venues_screens(client, cast, who, provider_a, weifang_1):
    venue = make_canteen(provider_a, weifang_1, days=[0])
    sitting = venue.sittings.get()
    log_in(client, cast[who])
    assert client.get(reverse("providers:venues", args=[provider_a.pk])).status_code == 404
    assert client.get(reverse("providers:venue", args=[venue.pk])).status_code == 404
    assert (
        client.post(
            reverse("providers:add_sitting", args=[venue.pk]),
            {"weekday": 1, "starts_at": "11:30", "minutes": 60, "places": 30},
        ).status_code
        == 404
    )
    assert (
        client.post(reverse("providers:remove_sitting", args=[venue.pk, sitting.pk])).status_code
        == 404
    )
    assert VenueSitting.objects.filter(venue=venue).count() == 1


def test_the_venue_services_refuse_a_caller_who_does_not_run_the_provider(
    provider_a, weifang_1, caregiver
):
    venue = make_canteen(provider_a, weifang_1, days=[])
    with pytest.raises(PermissionDenied):
        venues.add_sitting(
            venue=venue, by=caregiver, weekday=0, starts_at=LUNCH, minutes=60, places=5
        )


def test_the_service_page_says_its_times_are_the_venues_sittings(
    client, provider_a, provider_manager, weifang_1
):
    service = publish(provider_a, title_zh="老年助餐", category="meal-assistance")
    marketplace_services.update_service(
        service=service, by=provider_manager, venue=make_canteen(provider_a, weifang_1)
    )
    log_in(client, provider_manager)
    page = client.get(reverse("marketplace:manage_service", args=[service.pk])).content.decode()
    assert 'data-testid="served-at-venue"' in page and "幸福食堂" in page
