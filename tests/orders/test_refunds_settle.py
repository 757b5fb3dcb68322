"""Issue 18, point 3: refunds are retried until Stripe settles them and then handed to staff;
a refund or a transfer whose answer was lost is looked up after Stripe's 24 h key window, so
nobody is paid twice (decision 0025)."""

import contextlib
import datetime
import json
import urllib.parse
import urllib.request

import pytest
import stripe
import time_machine
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from orders import ledger, payments, services, settling
from orders.exceptions import OrdersError
from orders.models import Order, Refund, Transfer
from providers.models import PayoutAccount
from tests import clock
from tests.orders.conftest import book, pay
from tests.orders.test_stripe_request_shapes import misfits, recorded, recording  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fake_stripe")]

NOWHERE = "http://127.0.0.1:9"  # nothing listens: Stripe is down


def later(**delta) -> time_machine.travel:
    return time_machine.travel(timezone.now() + datetime.timedelta(**delta), tick=True)


@pytest.fixture
def fake_stripe_clock(fake_stripe):
    """Move the fake Stripe's clock with ours (its idempotency keys expire after 24 h);
    put it back on the test's clock afterwards."""

    def follow() -> None:
        body = urllib.parse.urlencode(clock.process_env()).encode()
        urllib.request.urlopen(f"{fake_stripe}/_config/clock", data=body, timeout=5)

    yield follow
    follow()


@contextlib.contextmanager
def answers_lost(monkeypatch):
    """Stripe does what is asked, but its answer never arrives."""
    send = payments.StripeHttp.request

    def request(self, method, url, headers, post_data=None):
        send(self, method, url, headers, post_data)
        raise stripe.APIConnectionError("the answer was lost on the way back")

    with monkeypatch.context() as patched:
        patched.setattr(payments.StripeHttp, "request", request)
        yield


@pytest.fixture
def cancelled_late(daughter, slot, grandma_li, settings, django_capture_on_commit_callbacks):
    """A paid ¥120 order cancelled 5 h before: ¥84 to go back, first try while Stripe is down."""
    order = pay(book(daughter, slot, grandma_li))
    Order.objects.filter(pk=order.pk).update(starts_at=timezone.now() + datetime.timedelta(hours=5))
    order.refresh_from_db()
    api = settings.STRIPE_API_BASE
    settings.STRIPE_API_BASE = NOWHERE
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_order(order=order, by=daughter)
    settings.STRIPE_API_BASE = api
    return order


def stripe_refunds(order: Order) -> list:
    intent = order.payment.stripe_payment_intent_id
    return list(payments.client().v1.refunds.list(params={"payment_intent": intent}).data)


def test_a_refund_whose_first_try_fails_is_tried_again_until_it_settles(cancelled_late):
    refund = Refund.objects.get(payment=cancelled_late.payment)
    assert (refund.status, refund.attempts, refund.stripe_refund_id) == ("pending", 1, None)
    assert refund.last_error

    assert settling.retry_refunds(now=timezone.now())["tried"] == 0  # not due yet
    with later(minutes=16):
        assert settling.retry_refunds(now=timezone.now())["tried"] == 1

    refund.refresh_from_db()
    assert (refund.status, refund.attempts) == (Refund.Status.SUCCEEDED, 2)
    assert [r.amount for r in stripe_refunds(cancelled_late)] == [8400]
    assert ledger.differences() == []


def test_a_refund_stripe_never_settles_is_handed_to_staff_with_a_notice(
    cancelled_late, settings, community_staff
):
    settings.STRIPE_API_BASE = NOWHERE
    minutes = 0
    for _try in range(settings.REFUND_MAX_ATTEMPTS + 1):
        minutes += 15 * 2**_try
        with later(minutes=minutes):
            settling.retry_refunds(now=timezone.now())

    refund = Refund.objects.get(payment=cancelled_late.payment)
    assert refund.attempts == settings.REFUND_MAX_ATTEMPTS
    assert refund.handed_to_staff_at is not None
    assert list(settling.refunds_for_staff(community_staff)) == [refund]
    notice = community_staff.notifications.get(url=cancelled_late.get_absolute_url())
    assert notice.params["amount"] == "¥84.00"
    # Handed over, it is no longer retried by the job.
    with later(days=2):
        assert settling.retry_refunds(now=timezone.now()) == {"tried": 0, "handed_to_staff": 0}
    assert [d.kind for d in ledger.differences()] == ["refund_with_staff"]


def hand_to_staff(refund: Refund) -> Refund:
    Refund.objects.filter(pk=refund.pk).update(attempts=5, handed_to_staff_at=timezone.now())
    refund.refresh_from_db()
    return refund


def test_staff_send_a_handed_over_refund_again_and_it_is_recorded(cancelled_late, community_staff):
    refund = hand_to_staff(Refund.objects.get(payment=cancelled_late.payment))

    refund = settling.retry_refund(refund=refund, by=community_staff)

    assert refund.status == Refund.Status.SUCCEEDED
    event = cancelled_late.events.get(action="refund_retry")
    assert event.actor == community_staff
    assert [r.amount for r in stripe_refunds(cancelled_late)] == [8400]


def test_staff_mark_a_refund_handed_over_by_hand_with_a_note(cancelled_late, community_staff):
    refund = hand_to_staff(Refund.objects.get(payment=cancelled_late.payment))
    with pytest.raises(OrdersError):
        settling.mark_refund_handed_over(refund=refund, by=community_staff, note="  ")

    settling.mark_refund_handed_over(refund=refund, by=community_staff, note="现金退还,有签字")

    refund.refresh_from_db()
    assert refund.status == Refund.Status.HANDED_OVER
    assert "现金退还" in cancelled_late.events.get(action="refund_handed_over").reason
    assert ledger.differences() == []
    assert list(settling.refunds_for_staff(community_staff)) == []


def test_only_staff_over_the_community_act_on_a_handed_over_refund(
    cancelled_late, daughter, provider_manager
):
    refund = hand_to_staff(Refund.objects.get(payment=cancelled_late.payment))
    for somebody in (daughter, provider_manager):
        with pytest.raises(PermissionDenied):
            settling.mark_refund_handed_over(refund=refund, by=somebody, note="现金")
        with pytest.raises(PermissionDenied):
            settling.retry_refund(refund=refund, by=somebody)


def test_a_refund_whose_answer_was_lost_is_found_25_hours_later_not_made_twice(
    daughter, slot, grandma_li, monkeypatch, fake_stripe_clock, django_capture_on_commit_callbacks
):
    order = pay(book(daughter, slot, grandma_li))
    with answers_lost(monkeypatch), django_capture_on_commit_callbacks(execute=True):
        services.cancel_order(order=order, by=daughter)
    assert Refund.objects.get().stripe_refund_id is None

    with later(hours=25):
        fake_stripe_clock()
        settling.retry_refunds(now=timezone.now())

    refund = Refund.objects.get()
    assert refund.status == Refund.Status.SUCCEEDED
    assert [r.id for r in stripe_refunds(order)] == [refund.stripe_refund_id]


@pytest.fixture
def owed_a_transfer(daughter, slot, grandma_li, provider_a) -> Transfer:
    """A closed ¥120 order whose provider can receive its share."""
    link = payments.onboarding_link(
        provider_a, return_url="http://127.0.0.1/back", refresh_url="http://127.0.0.1/again"
    )
    with contextlib.suppress(OSError):
        urllib.request.urlopen(link)
    payments.refresh_payout_account(PayoutAccount.objects.get(provider=provider_a))
    order = pay(book(daughter, slot, grandma_li))
    Order.objects.filter(pk=order.pk).update(status=Order.Status.COMPLETED)
    order.refresh_from_db()
    services.confirm_completion(order=order, by=daughter)  # its on-commit send is not run
    return Transfer.objects.get(order=order)


def transfers_at_stripe(transfer: Transfer) -> list[dict]:
    url = f"{payments.settings.STRIPE_API_BASE}/v1/transfers?transfer_group={transfer.order.code}"
    request = urllib.request.Request(url, headers={"Authorization": "Bearer sk_test_x"})
    return json.load(urllib.request.urlopen(request, timeout=5))["data"]


def test_a_transfer_whose_answer_was_lost_retried_25_hours_later_pays_the_provider_once(
    owed_a_transfer, monkeypatch, fake_stripe_clock
):
    with answers_lost(monkeypatch):
        assert payments.send_transfer(owed_a_transfer) is False
    assert len(transfers_at_stripe(owed_a_transfer)) == 1  # made, but we do not know it

    with later(hours=25):
        fake_stripe_clock()
        assert settling.retry_transfers() == 1

    owed_a_transfer.refresh_from_db()
    made = transfers_at_stripe(owed_a_transfer)
    assert [t["id"] for t in made] == [owed_a_transfer.stripe_transfer_id]
    assert made[0]["amount"] == 12000
    assert ledger.differences() == []


def test_after_24_hours_the_same_key_would_pay_the_provider_twice(
    owed_a_transfer, monkeypatch, fake_stripe_clock
):
    """Why the look-up is needed: the fake, like Stripe, forgets a key after 24 h."""
    with answers_lost(monkeypatch):
        payments.send_transfer(owed_a_transfer)
    monkeypatch.setattr(payments, "_find_transfer", lambda transfer: None)
    monkeypatch.setattr(payments, "_key_forgotten", lambda row: False)  # the same key again

    with later(hours=25):
        fake_stripe_clock()
        payments.send_transfer(owed_a_transfer)

    assert len(transfers_at_stripe(owed_a_transfer)) == 2


def test_within_24_hours_a_retry_with_the_same_key_gets_the_same_transfer(
    owed_a_transfer, monkeypatch
):
    with answers_lost(monkeypatch):
        payments.send_transfer(owed_a_transfer)
    with later(hours=2):
        assert settling.retry_transfers() == 1
    assert len(transfers_at_stripe(owed_a_transfer)) == 1


@pytest.mark.usefixtures("recording")
def test_the_look_ups_and_retries_have_stripes_shape(
    fake_stripe,
    owed_a_transfer,
    daughter,
    slot,
    grandma_li,
    monkeypatch,
    fake_stripe_clock,
    django_capture_on_commit_callbacks,
):
    """The requests of this page (lists by our metadata, keys of a new generation, a
    replacement intent) checked as tests/orders/test_stripe_request_shapes.py checks all."""
    order = pay(book(daughter, slot, grandma_li))
    with answers_lost(monkeypatch), django_capture_on_commit_callbacks(execute=True):
        services.cancel_order(order=order, by=daughter)
        payments.send_transfer(owed_a_transfer)
    replaced = book(daughter, slot, grandma_li)
    payments.client().v1.payment_intents.cancel(
        payments.start_payment(replaced).stripe_payment_intent_id
    )
    payments.settle_payment(replaced)
    payments.start_payment(replaced)
    with later(hours=25):
        fake_stripe_clock()
        settling.retry_refunds(now=timezone.now())
        settling.retry_transfers()

    requests = recorded(fake_stripe)
    touched = {(r["method"], r["path"]) for r in requests}
    assert {("GET", "/v1/refunds"), ("GET", "/v1/transfers")} <= touched
    assert any(
        r["idempotency_key"].endswith(f"{replaced.code}-2")
        for r in requests
        if r["idempotency_key"]
    )
    assert [problem for request in requests for problem in misfits(request)] == []


def test_a_sent_refund_stripe_had_not_settled_is_asked_about_until_it_has(cancelled_late):
    """Stripe answered "pending" (a bank that takes days): the job asks how it stands
    instead of refunding again."""
    intent = cancelled_late.payment.stripe_payment_intent_id
    remote = payments.client().v1.refunds.create(
        params={"payment_intent": intent, "amount": 8400, "metadata": {"linli_refund": "x"}}
    )
    refund = Refund.objects.get(payment=cancelled_late.payment)
    Refund.objects.filter(pk=refund.pk).update(stripe_refund_id=remote.id)

    with later(minutes=16):
        settling.retry_refunds(now=timezone.now())

    refund.refresh_from_db()
    assert (refund.status, refund.attempts) == (Refund.Status.SUCCEEDED, 2)
    assert [r.id for r in stripe_refunds(cancelled_late)] == [remote.id]


def test_a_refund_stripe_failed_is_made_again_under_a_new_key(cancelled_late):
    refund = Refund.objects.get(payment=cancelled_late.payment)
    Refund.objects.filter(pk=refund.pk).update(
        status=Refund.Status.FAILED,
        stripe_refund_id="re_failed_at_the_bank",
        key_first_used_at=timezone.now(),
    )

    with later(minutes=16):
        settling.retry_refunds(now=timezone.now())

    refund.refresh_from_db()
    assert refund.status == Refund.Status.SUCCEEDED
    assert refund.key_generation == 2
    [made] = stripe_refunds(cancelled_late)
    assert (made.id, made.metadata["attempt"]) == (refund.stripe_refund_id, "2")
