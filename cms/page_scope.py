"""Which pages an editor may see in Wagtail's admin: every page outside the community
channels (home, the indexes, policies) and the channels of the communities in their scope
with everything below them; never another community's channel (docs/decisions/0021).
Wagtail's page permissions already stop editing; this stops *seeing*, in the chooser,
explorer, search, usage and reports that list pages regardless of permissions."""

from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.functions import Substr
from wagtail.models import Page

from cms.models import CommunityChannelPage
from communities.scoping import communities_scoped_to


def pages_in_scope(pages: QuerySet, user) -> QuerySet:
    """`pages` without those in (or being) a channel of a community outside the user's
    scope. Channels sit at one depth in each language tree, so a page lies in a channel
    when the start of its tree path is the channel's path."""
    if getattr(user, "is_superuser", False):
        return pages
    scoped = communities_scoped_to(user).values("pk")
    allowed = Page.objects.all()
    depths = CommunityChannelPage.objects.values_list("depth", flat=True).distinct()
    for depth in depths:
        foreign_channel = CommunityChannelPage.objects.filter(
            depth=depth, path=Substr(OuterRef("path"), 1, depth * Page.steplen)
        ).exclude(region__in=scoped)
        allowed = allowed.exclude(Exists(foreign_channel))
    # A plain `pk IN (subquery)`: Wagtail's search backend, which the chooser and explorer
    # searches pass this queryset to, understands no other filter than field lookups.
    return pages.filter(pk__in=allowed.values("pk"))


def is_page_in_scope(user, page_id) -> bool:
    return pages_in_scope(Page.objects.filter(pk=page_id), user).exists()
