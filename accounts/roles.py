"""Which roles a user holds. Read-only helpers shared by navigation and checks."""

from allauth.mfa.models import Authenticator

from accounts.models import ROLES_REQUIRING_SECOND_FACTOR, Role, RoleAssignment


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


__all__ = ["Role", "has_second_factor", "needs_second_factor", "scoped_roles_of"]
