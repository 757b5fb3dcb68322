"""A real browser against the site served by Daphne, the server `make run` uses.

The server runs in a forked process on the test database; e-mail goes to files so the
test can read what a person would receive.
"""

import os
from functools import partial
from pathlib import Path
from types import SimpleNamespace

import pytest
from channels.testing.live import make_application
from daphne.testing import DaphneProcess
from django.conf import settings as django_settings
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
from django.db import connections

from tests.conftest import CHROMIUM

# Playwright's sync API runs an event loop in the test's thread; the ORM calls the test
# makes between browser steps are ordinary blocking calls, which is what we want.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

OUTPUT = Path(django_settings.BASE_DIR) / "test-output" / "e2e"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def live_site(transactional_db, settings, tmp_path):
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(mail_dir)},
        }
    }
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
    # The child inherits this process's memory: it must not share open connections.
    connections.close_all()
    server = DaphneProcess(
        "127.0.0.1", partial(make_application, static_wrapper=ASGIStaticFilesHandler)
    )
    server.start()
    if not server.ready.wait(timeout=30):
        server.terminate()
        raise RuntimeError("Daphne did not start within 30 s")
    if not server.errors.empty():
        _error, trace = server.errors.get()
        raise RuntimeError(f"Daphne failed to start:\n{trace}")
    yield SimpleNamespace(url=f"http://127.0.0.1:{server.port.value}", mail_dir=mail_dir)
    server.terminate()
    server.join(timeout=10)


@pytest.fixture
def browser_page(request):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        context = browser.new_context(locale="zh-CN", viewport={"width": 1024, "height": 800})
        page = context.new_page()
        page.set_default_timeout(15_000)
        yield page
        context.close()
        browser.close()


@pytest.fixture
def screenshot(request):
    folder = OUTPUT / request.node.name
    folder.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = folder / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
