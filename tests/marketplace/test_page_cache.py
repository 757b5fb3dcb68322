"""The catalogue's shared page parts (marketplace.page_cache): cached for every reader of
a language, dropped the moment what they show changes, never holding free times."""

import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format

from marketplace import page_cache
from marketplace.models import Category, Slot
from providers import services as provider_services
from providers.models import Provider
from tests.marketplace.conftest import publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_services(provider_a, weifang_1):
    return [
        publish(provider_a, title_zh="家庭保洁", title_en="Home cleaning"),
        publish(provider_a, title_zh="老人助浴", title_en="Bathing help", category="bathing"),
    ]


def service_queries(client, url, data) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, data)
    assert response.status_code == 200
    touching = [q for q in queries.captured_queries if "marketplace_service" in q["sql"]]
    # The page around the parts is each reader's own: its CSRF tokens differ.
    return re.sub(r'name="csrfmiddlewaretoken" value="\w+"', "", response.content.decode()), len(
        touching
    )


def test_the_second_reader_of_a_search_gets_it_without_searching_again(client, two_services):
    url = reverse("marketplace:catalogue")
    first, searched = service_queries(client, url, {"q": "保洁"})
    again, searched_again = service_queries(client, url, {"q": "保洁"})

    assert "家庭保洁" in first and "老人助浴" not in first
    assert searched >= 1 and searched_again == 0
    assert again == first


def test_english_and_chinese_readers_each_get_their_own_language(client, two_services):
    url = reverse("marketplace:service", args=[two_services[0].pk])
    chinese = client.get(url).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(url).content.decode()

    assert "家庭保洁" in chinese and "Home cleaning" not in chinese
    assert "Home cleaning" in english
    assert "Book" in english and "预约" in chinese


def test_suspending_a_provider_empties_the_cached_pages_at_once(client, two_services, street_staff):
    catalogue = reverse("marketplace:catalogue")
    service_page = reverse("marketplace:service", args=[two_services[0].pk])
    assert "家庭保洁" in client.get(catalogue).content.decode()
    assert client.get(service_page).status_code == 200

    provider_services.suspend_provider(
        provider=two_services[0].provider, by=street_staff, reason="多次投诉"
    )

    assert "家庭保洁" not in client.get(catalogue).content.decode()
    assert client.get(service_page).status_code == 404


def test_a_price_saved_on_a_service_shows_on_the_next_page(client, two_services):
    cleaning = two_services[0]
    url = reverse("marketplace:service", args=[cleaning.pk])
    assert "¥50.00" in client.get(url).content.decode()

    cleaning.price_fen = 4200
    cleaning.save(update_fields=["price_fen"])

    page = client.get(url).content.decode()
    assert "¥42.00" in page and "¥50.00" not in page


def test_free_times_on_a_service_page_are_never_cached(client, two_services, slots_of):
    cleaning = two_services[0]
    # The first time still open for booking: earlier times of today are past and not shown.
    first_slot = slots_of(cleaning).open_for_booking().first()
    url = reverse("marketplace:service", args=[cleaning.pk])
    shown = f'datetime="{date_format(timezone.localtime(first_slot.starts_at), "c")}"'
    before = client.get(url).content.decode()
    assert shown in before and before.count("<li><time") == 12

    # A place taken changes no watched row, so the cached parts stay; the times must not.
    Slot.objects.filter(pk=first_slot.pk).update(booked=first_slot.capacity)

    after = client.get(url).content.decode()
    assert shown not in after and after.count("<li><time") == 12


def test_when_a_parts_minute_is_up_one_reader_renders_it_and_the_others_get_the_last_one(
    time_machine,
):
    rendered = []

    def render(text):
        def make():
            rendered.append(text)
            return text

        return make

    # Mid-morning: the parts are also keyed by day, and a minute from 23:59 is another day.
    time_machine.move_to(timezone.localtime().replace(hour=10, minute=0, second=0), tick=False)
    assert page_cache.part("list", "q", render("first")) == "first"
    time_machine.shift(page_cache.SECONDS + 1)

    def renewing():
        # A reader who comes while the first one renders gets the part of the minute before.
        assert page_cache.part("list", "q", render("not wanted")) == "first"
        return "second"

    assert page_cache.part("list", "q", renewing) == "second"
    assert page_cache.part("list", "q", render("not wanted")) == "second"
    assert rendered == ["first"]


def parts_rendered(client, url, data=None) -> int:
    """Queries that read services' titles in one request: none when its parts are cached
    (the free times are read on every request, by service id alone)."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, data).status_code == 200
    return sum('"marketplace_service"."title_zh"' in q["sql"] for q in queries.captured_queries)


def test_saving_one_service_leaves_another_services_page_cached(client, two_services):
    cleaning, bathing = two_services
    cleaning_url = reverse("marketplace:service", args=[cleaning.pk])
    bathing_url = reverse("marketplace:service", args=[bathing.pk])
    assert parts_rendered(client, cleaning_url) >= 1
    assert parts_rendered(client, bathing_url) >= 1

    cleaning.title_zh = "深度保洁"
    cleaning.save(update_fields=["title_zh"])

    assert parts_rendered(client, bathing_url) == 0
    assert "深度保洁" in client.get(cleaning_url).content.decode()


def test_saving_a_service_leaves_the_lists_of_other_categories_cached(client, two_services):
    cleaning = two_services[0]
    catalogue = reverse("marketplace:catalogue")
    # Cleaning is household work, bathing eldercare: neither list shows the other.
    for bathing_list in ({"category": "bathing"}, {"category": "eldercare"}):
        assert parts_rendered(client, catalogue, bathing_list) >= 1
    for cleaning_list in ({"category": "cleaning"}, {"category": "household"}, {}):
        assert "¥42.00" not in client.get(catalogue, cleaning_list).content.decode()

    cleaning.price_fen = 4200
    cleaning.save(update_fields=["price_fen"])

    for bathing_list in ({"category": "bathing"}, {"category": "eldercare"}):
        assert parts_rendered(client, catalogue, bathing_list) == 0
    # Every list that shows the service shows the new price at once.
    for cleaning_list in ({"category": "cleaning"}, {"category": "household"}, {}):
        assert "¥42.00" in client.get(catalogue, cleaning_list).content.decode()


def test_a_name_saved_on_a_service_shows_on_its_category_list_at_once(client, two_services):
    cleaning = two_services[0]
    catalogue = reverse("marketplace:catalogue")
    for data in ({"category": cleaning.category.slug}, {}):
        assert "家庭保洁" in client.get(catalogue, data).content.decode()

    cleaning.title_zh = "全屋保洁"
    cleaning.save(update_fields=["title_zh"])

    for data in ({"category": cleaning.category.slug}, {}):
        page = client.get(catalogue, data).content.decode()
        assert "全屋保洁" in page and "家庭保洁" not in page


def test_saving_a_provider_refreshes_its_services_pages_only(client, two_services, weifang_1):
    other = Provider.objects.create(
        name="乐山物业", kind="property_company", status=Provider.Status.APPROVED
    )
    other.communities.add(weifang_1)
    elsewhere = publish(other, title_zh="管道疏通", category="cleaning")
    elsewhere_url = reverse("marketplace:service", args=[elsewhere.pk])
    ours_url = reverse("marketplace:service", args=[two_services[0].pk])
    assert "安馨居家养老服务社" in client.get(ours_url).content.decode()
    assert parts_rendered(client, elsewhere_url) >= 1

    provider = two_services[0].provider
    provider.name = "安馨养老"
    provider.save(update_fields=["name"])

    page = client.get(ours_url).content.decode()
    assert "安馨养老" in page and "安馨居家养老服务社" not in page
    assert parts_rendered(client, elsewhere_url) == 0


def test_saving_a_category_refreshes_the_lists_that_show_it(client, two_services):
    catalogue = reverse("marketplace:catalogue")
    cleaning_url = reverse("marketplace:service", args=[two_services[0].pk])
    bathing_url = reverse("marketplace:service", args=[two_services[1].pk])
    lists = [{}, {"category": "bathing"}, {"q": "保洁"}]
    for data in lists:
        assert "家政服务" in client.get(catalogue, data).content.decode()
    assert "家政服务" in client.get(cleaning_url).content.decode()
    assert parts_rendered(client, bathing_url) >= 1

    household = Category.objects.get(slug="household")
    household.name_zh = "家务服务"
    household.save(update_fields=["name_zh"])

    # Every list shows the categories in its links and choices.
    for data in lists:
        page = client.get(catalogue, data).content.decode()
        assert "家务服务" in page and "家政服务" not in page
    assert "家务服务" in client.get(cleaning_url).content.decode()
    # The page of a service of another category stays as it was.
    assert parts_rendered(client, bathing_url) == 0
