"""The catalogue in elder mode with text at 200%: the search page and a service page,
in Chinese and English, with nothing overlapping or cut off."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from marketplace.slots import materialise_slots
from tests.e2e.layout import double_text, layout_problems
from tests.marketplace.conftest import publish

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def shelf(provider_a):
    services = [
        publish(
            provider_a,
            title_zh="家庭深度保洁服务（厨房、卫生间、玻璃和地板）",
            title_en="Deep cleaning of kitchen, bathroom, windows and floors",
            description_zh="两名保洁员上门，自带工具和清洁剂。" * 3,
            price_fen=12800,
        ),
        publish(
            provider_a,
            title_zh="上门助浴",
            title_en="Bathing assistance at home",
            category="bathing",
            description_zh="护理员上门助浴。",
            price_fen=6000,
            funding_mode="welfare",
        ),
        publish(
            provider_a,
            title_zh="独居老人探访陪伴",
            title_en="Visits for people living alone",
            category="companionship",
            price_fen=5000,
            funding_mode="public",
        ),
    ]
    for service in services:
        materialise_slots(service, start=timezone.localdate(), days=14)
    return services


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_search_and_service_pages_hold_together_at_double_text_in_elder_mode(
    live_site, new_page, screenshot, shelf, language
):
    page = new_page()
    page.goto(live_site.url + "/services/")
    if language == "en":
        page.get_by_test_id("language-en").click()
    page.get_by_test_id("elder-mode").click()
    expect(page.locator("html")).to_have_class("elder")

    page.goto(live_site.url + "/services/?q=bj")
    double_text(page)
    page.locator("details.filters summary").click()
    expect(page.get_by_test_id("service-list")).to_be_visible()
    screenshot(page, f"search-{language}")
    assert layout_problems(page) == []

    page.goto(live_site.url + shelf[0].get_absolute_url())
    double_text(page)
    expect(page.get_by_test_id("slots")).to_be_visible()
    screenshot(page, f"service-{language}")
    assert layout_problems(page) == []
