"""A daughter books a visit for her mother and pays by card on the fake Stripe server; the
provider accepts in another browser and her page changes by itself; the worker checks in
with the code from the card at home and out; the daughter confirms."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from marketplace.models import Slot
from orders.models import Order, VisitRecord
from tests.conftest import PASSWORD
from tests.e2e.steps import log_in, type_card
from tests.marketplace.conftest import publish

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def soon(provider_a):
    """A cleaning service with a free time starting in half an hour, and one the day after."""
    service = publish(provider_a, title_zh="家庭深度保洁服务", price_fen=12000, hours=[])
    start = (timezone.now() + datetime.timedelta(minutes=30)).replace(second=0, microsecond=0)
    for begins in (start, start + datetime.timedelta(days=1)):
        Slot.objects.create(
            service=service,
            starts_at=begins,
            ends_at=begins + datetime.timedelta(hours=1),
            capacity=2,
        )
    return service


def test_book_pay_accept_live_check_in_with_code_check_out_and_confirm(
    live_site, new_page, screenshot, soon, daughter, grandma_li, provider_manager, caregiver
):
    family = new_page()
    log_in(family, live_site, daughter.email, PASSWORD)

    family.goto(live_site.url + f"/care-recipients/{grandma_li.pk}/visit-card/")
    family.get_by_test_id("new-card").click()
    first_code = family.locator("[data-testid=visit-codes] td.code").first.inner_text().strip()
    screenshot(family, "01-visit-card")

    family.goto(live_site.url + soon.get_absolute_url())
    family.get_by_test_id("book-service").click()
    # The booking page on her phone: a strip of days, the day's times as chips, her mother
    # preselected, the price beside the book button.
    family.set_viewport_size({"width": 390, "height": 844})
    tomorrow = timezone.localdate(timezone.now() + datetime.timedelta(days=1))
    family.locator(f"[data-testid=day-strip] a[data-day='{tomorrow:%Y-%m-%d}']").click()
    expect(family.locator("input[name=slot]")).to_have_count(1)
    family.locator("[data-testid=day-strip] a").first.click()
    family.locator("input[name=slot]").first.check()
    expect(family.get_by_label("李秀兰")).to_be_checked()
    expect(family.get_by_test_id("you-pay")).to_have_text("¥120.00")
    expect(family.get_by_test_id("book")).to_be_in_viewport()  # the sticky bar
    family.fill("textarea[name=notes]", "门口有台阶，请注意")
    screenshot(family, "02-book-phone")
    family.set_viewport_size({"width": 1024, "height": 800})
    screenshot(family, "02-book")
    family.get_by_test_id("book").click()

    expect(family).to_have_url(re.compile(r"/pay/$"))
    type_card(family, "4242424242424242")
    screenshot(family, "03-pay")
    family.get_by_test_id("pay").click()
    expect(family.get_by_test_id("order-status")).to_have_text("待接单")
    code = family.locator(".order-code").first.inner_text().strip()
    screenshot(family, "04-requested")

    provider = new_page()
    log_in(provider, live_site, provider_manager.email, PASSWORD)
    provider.goto(live_site.url + f"/orders/{code}/")
    provider.get_by_test_id("accept").click()
    expect(provider.get_by_test_id("order-status")).to_have_text("已确认")
    member = caregiver.provider_memberships.get()
    provider.select_option("select[name=worker]", value=str(member.pk))
    provider.get_by_test_id("assign").click()
    expect(provider.locator(".messages")).to_contain_text("已通知服务人员")

    # The family's page changed by itself: no reload since the order was requested.
    expect(family.get_by_test_id("order-status")).to_have_text("已确认", timeout=10_000)
    screenshot(family, "05-confirmed-live")

    worker = new_page()
    log_in(worker, live_site, caregiver.email, PASSWORD)
    worker.goto(live_site.url + "/visits/")
    worker.get_by_role("link", name=re.compile("家庭深度保洁服务")).click()
    worker.fill("input[name=visit_code]", first_code)
    screenshot(worker, "06-check-in")
    worker.get_by_test_id("check-in").click()
    expect(worker.get_by_test_id("order-status")).to_have_text("服务中")
    # The carer stays 45 of the booked 60 minutes, having arrived 5 minutes after the start:
    # a visit inside the limits (a 0-minute one would wait for staff, issue 19).
    stayed(code, minutes=45, arrived_late=5)
    worker.get_by_test_id("check-out").click()
    expect(worker.get_by_test_id("order-status")).to_have_text("已完成")

    expect(family.get_by_test_id("order-status")).to_have_text("已完成", timeout=10_000)
    family.get_by_test_id("confirm").click()
    expect(family.get_by_test_id("order-status")).to_have_text("已完结")
    expect(family.get_by_test_id("visit-records")).to_contain_text("家中卡片上的验证码")
    expect(family.locator("main")).to_contain_text("服务已核实")
    screenshot(family, "07-closed")


def stayed(code: str, *, minutes: int, arrived_late: int) -> None:
    """Time passing during the visit, without waiting for it: the booked times and the
    check-in are moved back so that checking out now makes a visit of `minutes`."""
    order = Order.objects.get(code=code)
    now = timezone.now()
    checked_in = now - datetime.timedelta(minutes=minutes)
    start = checked_in - datetime.timedelta(minutes=arrived_late)
    Order.objects.filter(pk=order.pk).update(
        starts_at=start, ends_at=start + (order.ends_at - order.starts_at)
    )
    VisitRecord.objects.filter(order=order, kind=VisitRecord.Kind.CHECK_IN).update(at=checked_in)
