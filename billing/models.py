"""The subsidy layer (DESIGN §8): purchasers, programmes, eligibility and monthly usage,
below orders. The statements that bill this money are in the `statements` app above them."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from billing.exceptions import BillingError
from billing.querysets import PurchaserQuerySet
from communities.models import in_english
from providers.grading import GRADES
from providers.models import PrivateScan, private_storage


class Purchaser(models.Model):
    """A purchasing body, e.g. a district civil-affairs bureau (区民政局)."""

    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    region = models.ForeignKey(
        "communities.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="purchasers",
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = PurchaserQuerySet.as_manager()

    class Meta:
        ordering = ["name_zh"]
        verbose_name = _("purchaser")
        verbose_name_plural = _("purchasers")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if in_english() else self.name_zh


class PurchaserOfficer(models.Model):
    purchaser = models.ForeignKey(Purchaser, on_delete=models.CASCADE, related_name="officers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="purchaser_offices"
    )

    class Meta:
        verbose_name = _("purchaser officer")
        verbose_name_plural = _("purchaser officers")
        constraints = [
            models.UniqueConstraint(
                fields=["purchaser", "user"],
                name="officer_unique",
                violation_error_message=_("This person is already an officer of this purchaser."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.purchaser}"


class Programme(models.Model):
    """A subsidy programme (补贴项目): who is covered, for what, how much, until when."""

    class WhenUsedUp(models.TextChoices):
        SELF_PAY = "self_pay", _("The visit goes ahead; the person pays what is not covered")
        HOLD = "hold", _("The visit is held for community staff to decide")

    class Rule(models.TextChoices):
        FULL = "full", _("Pays the whole (capped) price")
        PERCENTAGE = "percentage", _("Pays a percentage")
        FIXED = "fixed", _("Pays a fixed amount per order")

    purchaser = models.ForeignKey(
        Purchaser, verbose_name=_("purchaser"), on_delete=models.PROTECT, related_name="programmes"
    )
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    description_zh = models.TextField(_("in plain words (Chinese)"), blank=True)
    description_en = models.TextField(_("in plain words (English)"), blank=True)
    region = models.ForeignKey(
        "communities.Region",
        verbose_name=_("region covered"),
        on_delete=models.PROTECT,
        related_name="programmes",
    )
    categories = models.ManyToManyField(
        "marketplace.Category", verbose_name=_("categories"), blank=True, related_name="programmes"
    )
    services = models.ManyToManyField(
        "marketplace.Service", verbose_name=_("services"), blank=True, related_name="programmes"
    )
    # Who qualifies: staff check these when they record eligibility.
    min_age = models.PositiveSmallIntegerField(_("age from"), null=True, blank=True)
    requires_living_alone = models.BooleanField(_("lives alone"), default=False)
    requires_minimum_living_allowance = models.BooleanField(
        _("minimum living allowance household"), default=False
    )
    requires_low_income = models.BooleanField(_("low-income household"), default=False)
    # Providers whose latest confirmed grade is below it get no subsidy for new bookings and
    # plans (decision 0039). Empty: any grade, and so is a provider not graded yet.
    minimum_grade = models.CharField(
        _("minimum grade of providers"),
        max_length=1,
        blank=True,
        choices=[(grade, grade) for grade in GRADES],
        help_text=_(
            "Providers whose latest confirmed grade is below it get no subsidy for new "
            "bookings and plans. Empty: any grade."
        ),
    )
    min_disability_level = models.PositiveSmallIntegerField(
        _("care level from"),
        null=True,
        blank=True,
        help_text=_("The assessed care level; where no assessment exists yet, the typed-in one."),
    )
    requires_special_care = models.BooleanField(_("special-care recipient"), default=False)
    # How much it pays.
    rule = models.CharField(_("subsidy rule"), max_length=12, choices=Rule.choices)
    percent = models.PositiveSmallIntegerField(_("percentage"), default=0)
    fixed_fen = models.PositiveIntegerField(_("fixed amount per order (fen)"), default=0)
    rate_cap_fen = models.PositiveIntegerField(
        _("highest unit price recognised (fen)"), null=True, blank=True
    )
    monthly_cap_fen = models.PositiveBigIntegerField(
        _("monthly cap per person (fen)"), null=True, blank=True
    )
    monthly_cap_minutes = models.PositiveIntegerField(
        _("monthly cap per person (minutes of service)"), null=True, blank=True
    )
    # A care plan's visit in a month whose allowance or budget is used up.
    when_used_up = models.CharField(
        _("when a person's allowance or the budget is used up"),
        max_length=10,
        choices=WhenUsedUp.choices,
        default=WhenUsedUp.SELF_PAY,
    )
    # Money: allocated, held by open orders, and billed on approved statements.
    budget_fen = models.PositiveBigIntegerField(_("budget (fen)"))
    reserved_fen = models.PositiveBigIntegerField(_("reserved (fen)"), default=0)
    spent_fen = models.PositiveBigIntegerField(_("spent (fen)"), default=0)
    # The highest alert threshold (80 or 95 % of the budget committed) officers were told
    # of; 0 for none yet. Lowered again by a top-up that brings the programme below it.
    alerted_percent = models.PositiveSmallIntegerField(default=0, editable=False)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["purchaser", "name_zh"]
        verbose_name = _("subsidy programme")
        verbose_name_plural = _("subsidy programmes")
        constraints = [
            models.CheckConstraint(
                condition=Q(reserved_fen__lte=F("budget_fen") - F("spent_fen")),
                name="programme_never_overspent",
                violation_error_message=_(
                    "This would spend more than the programme's budget has left."
                ),
            ),
            models.CheckConstraint(
                condition=Q(percent__lte=100),
                name="programme_percent_max",
                violation_error_message=_("The subsidy cannot be more than the whole price."),
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gte=F("valid_from")),
                name="programme_valid_period",
                violation_error_message=_("The programme must end on or after the day it starts."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if in_english() else self.name_zh

    @property
    def description(self) -> str:
        if in_english() and self.description_en:
            return self.description_en
        return self.description_zh

    @property
    def budget_left_fen(self) -> int:
        return self.budget_fen - self.reserved_fen - self.spent_fen

    @property
    def committed_fen(self) -> int:
        return self.reserved_fen + self.spent_fen

    @property
    def committed_percent(self) -> int:
        return self.committed_fen * 100 // max(self.budget_fen, 1)

    def is_valid_on(self, day: datetime.date) -> bool:
        return self.valid_from <= day <= self.valid_until


FROZEN_ADJUSTMENT = _("A recorded budget change never changes: record another top-up or cut.")


class BudgetAdjustment(models.Model):
    """A top-up or cut of a programme's budget (追加 / 核减), with who, when and why. The
    budget is changed only through billing.services.adjust_budget, which writes one of
    these in the same transaction; rows are never edited."""

    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="budget_adjustments",
    )
    amount_fen = models.BigIntegerField(_("amount (fen; a cut is negative)"))
    budget_before_fen = models.PositiveBigIntegerField(_("budget before (fen)"))
    budget_after_fen = models.PositiveBigIntegerField(_("budget after (fen)"))
    reason = models.TextField(_("reason"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("budget adjustment")
        verbose_name_plural = _("budget adjustments")
        constraints = [
            models.CheckConstraint(
                condition=~Q(amount_fen=0),
                name="budget_adjustment_not_zero",
                violation_error_message=_("An adjustment must change the budget."),
            ),
            models.CheckConstraint(
                condition=Q(budget_after_fen=F("budget_before_fen") + F("amount_fen")),
                name="budget_adjustment_adds_up",
                violation_error_message=_("The budget after the adjustment does not add up."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme} · {self.amount_fen}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise BillingError(FROZEN_ADJUSTMENT)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise BillingError(FROZEN_ADJUSTMENT)

    @property
    def is_top_up(self) -> bool:
        return self.amount_fen > 0

    @property
    def size_fen(self) -> int:
        return abs(self.amount_fen)


class Entitlement(models.Model):
    """What a programme grants each month to a person at one care level (e.g. level 2 →
    600 minutes of its services), in minutes of service, money, or both (the lower binds).
    A programme with entitlements subsidises only the levels it names; one without any
    applies its flat monthly cap to everyone eligible."""

    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="entitlements",
    )
    care_level = models.PositiveSmallIntegerField(_("care level"))
    minutes_per_month = models.PositiveIntegerField(
        _("minutes of service a month"), null=True, blank=True
    )
    fen_per_month = models.PositiveBigIntegerField(_("money a month (fen)"), null=True, blank=True)

    class Meta:
        ordering = ["programme", "care_level"]
        verbose_name = _("entitlement")
        verbose_name_plural = _("entitlements")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "care_level"],
                name="entitlement_one_per_level",
                violation_error_message=_(
                    "This programme already has an entitlement for this care level."
                ),
            ),
            models.CheckConstraint(
                condition=Q(care_level__lte=4),
                name="entitlement_level_max",
                violation_error_message=_("This care level does not exist."),
            ),
            models.CheckConstraint(
                condition=Q(minutes_per_month__isnull=False) | Q(fen_per_month__isnull=False),
                name="entitlement_grants_something",
                violation_error_message=_("An entitlement grants minutes or money each month."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme} · {self.care_level}"


class Eligibility(models.Model):
    """Community staff's record that a care recipient qualifies for a programme (资格认定)."""

    care_recipient = models.ForeignKey(
        "accounts.CareRecipient",
        verbose_name=_("care recipient"),
        on_delete=models.CASCADE,
        related_name="eligibilities",
    )
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="eligibilities",
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("verified at"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-valid_until"]
        verbose_name = _("eligibility")
        verbose_name_plural = _("eligibilities")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=F("valid_from")),
                name="eligibility_valid_period",
                violation_error_message=_(
                    "The eligibility must end on or after the day it starts."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.care_recipient} · {self.programme}"

    def is_valid_on(self, day: datetime.date) -> bool:
        return self.revoked_at is None and self.valid_from <= day <= self.valid_until


class EligibilityEvidence(PrivateScan):
    eligibility = models.ForeignKey(Eligibility, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(storage=private_storage, upload_to="eligibility-evidence/")

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")


class MonthlyUsage(models.Model):
    """How much of a programme's monthly cap one person has used (reserved) in a month."""

    care_recipient = models.ForeignKey(
        "accounts.CareRecipient", on_delete=models.CASCADE, related_name="subsidy_usage"
    )
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="usage")
    month = models.DateField()  # the first day of the month
    used_fen = models.PositiveBigIntegerField(default=0)
    used_minutes = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["care_recipient", "programme", "month"],
                name="usage_one_row_per_month",
                violation_error_message=_(
                    "This month's use is already recorded for this person and programme."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.care_recipient} · {self.programme} · {self.month:%Y-%m}"


class Contract(models.Model):
    """A programme's contract (合同) with one provider: which of its services the programme
    pays for, in which months, at what rate, up to an optional quota (decision 0033)."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="contracts"
    )
    provider = models.ForeignKey(
        "providers.Provider",
        verbose_name=_("provider"),
        on_delete=models.PROTECT,
        related_name="contracts",
    )
    # Whole months: a visit is covered when its month is in [first_month, last_month].
    first_month = models.DateField(_("first month"))
    last_month = models.DateField(_("last month"))
    quota_fen = models.PositiveBigIntegerField(_("quota of money (fen)"), null=True, blank=True)
    quota_minutes = models.PositiveIntegerField(_("quota of minutes"), null=True, blank=True)
    # Held by bookings and given back when they are cancelled, like the budget's reserved
    # money; written only by billing.subsidy with conditional updates.
    used_fen = models.PositiveBigIntegerField(_("used (fen)"), default=0, editable=False)
    used_minutes = models.PositiveIntegerField(_("used (minutes)"), default=0, editable=False)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["programme", "provider", "first_month"]
        verbose_name = _("purchase contract")
        verbose_name_plural = _("purchase contracts")
        constraints = [
            models.CheckConstraint(
                condition=Q(last_month__gte=F("first_month")),
                name="contract_period",
                violation_error_message=_(
                    "The contract's last month cannot be before its first month."
                ),
            ),
            models.CheckConstraint(
                condition=Q(first_month__day=1) & Q(last_month__day=1),
                name="contract_whole_months",
                violation_error_message=_("A contract runs for whole months."),
            ),
            models.CheckConstraint(
                condition=Q(quota_fen__isnull=True) | Q(used_fen__lte=F("quota_fen")),
                name="contract_quota_fen_kept",
                violation_error_message=_("This would use more money than the contract allows."),
            ),
            models.CheckConstraint(
                condition=Q(quota_minutes__isnull=True) | Q(used_minutes__lte=F("quota_minutes")),
                name="contract_quota_minutes_kept",
                violation_error_message=_("This would use more time than the contract allows."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme} · {self.provider}"

    def covers_month(self, month: datetime.date) -> bool:
        return self.first_month <= month.replace(day=1) <= self.last_month


class ContractItem(models.Model):
    """One service or category a contract covers, at a contracted rate (None: the list
    price). A contract without items covers everything its programme covers, at list price."""

    class Per(models.TextChoices):
        UNIT = "unit", _("per unit of the service")
        HOUR = "hour", _("per hour")

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="items")
    service = models.ForeignKey(
        "marketplace.Service",
        verbose_name=_("service"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    category = models.ForeignKey(
        "marketplace.Category",
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    rate_fen = models.PositiveIntegerField(_("contracted rate (fen)"), null=True, blank=True)
    per = models.CharField(_("rate per"), max_length=4, choices=Per.choices, default=Per.UNIT)

    class Meta:
        verbose_name = _("contracted service")
        verbose_name_plural = _("contracted services")
        constraints = [
            models.CheckConstraint(
                condition=Q(service__isnull=True, category__isnull=False)
                | Q(service__isnull=False, category__isnull=True),
                name="contract_item_service_or_category",
                violation_error_message=_(
                    "A contract line names either one service or one category, not both."
                ),
            ),
        ]

    def __str__(self) -> str:
        return str(self.service or self.category)


# Django finds an app's models through this module.
from billing.application_models import (  # noqa: E402, F401
    Application,
    ApplicationEvent,
    ApplicationEvidence,
)
