"""Steps that several browser journeys share: what a person does, in the browser."""

import email
import email.policy
import re
import time
from pathlib import Path

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from playwright.sync_api import Page, expect

CONFIRM_LINK = re.compile(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)")


def latest_mail_to(mail_dir: Path, address: str) -> email.message.EmailMessage:
    """The newest message the file backend wrote to this address."""
    found = []
    for path in sorted(mail_dir.iterdir(), key=lambda p: p.stat().st_mtime):
        for raw in path.read_text(encoding="utf-8").split("\n" + "-" * 79):
            if not raw.strip():
                continue
            message = email.message_from_string(raw.strip() + "\n", policy=email.policy.default)
            if address in (message["To"] or ""):
                found.append(message)
    assert found, f"no e-mail to {address}"
    return found[-1]


def confirmation_path(mail_dir: Path, address: str) -> str:
    body = latest_mail_to(mail_dir, address).get_body(preferencelist=("plain",)).get_content()
    match = CONFIRM_LINK.search(body)
    assert match, body
    return match.group(1)


def sign_up(page: Page, site, address: str, password: str, shoot=None) -> None:
    page.goto(site.url + "/accounts/signup/")
    page.fill("input[name=email]", address)
    page.fill("input[name=password1]", password)
    page.fill("input[name=password2]", password)
    if shoot:
        shoot(page, "signup")
    page.locator("form button[type=submit]").last.click()
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))
    page.goto(site.url + confirmation_path(site.mail_dir, address))
    page.locator("main form button[type=submit]").click()


def log_in(page: Page, site, address: str, password: str) -> None:
    page.goto(site.url + "/accounts/login/")
    page.fill("input[name=login]", address)
    page.fill("input[name=password]", password)
    page.locator("main form button[type=submit]").last.click()


def give_authenticator(user) -> str:
    """Set up TOTP for a staff member as they would with their phone; returns the secret."""
    Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).delete()
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def current_code(secret: str) -> str:
    """The authenticator app's code now. In the last seconds of a code's 30 the next one is
    waited for: the server checks only the current period, and refused a code typed at
    second 29 (a flaky failure of the review journey)."""
    left = 30 - time.time() % 30
    if left < 4:
        time.sleep(left + 0.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def log_in_with_code(page: Page, site, address: str, password: str, secret: str) -> None:
    log_in(page, site, address, password)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    page.fill("input[name=code]", current_code(secret))
    page.locator("form:has(input[name=code]) button[type=submit]").first.click()
    expect(page).not_to_have_url(re.compile(r"/accounts/(2fa|login)/"))


def in_a_plain_thread(work):
    """Run server-side steps (services that push live events) away from the thread where
    Playwright's event loop runs: async_to_sync refuses to run inside it."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    def run():
        try:
            return work()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


def type_card(page: Page, number: str, expiry: str = "12 / 34", cvc: str = "123") -> None:
    """Type a card into the pay page's Payment Element (the fake Stripe.js's stand-in: a card
    form in a div where Stripe's is an iframe)."""
    element = page.get_by_test_id("payment-element")
    element.locator("input[name=number]").fill(number)
    element.locator("input[name=expiry]").fill(expiry)
    element.locator("input[name=cvc]").fill(cvc)


def book_and_pay_co_payment(
    page: Page, site, service, person: str, quote: str, pay: str, receipt: str, shoot=None
) -> str:
    """The family books the first free time of a subsidised service for `person`, sees the
    booking quote, pays only the co-payment by card and reads the receipt; returns the
    order's code. `shoot(page)` is called on the filled form, if given."""
    page.goto(site.url + f"/services/{service.pk}/book/")
    expect(page.locator("form.booking-form")).to_contain_text(quote)
    page.locator("input[name=slot]").first.check()
    page.get_by_label(re.compile(person)).check()
    if shoot:
        shoot(page)
    page.get_by_test_id("book").click()
    expect(page.get_by_test_id("pay")).to_contain_text(pay)
    type_card(page, "4242424242424242")
    page.get_by_test_id("pay").click()
    expect(page.get_by_test_id("order-status")).to_have_text("待接单")
    expect(page.get_by_test_id("receipt")).to_contain_text(receipt)
    return page.locator(".order-code").first.inner_text().strip()
