"""Who sees which statements: the officers of the purchaser that owes them, and, once
issued, the managers of the provider they pay (DESIGN §8, decision 0035)."""

from django.db import models

from billing.models import Purchaser
from providers.models import Provider

# A draft is the officer's working copy: a provider sees a statement once it is issued.
DRAFT = "draft"


def _providers_managed_by(user) -> models.QuerySet:
    return Provider.objects.managed_by(user).values("pk")


class StatementQuerySet(models.QuerySet):
    def visible_to(self, user) -> "StatementQuerySet":
        return self.filter(purchaser__in=Purchaser.objects.visible_to(user))

    def managed_by(self, user) -> "StatementQuerySet":
        """The issued (and later) statements of the providers this user manages."""
        return self.filter(provider__in=_providers_managed_by(user)).exclude(status=DRAFT)


class StatementLineQuerySet(models.QuerySet):
    def visible_to(self, user) -> "StatementLineQuerySet":
        return self.filter(statement__purchaser__in=Purchaser.objects.visible_to(user))

    def managed_by(self, user) -> "StatementLineQuerySet":
        return self.filter(statement__provider__in=_providers_managed_by(user)).exclude(
            statement__status=DRAFT
        )


class LineContestQuerySet(models.QuerySet):
    def visible_to(self, user) -> "LineContestQuerySet":
        """Contests of lines the purchaser's officers pay."""
        return self.filter(line__statement__purchaser__in=Purchaser.objects.visible_to(user))

    def managed_by(self, user) -> "LineContestQuerySet":
        return self.filter(line__statement__provider__in=_providers_managed_by(user))


class ContestEvidenceQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ContestEvidenceQuerySet":
        return self.filter(
            contest__line__statement__purchaser__in=Purchaser.objects.visible_to(user)
        )

    def managed_by(self, user) -> "ContestEvidenceQuerySet":
        return self.filter(contest__line__statement__provider__in=_providers_managed_by(user))


class StatementJobQuerySet(models.QuerySet):
    def visible_to(self, user) -> "StatementJobQuerySet":
        """Jobs of statements the purchaser's officers read."""
        return self.filter(statement__purchaser__in=Purchaser.objects.visible_to(user))
