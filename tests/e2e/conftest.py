"""A real browser against the site served by Daphne, the server `make run` uses.

Daphne runs as its own process (`tests/e2e/server_settings.py`) on the test database that
pytest created, so it must be PostgreSQL; e-mail goes to files the test reads as a person
would read their inbox.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings as django_settings
from django.db import connection, connections

from tests import clock
from tests.billing.conftest import bureau  # noqa: F401  (a fixture the journeys share)
from tests.conftest import CHROMIUM
from tests.e2e.a11y import assert_accessible

# Playwright's sync API runs an event loop in the test's thread; the ORM calls the test
# makes between browser steps are ordinary blocking calls, which is what we want.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(django_settings.BASE_DIR)
OUTPUT = ROOT / "test-output" / "e2e"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# Runs in every frame before the page's own scripts (and outside its CSP, like a devtool):
# each violation the page reports is handed to the test.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.linliCspViolation({
    directive: event.effectiveDirective,
    blocked: event.blockedURI,
    page: event.documentURI,
    source: event.sourceFile + ":" + event.lineNumber,
    sample: event.sample,
  });
});
"""


class CspViolations:
    """What the Content-Security-Policy blocked on the pages a journey opened."""

    def __init__(self) -> None:
        self.found: list[dict] = []
        self.pages: list = []

    def watch(self, context) -> None:
        context.expose_function("linliCspViolation", self.report)
        context.add_init_script(CSP_LISTENER)
        context.on("page", self.follow)

    # Playwright takes Python functions, not list.append (a builtin it cannot tag).
    def follow(self, page) -> None:
        self.pages.append(page)

    def report(self, violation: dict) -> None:
        self.found.append(violation)

    def settle(self) -> list[dict]:
        """A round trip to each open page delivers the reports it sent before."""
        for page in self.pages:
            if not page.is_closed():
                page.evaluate("0")
        return self.found


@pytest.fixture(autouse=True)
def csp_violations() -> CspViolations:
    """Every journey counts CSP violations on every page it opens, and fails on any."""
    return CspViolations()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    outcome = yield
    watcher = item.funcargs.get("csp_violations")
    if watcher is None or outcome.excinfo is not None:
        return
    found = watcher.settle()
    if found:
        listed = "\n".join(
            f"{v['page']}: {v['directive']} blocked {v['blocked']} ({v['source']})" for v in found
        )
        outcome.force_exception(
            AssertionError(f"{len(found)} Content-Security-Policy violation(s):\n{listed}")
        )


def pytest_collection_modifyitems(items) -> None:
    for item in items:
        if "/e2e/" in str(item.path):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.postgres)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_serving(url: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"Daphne exited:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url + "/static/favicon.svg", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"Daphne did not answer within 60 s:\n{log.read_text()}")


def _register_webhook(fake_stripe_url: str, site_url: str) -> None:
    body = urllib.parse.urlencode(
        {
            "url": site_url + "/stripe/webhook/",
            "secret": django_settings.STRIPE_WEBHOOK_SECRET,
        }
    ).encode()
    urllib.request.urlopen(f"{fake_stripe_url}/_config/webhooks/e2e", data=body, timeout=5)


def _set_fake_stripe_clock(fake_stripe_url: str) -> None:
    """The fake Stripe signs webhooks with its time; the site refuses a signature more than
    five minutes off its own, so both follow the test's clock."""
    body = urllib.parse.urlencode(clock.process_env()).encode()
    urllib.request.urlopen(f"{fake_stripe_url}/_config/clock", data=body, timeout=5)


@pytest.fixture
def live_site(transactional_db, tmp_path, fake_stripe_url):
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    log = tmp_path / "daphne.log"
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.e2e.server_settings",
        "LINLI_E2E_DATABASE_NAME": connection.settings_dict["NAME"],
        "LINLI_E2E_MAIL_DIR": str(mail_dir),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "PRIVATE_MEDIA_ROOT": str(tmp_path / "private-media"),
        "STRIPE_API_BASE": fake_stripe_url,
        "PYTHONPATH": str(ROOT),
        **clock.process_env(),
    }
    daphne = Path(sys.executable).with_name("daphne")
    with log.open("w") as log_file:
        server = subprocess.Popen(
            [str(daphne), "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"],
            cwd=ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_serving(url, server, log)
        _set_fake_stripe_clock(fake_stripe_url)
        _register_webhook(fake_stripe_url, url)
        yield SimpleNamespace(url=url, mail_dir=mail_dir, log=log, stripe=fake_stripe_url)
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        _wait_for_server_sessions_to_end()


def _wait_for_server_sessions_to_end() -> None:
    """PostgreSQL ends a departed client's session a moment later; the test database can
    only be flushed and dropped once the server's sessions are gone."""
    deadline = time.monotonic() + 10
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0] == 0:
                return
            time.sleep(0.1)


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
        # Inside Playwright's sync API the test's queries run on a connection of their
        # own, which nobody else would close before the test database is dropped.
        connections.close_all()


@pytest.fixture
def new_page(browser, csp_violations):
    """A page in a browser context of its own: one person on their own device."""
    contexts = []

    def open_page(locale: str = "zh-CN"):
        context = browser.new_context(locale=locale, viewport={"width": 1024, "height": 800})
        csp_violations.watch(context)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def browser_page(new_page):
    return new_page()


@pytest.fixture
def screenshot(request):
    folder = OUTPUT / request.node.name
    folder.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = folder / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        # Every step a journey shows is also checked with axe-core (decision 0044), so
        # each journey, present and future, keeps its pages usable with assistive tools.
        # A file opened from disk (a downloaded PDF in Chromium's viewer) is not our page.
        if page.url.startswith("http"):
            assert_accessible(page, f"{request.node.name} / {name} ({page.url})")
        return path

    return take
