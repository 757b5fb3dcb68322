"""A visit outside the limits in a real browser (issue 19, 2): the carer checks out ten
minutes into an hour's cleaning; the family sees the real times and that the visit waits for
review; community staff find it under "Visits to review", confirm it with a reason, and the
family's page then says the visit is verified."""

import datetime

import pytest
from playwright.sync_api import expect

from orders import services, visits
from orders.models import Order
from tests.conftest import PASSWORD
from tests.e2e.steps import give_authenticator, in_a_plain_thread, log_in, log_in_with_code
from tests.orders.conftest import book, now_starting, put_in
from tests.orders.conftest import cleaning as cleaning  # fixture
from tests.orders.conftest import slot as slot  # fixture

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def short_visit(daughter, caregiver, slot, grandma_li) -> Order:
    order = put_in(
        book(daughter, slot, grandma_li),
        Order.Status.CONFIRMED,
        worker=caregiver.provider_memberships.get(),
    )
    order = now_starting(order)
    visits.check_in(order=order, by=caregiver, at=order.starts_at)
    visits.check_out(order=order, by=caregiver, at=order.starts_at + datetime.timedelta(minutes=10))
    services.confirm_completion(order=order, by=daughter)
    order.refresh_from_db()
    return order


def test_staff_confirm_a_visit_that_was_too_short(
    live_site, new_page, screenshot, daughter, caregiver, slot, grandma_li, community_staff
):
    order = in_a_plain_thread(lambda: short_visit(daughter, caregiver, slot, grandma_li))

    family = new_page()
    log_in(family, live_site, daughter.email, PASSWORD)
    family.goto(live_site.url + order.get_absolute_url())
    expect(family.get_by_test_id("visit-times")).to_contain_text("实际服务 10 分钟（预约 60 分钟）")
    expect(family.get_by_test_id("visit-review")).to_contain_text("待核查")
    screenshot(family, "01-family-sees-the-real-times")

    staff = new_page()
    log_in_with_code(
        staff, live_site, community_staff.email, PASSWORD, give_authenticator(community_staff)
    )
    staff.goto(live_site.url + "/cms-admin/visit_reviews/")
    item = staff.get_by_test_id("visit-to-review")
    expect(item).to_contain_text(order.code)
    expect(item.get_by_test_id("findings")).to_contain_text("实际服务 10 分钟，预约 60 分钟")
    item.locator("textarea").fill("老人身体不适，要求提前结束；已电话核实")
    screenshot(staff, "02-staff-review")
    item.get_by_test_id("confirm-visit").click()
    expect(staff.locator("body")).to_contain_text("已确认这次服务，可以结算")
    expect(staff.locator("body")).to_contain_text("没有待核查的服务")

    family.goto(live_site.url + order.get_absolute_url())
    expect(family.locator("main")).to_contain_text("服务已核实")
    expect(family.get_by_test_id("visit-review")).to_contain_text("老人身体不适")
    screenshot(family, "03-verified")
