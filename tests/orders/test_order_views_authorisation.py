"""Every order URL, tried by everyone in the cast who has no business with the order."""

import pytest
from django.urls import reverse

from orders.models import Order, OrderEvent

pytestmark = pytest.mark.django_db

OUTSIDERS = [
    "son",
    "other_resident",
    "other_street_staff",
    "district_officer",
    "other_provider_manager",
]
ORDER_ACTIONS = [
    "accept",
    "decline",
    "cancel",
    "reschedule",
    "assign",
    "check_in",
    "check_out",
    "confirm",
    "no_show",
    "dispute",
    "resolve",
    "confirm_visit",
    "correct_visit",
]


def log_in(client, user):
    if user is not None:
        client.force_login(user)


@pytest.mark.parametrize("who", OUTSIDERS)
def test_an_order_is_404_for_people_who_have_nothing_to_do_with_it(client, cast, confirmed, who):
    log_in(client, cast[who])
    events = OrderEvent.objects.count()
    for name in ("detail", "live", "pay", "paid"):
        url = reverse(f"orders:{name}", args=[confirmed.code])
        assert client.get(url).status_code == 404, url
    for name in ORDER_ACTIONS:
        url = reverse(f"orders:{name}", args=[confirmed.code])
        response = client.post(url, {"reason": "x", "outcome": "x", "visit_code": "1"})
        assert response.status_code == 404, url
    confirmed.refresh_from_db()
    assert confirmed.status == Order.Status.CONFIRMED
    assert OrderEvent.objects.count() == events


def test_anonymous_visitors_are_sent_to_log_in(client, confirmed):
    response = client.get(reverse("orders:detail", args=[confirmed.code]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize(
    "who",
    [
        "daughter",
        "provider_manager",
        "caregiver",
        "community_staff",
        "street_staff",
        "platform_admin",
    ],
)
def test_the_people_involved_see_it(client, cast, confirmed, who):
    log_in(client, cast[who])
    response = client.get(reverse("orders:detail", args=[confirmed.code]))
    assert response.status_code == 200
    assert confirmed.code in response.content.decode()


def test_a_worker_sees_only_the_visits_assigned_to_them(client, cast, requested):
    log_in(client, cast["caregiver"])
    assert client.get(reverse("orders:detail", args=[requested.code])).status_code == 404


@pytest.mark.parametrize(
    ("who", "action"),
    [
        ("daughter", "accept"),
        ("daughter", "check_in"),
        ("caregiver", "confirm"),
        ("caregiver", "accept"),
        ("community_staff", "confirm"),
    ],
)
def test_people_involved_cannot_do_what_is_not_theirs(client, cast, confirmed, who, action):
    log_in(client, cast[who])
    response = client.post(reverse(f"orders:{action}", args=[confirmed.code]))
    assert response.status_code in {302, 403}
    confirmed.refresh_from_db()
    assert confirmed.status == Order.Status.CONFIRMED


@pytest.mark.parametrize("who", ["other_provider_manager", "caregiver", "daughter", "street_staff"])
def test_a_providers_order_pages_are_404_for_others(client, cast, provider_a, who):
    log_in(client, cast[who])
    assert client.get(reverse("orders:provider_orders", args=[provider_a.pk])).status_code == 404
    assert client.post(reverse("orders:start_payouts", args=[provider_a.pk])).status_code == 404


@pytest.mark.parametrize(
    "who", ["other_resident", "other_provider_manager", "provider_manager", "other_street_staff"]
)
def test_a_visit_code_card_is_only_for_family_and_community_staff(client, cast, grandma_li, who):
    log_in(client, cast[who])
    url = reverse("orders:visit_card", args=[grandma_li.pk])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert not grandma_li.visit_cards.exists()


def test_my_orders_lists_only_my_familys_orders(client, cast, confirmed):
    log_in(client, cast["other_resident"])
    assert list(client.get(reverse("orders:mine")).context["orders"]) == []
    log_in(client, cast["daughter"])
    assert list(client.get(reverse("orders:mine")).context["orders"]) == [confirmed]


def test_the_staff_workspace_lists_only_orders_in_scope(client, cast, confirmed):
    log_in(client, cast["other_street_staff"])
    assert list(client.get("/cms-admin/community_orders/").context["orders"]) == []
    log_in(client, cast["street_staff"])
    assert list(client.get("/cms-admin/community_orders/").context["orders"]) == [confirmed]


def test_suspension_keeps_confirmed_orders_listed_for_staff_to_reassign_or_cancel(
    client, cast, confirmed, provider_a
):
    from providers import services as provider_services

    provider_services.suspend_provider(
        provider=provider_a, by=cast["street_staff"], reason="资质过期"
    )
    log_in(client, cast["street_staff"])
    page = client.get("/cms-admin/community_orders/")
    assert list(page.context["stranded"]) == [confirmed]
    confirmed.refresh_from_db()
    assert confirmed.status == Order.Status.CONFIRMED  # nothing silently dropped

    response = client.post(
        reverse("orders:cancel", args=[confirmed.code]), {"reason": "服务商被暂停，改约其他服务商"}
    )
    assert response.status_code == 302
    confirmed.refresh_from_db()
    assert confirmed.status == Order.Status.CANCELLED
    assert confirmed.payment.refunds.get().amount_fen == confirmed.copay_fen
