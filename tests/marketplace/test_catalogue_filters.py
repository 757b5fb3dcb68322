import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import services as account_services
from marketplace.models import Category, Service
from marketplace.selectors import CatalogueFilters, search_services
from providers import services as provider_services
from providers.models import Provider
from tests.marketplace.conftest import publish

pytestmark = pytest.mark.django_db


def titles(**filters) -> list[str]:
    return sorted(s.title_zh for s in search_services(CatalogueFilters(**filters)))


@pytest.fixture
def shelf(provider_a, weifang_1, weifang_2, laoshan, other_provider_manager):
    provider_a.communities.add(weifang_2)
    other = Provider.objects.get(name="崂山便民服务部")
    publish(provider_a, title_zh="保洁甲", price_fen=3000, communities=[weifang_1])
    publish(provider_a, title_zh="保洁乙", price_fen=8000, communities=[weifang_1, weifang_2])
    publish(
        provider_a,
        title_zh="助浴甲",
        category="bathing",
        price_fen=6000,
        funding_mode="welfare",
        communities=[weifang_1],
    )
    publish(other, title_zh="理发甲", category="haircut", price_fen=2000, communities=[laoshan])
    return provider_a


def test_filters_combine(shelf):
    eldercare = Category.objects.get(slug="eldercare")
    cleaning = Category.objects.get(slug="cleaning")
    assert titles(category=eldercare) == ["助浴甲"]
    assert titles(category=cleaning, price_max_fen=5000) == ["保洁甲"]
    assert titles(price_min_fen=3000, price_max_fen=6000) == sorted(["保洁甲", "助浴甲"])
    assert titles(funding_mode="welfare") == ["助浴甲"]
    assert titles(funding_mode="welfare", price_max_fen=5000) == []
    assert titles(provider_kind="merchant") == ["理发甲"]
    assert titles(category=cleaning) == sorted(["保洁甲", "保洁乙"])
    assert titles(query="保洁", price_min_fen=5000) == ["保洁乙"]


def test_a_service_outside_the_residents_community_is_not_offered_there(shelf, weifang_2, laoshan):
    assert titles(community=weifang_2) == ["保洁乙"]
    assert titles(community=laoshan) == ["理发甲"]


def test_a_suspended_providers_services_never_appear(shelf, street_staff, weifang_1):
    provider_services.suspend_provider(provider=shelf, by=street_staff, reason="多次投诉")
    assert titles() == ["理发甲"]
    assert titles(community=weifang_1) == []
    assert titles(query="保洁") == []


def test_only_published_services_appear(shelf):
    Service.objects.filter(title_zh="保洁甲").update(status=Service.Status.PENDING_REVIEW)
    assert "保洁甲" not in titles()


def test_rating_and_grade_filters(shelf):
    Service.objects.filter(title_zh="保洁乙").update(rating_average=Decimal("4.50"))
    Service.objects.filter(title_zh="保洁甲").update(rating_average=Decimal("3.20"))
    Provider.objects.filter(pk=shelf.pk).update(grade="A")
    assert titles(min_rating=Decimal("4")) == ["保洁乙"]
    assert titles(grade="A") == sorted(["保洁甲", "保洁乙", "助浴甲"])


def test_available_on_a_date_honours_closures(shelf, slots_of):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    for service in Service.objects.all():
        slots_of(service)
    cheap = Service.objects.get(title_zh="保洁甲")
    cheap.exceptions.create(date=tomorrow, closed=True)
    slots_of(cheap)
    available = titles(available_on=tomorrow)
    assert "保洁甲" not in available
    assert "保洁乙" in available


def test_sorting_by_price(shelf):
    found = search_services(CatalogueFilters(sort="price"))
    prices = [s.price_fen for s in found]
    assert prices == sorted(prices)
    found = search_services(CatalogueFilters(sort="-price"))
    assert [s.price_fen for s in found] == sorted(prices, reverse=True)


def test_a_residents_own_community_is_the_default(client, shelf, daughter, weifang_2):
    account_services.update_resident_profile(
        user=daughter, phone="", community=weifang_2, address="x"
    )
    client.force_login(daughter)
    page = client.get(reverse("marketplace:catalogue")).context["page"]
    assert [s.title_zh for s in page] == ["保洁乙"]
    everything = client.get(reverse("marketplace:catalogue"), {"community": ""})
    assert len(everything.context["page"].object_list) == 4


def test_bad_filter_input_gets_a_message_not_an_error(client, shelf):
    response = client.get(
        reverse("marketplace:catalogue"),
        {"price_min": "abc", "price_max": "-5", "available_on": "tomorrow"},
    )
    assert response.status_code == 200
    assert response.context["page"] is None
    assert response.context["form"].errors


def test_a_lower_upper_price_is_explained(client, shelf):
    response = client.get(reverse("marketplace:catalogue"), {"price_min": "80", "price_max": "10"})
    assert "上限价格低于下限价格" in response.content.decode()
