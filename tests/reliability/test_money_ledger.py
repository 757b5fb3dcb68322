"""Issue 18, point 6: the money ledger holds for every order after the ways money moves
(paid, cancelled late, declined, paid after expiry, disputed and partly refunded, closed and
transferred), through the real services and the fake Stripe; and `manage.py check_money`
lists what does not add up (decision 0025)."""

import contextlib
import datetime
import io
import urllib.request

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone

from cms import jobs
from orders import ledger, payments, services, stripe_events, tasks, visits
from orders.models import Order, Transfer
from providers.models import PayoutAccount
from tests.orders.conftest import book, pay
from tests.reliability.conftest import slot_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fake_stripe")]


def check_money() -> str:
    out = io.StringIO()
    call_command("check_money", stdout=out)
    return out.getvalue()


@pytest.fixture
def every_way_money_moves(
    cleaning,
    daughter,
    grandma_li,
    provider_a,
    provider_manager,
    caregiver,
    community_staff,
    django_capture_on_commit_callbacks,
) -> dict[str, Order]:
    slot = slot_of(cleaning, capacity=10)
    link = payments.onboarding_link(
        provider_a, return_url="http://127.0.0.1/back", refresh_url="http://127.0.0.1/again"
    )
    with contextlib.suppress(OSError):
        urllib.request.urlopen(link)
    payments.refresh_payout_account(PayoutAccount.objects.get(provider=provider_a))
    worker = caregiver.provider_memberships.get()

    def paid() -> Order:
        return pay(book(daughter, slot, grandma_li))

    def visited(order: Order) -> Order:
        services.accept_order(order=order, by=provider_manager)
        services.assign_worker(order=order, by=provider_manager, worker=worker)
        Order.objects.filter(pk=order.pk).update(starts_at=timezone.now())
        order.refresh_from_db()
        visits.check_in(order=order, by=caregiver)
        visits.check_out(order=order, by=caregiver)
        order.refresh_from_db()
        return order

    with django_capture_on_commit_callbacks(execute=True):
        orders = {"paid": paid()}
        late = paid()
        Order.objects.filter(pk=late.pk).update(
            starts_at=timezone.now() + datetime.timedelta(hours=3)
        )
        late.refresh_from_db()
        services.cancel_order(order=late, by=daughter)
        orders["cancelled late"] = late
        declined = paid()
        services.decline_order(order=declined, by=provider_manager, reason="没人手")
        orders["declined"] = declined
        expired = book(daughter, slot, grandma_li)
        payments.start_payment(expired)
        Order.objects.filter(pk=expired.pk).update(expires_at=timezone.now())
        services.expire_overdue(now=timezone.now())
        orders["paid after expiry"] = pay(expired)
        closed = visited(paid())
        services.confirm_completion(order=closed, by=daughter)
        orders["closed"] = closed
        disputed = visited(paid())
        services.open_dispute(order=disputed, by=daughter, reason="只做了一半")
        services.resolve_dispute(
            order=disputed, by=community_staff, outcome="退一半", refund_fen=6000
        )
        orders["disputed"] = disputed
    return orders


def test_every_order_adds_up_after_every_way_money_moves(every_way_money_moves):
    assert ledger.differences() == []
    assert "adds up" in check_money() or "对得上" in check_money()
    closed = every_way_money_moves["closed"]
    assert Transfer.objects.get(order=closed).stripe_transfer_id
    money = {
        name: ledger.figures(Order.objects.get(pk=order.pk))
        for name, order in every_way_money_moves.items()
    }
    assert (money["cancelled late"].refunded, money["cancelled late"].fee) == (8400, 3600)
    assert money["paid after expiry"].refunded == 12000
    assert (money["disputed"].charged, money["disputed"].transferred) == (6000, 6000)


def test_a_refund_made_in_stripes_dashboard_is_listed_until_someone_looks(
    every_way_money_moves,
):
    closed = every_way_money_moves["closed"]
    remote = payments.client().v1.refunds.create(
        params={"payment_intent": closed.payment.stripe_payment_intent_id, "amount": 2000}
    )
    # What its webhook does.
    with transaction.atomic():
        stripe_events.record_refund(remote.to_dict())

    with pytest.raises(CommandError):
        check_money()
    [difference] = ledger.differences()
    assert (difference.order, difference.kind) == (closed, "refunded_outside")
    assert difference.figures.gap == -2000


def test_the_daily_jobs_check_the_money():
    assert tasks.check_money in jobs.DAILY
    assert tasks.retry_refunds in jobs.FREQUENT
