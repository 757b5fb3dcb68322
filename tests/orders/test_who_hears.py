"""Who hears live of a change to an order: the booker, the recipient's family, the
provider's owner and managers, the assigned worker and the staff covering the order's
community, at any level above it; nobody else, and no one whose account is closed."""

import pytest

from accounts.models import CareLink, Role
from orders.events import concerned_user_ids
from orders.models import Order
from providers.models import ProviderMember
from tests.conftest import make_scoped_user, make_user
from tests.orders.conftest import book, put_in

pytestmark = pytest.mark.django_db


def hearing(order: Order) -> set[int]:
    worker = order.worker.user_id if order.worker_id else None
    return concerned_user_ids(
        booked_by_id=order.booked_by_id,
        care_recipient_id=order.care_recipient_id,
        provider_id=order.provider_id,
        community_id=order.community_id,
        worker_user_id=worker,
    )


def test_the_people_of_an_order_hear_of_it_and_nobody_else(
    cast, slot, grandma_li, pudong, provider_a
):
    CareLink.objects.create(care_recipient=grandma_li, account=cast["son"], relationship="child")
    owner = make_user("owner@anxin.example.cn", "安馨老板")
    ProviderMember.objects.create(provider=provider_a, user=owner, role="owner")
    district_staff = make_scoped_user(
        "staff.pudong@example.cn", "区社工", Role.COMMUNITY_STAFF, pudong
    )
    gone = make_scoped_user(
        "gone@example.cn", "离职社工", Role.COMMUNITY_STAFF, grandma_li.community
    )
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    worker = cast["caregiver"].provider_memberships.get()
    order = put_in(book(cast["daughter"], slot, grandma_li), Order.Status.CONFIRMED, worker=worker)

    expected = {
        cast["daughter"].pk,
        cast["son"].pk,
        cast["provider_manager"].pk,
        owner.pk,
        cast["caregiver"].pk,
        cast["community_staff"].pk,
        cast["street_staff"].pk,
        district_staff.pk,
    }
    assert hearing(order) == expected
    strangers = {"other_resident", "other_street_staff", "other_provider_manager"}
    assert not hearing(order) & {cast[name].pk for name in strangers}
    # The purchaser's officer covers the district too, but for statements, not orders.
    assert cast["district_officer"].pk not in hearing(order)


def test_without_a_worker_or_other_family_the_booker_still_hears(daughter, slot, grandma_li):
    order = book(daughter, slot, grandma_li)
    assert hearing(order) == {daughter.pk}
