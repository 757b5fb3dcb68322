"""Who sees which statements: the officers of the purchaser that owes them (DESIGN §8)."""

from django.db import models

from billing.models import Purchaser


class StatementQuerySet(models.QuerySet):
    def visible_to(self, user) -> "StatementQuerySet":
        return self.filter(purchaser__in=Purchaser.objects.visible_to(user))


class StatementLineQuerySet(models.QuerySet):
    def visible_to(self, user) -> "StatementLineQuerySet":
        return self.filter(statement__purchaser__in=Purchaser.objects.visible_to(user))
