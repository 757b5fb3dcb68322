"""In a real browser (issue 17, decision 0032): the platform admin creates a purchaser and
appoints an officer whose account has an authenticator app; the officer signs in, finds the
purchaser's programme, tops its budget up in yuan with a reason and sees the change
recorded."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from billing.models import BudgetAdjustment, Purchaser
from communities.models import Region
from tests.billing.conftest import make_programme
from tests.conftest import PASSWORD, make_user
from tests.e2e.steps import give_authenticator, log_in_with_code

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_admin_sets_up_a_purchaser_and_its_officer_tops_up_a_budget(
    live_site, new_page, screenshot, platform_admin, pudong
):
    officer = make_user("zhou.officer@example.cn", "周科员")
    officer_secret = give_authenticator(officer)
    admin = new_page()
    log_in_with_code(
        admin, live_site, platform_admin.email, PASSWORD, give_authenticator(platform_admin)
    )
    admin.goto(live_site.url + "/cms-admin/purchasers/")
    admin.fill("input[name=name_zh]", "浦东新区民政局")
    admin.fill("input[name=name_en]", "Pudong Civil Affairs")
    admin.select_option("select[name=region]", str(pudong.pk))
    screenshot(admin, "1-admin-new-purchaser")
    admin.get_by_test_id("create-purchaser").click()
    expect(admin).to_have_url(re.compile(r"/cms-admin/purchasers/\d+/$"))
    admin.fill("input[name=email]", "zhou.officer@example.cn")
    admin.get_by_test_id("appoint-officer").click()
    expect(admin.get_by_test_id("officers")).to_contain_text("zhou.officer@example.cn")
    expect(admin.get_by_test_id("purchaser-history")).to_contain_text(
        "任命 zhou.officer@example.cn 为经办人"
    )
    screenshot(admin, "2-admin-officer-appointed")

    purchaser = Purchaser.objects.get()
    assert purchaser.region == Region.objects.get(pk=pudong.pk)
    programme = make_programme(
        purchaser, valid_from=datetime.date(2026, 1, 1), valid_until=datetime.date(2030, 12, 31)
    )
    page = new_page()
    log_in_with_code(page, live_site, officer.email, PASSWORD, officer_secret)
    page.goto(live_site.url + f"/cms-admin/purchase/programmes/{programme.pk}/")
    expect(page.locator("input[name=rate_cap_fen]")).to_have_value("60.00")
    budget_form = page.locator("form:has([data-testid=adjust-budget])")
    budget_form.get_by_label("追加").check()
    budget_form.get_by_label("金额（元）").fill("2500.50")
    budget_form.get_by_label("原因").fill("区财政追加拨款")
    page.get_by_test_id("adjust-budget").click()
    expect(page.get_by_test_id("budget-adjustments")).to_contain_text("区财政追加拨款")
    expect(page.get_by_test_id("programme-budget")).to_contain_text("¥12500.50")
    screenshot(page, "3-officer-budget-topped-up")
    assert BudgetAdjustment.objects.get().by == officer
