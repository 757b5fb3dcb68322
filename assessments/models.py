"""Needs assessments (需求评估): what a care recipient can still do, the care level it gives,
and until when it holds. Below billing, whose eligibility rules and entitlements read the
level; written only by assessments.services."""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.instrument import HIGHEST_LEVEL, LEVEL_NAMES
from assessments.querysets import AssessmentQuerySet
from providers.models import PrivateScan, private_storage


class Cognition(models.TextChoices):
    INTACT = "intact", _("No impairment")
    MILD = "mild", _("Mild impairment")
    MODERATE = "moderate", _("Moderate impairment")
    SEVERE = "severe", _("Severe impairment")


class LivingSituation(models.TextChoices):
    ALONE = "alone", _("Lives alone")
    WITH_SPOUSE = "spouse", _("With spouse only")
    WITH_FAMILY = "family", _("With children or other family")
    WITH_CARER = "carer", _("With a live-in carer")


def _score(label):
    return models.PositiveSmallIntegerField(label, validators=[MaxValueValidator(15)])


class Assessment(models.Model):
    """One assessment of one person on one day. A later one supersedes it; none is edited."""

    care_recipient = models.ForeignKey(
        "accounts.CareRecipient",
        verbose_name=_("care recipient"),
        on_delete=models.CASCADE,
        related_name="assessments",
    )
    assessed_on = models.DateField(_("assessed on"))
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assessor"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Barthel index items (assessments.instrument says which scores each allows).
    feeding = _score(_("feeding"))
    bathing = _score(_("bathing"))
    grooming = _score(_("grooming"))
    dressing = _score(_("dressing"))
    bowels = _score(_("bowels"))
    bladder = _score(_("bladder"))
    toilet = _score(_("toilet use"))
    transfers = _score(_("transfers"))
    mobility = _score(_("mobility"))
    stairs = _score(_("stairs"))
    barthel_score = models.PositiveSmallIntegerField(_("Barthel index"))
    cognition = models.CharField(_("cognition"), max_length=10, choices=Cognition.choices)
    living_situation = models.CharField(
        _("living situation"), max_length=10, choices=LivingSituation.choices
    )
    care_level = models.PositiveSmallIntegerField(_("care level"))
    valid_until = models.DateField(_("valid until (reassessment due)"))
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["-assessed_on", "-pk"]
        verbose_name = _("needs assessment")
        verbose_name_plural = _("needs assessments")
        constraints = [
            models.CheckConstraint(
                condition=Q(barthel_score__lte=100),
                name="assessment_barthel_max",
                violation_error_message=_("The Barthel score is at most 100."),
            ),
            models.CheckConstraint(
                condition=Q(care_level__lte=HIGHEST_LEVEL),
                name="assessment_level_max",
                violation_error_message=_("This care level does not exist."),
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gt=F("assessed_on")),
                name="assessment_valid_period",
                violation_error_message=_(
                    "The assessment must be valid until a date after it was made."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["care_recipient", "-assessed_on"], name="assessment_latest_idx")
        ]

    def __str__(self) -> str:
        return f"{self.care_recipient} · {self.assessed_on}"

    @property
    def level_name(self) -> str:
        return str(LEVEL_NAMES[self.care_level])

    def holds_on(self, day: datetime.date) -> bool:
        return self.assessed_on <= day <= self.valid_until


class AssessmentEvidence(PrivateScan):
    """A scan kept with an assessment (a doctor's letter, the signed form). Private: served
    only through the permission-checking view."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(storage=private_storage, upload_to="assessment-evidence/")

    class Meta:
        verbose_name = _("assessment evidence")
        verbose_name_plural = _("assessment evidence")
