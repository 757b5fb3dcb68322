"""Issue 18, point 5: the late-cancellation fee follows the first confirmed start inside its
window, so moving a visit away and then cancelling does not dodge it (decision 0025); and the
refund shown before cancelling is the refund made."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from marketplace.models import Slot
from marketplace.slots import materialise_slots
from orders import services
from orders.models import Order, Refund
from tests.orders.conftest import book, put_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def five_days_out(cleaning) -> Slot:
    day = timezone.localdate() + datetime.timedelta(days=5)
    materialise_slots(cleaning, start=day, days=1)
    return Slot.objects.filter(service=cleaning, starts_at__date__gte=day).earliest("starts_at")


@pytest.fixture
def in_two_hours(daughter, slot, grandma_li, caregiver) -> Order:
    """A confirmed ¥120 order, paid, starting in two hours (24 h free, then 30 % kept)."""
    order = put_in(
        book(daughter, slot, grandma_li),
        Order.Status.CONFIRMED,
        worker=caregiver.provider_memberships.get(),
    )
    Order.objects.filter(pk=order.pk).update(starts_at=timezone.now() + datetime.timedelta(hours=2))
    order.refresh_from_db()
    return order


def test_a_confirmed_order_cancelled_two_hours_before_keeps_the_fee(in_two_hours, daughter):
    decision = services.cancel_order(order=in_two_hours, by=daughter)
    assert (decision.refund_fen, decision.fee_fen) == (8400, 3600)


def test_moving_a_confirmed_order_out_of_its_fee_window_does_not_dodge_the_fee(
    in_two_hours, daughter, five_days_out
):
    services.reschedule_order(order=in_two_hours, by=daughter, slot=five_days_out)
    in_two_hours.refresh_from_db()
    assert in_two_hours.starts_at == five_days_out.starts_at

    decision = services.cancel_order(order=in_two_hours, by=daughter)

    assert (decision.refund_fen, decision.fee_fen) == (8400, 3600)
    assert Refund.objects.get(payment=in_two_hours.payment).amount_fen == 8400
    in_two_hours.refresh_from_db()
    assert in_two_hours.fee_fen == 3600


def test_moving_a_confirmed_order_before_its_fee_window_keeps_cancelling_free(
    daughter, slot, grandma_li, caregiver, five_days_out
):
    order = put_in(
        book(daughter, slot, grandma_li),
        Order.Status.CONFIRMED,
        worker=caregiver.provider_memberships.get(),
    )
    services.reschedule_order(order=order, by=daughter, slot=five_days_out)
    order.refresh_from_db()
    assert order.fee_counts_from is None
    decision = services.cancel_order(order=order, by=daughter)
    assert (decision.refund_fen, decision.fee_fen) == (12000, 0)


def shown_preview(client, order: Order) -> tuple[int, int]:
    """The fee and the refund the order page shows before cancelling, in fen."""
    page = client.get(order.get_absolute_url()).content.decode()
    preview = re.search(r'data-testid="cancel-preview">(.*?)</p>', page, re.S).group(1)
    figures = [int(a) * 100 + int(b) for a, b in re.findall(r"(\d+)\.(\d\d)", preview)]
    return (figures[0], figures[1]) if len(figures) == 2 else (0, figures[0])


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("moved", [False, True], ids=["as booked", "moved five days out"])
def test_the_refund_shown_before_cancelling_is_the_refund_made(
    client, in_two_hours, daughter, five_days_out, moved, language
):
    client.force_login(daughter)
    client.cookies["django_language"] = language
    if moved:
        services.reschedule_order(order=in_two_hours, by=daughter, slot=five_days_out)
    fee, refund = shown_preview(client, in_two_hours)

    client.post(reverse("orders:cancel", kwargs={"code": in_two_hours.code}))

    in_two_hours.refresh_from_db()
    assert in_two_hours.status == Order.Status.CANCELLED
    made = Refund.objects.get(payment=in_two_hours.payment)
    assert (fee, refund) == (in_two_hours.fee_fen, made.amount_fen) == (3600, 8400)


def test_the_family_is_told_before_moving_a_visit_that_the_fee_stays(
    client, in_two_hours, daughter, five_days_out, provider_manager
):
    client.force_login(daughter)
    page = client.get(in_two_hours.get_absolute_url()).content.decode()
    warning = re.search(r'data-testid="reschedule-fee">(.*?)</p>', page, re.S).group(1)
    assert "36.00" in warning

    services.reschedule_order(order=in_two_hours, by=daughter, slot=five_days_out)
    services.accept_order(
        order=in_two_hours, by=in_two_hours.provider.members.managing().get().user
    )
    page = client.get(in_two_hours.get_absolute_url()).content.decode()
    assert 'data-testid="reschedule-fee"' in page  # still counting from the first start


def test_no_fee_warning_while_moving_is_free(client, daughter, slot, grandma_li, caregiver):
    order = put_in(
        book(daughter, slot, grandma_li),
        Order.Status.CONFIRMED,
        worker=caregiver.provider_memberships.get(),
    )
    client.force_login(daughter)
    assert (
        'data-testid="reschedule-fee"' not in client.get(order.get_absolute_url()).content.decode()
    )
