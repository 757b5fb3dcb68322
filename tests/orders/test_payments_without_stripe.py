"""Stripe gone or answering nonsense (an outage, a proxy's error page): the payer is told in
their language that payments cannot be taken now and that the booking is kept (or, coming
back from paying, not to pay again); nothing is charged or written, and the order still
waits for payment. A Stripe that answers too slowly: tests/orders/test_slow_stripe.py."""

import http.server
import threading

import pytest
from django.urls import reverse

from orders import payments
from orders.models import Order, Payment
from tests.orders.conftest import book
from tests.reliability.rows import changed_counts, row_counts

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fake_stripe")]

NOBODY_LISTENS = "http://127.0.0.1:9"  # the discard port


class ErrorPage(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(502)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(b"<html><body>502 Bad Gateway</body></html>")

    do_POST = do_GET

    def log_message(self, *args):
        pass


@pytest.fixture
def error_page_url():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), ErrorPage)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(params=["unreachable", "error page"])
def broken_stripe(request, settings):
    def breaking():
        settings.STRIPE_API_BASE = (
            NOBODY_LISTENS
            if request.param == "unreachable"
            else request.getfixturevalue("error_page_url")
        )

    return breaking


@pytest.fixture
def unpaid(daughter, slot, grandma_li) -> Order:
    return book(daughter, slot, grandma_li)


def test_the_pay_page_sends_the_payer_back_to_the_order_with_the_reason(
    client, daughter, unpaid, broken_stripe
):
    broken_stripe()
    client.force_login(daughter)
    before = row_counts()

    response = client.get(reverse("orders:pay", args=[unpaid.code]), follow=True)

    assert response.redirect_chain[-1][0] == unpaid.get_absolute_url()
    assert "暂时无法" in response.content.decode()
    assert changed_counts(before, row_counts()) == {}


def test_coming_back_from_paying_while_stripe_is_broken_says_not_to_pay_again(
    client, daughter, unpaid, broken_stripe
):
    payments.start_payment(unpaid)
    broken_stripe()
    daughter.language = "en"  # she reads the site in English
    daughter.save(update_fields=["language"])
    client.force_login(daughter)
    before = row_counts()

    response = client.get(
        reverse("orders:paid", args=[unpaid.code]), {"redirect_status": "succeeded"}, follow=True
    )

    assert "please do not pay again" in response.content.decode()
    assert changed_counts(before, row_counts()) == {}
    unpaid.refresh_from_db()
    assert unpaid.status == Order.Status.PENDING_PAYMENT
    assert unpaid.payment.status == Payment.Status.CREATED


def test_coming_back_from_the_payment_page_shows_the_order_as_it_stands(
    client, daughter, unpaid, broken_stripe
):
    payments.start_payment(unpaid)
    broken_stripe()
    client.force_login(daughter)

    response = client.get(reverse("orders:paid", args=[unpaid.code]))

    assert response.status_code == 302
    assert response["Location"] == unpaid.get_absolute_url()
