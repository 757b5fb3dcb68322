from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ActivityRegistration(models.Model):
    """A place at an activity (or on its waiting list) for the account holder, for a
    person they care for, or for a walk-in staff wrote down (by account, or by name and
    phone). Cancelled rows stay, so the waiting list keeps its history.

    The places belong to the activity in all its languages: rows carry the activity's
    Wagtail `translation_key`, and are counted and kept unique by it (decision 0022)."""

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
    # The same for every language version of the activity.
    translation_key = models.UUIDField(editable=False)
    # None for a walk-in without an account (walk_in_name and walk_in_phone say who).
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="activity_registrations",
    )
    walk_in_name = models.CharField(_("name"), max_length=100, blank=True)
    walk_in_phone = models.CharField(_("phone"), max_length=20, blank=True)
    # The staff member who wrote a walk-in down.
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    care_recipient = models.ForeignKey(
        "accounts.CareRecipient",
        verbose_name=_("for"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="activity_registrations",
    )
    # One live registration per person at an activity, whatever its language: "u<user>"
    # for an account holder, "r<recipient>" for a person cared for (whoever registered
    # them), "p<phone>" for a walk-in without an account.
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
                fields=["translation_key", "attendee"],
                condition=~Q(status="cancelled"),
                name="one_live_registration_per_person_in_any_language",
                violation_error_message=_("This person is already registered for this activity."),
            ),
            models.CheckConstraint(
                condition=Q(registered_by__isnull=False)
                | (~Q(walk_in_name="") & ~Q(walk_in_phone="")),
                name="registration_names_its_person",
                violation_error_message=_(
                    "A walk-in registration needs the person's name and phone number."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity} · {self.attendee_name}"

    @property
    def attendee_name(self) -> str:
        if self.care_recipient_id:
            return self.care_recipient.name
        if self.registered_by_id is None:
            return self.walk_in_name
        return str(self.registered_by)
