from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.querysets import CareRecipientQuerySet
from communities.models import in_english


class Role(models.TextChoices):
    RESIDENT = "resident", _("Resident")
    PROVIDER_MEMBER = "provider_member", _("Provider member")
    COMMUNITY_STAFF = "community_staff", _("Community staff")
    PURCHASER_OFFICER = "purchaser_officer", _("Government purchaser officer")
    PLATFORM_ADMIN = "platform_admin", _("Platform admin")


# These roles handle other people's data and public money: a password is not enough.
ROLES_REQUIRING_SECOND_FACTOR = frozenset(
    {Role.COMMUNITY_STAFF, Role.PURCHASER_OFFICER, Role.PLATFORM_ADMIN}
)
# Roles that are granted with a region scope (RoleAssignment rows).
SCOPED_ROLES = (Role.COMMUNITY_STAFF, Role.PURCHASER_OFFICER)


class EmailUserManager(UserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """An account. People log in with their e-mail address; there is no username."""

    username = None
    email = models.EmailField(_("e-mail address"), unique=True)
    # How the site addresses the person; Chinese names do not split into first/last.
    display_name = models.CharField(_("name"), max_length=100, blank=True)
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, blank=True
    )
    elder_mode = models.BooleanField(_("elder mode"), default=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = EmailUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.email

    def get_full_name(self) -> str:
        return self.display_name or f"{self.last_name}{self.first_name}" or self.email

    def get_short_name(self) -> str:
        return self.display_name or self.email


class RoleAssignment(models.Model):
    """A scoped role: community staff or a purchaser officer over one region."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    region = models.ForeignKey(
        "communities.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="role_assignments",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "region"],
                name="role_assignment_unique",
                violation_error_message=_("This person already has this role in this area."),
            ),
            models.CheckConstraint(
                condition=Q(role__in=[r.value for r in SCOPED_ROLES]),
                name="role_assignment_only_scoped_roles",
                violation_error_message=_("This role is not given for an area."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.region}"


class ResidentProfile(models.Model):
    """What a resident tells us about themself: how to reach them and where they live."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="resident_profile",
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    community = models.ForeignKey(
        "communities.Region",
        verbose_name=_("community"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        limit_choices_to={"level": "community"},
        related_name="+",
    )
    address = models.CharField(_("address"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("resident profile")
        verbose_name_plural = _("resident profiles")

    def __str__(self) -> str:
        return str(self.user)


class CareRecipient(models.Model):
    """The person a service is for (被照护人). Many have no account of their own.

    Subsidy eligibility belongs to this person, not to whoever books for them.
    """

    name = models.CharField(_("name"), max_length=100)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    community = models.ForeignKey(
        "communities.Region",
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        limit_choices_to={"level": "community"},
        related_name="care_recipients",
    )
    address = models.CharField(_("address"), max_length=200)
    living_alone = models.BooleanField(_("lives alone"), default=False)
    # Facts community staff record when they check eligibility (资格认定); subsidy
    # programmes and targeted notices use them.
    minimum_living_allowance = models.BooleanField(
        _("minimum living allowance household"), default=False
    )
    low_income = models.BooleanField(_("low-income household"), default=False)
    disability_level = models.PositiveSmallIntegerField(
        _("disability or dependency level"),
        default=0,
        help_text=_("0 for none; 1 (mild) to 4 (total dependency)."),
    )
    special_care = models.BooleanField(_("special-care recipient"), default=False)
    # Set when the recipient is also an account holder booking for themself.
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("own account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="self_care_recipient",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = CareRecipientQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("care recipient")
        verbose_name_plural = _("care recipients")

    def __str__(self) -> str:
        return self.name

    def family_accounts(self) -> list:
        """Whoever speaks for this person: their own account and every linked family member,
        each once."""
        people = {link.account_id: link.account for link in self.links.select_related("account")}
        if self.account_id:
            people[self.account_id] = self.account
        return list(people.values())

    def is_linked_to(self, user) -> bool:
        """Whether this account may book for this person: the rule of
        CareRecipientQuerySet.linked_to, asked of one recipient already loaded."""
        if user.pk is None:
            return False
        return self.account_id == user.pk or self.links.filter(account=user).exists()

    def age_on(self, day) -> int | None:
        if self.birth_date is None:
            return None
        before_birthday = (day.month, day.day) < (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - before_birthday


class CareLink(models.Model):
    """An account that may book and act for a care recipient (a daughter for her mother)."""

    class Relationship(models.TextChoices):
        SELF = "self", _("Self")
        CHILD = "child", _("Son or daughter")
        SPOUSE = "spouse", _("Spouse")
        RELATIVE = "relative", _("Other relative")
        OTHER = "other", _("Other")

    care_recipient = models.ForeignKey(
        CareRecipient,
        verbose_name=_("care recipient"),
        on_delete=models.CASCADE,
        related_name="links",
    )
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="care_links",
    )
    relationship = models.CharField(_("relationship"), max_length=10, choices=Relationship.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("linked by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("linked at"), default=timezone.now)

    class Meta:
        verbose_name = _("care link")
        verbose_name_plural = _("care links")
        constraints = [
            models.UniqueConstraint(
                fields=["care_recipient", "account"],
                name="care_link_unique",
                violation_error_message=_("This account is already linked to this person."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account} → {self.care_recipient}"


class Notification(models.Model):
    """One message in a person's notification centre.

    The text is kept as the untranslated message and its parameters, so it is shown in
    whatever language the reader uses when they read it (`accounts.notifications`).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=50)
    message = models.TextField(_("message"))
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(
                fields=["user", "created_at"],
                name="notification_unread_idx",
                condition=Q(read_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        if not self.params:
            return gettext(self.message)
        return gettext(self.message) % {
            key: _parameter_text(value) for key, value in self.params.items()
        }


def _parameter_text(value):
    """A notification parameter as the reader reads it: plain text as it is, a source text
    translated (accounts.notifications.translatable), or the reader's language's own text
    (accounts.notifications.in_each_language)."""
    if not isinstance(value, dict):
        return value
    if "msgid" in value:
        return gettext(value["msgid"])
    return (value.get("en") if in_english() else None) or value.get("zh-hans", "")


class UsedTotpCode(models.Model):
    """A one-time sign-in code that has been accepted, kept until it can no longer be valid,
    so nobody can sign in with it again. In the database, not the cache: with Redis gone
    the cache forgets every write, and staff must still be able to sign in (decision 0024).
    """

    authenticator = models.ForeignKey(
        "mfa.Authenticator", on_delete=models.CASCADE, related_name="+"
    )
    # The 30-second time step the code belongs to: a code is the same code only there.
    counter = models.BigIntegerField()
    used_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["authenticator", "counter"],
                name="one_use_per_totp_code",
                violation_error_message=_(
                    "This sign-in code has already been used. Please wait for the next one."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.authenticator_id}@{self.counter}"
