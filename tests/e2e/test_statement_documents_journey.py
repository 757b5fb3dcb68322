"""The statement as a document, in a real browser: the officer opens an approved statement
(two visits billed, one excluded, a correction of the month before), records the payment,
corrects the payment record, downloads the PDF, and Chromium's own PDF viewer shows its first
page: number, parties, totals equal to the screen's."""

import io
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from statements import services
from tests.billing import conftest as billing_fixtures
from tests.conftest import PASSWORD
from tests.e2e.steps import give_authenticator, in_a_plain_thread, log_in_with_code
from tests.statements import conftest as statement_fixtures

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

bathing = billing_fixtures.bathing
bathing_slots = billing_fixtures.bathing_slots
bureau = billing_fixtures.bureau
grandma_eligible = billing_fixtures.grandma_eligible
programme = billing_fixtures.programme
month = statement_fixtures.month
with_everything = statement_fixtures.with_everything


@pytest.fixture
def approved(with_everything, district_officer):
    return services.approve_statement(statement=with_everything, by=district_officer)


def test_the_officer_pays_corrects_the_payment_and_reads_the_pdf(
    approved, district_officer, live_site, browser, new_page, screenshot, tmp_path
):
    today = f"{timezone.localdate():%Y-%m-%d}"
    secret = in_a_plain_thread(lambda: give_authenticator(district_officer))
    officer = new_page()
    log_in_with_code(officer, live_site, district_officer.email, PASSWORD, secret)
    officer.goto(live_site.url + f"/cms-admin/purchase/statements/{approved.pk}/")
    expect(officer.get_by_test_id("statement-number")).to_have_text(approved.number)
    payable = officer.get_by_test_id("payable").inner_text().strip()
    screenshot(officer, "01-approved-statement")

    officer.get_by_test_id("reference").fill("ZF-2026-0001")
    officer.get_by_test_id("paid-on").fill(today)
    officer.get_by_test_id("record-payment").click()
    expect(officer.get_by_test_id("statement-status")).to_have_text("已付款")
    officer.get_by_test_id("correct-payment-open").click()
    officer.get_by_test_id("correct-reference").fill("ZF-2026-0007")
    officer.get_by_test_id("correct-reason").fill("凭证号录错，以银行回单为准")
    officer.get_by_test_id("correct-payment").click()
    expect(officer.get_by_test_id("payment-reference")).to_have_text("ZF-2026-0007")
    expect(officer.get_by_test_id("payment-records")).to_contain_text(
        f"取代 {today} · ZF-2026-0001: 凭证号录错，以银行回单为准"
    )
    # The workspace scrolls inside its own frame: bring the history into the picture.
    officer.get_by_test_id("payment-records").scroll_into_view_if_needed()
    screenshot(officer, "02-payment-corrected")

    # The PDF is written by a task (immediate in tests); the page then links the file.
    officer.get_by_test_id("make-pdf").click()
    with officer.expect_download() as download:
        officer.get_by_test_id("download-pdf").click()
    document = tmp_path / f"{approved.number}.pdf"
    download.value.save_as(document)
    text = "".join(
        "".join(page.extract_text().replace("\x00", "").split())
        for page in PdfReader(io.BytesIO(document.read_bytes())).pages
    )
    assert approved.number in text
    assert f"应付:{payable}" in text, (payable, re.findall(r"应付:\S{0,12}", text))

    # Chromium renders a PDF opened from a file with its own viewer, also headless.
    viewer = browser.new_page(viewport={"width": 1400, "height": 1000})
    viewer.goto(document.as_uri() + "#view=FitH")
    viewer.wait_for_load_state("load")
    # The viewer draws the page after "load", with no event a page script could wait for.
    viewer.wait_for_timeout(2000)
    screenshot(viewer, "03-pdf-first-page")
    viewer.close()
