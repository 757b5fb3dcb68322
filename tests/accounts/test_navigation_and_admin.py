import pytest
from allauth.mfa.models import Authenticator
from django.core import mail

pytestmark = pytest.mark.django_db


def with_totp(user):
    Authenticator.objects.get_or_create(
        user=user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "JBSWY3DPEHPK3PXP"}}
    )
    return user


def nav_labels(client) -> list[str]:
    return [str(item["label"]) for item in client.get("/").context["nav_items"]]


def test_a_resident_sees_only_resident_navigation(client, daughter):
    client.force_login(daughter)
    assert nav_labels(client) == ["我的邻里", "我的订单", "我照护的人"]


def test_a_provider_member_also_sees_their_provider(client, caregiver):
    client.force_login(caregiver)
    assert nav_labels(client) == [
        "我的邻里",
        "我的订单",
        "我照护的人",
        "我的上门服务",
        "我的服务商",
    ]


@pytest.mark.parametrize("who", ["community_staff", "district_officer"])
def test_staff_and_officers_see_the_staff_workspace(client, cast, who):
    client.force_login(cast[who])
    assert "工作台" in nav_labels(client)
    assert "Platform admin" not in nav_labels(client)


def test_the_platform_admin_also_sees_platform_admin_here_in_english(client, platform_admin):
    client.force_login(platform_admin)
    client.cookies["django_language"] = "en"
    platform_admin.language = "en"
    platform_admin.save(update_fields=["language"])
    assert nav_labels(client)[-2:] == ["Staff workspace", "Platform admin"]


def test_django_admin_is_for_platform_admins_only(client, community_staff, platform_admin):
    client.force_login(with_totp(community_staff))
    response = client.get("/django-admin/accounts/user/")
    assert response.status_code == 302
    assert response.url.startswith("/django-admin/login/")
    assert client.get(response.url).status_code == 403

    client.force_login(with_totp(platform_admin))
    assert client.get("/django-admin/").status_code == 200


def test_a_password_reset_mail_is_sent_in_the_persons_language(client, daughter):
    response = client.post("/accounts/password/reset/", {"email": daughter.email})

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [daughter.email]
    assert "密码" in mail.outbox[0].subject


def test_logging_out_ends_the_session(client, daughter):
    client.force_login(daughter)
    client.post("/accounts/logout/")
    assert "_auth_user_id" not in client.session
