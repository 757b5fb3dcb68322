from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import translation

from accounts.models import Notification
from accounts.notifications import language_of


@task()
def send_notification_email(*, notification_id: int) -> None:
    """E-mail one notification to its reader, in their language."""
    notification = Notification.objects.select_related("user").get(pk=notification_id)
    user = notification.user
    with translation.override(language_of(user)):
        text = notification.text
        context = {
            "user": user,
            "text": text,
            "link": settings.SITE_URL.rstrip("/") + notification.url if notification.url else "",
        }
        body = render_to_string("accounts/email/notification.txt", context)
        subject = render_to_string("accounts/email/notification_subject.txt", context).strip()
    send_mail(subject, body, None, [user.email])
