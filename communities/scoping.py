"""The one answer to "which communities may this user act on?".

Scopes are granted in accounts (a staff member or purchaser officer is assigned a
district, street or community); this module reads them through the reverse relation
so that communities stays at the bottom of the import order.
"""

from django.db.models import Q, QuerySet

from communities.models import Region


def scope_regions_of(user, role: str | None = None) -> QuerySet[Region]:
    """Regions (any level) this user has been given, optionally for one role only."""
    if not getattr(user, "is_authenticated", False):
        return Region.objects.none()
    regions = Region.objects.filter(role_assignments__user=user)
    if role is not None:
        regions = regions.filter(role_assignments__role=role)
    return regions.distinct()


def communities_scoped_to(user, role: str | None = None) -> QuerySet[Region]:
    """Communities the user may act on: every community at or under their scopes.

    Platform admins act everywhere; a street scope covers all its communities, a
    district scope all its streets' communities.
    """
    if not getattr(user, "is_authenticated", False):
        return Region.objects.none()
    if user.is_superuser:
        return Region.objects.communities()
    scope_ids = scope_regions_of(user, role).values("pk")
    return Region.objects.communities_under(scope_ids)


def may_act_on_community(user, community_id: int, role: str | None = None) -> bool:
    return communities_scoped_to(user, role).filter(pk=community_id).exists()


def regions_covering(community_ids) -> QuerySet[Region]:
    """The communities themselves and every street and district above them: whoever is
    scoped to one of these acts on at least one of the communities."""
    return Region.objects.filter(
        Q(pk__in=community_ids)
        | Q(children__pk__in=community_ids)
        | Q(children__children__pk__in=community_ids)
    ).distinct()
