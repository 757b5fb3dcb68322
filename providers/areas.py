"""Where a provider works. Before its first approval a provider names its communities
freely: the application decides them all at once. After it, a community leaves at the
provider's word, but a new one is only asked for: staff of that community decide, and
until they approve it is not among the provider's communities, so no service of the
provider can be offered there (docs/decisions/0021)."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from communities.models import Region
from providers import wording
from providers.access import may_decide_community
from providers.exceptions import ProvidersError
from providers.models import CommunityRequest, Provider, ProviderEvent
from providers.moves import lock, record

Action = ProviderEvent.Action


def pending_communities(provider: Provider) -> list[Region]:
    return [
        request.community
        for request in provider.community_requests.pending().select_related("community")
    ]


def set_communities(provider: Provider, *, by: User, wanted: list[Region]) -> None:
    """The manager's list of communities, on a provider already locked by the caller."""
    if not wanted or any(c.level != Region.Level.COMMUNITY for c in wanted):
        raise ProvidersError(_("Please choose at least one community you serve."))
    if provider.approved_at is None:
        provider.communities.set(wanted)
        return
    wanted_ids = {c.pk for c in wanted}
    served_ids = set(provider.communities.values_list("pk", flat=True))
    removed = served_ids - wanted_ids
    if removed:
        _leave(provider, by=by, community_ids=removed)
    pending = provider.community_requests.pending()
    for request in pending.exclude(community__in=wanted_ids):
        _close(request, by=by, status=CommunityRequest.Status.WITHDRAWN)
    asked_ids = set(pending.values_list("community_id", flat=True))
    for community in wanted:
        if community.pk in served_ids or community.pk in asked_ids:
            continue
        request = CommunityRequest.objects.create(
            provider=provider, community=community, requested_by=by
        )
        record(provider, Action.COMMUNITY_REQUESTED, by=by, community=community)
        wording.tell_staff_community_waits(request)


def _leave(provider: Provider, *, by: User, community_ids: set[int]) -> None:
    communities = list(Region.objects.filter(pk__in=community_ids))
    provider.communities.remove(*communities)
    # The catalogue sits above providers: its services are reached through the relation,
    # and removed one by one so that the catalogue's cache hears of it.
    for service in provider.services.filter(communities__in=community_ids).distinct():
        service.communities.remove(*communities)
    for community in communities:
        record(provider, Action.COMMUNITY_REMOVED, by=by, community=community)


def _close(request: CommunityRequest, *, by: User, status: str, reason: str = "") -> None:
    request.status = status
    request.decided_by = by
    request.decided_at = timezone.now()
    request.reason = reason
    request.save(update_fields=["status", "decided_by", "decided_at", "reason"])


def _lock_pending(request: CommunityRequest, by: User) -> tuple[Provider, CommunityRequest]:
    provider = lock(request.provider)
    request = CommunityRequest.objects.select_for_update().get(pk=request.pk)
    if not may_decide_community(by, request):
        raise PermissionDenied
    if request.status != CommunityRequest.Status.PENDING:
        raise ProvidersError(_("This request has already been decided."))
    return provider, request


@transaction.atomic
def approve_community_request(*, request: CommunityRequest, by: User) -> CommunityRequest:
    """Staff of the community let the provider serve it; its services may then be offered
    there."""
    provider, request = _lock_pending(request, by)
    provider.communities.add(request.community)
    _close(request, by=by, status=CommunityRequest.Status.APPROVED)
    record(provider, Action.COMMUNITY_ADDED, by=by, community=request.community)
    wording.tell_managers(
        provider, wording.COMMUNITY_ADDED, community=wording.community_name(request.community)
    )
    return request


@transaction.atomic
def refuse_community_request(
    *, request: CommunityRequest, by: User, reason: str
) -> CommunityRequest:
    """Staff of the community refuse, saying why."""
    reason = (reason or "").strip()
    if not reason:
        raise ProvidersError(_("Please say why the request is refused."))
    provider, request = _lock_pending(request, by)
    _close(request, by=by, status=CommunityRequest.Status.REFUSED, reason=reason)
    record(provider, Action.COMMUNITY_REFUSED, by=by, community=request.community, reason=reason)
    wording.tell_managers(
        provider,
        wording.COMMUNITY_REFUSED,
        community=wording.community_name(request.community),
        reason=reason,
    )
    return request
