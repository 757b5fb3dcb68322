from django.db import models
from django.db.models import Exists, OuterRef, Q

from communities.scoping import communities_scoped_to

STAFF = "community_staff"
# The member roles that run a provider (accept orders, edit services, see its documents);
# a worker only does the visits they are sent to. The one list: everything asks this.
MANAGING_ROLES = ("owner", "manager")


class ProviderMemberQuerySet(models.QuerySet):
    def managing(self) -> "ProviderMemberQuerySet":
        """Owners and managers."""
        return self.filter(role__in=MANAGING_ROLES)


class ProviderQuerySet(models.QuerySet):
    def managed_by(self, user) -> "ProviderQuerySet":
        """Providers where this user is owner or manager."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(members__user=user, members__role__in=MANAGING_ROLES).distinct()

    def in_scope_of(self, user) -> "ProviderQuerySet":
        """Providers serving at least one community this staff member acts on."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.is_superuser:
            return self
        scoped = communities_scoped_to(user, role=STAFF)
        serves_scope = Exists(
            self.model.communities.through.objects.filter(
                provider_id=OuterRef("pk"), region_id__in=scoped.values("pk")
            )
        )
        return self.filter(serves_scope)

    def decidable_by(self, user) -> "ProviderQuerySet":
        """Providers whose every community lies in this staff member's scope: only they
        decide its application (street staff when it spans communities of one street)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.is_superuser:
            return self
        scoped = communities_scoped_to(user, role=STAFF)
        serves_outside = Exists(
            self.model.communities.through.objects.filter(provider_id=OuterRef("pk")).exclude(
                region_id__in=scoped.values("pk")
            )
        )
        return self.in_scope_of(user).exclude(serves_outside)

    def visible_to(self, user) -> "ProviderQuerySet":
        """Whose management pages and documents a user may open: its own managers, and
        community staff whose scope covers a community it serves."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(
            Q(pk__in=self.managed_by(user).values("pk"))
            | Q(pk__in=self.in_scope_of(user).values("pk"))
        )

    def public(self) -> "ProviderQuerySet":
        """What residents can see: approved and not suspended."""
        return self.filter(status="approved")

    def awaiting_review(self) -> "ProviderQuerySet":
        return self.filter(status="submitted").order_by("submitted_at", "pk")


def _providers_of(queryset: models.QuerySet) -> models.QuerySet:
    return queryset.model._meta.get_field("provider").related_model.objects


class ProviderDocumentQuerySet(models.QuerySet):
    def in_scope_of(self, user) -> "ProviderDocumentQuerySet":
        """Documents of the providers this staff member oversees."""
        return self.filter(provider__in=_providers_of(self).in_scope_of(user))

    def visible_to(self, user) -> "ProviderDocumentQuerySet":
        """The provider's own managers, the worker a document belongs to, and staff in scope."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.is_superuser:
            return self
        providers = _providers_of(self)
        return self.filter(
            Q(provider__in=providers.managed_by(user))
            | Q(provider__in=providers.in_scope_of(user))
            | Q(member__user=user)
        ).distinct()

    def current(self) -> "ProviderDocumentQuerySet":
        return self.exclude(status="rejected")


class ProviderGradeQuerySet(models.QuerySet):
    def in_scope_of(self, user) -> "ProviderGradeQuerySet":
        """Grades of the providers this staff member oversees."""
        return self.filter(provider__in=_providers_of(self).in_scope_of(user))


class CommunityRequestQuerySet(models.QuerySet):
    def in_scope_of(self, user) -> "CommunityRequestQuerySet":
        """Requests for a community this staff member acts on: theirs to decide."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(community__in=communities_scoped_to(user, role=STAFF).values("pk"))

    def pending(self) -> "CommunityRequestQuerySet":
        return self.filter(status="pending").order_by("requested_at", "pk")


class VenueQuerySet(models.QuerySet):
    def managed_by(self, user) -> "VenueQuerySet":
        """Venues of providers this user runs (owner or manager)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(
            provider__members__user=user, provider__members__role__in=MANAGING_ROLES
        ).distinct()

    def visible_to(self, user) -> "VenueQuerySet":
        """Whoever may take a venue's roll call: the provider's managers and community staff
        of the venue's community (decision 0028)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(
            Q(provider__members__user=user, provider__members__role__in=MANAGING_ROLES)
            | Q(community__in=communities_scoped_to(user, role=STAFF))
        ).distinct()
