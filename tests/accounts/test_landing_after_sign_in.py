"""Issue 20, point 3: each role lands on its own work after signing in, and a `next` still
wins (decision 0042)."""

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def sign_in(client, user, next_url: str = ""):
    # Staff are asked for their code after the password; the landing is the same without it.
    Authenticator.objects.filter(user=user).delete()
    url = "/accounts/login/" + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"login": user.email, "password": PASSWORD})


@pytest.mark.parametrize(
    ("who", "landing"),
    [
        ("provider_manager", "providers:dashboard"),
        ("caregiver", "orders:visits"),
        ("community_staff", "wagtailadmin_home"),
        ("district_officer", "purchase:dashboard"),
        ("daughter", "accounts:home"),
    ],
)
def test_each_role_lands_on_its_own_work_after_signing_in(client, request, who, landing):
    user = request.getfixturevalue(who)

    response = sign_in(client, user)

    assert response.status_code == 302
    assert response.url == reverse(landing)


def test_a_next_parameter_still_wins_over_the_landing(client, provider_manager):
    response = sign_in(client, provider_manager, next_url="/orders/")

    assert response.url == "/orders/"
