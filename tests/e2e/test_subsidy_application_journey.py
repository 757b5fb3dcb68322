"""Applying for a subsidy in a real browser (decision 0034): a daughter applies for her
mother with a scan; community staff ask for more; she adds the 低保 certificate and sends
it back; staff approve, and her mother is covered."""

import datetime

import pytest
from playwright.sync_api import expect

from tests.billing.conftest import make_programme
from tests.conftest import PASSWORD
from tests.e2e.steps import give_authenticator, log_in, log_in_with_code
from tests.providers.conftest import PDF_BYTES

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def scan(name: str) -> dict:
    return {"name": name, "mimeType": "application/pdf", "buffer": PDF_BYTES}


def test_a_family_applies_and_staff_approve(
    live_site, new_page, screenshot, bureau, grandma_li, daughter, community_staff
):
    grandma_li.birth_date = datetime.date(1941, 3, 8)
    grandma_li.save(update_fields=["birth_date"])
    make_programme(bureau)

    family = new_page()
    log_in(family, live_site, daughter.email, PASSWORD)
    family.goto(live_site.url + f"/me/care-recipients/{grandma_li.pk}/")
    family.get_by_test_id("apply").click()
    family.select_option("select[name=programme]", label="高龄助浴补贴")
    family.set_input_files("input[name=file]", scan("hukou.pdf"))
    family.fill("input[name=description]", "户口本")
    family.fill("textarea[name=note]", "妈妈一个人住")
    screenshot(family, "01-apply")
    family.get_by_test_id("send-application").click()
    expect(family.get_by_test_id("application-status")).to_have_text("已提交，等待社区工作人员审核")

    staff = new_page()
    log_in_with_code(
        staff, live_site, community_staff.email, PASSWORD, give_authenticator(community_staff)
    )
    staff.goto(live_site.url + "/cms-admin/")
    expect(staff.get_by_test_id("waiting-panel")).to_contain_text("1 待审核的补贴申请")
    staff.get_by_test_id("waiting-panel").get_by_text("待审核的补贴申请").click()
    staff.get_by_test_id("application-queue").get_by_role("link", name="李秀兰").click()
    screenshot(staff, "02-staff-decide")
    staff.get_by_test_id("missing").fill("请补充低保证")
    staff.get_by_test_id("ask-for-more").click()
    expect(staff.get_by_test_id("application-status")).to_have_text("需家属补充材料")

    family.goto(live_site.url + f"/me/care-recipients/{grandma_li.pk}/")
    expect(family.get_by_test_id("applications")).to_contain_text("请补充低保证")
    family.get_by_test_id("applications").get_by_role("link", name="高龄助浴补贴").click()
    expect(family.get_by_test_id("application-reason")).to_have_text("请补充低保证")
    family.set_input_files("input[name=file]", scan("dibao.pdf"))
    family.fill("input[name=description]", "低保证")
    family.get_by_test_id("add-evidence").click()
    expect(family.locator("main")).to_contain_text("dibao.pdf")
    screenshot(family, "03-more-evidence")
    family.get_by_test_id("resubmit").click()
    expect(family.get_by_test_id("application-status")).to_have_text("已提交，等待社区工作人员审核")

    staff.reload()
    expect(staff.locator("main")).to_contain_text("dibao.pdf")
    staff.get_by_test_id("approve").click()
    expect(staff.locator("body")).to_contain_text("已批准，资格认定已登记")
    expect(staff.get_by_test_id("application-status")).to_have_text("已通过")
    screenshot(staff, "04-approved")

    family.goto(live_site.url + f"/me/care-recipients/{grandma_li.pk}/")
    expect(family.get_by_test_id("coverage")).to_contain_text("高龄助浴补贴")
    expect(family.get_by_test_id("applications")).to_contain_text("已通过")
    screenshot(family, "05-covered")
