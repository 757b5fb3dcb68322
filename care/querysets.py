from django.db import models
from django.db.models import Q

from accounts.models import CareRecipient
from communities.scoping import communities_scoped_to
from providers.models import Provider


class CarePlanQuerySet(models.QuerySet):
    def visible_to(self, user) -> "CarePlanQuerySet":
        """The person and their family, staff of their community, the provider's managers
        and the plan's carer."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(
            Q(care_recipient__in=CareRecipient.objects.linked_to(user))
            | Q(care_recipient__community__in=communities_scoped_to(user, role="community_staff"))
            | Q(provider__in=Provider.objects.managed_by(user))
            | Q(worker__user=user)
        ).distinct()
