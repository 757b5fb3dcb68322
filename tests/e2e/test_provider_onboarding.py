"""A social organisation gets onto Linli: a new user registers it, uploads its papers and
submits; staff of its street approve it in the staff workspace; the manager sees it;
staff of another street never see it."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from providers.models import Provider
from tests.e2e.steps import give_authenticator, log_in, log_in_with_code, sign_up
from tests.providers.conftest import PDF_BYTES, png_bytes

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "correct horse battery"  # the cast's password (tests/conftest.py)


def test_a_social_organisation_is_registered_vetted_and_approved(
    live_site, new_page, screenshot, street_staff, other_street_staff, weifang_1, weifang_2
):
    page = new_page()
    sign_up(page, live_site, "liu.jing@anxin.example.cn", "a long family password")
    log_in(page, live_site, "liu.jing@anxin.example.cn", "a long family password")

    page.get_by_role("link", name="在邻里提供服务").click()
    page.get_by_role("link", name="注册机构").click()
    page.select_option("select[name=kind]", "social_org")
    page.fill("input[name=name]", "安馨居家养老服务社")
    page.fill("input[name=legal_name]", "上海市浦东新区安馨居家养老服务社")
    page.fill("input[name=credit_code]", "52100000500020875P")
    page.fill("input[name=contact_name]", "刘静")
    page.fill("input[name=contact_phone]", "021-5888 0000")
    page.get_by_label(weifang_1.full_name).check()
    screenshot(page, "01-register")
    page.get_by_role("button", name="注册").click()
    expect(page.get_by_test_id("provider-status")).to_have_text("草稿")

    expiry = (timezone.localdate() + datetime.timedelta(days=365)).isoformat()
    for label, content, name in [
        ("社会组织登记证书", PDF_BYTES, "登记证书.pdf"),
        ("责任保险", png_bytes(), "保单.png"),
    ]:
        page.select_option("select[name=kind]", label=label)
        page.set_input_files(
            "input[name=file]",
            files=[{"name": name, "mimeType": "application/octet-stream", "buffer": content}],
        )
        page.fill("input[name=expires_on]", expiry)
        page.get_by_role("button", name="上传", exact=True).click()
        expect(page.locator(".messages")).to_contain_text("证件已上传")
    screenshot(page, "02-documents")
    page.get_by_test_id("submit-application").click()
    expect(page.get_by_test_id("provider-status")).to_have_text("待审核")
    provider = Provider.objects.get(name="安馨居家养老服务社")

    staff_page = new_page()
    secret = give_authenticator(street_staff)
    log_in_with_code(staff_page, live_site, street_staff.email, PASSWORD, secret)
    staff_page.goto(live_site.url + "/cms-admin/vetting/")
    staff_page.get_by_role("link", name="安馨居家养老服务社").click()
    screenshot(staff_page, "03-staff-review")
    staff_page.get_by_test_id("approve").click()
    expect(staff_page.locator("body")).to_contain_text("已记录审核决定")

    page.reload()
    expect(page.get_by_test_id("provider-status")).to_have_text("已通过")
    expect(page.locator("[data-unread-count]")).to_have_text(re.compile(r"[1-9]"))
    page.get_by_role("link", name=re.compile("通知")).click()
    expect(page.locator("main")).to_contain_text("安馨居家养老服务社已通过审核")
    screenshot(page, "04-manager-sees-approval")

    outsider_page = new_page()
    outsider_secret = give_authenticator(other_street_staff)
    log_in_with_code(outsider_page, live_site, other_street_staff.email, PASSWORD, outsider_secret)
    response = outsider_page.goto(live_site.url + f"/cms-admin/vetting/{provider.pk}/")
    assert response.status == 404
    outsider_page.goto(live_site.url + "/cms-admin/vetting/")
    expect(outsider_page.locator("body")).not_to_contain_text("安馨居家养老服务社")
