"""How a provider's admission status changes and how its history is written, for every
module that changes providers (services, members, expiry): lock the row first, check the
step against the table in providers.transitions, save only what changed, and add one
ProviderEvent."""

from django.utils import timezone

from accounts.models import User
from communities.models import Region
from providers.models import Provider, ProviderDocument, ProviderEvent, ProviderMember
from providers.transitions import target_of

Status = Provider.Status


def lock(provider: Provider) -> Provider:
    """The provider's row, locked until the transaction ends: two decisions taken at once
    (staff approve while the expiry job suspends) happen one after the other."""
    return Provider.objects.select_for_update().get(pk=provider.pk)


def record(
    provider: Provider,
    action: str,
    *,
    by: User | None,
    before: str = "",
    after: str = "",
    reason: str = "",
    document: ProviderDocument | None = None,
    member: ProviderMember | None = None,
    community: Region | None = None,
) -> ProviderEvent:
    """An entry in the provider's history; on its own, for events that change no status."""
    return ProviderEvent.objects.create(
        provider=provider,
        action=action,
        actor=by,
        from_status=before,
        to_status=after,
        reason=reason,
        document=document,
        member=member,
        community=community,
    )


def move(provider: Provider, *, action: str, by: User | None, reason: str = "") -> ProviderEvent:
    """One step of the admission table on a locked provider, recorded."""
    to = target_of(action, provider.status)
    before = provider.status
    provider.status = to
    fields = ["status"]
    if to == Status.SUSPENDED:
        fields.append("suspension_cause")
    elif before == Status.SUSPENDED:
        provider.suspension_cause = ""
        fields.append("suspension_cause")
    if to == Status.SUBMITTED:
        provider.submitted_at = timezone.now()
        fields.append("submitted_at")
    if to == Status.APPROVED and provider.approved_at is None:
        provider.approved_at = timezone.now()
        fields.append("approved_at")
    provider.save(update_fields=fields)
    return record(provider, action, by=by, before=before, after=to, reason=reason)
