"""Every catalogue URL, tried by everyone in the cast."""

import datetime

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from marketplace import services
from marketplace.models import Category, Service, ServiceChange
from tests.marketplace.conftest import publish

pytestmark = pytest.mark.django_db

NOT_MANAGERS = [
    "daughter",
    "son",
    "other_resident",
    "community_staff",
    "street_staff",
    "other_street_staff",
    "district_officer",
    "caregiver",
    "other_provider_manager",
    "anonymous",
]


def log_in(client, user):
    if user is not None:
        Authenticator.objects.get_or_create(
            user=user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "JBSWY3DP"}}
        )
        client.force_login(user)


@pytest.fixture
def service(provider_a):
    return publish(provider_a, title_zh="家庭保洁")


@pytest.fixture
def change(service, provider_manager):
    return services.propose_change(
        service=service, by=provider_manager, price_fen=9900, funding_mode="commercial"
    )


def management_urls(service):
    exception = service.exceptions.create(date=datetime.date(2030, 1, 1), closed=True)
    return [
        ("get", reverse("marketplace:provider_services", args=[service.provider_id])),
        ("get", reverse("marketplace:new_service", args=[service.provider_id])),
        ("get", reverse("marketplace:manage_service", args=[service.pk])),
        ("post", reverse("marketplace:set_hours", args=[service.pk])),
        ("post", reverse("marketplace:add_exception", args=[service.pk])),
        ("post", reverse("marketplace:remove_exception", args=[service.pk, exception.pk])),
        ("post", reverse("marketplace:submit_service", args=[service.pk])),
        ("post", reverse("marketplace:change_price", args=[service.pk])),
        ("post", reverse("marketplace:set_photo", args=[service.pk])),
    ]


@pytest.mark.parametrize("who", NOT_MANAGERS)
def test_service_management_is_404_for_everyone_but_the_providers_managers(
    client, cast, service, who
):
    log_in(client, cast[who])
    for method, url in management_urls(service):
        response = getattr(client, method)(url, {"price": "1", "funding_mode": "public"})
        expected = {302} if who == "anonymous" else {404}
        assert response.status_code in expected, url
    service.refresh_from_db()
    assert service.price_fen == 5000
    assert not ServiceChange.objects.exists()


def test_the_manager_opens_them(client, service, provider_manager):
    client.force_login(provider_manager)
    for method, url in management_urls(service):
        assert getattr(client, method)(url).status_code in {200, 302}, url


@pytest.mark.parametrize("who", NOT_MANAGERS + ["provider_manager"])
def test_everyone_may_browse_and_see_a_published_service(client, cast, service, who):
    log_in(client, cast[who])
    assert client.get(reverse("marketplace:catalogue")).status_code == 200
    assert client.get(service.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("who", NOT_MANAGERS + ["provider_manager"])
def test_nobody_sees_an_unpublished_service_page(client, cast, service, who):
    Service.objects.filter(pk=service.pk).update(status="pending_review")
    log_in(client, cast[who])
    assert client.get(service.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("who", ["other_street_staff", "district_officer"])
def test_review_decisions_are_404_outside_the_staff_scope(client, cast, service, change, who):
    Service.objects.filter(pk=service.pk).update(status="pending_review")
    log_in(client, cast[who])
    for url in [
        reverse("service_review:decide_service", args=[service.pk, "approve"]),
        reverse("service_review:decide_change", args=[change.pk, "approve"]),
    ]:
        assert client.post(url).status_code == 404, url
    service.refresh_from_db()
    assert (service.status, service.price_fen) == ("pending_review", 5000)


def test_the_review_queue_shows_only_what_is_in_scope(
    client, service, change, street_staff, other_street_staff
):
    log_in(client, other_street_staff)
    response = client.get(reverse("service_review:queue"))
    assert list(response.context["changes"]) == []
    log_in(client, street_staff)
    assert list(client.get(reverse("service_review:queue")).context["changes"]) == [change]


@pytest.mark.parametrize("who", ["daughter", "provider_manager"])
def test_people_without_staff_access_find_no_staff_screens(client, cast, service, who):
    log_in(client, cast[who])
    response = client.get(reverse("service_review:queue"))
    assert response.status_code == 404


def test_a_manager_sets_the_service_photo(client, service, provider_manager):
    from tests.providers.conftest import png_bytes, upload

    client.force_login(provider_manager)
    client.post(
        reverse("marketplace:set_photo", args=[service.pk]),
        {"image": upload("photo.png", png_bytes())},
    )
    service.refresh_from_db()
    assert service.image is not None
    assert 'class="service-photo"' in client.get(service.get_absolute_url()).content.decode()


def test_community_staff_edit_the_category_tree(client, street_staff):
    from marketplace.models import Category

    log_in(client, street_staff)
    index = client.get("/cms-admin/category/")
    assert index.status_code == 200
    eldercare = Category.objects.get(slug="eldercare")
    response = client.post(
        "/cms-admin/category/new/",
        {
            "parent": eldercare.pk,
            "slug": "foot-care",
            "name_zh": "修脚",
            "name_en": "Foot care",
            "sort_order": 9,
        },
    )
    assert response.status_code == 302
    assert Category.objects.get(slug="foot-care").parent == eldercare


def test_residents_cannot_edit_categories(client, daughter):
    log_in(client, daughter)
    response = client.post(
        "/cms-admin/category/new/", {"slug": "x", "name_zh": "x", "name_en": "x", "sort_order": 1}
    )
    assert response.status_code == 404
    assert not Category.objects.filter(slug="x").exists()


def test_the_providers_public_page_lists_its_published_services(client, service):
    page = client.get(service.provider.get_absolute_url()).content.decode()
    assert "家庭保洁" in page
    Service.objects.filter(pk=service.pk).update(status="draft")
    assert "家庭保洁" not in client.get(service.provider.get_absolute_url()).content.decode()


def test_a_service_photo_is_stored_without_its_gps_position(client, service, provider_manager):
    from tests.providers.conftest import assert_no_metadata, jpeg_with_gps, upload

    client.force_login(provider_manager)
    client.post(
        reverse("marketplace:set_photo", args=[service.pk]),
        {"image": upload("home.jpg", jpeg_with_gps())},
    )
    service.refresh_from_db()
    assert_no_metadata(service.image.file)
