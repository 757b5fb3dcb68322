"""Issue 20, point 7: a staff member's first sign-in leads straight through setting up the
second factor and the recovery codes to the workspace (decision 0042)."""

import time

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def sign_in_without_a_second_factor(client, user) -> None:
    Authenticator.objects.filter(user=user).delete()
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_setting_up_the_second_factor_right_after_signing_in_does_not_ask_for_the_password(
    client, community_staff
):
    sign_in_without_a_second_factor(client, community_staff)

    response = client.get(reverse("mfa_activate_totp"))

    assert response.status_code == 200
    assert "totp_url" in response.context


def test_the_password_is_asked_again_once_the_sign_in_is_no_longer_fresh(client, community_staff):
    sign_in_without_a_second_factor(client, community_staff)

    with time_machine.travel(time.time() + 3600, tick=False):
        response = client.get(reverse("mfa_activate_totp"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_reauthenticate"))


def test_the_recovery_codes_page_after_the_setup_leads_on_to_the_workspace(client, community_staff):
    sign_in_without_a_second_factor(client, community_staff)
    secret = client.get(reverse("mfa_activate_totp")).context["form"].secret

    response = client.post(reverse("mfa_activate_totp"), {"code": current_code(secret)})
    assert response.status_code == 302
    assert response.url == reverse("mfa_view_recovery_codes")
    page = client.get(response.url)

    assert page.status_code == 200
    assert 'data-testid="continue-after-codes"' in page.text
    assert f'href="{reverse("wagtailadmin_home")}"' in page.text
    assert client.get(reverse("wagtailadmin_home")).status_code == 200
