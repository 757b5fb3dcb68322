"""In a real browser (issue 17, decision 0033): the officer contracts a provider at a rate
on the programme's page, sees the contract and its history; then the family, booking that
provider's bathing visit, is shown the list price, the contracted price, the subsidy and
what they pay."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from billing.models import Contract
from tests.billing.conftest import make_eligible, make_programme
from tests.conftest import PASSWORD
from tests.e2e.steps import give_authenticator, log_in, log_in_with_code
from tests.e2e.test_purchase_of_service_journey import bathing_soon as bathing_soon  # fixture

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_officer_contracts_a_provider_at_a_rate_and_the_family_sees_it_in_the_quote(
    live_site,
    new_page,
    screenshot,
    bureau,
    bathing_soon,
    grandma_li,
    daughter,
    district_officer,
    provider_a,
):
    grandma_li.birth_date = datetime.date(1941, 3, 8)
    grandma_li.save(update_fields=["birth_date"])
    programme = make_programme(bureau, contracted=[])
    make_eligible(grandma_li, programme)

    officer = new_page()
    log_in_with_code(
        officer, live_site, district_officer.email, PASSWORD, give_authenticator(district_officer)
    )
    officer.goto(live_site.url + f"/cms-admin/purchase/programmes/{programme.pk}/")
    expect(officer.get_by_test_id("programme-contracts")).to_contain_text("暂无")
    officer.get_by_test_id("contract-provider").click()
    officer.select_option("select[name=provider]", str(provider_a.pk))
    officer.fill("input[name=first_month]", f"{timezone.localdate():%Y-%m}")
    officer.fill("input[name=last_month]", "2027-12")
    line = officer.get_by_test_id("contract-line-0")
    line.locator("select[name=form-0-service]").select_option(str(bathing_soon.pk))
    line.locator("input[name=form-0-rate_fen]").fill("50.00")
    screenshot(officer, "1-officer-contracts-a-provider-at-a-rate")
    officer.get_by_test_id("save-contract").click()

    expect(officer.get_by_test_id("contract-history")).to_contain_text("¥50.00")
    expect(officer.get_by_test_id("contract-facts")).to_contain_text(provider_a.name)
    screenshot(officer, "2-the-contract-and-its-history")
    contract = Contract.objects.get()
    assert (contract.provider, contract.items.get().rate_fen) == (provider_a, 5000)
    officer.goto(live_site.url + f"/cms-admin/purchase/programmes/{programme.pk}/")
    expect(officer.get_by_test_id("programme-contracts")).to_contain_text(provider_a.name)
    screenshot(officer, "3-the-programme-lists-its-contracted-provider")

    family = new_page()
    log_in(family, live_site, daughter.email, PASSWORD)
    family.goto(live_site.url + bathing_soon.get_absolute_url())
    expect(family.get_by_test_id("contracted-price")).to_contain_text("¥50.00")
    family.goto(live_site.url + f"/services/{bathing_soon.pk}/book/")
    # ¥75 list, ¥50 contracted; the programme pays 80 % of ¥50.
    expect(family.locator("form.booking-form")).to_contain_text(
        "李秀兰：标价 ¥75.00，合同价 ¥50.00，补贴 ¥40.00，自付 ¥10.00"
    )
    screenshot(family, "4-the-family-sees-the-contracted-price")
