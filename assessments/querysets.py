from django.db import models

from accounts.models import CareRecipient


class AssessmentQuerySet(models.QuerySet):
    def visible_to(self, user) -> "AssessmentQuerySet":
        """The person's family and the person themself, and staff of their community."""
        return self.filter(care_recipient__in=CareRecipient.objects.visible_to(user))

    def in_scope_of(self, user) -> "AssessmentQuerySet":
        """Assessments of the people of the communities this staff member acts on."""
        return self.filter(care_recipient__in=CareRecipient.objects.in_scope_of(user))

    def holding_on(self, day) -> "AssessmentQuerySet":
        return self.filter(assessed_on__lte=day, valid_until__gte=day)
