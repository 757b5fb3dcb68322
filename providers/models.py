import uuid

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from providers.querysets import (
    MANAGING_ROLES,
    CommunityRequestQuerySet,
    ProviderDocumentQuerySet,
    ProviderGradeQuerySet,
    ProviderMemberQuerySet,
    ProviderQuerySet,
    VenueQuerySet,
)
from providers.validators import validate_credit_code


def private_storage():
    # Documents never get a public URL: they are streamed by a view that checks who asks.
    return storages["private"]


class PrivateScan(models.Model):
    """What every kept scan says of itself (eligibility, assessment and application
    evidence); each adds its `file` (in private storage) and what it belongs to, and is
    saved through providers.uploads.save_private_document."""

    content_type = models.CharField(max_length=50)
    original_name = models.CharField(max_length=200)
    description = models.CharField(_("what it shows"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.original_name


class Provider(models.Model):
    """An organisation that offers services: a property company, social organisation or
    merchant (DESIGN §1), with its admission status."""

    class Kind(models.TextChoices):
        PROPERTY_COMPANY = "property_company", _("Property company")
        SOCIAL_ORG = "social_org", _("Social organisation")
        MERCHANT = "merchant", _("Merchant")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Waiting for review")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        SUSPENDED = "suspended", _("Suspended")

    class PlanPayment(models.TextChoices):
        EITHER = "either", _("With a saved card or at the door")
        CARD = "card", _("With a saved card only")
        DOOR = "door", _("At the door only")

    class SuspensionCause(models.TextChoices):
        STAFF = "staff", _("Suspended by community staff")
        DOCUMENT_EXPIRED = "document_expired", _("A required document has expired")
        GRADE = "grade", _("Grade D two quarters in a row")

    name = models.CharField(pgettext_lazy("of an organisation or a place", "name"), max_length=200)
    legal_name = models.CharField(_("legal name"), max_length=200, blank=True)
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        blank=True,
        validators=[validate_credit_code],
        help_text=_("18 characters, as printed on the business licence or registration."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    # The latest confirmed periodic grade (A best … D on warning); set by the grading review.
    grade = models.CharField(_("grade"), max_length=1, blank=True, choices=[(g, g) for g in "ABCD"])
    suspension_cause = models.CharField(
        _("suspension cause"), max_length=20, choices=SuspensionCause.choices, blank=True
    )
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    communities = models.ManyToManyField(
        "communities.Region",
        verbose_name=_("communities served"),
        limit_choices_to={"level": "community"},
        related_name="providers",
        blank=True,
    )
    # How the family may pay the visits of a self-paid care plan (decision 0029). One-off
    # bookings are paid on the pay page whatever this says.
    plan_payment = models.CharField(
        _("care plan visits paid"),
        max_length=10,
        choices=PlanPayment.choices,
        default=PlanPayment.EITHER,
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    objects = ProviderQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("provider")
        verbose_name_plural = _("providers")
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=~Q(credit_code=""),
                name="provider_credit_code_unique",
                violation_error_message=_(
                    "A provider with this unified social credit code is already registered."
                ),
            ),
            models.CheckConstraint(
                condition=Q(status="suspended", suspension_cause__gt="")
                | (~Q(status="suspended") & Q(suspension_cause="")),
                name="provider_suspension_has_cause",
                violation_error_message=_(
                    "A suspended provider needs a reason, and only a suspended one has one."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("providers:profile", kwargs={"pk": self.pk})

    @property
    def description(self) -> str:
        if (get_language() or "").startswith("en") and self.description_en:
            return self.description_en
        return self.description_zh or self.description_en

    @property
    def is_vetted(self) -> bool:
        return self.status == self.Status.APPROVED

    @property
    def can_publish_services(self) -> bool:
        return self.status == self.Status.APPROVED


class ProviderMember(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        MANAGER = "manager", _("Manager")
        WORKER = "worker", _("Worker")

    provider = models.ForeignKey(
        Provider, verbose_name=_("provider"), on_delete=models.CASCADE, related_name="members"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="provider_memberships",
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    # Workers who give eldercare also need a caregiver qualification.
    gives_eldercare = models.BooleanField(_("gives eldercare"), default=False)
    suspended_at = models.DateTimeField(_("suspended at"), null=True, blank=True)
    # The kind of the expired document that stopped this worker.
    suspension_reason = models.CharField(_("suspension reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("joined at"), default=timezone.now)

    objects = ProviderMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("provider member")
        verbose_name_plural = _("provider members")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "user"],
                name="provider_member_unique",
                violation_error_message=_("This person is already a member of this provider."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.provider} · {self.get_role_display()}"

    @property
    def manages(self) -> bool:
        return self.role in MANAGING_ROLES

    @property
    def suspension_label(self) -> str:
        if self.suspension_reason in DocumentKind.values:
            return DocumentKind(self.suspension_reason).label
        return self.suspension_reason


class DocumentKind(models.TextChoices):
    BUSINESS_LICENCE = "business_licence", _("Business licence")
    SOCIAL_ORG_REGISTRATION = (
        "social_org_registration",
        _("Social organisation registration certificate"),
    )
    PROPERTY_QUALIFICATION = "property_qualification", _("Property management qualification")
    LIABILITY_INSURANCE = "liability_insurance", _("Liability insurance")
    HEALTH_CERTIFICATE = "health_certificate", _("Health certificate")
    CAREGIVER_QUALIFICATION = "caregiver_qualification", _("Caregiver qualification")


class ProviderDocument(models.Model):
    """An uploaded certificate with its expiry date. Organisation documents have no
    member; a worker's own documents (health, caregiver qualification) name the worker."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    provider = models.ForeignKey(
        Provider, verbose_name=_("provider"), on_delete=models.CASCADE, related_name="documents"
    )
    member = models.ForeignKey(
        ProviderMember,
        verbose_name=_("worker"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="documents",
    )
    kind = models.CharField(_("document"), max_length=30, choices=DocumentKind.choices)
    file = models.FileField(_("file"), storage=private_storage, upload_to="provider-documents/")
    content_type = models.CharField(_("file type"), max_length=50)
    original_name = models.CharField(_("original file name"), max_length=200)
    size_bytes = models.PositiveIntegerField(_("size"))
    expires_on = models.DateField(_("expires on"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.CharField(_("review note"), max_length=300, blank=True)
    # Each warning goes out once, whatever day the daily job runs.
    warned_30_days_at = models.DateTimeField(null=True, blank=True, editable=False)
    warned_7_days_at = models.DateTimeField(null=True, blank=True, editable=False)
    expiry_handled_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ProviderDocumentQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "-uploaded_at"]
        verbose_name = _("provider document")
        verbose_name_plural = _("provider documents")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.provider}"

    def get_file_url(self) -> str:
        return reverse("providers:document_file", kwargs={"pk": self.pk})


class ProviderInvitation(models.Model):
    """The owner asks someone, by e-mail address, to join as manager or worker."""

    provider = models.ForeignKey(
        Provider, verbose_name=_("provider"), on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=10, choices=ProviderMember.Role.choices)
    gives_eldercare = models.BooleanField(_("gives eldercare"), default=False)
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("invited at"), default=timezone.now)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.email} → {self.provider}"

    def get_absolute_url(self) -> str:
        return reverse("providers:invitation", kwargs={"token": self.token})


class ProviderEvent(models.Model):
    """The provider's history: every decision with who, when, before → after and why."""

    class Action(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        SUBMITTED = "submitted", _("Submitted for review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        CHANGES_REQUESTED = "changes_requested", _("Sent back for changes")
        SUSPENDED = "suspended", _("Suspended")
        REINSTATED = "reinstated", _("Reinstated")
        DOCUMENT_UPLOADED = "document_uploaded", _("Document uploaded")
        DOCUMENT_APPROVED = "document_approved", _("Document approved")
        DOCUMENT_REJECTED = "document_rejected", _("Document rejected")
        DOCUMENT_EXPIRED = "document_expired", _("Document expired")
        MEMBER_INVITED = "member_invited", _("Member invited")
        MEMBER_JOINED = "member_joined", _("Member joined")
        MEMBER_REMOVED = "member_removed", _("Member removed")
        WORKER_SUSPENDED = "worker_suspended", _("Worker suspended")
        WORKER_REINSTATED = "worker_reinstated", _("Worker reinstated")
        COMMUNITY_REQUESTED = "community_requested", _("Asked to serve a community")
        COMMUNITY_ADDED = "community_added", _("Community added")
        COMMUNITY_REFUSED = "community_refused", _("Community refused")
        COMMUNITY_REMOVED = "community_removed", _("Community removed")

    provider = models.ForeignKey(
        Provider, verbose_name=_("provider"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    from_status = models.CharField(
        pgettext_lazy("status change", "from"), max_length=20, blank=True
    )
    to_status = models.CharField(pgettext_lazy("status change", "to"), max_length=20, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    document = models.ForeignKey(
        ProviderDocument, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    member = models.ForeignKey(
        ProviderMember, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    community = models.ForeignKey(
        "communities.Region", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("provider event")
        verbose_name_plural = _("provider events")

    def __str__(self) -> str:
        return f"{self.provider} · {self.get_action_display()}"

    def status_label(self, value: str) -> str:
        return Provider.Status(value).label if value in Provider.Status.values else value

    @property
    def from_label(self) -> str:
        return self.status_label(self.from_status)

    @property
    def to_label(self) -> str:
        return self.status_label(self.to_status)


class CommunityRequest(models.Model):
    """An approved provider asks to serve one more community. Until staff of that community
    approve, it is not among the provider's communities, so none of its services is offered
    there (docs/decisions/0021)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    provider = models.ForeignKey(
        Provider,
        verbose_name=_("provider"),
        on_delete=models.CASCADE,
        related_name="community_requests",
    )
    community = models.ForeignKey(
        "communities.Region",
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        limit_choices_to={"level": "community"},
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(_("asked on"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided on"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    objects = CommunityRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("community request")
        verbose_name_plural = _("community requests")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "community"],
                condition=Q(status="pending"),
                name="one_pending_request_per_community",
                violation_error_message=_(
                    "A request to serve this community is already waiting for a decision."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider} → {self.community}"


class ProviderPhoto(models.Model):
    """A picture on the provider's public page (their team, premises, a finished job)."""

    provider = models.ForeignKey(
        Provider, verbose_name=_("provider"), on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self) -> str:
        return self.caption or str(self.provider)


class PayoutAccount(models.Model):
    """The provider's Stripe Connect account, where its share of what residents pay goes.
    Only `orders.payments` talks to Stripe about it."""

    provider = models.OneToOneField(
        Provider,
        verbose_name=_("provider"),
        on_delete=models.CASCADE,
        related_name="payout_account",
    )
    stripe_account_id = models.CharField(max_length=100, unique=True)
    details_submitted = models.BooleanField(_("details submitted"), default=False)
    payouts_enabled = models.BooleanField(_("payouts enabled"), default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("payout account")
        verbose_name_plural = _("payout accounts")

    def __str__(self) -> str:
        return f"{self.provider} · {self.stripe_account_id}"


class ProviderGrade(models.Model):
    """A quarter's grade (星级/等级评定): the score from the formula in providers.grading,
    the grade it proposes, and the grade community staff confirm with a note."""

    provider = models.ForeignKey(
        Provider, verbose_name=_("provider"), on_delete=models.CASCADE, related_name="grades"
    )
    quarter = models.DateField(_("quarter"))  # its first day
    score = models.PositiveSmallIntegerField(_("score"))
    inputs = models.JSONField(_("figures"), default=dict)
    proposed = models.CharField(_("proposed grade"), max_length=1)
    confirmed = models.CharField(_("confirmed grade"), max_length=1, blank=True)
    note = models.TextField(_("note"), blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    objects = ProviderGradeQuerySet.as_manager()

    class Meta:
        ordering = ["-quarter", "provider__name"]
        verbose_name = _("grade")
        verbose_name_plural = _("grades")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "quarter"],
                name="one_grade_a_quarter",
                violation_error_message=_("This provider already has a grade for this quarter."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider} · {self.quarter:%Y-%m} · {self.confirmed or self.proposed}"


class Venue(models.Model):
    """A place of the provider's where people come to be served (a day-care centre, an elder
    canteen), with its weekly sittings. A service delivered there (marketplace
    `Service.venue`) is booked sitting by sitting and carries no home address (decision 0028)."""

    provider = models.ForeignKey(
        Provider, verbose_name=_("provider"), on_delete=models.PROTECT, related_name="venues"
    )
    name = models.CharField(pgettext_lazy("of an organisation or a place", "name"), max_length=100)
    address = models.CharField(_("address"), max_length=200)
    community = models.ForeignKey(
        "communities.Region",
        verbose_name=_("community"),
        limit_choices_to={"level": "community"},
        on_delete=models.PROTECT,
        related_name="venues",
    )
    opening_hours = models.CharField(
        _("opening hours"),
        max_length=200,
        blank=True,
        help_text=_("As the door says, e.g. Mon–Sat 8:00–17:00."),
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = VenueQuerySet.as_manager()

    class Meta:
        ordering = ["provider", "name", "pk"]
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "name"],
                name="venue_name_per_provider",
                violation_error_message=_("You already have a venue with this name."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class VenueSitting(models.Model):
    """One weekly sitting of a venue: on this weekday, from this time, this long, for this
    many people. Each sitting is one bookable time of every service delivered there."""

    venue = models.ForeignKey(
        Venue, verbose_name=_("venue"), on_delete=models.CASCADE, related_name="sittings"
    )
    weekday = models.PositiveSmallIntegerField(
        _("weekday"),
        choices=[
            (0, _("Monday")),
            (1, _("Tuesday")),
            (2, _("Wednesday")),
            (3, _("Thursday")),
            (4, _("Friday")),
            (5, _("Saturday")),
            (6, _("Sunday")),
        ],
    )
    starts_at = models.TimeField(_("from"))
    minutes = models.PositiveSmallIntegerField(_("length (minutes)"), default=60)
    places = models.PositiveSmallIntegerField(_("places per sitting"), default=20)

    class Meta:
        ordering = ["weekday", "starts_at"]
        verbose_name = _("sitting")
        verbose_name_plural = _("sittings")
        constraints = [
            models.UniqueConstraint(
                fields=["venue", "weekday", "starts_at"],
                name="venue_sitting_unique_start",
                violation_error_message=_(
                    "This venue already has a sitting starting at that time on that day."
                ),
            ),
            models.CheckConstraint(
                condition=Q(places__gte=1),
                name="venue_sitting_places",
                violation_error_message=_("A sitting needs at least one place."),
            ),
            models.CheckConstraint(
                condition=Q(minutes__gte=15, minutes__lte=720),
                name="venue_sitting_length",
                violation_error_message=_("A sitting lasts from 15 minutes to 12 hours."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.starts_at:%H:%M}"
