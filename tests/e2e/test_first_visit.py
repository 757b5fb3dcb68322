"""A first visit in a real browser: language, elder mode, sign-up with e-mail
verification, login, and the site's WebSocket."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.steps import confirmation_path

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_new_resident_finds_the_site_in_chinese_signs_up_and_logs_in(
    live_site, browser_page, screenshot
):
    page = browser_page
    page.goto(live_site.url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("h1")).to_contain_text("家门口的服务")
    screenshot(page, "01-home-zh")

    page.get_by_test_id("language-en").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_contain_text("Services around your home")
    screenshot(page, "02-home-en")

    page.get_by_test_id("language-zh").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("h1")).to_contain_text("家门口的服务")

    normal_size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    page.get_by_test_id("elder-mode").click()
    expect(page.locator("html")).to_have_class(re.compile(r"\belder\b"))
    elder_size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert elder_size >= 20 > normal_size
    button_height = page.get_by_test_id("elder-mode").bounding_box()["height"]
    assert button_height >= 48
    screenshot(page, "03-home-elder-mode")

    page.goto(live_site.url + "/accounts/signup/")
    expect(page.locator("html")).to_have_class(re.compile(r"\belder\b"))  # remembered
    page.fill("input[name=email]", "li.na@example.cn")
    page.fill("input[name=password1]", "a long family password")
    page.fill("input[name=password2]", "a long family password")
    screenshot(page, "04-signup")
    page.locator("form button[type=submit]").last.click()
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))
    screenshot(page, "05-verification-sent")

    page.goto(live_site.url + confirmation_path(live_site.mail_dir, "li.na@example.cn"))
    page.locator("main form button[type=submit]").click()
    screenshot(page, "06-email-confirmed")

    page.goto(live_site.url + "/accounts/login/")
    page.fill("input[name=login]", "li.na@example.cn")
    page.fill("input[name=password]", "a long family password")
    page.locator("main form button[type=submit]").last.click()
    expect(page).to_have_url(re.compile(r"/me/$"))
    expect(page.locator("h1")).to_contain_text("您好")
    screenshot(page, "07-logged-in")

    greeting = page.evaluate(
        """() => new Promise((resolve, reject) => {
            const url = location.origin.replace('http', 'ws') + '/ws/notifications/';
            const socket = new WebSocket(url);
            socket.onmessage = (event) => { resolve(JSON.parse(event.data)); socket.close(); };
            socket.onerror = () => reject(new Error('WebSocket refused'));
            setTimeout(() => reject(new Error('no message')), 10000);
        })"""
    )
    assert greeting == {"type": "hello"}
