"""Doors to the membership of a provider: invitations by e-mail, joining, leaving."""

from functools import partial

from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.notifications import translatable
from providers import wording
from providers.access import is_owner
from providers.exceptions import ProvidersError
from providers.models import Provider, ProviderEvent, ProviderInvitation, ProviderMember
from providers.moves import lock, record

Action = ProviderEvent.Action


@transaction.atomic
def invite_member(
    *, provider: Provider, by: User, email: str, role: str, gives_eldercare: bool = False
) -> ProviderInvitation:
    """The owner invites someone by e-mail to join as manager or worker."""
    provider = lock(provider)
    if not is_owner(by, provider):
        raise PermissionDenied
    if role not in {ProviderMember.Role.MANAGER, ProviderMember.Role.WORKER}:
        raise ProvidersError(_("Invite people as manager or worker."))
    email = email.strip().lower()
    if provider.members.filter(user__email__iexact=email).exists():
        raise ProvidersError(_("%(email)s is already a member.") % {"email": email})
    invitation = ProviderInvitation.objects.create(
        provider=provider,
        email=email,
        role=role,
        gives_eldercare=gives_eldercare and role == ProviderMember.Role.WORKER,
        invited_by=by,
    )
    record(
        provider, Action.MEMBER_INVITED, by=by, reason=f"{email} ({invitation.get_role_display()})"
    )
    from providers.tasks import send_invitation_email

    transaction.on_commit(partial(send_invitation_email.enqueue, invitation_id=invitation.pk))
    return invitation


@transaction.atomic
def accept_invitation(*, invitation: ProviderInvitation, user: User) -> ProviderMember:
    """The invited person, signed in with the verified address, joins the provider."""
    invitation = ProviderInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ProvidersError(_("This invitation has already been used."))
    owns_address = EmailAddress.objects.filter(
        user=user, email__iexact=invitation.email, verified=True
    ).exists()
    if not owns_address:
        raise ProvidersError(
            _(
                "This invitation was sent to %(email)s. Please sign in with that address "
                "(and confirm it) to accept."
            )
            % {"email": invitation.email}
        )
    provider = lock(invitation.provider)
    member, created = ProviderMember.objects.get_or_create(
        provider=provider,
        user=user,
        defaults={"role": invitation.role, "gives_eldercare": invitation.gives_eldercare},
    )
    if not created:
        raise ProvidersError(
            _("You are already a member of %(provider)s.") % {"provider": provider.name}
        )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    record(provider, Action.MEMBER_JOINED, by=user, member=member)
    wording.tell_managers(
        provider,
        wording.MEMBER_JOINED,
        person=str(user),
        role=translatable(member.get_role_display()),
    )
    return member


@transaction.atomic
def remove_member(*, member: ProviderMember, by: User) -> None:
    """The owner removes a member (a member may also leave); the last owner stays."""
    provider = lock(member.provider)
    member = ProviderMember.objects.select_for_update().get(pk=member.pk)
    if not (is_owner(by, provider) or member.user_id == by.pk):
        raise PermissionDenied
    if (
        member.role == ProviderMember.Role.OWNER
        and provider.members.filter(role=ProviderMember.Role.OWNER).count() == 1
    ):
        raise ProvidersError(_("The last owner cannot be removed."))
    record(provider, Action.MEMBER_REMOVED, by=by, reason=str(member.user))
    member.delete()
