"""A canteen's roll call in a real browser (issue 16, point 6): the canteen's manager opens
today's lunch sitting from the provider's page, marks one person present and one absent
with large buttons and saves once; the page then shows what was recorded, and the family's
order page says the meal was had at the canteen (decision 0028)."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import CareRecipient
from orders.models import Order
from tests.conftest import PASSWORD
from tests.e2e.steps import in_a_plain_thread, log_in
from tests.orders.canteen import LUNCH, canteen_meal, lunch_slot, make_canteen
from tests.orders.conftest import book, put_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def todays_lunch(provider, community, daughter, staff, grandma) -> list[Order]:
    """Fixture data: two people booked and accepted for today's 11:30 sitting, which has
    begun (the suite runs in the afternoon or just before midnight)."""
    meal = canteen_meal(provider, make_canteen(provider, community))
    neighbour = CareRecipient.objects.create(
        name="王大爷", community=community, address="潍坊二村5号101室", created_by=daughter
    )
    today = lunch_slot(meal, timezone.localdate())
    tomorrow = lunch_slot(meal, timezone.localdate() + datetime.timedelta(days=1))
    orders = []
    for person in (grandma, neighbour):
        order = put_in(book(staff, tomorrow, person), Order.Status.CONFIRMED, paid=False)
        # Booked this morning, for today's sitting (a booking made now is for a time to come).
        Order.objects.filter(pk=order.pk).update(
            slot=today, starts_at=today.starts_at, ends_at=today.ends_at
        )
        order.refresh_from_db()
        orders.append(order)
    assert timezone.now() > today.starts_at
    return orders


def test_the_canteen_manager_takes_todays_lunch_roll_call(
    live_site,
    new_page,
    screenshot,
    provider_a,
    provider_manager,
    weifang_1,
    daughter,
    grandma_li,
    community_staff,
):
    grandma, neighbour = in_a_plain_thread(
        lambda: todays_lunch(provider_a, weifang_1, daughter, community_staff, grandma_li)
    )

    page = new_page()
    log_in(page, live_site, provider_manager.email, PASSWORD)
    page.goto(f"{live_site.url}/provider/{provider_a.pk}/")
    page.get_by_test_id("provider-roll-calls").click()
    expect(page.get_by_test_id("venues")).to_contain_text("幸福食堂")
    screenshot(page, "01-venues-with-todays-sittings")
    page.get_by_test_id(f"sitting-{LUNCH:%H%M}").first.click()

    form = page.get_by_test_id("roll-call")
    expect(form).to_contain_text("李秀兰")
    expect(form).to_contain_text("王大爷")
    present = page.get_by_test_id(f"present-{grandma.pk}")
    box = page.locator("label.choice").first.bounding_box()
    assert box is not None and box["height"] >= 44  # a large target, not a bare radio
    page.locator(f"label:has([data-testid='present-{grandma.pk}'])").click()
    page.locator(f"label:has([data-testid='absent-{neighbour.pk}'])").click()
    expect(present).to_be_checked()
    screenshot(page, "02-marked")
    page.get_by_test_id("save-roll-call").click()

    expect(page.locator("body")).to_contain_text("点名已保存：到场 1 人，未到 1 人，未变 0 人。")
    expect(page.get_by_test_id(f"mark-{neighbour.pk}")).to_contain_text("没来")
    # Present stays open to a correction until the order closes.
    expect(page.get_by_test_id(f"present-{grandma.pk}")).to_be_checked()
    screenshot(page, "03-saved")

    family = new_page()
    log_in(family, live_site, daughter.email, PASSWORD)
    family.goto(live_site.url + grandma.get_absolute_url())
    expect(family.get_by_test_id("order-venue")).to_contain_text("幸福食堂")
    expect(family.get_by_test_id("order-status")).to_have_text("已完成")
    screenshot(family, "04-family-sees-the-meal-at-the-canteen")

    statuses = in_a_plain_thread(
        lambda: [Order.objects.get(pk=o.pk).status for o in (grandma, neighbour)]
    )
    assert statuses == [Order.Status.COMPLETED, Order.Status.NO_SHOW]
