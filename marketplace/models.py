from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from communities.models import in_english
from marketplace.querysets import ServiceChangeQuerySet, ServiceQuerySet, SlotQuerySet


class Category(models.Model):
    """A kind of service, two levels deep: household → cleaning (家政 → 保洁)."""

    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=60)
    name_en = models.CharField(_("name (English)"), max_length=60)
    sort_order = models.PositiveSmallIntegerField(
        pgettext_lazy("position in a list", "order"), default=0
    )

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if in_english() else self.name_zh


class FundingMode(models.TextChoices):
    """Who pays (DESIGN §3)."""

    COMMERCIAL = "commercial", _("Commercial: the resident pays")
    WELFARE = "welfare", _("Welfare: subsidised for eligible people")
    PUBLIC = "public", _("Public: free for eligible people")


class Service(models.Model):
    """A listing of an approved provider: what, where, for how much, and who pays."""

    class Unit(models.TextChoices):
        VISIT = "visit", _("per visit")
        HOUR = "hour", _("per hour")
        ITEM = "item", _("per item")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PENDING_REVIEW = "pending_review", _("Waiting for review")
        PUBLISHED = "published", _("Published")
        REJECTED = "rejected", _("Rejected")
        SUSPENDED = "suspended", _("Suspended")

    class Qualification(models.TextChoices):
        NONE = "", _("None")
        HEALTH_CERTIFICATE = "health_certificate", _("Health certificate")
        CAREGIVER_QUALIFICATION = "caregiver_qualification", _("Caregiver qualification")

    provider = models.ForeignKey(
        "providers.Provider",
        verbose_name=_("provider"),
        on_delete=models.PROTECT,
        related_name="services",
    )
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="services"
    )
    title_zh = models.CharField(_("title (Chinese)"), max_length=120)
    title_en = models.CharField(_("title (English)"), max_length=120, blank=True)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    # The live price: changes wait in ServiceChange until staff approve them.
    price_fen = models.PositiveIntegerField(_("price (fen)"))
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices, default=Unit.VISIT)
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=60)
    funding_mode = models.CharField(
        _("funding mode"),
        max_length=12,
        choices=FundingMode.choices,
        default=FundingMode.COMMERCIAL,
    )
    communities = models.ManyToManyField(
        "communities.Region",
        verbose_name=_("communities served"),
        limit_choices_to={"level": "community"},
        related_name="services",
    )
    required_qualification = models.CharField(
        _("worker qualification required"),
        max_length=30,
        choices=Qualification.choices,
        blank=True,
        default=Qualification.NONE,
    )
    # Centre-based: served at this venue of the provider's, sitting by sitting, instead of at
    # home; the venue's sittings are then the service's bookable times (decision 0028).
    venue = models.ForeignKey(
        "providers.Venue",
        verbose_name=_("served at"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="services",
    )
    min_notice_hours = models.PositiveSmallIntegerField(_("minimum notice (hours)"), default=24)
    # Cancellation policy: free until this many hours before the start, then a fee.
    free_cancel_hours = models.PositiveSmallIntegerField(
        _("free cancellation until (hours before)"), default=24
    )
    late_cancel_fee_percent = models.PositiveSmallIntegerField(
        _("late cancellation fee (%)"), default=30
    )
    max_days_ahead = models.PositiveSmallIntegerField(_("bookable days ahead"), default=28)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    review_note = models.CharField(_("review note"), max_length=300, blank=True)
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("photo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Ratings arrive with reviews; kept on the row so lists sort without joins.
    rating_average = models.DecimalField(
        _("rating"), max_digits=3, decimal_places=2, null=True, blank=True
    )
    rating_count = models.PositiveIntegerField(_("number of ratings"), default=0)
    search_terms = models.TextField(editable=False, default="")
    search_vector = SearchVectorField(null=True, editable=False)
    # The provider's name when the terms were last computed: renames are found by comparing
    # (marketplace.tasks.reindex_renamed), as providers cannot call up into marketplace.
    indexed_provider_name = models.CharField(max_length=200, editable=False, default="")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "pk"]
        verbose_name = _("service")
        verbose_name_plural = _("services")
        # The GIN index on search_vector exists on PostgreSQL only: migration 0003.
        indexes = [
            models.Index(fields=["status", "category"], name="service_status_category_idx"),
            # The catalogue's default order, and its count by category (index-only), on
            # 20,000 services (bench/README.md).
            models.Index(
                fields=["-published_at", "id"],
                name="service_published_newest",
                condition=Q(status="published"),
            ),
            models.Index(
                fields=["category", "provider"],
                name="service_published_category",
                condition=Q(status="published"),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(price_fen__gte=0),
                name="service_price_not_negative",
                violation_error_message=_("The price cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=15),
                name="service_duration_at_least_15",
                violation_error_message=_("A service lasts at least 15 minutes."),
            ),
            models.CheckConstraint(
                condition=Q(late_cancel_fee_percent__lte=100),
                name="service_fee_percent_max_100",
                violation_error_message=_(
                    "The late-cancellation fee cannot be more than the price."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("marketplace:service", kwargs={"pk": self.pk})

    @property
    def title(self) -> str:
        return self.title_en if in_english() and self.title_en else self.title_zh

    @property
    def description(self) -> str:
        if in_english() and self.description_en:
            return self.description_en
        return self.description_zh or self.description_en


class ServiceChange(models.Model):
    """A price or funding-mode change waiting for staff; the live values stay until then."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    service = models.ForeignKey(
        Service, verbose_name=_("service"), on_delete=models.CASCADE, related_name="changes"
    )
    price_fen = models.PositiveIntegerField(_("new price (fen)"))
    funding_mode = models.CharField(
        _("new funding mode"), max_length=12, choices=FundingMode.choices
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.CharField(_("review note"), max_length=300, blank=True)

    objects = ServiceChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("price change")
        verbose_name_plural = _("price changes")
        constraints = [
            # One open change at a time: a new proposal replaces the pending one.
            models.UniqueConstraint(
                fields=["service"],
                condition=Q(status="pending"),
                name="service_one_pending_change",
                violation_error_message=_(
                    "A change to this service is already waiting for review."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service} → {self.price_fen}"


class WeeklyHours(models.Model):
    """One line of the weekly plan: on this weekday, from start to end, this many at once."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    service = models.ForeignKey(
        Service, verbose_name=_("service"), on_delete=models.CASCADE, related_name="weekly_hours"
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    starts_at = models.TimeField(_("from"))
    ends_at = models.TimeField(_("until"))
    capacity = models.PositiveSmallIntegerField(_("orders at the same time"), default=1)

    class Meta:
        ordering = ["weekday", "starts_at"]
        verbose_name = _("weekly hours")
        verbose_name_plural = _("weekly hours")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="weekly_hours_end_after_start",
                violation_error_message=_("The closing time must be later than the opening time."),
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1),
                name="weekly_hours_capacity",
                violation_error_message=_("Each time needs at least one place."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"


class DateException(models.Model):
    """A dated change to the plan: closed (holiday) or different hours that day."""

    service = models.ForeignKey(
        Service, verbose_name=_("service"), on_delete=models.CASCADE, related_name="exceptions"
    )
    date = models.DateField(_("date"))
    closed = models.BooleanField(_("closed all day"), default=True)
    starts_at = models.TimeField(_("from"), null=True, blank=True)
    ends_at = models.TimeField(_("until"), null=True, blank=True)
    capacity = models.PositiveSmallIntegerField(_("orders at the same time"), default=1)
    reason = models.CharField(_("reason"), max_length=100, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("date exception")
        verbose_name_plural = _("date exceptions")
        constraints = [
            models.UniqueConstraint(
                fields=["service", "date"],
                name="one_exception_per_day",
                violation_error_message=_("This day already has special opening hours."),
            ),
            models.CheckConstraint(
                condition=Q(closed=True)
                | Q(
                    starts_at__isnull=False,
                    ends_at__isnull=False,
                    ends_at__gt=models.F("starts_at"),
                ),
                name="exception_open_hours_make_sense",
                violation_error_message=_(
                    "Either mark the day closed, or give an opening time and a later closing time."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service} · {self.date}"


class Slot(models.Model):
    """A bookable time of one service, materialised ahead so that its capacity can be taken
    with a conditional update (orders never oversell a slot)."""

    service = models.ForeignKey(
        Service, verbose_name=_("service"), on_delete=models.CASCADE, related_name="slots"
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveSmallIntegerField(_("capacity"))
    booked = models.PositiveSmallIntegerField(_("booked"), default=0)
    closed = models.BooleanField(_("closed"), default=False)

    objects = SlotQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("slot")
        verbose_name_plural = _("slots")
        constraints = [
            models.UniqueConstraint(
                fields=["service", "starts_at"],
                name="slot_unique_start",
                violation_error_message=_("There is already a time starting then."),
            ),
            models.CheckConstraint(
                condition=Q(booked__lte=models.F("capacity")),
                name="slot_never_overbooked",
                violation_error_message=_("This time has no more free places."),
            ),
        ]
        indexes = [models.Index(fields=["service", "starts_at"], name="slot_service_start_idx")]

    def __str__(self) -> str:
        return f"{self.service} · {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"

    @property
    def places_left(self) -> int:
        return max(self.capacity - self.booked, 0)
