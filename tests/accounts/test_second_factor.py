import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

STAFF_HOME = "/cms-admin/"


def log_in(client, user) -> None:
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302


@pytest.mark.parametrize(
    "who", ["community_staff", "street_staff", "district_officer", "platform_admin"]
)
def test_staff_without_a_second_factor_are_sent_to_set_one_up(client, cast, who):
    Authenticator.objects.filter(user=cast[who]).delete()
    log_in(client, cast[who])

    for page in (STAFF_HOME, "/", "/services/"):
        response = client.get(page)
        assert response.status_code == 302, page
        assert response.url.startswith(reverse("mfa_activate_totp"))


def test_the_setup_page_itself_stays_open(client, community_staff):
    Authenticator.objects.filter(user=community_staff).delete()
    client.force_login(community_staff)
    assert client.get(reverse("mfa_activate_totp")).status_code in {200, 302}
    assert (
        not client.get(reverse("mfa_activate_totp"))
        .get("Location", "")
        .startswith(reverse("mfa_activate_totp"))
    )


def test_the_same_applies_to_django_admin(client, platform_admin):
    Authenticator.objects.filter(user=platform_admin).delete()
    log_in(client, platform_admin)
    response = client.get("/django-admin/")
    assert response.url.startswith(reverse("mfa_activate_totp"))


def test_staff_with_a_second_factor_reach_the_staff_workspace(client, community_staff):
    client.force_login(community_staff)

    assert client.get(STAFF_HOME).status_code == 200


def test_residents_are_not_asked_for_a_second_factor_and_have_no_staff_screens(client, daughter):
    client.force_login(daughter)

    response = client.get(STAFF_HOME)

    assert response.status_code == 404
    assert client.get("/").status_code == 200


def test_a_staff_member_who_set_up_totp_is_asked_for_a_code_at_login(client, community_staff):
    response = client.post(
        "/accounts/login/", {"login": community_staff.email, "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response.url == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session


def test_wagtails_own_login_form_is_not_a_way_around_allauth(client):
    response = client.get("/cms-admin/login/?next=/cms-admin/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_a_pages_background_request_does_not_draw_a_new_key_on_the_set_up_page(
    client, community_staff
):
    """The set-up page's own unread-count request was sent to the set-up page too, which
    drew a new key: the code from the key on the screen was then always refused."""
    from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY

    Authenticator.objects.filter(user=community_staff).delete()
    log_in(client, community_staff)
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    shown = client.session[SECRET_SESSION_KEY]

    unread = client.get(
        reverse("accounts:notifications_unread"), headers={"accept": "application/json"}
    )

    assert unread.status_code == 403
    assert client.session[SECRET_SESSION_KEY] == shown
