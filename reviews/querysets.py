"""Who sees which reviews, complaints and feedback requests: the residents whose order it
was (`for_family_of`), the provider's managers (`managed_by`) and community staff of the
order's community (`in_scope_of`), each a method of the model's queryset (DESIGN §8)."""

from django.db import models
from django.db.models import Q

from communities.scoping import communities_scoped_to
from providers.models import Provider

STAFF = "community_staff"


class ReviewQuerySet(models.QuerySet):
    def published(self) -> "ReviewQuerySet":
        return self.filter(status="published")

    def in_scope_of(self, user) -> "ReviewQuerySet":
        """Reviews of orders in the communities this staff member acts on."""
        return self.filter(order__community__in=communities_scoped_to(user, role=STAFF))

    def managed_by(self, user) -> "ReviewQuerySet":
        """Reviews of the providers this user runs (to reply to)."""
        return self.filter(provider__in=Provider.objects.managed_by(user))


class ComplaintQuerySet(models.QuerySet):
    def for_family_of(self, user) -> "ComplaintQuerySet":
        """Complaints a resident follows: filed by them, or about someone they care for."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(
            Q(filed_by=user, on_behalf=False)
            | Q(care_recipient__links__account=user)
            | Q(care_recipient__account=user)
        ).distinct()

    def in_scope_of(self, user) -> "ComplaintQuerySet":
        """Complaints from the communities this staff member acts on."""
        return self.filter(community__in=communities_scoped_to(user, role=STAFF))


class FeedbackRequestQuerySet(models.QuerySet):
    def for_family_of(self, user) -> "FeedbackRequestQuerySet":
        """Feedback asked of the family of the order's care recipient."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(
            Q(order__booked_by=user)
            | Q(order__care_recipient__links__account=user)
            | Q(order__care_recipient__account=user)
        ).distinct()


class SpotCheckQuerySet(models.QuerySet):
    def in_scope_of(self, user) -> "SpotCheckQuerySet":
        """Checks of visits in the communities this staff member acts on, and of providers
        serving one of them; never a check of a visit this person booked, for themself or at
        the desk for someone else (decision 0037)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        scoped = communities_scoped_to(user, role=STAFF)
        return (
            self.filter(
                Q(order__community__in=scoped)
                | Q(order__isnull=True, provider__in=Provider.objects.in_scope_of(user))
            )
            .exclude(order__booked_by=user)
            .exclude(order__assisted_by=user)
        )

    def managed_by(self, user) -> "SpotCheckQuerySet":
        """The outcomes of checks of the providers this user runs."""
        return self.filter(provider__in=Provider.objects.managed_by(user), checked_at__isnull=False)
