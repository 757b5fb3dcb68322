from django.apps import apps
from django.db import models
from django.db.models import Q
from wagtail.query import PageQuerySet

from communities.scoping import communities_scoped_to

STAFF = "community_staff"


class InChannelsQuerySet(PageQuerySet):
    """Pages that live inside a community's channel (activities, surveys)."""

    def in_scope_of(self, user) -> "InChannelsQuerySet":
        """Those inside the channels of the communities this staff member acts on."""
        channels = apps.get_model("cms", "CommunityChannelPage").objects.filter(
            region__in=communities_scoped_to(user, role=STAFF)
        )
        inside = Q(pk__in=[])
        for channel in channels:
            inside |= Q(path__startswith=channel.path)
        return self.filter(inside)


class TargetedNoticeQuerySet(models.QuerySet):
    def in_scope_of(self, user) -> "TargetedNoticeQuerySet":
        """Notices staff may look at: those sent to communities they act on."""
        scope = communities_scoped_to(user, role=STAFF)
        return self.filter(communities__in=scope).distinct()
