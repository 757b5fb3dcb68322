"""A one-time sign-in code signs in once; the used code is kept in the database, not the
cache (decision 0024)."""

import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.urls import reverse

from accounts.models import UsedTotpCode
from accounts.second_factor import mark_code_used
from tests.conftest import PASSWORD, TOTP_SECRET

pytestmark = pytest.mark.django_db


def code_at(counter: int) -> str:
    return format_hotp_value(hotp_value(TOTP_SECRET, counter))


def now_counter() -> int:
    return int(time.time()) // 30


def sign_in(client, user, code: str):
    """Password, then the code; the answer to the code."""
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302 and response.url == reverse("mfa_authenticate")
    return client.post(reverse("mfa_authenticate"), {"code": code})


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_a_staff_member_signs_in_with_the_current_code(client, community_staff):
    response = sign_in(client, community_staff, code_at(now_counter()))

    assert response.status_code == 302
    assert signed_in(client)
    totp = Authenticator.objects.get(user=community_staff, type=Authenticator.Type.TOTP)
    assert UsedTotpCode.objects.filter(authenticator=totp, counter=now_counter()).exists()


def test_a_code_that_signed_in_once_is_refused_the_second_time(client, community_staff):
    code = code_at(now_counter())
    sign_in(client, community_staff, code)
    client.logout()

    again = sign_in(client, community_staff, code)

    assert again.status_code == 200
    assert not signed_in(client)
    assert again.context["form"].errors["code"]


def test_a_wrong_code_is_refused_and_not_recorded(client, community_staff):
    response = sign_in(client, community_staff, code_at(now_counter() + 5))

    assert response.status_code == 200
    assert not signed_in(client)
    assert not UsedTotpCode.objects.exists()


def test_codes_too_old_to_be_valid_are_forgotten_when_a_new_one_is_used(community_staff):
    totp = Authenticator.objects.get(user=community_staff, type=Authenticator.Type.TOTP)
    UsedTotpCode.objects.create(authenticator=totp, counter=now_counter() - 10)

    assert mark_code_used(authenticator=totp, code=code_at(now_counter())) is True

    assert list(UsedTotpCode.objects.values_list("counter", flat=True)) == [now_counter()]
    assert mark_code_used(authenticator=totp, code=code_at(now_counter())) is False
