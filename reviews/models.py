import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reviews.querysets import (
    ComplaintQuerySet,
    FeedbackRequestQuerySet,
    ReviewQuerySet,
    SpotCheckQuerySet,
)

STARS = (
    Q(overall__gte=1, overall__lte=5)
    & Q(punctuality__gte=1, punctuality__lte=5)
    & Q(attitude__gte=1, attitude__lte=5)
    & Q(quality__gte=1, quality__lte=5)
)


class Review(models.Model):
    """The booking account's rating of a closed order; published after moderation."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for moderation")
        PUBLISHED = "published", _("Published")
        HIDDEN = "hidden", _("Hidden")

    order = models.OneToOneField(
        "orders.Order", verbose_name=_("order"), on_delete=models.PROTECT, related_name="review"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="reviews",
    )
    service = models.ForeignKey(
        "marketplace.Service",
        verbose_name=_("service"),
        on_delete=models.PROTECT,
        related_name="reviews",
    )
    provider = models.ForeignKey(
        "providers.Provider",
        verbose_name=_("provider"),
        on_delete=models.PROTECT,
        related_name="reviews",
    )
    overall = models.PositiveSmallIntegerField(_("overall"))
    punctuality = models.PositiveSmallIntegerField(_("punctuality"))
    attitude = models.PositiveSmallIntegerField(_("attitude"))
    quality = models.PositiveSmallIntegerField(_("quality"))
    text = models.TextField(_("your words"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    hidden_reason = models.CharField(_("why hidden"), max_length=300, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    reply = models.TextField(_("provider's reply"), blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("written at"), default=timezone.now)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.CheckConstraint(
                condition=STARS,
                name="review_stars_1_to_5",
                violation_error_message=_("Give from 1 to 5 stars."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.order} · {self.overall}★"


class ReviewPhoto(models.Model):
    """A picture the reviewer adds (at most three), shown with the review once published."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="photos")
    image = models.ForeignKey("wagtailimages.Image", on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["pk"]
        verbose_name = _("review photo")
        verbose_name_plural = _("review photos")

    def __str__(self) -> str:
        return f"{self.review} · {self.image}"


class Complaint(models.Model):
    """A complaint (投诉) about an order or a provider, routed to staff of the recipient's
    community, who must answer before `due_at`."""

    class Category(models.TextChoices):
        QUALITY = "quality", _("Quality of the service")
        PUNCTUALITY = "punctuality", _("Late or did not come")
        ATTITUDE = "attitude", _("Attitude")
        SAFETY = "safety", _("Safety")
        CHARGES = "charges", _("Asked to pay extra")
        FEEDBACK = "feedback", _("Raised by beneficiary feedback")
        OTHER = "other", _("Other")

    class Outcome(models.TextChoices):
        UPHELD = "upheld", _("Upheld")
        NOT_UPHELD = "not_upheld", _("Not upheld")
        RESOLVED = "resolved", _("Resolved with the provider")

    class Remedy(models.TextChoices):
        NONE = "", _("No remedy")
        REFUND = "refund", _("Refund what the family paid")
        EXCLUDE = "exclude", _("Leave the visit off the purchaser's statement")

    order = models.ForeignKey(
        "orders.Order",
        verbose_name=_("order"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    provider = models.ForeignKey(
        "providers.Provider",
        verbose_name=_("provider"),
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    community = models.ForeignKey(
        "communities.Region",
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    care_recipient = models.ForeignKey(
        "accounts.CareRecipient",
        verbose_name=_("care recipient"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by"),
        on_delete=models.PROTECT,
        related_name="complaints_filed",
    )
    # Staff filing for a resident who cannot ("staff X for recipient Y").
    on_behalf = models.BooleanField(_("filed by staff on the resident's behalf"), default=False)
    category = models.CharField(_("about"), max_length=12, choices=Category.choices)
    description = models.TextField(_("what happened"))
    due_at = models.DateTimeField(_("answer due"))
    escalated_at = models.DateTimeField(_("flagged to the street"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(_("what staff say"), blank=True)
    # An upheld complaint's remedy, chosen by staff when answering (ADR 0019).
    remedy = models.CharField(_("remedy"), max_length=8, choices=Remedy.choices, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    hold = models.OneToOneField(
        "orders.OrderHold",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaint",
    )
    created_at = models.DateTimeField(_("filed at"), default=timezone.now)

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        ordering = ["due_at", "pk"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True, outcome="")
                | Q(closed_at__isnull=False) & ~Q(outcome=""),
                name="complaint_closed_has_outcome",
                violation_error_message=_(
                    "A closed complaint needs an outcome, and an open one has none yet."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} · {self.provider}"

    def get_absolute_url(self) -> str:
        return reverse("reviews:complaint", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class FeedbackRequest(models.Model):
    """Beneficiary feedback (回访) on a sampled subsidised visit: two questions."""

    order = models.OneToOneField(
        "orders.Order", on_delete=models.PROTECT, related_name="feedback_request"
    )
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    happened_as_recorded = models.BooleanField(_("Did the service happen as recorded?"), null=True)
    asked_to_pay_extra = models.BooleanField(_("Were you asked to pay anything extra?"), null=True)
    comment = models.TextField(_("anything else"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    complaint = models.OneToOneField(
        Complaint, null=True, blank=True, on_delete=models.SET_NULL, related_name="feedback"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = FeedbackRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("beneficiary feedback")
        verbose_name_plural = _("beneficiary feedback")

    def __str__(self) -> str:
        return str(self.order)

    def get_absolute_url(self) -> str:
        return reverse("reviews:feedback", kwargs={"token": self.token})

    @property
    def is_negative(self) -> bool:
        return self.happened_as_recorded is False or self.asked_to_pay_extra is True


class SpotCheck(models.Model):
    """Community staff's check (抽查) of one visit or of a provider: on site or by calling the
    person back. Open (no outcome) while a drawn call-back waits for the staff member it was
    given to; a failed check of a visit holds its statement line until a passed re-check
    (decision 0037)."""

    class Method(models.TextChoices):
        ON_SITE = "on_site", _("On site")
        PHONE = "phone", _("Phone call-back")

    class Outcome(models.TextChoices):
        PASSED = "passed", _("Passed")
        FAILED = "failed", _("Failed")
        UNREACHABLE = "unreachable", _("Could not reach")

    order = models.ForeignKey(
        "orders.Order",
        verbose_name=_("visit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="spot_checks",
    )
    provider = models.ForeignKey(
        "providers.Provider",
        verbose_name=_("provider"),
        on_delete=models.PROTECT,
        related_name="spot_checks",
    )
    method = models.CharField(_("how"), max_length=8, choices=Method.choices)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True)
    findings = models.TextField(_("findings"), blank=True)
    follow_up = models.TextField(_("follow-up"), blank=True)
    follow_up_due = models.DateField(_("follow-up due"), null=True, blank=True)
    follow_up_done_at = models.DateTimeField(_("follow-up done"), null=True, blank=True)
    # The day's call-back list it was drawn for, and the staff member it was given to.
    drawn_on = models.DateField(_("drawn for"), null=True, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    hold = models.OneToOneField(
        "orders.OrderHold",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="spot_check",
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = SpotCheckQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("spot check")
        verbose_name_plural = _("spot checks")
        constraints = [
            models.CheckConstraint(
                condition=Q(checked_at__isnull=True, outcome="")
                | Q(checked_at__isnull=False) & ~Q(outcome=""),
                name="spot_check_checked_has_outcome",
                violation_error_message=_(
                    "A finished call-back needs an outcome, and an open one has none yet."
                ),
            ),
            # One drawn call-back per visit, whatever day drew it.
            models.UniqueConstraint(
                fields=["order"],
                condition=Q(drawn_on__isnull=False),
                name="spot_check_one_call_back_per_visit",
                violation_error_message=_("This visit has already been drawn for a call-back."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_method_display()} · {self.order or self.provider}"

    @property
    def is_open(self) -> bool:
        return self.checked_at is None

    @property
    def follow_up_open(self) -> bool:
        return bool(self.follow_up) and self.follow_up_done_at is None
