from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ActivityRegistration(models.Model):
    """A place at an activity (or on its waiting list) for the account holder or for a
    person they care for. Cancelled rows stay, so the waiting list keeps its history."""

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        WAITING = "waiting", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    activity = models.ForeignKey(
        "cms.ActivityPage",
        verbose_name=_("activity"),
        on_delete=models.CASCADE,
        related_name="registrations",
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.CASCADE,
        related_name="activity_registrations",
    )
    care_recipient = models.ForeignKey(
        "accounts.CareRecipient",
        verbose_name=_("for"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="activity_registrations",
    )
    # One live registration per person at an activity: "u<user>" for the account holder
    # themself, "r<recipient>" for a person they care for (whoever registered them).
    attendee = models.CharField(max_length=20, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    created_at = models.DateTimeField(_("registered at"), default=timezone.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(_("came"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("activity registration")
        verbose_name_plural = _("activity registrations")
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "attendee"],
                condition=~Q(status="cancelled"),
                name="one_live_registration_per_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity} · {self.attendee_name}"

    @property
    def attendee_name(self) -> str:
        if self.care_recipient_id:
            return self.care_recipient.name
        return str(self.registered_by)
