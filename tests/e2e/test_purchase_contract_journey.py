"""Purchase of service as a contract, connected, in a real browser (issue 17): the platform
admin creates a purchaser and appoints an officer; the officer contracts a provider's
bathing visit at a rate below its list price; a daughter applies for her mother and
community staff approve; she books two contracted visits, which are done and verified; the
officer issues the month's statement at the contracted rate and excludes one visit; the
provider's manager sees the statement and contests the exclusion; the officer upholds it,
records the payment and downloads the PDF, whose first page is rendered to an image beside
the screenshots.

Only what no screen does is set up in the database, as the separate journeys do: the
programme's terms, the mother's date of birth, and the provider's side of each visit
(accepting, assigning, checking in and out: test_booking_journey shows those screens),
with the visit moved to start now so that it can be checked in."""

import datetime
import io
import re

import pypdfium2
import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from accounts.models import Notification
from billing.models import Contract, Eligibility, Purchaser
from orders import services, visits
from orders.models import Order
from statements.models import LineContest, Statement
from statements.services import next_month
from tests.billing.conftest import make_programme
from tests.conftest import PASSWORD, make_user
from tests.e2e.conftest import OUTPUT
from tests.e2e.steps import (
    book_and_pay_co_payment,
    give_authenticator,
    in_a_plain_thread,
    log_in,
    log_in_with_code,
)
from tests.e2e.test_purchase_of_service_journey import bathing_soon as bathing_soon  # fixture
from tests.e2e.test_subsidy_application_journey import scan
from tests.orders.conftest import now_starting
from tests.providers.conftest import PDF_BYTES

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def the_provider_does_the_visit(code: str, manager, caregiver) -> None:
    """Accepted, assigned, checked in at its start and out at its end, through the services
    the provider console calls (off the browser's thread)."""
    order = Order.objects.get(code=code)
    services.accept_order(order=order, by=manager)
    services.assign_worker(order=order, by=manager, worker=caregiver.provider_memberships.get())
    order = now_starting(order)
    visits.check_in(order=order, by=caregiver)
    visits.check_out(order=order, by=caregiver, at=order.ends_at)


def pdf_first_page_as_png(document, picture) -> None:
    """The PDF's first page as a person's reader shows it, saved as an image."""
    pdf = pypdfium2.PdfDocument(str(document))
    try:
        pdf[0].render(scale=2).to_pil().save(picture)
    finally:
        pdf.close()


def test_a_purchaser_contracts_a_provider_and_pays_its_statement_after_a_contest(
    live_site,
    new_page,
    screenshot,
    request,
    tmp_path,
    platform_admin,
    pudong,
    bathing_soon,
    provider_a,
    provider_manager,
    caregiver,
    grandma_li,
    daughter,
    community_staff,
):
    shots = iter(range(1, 100))

    def shoot(page, name: str) -> None:
        screenshot(page, f"{next(shots):02d}-{name}")

    officer_account = make_user("zhou.officer@example.cn", "周科员")
    admin_secret, officer_secret, staff_secret = in_a_plain_thread(
        lambda: (
            give_authenticator(platform_admin),
            give_authenticator(officer_account),
            give_authenticator(community_staff),
        )
    )
    today = timezone.localdate()

    # The platform admin creates the purchaser and appoints the officer.
    admin = new_page()
    log_in_with_code(admin, live_site, platform_admin.email, PASSWORD, admin_secret)
    admin.goto(live_site.url + "/cms-admin/purchasers/")
    admin.fill("input[name=name_zh]", "浦东新区民政局")
    admin.fill("input[name=name_en]", "Pudong Civil Affairs")
    admin.select_option("select[name=region]", str(pudong.pk))
    shoot(admin, "admin-creates-the-purchaser")
    admin.get_by_test_id("create-purchaser").click()
    expect(admin).to_have_url(re.compile(r"/cms-admin/purchasers/\d+/$"))
    admin.fill("input[name=email]", officer_account.email)
    admin.get_by_test_id("appoint-officer").click()
    expect(admin.get_by_test_id("officers")).to_contain_text(officer_account.email)
    expect(admin.get_by_test_id("purchaser-history")).to_contain_text(
        f"任命 {officer_account.email} 为经办人"
    )
    shoot(admin, "admin-appoints-the-officer")

    # The programme's terms (its screen is tested in tests/cms); no provider contracted yet.
    purchaser = Purchaser.objects.get()
    grandma_li.birth_date = datetime.date(1941, 3, 8)
    grandma_li.save(update_fields=["birth_date"])
    programme = make_programme(
        purchaser,
        contracted=[],
        valid_from=datetime.date(2026, 1, 1),
        valid_until=datetime.date(2030, 12, 31),
    )

    # The officer contracts the provider's bathing visit at ¥50 (its list price is ¥75).
    officer = new_page()
    log_in_with_code(officer, live_site, officer_account.email, PASSWORD, officer_secret)
    officer.goto(live_site.url + f"/cms-admin/purchase/programmes/{programme.pk}/")
    expect(officer.get_by_test_id("programme-contracts")).to_contain_text("暂无")
    officer.get_by_test_id("contract-provider").click()
    officer.select_option("select[name=provider]", str(provider_a.pk))
    officer.fill("input[name=first_month]", f"{today:%Y-%m}")
    officer.fill("input[name=last_month]", "2027-12")
    line = officer.get_by_test_id("contract-line-0")
    line.locator("select[name=form-0-service]").select_option(str(bathing_soon.pk))
    line.locator("input[name=form-0-rate_fen]").fill("50.00")
    shoot(officer, "officer-contracts-the-provider-at-a-rate")
    officer.get_by_test_id("save-contract").click()
    expect(officer.get_by_test_id("contract-facts")).to_contain_text(provider_a.name)
    expect(officer.get_by_test_id("contract-history")).to_contain_text("¥50.00")
    shoot(officer, "the-contract")
    officer.goto(live_site.url + f"/cms-admin/purchase/programmes/{programme.pk}/")
    expect(officer.get_by_test_id("programme-contracts")).to_contain_text(provider_a.name)
    assert Contract.objects.get().items.get().rate_fen == 5000

    # The daughter applies for her mother; community staff approve.
    family = new_page()
    log_in(family, live_site, daughter.email, PASSWORD)
    family.goto(live_site.url + f"/me/care-recipients/{grandma_li.pk}/")
    family.get_by_test_id("apply").click()
    family.select_option("select[name=programme]", label="高龄助浴补贴")
    family.set_input_files("input[name=file]", scan("hukou.pdf"))
    family.fill("input[name=description]", "户口本")
    shoot(family, "family-applies")
    family.get_by_test_id("send-application").click()
    expect(family.get_by_test_id("application-status")).to_have_text("已提交，等待社区工作人员审核")

    staff = new_page()
    log_in_with_code(staff, live_site, community_staff.email, PASSWORD, staff_secret)
    staff.goto(live_site.url + "/cms-admin/")
    staff.get_by_test_id("waiting-panel").get_by_text("待审核的补贴申请").click()
    staff.get_by_test_id("application-queue").get_by_role("link", name="李秀兰").click()
    expect(staff.locator("main")).to_contain_text("hukou.pdf")
    staff.get_by_test_id("approve").click()
    expect(staff.get_by_test_id("application-status")).to_have_text("已通过")
    shoot(staff, "staff-approve")
    assert Eligibility.objects.get().programme == programme

    # She books two contracted visits and pays only her share of the contracted price.
    family.goto(live_site.url + f"/me/care-recipients/{grandma_li.pk}/")
    expect(family.get_by_test_id("coverage")).to_contain_text("高龄助浴补贴")
    family.goto(live_site.url + bathing_soon.get_absolute_url())
    expect(family.get_by_test_id("contracted-price")).to_contain_text("¥50.00")
    # ¥75 list, ¥50 contracted; the programme pays 80 % of ¥50.
    codes = [
        book_and_pay_co_payment(
            family,
            live_site,
            bathing_soon,
            "李秀兰",
            quote="李秀兰：标价 ¥75.00，合同价 ¥50.00，补贴 ¥40.00，自付 ¥10.00",
            pay="¥10.00",
            receipt="浦东新区民政局根据高龄助浴补贴支付 ¥40.00；您支付 ¥10.00。",
            shoot=(lambda page: shoot(page, "family-books-at-the-contracted-price"))
            if visit == 0
            else None,
        )
        for visit in range(2)
    ]
    shoot(family, "family-paid-the-co-payment")

    # Each visit is done; the daughter confirms it, which verifies it.
    for code in codes:
        in_a_plain_thread(
            lambda code=code: the_provider_does_the_visit(code, provider_manager, caregiver)
        )
        family.goto(live_site.url + f"/orders/{code}/")
        family.get_by_test_id("confirm").click()
        expect(family.locator("main")).to_contain_text("服务已核实")
    shoot(family, "family-confirmed-the-visit")

    # The officer issues the month's statement at the contracted rate, excludes one visit
    # and approves.
    officer.goto(live_site.url + f"/cms-admin/purchase/statements/?month={today:%Y-%m}")
    officer.get_by_test_id("open-statement").click()
    officer.get_by_test_id("issue").click()
    expect(officer.get_by_test_id("statement-status")).to_have_text("已出具")
    expect(officer.get_by_test_id("payable")).to_have_text("¥80.00")
    shoot(officer, "officer-issued-the-statement")
    officer.get_by_test_id("review").click()
    excluded = officer.get_by_test_id(f"line-{codes[1]}")
    excluded.locator("select[name=reason]").select_option("evidence_missing")
    excluded.locator("input[name=note]").fill("缺少服务照片")
    excluded.get_by_test_id("exclude").click()
    expect(officer.get_by_test_id("payable")).to_have_text("¥40.00")
    officer.get_by_test_id("approve-statement").click()
    expect(officer.get_by_test_id("statement-status")).to_have_text("已通过")
    shoot(officer, "officer-approved-with-one-line-excluded")
    statement = Statement.objects.get()
    assert [line.subsidy_fen for line in statement.lines.order_by("order_code")] == [4000, 4000]

    # The provider's manager finds the statement and contests the exclusion.
    sheet = tmp_path / "服务单.pdf"
    sheet.write_bytes(PDF_BYTES)
    provider = new_page()
    log_in(provider, live_site, provider_manager.email, PASSWORD)
    provider.goto(live_site.url + f"/provider/{provider_a.pk}/")
    provider.get_by_test_id("provider-statements").click()
    provider.get_by_test_id(f"statement-{today:%Y-%m}").click()
    expect(provider.get_by_test_id("statement-status")).to_have_text("已通过")
    expect(provider.get_by_test_id("payable")).to_have_text("¥40.00")
    provider_line = provider.get_by_test_id(f"line-{codes[1]}")
    expect(provider_line).to_contain_text("缺少服务照片")
    shoot(provider, "provider-sees-the-statement")
    provider_line.get_by_test_id("contest-open").click()
    provider_line.locator("textarea[name=reason]").fill("服务单有老人签字，照片当天已上传到订单")
    provider_line.locator("input[name=evidence]").set_input_files(str(sheet))
    shoot(provider, "provider-contests-the-exclusion")
    provider_line.get_by_test_id("contest-send").click()
    expect(provider_line.get_by_test_id("contest-status")).to_contain_text("等待购买方处理")

    # The officer upholds the contest: the line is paid on the next month's statement.
    officer.goto(live_site.url + "/cms-admin/contests/")
    officer.get_by_test_id(f"contest-{codes[1]}").get_by_role("link", name=codes[1]).click()
    expect(officer.get_by_test_id("contest-reason")).to_contain_text("服务单有老人签字")
    expect(officer.get_by_test_id("evidence")).to_have_text("服务单.pdf")
    officer.get_by_label("支持申诉：在下一张结算单中支付该明细").check()
    officer.locator("textarea[name=answer]").fill("签字服务单可以证明服务已完成，照付")
    shoot(officer, "officer-resolves-the-contest")
    officer.get_by_test_id("resolve").click()
    expect(officer.get_by_test_id("contest-status")).to_have_text("已支持：计入之后的结算单")

    # ... records the payment of this month's statement, and downloads its PDF.
    officer.goto(live_site.url + f"/cms-admin/purchase/statements/{statement.pk}/")
    officer.get_by_test_id("reference").fill("ZF-2026-0001")
    officer.get_by_test_id("paid-on").fill(today.isoformat())
    officer.get_by_test_id("record-payment").click()
    expect(officer.get_by_test_id("statement-status")).to_have_text("已付款")
    shoot(officer, "officer-recorded-the-payment")
    # The PDF is written by a task (immediate in tests); the page then links the file.
    officer.get_by_test_id("make-pdf").click()
    with officer.expect_download() as download:
        officer.get_by_test_id("download-pdf").click()
    document = tmp_path / f"{statement.number}.pdf"
    download.value.save_as(document)
    pdf_first_page_as_png(
        document, OUTPUT / request.node.name / f"{next(shots):02d}-statement-pdf-page-1.png"
    )
    text = "".join(
        "".join(page.extract_text().replace("\x00", "").split())
        for page in PdfReader(io.BytesIO(document.read_bytes())).pages
    )
    assert statement.number in text
    assert "应付:¥40.00" in text, text

    # The provider sees the payment and the decision on the contested line.
    provider.reload()
    expect(provider.get_by_test_id("statement-status")).to_have_text("已付款")
    expect(provider.get_by_test_id("payment-reference")).to_have_text("ZF-2026-0001")
    expect(provider_line.get_by_test_id("contest-status")).to_contain_text(
        f"¥40.00 计入 {next_month(statement.month):%Y-%m} 的结算单"
    )
    shoot(provider, "provider-sees-the-payment-and-the-decision")

    contest = LineContest.objects.get()
    assert (contest.adjustment.amount_fen, contest.adjustment.statement.month) == (
        4000,
        next_month(statement.month),
    )
    told = Notification.objects.filter(kind="statement")
    assert told.filter(user=officer_account).count() == 1  # the contest
    assert told.filter(user=provider_manager).count() == 3  # approval, decision, payment
