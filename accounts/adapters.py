import time

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from django.urls import reverse


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request):
        return reverse("accounts:home")

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """Staff must set up a second factor right after signing in (decision 0004); asking
        for the password they typed a moment ago before that is noise (decision 0042).
        allauth only counts an explicit re-authentication as recent, so a sign-in within
        ACCOUNT_REAUTHENTICATION_TIMEOUT is counted here too; later the prompt returns."""
        required = super().is_reauthentication_required(app=app, **kwargs)
        if not required or app != "allauth.mfa":
            return required
        return not _signed_in_recently(self.request)


def _signed_in_recently(request) -> bool:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    records = get_authentication_records(request, user)
    if not records:
        return False
    return time.time() - records[-1]["at"] < account_settings.REAUTHENTICATION_TIMEOUT
