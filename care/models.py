"""Care plans (照护计划): a person's recurring visits with one provider, agreed once and made
week by week as ordinary orders. Above orders; written only by care.services."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from care.querysets import CarePlanQuerySet
from marketplace.models import WeeklyHours


class CarePlan(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Waiting for the provider")
        ACTIVE = "active", _("Active")
        DECLINED = "declined", _("Declined by the provider")
        ENDED = "ended", _("Ended")

    class PaysBy(models.TextChoices):
        DOOR = "door", _("At the door")
        CARD = "card", _("With the saved card")

    care_recipient = models.ForeignKey(
        "accounts.CareRecipient",
        verbose_name=_("care recipient"),
        on_delete=models.PROTECT,
        related_name="care_plans",
    )
    provider = models.ForeignKey(
        "providers.Provider",
        verbose_name=_("provider"),
        on_delete=models.PROTECT,
        related_name="care_plans",
    )
    # The programme the visits are meant to draw on (None: self-paid series).
    programme = models.ForeignKey(
        "billing.Programme",
        verbose_name=_("subsidy programme"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="care_plans",
    )
    case_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("case worker"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="case_plans",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("made by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Made by staff for someone who books nothing themself: the co-pay is paid at the door.
    assisted = models.BooleanField(_("made by community staff"), default=False)
    # How the family pays each visit's share: with their saved card, charged 36 h before
    # (decision 0029), or at the door. Plans made by staff are always paid at the door.
    pays_by = models.CharField(_("paid"), max_length=5, choices=PaysBy.choices, default=PaysBy.DOOR)
    worker = models.ForeignKey(
        "providers.ProviderMember",
        verbose_name=_("carer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="care_plans",
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    notes = models.TextField(_("notes for carers"), blank=True)
    goals = models.TextField(_("goals"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    decline_reason = models.TextField(_("why declined"), blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = CarePlanQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("care plan")
        verbose_name_plural = _("care plans")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="plan_ends_after_start",
                violation_error_message=_("The plan cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.care_recipient} · {self.provider}"

    def runs_on(self, day: datetime.date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


class PlanItem(models.Model):
    """One line of the weekly pattern: a service on a weekday at a time. Changing the
    pattern from a date closes the old lines the day before and opens new ones, so what
    held on any day stays readable."""

    plan = models.ForeignKey(CarePlan, on_delete=models.CASCADE, related_name="items")
    service = models.ForeignKey(
        "marketplace.Service",
        verbose_name=_("service"),
        on_delete=models.PROTECT,
        related_name="plan_items",
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=WeeklyHours.Weekday.choices)
    starts_at = models.TimeField(_("time"))
    quantity = models.PositiveSmallIntegerField(_("quantity"), default=1)
    valid_from = models.DateField(_("from"))
    valid_until = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["weekday", "starts_at", "pk"]
        verbose_name = _("weekly visit")
        verbose_name_plural = _("weekly visits")
        constraints = [
            models.CheckConstraint(
                condition=Q(weekday__lte=6),
                name="plan_item_weekday",
                violation_error_message=_("Choose a day of the week."),
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="plan_item_period",
                violation_error_message=_("The visit cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service} · {self.weekday} {self.starts_at:%H:%M}"

    def holds_on(self, day: datetime.date) -> bool:
        return (
            day.weekday() == self.weekday
            and self.valid_from <= day
            and (self.valid_until is None or day <= self.valid_until)
        )


class PlanPause(models.Model):
    """No visits between two dates (a hospital stay); the plan goes on after."""

    plan = models.ForeignKey(CarePlan, on_delete=models.CASCADE, related_name="pauses")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    reason = models.CharField(_("reason"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="plan_pause_period",
                violation_error_message=_("The pause cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} · {self.starts_on} – {self.ends_on}"


class Occurrence(models.Model):
    """One day of one weekly visit: booked as an order, or why not."""

    class Status(models.TextChoices):
        BOOKED = "booked", _("Booked")
        SKIPPED = "skipped", _("Skipped")
        PAUSED = "paused", _("Paused")
        HELD = "held", _("Held: allowance used up")
        UNCOVERED = "uncovered", _("Not covered")
        ENDED = "ended", _("Plan changed or ended")

    plan = models.ForeignKey(CarePlan, on_delete=models.CASCADE, related_name="occurrences")
    item = models.ForeignKey(PlanItem, on_delete=models.PROTECT, related_name="occurrences")
    day = models.DateField(_("day"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    order = models.OneToOneField(
        "orders.Order",
        verbose_name=_("order"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="occurrence",
    )
    reason = models.CharField(_("why"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["day", "item__starts_at"]
        verbose_name = _("plan visit")
        verbose_name_plural = _("plan visits")
        constraints = [
            # Generating twice never makes a second visit for the same day.
            models.UniqueConstraint(
                fields=["item", "day"],
                name="occurrence_once_per_day",
                violation_error_message=_("This visit is already on the plan for that day."),
            ),
        ]
        indexes = [models.Index(fields=["plan", "day"], name="occurrence_plan_day_idx")]

    def __str__(self) -> str:
        return f"{self.plan} · {self.day}"


class PlanEvent(models.Model):
    """The plan's history: every change, who made it and why."""

    plan = models.ForeignKey(CarePlan, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    detail = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    ACTION_LABELS = {
        "propose": _("Plan made"),
        "accept": _("Accepted by the provider"),
        "decline": _("Declined by the provider"),
        "assign": _("Carer chosen"),
        "pause": _("Paused"),
        "skip": _("One visit skipped"),
        "decline_visit": _("One visit declined by the provider"),
        "book_held": _("Held visit booked; the family pays what is not covered"),
        "retry": _("Visit not covered tried again"),
        "let_go": _("Visit let go by community staff"),
        "change": _("Weekly visits changed"),
        "end": _("Ended"),
    }

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.plan} · {self.action}"

    @property
    def label(self) -> str:
        return str(self.ACTION_LABELS.get(self.action, self.action))
