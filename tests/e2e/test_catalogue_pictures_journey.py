"""Issue 20, point 2, in the browser: the home page's category cards and search box lead into
the catalogue, whose cards show a photo or a drawn placeholder and stars; screenshots of
both pages at phone and desktop width, in normal and elder mode."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.e2e.layout import layout_problems
from tests.marketplace.conftest import publish

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

WIDTHS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}


@pytest.fixture
def shelf(provider_a):
    # Drawn placeholders only: a photo uploaded here lands in this process's media folder,
    # which the live server does not serve (photos are checked in test_catalogue_pictures).
    cleaning = publish(provider_a, title_zh="家庭深度保洁服务", title_en="Deep cleaning")
    drawn = publish(provider_a, title_zh="上门助浴", title_en="Bathing", category="bathing")
    drawn.rating_average, drawn.rating_count = Decimal("4.5"), 12
    drawn.save()
    return cleaning, drawn


def broken_images(page) -> list[str]:
    return page.evaluate(
        "() => [...document.images].filter(i => !i.complete || i.naturalWidth === 0)"
        ".map(i => i.src)"
    )


@pytest.mark.parametrize("elder", [False, True], ids=["normal", "elder"])
@pytest.mark.parametrize("width", WIDTHS, ids=list(WIDTHS))
def test_home_and_catalogue_show_pictures_and_lead_into_the_catalogue(
    live_site, new_page, screenshot, shelf, width, elder
):
    page = new_page()
    page.set_viewport_size(WIDTHS[width])
    page.goto(live_site.url + "/")
    if elder:
        page.get_by_test_id("elder-mode").click()
        expect(page.locator("html")).to_have_class("elder")
    expect(page.get_by_test_id("home-search")).to_be_visible()
    expect(page.get_by_test_id("header-search")).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert broken_images(page) == []
    screenshot(page, f"home-{width}-{'elder' if elder else 'normal'}")
    assert layout_problems(page) == []

    page.get_by_test_id("category-eldercare").click()
    expect(page).to_have_url(live_site.url + "/services/?category=eldercare")
    expect(page.get_by_test_id("service-list")).to_contain_text("上门助浴")
    expect(page.get_by_test_id("rating")).to_contain_text("4.5")

    page.goto(live_site.url + "/")
    page.get_by_test_id("home-search").locator("input").fill("保洁")
    page.get_by_test_id("home-search").locator("button").click()
    expect(page.get_by_test_id("service-list")).to_contain_text("家庭深度保洁服务")

    page.goto(live_site.url + "/services/")
    expect(page.get_by_test_id("placeholder")).to_have_count(2)
    expect(page.get_by_test_id("mine-prompt")).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert broken_images(page) == []
    screenshot(page, f"catalogue-{width}-{'elder' if elder else 'normal'}")
    assert layout_problems(page) == []
