"""The platform admin creates purchasers and appoints and removes their officers in the
workspace (issue 17, point 1; decision 0032): officers need a second factor before they are
appointed, every change is in the audit log, and nobody else may do any of it."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation
from wagtail.models import ModelLogEntry

from accounts.models import Notification, Role, RoleAssignment
from billing import services as billing_services
from billing.exceptions import BillingError
from billing.models import Purchaser, PurchaserOfficer
from tests.conftest import make_user, with_second_factor

pytestmark = pytest.mark.django_db


@pytest.fixture
def new_officer(db):
    return with_second_factor(make_user("zhou.officer@example.cn", "周科员", language="en"))


def history(purchaser) -> list[str]:
    return list(
        ModelLogEntry.objects.for_instance(purchaser)
        .order_by("pk")
        .values_list("action", flat=True)
    )


def test_the_platform_admin_creates_a_purchaser_for_a_district_and_it_is_logged(
    client, platform_admin, pudong
):
    client.force_login(platform_admin)
    response = client.post(
        reverse("purchasers:index"),
        {"name_zh": "浦东新区民政局", "name_en": "Pudong Civil Affairs", "region": pudong.pk},
    )
    purchaser = Purchaser.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("purchasers:purchaser", args=[purchaser.pk])
    assert (purchaser.name_zh, purchaser.region) == ("浦东新区民政局", pudong)
    entry = ModelLogEntry.objects.for_instance(purchaser).get()
    assert (entry.action, entry.user) == ("linli.purchaser.create", platform_admin)


def test_a_purchaser_is_not_made_for_a_single_community(platform_admin, weifang_1):
    with pytest.raises(BillingError):
        billing_services.create_purchaser(
            name_zh="居委会", name_en="", region=weifang_1, by=platform_admin
        )
    assert not Purchaser.objects.exists()


def test_an_appointed_officer_gets_the_role_for_the_region_and_is_told_in_their_language(
    client, platform_admin, bureau, new_officer
):
    client.force_login(platform_admin)
    response = client.post(
        reverse("purchasers:appoint", args=[bureau.pk]), {"email": "Zhou.Officer@example.cn"}
    )
    assert response.status_code == 302
    assert PurchaserOfficer.objects.filter(purchaser=bureau, user=new_officer).exists()
    assert RoleAssignment.objects.filter(
        user=new_officer, role=Role.PURCHASER_OFFICER, region=bureau.region
    ).exists()
    assert new_officer.groups.filter(name=Role.PURCHASER_OFFICER).exists()
    assert Purchaser.objects.visible_to(new_officer).get() == bureau
    note = Notification.objects.get(user=new_officer, kind="office")
    with translation.override("en"):
        assert note.text.startswith("You are now an officer of Pudong Civil Affairs")
    assert history(bureau) == ["linli.purchaser.appoint_officer"]
    page = client.get(reverse("purchasers:purchaser", args=[bureau.pk])).content.decode()
    assert "zhou.officer@example.cn" in page


def test_an_account_without_an_authenticator_app_is_not_appointed(platform_admin, bureau):
    person = make_user("no.totp@example.cn")
    with pytest.raises(BillingError) as refused:
        billing_services.appoint_officer(
            purchaser=bureau, email="no.totp@example.cn", by=platform_admin
        )
    assert "身份验证器应用" in str(refused.value.message)
    assert not PurchaserOfficer.objects.filter(user=person).exists()
    assert not RoleAssignment.objects.filter(user=person).exists()
    assert history(bureau) == []


def test_an_unknown_address_or_a_second_appointment_is_refused(
    platform_admin, bureau, district_officer
):
    with pytest.raises(BillingError):
        billing_services.appoint_officer(
            purchaser=bureau, email="nobody@example.cn", by=platform_admin
        )
    with pytest.raises(BillingError):
        billing_services.appoint_officer(
            purchaser=bureau, email=district_officer.email, by=platform_admin
        )
    assert PurchaserOfficer.objects.filter(purchaser=bureau).count() == 1


def test_a_removed_officer_loses_the_purchaser_and_the_role_and_it_is_logged(
    client, platform_admin, bureau, new_officer
):
    officer = billing_services.appoint_officer(
        purchaser=bureau, email=new_officer.email, by=platform_admin
    )
    client.force_login(platform_admin)
    response = client.post(reverse("purchasers:remove", args=[officer.pk]))
    assert response.status_code == 302
    assert not PurchaserOfficer.objects.filter(pk=officer.pk).exists()
    assert not RoleAssignment.objects.filter(user=new_officer).exists()
    assert not new_officer.groups.filter(name=Role.PURCHASER_OFFICER).exists()
    assert not Purchaser.objects.visible_to(new_officer).exists()
    assert history(bureau) == [
        "linli.purchaser.appoint_officer",
        "linli.purchaser.remove_officer",
    ]
    page = client.get(reverse("purchasers:purchaser", args=[bureau.pk])).content.decode()
    assert "移除经办人 zhou.officer@example.cn" in page
    assert "任命 zhou.officer@example.cn 为经办人" in page
    platform_admin.language = "en"
    platform_admin.save(update_fields=["language"])
    page = client.get(reverse("purchasers:purchaser", args=[bureau.pk])).content.decode()
    assert "Removed zhou.officer@example.cn as an officer" in page


def test_an_officer_of_two_purchasers_in_one_region_keeps_the_role_until_the_last_goes(
    platform_admin, bureau, new_officer, pudong
):
    other = billing_services.create_purchaser(
        name_zh="浦东新区卫健委", name_en="", region=pudong, by=platform_admin
    )
    first = billing_services.appoint_officer(
        purchaser=bureau, email=new_officer.email, by=platform_admin
    )
    second = billing_services.appoint_officer(
        purchaser=other, email=new_officer.email, by=platform_admin
    )
    billing_services.remove_officer(officer=first, by=platform_admin)
    assert RoleAssignment.objects.filter(user=new_officer, region=pudong).exists()
    billing_services.remove_officer(officer=second, by=platform_admin)
    assert not RoleAssignment.objects.filter(user=new_officer).exists()
    assert not new_officer.groups.filter(pk=Group.objects.get(name=Role.PURCHASER_OFFICER).pk)


@pytest.mark.parametrize("who", ["district_officer", "community_staff", "daughter"])
def test_nobody_but_a_platform_admin_manages_purchasers(client, cast, bureau, new_officer, who):
    user = cast[who]
    with pytest.raises(PermissionDenied):
        billing_services.create_purchaser(
            name_zh="冒名局", name_en="", region=bureau.region, by=user
        )
    with pytest.raises(PermissionDenied):
        billing_services.appoint_officer(purchaser=bureau, email=new_officer.email, by=user)
    officer = PurchaserOfficer.objects.get(purchaser=bureau)
    with pytest.raises(PermissionDenied):
        billing_services.remove_officer(officer=officer, by=user)
    client.force_login(user)
    assert client.get(reverse("purchasers:index")).status_code == 404
    assert client.get(reverse("purchasers:purchaser", args=[bureau.pk])).status_code == 404
    assert (
        client.post(
            reverse("purchasers:appoint", args=[bureau.pk]), {"email": new_officer.email}
        ).status_code
        == 404
    )
    assert client.post(reverse("purchasers:remove", args=[officer.pk])).status_code == 404
    assert PurchaserOfficer.objects.filter(purchaser=bureau).count() == 1
    assert Purchaser.objects.count() == 1


def test_the_menu_shows_purchasers_only_to_platform_admins(client, platform_admin, bureau, cast):
    client.force_login(platform_admin)
    assert reverse("purchasers:index") in client.get("/cms-admin/").content.decode()
    client.force_login(cast["district_officer"])
    assert reverse("purchasers:index") not in client.get("/cms-admin/").content.decode()
