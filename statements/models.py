"""Monthly purchase-of-service statements (DESIGN §7, §8): above orders, billing what the
subsidy layer in `billing` reserved. The models moved here from `billing`; their tables keep
the names they had there (`billing_statement`, ...), with the freeze trigger on them
(billing/migrations/0004_frozen_lines_trigger.py)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from providers.models import private_storage
from statements.exceptions import StatementsError
from statements.querysets import (
    ContestEvidenceQuerySet,
    LineContestQuerySet,
    StatementJobQuerySet,
    StatementLineQuerySet,
    StatementQuerySet,
)


class FrozenRow(models.Model):
    """Rows of an issued statement never change: corrections are adjustments on a later
    statement. A trigger enforces the same on PostgreSQL (migration)."""

    frozen_message = _("Lines of an issued statement never change.")

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise FrozenStatement(self.frozen_message)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise FrozenStatement(self.frozen_message)


class FrozenStatement(StatementsError):
    """A write to a row of an issued statement."""


class Statement(models.Model):
    """What one purchaser owes one provider for one month (结算单), DESIGN §7."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ISSUED = "issued", _("Issued")
        UNDER_REVIEW = "under_review", _("Under review")
        APPROVED = "approved", _("Approved")
        PAID = "paid", _("Paid")

    purchaser = models.ForeignKey(
        "billing.Purchaser",
        verbose_name=_("purchaser"),
        on_delete=models.PROTECT,
        related_name="statements",
    )
    provider = models.ForeignKey(
        "providers.Provider",
        verbose_name=_("provider"),
        on_delete=models.PROTECT,
        related_name="statements",
    )
    month = models.DateField(_("month"))  # the first day of the month
    # Given at issue: region code-purchaser-month-sequence (decision 0036).
    number = models.CharField(
        _("statement number"), max_length=40, unique=True, null=True, blank=True, editable=False
    )
    status = models.CharField(
        _("status"), max_length=14, choices=Status.choices, default=Status.DRAFT
    )
    created_at = models.DateTimeField(default=timezone.now)
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    review_started_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # A copy of the latest PaymentRecord, written with it (decision 0036).
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    payment_reference = models.CharField(_("payment reference"), max_length=100, blank=True)
    paid_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = StatementQuerySet.as_manager()

    class Meta:
        db_table = "billing_statement"
        ordering = ["-month", "provider__name"]
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        constraints = [
            models.UniqueConstraint(
                fields=["purchaser", "provider", "month"],
                name="one_statement_per_month",
                violation_error_message=_(
                    "There is already a statement for this provider and month."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.purchaser} · {self.provider} · {self.month:%Y-%m}"


class StatementLine(FrozenRow):
    """One subsidised visit, copied from its order when the statement is issued."""

    class Kind(models.TextChoices):
        BILLED = "billed", _("Billed")
        HELD = "held", _("Held")
        # Left off by community staff (a rejected visit, an upheld complaint): never billed.
        EXCLUDED = "excluded", _("Left off")

    statement = models.ForeignKey(Statement, on_delete=models.PROTECT, related_name="lines")
    order = models.ForeignKey(
        "orders.Order", on_delete=models.PROTECT, related_name="statement_lines"
    )
    kind = models.CharField(_("line"), max_length=8, choices=Kind.choices)
    programme = models.ForeignKey("billing.Programme", on_delete=models.PROTECT, related_name="+")
    order_code = models.CharField(_("order number"), max_length=10)
    service_title = models.CharField(_("service"), max_length=120)
    recipient_name = models.CharField(_("care recipient"), max_length=100)
    community_name = models.CharField(_("community"), max_length=100)
    visit_started_at = models.DateTimeField(_("check-in"), null=True)
    visit_ended_at = models.DateTimeField(_("check-out"), null=True)
    worker_name = models.CharField(_("worker"), max_length=100, blank=True)
    list_price_fen = models.PositiveBigIntegerField(_("list price (fen)"))
    subsidy_fen = models.PositiveBigIntegerField(_("subsidy (fen)"))
    copay_fen = models.PositiveBigIntegerField(_("paid by the resident (fen)"))
    hold_reason = models.CharField(_("why held"), max_length=300, blank=True)

    objects = StatementLineQuerySet.as_manager()

    class Meta:
        db_table = "billing_statementline"
        ordering = ["statement", "visit_started_at", "pk"]
        verbose_name = _("statement line")
        verbose_name_plural = _("statement lines")
        constraints = [
            # A visit is billed once; a held line may come back billed on a later statement.
            models.UniqueConstraint(
                fields=["order"],
                condition=Q(kind="billed"),
                name="order_billed_once",
                violation_error_message=_("This order is already on a statement."),
            ),
            models.CheckConstraint(
                condition=Q(copay_fen=F("list_price_fen") - F("subsidy_fen")),
                name="line_split_adds_up",
                violation_error_message=_(
                    "What the family pays must be the price less the subsidy."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.statement} · {self.order_code}"


class LineExclusion(models.Model):
    """The purchaser's decision not to pay one line, with a reason code and a note."""

    class Reason(models.TextChoices):
        NOT_DELIVERED = "not_delivered", _("Service not delivered as recorded")
        NOT_ELIGIBLE = "not_eligible", _("Recipient not eligible")
        DUPLICATE = "duplicate", _("Duplicate")
        WRONG_PRICE = "wrong_price", _("Wrong price")
        EVIDENCE_MISSING = "evidence_missing", _("Evidence missing")
        OTHER = "other", _("Other")

    line = models.OneToOneField(StatementLine, on_delete=models.PROTECT, related_name="exclusion")
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    note = models.TextField(_("note"))
    excluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    excluded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "billing_lineexclusion"
        verbose_name = _("excluded line")
        verbose_name_plural = _("excluded lines")

    def __str__(self) -> str:
        return f"{self.line} · {self.get_reason_display()}"


class Adjustment(FrozenRow):
    """A correction of an earlier statement's line, carried on a later statement."""

    statement = models.ForeignKey(Statement, on_delete=models.PROTECT, related_name="adjustments")
    corrects = models.ForeignKey(
        StatementLine, on_delete=models.PROTECT, related_name="adjustments"
    )
    amount_fen = models.BigIntegerField(_("amount (fen)"))  # negative: the provider owes
    reason = models.CharField(_("reason"), max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "billing_adjustment"
        verbose_name = _("adjustment")
        verbose_name_plural = _("adjustments")

    def __str__(self) -> str:
        return f"{self.statement} · {self.amount_fen}"


class LineContest(models.Model):
    """A provider's objection to an excluded line (decision 0035). The line and its exclusion
    stay as they are; an upheld contest is paid as an adjustment on a later statement."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for the officer")
        UPHELD = "upheld", _("Upheld: paid on a later statement")
        CONFIRMED = "confirmed", _("Exclusion confirmed")

    line = models.OneToOneField(StatementLine, on_delete=models.PROTECT, related_name="contest")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    reason = models.TextField(_("why the line should be paid"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    answer = models.TextField(_("the officer's answer"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    adjustment = models.OneToOneField(
        Adjustment, null=True, blank=True, on_delete=models.PROTECT, related_name="contest"
    )

    objects = LineContestQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at", "-pk"]
        verbose_name = _("contested line")
        verbose_name_plural = _("contested lines")
        constraints = [
            # Upheld is exactly "paid by an adjustment"; nothing else carries one.
            models.CheckConstraint(
                condition=Q(status="upheld", adjustment__isnull=False)
                | (~Q(status="upheld") & Q(adjustment__isnull=True)),
                name="contest_upheld_has_adjustment",
                violation_error_message=_(
                    "An upheld objection needs an adjustment, and only an upheld one has one."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.line} · {self.get_status_display()}"


class ContestEvidence(models.Model):
    """A file the provider sends with a contest (a signed visit sheet, a photo)."""

    contest = models.ForeignKey(LineContest, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(storage=private_storage, upload_to="contest-evidence/")
    content_type = models.CharField(max_length=50)
    original_name = models.CharField(max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    objects = ContestEvidenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("contest evidence")
        verbose_name_plural = _("contest evidence")

    def __str__(self) -> str:
        return self.original_name


class ContestEvent(models.Model):
    """One step of a contest (opened, upheld, confirmed): who, when and what they wrote."""

    contest = models.ForeignKey(LineContest, on_delete=models.PROTECT, related_name="events")
    status = models.CharField(_("status"), max_length=10, choices=LineContest.Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("contest step")
        verbose_name_plural = _("contest steps")

    def __str__(self) -> str:
        return f"{self.contest_id} · {self.status}"


class PaymentRecord(FrozenRow):
    """The transfer that settled a statement, as the officer recorded it. A wrong record is
    corrected by a later one that names it and says why, never edited (decision 0036)."""

    frozen_message = _("A payment record never changes: record a correction instead.")

    statement = models.ForeignKey(
        Statement, on_delete=models.PROTECT, related_name="payment_records"
    )
    paid_on = models.DateField(_("paid on"))
    reference = models.CharField(_("payment reference"), max_length=100)
    corrects = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="correction"
    )
    reason = models.CharField(_("why corrected"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        ordering = ["recorded_at", "pk"]
        verbose_name = _("payment record")
        verbose_name_plural = _("payment records")
        constraints = [
            models.UniqueConstraint(
                fields=["statement"],
                condition=Q(corrects__isnull=True),
                name="one_first_payment",
                violation_error_message=_(
                    "This statement's payment is already recorded; record a correction instead."
                ),
            ),
            models.CheckConstraint(
                condition=Q(corrects__isnull=True) | ~Q(reason=""),
                name="payment_correction_says_why",
                violation_error_message=_("A correction of a payment needs a reason."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.statement} · {self.paid_on} · {self.reference}"


class StatementJob(models.Model):
    """Work on a statement that runs as a background task (decision 0048): issuing the month
    or writing its PDF. The page shows its progress; a PDF job keeps the file it wrote."""

    class Kind(models.TextChoices):
        ISSUE = "issue", _("Issue")
        PDF = "pdf", "PDF"

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="jobs")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    lines_total = models.PositiveIntegerField(default=0)
    lines_done = models.PositiveIntegerField(default=0)
    file = models.FileField(storage=private_storage, upload_to="statement-pdf/", blank=True)
    error = models.CharField(max_length=300, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = StatementJobQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            # One job of a kind at a time per statement: a second click finds the first.
            models.UniqueConstraint(
                fields=["statement", "kind"],
                condition=Q(status__in=["queued", "running"]),
                name="one_open_statement_job_per_kind",
                violation_error_message=_("This work is already under way for this statement."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.statement_id} · {self.kind} · {self.status}"

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return self.lines_done * 100 // self.lines_total if self.lines_total else 0
