import datetime

import pytest
from django.core.exceptions import PermissionDenied

from marketplace import services
from marketplace.exceptions import MarketplaceError
from marketplace.models import Category, Service, ServiceChange
from marketplace.selectors import CatalogueFilters, search_services
from providers.models import Provider

pytestmark = pytest.mark.django_db

HOURS = [{"weekday": 0, "starts_at": datetime.time(9), "ends_at": datetime.time(12), "capacity": 1}]


def draft(provider, by, weifang_1, **overrides):
    fields = {
        "category": Category.objects.get(slug="cleaning"),
        "title_zh": "家庭保洁",
        "price_fen": 5000,
        "funding_mode": "commercial",
    }
    fields.update(overrides)
    return services.create_service(provider=provider, by=by, communities=[weifang_1], **fields)


def listed() -> list[str]:
    return [s.title_zh for s in search_services(CatalogueFilters())]


def test_a_new_service_is_seen_only_after_staff_publish_it(
    provider_a, provider_manager, street_staff, weifang_1
):
    service = draft(provider_a, provider_manager, weifang_1)
    services.set_weekly_hours(service=service, by=provider_manager, rows=HOURS)
    services.submit_service(service=service, by=provider_manager)
    assert listed() == []

    services.approve_service(service=service, by=street_staff)

    assert listed() == ["家庭保洁"]
    assert service.slots.exists()


def test_submitting_needs_weekly_hours(provider_a, provider_manager, weifang_1):
    service = draft(provider_a, provider_manager, weifang_1)
    with pytest.raises(MarketplaceError):
        services.submit_service(service=service, by=provider_manager)


def test_a_rejected_service_keeps_the_reason_for_the_provider(
    provider_a, provider_manager, street_staff, weifang_1
):
    service = draft(provider_a, provider_manager, weifang_1)
    services.set_weekly_hours(service=service, by=provider_manager, rows=HOURS)
    services.submit_service(service=service, by=provider_manager)
    services.reject_service(service=service, by=street_staff, reason="价格未含材料说明")
    service.refresh_from_db()
    assert (service.status, service.review_note) == ("rejected", "价格未含材料说明")


def test_a_price_change_waits_for_review_and_the_old_price_stays_live(
    provider_a, provider_manager, street_staff, weifang_1
):
    service = draft(provider_a, provider_manager, weifang_1)
    services.set_weekly_hours(service=service, by=provider_manager, rows=HOURS)
    services.submit_service(service=service, by=provider_manager)
    services.approve_service(service=service, by=street_staff)

    change = services.propose_change(
        service=service, by=provider_manager, price_fen=6500, funding_mode="commercial"
    )
    service.refresh_from_db()
    assert service.price_fen == 5000
    assert search_services(CatalogueFilters()).get().price_fen == 5000

    services.approve_change(change=change, by=street_staff)
    service.refresh_from_db()
    assert service.price_fen == 6500


def test_a_rejected_price_change_leaves_the_price(
    provider_a, provider_manager, street_staff, weifang_1
):
    service = draft(provider_a, provider_manager, weifang_1)
    Service.objects.filter(pk=service.pk).update(status="published")
    change = services.propose_change(
        service=service, by=provider_manager, price_fen=9900, funding_mode="welfare"
    )
    services.reject_change(change=change, by=street_staff, reason="涨幅过大")
    service.refresh_from_db()
    assert (service.price_fen, service.funding_mode) == (5000, "commercial")


def test_editing_a_published_price_directly_is_refused(provider_a, provider_manager, weifang_1):
    service = draft(provider_a, provider_manager, weifang_1)
    Service.objects.filter(pk=service.pk).update(status="published")
    with pytest.raises(MarketplaceError):
        services.update_service(service=service, by=provider_manager, price_fen=1)
    service.refresh_from_db()
    assert service.price_fen == 5000


def test_a_newer_proposal_replaces_the_pending_one(provider_a, provider_manager, weifang_1):
    service = draft(provider_a, provider_manager, weifang_1)
    Service.objects.filter(pk=service.pk).update(status="published")
    services.propose_change(
        service=service, by=provider_manager, price_fen=6000, funding_mode="commercial"
    )
    services.propose_change(
        service=service, by=provider_manager, price_fen=5500, funding_mode="commercial"
    )
    pending = ServiceChange.objects.filter(status="pending")
    assert list(pending.values_list("price_fen", flat=True)) == [5500]


def test_only_an_approved_providers_managers_create_services(
    provider_a, caregiver, other_provider_manager, provider_manager, weifang_1
):
    with pytest.raises(PermissionDenied):
        draft(provider_a, caregiver, weifang_1)
    with pytest.raises(PermissionDenied):
        draft(provider_a, other_provider_manager, weifang_1)
    Provider.objects.filter(pk=provider_a.pk).update(status="submitted")
    with pytest.raises(MarketplaceError):
        draft(provider_a, provider_manager, weifang_1)
    assert not Service.objects.exists()


def test_a_service_serves_only_communities_of_its_provider(provider_a, provider_manager, laoshan):
    with pytest.raises(MarketplaceError):
        services.create_service(
            provider=provider_a,
            by=provider_manager,
            communities=[laoshan],
            category=Category.objects.get(slug="cleaning"),
            title_zh="x",
            price_fen=1,
        )
    assert not Service.objects.exists()


def test_staff_outside_the_scope_cannot_publish(
    provider_a, provider_manager, other_street_staff, weifang_1
):
    service = draft(provider_a, provider_manager, weifang_1)
    services.set_weekly_hours(service=service, by=provider_manager, rows=HOURS)
    services.submit_service(service=service, by=provider_manager)
    with pytest.raises(PermissionDenied):
        services.approve_service(service=service, by=other_street_staff)
    service.refresh_from_db()
    assert service.status == "pending_review"
