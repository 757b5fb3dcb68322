"""Issue 20, point 3, at phone width: a daughter's orders in tabs, the pay button of the
order waiting for payment, and the receipt of a confirmed one as a page and as a PDF
(rendered to PNG with pypdfium2 for the screenshots). Normal and elder mode; desktop once."""

import datetime
import re

import pypdfium2
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from marketplace.models import Slot
from marketplace.slots import materialise_slots
from orders.models import Order
from tests.conftest import PASSWORD
from tests.e2e.conftest import OUTPUT
from tests.e2e.steps import log_in
from tests.marketplace.conftest import publish
from tests.orders.conftest import book, put_in

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.browser,
]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def slot(provider_a) -> Slot:
    service = publish(provider_a, title_zh="家庭保洁", price_fen=12000, duration_minutes=60)
    day = timezone.localdate() + datetime.timedelta(days=2)
    materialise_slots(service, start=day, days=1)
    return Slot.objects.filter(service=service).order_by("starts_at").first()


def test_tabs_pay_button_and_receipt_at_phone_width(
    request, live_site, new_page, screenshot, daughter, slot, grandma_li
):
    Slot.objects.filter(pk=slot.pk).update(capacity=10)
    waiting = book(daughter, slot, grandma_li)
    confirmed = put_in(book(daughter, slot, grandma_li), Order.Status.CONFIRMED)
    page = new_page()
    page.set_viewport_size(PHONE)
    log_in(page, live_site, daughter.email, PASSWORD)

    for elder in (False, True):
        daughter.elder_mode = elder
        daughter.save(update_fields=["elder_mode"])
        mode = "elder" if elder else "normal"
        page.goto(live_site.url + "/orders/")
        expect(page.get_by_test_id("tab-to_pay")).to_contain_text("1")
        expect(page.get_by_test_id(f"pay-{waiting.code}")).to_be_visible()
        screenshot(page, f"01-to-pay-phone-{mode}")
        page.get_by_test_id("tab-upcoming").click()
        expect(page).to_have_url(re.compile(r"\?tab=upcoming$"))
        expect(page.locator(".order-list")).to_contain_text(confirmed.title_for_reader)
        screenshot(page, f"02-upcoming-phone-{mode}")
        page.goto(live_site.url + f"/orders/{confirmed.code}/receipt/")
        expect(page.get_by_test_id("receipt-page")).to_contain_text(confirmed.code)
        no_sideways = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert no_sideways
        screenshot(page, f"03-receipt-phone-{mode}")

    page.set_viewport_size({"width": 1024, "height": 800})
    screenshot(page, "04-receipt-desktop-elder")
    page.goto(live_site.url + "/orders/")
    page.get_by_test_id(f"pay-{waiting.code}").click()
    expect(page).to_have_url(re.compile(rf"/orders/{waiting.code}/pay/$"))

    answer = page.request.get(live_site.url + f"/orders/{confirmed.code}/receipt.pdf")
    assert answer.ok and answer.headers["content-type"] == "application/pdf"
    document = pypdfium2.PdfDocument(answer.body())
    text = document[0].get_textpage().get_text_range()
    assert confirmed.code in text and "订单号" in text
    folder = OUTPUT / request.node.name  # where the screenshot fixture saves
    document[0].render(scale=2).to_pil().save(folder / "05-receipt-pdf.png")
