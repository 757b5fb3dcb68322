import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from orders.querysets import OrderQuerySet

# Residents read this code to a provider on the phone, so it avoids 0/O and 1/I.
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def new_order_code() -> str:
    # The alphabet has 32 letters, five random bits each: eight letters are the 40 bits of
    # one read of five random bytes, as uniform as eight `secrets.choice` calls, which
    # read the system's randomness twice per letter (a quarter of building an order in the
    # daily run of care plans: decision 0030).
    bits = int.from_bytes(secrets.token_bytes(5))
    return "".join(CODE_ALPHABET[(bits >> (5 * i)) & 31] for i in range(8))


class Order(models.Model):
    """A booking of one slot of one service for one care recipient (DESIGN §6)."""

    class Status(models.TextChoices):
        PENDING_PAYMENT = "pending_payment", _("Waiting for payment")
        REQUESTED = "requested", _("Requested")
        CONFIRMED = "confirmed", _("Confirmed")
        DECLINED = "declined", _("Declined")
        CANCELLED = "cancelled", _("Cancelled")
        EXPIRED = "expired", _("Expired")
        IN_SERVICE = "in_service", _("In service")
        COMPLETED = "completed", _("Completed")
        NO_SHOW = "no_show", _("Did not happen")
        DISPUTED = "disputed", _("Disputed")
        CLOSED = "closed", _("Closed")

    class Side(models.TextChoices):
        RESIDENT = "resident", _("Resident")
        PROVIDER = "provider", _("Provider")

    code = models.CharField(
        _("order number"), max_length=10, unique=True, default=new_order_code, editable=False
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    service = models.ForeignKey(
        "marketplace.Service",
        verbose_name=_("service"),
        on_delete=models.PROTECT,
        related_name="orders",
    )
    provider = models.ForeignKey(
        "providers.Provider",
        verbose_name=_("provider"),
        on_delete=models.PROTECT,
        related_name="orders",
    )
    slot = models.ForeignKey(
        "marketplace.Slot", verbose_name=_("time"), on_delete=models.PROTECT, related_name="orders"
    )
    community = models.ForeignKey(
        "communities.Region",
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="orders",
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("booked by"),
        on_delete=models.PROTECT,
        related_name="orders",
    )
    care_recipient = models.ForeignKey(
        "accounts.CareRecipient",
        verbose_name=_("care recipient"),
        on_delete=models.PROTECT,
        related_name="orders",
    )
    worker = models.ForeignKey(
        "providers.ProviderMember",
        verbose_name=_("worker"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
    )
    # Copied at booking: later edits of the service or the slot never change an order.
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    title = models.CharField(_("service"), max_length=120)
    # Statements and provider records use the Chinese title; English readers see this one.
    title_en = models.CharField(_("service (English)"), max_length=120, blank=True)
    address = models.CharField(_("service address"), max_length=200)
    # Centre-based: served at the provider's venue, not at home; `address` is the venue's,
    # copied at booking (decision 0028).
    venue = models.ForeignKey(
        "providers.Venue",
        verbose_name=_("venue"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
    )
    notes = models.TextField(_("notes for the provider"), blank=True)
    quantity = models.PositiveSmallIntegerField(_("quantity"), default=1)

    # The split is computed once at booking and frozen; later price edits never touch it.
    currency = models.CharField(max_length=3, default="CNY")
    unit_price_fen = models.PositiveIntegerField(_("unit price (fen)"))
    list_price_fen = models.PositiveBigIntegerField(_("list price (fen)"))
    subsidy_fen = models.PositiveBigIntegerField(_("subsidy (fen)"), default=0)
    copay_fen = models.PositiveBigIntegerField(_("resident pays (fen)"))
    programme = models.ForeignKey(
        "billing.Programme",
        verbose_name=_("subsidy programme"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
    )
    # What the subsidy reserved of the monthly cap: the month and the minutes of service.
    subsidy_month = models.DateField(null=True, blank=True)
    subsidy_minutes = models.PositiveIntegerField(default=0)
    # Community staff booking for someone without an account ("staff X for recipient Y").
    assisted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("booked by staff"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assisted_orders",
    )
    # The resident's share is paid to the worker at the door, not by card.
    copay_offline = models.BooleanField(_("paid at the door"), default=False)

    # The cancellation policy in force when the order was placed.
    free_cancel_hours = models.PositiveSmallIntegerField()
    late_cancel_fee_percent = models.PositiveSmallIntegerField()
    # The first confirmed start whose late-cancellation window had begun when the order was
    # moved: the fee keeps counting from it, so moving the visit away never dodges the fee
    # (decision 0025).
    fee_counts_from = models.DateTimeField(_("fee counts from"), null=True, blank=True)
    # What the policy kept when the order was cancelled or reported missed (the fee).
    fee_fen = models.PositiveBigIntegerField(_("fee kept (fen)"), default=0)

    idempotency_key = models.CharField(max_length=64, editable=False)
    no_show_by = models.CharField(_("absent side"), max_length=10, choices=Side.choices, blank=True)
    dispute_reason = models.TextField(_("dispute"), blank=True)
    # When an unanswered request (or an unpaid order) gives its place back.
    expires_at = models.DateTimeField(null=True, blank=True)
    missed_visit_alert_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("booked at"), default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = OrderQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "-pk"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        constraints = [
            models.CheckConstraint(
                condition=Q(copay_fen=F("list_price_fen") - F("subsidy_fen")),
                name="order_split_adds_up",
                violation_error_message=_(
                    "What the family pays must be the price less the subsidy."
                ),
            ),
            models.CheckConstraint(
                condition=Q(list_price_fen=F("unit_price_fen") * F("quantity")),
                name="order_list_price_is_unit_times_quantity",
                violation_error_message=_("The price must be the unit price times the quantity."),
            ),
            models.UniqueConstraint(
                fields=["booked_by", "idempotency_key"],
                name="order_submitted_once",
                violation_error_message=_("This booking has already been sent."),
            ),
            models.CheckConstraint(
                condition=Q(subsidy_fen=0) | Q(programme__isnull=False),
                name="order_subsidy_has_programme",
                violation_error_message=_("A subsidy must come from a programme."),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "starts_at"], name="order_status_start_idx"),
            models.Index(fields=["provider", "starts_at"], name="order_provider_start_idx"),
        ]

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        return reverse("orders:detail", kwargs={"code": self.code})

    @property
    def title_for_reader(self) -> str:
        """The service's name in the reader's language, as it was when booked."""
        in_english = (get_language() or "").startswith("en")
        return self.title_en if in_english and self.title_en else self.title


class OrderEvent(models.Model):
    """The order's timeline and audit trail: one row per transition."""

    ACTION_LABELS = {
        "place": _("Booked"),
        "pay": _("Paid"),
        "accept": _("Accepted by the provider"),
        "decline": _("Declined by the provider"),
        "cancel": _("Cancelled"),
        "expire": _("Expired"),
        "reschedule": _("Moved to another time"),
        "change_provider": _("Moved to another provider"),
        "provider_change_proposed": _("Another provider proposed by community staff"),
        "provider_change_declined": _("The family declined the other provider"),
        "assign": _("Worker sent"),
        "check_in": _("Worker arrived"),
        "check_out": _("Worker left"),
        "no_show": _("Reported as not done"),
        "roll_call_present": _("Present at the roll call"),
        "roll_call_absent": _("Absent at the roll call"),
        "confirm": _("Confirmed by the family"),
        "auto_close": _("Closed automatically"),
        "dispute": _("Disputed"),
        "resolve": _("Dispute settled"),
        "visit_flagged": _("Visit needs review"),
        "visit_confirmed": _("Visit confirmed by community staff"),
        "visit_rejected": _("Visit rejected by community staff"),
        "copay_refunded": _("Co-payment refunded"),
        "excluded": _("Left off the purchaser's statement"),
        "refund_retry": _("Refund sent to Stripe again by staff"),
        "refund_handed_over": _("Refund handed over by staff"),
    }

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=30)
    from_status = models.CharField(
        pgettext_lazy("status change", "from"), max_length=16, blank=True
    )
    to_status = models.CharField(pgettext_lazy("status change", "to"), max_length=16, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("order event")
        verbose_name_plural = _("order events")

    def __str__(self) -> str:
        return f"{self.order} {self.from_status} → {self.to_status}"

    @property
    def to_label(self) -> str:
        return Order.Status(self.to_status).label if self.to_status else ""

    @property
    def action_label(self) -> str:
        return self.ACTION_LABELS.get(self.action, self.action)


class SavedCard(models.Model):
    """A card a family member keeps with Stripe for their care plan's visits (decision
    0029): a Stripe Customer and a PaymentMethod set up for off-session use through a
    SetupIntent the Payment Element confirms. Only Stripe's ids and what identifies the card
    to its owner (brand, last 4, expiry) are kept; the card itself never reaches Linli."""

    class Status(models.TextChoices):
        SETTING_UP = "setting_up", pgettext_lazy("saved card", "Being saved")
        ACTIVE = "active", pgettext_lazy("saved card", "Saved")
        REMOVED = "removed", pgettext_lazy("saved card", "Removed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="saved_cards"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SETTING_UP)
    stripe_customer_id = models.CharField(max_length=100, blank=True)
    stripe_setup_intent_id = models.CharField(max_length=100, unique=True, null=True, blank=True)
    client_secret = models.CharField(max_length=200, blank=True)
    stripe_payment_method_id = models.CharField(max_length=100, blank=True)
    brand = models.CharField(_("card brand"), max_length=20, blank=True)
    last4 = models.CharField(_("last four digits"), max_length=4, blank=True)
    exp_month = models.PositiveSmallIntegerField(null=True, blank=True)
    exp_year = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    saved_at = models.DateTimeField(null=True, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("saved card")
        verbose_name_plural = _("saved cards")
        constraints = [
            # One card at a time: a new one replaces the old when it is saved.
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status="active"),
                name="one_saved_card_per_user",
                violation_error_message=_(
                    "You already have a saved card. Remove it before saving another."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.brand} ···· {self.last4}"


class Payment(models.Model):
    """The resident's share, paid by card through Stripe: before the request is sent (a
    booking), or for a care plan's confirmed visit, charged with the saved card the day
    before (decision 0029)."""

    class Status(models.TextChoices):
        CREATED = "created", _("Waiting")
        SUCCEEDED = "succeeded", _("Paid")
        FAILED = "failed", _("Failed")
        CANCELED = "canceled", _("Cancelled")

    class Kind(models.TextChoices):
        BOOKING = "booking", _("Paid when booking")
        SAVED_CARD = "saved_card", _("Charged to the saved card before the visit")

    order = models.OneToOneField(Order, on_delete=models.PROTECT, related_name="payment")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.BOOKING)
    # The saved card charged (off-session), and when that was first tried.
    saved_card = models.ForeignKey(
        SavedCard, null=True, blank=True, on_delete=models.PROTECT, related_name="payments"
    )
    charge_tried_at = models.DateTimeField(null=True, blank=True)
    amount_fen = models.PositiveBigIntegerField(_("amount (fen)"))
    currency = models.CharField(max_length=3, default="CNY")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.CREATED
    )
    stripe_payment_intent_id = models.CharField(max_length=100, unique=True, null=True, blank=True)
    client_secret = models.CharField(max_length=200, blank=True)
    # Which PaymentIntent of this payment is the current one: a canceled intent (by Stripe or
    # by expiry) is replaced by a new one, whose idempotency key carries the next number.
    intent_attempt = models.PositiveSmallIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    succeeded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")

    def __str__(self) -> str:
        return f"{self.order} {self.amount_fen}"


class Refund(models.Model):
    """Money going back to the resident: decided by Linli (a row written with the decision,
    sent to Stripe after commit and retried until it settles) or made in Stripe's dashboard
    (a row written when its webhook arrives, `origin` stripe)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Refunded")
        FAILED = "failed", _("Failed")
        CANCELED = "canceled", _("Cancelled")
        # Staff paid it back another way (cash, bank transfer) and said so.
        HANDED_OVER = "handed_over", _("Handed over by staff")

    class Origin(models.TextChoices):
        LINLI = "linli", _("Linli")
        STRIPE = "stripe", _("Stripe dashboard")

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount_fen = models.PositiveBigIntegerField(_("amount (fen)"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    status = models.CharField(max_length=11, choices=Status.choices, default=Status.PENDING)
    origin = models.CharField(max_length=6, choices=Origin.choices, default=Origin.LINLI)
    stripe_refund_id = models.CharField(max_length=100, unique=True, null=True, blank=True)
    # Every ask of Stripe is an attempt; after REFUND_MAX_ATTEMPTS the retry job hands the
    # refund to staff. The idempotency key changes (key_generation) only when Stripe's refund
    # failed or Stripe has forgotten the key (24 h), never on a mere retry.
    attempts = models.PositiveSmallIntegerField(default=0)
    last_tried_at = models.DateTimeField(null=True, blank=True)
    key_generation = models.PositiveSmallIntegerField(default=1)
    key_first_used_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    handed_to_staff_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")

    def __str__(self) -> str:
        return f"{self.payment} −{self.amount_fen}"


class Dispute(models.Model):
    """A chargeback the resident's bank opened (charge.dispute.*), one row per Stripe
    dispute; a lost one gave the money back to the resident outside any refund."""

    CLOSED = ("won", "lost", "warning_closed", "prevented")
    # Stripe's statuses, as staff read them.
    STATUS_LABELS = {
        "warning_needs_response": _("Enquiry: evidence needed"),
        "warning_under_review": _("Enquiry: under review"),
        "warning_closed": _("Enquiry closed"),
        "needs_response": _("Evidence needed"),
        "under_review": _("Under review by the bank"),
        "won": _("Won"),
        "lost": _("Lost"),
        "prevented": _("Prevented"),
    }

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="disputes")
    stripe_dispute_id = models.CharField(max_length=100, unique=True)
    amount_fen = models.PositiveBigIntegerField(_("amount (fen)"))
    status = models.CharField(_("status"), max_length=30)
    reason = models.CharField(_("reason"), max_length=60, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("chargeback")
        verbose_name_plural = _("chargebacks")

    def __str__(self) -> str:
        return self.stripe_dispute_id

    @property
    def lost(self) -> bool:
        return self.status == "lost"

    @property
    def status_label(self) -> str:
        return str(self.STATUS_LABELS.get(self.status, self.status))


class ProcessedStripeEvent(models.Model):
    """Stripe delivers at least once; we act at most once."""

    stripe_event_id = models.CharField(max_length=100, unique=True)
    type = models.CharField(max_length=100)
    received_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.stripe_event_id


class Transfer(models.Model):
    """The provider's share of a closed order, sent to its Stripe Connect account."""

    order = models.OneToOneField(Order, on_delete=models.PROTECT, related_name="transfer")
    amount_fen = models.PositiveBigIntegerField()
    stripe_transfer_id = models.CharField(max_length=100, unique=True, null=True, blank=True)
    # After 24 h Stripe forgets an idempotency key: a retry then first looks for a transfer
    # carrying our metadata, and only if none is there sends with a key of a new generation.
    attempts = models.PositiveSmallIntegerField(default=0)
    last_tried_at = models.DateTimeField(null=True, blank=True)
    key_generation = models.PositiveSmallIntegerField(default=1)
    key_first_used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.order} → {self.amount_fen}"


class VisitCodeCard(models.Model):
    """A printed card kept at the recipient's home: one short code per visit, for people
    without a smartphone. The worker types the next unused code at the door."""

    care_recipient = models.ForeignKey(
        "accounts.CareRecipient", on_delete=models.CASCADE, related_name="visit_cards"
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("visit code card")
        verbose_name_plural = _("visit code cards")

    def __str__(self) -> str:
        return f"{self.care_recipient} · {self.issued_at:%Y-%m-%d}"


class VisitCode(models.Model):
    card = models.ForeignKey(VisitCodeCard, on_delete=models.CASCADE, related_name="codes")
    number = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=6)
    used_at = models.DateTimeField(null=True, blank=True)
    used_for = models.ForeignKey(
        Order, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["card", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["card", "number"],
                name="visit_code_number",
                violation_error_message=_("This card already has a code with this number."),
            ),
            models.UniqueConstraint(
                fields=["card", "code"],
                name="visit_code_unique_on_card",
                violation_error_message=_("This code is already on the card."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.card} #{self.number}"


class VisitRecord(models.Model):
    """The record a purchaser relies on: check-in, check-out and confirmations, appended,
    never edited. A correction is a new row with a reason code."""

    class Kind(models.TextChoices):
        CHECK_IN = "check_in", _("Check-in")
        CHECK_OUT = "check_out", _("Check-out")
        RECIPIENT_CONFIRMED = "recipient_confirmed", _("Confirmed by the recipient's family")
        STAFF_CONFIRMED = "staff_confirmed", _("Confirmed by community staff")
        CORRECTION = "correction", _("Correction")

    class Method(models.TextChoices):
        WORKER_APP = "worker_app", _("Worker's phone")
        VISIT_CODE = "visit_code", _("Code from the card at home")
        FAMILY = "family", _("Family account")
        STAFF = "staff", _("Community staff")
        ROLL_CALL = "roll_call", _("Roll call at the venue")

    class Correction(models.TextChoices):
        WRONG_TIME = "wrong_time", _("Wrong time recorded")
        FORGOT_CHECK_OUT = "forgot_check_out", _("Worker forgot to check out")
        WRONG_WORKER = "wrong_worker", _("Wrong worker recorded")
        OTHER = "other", _("Other")

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="visit_records")
    kind = models.CharField(_("record"), max_length=20, choices=Kind.choices)
    method = models.CharField(_("how"), max_length=12, choices=Method.choices)
    at = models.DateTimeField(_("at"))
    worker = models.ForeignKey(
        "providers.ProviderMember",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    visit_code = models.ForeignKey(
        VisitCode, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    correction = models.CharField(
        _("reason code"), max_length=20, choices=Correction.choices, blank=True
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("visit record")
        verbose_name_plural = _("visit records")
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="correction") | ~Q(correction=""),
                name="visit_correction_has_reason",
                violation_error_message=_("A correction needs a reason."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order} {self.kind} {self.at:%H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Visit records are never edited; add a correction instead.")
        super().save(*args, **kwargs)


class OrderHold(models.Model):
    """Keeps a subsidised order's statement line on hold while something is open about it
    (a complaint, a "no" in beneficiary feedback). Owned by orders; reviews set and release
    it through orders.services; statements read it."""

    class Reason(models.TextChoices):
        COMPLAINT = "complaint", _("Open complaint")
        FEEDBACK = "feedback", _("Beneficiary feedback says no")
        DISPUTE = "dispute", _("Open dispute")
        VISIT_REVIEW = "visit_review", _("Visit needs review")
        SPOT_CHECK = "spot_check", _("Failed spot check")
        OTHER = "other", _("Other")

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="holds")
    reason = models.CharField(_("reason"), max_length=12, choices=Reason.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("hold")
        verbose_name_plural = _("holds")

    def __str__(self) -> str:
        return f"{self.order} · {self.get_reason_display()}"


class VisitReview(models.Model):
    """A visit outside the limits (too short, too long, or checked in far from the booked
    start): not verified, and held from statements, until community staff confirm it with a
    reason or reject it (ADR 0019). The figures are kept so every reader sees them in their
    own language."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Needs review")
        CONFIRMED = "confirmed", _("Confirmed by community staff")
        REJECTED = "rejected", _("Rejected by community staff")

    order = models.OneToOneField(Order, on_delete=models.PROTECT, related_name="visit_review")
    status = models.CharField(
        _("review status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    booked_minutes = models.PositiveIntegerField(_("booked minutes"))
    stayed_minutes = models.PositiveIntegerField(_("minutes stayed"))
    check_in_offset_minutes = models.IntegerField(_("check-in minutes from the start"))
    too_short = models.BooleanField(default=False)
    too_long = models.BooleanField(default=False)
    far_from_start = models.BooleanField(default=False)
    hold = models.OneToOneField(
        OrderHold, null=True, blank=True, on_delete=models.PROTECT, related_name="visit_review"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["opened_at", "pk"]
        verbose_name = _("visit review")
        verbose_name_plural = _("visit reviews")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="pending", decided_at__isnull=True)
                | (~Q(status="pending") & Q(decided_at__isnull=False) & ~Q(decision_reason="")),
                name="visit_review_decided_with_reason",
                violation_error_message=_(
                    "A decided review needs a reason and a time; a pending one has neither."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order} · {self.get_status_display()}"

    @property
    def findings(self) -> list[str]:
        """What is wrong, in the reader's language."""
        found = []
        if self.too_short:
            found.append(
                _("Stayed %(stayed)s of %(booked)s booked minutes")
                % {"stayed": self.stayed_minutes, "booked": self.booked_minutes}
            )
        if self.too_long:
            found.append(
                _("Stayed %(stayed)s minutes, far longer than the %(booked)s booked")
                % {"stayed": self.stayed_minutes, "booked": self.booked_minutes}
            )
        if self.far_from_start:
            found.append(
                _("Checked in %(minutes)s minutes from the booked start")
                % {"minutes": f"{self.check_in_offset_minutes:+d}"}
            )
        return found


class OrderExclusion(models.Model):
    """An order that is never billed to the purchaser: a visit community staff rejected, or
    an upheld complaint's remedy. Statements read it and show the order as an excluded line."""

    class Reason(models.TextChoices):
        VISIT_REJECTED = "visit_rejected", _("Visit rejected by community staff")
        COMPLAINT_UPHELD = "complaint", _("Upheld complaint")

    order = models.OneToOneField(Order, on_delete=models.PROTECT, related_name="billing_exclusion")
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    note = models.CharField(_("note"), max_length=300)
    excluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    excluded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("order left off statements")
        verbose_name_plural = _("orders left off statements")

    def __str__(self) -> str:
        return f"{self.order} · {self.get_reason_display()}"


class ProviderChange(models.Model):
    """Community staff propose that an open order of a suspended provider go to another
    approved provider serving the community, at a time of that provider's; the family
    accepts (the new provider is asked) or declines (the order is cancelled with everything
    refunded). ADR 0020."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Waiting for the family")
        ACCEPTED = "accepted", _("Accepted by the family")
        DECLINED = "declined", _("Declined by the family")
        WITHDRAWN = "withdrawn", _("No longer possible")

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="provider_changes")
    from_provider = models.ForeignKey(
        "providers.Provider", on_delete=models.PROTECT, related_name="+"
    )
    to_slot = models.ForeignKey(
        "marketplace.Slot",
        verbose_name=_("new provider and time"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=300)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["proposed_at", "pk"]
        verbose_name = _("proposed provider change")
        verbose_name_plural = _("proposed provider changes")
        constraints = [
            models.UniqueConstraint(
                fields=["order"],
                condition=Q(status="proposed"),
                name="one_open_provider_change_per_order",
                violation_error_message=_(
                    "A change of provider is already proposed for this order."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order} → {self.to_slot}"
