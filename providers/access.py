"""Who a user is to a provider: one of those who run it (MANAGING_ROLES), its owner, or
community staff who vet it. Services check these before acting; other apps ask here
rather than spelling out the roles again."""

from accounts.models import User
from communities.scoping import may_act_on_community
from providers.models import CommunityRequest, Provider, ProviderMember
from providers.querysets import STAFF


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


def may_decide_application(user: User, provider: Provider) -> bool:
    """Community staff whose scope covers every community the provider applies to serve:
    staff of one community cannot admit a provider into their neighbours' communities."""
    return Provider.objects.decidable_by(user).filter(pk=provider.pk).exists()


def may_decide_community(user: User, request: CommunityRequest) -> bool:
    """Community staff of the community a provider asks to add."""
    return may_act_on_community(user, request.community_id, role=STAFF)
