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
from marketplace.models import Slot
from providers import services as provider_services
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
