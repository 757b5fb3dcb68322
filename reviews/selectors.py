"""Who may see which reviews and complaints."""

from django.db.models import Q, QuerySet

from accounts.models import Role
from communities.scoping import communities_scoped_to
from providers.models import Provider
from reviews.models import Complaint, FeedbackRequest, Review


def published_reviews() -> QuerySet[Review]:
    return Review.objects.filter(status=Review.Status.PUBLISHED)


def complaints_of_family(user) -> QuerySet[Complaint]:
    """Complaints a resident follows: filed by them, or about someone they care for."""
    if not getattr(user, "is_authenticated", False):
        return Complaint.objects.none()
    return Complaint.objects.filter(
        Q(filed_by=user, on_behalf=False)
        | Q(care_recipient__links__account=user)
        | Q(care_recipient__account=user)
    ).distinct()


def complaints_in_scope(user) -> QuerySet[Complaint]:
    return Complaint.objects.filter(
        community__in=communities_scoped_to(user, role=Role.COMMUNITY_STAFF)
    )


def reviews_in_scope(user) -> QuerySet[Review]:
    return Review.objects.filter(
        order__community__in=communities_scoped_to(user, role=Role.COMMUNITY_STAFF)
    )


def reviews_of_managed_providers(user) -> QuerySet[Review]:
    return Review.objects.filter(provider__in=Provider.objects.managed_by(user))


def feedback_of_family(user) -> QuerySet[FeedbackRequest]:
    if not getattr(user, "is_authenticated", False):
        return FeedbackRequest.objects.none()
    return FeedbackRequest.objects.filter(
        Q(order__booked_by=user)
        | Q(order__care_recipient__links__account=user)
        | Q(order__care_recipient__account=user)
    ).distinct()
