"""Reviews and complaints in a real browser: the daughter, who reads English, reviews her
mother's finished cleaning with stars and a photo and complains about the lateness; community
staff publish the review and uphold the complaint in Chinese; the daughter reads the answer and
the review shows on the service page with its average."""

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from orders.models import Order
from tests.conftest import PASSWORD
from tests.e2e.steps import give_authenticator, in_a_plain_thread, log_in, log_in_with_code
from tests.orders.conftest import book, delivered
from tests.orders.conftest import cleaning as cleaning  # fixture
from tests.orders.conftest import slot as slot  # fixture

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def photo_file(tmp_path):
    path = tmp_path / "kitchen.png"
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "lightblue").save(buffer, "PNG")
    path.write_bytes(buffer.getvalue())
    return path


def test_review_moderation_complaint_and_answer(
    live_site,
    new_page,
    screenshot,
    tmp_path,
    daughter,
    caregiver,
    slot,
    grandma_li,
    community_staff,
):
    daughter.language = "en"
    daughter.save(update_fields=["language"])
    order: Order = in_a_plain_thread(
        lambda: delivered(book(daughter, slot, grandma_li), caregiver, daughter)
    )

    family = new_page()
    log_in(family, live_site, daughter.email, PASSWORD)
    family.goto(live_site.url + order.get_absolute_url())
    family.get_by_test_id("write-review").click()
    expect(family.locator("h1")).to_contain_text("How was")
    for field, stars in (("overall", 4), ("punctuality", 3), ("attitude", 5), ("quality", 4)):
        family.check(f"input[name={field}][value='{stars}']")
    family.fill("textarea[name=text]", "Zhou was careful and kind, but came late.")
    family.set_input_files("input[name=photos]", photo_file(tmp_path))
    screenshot(family, "01-review-form")
    family.get_by_test_id("send-review").click()
    expect(family.locator("main")).to_contain_text("Your review appears once community staff")

    family.get_by_test_id("complain").click()
    family.check("input[name=category][value=punctuality]")
    family.fill("textarea[name=description]", "The worker came 40 minutes late.")
    family.get_by_test_id("send-complaint").click()
    expect(family.get_by_test_id("complaint-status")).to_contain_text("will answer by")
    complaint_url = family.url
    screenshot(family, "02-complaint-filed")

    staff = new_page()
    log_in_with_code(
        staff, live_site, community_staff.email, PASSWORD, give_authenticator(community_staff)
    )
    staff.goto(live_site.url + "/cms-admin/review_moderation/")
    expect(staff.get_by_test_id("pending-review")).to_contain_text("came late")
    staff.get_by_test_id("publish-review").click()
    expect(staff.locator("body")).to_contain_text("已记录审核决定")
    staff.goto(live_site.url + "/cms-admin/complaints/")
    staff.get_by_test_id("open-complaint").locator("a").click()
    staff.check("input[name=outcome][value=upheld]")
    staff.fill("textarea[name=note]", "已约谈服务商，下次准时上门。We spoke to the provider.")
    screenshot(staff, "03-answer")
    staff.get_by_test_id("answer-complaint").click()
    expect(staff.locator("body")).to_contain_text("投诉已答复")

    family.goto(complaint_url)
    expect(family.get_by_test_id("complaint-outcome")).to_contain_text("Upheld")
    expect(family.get_by_test_id("complaint-outcome")).to_contain_text("We spoke to the provider")
    family.goto(live_site.url + order.service.get_absolute_url())
    expect(family.get_by_test_id("review-summary")).to_contain_text(re.compile(r"★ 4\.0"))
    expect(family.get_by_test_id("review")).to_contain_text("came late")
    photo = family.get_by_test_id("review").locator("img")
    expect(photo).to_have_count(1)
    assert photo.evaluate("img => img.complete && img.naturalWidth > 0")
    screenshot(family, "04-published-review")
