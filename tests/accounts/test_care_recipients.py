import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from accounts import services
from accounts.exceptions import AccountsError
from accounts.models import CareLink, CareRecipient, User
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def test_a_daughter_adds_her_mother_who_has_no_account(daughter, weifang_1):
    mother = services.create_care_recipient(
        by=daughter,
        name="李秀兰",
        community=weifang_1,
        address="潍坊路 100 弄",
        relationship="child",
        living_alone=True,
    )

    assert mother.account is None
    assert list(mother.links.values_list("account__email", "relationship")) == [
        (daughter.email, "child")
    ]
    assert list(CareRecipient.objects.linked_to(daughter)) == [mother]


def test_a_care_recipient_shared_by_two_accounts_is_bookable_by_both(grandma_li, daughter, son):
    services.share_care_recipient(
        care_recipient=grandma_li, by=daughter, email=son.email, relationship="child"
    )

    assert list(CareRecipient.objects.linked_to(daughter)) == [grandma_li]
    assert list(CareRecipient.objects.linked_to(son)) == [grandma_li]
    assert grandma_li.links.count() == 2
    assert CareLink.objects.get(account=son).created_by == daughter


def test_sharing_refuses_an_address_that_is_not_verified(grandma_li, daughter):
    stranger = make_user("typo@example.cn")
    stranger.emailaddress_set.update(verified=False)

    with translation.override("zh-hans"), pytest.raises(AccountsError) as error:
        services.share_care_recipient(
            care_recipient=grandma_li, by=daughter, email=stranger.email, relationship="child"
        )

    assert "typo@example.cn" in str(error.value.message)
    assert "未找到" in str(error.value.message)
    assert grandma_li.links.count() == 1


def test_only_a_linked_account_may_share(grandma_li, other_resident, son):
    with pytest.raises(PermissionDenied):
        services.share_care_recipient(
            care_recipient=grandma_li, by=other_resident, email=son.email, relationship="child"
        )
    assert grandma_li.links.count() == 1


def test_staff_of_the_recipients_community_may_link_a_family_account(
    grandma_li, community_staff, son
):
    services.share_care_recipient(
        care_recipient=grandma_li, by=community_staff, email=son.email, relationship="child"
    )
    assert CareRecipient.objects.linked_to(son).get() == grandma_li


def test_sharing_twice_with_the_same_account_is_refused_with_a_message(grandma_li, daughter, son):
    services.share_care_recipient(
        care_recipient=grandma_li, by=daughter, email=son.email, relationship="child"
    )
    with translation.override("en"), pytest.raises(AccountsError) as error:
        services.share_care_recipient(
            care_recipient=grandma_li, by=daughter, email=son.email, relationship="child"
        )
    assert str(error.value.message) == "This account can already book for 李秀兰."
    assert grandma_li.links.count() == 2


def test_recipients_are_visible_to_family_and_community_staff_only(
    grandma_li, daughter, other_resident, community_staff, street_staff, other_street_staff
):
    visible = CareRecipient.objects.visible_to
    assert list(visible(daughter)) == [grandma_li]
    assert list(visible(community_staff)) == [grandma_li]
    assert list(visible(street_staff)) == [grandma_li]
    assert not visible(other_resident).exists()
    assert not visible(other_street_staff).exists()


def test_a_resident_can_list_themself_only_once(daughter, weifang_1):
    services.create_care_recipient(
        by=daughter, name="王芳", community=weifang_1, address="x", relationship="self"
    )
    with pytest.raises(AccountsError):
        services.create_care_recipient(
            by=daughter, name="王芳", community=weifang_1, address="x", relationship="self"
        )
    assert CareRecipient.objects.filter(account=daughter).count() == 1


def test_a_recipient_must_live_in_a_community_not_a_street(daughter, weifang):
    with pytest.raises(AccountsError):
        services.create_care_recipient(
            by=daughter, name="x", community=weifang, address="x", relationship="child"
        )
    assert not CareRecipient.objects.exists()


def test_removing_ones_own_link_keeps_the_recipient_for_the_others(grandma_li, daughter, son):
    link = services.share_care_recipient(
        care_recipient=grandma_li, by=daughter, email=son.email, relationship="child"
    )
    services.unlink_care_recipient(link=link, by=son)

    assert list(CareRecipient.objects.linked_to(daughter)) == [grandma_li]
    assert not CareRecipient.objects.linked_to(son).exists()


def test_nobody_removes_another_familys_link(grandma_li, daughter, other_resident):
    link = grandma_li.links.get(account=daughter)
    with pytest.raises(PermissionDenied):
        services.unlink_care_recipient(link=link, by=other_resident)
    assert grandma_li.links.count() == 1


def test_one_recipient_answers_who_may_book_as_the_list_does(grandma_li, daughter, son):
    own = make_user("zhang.self@example.cn")
    grandpa = CareRecipient.objects.create(
        name="张大爷", community=grandma_li.community, address="1号", account=own
    )
    stranger = make_user("stranger@example.cn")
    for recipient in (grandma_li, grandpa):
        for user in (daughter, son, own, stranger, User()):
            listed = (
                user.pk is not None
                and CareRecipient.objects.linked_to(user).filter(pk=recipient.pk).exists()
            )
            assert recipient.is_linked_to(user) == listed, (recipient, user)
    assert grandma_li.is_linked_to(daughter) and grandpa.is_linked_to(own)
    assert not grandma_li.is_linked_to(User())


def test_staff_register_someone_without_an_account_in_their_community_only(
    community_staff, other_street_staff, weifang_1, weifang
):
    neighbour = services.register_care_recipient_for_assistance(
        by=community_staff,
        name="张阿婆",
        community=weifang_1,
        address="潍坊路 200 弄",
        living_alone=True,
        disability_level=2,
    )

    assert (neighbour.account, neighbour.created_by) == (None, community_staff)
    assert neighbour.living_alone and neighbour.disability_level == 2
    assert not neighbour.links.exists()
    for by, community in ((other_street_staff, weifang_1), (community_staff, weifang)):
        with pytest.raises(PermissionDenied):
            services.register_care_recipient_for_assistance(
                by=by, name="张阿婆", community=community, address="潍坊路 200 弄"
            )


def test_staff_correct_circumstances_of_people_in_their_scope_only(
    grandma_li, community_staff, other_street_staff
):
    circumstances = {
        "birth_date": grandma_li.birth_date,
        "living_alone": True,
        "minimum_living_allowance": True,
        "low_income": False,
        "disability_level": 3,
        "special_care": False,
    }
    with pytest.raises(PermissionDenied):
        services.update_circumstances(
            care_recipient=grandma_li, by=other_street_staff, **circumstances
        )
    services.update_circumstances(care_recipient=grandma_li, by=community_staff, **circumstances)

    grandma_li.refresh_from_db()
    assert grandma_li.minimum_living_allowance and grandma_li.disability_level == 3
