import pytest
from django.urls import reverse

from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def test_a_resident_logs_in_with_email_and_password(client, daughter):
    response = client.post(LOGIN, {"login": daughter.email, "password": PASSWORD})

    assert response.status_code == 302
    assert response.url == reverse("accounts:home")
    assert client.get(reverse("accounts:home")).context["user"] == daughter


def test_failed_logins_are_rate_limited_even_with_the_right_password_after(client, daughter):
    for _attempt in range(5):
        response = client.post(LOGIN, {"login": daughter.email, "password": "wrong"})
        assert response.status_code == 200

    response = client.post(LOGIN, {"login": daughter.email, "password": PASSWORD})

    assert response.status_code == 200
    assert "登录失败次数过多" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_rate_limit_message_is_in_english_for_english_users(client, daughter):
    client.cookies["django_language"] = "en"
    for _attempt in range(6):
        response = client.post(LOGIN, {"login": daughter.email, "password": "wrong"})
    assert "Too many failed login attempts" in response.content.decode()


def test_an_unverified_address_cannot_log_in_until_confirmed(client, weifang_1):
    user = make_user("new@example.cn")
    user.emailaddress_set.update(verified=False)

    response = client.post(LOGIN, {"login": user.email, "password": PASSWORD})

    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session
