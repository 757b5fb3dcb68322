"""Purchase of service in a real browser: staff record an old lady's eligibility; her
daughter books two subsidised bathing visits and pays only the co-payment; the visits are
verified; the officer issues the month's statement, excludes one line with a reason,
approves, records the payment and downloads the XLSX."""

import datetime
import io
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from marketplace.models import Slot
from orders import services, visits
from orders.models import Order
from tests.billing.conftest import make_programme
from tests.conftest import PASSWORD
from tests.e2e.steps import (
    book_and_pay_co_payment,
    give_authenticator,
    in_a_plain_thread,
    log_in,
    log_in_with_code,
)
from tests.marketplace.conftest import publish
from tests.orders.conftest import now_starting

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def bathing_soon(provider_a):
    service = publish(
        provider_a,
        title_zh="上门助浴",
        title_en="Bathing at home",
        category="bathing",
        price_fen=7500,
        funding_mode="welfare",
        hours=[],
    )
    start = (timezone.now() + datetime.timedelta(minutes=30)).replace(second=0, microsecond=0)
    for offset in (0, 2):
        begins = start + datetime.timedelta(hours=offset)
        Slot.objects.create(
            service=service,
            starts_at=begins,
            ends_at=begins + datetime.timedelta(minutes=90),
            capacity=1,
        )
    return service


def test_eligibility_booking_verification_and_the_monthly_statement(
    live_site,
    new_page,
    screenshot,
    bureau,
    bathing_soon,
    grandma_li,
    daughter,
    community_staff,
    district_officer,
    provider_manager,
    caregiver,
):
    make_programme(
        bureau, valid_from=datetime.date(2026, 1, 1), valid_until=datetime.date(2030, 12, 31)
    )

    staff = new_page()
    log_in_with_code(
        staff, live_site, community_staff.email, PASSWORD, give_authenticator(community_staff)
    )
    staff.goto(live_site.url + f"/cms-admin/eligibility/{grandma_li.pk}/")
    staff.fill("input[name=facts-birth_date]", "1941-03-08")
    staff.get_by_role("button", name="保存").click()
    staff.select_option("select[name=programme]", label="高龄助浴补贴")
    staff.fill("input[name=valid_from]", "2026-01-01")
    staff.fill("input[name=valid_until]", "2027-12-31")
    staff.get_by_test_id("record-eligibility").click()
    expect(staff.locator("body")).to_contain_text("资格认定已登记")
    screenshot(staff, "01-eligibility")

    family = new_page()
    log_in(family, live_site, daughter.email, PASSWORD)
    codes = [
        book_and_pay_co_payment(
            family,
            live_site,
            bathing_soon,
            "李秀兰",
            quote="李秀兰：支付 ¥27.00（补贴 ¥48.00）",
            pay="¥27.00",
            receipt="浦东新区民政局根据高龄助浴补贴支付 ¥48.00；您支付 ¥27.00。",
            shoot=(lambda page: screenshot(page, "02-book-with-subsidy")) if visit == 0 else None,
        )
        for visit in range(2)
    ]
    screenshot(family, "03-paid-copayment")

    member = caregiver.provider_memberships.get()

    def provider_does_the_visit(code):
        # The provider's side is the booking journey's (test_booking_journey); here it runs
        # through the same services, off the browser's thread.
        order = Order.objects.get(code=code)
        services.accept_order(order=order, by=provider_manager)
        services.assign_worker(order=order, by=provider_manager, worker=member)
        order = now_starting(order)
        visits.check_in(order=order, by=caregiver)
        visits.check_out(order=order, by=caregiver, at=order.ends_at)

    for code in codes:
        in_a_plain_thread(lambda code=code: provider_does_the_visit(code))
        family.goto(live_site.url + f"/orders/{code}/")
        family.get_by_test_id("confirm").click()
        expect(family.locator("main")).to_contain_text("服务已核实")

    officer = new_page()
    log_in_with_code(
        officer, live_site, district_officer.email, PASSWORD, give_authenticator(district_officer)
    )
    month = timezone.localdate().strftime("%Y-%m")
    officer.goto(live_site.url + f"/cms-admin/purchase/statements/?month={month}")
    officer.get_by_test_id("open-statement").click()
    screenshot(officer, "04-draft")
    officer.get_by_test_id("issue").click()
    expect(officer.get_by_test_id("statement-status")).to_have_text("已出具")
    officer.get_by_test_id("review").click()
    excluded = officer.get_by_test_id(f"line-{codes[1]}")
    excluded.locator("select[name=reason]").select_option("evidence_missing")
    excluded.locator("input[name=note]").fill("缺少服务照片")
    excluded.get_by_test_id("exclude").click()
    expect(officer.get_by_test_id("payable")).to_have_text("¥48.00")
    officer.get_by_test_id("approve-statement").click()
    expect(officer.get_by_test_id("statement-status")).to_have_text("已通过")
    officer.get_by_test_id("reference").fill("ZF-2026-0001")
    officer.get_by_test_id("paid-on").fill(timezone.localdate().isoformat())
    officer.get_by_test_id("record-payment").click()
    expect(officer.get_by_test_id("statement-status")).to_have_text("已付款")
    screenshot(officer, "05-paid-statement")

    with officer.expect_download() as download_info:
        officer.get_by_test_id("download-xlsx").click()
    workbook = load_workbook(io.BytesIO(Path(download_info.value.path()).read_bytes()))
    rows = [list(row) for row in workbook.active.iter_rows(values_only=True)]
    # Money is a number in the yuan format (decision 0036), so a spreadsheet adds it up.
    assert ["应付", 48] in [row[:2] for row in rows]
    assert set(codes) <= {row[0] for row in rows}
