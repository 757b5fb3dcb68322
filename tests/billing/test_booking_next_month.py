"""Booking a subsidised visit in another month: the page quotes each month the times shown
fall in, and the order is priced by the same month, so the family is never told "the price
changed" in a loop."""

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from billing.models import MonthlyUsage
from marketplace.models import Slot
from marketplace.slots import materialise_slots
from orders.models import Order

pytestmark = pytest.mark.django_db


def first_slot(bathing) -> Slot:
    return Slot.objects.filter(service=bathing, starts_at__gt=timezone.now()).earliest("starts_at")


@pytest.fixture
def slots_ahead(bathing):
    bathing.max_days_ahead = 70
    bathing.save(update_fields=["max_days_ahead"])
    materialise_slots(bathing, start=timezone.localdate(), days=70)


@pytest.fixture
def this_month_used_up(slots_ahead, bathing, grandma_li, grandma_eligible, programme):
    """The ¥120 cap of the month of the first bookable time is spent; the next month's is
    untouched."""
    MonthlyUsage.objects.create(
        care_recipient=grandma_li,
        programme=programme,
        month=timezone.localdate(first_slot(bathing).starts_at).replace(day=1),
        used_fen=programme.monthly_cap_fen,
    )


@pytest.fixture
def next_month_slot(slots_ahead, bathing) -> Slot:
    first_month = timezone.localdate(first_slot(bathing).starts_at).replace(day=1)
    following = (first_month + datetime.timedelta(days=32)).replace(day=1)
    return Slot.objects.filter(service=bathing, starts_at__date__gte=following).first()


def test_a_slot_next_month_is_quoted_and_booked_at_next_months_price(
    client, daughter, bathing, grandma_li, this_month_used_up, next_month_slot
):
    client.force_login(daughter)
    url = reverse("orders:book", args=[bathing.pk])
    page = client.get(url)
    form = page.context["form"]
    body = page.content.decode()
    # This month she pays the whole ¥75; next month ¥27 with ¥48 of subsidy.
    assert "¥75.00" in body and "¥27.00" in body
    response = client.post(
        url,
        {
            "slot": next_month_slot.pk,
            "care_recipient": grandma_li.pk,
            "submission": form.initial["submission"],
            "quoted": form.initial["quoted"],
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    order = Order.objects.get()
    assert (order.subsidy_fen, order.copay_fen) == (4800, 2700)
    assert order.subsidy_month == timezone.localdate(next_month_slot.starts_at).replace(day=1)


def test_the_price_quoted_for_this_month_still_guards_this_months_booking(
    client, daughter, bathing, grandma_li, this_month_used_up, next_month_slot
):
    client.force_login(daughter)
    url = reverse("orders:book", args=[bathing.pk])
    form = client.get(url).context["form"]
    quoted = json.loads(form.initial["quoted"])
    soonest = first_slot(bathing)
    its_month = f"{grandma_li.pk}:{timezone.localdate(soonest.starts_at):%Y-%m}"
    quoted[its_month] = 100  # the page showed a price that no longer holds
    response = client.post(
        url,
        {
            "slot": soonest.pk,
            "care_recipient": grandma_li.pk,
            "submission": form.initial["submission"],
            "quoted": json.dumps(quoted),
        },
    )
    assert response.status_code == 200 and not Order.objects.exists()
