"""Decision 0029: a daughter saves a card for her mother's care plan in the browser, with
Stripe.js's Payment Element (the fake server's stand-in) confirming a SetupIntent: a refused
card is told in the page's language and she stays on the page; the next card is saved and
shown as brand and last four digits; she removes it."""

import re

import pytest
from playwright.sync_api import expect

from orders.models import SavedCard
from tests.conftest import PASSWORD
from tests.e2e.steps import log_in, type_card

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_refused_card_then_another_is_saved_and_removed(
    live_site, new_page, screenshot, daughter
):
    family = new_page(locale="zh-CN")
    log_in(family, live_site, daughter.email, PASSWORD)
    family.goto(live_site.url + "/cards/")
    family.get_by_test_id("save-card").click()
    expect(family).to_have_url(re.compile(r"/cards/\d+/$"))

    type_card(family, "4000000000000002")
    family.get_by_test_id("save").click()
    expect(family.get_by_test_id("payment-error")).to_have_text(
        "您的银行卡被拒绝了。请换一张卡，或换一种付款方式。"
    )
    screenshot(family, "01-card-refused")

    type_card(family, "4242424242424242")
    family.get_by_test_id("save").click()
    expect(family).to_have_url(re.compile(r"/cards/$"))
    expect(family.get_by_test_id("saved-card")).to_contain_text("4242")
    screenshot(family, "02-card-saved")
    assert SavedCard.objects.get(user=daughter, status=SavedCard.Status.ACTIVE).last4 == "4242"

    family.get_by_test_id("remove-card").click()
    expect(family.locator("main")).to_contain_text("没有保存银行卡")
