"""Applications for a subsidy programme (补贴申请): a family, or staff for someone without an
account, asks for a person to be covered, with evidence; staff decide. Written only by
billing.applications; imported into billing.models so Django sees the models."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import CareRecipient
from providers.models import PrivateScan, private_storage


class ApplicationQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ApplicationQuerySet":
        """The person's family, the person themself, and staff of their community."""
        return self.filter(care_recipient__in=CareRecipient.objects.visible_to(user))

    def in_scope_of(self, user) -> "ApplicationQuerySet":
        """Applications staff may decide: people of the communities they act on."""
        return self.filter(care_recipient__in=CareRecipient.objects.in_scope_of(user))

    def still_open(self) -> "ApplicationQuerySet":
        return self.filter(status__in=Application.OPEN)


class Application(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted, waiting for community staff")
        MORE_NEEDED = "more_needed", _("More needed from the family")
        AWAITING_ASSESSMENT = "assessment", _("Waiting for a needs assessment")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    OPEN = (Status.SUBMITTED, Status.MORE_NEEDED, Status.AWAITING_ASSESSMENT)

    care_recipient = models.ForeignKey(
        "accounts.CareRecipient",
        verbose_name=_("care recipient"),
        on_delete=models.CASCADE,
        related_name="applications",
    )
    programme = models.ForeignKey(
        "billing.Programme",
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED
    )
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applied by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(_("what the applicant says"), blank=True)
    eligibility = models.OneToOneField(
        "billing.Eligibility",
        verbose_name=_("eligibility"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="application",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("subsidy application")
        verbose_name_plural = _("subsidy applications")
        constraints = [
            # Two open applications for one person and programme would be decided twice.
            models.UniqueConstraint(
                fields=["care_recipient", "programme"],
                condition=Q(status__in=["submitted", "more_needed", "assessment"]),
                name="application_one_open_per_programme",
                violation_error_message=_(
                    "An application for this person to this programme is already open."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.care_recipient} · {self.programme}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    @property
    def reason(self) -> str:
        """Why staff asked for more or refused: the note of the step that led here."""
        if self.status not in (self.Status.MORE_NEEDED, self.Status.REFUSED):
            return ""
        latest = self.events.filter(new_status=self.status).order_by("-at", "-pk").first()
        return latest.note if latest else ""


class ApplicationEvent(models.Model):
    """One step of an application: who, when, from what to what, and the reason."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    old_status = models.CharField(max_length=12, blank=True)
    new_status = models.CharField(max_length=12, choices=Application.Status.choices)
    note = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.application} · {self.new_status}"


class ApplicationEvidence(PrivateScan):
    """A scan sent with an application. Private: served only through the
    permission-checking view; carried over to the eligibility on approval."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(storage=private_storage, upload_to="application-evidence/")

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("application evidence")
        verbose_name_plural = _("application evidence")
