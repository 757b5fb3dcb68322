"""Which roles a user holds. Read-only helpers shared by navigation and checks."""

from allauth.mfa.models import Authenticator
from django.db.models import CharField, Value

from accounts.models import ROLES_REQUIRING_SECOND_FACTOR, Role, RoleAssignment, User
from communities.scoping import regions_covering

# Where a user object keeps its roles once asked. The user of a request is loaded afresh for
# each request, so what it remembers lives one request: the second-factor check, the menu of
# the workspace and the site's navigation then cost one query between them, not one each
# (decision 0046).
_REMEMBERED = "_linli_roles"


def _roles(user) -> tuple[frozenset[str], frozenset[str]]:
    """(scoped roles, provider member roles) of a signed-in user, from one query."""
    remembered = user.__dict__.get(_REMEMBERED)
    if remembered is None:
        kind = CharField()
        scoped = RoleAssignment.objects.filter(user=user).annotate(
            kind=Value("scoped", output_field=kind)
        )
        # Through the reverse relation: accounts sits below providers and never imports it.
        member = user.provider_memberships.annotate(kind=Value("member", output_field=kind))
        rows = scoped.values_list("role", "kind").union(member.values_list("role", "kind"))
        found: dict[str, set[str]] = {"scoped": set(), "member": set()}
        for role, where in rows:
            found[where].add(role)
        remembered = (frozenset(found["scoped"]), frozenset(found["member"]))
        user.__dict__[_REMEMBERED] = remembered
    return remembered


def scoped_roles_of(user) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(_roles(user)[0])


def member_roles_of(user) -> set[str]:
    """The roles a user holds in provider organisations (owner, manager, worker)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(_roles(user)[1])


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
