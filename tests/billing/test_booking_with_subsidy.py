"""Booking reserves the monthly cap and the budget with the order, and gives them back
when the visit does not happen."""

import datetime

import pytest
from django.urls import reverse

from accounts import services as account_services
from billing import services as billing_services
from billing.models import MonthlyUsage, Programme
from orders import services
from orders.exceptions import OrdersError
from orders.models import Order
from tests.orders.conftest import book, put_in

pytestmark = pytest.mark.django_db


def usage(recipient, programme):
    row = MonthlyUsage.objects.filter(care_recipient=recipient, programme=programme).first()
    return (row.used_fen, row.used_minutes) if row else (0, 0)


def test_the_split_is_frozen_on_the_order_and_reserved(
    daughter, bathing_slots, grandma_li, grandma_eligible, programme
):
    order = book(daughter, bathing_slots[0], grandma_li)

    assert (order.list_price_fen, order.subsidy_fen, order.copay_fen) == (7500, 4800, 2700)
    assert order.programme == programme
    assert order.payment.amount_fen == 2700
    assert usage(grandma_li, programme) == (4800, 90)
    programme.refresh_from_db()
    assert programme.reserved_fen == 4800


def test_the_second_visit_of_the_month_meets_the_monthly_cap(
    daughter, bathing_slots, grandma_li, grandma_eligible, programme
):
    orders = [book(daughter, slot, grandma_li) for slot in bathing_slots[:3]]
    assert [o.subsidy_fen for o in orders] == [4800, 4800, 2400]
    assert usage(grandma_li, programme) == (12000, 270)


@pytest.mark.parametrize("ending", ["cancel", "decline", "expire", "no_show"])
def test_a_visit_that_does_not_happen_gives_cap_and_budget_back(
    cast, bathing_slots, grandma_li, grandma_eligible, programme, ending
):
    order = put_in(
        book(cast["daughter"], bathing_slots[0], grandma_li),
        Order.Status.REQUESTED if ending in {"decline", "expire"} else Order.Status.CONFIRMED,
    )
    if ending == "cancel":
        services.cancel_order(order=order, by=cast["daughter"])
    elif ending == "decline":
        services.decline_order(order=order, by=cast["provider_manager"])
    elif ending == "expire":
        services.expire_overdue(now=order.expires_at + datetime.timedelta(minutes=1))
    else:
        Order.objects.filter(pk=order.pk).update(
            starts_at=order.starts_at - datetime.timedelta(days=5)
        )
        order.refresh_from_db()
        services.report_no_show(order=order, by=cast["daughter"])

    assert usage(grandma_li, programme) == (0, 0)
    programme.refresh_from_db()
    assert programme.reserved_fen == 0


def test_a_changed_subsidy_stops_the_booking_and_says_the_new_price(
    daughter, bathing_slots, grandma_li, grandma_eligible, programme
):
    Programme.objects.filter(pk=programme.pk).update(budget_fen=1000)
    with pytest.raises(OrdersError) as error:
        book(daughter, bathing_slots[0], grandma_li, expected_copay_fen=2700)
    assert "¥65.00" in str(error.value.message)
    assert not Order.objects.exists()


def test_the_receipt_explains_the_split_in_words(
    client, daughter, bathing_slots, grandma_li, grandma_eligible
):
    order = book(daughter, bathing_slots[0], grandma_li)
    client.force_login(daughter)
    page = client.get(reverse("orders:detail", args=[order.code])).content.decode()
    assert "浦东新区民政局根据高龄助浴补贴支付 ¥48.00；您支付 ¥27.00。" in page


def test_the_booking_page_shows_each_persons_price(
    client, daughter, bathing, bathing_slots, grandma_li, grandma_eligible
):
    client.force_login(daughter)
    page = client.get(reverse("orders:book", args=[bathing.pk])).content.decode()
    assert "李秀兰：支付 ¥27.00（补贴 ¥48.00）" in page


def test_staff_book_for_someone_without_an_account(
    community_staff, bathing_slots, grandma_eligible, programme
):
    neighbour = account_services.register_care_recipient_for_assistance(
        by=community_staff,
        name="张阿婆",
        community=grandma_eligible.care_recipient.community,
        address="潍坊路 200 弄",
        birth_date=datetime.date(1938, 5, 1),
        living_alone=True,
    )
    billing_services.record_eligibility(
        care_recipient=neighbour,
        programme=programme,
        by=community_staff,
        valid_from=datetime.date(2026, 1, 1),
        valid_until=datetime.date(2027, 12, 31),
    )
    order = book(community_staff, bathing_slots[0], neighbour)

    assert order.assisted_by == community_staff
    assert order.copay_offline
    assert order.status == Order.Status.REQUESTED  # the 27 yuan are paid at the door
    assert "社区工作人员" in order.events.get().reason and "张阿婆" in order.events.get().reason


def test_the_service_page_says_what_eligible_people_pay_from(client, bathing, programme):
    page = client.get(bathing.get_absolute_url()).content.decode()
    # ¥75.00, 80% of the ¥60.00 cap is paid: eligible people pay from ¥27.00.
    assert "符合条件的服务对象最低只需支付 ¥27.00" in page
