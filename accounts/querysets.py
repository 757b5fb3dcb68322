from django.db import models
from django.db.models import Q

from communities.scoping import communities_scoped_to


class CareRecipientQuerySet(models.QuerySet):
    def visible_to(self, user) -> "CareRecipientQuerySet":
        """Linked family accounts, the recipient themself, and staff of their community."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(
            Q(links__account=user)
            | Q(account=user)
            | Q(community__in=communities_scoped_to(user, role="community_staff"))
        ).distinct()

    def in_scope_of(self, user) -> "CareRecipientQuerySet":
        """The people of the communities this staff member acts on."""
        return self.filter(community__in=communities_scoped_to(user, role="community_staff"))

    def linked_to(self, user) -> "CareRecipientQuerySet":
        """The recipients this account may book for."""
        return self.filter(Q(links__account=user) | Q(account=user)).distinct()
