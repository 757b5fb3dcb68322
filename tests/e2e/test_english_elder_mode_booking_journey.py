"""Journey (b) again, the way a daughter who reads English and prefers big type would take
it: in English and elder mode she books a subsidised bathing visit for her mother, pays the
co-payment by card and watches the provider confirm it without reloading; every page holds
together in elder mode."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from orders import services
from orders.models import Order
from tests.billing.conftest import make_eligible, make_programme
from tests.conftest import PASSWORD
from tests.e2e.layout import layout_problems
from tests.e2e.steps import in_a_plain_thread, log_in, type_card
from tests.e2e.test_purchase_of_service_journey import bathing_soon as bathing_soon  # fixture

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_subsidised_booking_in_english_and_elder_mode_confirmed_live(
    live_site, new_page, screenshot, bureau, bathing_soon, grandma_li, daughter, provider_manager
):
    grandma_li.birth_date = datetime.date(1941, 3, 8)  # 85: old enough for the programme
    grandma_li.save(update_fields=["birth_date"])
    make_eligible(grandma_li, make_programme(bureau))

    family = new_page(locale="en-GB")
    log_in(family, live_site, daughter.email, PASSWORD)
    family.goto(live_site.url + "/services/")
    family.get_by_test_id("language-en").click()
    family.get_by_test_id("elder-mode").click()
    expect(family.locator("html")).to_have_class("elder")

    family.goto(live_site.url + bathing_soon.get_absolute_url())
    expect(family.locator("h1")).to_contain_text("Bathing at home")
    screenshot(family, "01-service")
    assert layout_problems(family) == []

    family.goto(live_site.url + f"/services/{bathing_soon.pk}/book/")
    expect(family.locator("form.booking-form")).to_contain_text(
        "李秀兰: pays ¥27.00 (subsidy ¥48.00)"
    )
    family.locator("input[name=slot]").first.check()
    family.get_by_label(re.compile("李秀兰")).check()
    screenshot(family, "02-book")
    assert layout_problems(family) == []
    family.get_by_test_id("book").click()

    expect(family.get_by_test_id("pay")).to_contain_text("¥27.00")
    type_card(family, "4242424242424242")
    screenshot(family, "03-pay")
    family.get_by_test_id("pay").click()
    expect(family.get_by_test_id("order-status")).to_have_text("Requested")
    expect(family.locator("h1")).to_have_text("Bathing at home")
    expect(family.get_by_test_id("receipt")).to_contain_text(
        "Pudong Civil Affairs pays ¥48.00 under Bathing help for the very old; you pay ¥27.00."
    )
    expect(family.locator("html[data-live-socket=open]")).to_have_count(1)
    screenshot(family, "04-requested")
    assert layout_problems(family) == []
    family.evaluate("window.sameVisit = true")

    code = family.locator(".order-code").first.inner_text().strip()
    in_a_plain_thread(
        lambda: services.accept_order(order=Order.objects.get(code=code), by=provider_manager)
    )

    expect(family.get_by_test_id("order-status")).to_have_text("Confirmed", timeout=10_000)
    assert family.evaluate("window.sameVisit === true")
    expect(family.locator("html")).to_have_class("elder")
    screenshot(family, "05-confirmed-live")
    order = Order.objects.get(code=code)
    assert (order.status, order.copay_fen, order.subsidy_fen) == ("confirmed", 2700, 4800)
