"""Which roles a user holds. Read-only helpers shared by navigation and checks."""

from allauth.mfa.models import Authenticator

from accounts.models import ROLES_REQUIRING_SECOND_FACTOR, Role, RoleAssignment, User
from communities.scoping import regions_covering


def scoped_roles_of(user) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(RoleAssignment.objects.filter(user=user).values_list("role", flat=True))


def needs_second_factor(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    return bool(scoped_roles_of(user) & ROLES_REQUIRING_SECOND_FACTOR)


def has_second_factor(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def staff_covering(community_ids, role: str = Role.COMMUNITY_STAFF):
    """Active people holding `role` over at least one of these communities."""
    return User.objects.filter(
        is_active=True,
        role_assignments__role=role,
        role_assignments__region__in=regions_covering(community_ids),
    ).distinct()
