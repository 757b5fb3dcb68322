"""Settings of the Daphne process that serves the browser tests: the test settings, on the
test database the pytest process created, with e-mail written to files the test reads."""

import os

from config.test_settings import *  # noqa: F403
from config.test_settings import DATABASES

DATABASES["default"]["NAME"] = os.environ["LINLI_E2E_DATABASE_NAME"]
STRIPE_JS_URL = STRIPE_API_BASE.rstrip("/") + "/js.stripe.com/v3/"  # noqa: F405
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "OPTIONS": {"file_path": os.environ["LINLI_E2E_MAIL_DIR"]},
    }
}
