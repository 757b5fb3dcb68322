"""orders.access: who each person in the cast is to an order, and that the one-query
answer agrees with the four single questions."""

import pytest
from django.contrib.auth.models import AnonymousUser

from orders import access
from orders.models import Order
from providers.models import ProviderMember
from tests.conftest import LOGGED_IN_CAST

pytestmark = pytest.mark.django_db

# name → (family, manager, assigned worker, staff) for the confirmed order of grandma Li.
EXPECTED = {
    "daughter": (True, False, False, False),
    "son": (False, False, False, False),
    "other_resident": (False, False, False, False),
    "community_staff": (False, False, False, True),
    "street_staff": (False, False, False, True),
    "other_street_staff": (False, False, False, False),
    "district_officer": (False, False, False, False),
    "platform_admin": (False, False, False, True),
    "provider_manager": (False, True, False, False),
    "caregiver": (False, False, True, False),
    "other_provider_manager": (False, False, False, False),
}


def singles(user, order: Order) -> tuple[bool, bool, bool, bool]:
    return (
        access.is_family(user, order),
        access.is_manager(user, order),
        access.is_assigned_worker(user, order),
        access.is_staff(user, order),
    )


def as_tuple(relation: access.Relation) -> tuple[bool, bool, bool, bool]:
    return (relation.family, relation.manager, relation.assigned_worker, relation.staff)


@pytest.mark.parametrize("who", LOGGED_IN_CAST)
def test_each_person_is_what_the_order_says_they_are(cast, confirmed, who):
    user = cast[who]
    assert as_tuple(access.relation_to(user, confirmed)) == EXPECTED[who]
    assert singles(user, confirmed) == EXPECTED[who]


@pytest.mark.parametrize("who", LOGGED_IN_CAST)
def test_with_nobody_sent_yet_nobody_is_the_worker(cast, requested, who):
    user = cast[who]
    relation = access.relation_to(user, requested)
    assert not relation.assigned_worker
    assert as_tuple(relation) == singles(user, requested)


def test_an_owner_manages_as_a_manager_does(cast, confirmed):
    ProviderMember.objects.filter(user=cast["provider_manager"]).update(role="owner")
    assert access.relation_to(cast["provider_manager"], confirmed).manager
    assert access.is_manager(cast["provider_manager"], confirmed)


def test_staff_who_booked_for_someone_without_an_account_are_family(cast, confirmed):
    Order.objects.filter(pk=confirmed.pk).update(assisted_by=cast["community_staff"])
    confirmed.refresh_from_db()
    relation = access.relation_to(cast["community_staff"], confirmed)
    assert relation.family and relation.staff
    assert access.is_family(cast["community_staff"], confirmed)


def test_the_whole_relation_is_one_query(cast, confirmed, django_assert_num_queries):
    with django_assert_num_queries(1):
        access.relation_to(cast["street_staff"], confirmed)


def test_an_anonymous_visitor_is_nobody_and_nothing_is_asked(confirmed, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert access.relation_to(AnonymousUser(), confirmed) == access.NOBODY
        assert not access.is_family(AnonymousUser(), confirmed)
