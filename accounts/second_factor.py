"""One-time sign-in codes are used once, recorded in the database (decision 0024).

allauth marks an accepted TOTP code used with `cache.add`. With Redis gone the fail-open
cache (decision 0014) cannot store that mark, so a code would be refused (the add fails) or
accepted again (if the add reported success). allauth has no adapter hook for it, so
`install()` replaces the one method that marks the code, `TOTP._mark_code_used`; everything
else (the check of the code, rate limits, signals) stays allauth's. If allauth changes that
method, `tests/accounts/test_used_totp_codes.py` fails.
"""

from allauth.core.internal.cryptokit import compare_user_code
from allauth.mfa import app_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from allauth.mfa.utils import decrypt
from django.db import IntegrityError, transaction

from accounts.models import UsedTotpCode


def _counter_of(secret: str, code: str) -> int | None:
    """The time step this code was made for, among those allauth accepts now."""
    for counter in yield_hotp_counters_from_time():
        if compare_user_code(actual=code, expected=format_hotp_value(hotp_value(secret, counter))):
            return counter
    return None


def mark_code_used(*, authenticator: Authenticator, code: str) -> bool:
    """Record the code as used; False when it was used before (or is no longer valid).

    The unique constraint decides between two requests racing with the same code: one
    insert wins. Codes too old to be accepted again are pruned on the way."""
    counter = _counter_of(decrypt(authenticator.data["secret"]), code)
    if counter is None:
        return False
    oldest_valid = counter - 2 * app_settings.TOTP_TOLERANCE
    UsedTotpCode.objects.filter(authenticator=authenticator, counter__lt=oldest_valid).delete()
    try:
        with transaction.atomic():
            UsedTotpCode.objects.create(authenticator=authenticator, counter=counter)
    except IntegrityError:
        return False
    return True


def _mark_code_used(self: TOTP, code: str) -> bool:
    return mark_code_used(authenticator=self.instance, code=code)


def install() -> None:
    TOTP._mark_code_used = _mark_code_used
