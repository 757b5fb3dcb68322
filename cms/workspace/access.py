from django.http import Http404
from wagtail.admin.menu import MenuItem

from accounts.models import Role
from accounts.roles import scoped_roles_of


def is_community_staff(user) -> bool:
    return user.is_superuser or Role.COMMUNITY_STAFF in scoped_roles_of(user)


def require_community_staff(user) -> None:
    # 404, not 403: to anyone else these screens do not exist (docs/decisions/0006).
    if not is_community_staff(user):
        raise Http404


class StaffOnlyMixin:
    """For a workspace view: anyone but community staff gets a 404."""

    def dispatch(self, request, *args, **kwargs):
        require_community_staff(request.user)
        return super().dispatch(request, *args, **kwargs)


class CommunityStaffMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return is_community_staff(request.user)
