"""The catalogue's "serves my community" filter: a signed-in resident's own community, on
until they choose otherwise; anonymous readers are asked to log in instead."""

import pytest
from django.urls import reverse

from accounts import services as account_services
from tests.marketplace.conftest import publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def shelf(provider_a, weifang_1, weifang_2):
    provider_a.communities.add(weifang_2)
    publish(provider_a, title_zh="一村保洁", communities=[weifang_1])
    publish(provider_a, title_zh="二村保洁", communities=[weifang_2])
    return provider_a


@pytest.fixture
def resident(client, daughter, weifang_2):
    account_services.update_resident_profile(
        user=daughter, phone="", community=weifang_2, address="x"
    )
    client.force_login(daughter)
    return daughter


def titles(response) -> list[str]:
    return sorted(s.title_zh for s in response.context["page"])


def test_a_resident_sees_the_filter_on_and_only_services_that_serve_their_community(
    client, shelf, resident
):
    response = client.get(reverse("marketplace:catalogue"))
    assert titles(response) == ["二村保洁"]
    body = response.content.decode()
    assert 'name="mine" value="1" checked' in body
    assert "潍坊二村" in body.split('data-testid="mine"')[1].split("</label>")[0]


def test_a_search_from_the_header_keeps_the_filter_on(client, shelf, resident):
    assert titles(client.get(reverse("marketplace:catalogue"), {"q": "保洁"})) == ["二村保洁"]


def test_unticking_the_filter_shows_every_community(client, shelf, resident):
    # The form sends the community select (empty) and no "mine" when the box is unticked.
    response = client.get(reverse("marketplace:catalogue"), {"q": "保洁", "community": ""})
    assert titles(response) == ["一村保洁", "二村保洁"]
    assert 'name="mine" value="1">' in response.content.decode()


def test_the_filter_wins_over_another_community_chosen_with_it(client, shelf, resident, weifang_1):
    response = client.get(
        reverse("marketplace:catalogue"), {"mine": "1", "community": str(weifang_1.pk)}
    )
    assert titles(response) == ["二村保洁"]


def test_an_anonymous_reader_gets_a_prompt_and_the_filter_does_nothing(client, shelf):
    response = client.get(reverse("marketplace:catalogue"), {"mine": "1"})
    assert titles(response) == ["一村保洁", "二村保洁"]
    body = response.content.decode()
    assert 'name="mine"' not in body
    assert 'data-testid="mine-prompt"' in body


def test_a_signed_in_person_without_a_community_sees_neither_filter_nor_prompt(
    client, shelf, provider_manager
):
    client.force_login(provider_manager)
    response = client.get(reverse("marketplace:catalogue"), {"mine": "1"})
    assert titles(response) == ["一村保洁", "二村保洁"]
    body = response.content.decode()
    assert 'name="mine"' not in body
    assert "mine-prompt" not in body


def test_two_residents_of_different_communities_do_not_share_a_cached_page(
    client, shelf, resident, son, weifang_1
):
    assert titles(client.get(reverse("marketplace:catalogue"))) == ["二村保洁"]
    account_services.update_resident_profile(user=son, phone="", community=weifang_1, address="y")
    client.force_login(son)
    assert titles(client.get(reverse("marketplace:catalogue"))) == ["一村保洁"]
