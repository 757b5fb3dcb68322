"""Every accounts URL, requested by everyone in the cast."""

import re

import pytest
from django.urls import reverse

from accounts.models import CareLink
from tests.conftest import LOGGED_IN_CAST

pytestmark = pytest.mark.django_db

EVERYONE = LOGGED_IN_CAST


def as_(client, cast, who):
    if cast[who] is not None:
        client.force_login(cast[who])
    return client


@pytest.mark.parametrize(
    "name", ["accounts:home", "accounts:profile", "accounts:care_recipients", "providers:dashboard"]
)
def test_personal_pages_send_anonymous_visitors_to_log_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("who", EVERYONE)
def test_my_linli_lists_only_the_people_i_care_for(client, cast, grandma_li, who):
    response = as_(client, cast, who).get(reverse("accounts:home"))

    assert response.status_code == 200
    expected = ["李秀兰"] if who == "daughter" else []
    assert [r.name for r in response.context["recipients"]] == expected


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("daughter", 200),
        ("community_staff", 200),
        ("street_staff", 200),
        ("platform_admin", 200),
        ("son", 404),
        ("other_resident", 404),
        ("other_street_staff", 404),
        ("district_officer", 404),
        ("provider_manager", 404),
        ("caregiver", 404),
        ("other_provider_manager", 404),
    ],
)
def test_a_care_recipient_is_seen_by_family_and_community_staff_only(
    client, cast, grandma_li, who, expected
):
    response = as_(client, cast, who).get(reverse("accounts:care_recipient", args=[grandma_li.pk]))
    assert response.status_code == expected
    if expected == 404:
        assert "李秀兰" not in response.content.decode()


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("daughter", 302),
        ("son", 404),
        ("other_resident", 404),
        ("other_street_staff", 404),
        ("community_staff", 302),
    ],
)
def test_only_the_linked_account_or_community_staff_may_remove_a_link(
    client, cast, grandma_li, daughter, who, expected
):
    link = grandma_li.links.get(account=daughter)
    response = as_(client, cast, who).post(reverse("accounts:unlink", args=[link.pk]))

    assert response.status_code == expected
    assert CareLink.objects.filter(pk=link.pk).exists() is (expected != 302)


def test_a_linked_relative_cannot_remove_anothers_link(client, grandma_li, daughter, son):
    CareLink.objects.create(care_recipient=grandma_li, account=son, relationship="child")
    link = grandma_li.links.get(account=daughter)

    client.force_login(son)
    response = client.post(reverse("accounts:unlink", args=[link.pk]))

    assert response.status_code == 403
    assert CareLink.objects.filter(pk=link.pk).exists()


@pytest.mark.parametrize("who", EVERYONE)
def test_the_provider_page_shows_only_ones_own_memberships(client, cast, who):
    response = as_(client, cast, who).get(reverse("providers:dashboard"))

    assert response.status_code == 200
    shown = {m.user for m in response.context["memberships"]}
    assert shown <= {cast[who]}


def test_adding_a_recipient_through_the_form_links_them(client, daughter, weifang_1):
    client.force_login(daughter)
    response = client.post(
        reverse("accounts:care_recipients"),
        {
            "name": "李秀兰",
            "community": weifang_1.pk,
            "address": "潍坊路 100 弄",
            "relationship": "child",
            "living_alone": "on",
        },
    )

    assert response.status_code == 302
    assert daughter.care_links.get().care_recipient.name == "李秀兰"


def test_a_bad_form_says_what_is_wrong_in_chinese_and_saves_nothing(client, daughter, weifang):
    client.force_login(daughter)
    response = client.post(
        reverse("accounts:care_recipients"),
        {
            "name": "",
            "community": weifang.pk,
            "address": "",
            "relationship": "child",
        },
    )

    assert response.status_code == 200
    errors = re.findall(r'<p class="error" role="alert">([^<]+)</p>', response.content.decode())
    assert len(errors) == 3  # name, community (a street is not one), address
    assert all(re.search(r"[\u4e00-\u9fff]", error) for error in errors)
    assert not daughter.care_links.exists()


def test_sharing_through_the_form_with_an_unknown_address_explains_why(
    client, grandma_li, daughter
):
    client.force_login(daughter)
    response = client.post(
        reverse("accounts:care_recipient", args=[grandma_li.pk]),
        {
            "email": "nobody@example.cn",
            "relationship": "child",
        },
    )

    assert response.status_code == 200
    assert "未找到电子邮箱为 nobody@example.cn 且已验证的账户" in response.content.decode()
    assert grandma_li.links.count() == 1
