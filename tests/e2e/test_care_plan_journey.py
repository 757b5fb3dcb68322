"""A care plan in a real browser (issue 16): community staff assess 李秀兰 (she lives alone
and needs help to bathe) and make her plan of weekly baths paid by the bureau's programme;
the provider's manager accepts it and chooses her carer; her daughter sees the month's
visits week by week and what is left of the month's allowance; the carer finds today's
visit with the plan's notes; the visit is done and verified, and the officer's statement
for the month bills it like any other visit."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from billing.models import Entitlement, Programme
from care.models import CarePlan, Occurrence
from orders import visits
from tests.assessments.conftest import MODERATE
from tests.billing.conftest import make_eligible, make_programme
from tests.conftest import PASSWORD
from tests.e2e.steps import give_authenticator, in_a_plain_thread, log_in, log_in_with_code
from tests.marketplace.conftest import publish
from tests.orders.conftest import now_starting

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

NOTES = "膝盖不好，洗澡时扶稳；钥匙在门口鞋柜里"


@pytest.fixture
def bathing(provider_a):
    """¥75 for 90 minutes, every day from nine (fixture data, not the flow under test)."""
    return publish(
        provider_a,
        title_zh="上门助浴",
        title_en="Bathing at home",
        category="bathing",
        price_fen=7500,
        funding_mode="welfare",
        duration_minutes=90,
    )


@pytest.fixture
def bathing_programme(bureau, grandma_li, community_staff) -> Programme:
    """Pays the whole price; care level 2 is entitled to 180 minutes (two baths) a month."""
    programme = make_programme(
        bureau,
        rule=Programme.Rule.FULL,
        rate_cap_fen=None,
        monthly_cap_fen=None,
        min_age=None,
        valid_until=datetime.date(2030, 12, 31),
    )
    Entitlement.objects.create(programme=programme, care_level=2, minutes_per_month=180)
    make_eligible(grandma_li, programme, community_staff)
    return programme


def test_staff_assess_and_plan_the_provider_accepts_the_family_sees_the_month_and_it_is_billed(
    live_site,
    new_page,
    screenshot,
    bathing,
    bathing_programme,
    grandma_li,
    daughter,
    community_staff,
    provider_manager,
    caregiver,
    district_officer,
):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    second_day = tomorrow + datetime.timedelta(days=2)

    # Community staff assess her: ten activities of daily living, cognition, living alone.
    staff = new_page()
    log_in_with_code(
        staff, live_site, community_staff.email, PASSWORD, give_authenticator(community_staff)
    )
    staff.goto(live_site.url + f"/cms-admin/assessments/people/{grandma_li.pk}/new/")
    expect(staff.locator("input[name=assessed_on]")).to_have_value(timezone.localdate().isoformat())
    for field, score in MODERATE.items():
        staff.check(f"input[name={field}][value='{score}']")
    staff.check("input[name=cognition][value=intact]")
    staff.check("input[name=living_situation][value=alone]")
    staff.fill("textarea[name=notes]", "独居，洗澡需要协助")
    screenshot(staff, "01-assessment")
    staff.get_by_test_id("record-assessment").click()
    expect(staff).to_have_url(re.compile(rf"/cms-admin/eligibility/{grandma_li.pk}/$"))
    expect(staff.get_by_test_id("current-level")).to_contain_text("2")

    # ...and make her plan: baths twice a week, paid by the programme.
    staff.goto(live_site.url + f"/care/people/{grandma_li.pk}/")
    expect(staff.get_by_test_id("care-level")).to_contain_text("2")
    staff.get_by_test_id("new-plan").click()
    staff.select_option("select[name=provider]", str(bathing.provider_id))
    staff.locator("form:has(select[name=provider]) button[type=submit]").click()
    form = staff.get_by_test_id("plan-form")
    form.locator("select[name=programme]").select_option(label="高龄助浴补贴")
    form.locator("input[name=starts_on]").fill(tomorrow.isoformat())
    form.locator("textarea[name=goals]").fill("每周两次洗澡，保持清洁")
    form.locator("textarea[name=notes]").fill(NOTES)
    for n, day in enumerate((tomorrow, second_day)):
        form.locator(f"select[name=service_{n}]").select_option(str(bathing.pk))
        form.locator(f"select[name=weekday_{n}]").select_option(str(day.weekday()))
        form.locator(f"input[name=time_{n}]").fill("09:00")
    screenshot(staff, "02-plan-form")
    form.get_by_test_id("propose-plan").click()
    expect(staff.get_by_test_id("plan-status")).to_have_text("等待服务商确认")
    plan = CarePlan.objects.get(care_recipient=grandma_li)

    # The provider's manager accepts the plan with 周阿姨 as the carer of every visit.
    provider = new_page()
    log_in(provider, live_site, provider_manager.email, PASSWORD)
    provider.goto(live_site.url + f"/care/plans/{plan.pk}/")
    answer = provider.get_by_test_id("answer-plan")
    member = caregiver.provider_memberships.get()
    answer.locator("select[name=worker]").select_option(str(member.pk))
    expect(answer.locator("select[name=worker]")).to_contain_text("周阿姨")
    screenshot(provider, "03-provider-accepts")
    answer.get_by_test_id("accept-plan").click()
    expect(provider.get_by_test_id("plan-status")).to_have_text("执行中")
    expect(provider.get_by_test_id("plan-calendar")).to_contain_text("已预约")

    # Her daughter sees the month of visits week by week and what is left of the allowance.
    family = new_page()
    log_in(family, live_site, daughter.email, PASSWORD)
    family.goto(live_site.url + f"/care/people/{grandma_li.pk}/?month={tomorrow:%Y-%m}")
    month = family.get_by_test_id("month-of-visits")
    expect(month).to_contain_text(tomorrow.strftime("%m-%d"))
    expect(month.get_by_test_id("visit-confirmed").first).to_contain_text("上门助浴")
    expect(month.get_by_test_id("visit-confirmed").first).to_contain_text("周阿姨")
    minutes = family.get_by_test_id("allowance").get_by_test_id("minutes")
    expect(minutes).to_contain_text("180")
    screenshot(family, "04-family-month")

    # Today: the first visit is moved to now (fixture data), and the carer finds it with
    # the plan's notes.
    first = plan.occurrences.filter(status=Occurrence.Status.BOOKED).order_by("day").first()
    order = now_starting(first.order)
    carer = new_page()
    log_in(carer, live_site, caregiver.email, PASSWORD)
    carer.goto(live_site.url + "/visits/")
    expect(carer.locator("main")).to_contain_text(order.starts_at.astimezone().strftime("%H:%M"))
    expect(carer.locator("main")).to_contain_text(NOTES)
    expect(carer.locator("main")).to_contain_text("李秀兰")
    screenshot(carer, "05-carer-today")

    def the_visit_happens():
        visits.check_in(order=order, by=caregiver)
        visits.check_out(order=order, by=caregiver, at=order.ends_at)

    in_a_plain_thread(the_visit_happens)
    family.goto(live_site.url + order.get_absolute_url())
    family.get_by_test_id("confirm").click()
    expect(family.locator("main")).to_contain_text("服务已核实")

    # The officer's statement for the month bills the plan's visit like any other.
    officer = new_page()
    log_in_with_code(
        officer, live_site, district_officer.email, PASSWORD, give_authenticator(district_officer)
    )
    officer.goto(
        live_site.url + f"/cms-admin/purchase/statements/?month={timezone.localdate():%Y-%m}"
    )
    officer.get_by_test_id("open-statement").click()
    officer.get_by_test_id("issue").click()
    expect(officer.get_by_test_id("statement-status")).to_have_text("已出具")
    officer.get_by_test_id("review").click()
    line = officer.get_by_test_id(f"line-{order.code}")
    expect(line).to_contain_text("李秀兰")
    expect(officer.get_by_test_id("payable")).to_have_text("¥75.00")
    screenshot(officer, "06-statement-with-the-plan-visit")
