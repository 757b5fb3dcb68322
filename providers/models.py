from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Provider(models.Model):
    """An organisation that offers services: a property company, social organisation or
    merchant (DESIGN §1). Admission review, documents and grades build on this row."""

    class Kind(models.TextChoices):
        PROPERTY_COMPANY = "property_company", _("Property company")
        SOCIAL_ORG = "social_org", _("Social organisation")
        MERCHANT = "merchant", _("Merchant")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    communities = models.ManyToManyField(
        "communities.Region",
        verbose_name=_("communities served"),
        limit_choices_to={"level": "community"},
        related_name="providers",
        blank=True,
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("provider")
        verbose_name_plural = _("providers")

    def __str__(self) -> str:
        return self.name


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
    created_at = models.DateTimeField(_("joined at"), default=timezone.now)

    class Meta:
        verbose_name = _("provider member")
        verbose_name_plural = _("provider members")
        constraints = [
            models.UniqueConstraint(fields=["provider", "user"], name="provider_member_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.provider} · {self.get_role_display()}"
