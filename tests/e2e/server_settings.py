"""Settings of the Daphne process that serves the browser tests: the test settings, on the
test database the pytest process created, with e-mail written to files the test reads."""

import os

from config.test_settings import *  # noqa: F403
from config.test_settings import DATABASES
from tests.clock import follow_parent_clock

# The browser test's clock, not the real one: the test computes codes and dates on it.
follow_parent_clock()

DATABASES["default"]["NAME"] = os.environ["LINLI_E2E_DATABASE_NAME"]
# Uploads go to files under the test's own folder, so the browser can load the photos it
# uploads through /media/ like on a real site.
SERVE_MEDIA = True
STORAGES = {
    **STORAGES,  # noqa: F405
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": os.environ["PRIVATE_MEDIA_ROOT"]},
    },
}
STRIPE_JS_URL = STRIPE_API_BASE.rstrip("/") + "/js.stripe.com/v3/"  # noqa: F405
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "OPTIONS": {"file_path": os.environ["LINLI_E2E_MAIL_DIR"]},
    }
}
