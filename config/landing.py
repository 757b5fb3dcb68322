"""Where a person lands after signing in: the screen of the work they come for, not the
resident's page for everyone (docs/decisions/0042). It reads roles from accounts and
providers, so it lives in config, above both."""

from django.urls import reverse

from accounts.models import Role, RoleAssignment
from providers.models import ProviderMember

# The first of these a person holds decides; an officer who is also community staff comes
# for the purchase screens, a provider manager who also works visits for the dashboard.
LANDINGS: tuple[tuple[str, str], ...] = (
    (Role.PURCHASER_OFFICER, "purchase:dashboard"),
    (Role.COMMUNITY_STAFF, "wagtailadmin_home"),
    (ProviderMember.Role.OWNER, "providers:dashboard"),
    (ProviderMember.Role.MANAGER, "providers:dashboard"),
    (ProviderMember.Role.WORKER, "orders:visits"),
)


def landing_url(user) -> str:
    if not getattr(user, "is_authenticated", False):
        return reverse("accounts:home")
    roles = set(RoleAssignment.objects.filter(user=user).values_list("role", flat=True))
    roles |= set(ProviderMember.objects.filter(user=user).values_list("role", flat=True))
    for role, url_name in LANDINGS:
        if role in roles:
            return reverse(url_name)
    if user.is_superuser:
        return reverse("wagtailadmin_home")
    return reverse("accounts:home")
