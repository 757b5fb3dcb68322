"""Issue 20, point 3: "my orders" in tabs with a pay button, a receipt page and PDF for the
family only, and an order page that shows each side what concerns it (decision 0042)."""

import pytest
from django.urls import reverse

from accounts.notifications import notify
from marketplace.models import Slot
from orders.models import Order
from tests.orders.conftest import book, put_in

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

RESIDENT_PAYMENT_PROMPT = "您需支付"


def tab_counts(page) -> dict[str, int]:
    return {item["name"]: item["count"] for item in page.context["tabs"]}


def test_my_orders_has_tabs_with_counts_as_links_and_a_pay_button_for_orders_to_pay(
    client, daughter, slot, grandma_li
):
    waiting = book(daughter, slot, grandma_li)
    requested = put_in(book(daughter, slot, grandma_li), Order.Status.REQUESTED)
    client.force_login(daughter)

    page = client.get(reverse("orders:mine"))

    assert page.status_code == 200
    assert tab_counts(page) == {"to_pay": 1, "upcoming": 1, "to_review": 0, "past": 0}
    assert 'href="?tab=upcoming"' in page.text
    # The first tab with something in it is shown, with a pay button for each order.
    assert page.context["tab"] == "to_pay"
    assert reverse("orders:pay", kwargs={"code": waiting.code}) in page.text
    assert requested.code not in page.text


def test_each_tab_lists_its_own_orders(client, daughter, slot, grandma_li):
    Slot.objects.filter(pk=slot.pk).update(capacity=10)
    upcoming = put_in(book(daughter, slot, grandma_li), Order.Status.CONFIRMED)
    closed = put_in(book(daughter, slot, grandma_li), Order.Status.CLOSED)
    cancelled = put_in(book(daughter, slot, grandma_li), Order.Status.CANCELLED)
    client.force_login(daughter)

    listed = {
        tab: {o.code for o in client.get(reverse("orders:mine"), {"tab": tab}).context["orders"]}
        for tab in ("to_pay", "upcoming", "to_review", "past")
    }

    assert listed == {
        "to_pay": set(),
        "upcoming": {upcoming.code},
        "to_review": {closed.code},
        "past": {cancelled.code},
    }


def test_providers_and_carers_never_see_the_residents_payment_prompt(
    client, confirmed, provider_manager, caregiver, daughter
):
    url = confirmed.get_absolute_url()

    client.force_login(provider_manager)
    for_provider = client.get(url).text
    client.force_login(caregiver)
    for_carer = client.get(url).text
    client.force_login(daughter)
    for_family = client.get(url).text

    assert RESIDENT_PAYMENT_PROMPT not in for_provider
    assert RESIDENT_PAYMENT_PROMPT not in for_carer
    assert RESIDENT_PAYMENT_PROMPT in for_family
    assert 'data-testid="provider-amounts"' in for_provider
    assert "潍坊路 100 弄 5 号 101 室" in for_carer
    assert "¥" not in for_carer.split('data-testid="order-status"')[1].split("<footer")[0]


def test_the_family_gets_a_receipt_page_and_a_pdf(client, confirmed, daughter):
    client.force_login(daughter)

    page = client.get(reverse("orders:receipt", kwargs={"code": confirmed.code}))
    pdf = client.get(reverse("orders:receipt_pdf", kwargs={"code": confirmed.code}))

    assert page.status_code == 200
    labels = dict(page.context["receipt"].lines)
    assert labels["订单号"] == confirmed.code
    assert labels["服务商"] == confirmed.provider.name
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


@pytest.mark.parametrize("who", ["provider_manager", "caregiver", "other_resident"])
def test_nobody_but_the_family_sees_the_receipt(client, request, confirmed, who):
    client.force_login(request.getfixturevalue(who))

    for name in ("orders:receipt", "orders:receipt_pdf"):
        assert client.get(reverse(name, kwargs={"code": confirmed.code})).status_code == 404


def test_an_order_still_waiting_for_payment_has_no_receipt(client, daughter, slot, grandma_li):
    waiting = book(daughter, slot, grandma_li)
    client.force_login(daughter)

    assert client.get(reverse("orders:receipt", kwargs={"code": waiting.code})).status_code == 404


def test_seeing_the_notifications_page_clears_the_badge(client, daughter):
    notify(users=[daughter], kind="test", message="Hello %(name)s", params={"name": "x"})
    client.force_login(daughter)
    assert client.get("/").context["unread_count"] == 1

    page = client.get(reverse("accounts:notifications"))

    assert page.context["unread_count"] == 0
    assert 'class="notification unread"' in page.text  # still marked as new on that page
    assert client.get("/").context["unread_count"] == 0
