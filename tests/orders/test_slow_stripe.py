"""Issue 18, point 2: a Stripe that answers only after 30 s. We wait a short, set time per try
(STRIPE_TIMEOUT_SECONDS, at most 10 s) for a bounded number of tries, and all that time hold
no row lock, no open transaction and no database connection: at the moment each request
reaches Stripe, another connection locks the order's and the payment's rows with NOWAIT,
PostgreSQL shows no transaction left open and no lock on them, and the request's own
connection is given back. Then the payer is told, in their language, to try again.

The README's "0 locks held during a 30 s Stripe delay" is the figure measured here."""

import http.server
import threading
import time

import pytest
from django.conf import settings as project_settings
from django.db import OperationalError, connection, connections, transaction
from django.urls import reverse

from orders import payments
from orders.models import Order, Payment
from tests.orders.conftest import book

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.postgres,
]

STRIPE_DELAY_SECONDS = 30


def _can_lock_now(table: str, column: str, value: int) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT 1 FROM {table} WHERE {column} = %s FOR UPDATE NOWAIT",
                [value],
            )
        return True
    except OperationalError:  # lock not available
        return False


def _what_the_database_holds(order: Order, caller) -> dict:
    """Seen from another connection while the site waits for Stripe."""
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%%'"
            )
            open_transactions = cursor.fetchone()[0]
            cursor.execute(
                "SELECT count(*) FROM pg_locks JOIN pg_class ON pg_locks.relation = pg_class.oid "
                "WHERE pg_class.relname IN ('orders_order', 'orders_payment') "
                "AND pg_locks.pid <> pg_backend_pid()"
            )
            locks = cursor.fetchone()[0]
        return {
            "locks": locks,
            "open_transactions": open_transactions,
            "order_lockable": _can_lock_now("orders_order", "id", order.pk),
            "payment_lockable": _can_lock_now("orders_payment", "order_id", order.pk),
            "caller_in_transaction": caller.in_atomic_block,
            "caller_holds_a_connection": caller.connection is not None,
        }
    finally:
        connection.close()


class SlowStripe(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, order: Order, caller):
        super().__init__(("127.0.0.1", 0), SlowAnswer)
        self.order, self.caller = order, caller
        self.seen: list[dict] = []
        self.ended = threading.Event()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class SlowAnswer(http.server.BaseHTTPRequestHandler):
    def answer(self):
        self.server.seen.append(_what_the_database_holds(self.server.order, self.server.caller))
        if self.server.ended.wait(STRIPE_DELAY_SECONDS):
            return  # the test is over; nobody is listening any more
        body = b'{"id": "pi_late", "object": "payment_intent", "status": "succeeded"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = answer

    def log_message(self, *args):
        pass


@pytest.fixture
def slow_stripe(settings):
    servers = []

    def start(order: Order) -> SlowStripe:
        server = SlowStripe(order, connections["default"])
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        # Short tries keep the test short; the default (8 s) is checked below.
        settings.STRIPE_API_BASE = server.url
        settings.STRIPE_TIMEOUT_SECONDS = 1
        settings.STRIPE_MAX_NETWORK_RETRIES = 1
        return server

    yield start
    for server in servers:
        server.ended.set()
        server.shutdown()
        server.server_close()


HOLDS_NOTHING = {
    "locks": 0,
    "open_transactions": 0,
    "order_lockable": True,
    "payment_lockable": True,
    "caller_in_transaction": False,
    "caller_holds_a_connection": False,
}


def test_the_default_wait_is_short_and_the_tries_are_bounded():
    assert project_settings.STRIPE_TIMEOUT_SECONDS <= 10
    tries = 1 + project_settings.STRIPE_MAX_NETWORK_RETRIES
    # Stripe's library waits at most 5 s between tries: the payer never waits 30 s.
    assert project_settings.STRIPE_TIMEOUT_SECONDS * tries + 5 * (tries - 1) < 30


@pytest.mark.parametrize(
    ("language", "told"), [("zh-hans", "暂时无法"), ("en", "please try again in a few minutes")]
)
def test_opening_the_pay_page_while_stripe_is_slow_holds_nothing_and_says_try_again(
    client, daughter, slot, grandma_li, slow_stripe, language, told
):
    order = book(daughter, slot, grandma_li)
    daughter.language = language
    daughter.save(update_fields=["language"])
    client.force_login(daughter)
    stripe = slow_stripe(order)

    started = time.monotonic()
    response = client.get(reverse("orders:pay", args=[order.code]), follow=True)
    waited = time.monotonic() - started

    assert stripe.seen == [HOLDS_NOTHING, HOLDS_NOTHING]  # one try and one retry, no more
    assert waited < STRIPE_DELAY_SECONDS
    assert response.redirect_chain[-1][0] == order.get_absolute_url()
    assert told in response.content.decode()
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING_PAYMENT
    assert order.payment.stripe_payment_intent_id is None


@pytest.mark.usefixtures("fake_stripe")
def test_coming_back_from_paying_while_stripe_is_slow_holds_nothing_and_says_wait(
    client, daughter, slot, grandma_li, slow_stripe
):
    order = book(daughter, slot, grandma_li)
    payments.start_payment(order)
    client.force_login(daughter)
    stripe = slow_stripe(order)

    response = client.get(
        reverse("orders:paid", args=[order.code]), {"redirect_status": "succeeded"}, follow=True
    )

    assert stripe.seen == [HOLDS_NOTHING, HOLDS_NOTHING]
    assert "暂时无法核实您的付款" in response.content.decode()
    assert Payment.objects.get(order=order).status == Payment.Status.CREATED
