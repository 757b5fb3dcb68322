import pytest

from accounts.models import Role, RoleAssignment
from communities.models import Region
from communities.scoping import communities_scoped_to, may_act_on_community
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def codes(regions) -> set[str]:
    return set(regions.values_list("code", flat=True))


def test_community_staff_acts_on_their_own_community_only(
    community_staff, weifang_1, weifang_2, laoshan
):
    assert codes(communities_scoped_to(community_staff)) == {weifang_1.code}


def test_street_staff_acts_on_every_community_of_their_street(
    street_staff, weifang_1, weifang_2, laoshan
):
    assert codes(communities_scoped_to(street_staff)) == {weifang_1.code, weifang_2.code}


def test_district_officer_acts_on_every_community_of_every_street(
    district_officer, weifang_1, weifang_2, laoshan
):
    assert codes(communities_scoped_to(district_officer)) == {
        weifang_1.code,
        weifang_2.code,
        laoshan.code,
    }


def test_scope_never_crosses_into_another_district(district_officer, weifang_1):
    other_district = Region.objects.create(
        code="310101", level="district", name_zh="黄浦区", name_en="Huangpu"
    )
    other_street = Region.objects.create(
        code="310101002",
        level="street",
        parent=other_district,
        name_zh="南京东路街道",
        name_en="Nanjing Road East",
    )
    elsewhere = Region.objects.create(
        code="310101002001",
        level="community",
        parent=other_street,
        name_zh="贵州路",
        name_en="Guizhou Road",
    )
    assert not may_act_on_community(district_officer, elsewhere.pk)
    assert may_act_on_community(district_officer, weifang_1.pk)


def test_a_resident_acts_on_no_community(daughter, weifang_1):
    assert not communities_scoped_to(daughter).exists()


def test_anonymous_acts_on_no_community(weifang_1):
    from django.contrib.auth.models import AnonymousUser

    assert not communities_scoped_to(AnonymousUser()).exists()


def test_platform_admin_acts_on_every_community(platform_admin, weifang_1, laoshan):
    assert codes(communities_scoped_to(platform_admin)) == {weifang_1.code, laoshan.code}


def test_scopes_of_two_roles_can_be_told_apart(weifang_1, laoshan, lujiazui):
    user = make_user("both@example.cn")
    RoleAssignment.objects.create(user=user, role=Role.COMMUNITY_STAFF, region=weifang_1)
    RoleAssignment.objects.create(user=user, role=Role.PURCHASER_OFFICER, region=lujiazui)

    assert codes(communities_scoped_to(user, role=Role.COMMUNITY_STAFF)) == {weifang_1.code}
    assert codes(communities_scoped_to(user, role=Role.PURCHASER_OFFICER)) == {laoshan.code}
    assert codes(communities_scoped_to(user)) == {weifang_1.code, laoshan.code}


def test_two_scopes_in_one_street_list_each_community_once(weifang, weifang_1, weifang_2):
    user = make_user("overlap@example.cn")
    RoleAssignment.objects.create(user=user, role=Role.COMMUNITY_STAFF, region=weifang)
    RoleAssignment.objects.create(user=user, role=Role.COMMUNITY_STAFF, region=weifang_1)

    assert list(communities_scoped_to(user).values_list("code", flat=True)) == [
        weifang_1.code,
        weifang_2.code,
    ]
