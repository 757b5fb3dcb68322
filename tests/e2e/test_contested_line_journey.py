"""The provider's side of the bill in a real browser: the officer approved the month with
one visit excluded; the provider's manager finds the statement in the provider console,
sees the exclusion and its reason, and contests it with a signed visit sheet; the officer
reads the contest and its evidence in the workspace and upholds it; the provider sees
that the line will be paid on the next statement (decision 0035)."""

import pytest
from playwright.sync_api import expect

from accounts.models import Notification
from statements import services
from statements.models import LineContest
from tests.conftest import PASSWORD
from tests.e2e.steps import give_authenticator, log_in, log_in_with_code
from tests.providers.conftest import png_bytes
from tests.statements import conftest as statement_fixtures

# The statements' fixtures: an approved month whose 24-yuan line is excluded.
approved = statement_fixtures.approved
excluded = statement_fixtures.excluded
statement = statement_fixtures.statement
three_visits = statement_fixtures.three_visits
month = statement_fixtures.month
programme = statement_fixtures.programme
grandma_eligible = statement_fixtures.grandma_eligible
bathing = statement_fixtures.bathing
bathing_slots = statement_fixtures.bathing_slots

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_provider_contests_an_excluded_line_and_the_officer_upholds_it(
    live_site,
    new_page,
    screenshot,
    tmp_path,
    provider_manager,  # before the approval, so that they are told of it
    district_officer,
    approved,
    excluded,
):
    sheet = tmp_path / "服务单.png"
    sheet.write_bytes(png_bytes())

    provider = new_page()
    log_in(provider, live_site, provider_manager.email, PASSWORD)
    provider.goto(live_site.url + f"/provider/{approved.provider_id}/")
    provider.get_by_test_id("provider-statements").click()
    provider.get_by_test_id(f"statement-{approved.month:%Y-%m}").click()
    expect(provider.get_by_test_id("statement-status")).to_have_text("已通过")
    expect(provider.get_by_test_id("payable")).to_have_text("¥96.00")
    line = provider.get_by_test_id(f"line-{excluded.order_code}")
    expect(line).to_contain_text("缺少服务照片")
    screenshot(provider, "01-provider-statement")

    line.get_by_test_id("contest-open").click()
    line.locator("textarea[name=reason]").fill("服务单有老人签字，照片当天已上传到订单")
    line.locator("input[name=evidence]").set_input_files(str(sheet))
    screenshot(provider, "02-contest-form")
    line.get_by_test_id("contest-send").click()
    expect(provider.locator("body")).to_contain_text("您的申诉已提交给购买方。")
    expect(line.get_by_test_id("contest-status")).to_contain_text("等待购买方处理")

    officer = new_page()
    log_in_with_code(
        officer, live_site, district_officer.email, PASSWORD, give_authenticator(district_officer)
    )
    officer.goto(live_site.url + "/cms-admin/contests/")
    row = officer.get_by_test_id(f"contest-{excluded.order_code}")
    expect(row).to_contain_text("等待购买方处理")
    screenshot(officer, "03-contested-lines")
    row.get_by_role("link", name=excluded.order_code).click()
    expect(officer.get_by_test_id("contest-reason")).to_contain_text("服务单有老人签字")
    expect(officer.get_by_test_id("evidence")).to_have_text("服务单.png")
    officer.get_by_label("支持申诉：在下一张结算单中支付该明细").check()
    officer.locator("textarea[name=answer]").fill("签字服务单可以证明服务已完成，照付")
    officer.get_by_test_id("resolve").click()
    expect(officer.get_by_test_id("contest-status")).to_have_text("已支持：计入之后的结算单")
    screenshot(officer, "04-contest-upheld")

    following = services.next_month(approved.month)
    provider.reload()
    expect(line.get_by_test_id("contest-status")).to_contain_text(
        f"¥24.00 计入 {following:%Y-%m} 的结算单"
    )
    screenshot(provider, "05-provider-sees-the-decision")

    contest = LineContest.objects.get(line=excluded)
    assert (contest.adjustment.amount_fen, contest.adjustment.statement.month) == (
        2400,
        following,
    )
    told = Notification.objects.filter(kind="statement")
    assert told.filter(user=district_officer).count() == 1
    assert told.filter(user=provider_manager).count() == 2  # the approval, the decision
