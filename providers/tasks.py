from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone, translation

from providers.expiry import process_document_expiry
from providers.models import ProviderInvitation


@task()
def check_document_expiry() -> dict:
    """Daily: expiry warnings and suspensions (see providers.expiry)."""
    report = process_document_expiry(today=timezone.localdate())
    return {
        "warned": len(report.warned),
        "expired": len(report.expired),
        "suspended_providers": len(report.suspended_providers),
        "suspended_workers": len(report.suspended_workers),
    }


@task()
def send_invitation_email(*, invitation_id: int) -> None:
    """The invitee may have no account yet: the e-mail goes to the address, in the
    inviting owner's language (the invitee has not chosen one)."""
    invitation = ProviderInvitation.objects.select_related("provider", "invited_by").get(
        pk=invitation_id
    )
    language = (invitation.invited_by and invitation.invited_by.language) or (
        settings.LANGUAGE_CODE
    )
    with translation.override(language):
        context = {
            "invitation": invitation,
            "link": settings.SITE_URL.rstrip("/") + invitation.get_absolute_url(),
        }
        subject = render_to_string("providers/email/invitation_subject.txt", context).strip()
        body = render_to_string("providers/email/invitation.txt", context)
    send_mail(subject, body, None, [invitation.email])
