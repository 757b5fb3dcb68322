"""Who sees which reviews and complaints: one queryset method for each way of seeing them."""

import pytest
from django.contrib.auth.models import AnonymousUser

from reviews import services
from reviews.models import Complaint, Review
from tests.reviews.conftest import review

pytestmark = pytest.mark.django_db

# The purchaser officer of the district is not community staff.
STAFF_IN_SCOPE = {"community_staff", "street_staff", "platform_admin"}


def test_staff_see_reviews_and_complaints_of_their_communities_only(cast, daughter, closed_order):
    review(closed_order, daughter)
    services.file_complaint(
        by=daughter,
        provider=closed_order.provider,
        order=closed_order,
        care_recipient=None,
        category="quality",
        description="服务时间不足一小时",
    )
    for who, user in cast.items():
        user = user or AnonymousUser()
        expected = who in STAFF_IN_SCOPE
        assert Review.objects.in_scope_of(user).exists() == expected, who
        assert Complaint.objects.in_scope_of(user).exists() == expected, who


def test_the_family_follows_its_complaints_and_managers_their_providers_reviews(
    cast, daughter, closed_order
):
    written = review(closed_order, daughter)
    complaint = services.file_complaint(
        by=daughter,
        provider=closed_order.provider,
        order=closed_order,
        care_recipient=None,
        category="quality",
        description="服务时间不足一小时",
    )
    assert list(Complaint.objects.for_family_of(daughter)) == [complaint]
    assert not Complaint.objects.for_family_of(cast["other_resident"]).exists()
    assert not Complaint.objects.for_family_of(AnonymousUser()).exists()
    assert list(Review.objects.managed_by(cast["provider_manager"])) == [written]
    assert not Review.objects.managed_by(cast["caregiver"]).exists()
    assert not Review.objects.managed_by(cast["other_provider_manager"]).exists()
    assert not Review.objects.published().exists()
    Review.objects.filter(pk=written.pk).update(status=Review.Status.PUBLISHED)
    assert list(Review.objects.published()) == [written]
