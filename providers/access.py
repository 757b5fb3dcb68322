"""Who a user is to a provider: one of those who run it (MANAGING_ROLES), its owner, or
community staff who vet it. Services check these before acting; other apps ask here
rather than spelling out the roles again."""

from accounts.models import User
from providers.models import Provider, ProviderMember


def can_manage_provider(user: User, provider_id: int) -> bool:
    """An owner or manager of this provider."""
    if not getattr(user, "is_authenticated", False):
        return False
    return ProviderMember.objects.managing().filter(user=user, provider_id=provider_id).exists()


def is_owner(user: User, provider: Provider) -> bool:
    return provider.members.filter(user=user, role=ProviderMember.Role.OWNER).exists()


def may_vet(user: User, provider: Provider) -> bool:
    """Community staff whose scope covers a community the provider serves."""
    return Provider.objects.in_scope_of(user).filter(pk=provider.pk).exists()
